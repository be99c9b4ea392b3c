/**
 * SRResNet, SRGAN's generator: shapes for each scale, its parameter count against the paper's
 * layer list (fig. 4), the long skip, a gradient through the sub-pixel blocks and bad options.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DepthToSpace } from '../../src/layers/depth-to-space';
import { GanConfigError } from '../../src/errors';
import { superResolutionGenerator } from '../../src/nets/super-resolution-generator';
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

/** Weights of a k×k convolution from cIn to cOut channels, plus its bias. */
const conv = (k: number, cIn: number, cOut: number, bias: boolean): number => k * k * cIn * cOut + (bias ? cOut : 0);
/** Batch norm of c channels: γ and β (trainable), the moving mean and variance. */
const bn = (c: number): number => 4 * c;
/** PReLU with one slope per channel (shared over height and width). */
const prelu = (c: number): number => c;

/** The paper's fig. 4, layer by layer, with batch norm (convolutions before a BN have no bias). */
function srResNetParams(c: number, f: number, blocks: number, upsamplings: number, out: number): number {
  let total = conv(9, c, f, true) + prelu(f);
  for (let i = 0; i < blocks; i++) total += conv(3, f, f, false) + bn(f) + prelu(f) + conv(3, f, f, false) + bn(f);
  total += conv(3, f, f, false) + bn(f);
  for (let i = 0; i < upsamplings; i++) total += conv(3, f, 4 * f, true) + prelu(f); // PReLU after the shuffle: f channels
  return total + conv(9, f, out, true);
}

describe('superResolutionGenerator', () => {
  test('outputs [n, h·scale, w·scale, c] for scales 2, 4 and 8', () => {
    for (const [args, input, output] of [
      [{ inputShape: [16, 16, 3], scale: 4 }, [2, 16, 16, 3], [2, 64, 64, 3]],
      [{ inputShape: [7, 7, 1], scale: 2 }, [1, 7, 7, 1], [1, 14, 14, 1]],
      [{ inputShape: [5, 6, 1], scale: 8, outputChannels: 3 }, [2, 5, 6, 1], [2, 40, 48, 3]],
      [{}, [1, 7, 7, 1], [1, 28, 28, 1]], // the defaults: MNIST shrunk 4 times, back to 28×28
    ] as [Parameters<typeof superResolutionGenerator>[0], number[], number[]][]) {
      const small = args !== undefined && Object.keys(args).length > 0;
      const g = superResolutionGenerator({ ...(small ? { filters: 8, residualBlocks: 2 } : {}), ...args, seed: 1 });
      const x = tf.randomUniform(input, -1, 1, 'float32', 2);
      const y = g.predict(x) as tf.Tensor;
      expect(y.shape).toEqual(output);
      expect(values(tf.max(tf.abs(y)))[0]).toBeLessThanOrEqual(1); // tanh
      expect(g.layers.filter((l) => l instanceof DepthToSpace).length).toBe(Math.log2((args?.scale ?? 4) as number));
      tf.dispose([x, y]);
      g.dispose();
    }
  });

  test('has the parameters of the paper’s layer list (fig. 4), with and without batch norm', () => {
    const small = superResolutionGenerator({ inputShape: [8, 8, 3], filters: 8, residualBlocks: 2, scale: 4, seed: 1 });
    expect(small.countParams()).toBe(srResNetParams(3, 8, 2, 2, 3));
    // By hand for f = 8, B = 2, c = 3, 4×: 9·9·3·8+8 + 8 | 2 × (2·(9·64) + 2·32 + 8) | 9·64 + 32 | 2 × (9·8·32+32 + 8) | 9·9·8·3+3
    expect(small.countParams()).toBe(1960 + 2 * 1224 + 608 + 2 * 2344 + 1947);
    small.dispose();
    const plain = superResolutionGenerator({
      inputShape: [8, 8, 1],
      filters: 4,
      residualBlocks: 1,
      scale: 2,
      normalization: 'none',
      outputChannels: 2,
      seed: 1,
    });
    expect(plain.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(false);
    expect(plain.countParams()).toBe(
      conv(9, 1, 4, true) +
        prelu(4) +
        conv(3, 4, 4, true) +
        prelu(4) +
        conv(3, 4, 4, true) +
        conv(3, 4, 4, true) +
        conv(3, 4, 16, true) +
        prelu(4) +
        conv(9, 4, 2, true),
    );
    plain.dispose();
    const standard = superResolutionGenerator({ seed: 1 }); // f = 64, B = 16, 4×, one channel
    expect(standard.countParams()).toBe(srResNetParams(1, 64, 16, 2, 1));
    standard.dispose();
  });

  test('PReLU has one slope per channel, shared over the image, starting at 0.25', () => {
    const g = superResolutionGenerator({ inputShape: [4, 4, 1], filters: 6, residualBlocks: 1, scale: 2, seed: 1 });
    const slopes = g.layers.filter((l) => l.getClassName() === 'PReLU');
    expect(slopes.length).toBe(3); // the head, one block, one upsampling
    for (const layer of slopes) {
      const [alpha] = layer.getWeights();
      expect(alpha.shape).toEqual([1, 1, 6]);
      expect(Array.from(alpha.dataSync())).toEqual(new Array<number>(6).fill(0.25));
    }
    g.dispose();
  });

  test('the long skip adds the first layer’s output to the trunk’s, and the residual blocks add their inputs', () => {
    const g = superResolutionGenerator({ inputShape: [4, 4, 1], filters: 4, residualBlocks: 3, scale: 2, seed: 1 });
    const adds = g.layers.filter((l) => l.getClassName() === 'Add');
    expect(adds.length).toBe(3 + 1);
    const head = g.layers.find((l) => l.getClassName() === 'PReLU');
    const last = adds[adds.length - 1];
    expect(last.inboundNodes[0].inboundLayers[0]).toBe(head);
    expect(last.inboundNodes[0].inboundLayers[1].getClassName()).toBe('BatchNormalization');
    // Block i adds its own input, block i − 1's sum (the head for the first).
    expect(adds[0].inboundNodes[0].inboundLayers[0]).toBe(head);
    for (let i = 1; i < 3; i++) expect(adds[i].inboundNodes[0].inboundLayers[0]).toBe(adds[i - 1]);
    g.dispose();
  });

  test('trains: the gradient flows through the sub-pixel blocks to the first convolution', () => {
    const g = superResolutionGenerator({ inputShape: [4, 4, 1], filters: 4, residualBlocks: 1, scale: 4, seed: 1 });
    const x = tf.randomUniform([2, 4, 4, 1], -1, 1, 'float32', 3);
    const target = tf.randomUniform([2, 16, 16, 1], -1, 1, 'float32', 4);
    const first = g.layers.find((l) => l.getClassName() === 'Conv2D');
    const kernel = first?.trainableWeights[0].read() as tf.Variable;
    const { grads } = tf.variableGrads(
      () => tf.mean(tf.square(tf.sub(g.apply(x, { training: true }) as tf.Tensor, target))) as tf.Scalar,
      [kernel],
    );
    const gradient = values(grads[kernel.name]);
    expect(gradient.every(Number.isFinite)).toBe(true);
    expect(Math.max(...gradient.map(Math.abs))).toBeGreaterThan(0);
    tf.dispose([x, target]);
    g.dispose();
  });

  test('bad options are GanConfigErrors naming the option', () => {
    const cases: [Parameters<typeof superResolutionGenerator>[0], string][] = [
      [{ scale: 3 as never }, 'scale'],
      [{ scale: 16 as never }, 'scale'],
      [{ inputShape: [0, 8, 1] as never }, 'inputShape'],
      [{ filters: -1 }, 'filters'],
      [{ residualBlocks: 1.5 }, 'residualBlocks'],
      [{ normalization: 'instance' as never }, 'normalization'],
      [{ outputChannels: 0 }, 'outputChannels'],
      [{ initStddev: Number.NaN }, 'initStddev'],
    ];
    for (const [args, argument] of cases) {
      const error = thrownBy(() => superResolutionGenerator(args));
      expect(error).toBeInstanceOf(GanConfigError);
      expect(error).toMatchObject({ argument });
    }
  });

  test('tf.memory().numTensors is flat after build, apply and dispose', () => {
    const before = tf.memory().numTensors;
    const g = superResolutionGenerator({ inputShape: [4, 4, 1], filters: 4, residualBlocks: 1, scale: 2, seed: 2 });
    const x = tf.randomUniform([2, 4, 4, 1], -1, 1, 'float32', 6);
    tf.dispose([g.predict(x) as tf.Tensor, g.apply(x, { training: true }) as tf.Tensor]);
    x.dispose();
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
