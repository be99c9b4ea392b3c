import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mlpGenerator, mlpDiscriminator } from '../../src/nets/mlp';
import { dcganGenerator, dcganDiscriminator } from '../../src/nets/dcgan';
import { labelEmbedding } from '../../src/conditioning/label-embedding';
import { channelConcat } from '../../src/conditioning/channel-concat';
import { createCgan, createGan } from '../../src/models/gan/create';
import { GanConfigError } from '../../src/errors';
import { ImageDataset } from '../../src/data/dataset';
import { useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  await useDefaultBackend();
});

/** The model's layers as compact strings, skipping input layers. */
function describe_(model: tfl.LayersModel): string[] {
  return model.layers
    .filter((l) => l.getClassName() !== 'InputLayer')
    .map((l) => {
      const c = l.getConfig() as Record<string, unknown>;
      switch (l.getClassName()) {
        case 'Dense':
          return `Dense ${c.units}${c.activation !== 'linear' ? ' ' + c.activation : ''}`;
        case 'Conv2D':
        case 'Conv2DTranspose':
          return `${l.getClassName()} ${c.filters} ${(c.kernelSize as number[]).join('x')} s${(c.strides as number[])[0]} ${c.padding}${c.activation !== 'linear' ? ' ' + c.activation : ''}`;
        case 'LeakyReLU':
          return `LeakyReLU ${c.alpha}`;
        case 'Activation':
          return `${c.activation}`;
        case 'Dropout':
        case 'GankitSeededDropout':
          return `Dropout ${c.rate}`;
        case 'Embedding':
          return `Embedding ${c.inputDim}x${c.outputDim}`;
        default:
          return l.getClassName();
      }
    });
}

function weightCount(model: tfl.LayersModel): number {
  return model.weights.reduce((n, w) => n + w.shape.reduce((a, b) => (a as number) * (b as number), 1)!, 0);
}

describe('seed nets, layer for layer', () => {
  test('seed 001 (original GAN): G z128 -> 256 ReLU -> 784 sigmoid; D 784 -> 256 ReLU -> logit', () => {
    const gan = createGan({ seed: 1 });
    expect(describe_(gan.generator)).toEqual(['Dense 256', 'relu', 'Dense 784 sigmoid', 'Reshape']);
    expect(describe_(gan.discriminator)).toEqual(['Flatten', 'Dense 256', 'relu', 'Dense 1']);
    expect(gan.generator.inputs[0].shape).toEqual([null, 128]);
    expect(weightCount(gan.generator)).toBe(128 * 256 + 256 + 256 * 784 + 784);
    expect(weightCount(gan.discriminator)).toBe(784 * 256 + 256 + 256 + 1);
    gan.dispose();
  });

  test('seed 002 (MLP CGAN, label embedding)', () => {
    const cgan = createCgan({ seed: 1 });
    expect(describe_(cgan.generator)).toEqual([
      'Embedding 10x10',
      'Flatten',
      'Concatenate',
      'Dense 128',
      'LeakyReLU 0.2',
      'Dense 256',
      'BatchNormalization',
      'LeakyReLU 0.2',
      'Dense 512',
      'BatchNormalization',
      'LeakyReLU 0.2',
      'Dense 1024',
      'BatchNormalization',
      'LeakyReLU 0.2',
      'Dense 784 tanh',
      'Reshape',
    ]);
    expect(describe_(cgan.discriminator)).toEqual([
      'Embedding 10x10',
      'Flatten',
      'Flatten',
      'Concatenate',
      'Dense 512',
      'LeakyReLU 0.2',
      'Dense 512',
      'Dropout 0.4',
      'LeakyReLU 0.2',
      'Dense 512',
      'Dropout 0.4',
      'LeakyReLU 0.2',
      'Dense 1',
    ]);
    expect(cgan.generator.inputs[0].shape).toEqual([null, 100]);
    // Trainable parameters equal PyTorch's count for the seed net (BN's moving statistics are not parameters there).
    const trainable = (m: tfl.LayersModel): number =>
      m.trainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => (a as number) * (b as number), 1)!, 0);
    expect(trainable(cgan.generator)).toBe(
      100 +
        (110 * 128 + 128) +
        (128 * 256 + 256) +
        512 +
        (256 * 512 + 512) +
        1024 +
        (512 * 1024 + 1024) +
        2048 +
        (1024 * 784 + 784),
    );
    expect(trainable(cgan.discriminator)).toBe(100 + (794 * 512 + 512) + 2 * (512 * 512 + 512) + 513);
    cgan.dispose();
  });

  test('seed 000 (DCGAN CGAN, channel concat)', () => {
    const cgan = createCgan({ seed: 1, architecture: 'dcgan' });
    expect(describe_(cgan.generator)).toEqual([
      'GankitOneHot',
      'Concatenate',
      'Dense 1024',
      'BatchNormalization',
      'relu',
      'Dense 6272',
      'BatchNormalization',
      'relu',
      'Reshape',
      'UpSampling2D',
      'Conv2D 64 5x5 s1 same',
      'BatchNormalization',
      'relu',
      'UpSampling2D',
      'Conv2D 1 5x5 s1 same tanh',
    ]);
    expect(describe_(cgan.discriminator)).toEqual([
      'GankitOneHot',
      'Concatenate',
      'Conv2D 64 5x5 s2 same',
      'LeakyReLU 0.2',
      'Conv2D 128 5x5 s2 valid',
      'LeakyReLU 0.2',
      'Flatten',
      'Dense 256',
      'LeakyReLU 0.2',
      'Dropout 0.5',
      'Dense 1',
    ]);
    // D sees 28x28x11: image + 10 label planes; the second conv is 'valid': 14 -> 5.
    const conv1 = cgan.discriminator.layers.find((l) => l.getClassName() === 'Conv2D')!;
    expect(conv1.getWeights()[0].shape).toEqual([5, 5, 11, 64]);
    expect(cgan.discriminator.layers.find((l) => l.getClassName() === 'Flatten')!.outputShape).toEqual([
      null,
      5 * 5 * 128,
    ]);
    cgan.dispose();
  });
});

describe('net builders', () => {
  test('a D whose convolutions leave a 0×0 map on small images is refused, naming imageShape and the layer', () => {
    // The seed-000 D: 5×5 convolutions, the second with 'valid' padding: 8×8 → 4×4 → 0×0.
    const before = tf.memory().numTensors;
    expect(() => dcganDiscriminator({ imageShape: [8, 8, 1], convFilters: [4, 8], kernelSize: 5, seed: 1 })).toThrow(
      /imageShape: \[8,8,1\] is too small for this net: its layer '.*' outputs \[0,0,8\]/,
    );
    expect(tf.memory().numTensors).toBe(before); // the refused net's weights are freed
    // 16×16 → 8×8 → 2×2 is fine.
    dcganDiscriminator({ imageShape: [16, 16, 1], convFilters: [4, 8], kernelSize: 5, seed: 1 }).dispose();
  });

  test('generators produce the requested image shape in the output range', () => {
    const cases: Array<[tfl.LayersModel, number, number]> = [
      [
        mlpGenerator({ latentDim: 8, imageShape: [6, 5, 3], hiddenUnits: [16], outputActivation: 'tanh', seed: 1 }),
        -1,
        1,
      ],
      [mlpGenerator({ latentDim: 8, imageShape: [4, 4, 1], hiddenUnits: [16], seed: 1 }), 0, 1],
      [
        dcganGenerator({
          latentDim: 8,
          imageShape: [8, 8, 2],
          baseShape: [2, 2, 8],
          denseUnits: [],
          convFilters: [4],
          seed: 1,
        }),
        -1,
        1,
      ],
      [
        dcganGenerator({
          latentDim: 8,
          imageShape: [8, 8, 1],
          baseShape: [2, 2, 8],
          convFilters: [4],
          upsampling: 'transposed',
          seed: 1,
        }),
        -1,
        1,
      ],
    ];
    for (const [g, lo, hi] of cases) {
      const out = tf.tidy(() => g.predict(tf.randomNormal([3, 8], 0, 3, 'float32', 5)) as tf.Tensor);
      expect(out.shape.slice(1)).toEqual(g.outputs[0].shape.slice(1));
      const [min, max] = [tf.min(out).dataSync()[0], tf.max(out).dataSync()[0]];
      expect(min).toBeGreaterThanOrEqual(lo);
      expect(max).toBeLessThanOrEqual(hi);
      out.dispose();
      g.dispose();
    }
  });

  test('discriminators output one unbounded logit per image', () => {
    const d = mlpDiscriminator({ imageShape: [4, 4, 1], hiddenUnits: [8], seed: 1 });
    const c = dcganDiscriminator({
      imageShape: [8, 8, 1],
      convFilters: [4, 4],
      padding: 'same',
      denseUnits: [8],
      dropout: 0,
      seed: 1,
    });
    for (const [model, size] of [
      [d, 4],
      [c, 8],
    ] as const) {
      const out = tf.tidy(() => model.predict(tf.mul(tf.ones([5, size, size, 1]), 100)) as tf.Tensor);
      expect(out.shape).toEqual([5, 1]);
      expect(model.layers[model.layers.length - 1].getConfig().activation).toBe('linear');
      out.dispose();
      model.dispose();
    }
  });

  test('the same seed gives the same weights; another seed does not', () => {
    const a = mlpGenerator({ latentDim: 4, imageShape: [2, 2, 1], hiddenUnits: [3], seed: 42 });
    const b = mlpGenerator({ latentDim: 4, imageShape: [2, 2, 1], hiddenUnits: [3], seed: 42 });
    const c = mlpGenerator({ latentDim: 4, imageShape: [2, 2, 1], hiddenUnits: [3], seed: 43 });
    const w = (m: tfl.LayersModel): number[] => Array.from(m.getWeights()[0].dataSync());
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    [a, b, c].forEach((m) => m.dispose());
  });

  test('bad arguments throw GanConfigError naming the argument', () => {
    expect(() => mlpGenerator({ latentDim: 0 })).toThrow(/latentDim: expected a positive integer, got 0/);
    expect(() => mlpGenerator({ latentDim: -3 })).toThrow(GanConfigError);
    expect(() => mlpGenerator({ latentDim: 2.5 })).toThrow(/latentDim/);
    expect(() => mlpGenerator({ imageShape: [28, 28] as unknown as [number, number, number] })).toThrow(
      /imageShape: expected \[height, width, channels\]/,
    );
    expect(() => mlpGenerator({ hiddenUnits: [8, 0] })).toThrow(/hiddenUnits\[1\]/);
    expect(() => mlpDiscriminator({ hiddenUnits: [8, 8], dropout: [0.1] })).toThrow(/dropout: expected 2 values/);
    expect(() => mlpDiscriminator({ dropout: 1 })).toThrow(/dropout\[0\]/);
    expect(() => dcganGenerator({ imageShape: [30, 30, 1] })).toThrow(/baseShape: 2 upsampling stages/);
    expect(() => dcganDiscriminator({ conditioning: labelEmbedding() })).toThrow(
      /conditioning: the convolutional discriminator needs an image-shaped input/,
    );
    expect(() => createCgan({ numClasses: 5, conditioning: channelConcat({ numClasses: 10 }) })).toThrow(
      /numClasses: is 5/,
    );
    expect(() => createCgan({ numClasses: 0 })).toThrow(/numClasses/);
  });
});

describe('DCGAN presets for 32, 64 and 128 px (Radford et al. 2016), chosen from imageShape', () => {
  const trainable = (m: tfl.LayersModel): number =>
    m.trainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => (a as number) * (b as number), 1)!, 0);

  /** Trainable parameters of the paper's G for z, the 4×4 filters f[0] … f[s-1] and c channels: projection (no bias) + BN, transposed 4×4 convs (no bias) + BN, output conv + bias. */
  function paperGenerator(z: number, f: number[], c: number): number {
    let n = z * 16 * f[0] + 2 * f[0];
    for (let i = 1; i < f.length; i++) n += 16 * f[i - 1] * f[i] + 2 * f[i];
    return n + 16 * f[f.length - 1] * c + c;
  }
  /** The paper's D for c channels and filters f: first 4×4 conv with bias, the others without bias + BN, then a logit on 4×4×f[last]. */
  function paperDiscriminator(c: number, f: number[]): number {
    let n = 16 * c * f[0] + f[0];
    for (let i = 1; i < f.length; i++) n += 16 * f[i - 1] * f[i] + 2 * f[i];
    return n + 16 * f[f.length - 1] + 1;
  }

  test('64 px: the paper layer for layer (at width 4), and its parameter count', () => {
    const gan = createGan({
      architecture: 'dcgan',
      imageShape: [64, 64, 3],
      latentDim: 8,
      generator: { width: 4 },
      discriminator: { width: 4 },
      seed: 1,
    });
    const bnRelu = ['BatchNormalization', 'relu'];
    expect(describe_(gan.generator)).toEqual([
      'Dense 512',
      'Reshape',
      ...bnRelu,
      'Conv2DTranspose 16 4x4 s2 same',
      ...bnRelu,
      'Conv2DTranspose 8 4x4 s2 same',
      ...bnRelu,
      'Conv2DTranspose 4 4x4 s2 same',
      ...bnRelu,
      'Conv2DTranspose 3 4x4 s2 same tanh',
    ]);
    const bnLrelu = ['BatchNormalization', 'LeakyReLU 0.2'];
    expect(describe_(gan.discriminator)).toEqual([
      'Conv2D 4 4x4 s2 same',
      'LeakyReLU 0.2',
      'Conv2D 8 4x4 s2 same',
      ...bnLrelu,
      'Conv2D 16 4x4 s2 same',
      ...bnLrelu,
      'Conv2D 32 4x4 s2 same',
      ...bnLrelu,
      'Flatten',
      'Dense 1',
    ]);
    expect(trainable(gan.generator)).toBe(paperGenerator(8, [32, 16, 8, 4], 3));
    expect(trainable(gan.generator)).toBe(8 * 512 + 64 + (8192 + 32) + (2048 + 16) + (512 + 8) + (192 + 3));
    expect(trainable(gan.discriminator)).toBe(paperDiscriminator(3, [4, 8, 16, 32]));
    // Default width 64: the PyTorch DCGAN example's 3,576,704 (G, z 100; its output conv has no bias, +3 here) and 2,765,568 (D; its first conv has no bias, +64 here, and a 4×4 conv stands for the dense logit, +1 bias here).
    const full = createGan({ architecture: 'dcgan', imageShape: [64, 64, 3], seed: 1 });
    expect(trainable(full.generator)).toBe(3576704 + 3);
    expect(trainable(full.discriminator)).toBe(2765568 + 64 + 1);
    [gan, full].forEach((g) => g.dispose());
  });

  test('32 and 128 px: one stage fewer or more; outputs in [-1, 1] of the image shape, one logit per image', () => {
    for (const [side, gFilters, dFilters] of [
      [32, [16, 8, 4], [4, 8, 16]],
      [128, [64, 32, 16, 8, 4], [4, 8, 16, 32, 64]],
    ] as const) {
      const gan = createGan({
        architecture: 'dcgan',
        imageShape: [side, side, 3],
        latentDim: 8,
        generator: { width: 4 },
        discriminator: { width: 4 },
        seed: 2,
      });
      expect(trainable(gan.generator)).toBe(paperGenerator(8, [...gFilters], 3));
      expect(trainable(gan.discriminator)).toBe(paperDiscriminator(3, [...dFilters]));
      const [images, logits] = tf.tidy(() => {
        const x = gan.generator.predict(tf.randomNormal([2, 8], 0, 1, 'float32', 3)) as tf.Tensor;
        return [x, gan.discriminator.predict(x) as tf.Tensor];
      });
      expect(images.shape).toEqual([2, side, side, 3]);
      expect(tf.min(images).dataSync()[0]).toBeGreaterThanOrEqual(-1);
      expect(tf.max(images).dataSync()[0]).toBeLessThanOrEqual(1);
      expect(logits.shape).toEqual([2, 1]);
      tf.dispose([images, logits]);
      gan.dispose();
    }
  });

  test('kernels start as N(0, 0.02); seed-sized shapes keep the seed nets; an argument overrides its preset value', () => {
    const g = dcganGenerator({ imageShape: [32, 32, 3], width: 16, seed: 3 });
    const kernel = g.layers.find((l) => l.getClassName() === 'Conv2DTranspose')!.getWeights()[0];
    const std = tf.tidy(() => tf.sqrt(tf.moments(kernel).variance).dataSync()[0]);
    expect(std).toBeGreaterThan(0.019);
    expect(std).toBeLessThan(0.021);
    const seedG = dcganGenerator({ imageShape: [28, 28, 1], seed: 3 });
    expect(seedG.layers.some((l) => l.getClassName() === 'UpSampling2D')).toBe(true);
    const d = dcganDiscriminator({ imageShape: [32, 32, 1], width: 2, kernelSize: 3, seed: 3 });
    expect(describe_(d)[0]).toBe('Conv2D 2 3x3 s2 same');
    expect(() => dcganGenerator({ imageShape: [64, 64, 3], width: 0 })).toThrow(/width: expected a positive integer/);
    expect(() => dcganGenerator({ imageShape: [64, 64, 3], convFilters: [8] })).toThrow(/baseShape/);
    [g, seedG, d].forEach((m) => m.dispose());
  });

  test('createCgan builds the preset with channel-concat labels (D sees c + numClasses channels)', () => {
    const cgan = createCgan({
      architecture: 'dcgan',
      imageShape: [32, 32, 3],
      numClasses: 5,
      latentDim: 8,
      generator: { width: 4 },
      discriminator: { width: 4 },
      seed: 4,
    });
    const conv1 = cgan.discriminator.layers.find((l) => l.getClassName() === 'Conv2D')!;
    expect(conv1.getWeights()[0].shape).toEqual([4, 4, 3 + 5, 4]);
    expect(cgan.generator.outputs[0].shape).toEqual([null, 32, 32, 3]);
    cgan.dispose();
  });

  test('one training step on 32×32 RGB runs, changes the weights, and leaves tf.memory flat', async () => {
    const gan = createCgan({
      architecture: 'dcgan',
      imageShape: [32, 32, 3],
      numClasses: 2,
      latentDim: 8,
      generator: { width: 4 },
      discriminator: { width: 4 },
      seed: 5,
    });
    const pixels = Uint8Array.from({ length: 16 * 32 * 32 * 3 }, (_, i) => (i * 31) % 256);
    const data = ImageDataset.fromPixels(
      pixels,
      [16, 32, 32, 3],
      Array.from({ length: 16 }, (_, i) => i % 2),
    );
    await gan.fit(data, { epochs: 1, batchSize: 8, stepsPerEpoch: 1 }); // warm-up: optimizer moments
    const before = tf.memory().numTensors;
    const weights = Array.from(gan.generator.getWeights()[0].dataSync());
    const history = await gan.fit(data, { epochs: 2, batchSize: 8, stepsPerEpoch: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(history[history.length - 1].dLoss)).toBe(true);
    expect(Array.from(gan.generator.getWeights()[0].dataSync())).not.toEqual(weights);
    data.dispose();
    gan.dispose();
  });
});
