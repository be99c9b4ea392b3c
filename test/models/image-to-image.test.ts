import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, GanConfigError } from '../../src/errors';
import { ImageDataset } from '../../src/data/dataset';
import { ImageToImageGan } from '../../src/models/image-to-image/image-to-image-gan';
import { LeastSquaresLoss } from '../../src/losses/least-squares';
import { SeededDropout } from '../../src/layers/seeded-dropout';
import { createPix2Pix } from '../../src/models/image-to-image/create-pix2pix';
import { createSuperResolutionGan } from '../../src/models/image-to-image/create-super-resolution';
import { derivePairs, pairImageSets, type PairedImageSource } from '../../src/data/paired-source';
import { loadImageToImageGan } from '../../src/models/image-to-image/load';
import { saveCheckpoint } from '../../src/train/checkpoint';
import { type ImageToImageConfig } from '../../src/models/image-to-image/config';
import { lossConfig } from '../../src/losses/registry';
import { writeNetsCheckpoint } from '../../src/train/nets-checkpoint';
import { thrownBy, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('image-to-image');
beforeAll(async () => {
  await useDefaultBackend();
});

const values = (t: tf.Tensor): number[] => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};

/** A small convolutional G from [8, 8, 1] to [8·scale, 8·scale, 3], with seeded dropout. */
function tinyGenerator(scale: number, seed: number): tfl.LayersModel {
  const init = (s: number): ReturnType<typeof tfl.initializers.glorotUniform> =>
    tfl.initializers.glorotUniform({ seed: seed + s });
  const input = tfl.input({ shape: [8, 8, 1] });
  let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: init(1) }).apply(input);
  x = tfl.layers.batchNormalization().apply(x);
  x = new SeededDropout({ rate: 0.5 }).apply(x);
  if (scale > 1) x = tfl.layers.upSampling2d({ size: [scale, scale] }).apply(x);
  const out = tfl.layers
    .conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: init(2) })
    .apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

function tinyDiscriminator(shape: [number, number, number], seed: number): tfl.LayersModel {
  const input = tfl.input({ shape });
  const x = tfl.layers
    .conv2d({
      filters: 4,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    })
    .apply(input);
  const out = tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same' }).apply(tfl.layers.leakyReLU().apply(x));
  return tfl.model({ inputs: input, outputs: out as tfl.SymbolicTensor });
}

function config(scale: number, conditional: boolean, extra: Partial<ImageToImageConfig> = {}): ImageToImageConfig {
  return {
    family: 'custom',
    inputShape: [8, 8, 1],
    targetShape: [8 * scale, 8 * scale, 3],
    architecture: 'custom',
    adversarial: lossConfig(new LeastSquaresLoss()),
    adversarialWeight: 1,
    conditionalDiscriminator: conditional,
    pixelLoss: 'l1',
    pixelWeight: 10,
    optimizer: { generator: { learningRate: 3e-3 }, discriminator: { learningRate: 1e-3 } },
    seed: 7,
    ...extra,
  };
}

function tinyModel(scale = 1, conditional = true, seed = 1): ImageToImageGan {
  const c = config(scale, conditional);
  const judged: [number, number, number] = [8 * scale, 8 * scale, conditional ? 4 : 3];
  return new ImageToImageGan(
    { generator: tinyGenerator(scale, seed), discriminator: tinyDiscriminator(judged, seed + 10) },
    new LeastSquaresLoss(),
    c,
  );
}

/** Targets: 32 smooth colour images; inputs: their mean over channels, downsampled by `scale`. */
function pairs(scale = 1): { pairs: PairedImageSource; targets: ImageDataset } {
  const size = 8 * scale;
  const images = tf.tidy(() => {
    const ramp = tf.linspace(-1, 1, size);
    const rows = tf.reshape(ramp, [1, size, 1, 1]);
    const cols = tf.reshape(ramp, [1, 1, size, 1]);
    const phase = tf.reshape(tf.linspace(0, 3, 32), [32, 1, 1, 1]);
    const full = (t: tf.Tensor): tf.Tensor => tf.broadcastTo(t, [32, size, size, 1]);
    const r = full(tf.sin(tf.add(tf.mul(rows, 3), phase)));
    const g = full(tf.cos(tf.add(tf.mul(cols, 2), phase)));
    return tf.concat([r, g, tf.mul(r, g)], 3) as tf.Tensor4D;
  });
  const targets = ImageDataset.fromTensor(images);
  images.dispose();
  const made = derivePairs(targets, (y) => {
    const gray = tf.mean(y, 3, true) as tf.Tensor4D;
    return scale === 1 ? gray : (tf.avgPool(gray, scale, scale, 'valid') as tf.Tensor4D);
  });
  return { pairs: made, targets };
}

describe('paired image sets', () => {
  test('derivePairs makes each input from its own target, in the seeded order', async () => {
    const { pairs: p, targets } = pairs(2);
    expect([p.size, p.inputShape, p.targetShape]).toEqual([32, [8, 8, 1], [16, 16, 3]]);
    const { Rng } = await import('../../src/random');
    for (const batch of p.batches(8, { rng: new Rng(3) })) {
      const expected = tf.tidy(() => tf.avgPool(tf.mean(batch.targets, 3, true) as tf.Tensor4D, 2, 2, 'valid'));
      expect(values(batch.inputs)).toEqual(values(expected));
      tf.dispose([batch.targets]);
    }
    targets.dispose();
  });

  test('pairImageSets keeps two sets aligned under shuffling and resumes at a batch', async () => {
    const { Rng } = await import('../../src/random');
    const a = ImageDataset.fromTensor(
      tf.tidy(() => tf.sub(tf.div(tf.reshape(tf.range(0, 10, 1, 'float32'), [10, 1, 1, 1]), 10), 0.45)) as tf.Tensor4D,
    );
    const b = ImageDataset.fromTensor(
      tf.tidy(() =>
        tf.neg(tf.sub(tf.div(tf.reshape(tf.range(0, 10, 1, 'float32'), [10, 1, 1, 1]), 10), 0.45)),
      ) as tf.Tensor4D,
    );
    const zipped = pairImageSets(a, b);
    const order = (skip: number): number[][] =>
      [...zipped.batches(3, { rng: new Rng(5), skipBatches: skip })].map((batch) => {
        const x = values(batch.inputs);
        const y = values(batch.targets);
        x.forEach((v, i) => expect(y[i]).toBeCloseTo(-v, 6));
        return x;
      });
    const all = order(0);
    expect(all).toHaveLength(3);
    expect(all.flat().sort()).not.toEqual(all.flat()); // shuffled
    expect(order(1)).toEqual(all.slice(1));
    expect(thrownBy(() => pairImageSets(a, ImageDataset.fromTensor(tf.zeros([4, 1, 1, 1]))))).toBeInstanceOf(
      GanConfigError,
    );
    a.dispose();
    b.dispose();
  });
});

describe('ImageToImageGan', () => {
  test('a step updates G and D, logs five finite values and leaves no tensor behind', () => {
    const model = tinyModel(2, true);
    const { pairs: p, targets } = pairs(2);
    const { Rng } = jest.requireActual('../../src/random') as typeof import('../../src/random');
    const batch = p.batches(8, { rng: new Rng(1) }).next().value as { inputs: tf.Tensor4D; targets: tf.Tensor4D };
    const g0 = values(model.generator.getWeights()[0].clone());
    const d0 = values(model.discriminator.getWeights()[0].clone());
    model.trainStep(batch).dispose(); // the optimizers' slots are made on the first step
    const before = tf.memory().numTensors;
    const logged = model.trainStep(batch);
    expect(tf.memory().numTensors).toBe(before + 1);
    const [generator, adversarial, pixel, feature, discriminator] = values(logged);
    expect(generator).toBeCloseTo(adversarial + pixel + feature, 4);
    expect(feature).toBe(0);
    expect(pixel).toBeGreaterThan(0);
    expect(discriminator).toBeGreaterThan(0);
    expect(values(model.generator.getWeights()[0].clone())).not.toEqual(g0);
    expect(values(model.discriminator.getWeights()[0].clone())).not.toEqual(d0);
    expect(model.translate(batch.inputs).shape).toEqual([8, 16, 16, 3]);
    tf.dispose([batch.inputs, batch.targets]);
    model.dispose();
    targets.dispose();
  });

  test('the pixel term equals λ·mean|G(x) − y| before the update', () => {
    const model = tinyModel(1, false);
    const { pairs: p, targets } = pairs(1);
    const { Rng } = jest.requireActual('../../src/random') as typeof import('../../src/random');
    const batch = p.batches(4, { rng: new Rng(2) }).next().value as { inputs: tf.Tensor4D; targets: tf.Tensor4D };
    // The step's G runs in training mode (dropout, batch statistics); with dropout rate 0.5 drawn
    // from the step's seed, recompute it with the same seed the model will draw.
    const seed = new Rng(0);
    seed.setState(model.state.rng.getState());
    const { withDropoutSeed } = jest.requireActual(
      '../../src/layers/seeded-dropout',
    ) as typeof import('../../src/layers/seeded-dropout');
    const expected = withDropoutSeed(seed.nextSeed(), () =>
      tf.tidy(() =>
        tf.mul(
          tf.mean(tf.abs(tf.sub(model.generator.apply(batch.inputs, { training: true }) as tf.Tensor, batch.targets))),
          10,
        ),
      ),
    );
    const [, , pixel] = values(model.trainStep(batch));
    expect(pixel).toBeCloseTo(values(expected)[0], 5);
    tf.dispose([batch.inputs, batch.targets]);
    model.dispose();
    targets.dispose();
  });

  test('training on pairs lowers the held-in pixel error', async () => {
    const model = tinyModel(2, true);
    const { pairs: p, targets } = pairs(2);
    const history = await model.fit(p, { epochs: 10, batchSize: 8 });
    expect(history).toHaveLength(10);
    expect(history[9].pixelLoss).toBeLessThan(0.7 * history[0].pixelLoss);
    expect(model.step).toBe(40);
    model.dispose();
    targets.dispose();
  });

  test('save → load gives the same outputs, and a run resumed mid-epoch repeats the uninterrupted one', async () => {
    const model = tinyModel(2, true);
    const { pairs: p, targets } = pairs(2);
    await model.fit(p, { epochs: 1, batchSize: 8 });
    const dir = path.join(tempDir(), 'trained');
    await model.save(dir);
    const loaded = await loadImageToImageGan(dir);
    const probe = tf.randomUniform([2, 8, 8, 1], -1, 1, 'float32', 3) as tf.Tensor4D;
    expect(values(loaded.translate(probe))).toEqual(values(model.translate(probe)));
    expect(loaded.config).toEqual(model.config);
    expect([loaded.step, loaded.epoch, loaded.state.rng.getState()]).toEqual([4, 1, model.state.rng.getState()]);
    const losses = async (gan: ImageToImageGan, stopAfter?: number): Promise<number[][]> => {
      const rows: number[][] = [];
      await gan.fit(p, {
        epochs: gan.epoch + 1,
        batchSize: 8,
        callbacks: [
          {
            onBatchEnd: (l) => {
              rows.push([l.generatorLoss, l.pixelLoss, l.discriminatorLoss]);
              if (rows.length === stopAfter) gan.stopTraining();
            },
          },
        ],
      });
      return rows;
    };
    const straight = await losses(model);
    const first = await losses(loaded, 1);
    expect(loaded.state.progress?.steps).toBe(1);
    await saveCheckpoint(loaded, path.join(tempDir(), 'collection'));
    loaded.dispose();
    const resumed = await loadImageToImageGan(path.join(tempDir(), 'collection'));
    const rest = await losses(resumed);
    expect([...first, ...rest]).toEqual(straight);
    expect(values(resumed.translate(probe))).toEqual(values(model.translate(probe)));
    resumed.dispose();
    model.dispose();
    probe.dispose();
    targets.dispose();
  });

  test('parts that do not fit are refused, naming the part', () => {
    const bad = (fn: () => unknown): string => {
      const error = thrownBy(fn) as Error;
      expect(error).toBeInstanceOf(GanConfigError);
      return error.message;
    };
    const loss = new LeastSquaresLoss();
    expect(
      bad(
        () =>
          new ImageToImageGan(
            { generator: tinyGenerator(1, 1), discriminator: tinyDiscriminator([8, 8, 3], 2) },
            loss,
            config(1, true),
          ),
      ),
    ).toMatch(/models\.discriminator.*\[8,8,4\]/);
    expect(
      bad(
        () =>
          new ImageToImageGan(
            { generator: tinyGenerator(2, 1), discriminator: tinyDiscriminator([8, 8, 3], 2) },
            loss,
            config(1, false),
          ),
      ),
    ).toMatch(/models\.generator.*\[8,8,3\]/);
    expect(
      bad(
        () =>
          new ImageToImageGan(
            { generator: tinyGenerator(1, 1), discriminator: tinyDiscriminator([8, 8, 3], 2) },
            loss,
            config(1, false, { pixelWeight: -1 }),
          ),
      ),
    ).toMatch(/pixelWeight/);
    const model = tinyModel(1, false);
    const { pairs: p, targets } = pairs(2);
    return model.fit(p).then(
      () => {
        throw new Error('fit accepted pairs of the wrong shape');
      },
      (error: Error) => {
        expect(error).toBeInstanceOf(GanConfigError);
        expect(error.message).toMatch(/inputs are \[8,8,1\]|targets are \[16,16,3\]/);
        model.dispose();
        targets.dispose();
      },
    );
  });

  test('a damaged checkpoint is a CheckpointError naming the file; another family is refused', async () => {
    const model = tinyModel(1, false);
    const dir = path.join(tempDir(), 'damaged');
    await model.save(dir);
    const state = path.join(dir, 'state.json');
    const text = await fs.readFile(state, 'utf8');
    await fs.writeFile(state, text.replace('"image-to-image"', '"cycle"'));
    const error = (await loadImageToImageGan(dir).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toContain(state);
    const other = path.join(tempDir(), 'other-family');
    await writeNetsCheckpoint({ family: 'cycle', config: model.config, state: model.state, nets: model.nets }, other);
    const refused = (await loadImageToImageGan(other).catch((e: unknown) => e)) as Error;
    expect(refused).toBeInstanceOf(CheckpointError);
    expect(refused.message).toMatch(/'cycle' checkpoint, not an? image-to-image GAN/);
    model.dispose();
  });
});

describe('recipes', () => {
  test("createPix2Pix: a U-Net G of the input's size, a conditional PatchGAN D on input + image, λ = 100", () => {
    const pix2pix = createPix2Pix({
      inputShape: [16, 16, 1],
      targetShape: [16, 16, 3],
      generator: { filters: 4 },
      discriminator: { filters: [4, 8] },
      seed: 3,
    });
    expect(pix2pix.generator.outputs[0].shape).toEqual([null, 16, 16, 3]);
    expect(pix2pix.discriminator.inputs[0].shape).toEqual([null, 16, 16, 4]);
    expect(pix2pix.config).toMatchObject({
      family: 'pix2pix',
      pixelLoss: 'l1',
      pixelWeight: 100,
      adversarialWeight: 1,
      conditionalDiscriminator: true,
      adversarial: { name: 'non-saturating' },
      optimizer: { generator: {}, discriminator: {} },
    });
    expect(pix2pix.generator.layers.some((l) => l instanceof SeededDropout)).toBe(true);
    const again = createPix2Pix({
      inputShape: [16, 16, 1],
      targetShape: [16, 16, 3],
      generator: { filters: 4 },
      discriminator: { filters: [4, 8] },
      seed: 3,
    });
    const probe = tf.randomUniform([2, 16, 16, 1], -1, 1, 'float32', 1) as tf.Tensor4D;
    expect(values(again.translate(probe))).toEqual(values(pix2pix.translate(probe))); // seeded weights
    const error = thrownBy(() => createPix2Pix({ inputShape: [16, 16, 1], targetShape: [32, 32, 3] })) as Error;
    expect(error).toBeInstanceOf(GanConfigError);
    expect(error.message).toMatch(/^targetShape/);
    tf.dispose(probe);
    pix2pix.dispose();
    again.dispose();
  });

  test('createSuperResolutionGan: ×4 SRResNet G, plain D on the large image, MSE + 10⁻³ adversarial, Adam 1e-4 β1 0.9', async () => {
    const upscaler = createSuperResolutionGan({
      inputShape: [8, 8, 3],
      scale: 4,
      generator: { filters: 4, residualBlocks: 1 },
      discriminator: { filters: [4, 8] },
      seed: 2,
    });
    expect(upscaler.config).toMatchObject({
      family: 'super-resolution',
      targetShape: [32, 32, 3],
      pixelLoss: 'l2',
      adversarialWeight: 1e-3,
      conditionalDiscriminator: false,
      optimizer: { generator: { learningRate: 1e-4, beta1: 0.9 } },
    });
    expect(upscaler.discriminator.inputs[0].shape).toEqual([null, 32, 32, 3]);
    const { targets } = pairs(4);
    const small = derivePairs(targets, (y) => tf.image.resizeBilinear(y, [8, 8]) as tf.Tensor4D);
    const history = await upscaler.fit(small, { epochs: 1, batchSize: 8 });
    expect(history[0].steps).toBe(4);
    expect(Number.isFinite(history[0].generatorLoss)).toBe(true);
    const dir = path.join(tempDir(), 'upscaler');
    await upscaler.save(dir);
    const loaded = await loadImageToImageGan(dir);
    expect(loaded.config).toEqual(upscaler.config);
    loaded.dispose();
    expect(thrownBy(() => createSuperResolutionGan({ scale: 3 as 4 }))).toBeInstanceOf(GanConfigError);
    upscaler.dispose();
    targets.dispose();
  });

  test('a feature (perceptual) term is trained against and its frozen net saved and restored', async () => {
    const input = tfl.input({ shape: [16, 16, 3] });
    const conv = tfl.layers.conv2d({
      filters: 2,
      kernelSize: 3,
      name: 'features_conv',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }),
    });
    const featureNet = tfl.model({ inputs: input, outputs: conv.apply(input) as tfl.SymbolicTensor });
    featureNet.trainable = false;
    const before = values(featureNet.getWeights()[0].clone());
    const upscaler = createSuperResolutionGan({
      inputShape: [8, 8, 3],
      scale: 2,
      generator: { filters: 4, residualBlocks: 1 },
      discriminator: { filters: [4] },
      content: { model: featureNet, layers: ['features_conv'], weight: 0.5 },
      seed: 5,
    });
    const { targets } = pairs(2);
    const small = derivePairs(targets, (y) => tf.image.resizeBilinear(y, [8, 8]) as tf.Tensor4D);
    const history = await upscaler.fit(small, { epochs: 1, batchSize: 8 });
    expect(history[0].featureLoss).toBeGreaterThan(0);
    expect(values(featureNet.getWeights()[0].clone())).toEqual(before); // frozen
    const dir = path.join(tempDir(), 'perceptual');
    await upscaler.save(dir);
    const loaded = await loadImageToImageGan(dir);
    expect(loaded.content?.layers).toEqual(['features_conv']);
    expect(values(loaded.content!.model.getWeights()[0].clone())).toEqual(before);
    loaded.dispose();
    upscaler.dispose();
    targets.dispose();
  });
});
