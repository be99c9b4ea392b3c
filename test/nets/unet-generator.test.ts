/**
 * pix2pix's U-Net generator: shapes, its parameter count against the paper's layer list, that
 * the skip connections carry the image past the bottleneck, seeded dropout and bad options.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../../src/errors';
import { SeededDropout, withDropoutSeed } from '../../src/layers/seeded-dropout';
import { unetGenerator } from '../../src/nets/unet-generator';
import { thrownBy, useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  await useDefaultBackend();
});

const values = (t: tf.Tensor): number[] => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};

/** Weights of a k×k convolution (or a transposed one) from cIn to cOut channels, plus its bias. */
const conv = (cIn: number, cOut: number, bias: boolean, k = 4): number => k * k * cIn * cOut + (bias ? cOut : 0);
/** Batch norm of c channels: γ and β (trainable), the moving mean and variance. */
const bn = (c: number): number => 4 * c;

describe('unetGenerator', () => {
  test('maps images to images of the same size, for several sizes and depths', () => {
    for (const [args, input, output] of [
      [{ inputShape: [32, 32, 1], outputChannels: 3, filters: 8 }, [2, 32, 32, 1], [2, 32, 32, 3]],
      [{ inputShape: [64, 64, 3], filters: 4 }, [1, 64, 64, 3], [1, 64, 64, 3]],
      [{ inputShape: [28, 28, 1], filters: 4 }, [2, 28, 28, 1], [2, 28, 28, 1]], // default depth 2: 7×7 bottleneck
      [{ inputShape: [48, 64, 2], filters: 4, depth: 3, normalization: 'instance' }, [1, 48, 64, 2], [1, 48, 64, 2]],
      [{ inputShape: [8, 8, 1], filters: 4, depth: 1, normalization: 'none' }, [1, 8, 8, 1], [1, 8, 8, 1]],
    ] as [Parameters<typeof unetGenerator>[0], number[], number[]][]) {
      const g = unetGenerator({ ...args, seed: 1 });
      const x = tf.randomUniform(input, -1, 1, 'float32', 2);
      const y = g.predict(x) as tf.Tensor;
      expect(y.shape).toEqual(output);
      expect(values(tf.max(tf.abs(y)))[0]).toBeLessThanOrEqual(1); // tanh
      tf.dispose([x, y]);
      g.dispose();
    }
    // The bottleneck of the default depth: 32 → 1 (5 levels), 28 → 7 (2 levels), 48×64 → 3×4 (4 levels).
    const bottleneck = (shape: [number, number, number]): number[] => {
      const g = unetGenerator({ inputShape: shape, filters: 2, seed: 1 });
      const convs = g.layers.filter((l) => l.getClassName() === 'Conv2D');
      const shapeAt = (convs[convs.length - 1].outputShape as number[]).slice(1, 3);
      g.dispose();
      return [convs.length, ...shapeAt];
    };
    expect(bottleneck([32, 32, 1])).toEqual([5, 1, 1]);
    expect(bottleneck([28, 28, 1])).toEqual([2, 7, 7]);
    expect(bottleneck([48, 64, 1])).toEqual([4, 3, 4]);
  });

  test('has the parameters of the paper’s layer list (C64-C128-C256-C512-… and the mirrored decoder)', () => {
    // 32×32×1 → 3 channels, k = 8, 5 levels, batch norm. Encoder: C8 (no norm, bias), C16, C32,
    // C64, C64 (the bottleneck: no norm, bias). Decoder: each transposed conv's input is the
    // previous block's output concatenated with the skip of the same width.
    const small =
      conv(1, 8, true) +
      conv(8, 16, false) +
      bn(16) +
      conv(16, 32, false) +
      bn(32) +
      conv(32, 64, false) +
      bn(64) +
      conv(64, 64, true) + // widths are capped at 8k = 64
      conv(64, 64, false) + // decoder 1 on the bottleneck
      bn(64) +
      conv(64 + 64, 32, false) +
      bn(32) +
      conv(32 + 32, 16, false) +
      bn(16) +
      conv(16 + 16, 8, false) +
      bn(8) +
      conv(8 + 8, 3, true); // the output, tanh
    const g = unetGenerator({ inputShape: [32, 32, 1], outputChannels: 3, filters: 8, seed: 1 });
    expect(g.countParams()).toBe(small);
    g.dispose();
    // Without normalisation every convolution has a bias and there are no batch-norm weights.
    const plain = unetGenerator({ inputShape: [16, 16, 2], filters: 4, depth: 3, normalization: 'none', seed: 1 });
    expect(plain.countParams()).toBe(
      conv(2, 4, true) +
        conv(4, 8, true) +
        conv(8, 16, true) +
        conv(16, 8, true) +
        conv(8 + 8, 4, true) +
        conv(4 + 4, 2, true),
    );
    plain.dispose();
    // The default (k = 64 on 32×32×1): C64-C128-C256-C512-C512 and back.
    const widths = [64, 128, 256, 512, 512];
    let expected = conv(1, 64, true) + conv(512, 512, true);
    for (let i = 1; i < 4; i++) expected += conv(widths[i - 1], widths[i], false) + bn(widths[i]);
    expected += conv(512, 512, false) + bn(512); // decoder 1
    for (let i = 3; i >= 1; i--) expected += conv(2 * widths[i], widths[i - 1], false) + bn(widths[i - 1]);
    expected += conv(2 * 64, 1, true);
    const standard = unetGenerator({ seed: 1 });
    expect(standard.countParams()).toBe(expected);
    standard.dispose();
  });

  test('skip connections: each decoder block is concatenated with the encoder layer of its size, and the image passes a dead bottleneck', () => {
    const g = unetGenerator({ inputShape: [16, 16, 1], filters: 4, depth: 4, dropout: 0, seed: 3 });
    const concats = g.layers.filter((l) => l.getClassName() === 'Concatenate');
    expect(concats.map((l) => l.inboundNodes[0].inputTensors.map((t) => t.shape.slice(1)))).toEqual([
      [
        [2, 2, 16], // encoder level 3
        [2, 2, 16], // decoder block 1
      ],
      [
        [4, 4, 8],
        [4, 4, 8],
      ],
      [
        [8, 8, 4],
        [8, 8, 4],
      ],
    ]);
    // The skip really is the encoder's layer: its first input is produced by an encoder LeakyReLU.
    for (const layer of concats) expect(layer.inboundNodes[0].inboundLayers[0].getClassName()).toBe('LeakyReLU');
    // Zero the bottleneck convolution: without skips every image would give the same output.
    const convs = g.layers.filter((l) => l.getClassName() === 'Conv2D');
    const bottleneck = convs[convs.length - 1];
    bottleneck.setWeights(bottleneck.getWeights().map((wt) => tf.zerosLike(wt)));
    const a = tf.randomUniform([1, 16, 16, 1], -1, 1, 'float32', 4);
    const b = tf.randomUniform([1, 16, 16, 1], -1, 1, 'float32', 5);
    const difference = values(tf.max(tf.abs(tf.sub(g.predict(a) as tf.Tensor, g.predict(b) as tf.Tensor))))[0];
    expect(difference).toBeGreaterThan(1e-3);
    // And the output's gradient with respect to the image is nonzero.
    const grad = tf.grad((x: tf.Tensor) => tf.sum(g.apply(x) as tf.Tensor))(a);
    expect(values(tf.max(tf.abs(grad)))[0]).toBeGreaterThan(0);
    tf.dispose([a, b]);
    g.dispose();
  });

  test('dropout is SeededDropout: repeatable under withDropoutSeed, different across seeds, off when not training', () => {
    const g = unetGenerator({ inputShape: [16, 16, 1], filters: 4, depth: 4, seed: 1 });
    const dropouts = g.layers.filter((l) => l instanceof SeededDropout) as SeededDropout[];
    expect(dropouts.map((l) => l.rate)).toEqual([0.5, 0.5, 0.5]); // the three innermost decoder blocks
    const x = tf.randomUniform([2, 16, 16, 1], -1, 1, 'float32', 6);
    const train = (seed: number): number[] =>
      withDropoutSeed(seed, () => values(g.apply(x, { training: true }) as tf.Tensor));
    const first = train(42);
    expect(train(42)).toEqual(first);
    expect(train(43)).not.toEqual(first);
    const inference = values(g.predict(x) as tf.Tensor);
    expect(withDropoutSeed(9, () => values(g.predict(x) as tf.Tensor))).toEqual(inference);
    expect(values(g.apply(x, { training: false }) as tf.Tensor)).toEqual(inference);
    x.dispose();
    g.dispose();
    const fewer = unetGenerator({ inputShape: [16, 16, 1], filters: 4, depth: 4, dropoutBlocks: 1, dropout: 0.2 });
    expect(fewer.layers.filter((l) => l instanceof SeededDropout).map((l) => (l as SeededDropout).rate)).toEqual([0.2]);
    fewer.dispose();
    const none = unetGenerator({ inputShape: [16, 16, 1], filters: 4, dropout: 0 });
    expect(none.layers.some((l) => l instanceof SeededDropout)).toBe(false);
    none.dispose();
  });

  test('bad options are GanConfigErrors naming the option', () => {
    const cases: [Parameters<typeof unetGenerator>[0], string][] = [
      [{ inputShape: [28, 28, 1], depth: 3 }, 'depth'], // 28 is not divisible by 8
      [{ inputShape: [27, 27, 1] }, 'inputShape'], // nothing to halve
      [{ inputShape: [32, 32] as never }, 'inputShape'],
      [{ depth: 0 }, 'depth'],
      [{ filters: 0 }, 'filters'],
      [{ outputChannels: 1.5 }, 'outputChannels'],
      [{ dropout: 1 }, 'dropout'],
      [{ dropout: -0.1 }, 'dropout'],
      [{ dropoutBlocks: -1 }, 'dropoutBlocks'],
      [{ normalization: 'group' as never }, 'normalization'],
      [{ initStddev: 0 }, 'initStddev'],
    ];
    for (const [args, argument] of cases) {
      const error = thrownBy(() => unetGenerator(args));
      expect(error).toBeInstanceOf(GanConfigError);
      expect(error).toMatchObject({ argument });
    }
    expect(String(thrownBy(() => unetGenerator({ inputShape: [28, 28, 1], depth: 3 })))).toMatch(/divisible by 8/);
  });

  test('tf.memory().numTensors is flat after build, apply and dispose', () => {
    const before = tf.memory().numTensors;
    const g = unetGenerator({ inputShape: [16, 16, 1], filters: 4, seed: 2 });
    const x = tf.randomUniform([2, 16, 16, 1], -1, 1, 'float32', 6);
    tf.dispose([g.predict(x) as tf.Tensor, withDropoutSeed(1, () => g.apply(x, { training: true }) as tf.Tensor)]);
    x.dispose();
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
