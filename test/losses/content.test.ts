/**
 * The content losses (src/losses/content.ts): the mean absolute and squared errors and the feature
 * loss, each on hand-computed numbers and against a plain float64 loop over its formula on seeded
 * random inputs; the feature loss's gradients (to generated, none to target); the feature
 * extractor on a small net with known weights; errors that name the argument; no leaked tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../../src/errors';
import {
  featureExtractor,
  featureLoss,
  meanAbsoluteError,
  meanSquaredError,
  type FeatureFunction,
} from '../../src/losses/content';
import { Rng } from '../../src/random';
import { scalar, thrownBy, useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  expect(await useDefaultBackend()).toBe('wasm');
});

/** `size` values uniform in [-1, 1), rounded to float32 so the float64 reference sees the same numbers. */
function uniform(rng: Rng, size: number): Float32Array {
  return Float32Array.from({ length: size }, () => 2 * rng.nextFloat() - 1);
}

function randomImages(
  seed: number,
  shape: [number, number, number, number],
): { tensor: tf.Tensor4D; values: Float32Array } {
  const values = uniform(
    new Rng(seed),
    shape.reduce((a, b) => a * b, 1),
  );
  return { tensor: tf.tensor4d(values, shape), values };
}

/** Expects `fn` to throw a GanConfigError naming `argument`, with a message matching `message`. */
function expectConfigError(fn: () => unknown, argument: string, message: RegExp): void {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(GanConfigError);
  expect((error as GanConfigError).argument).toBe(argument);
  expect((error as Error).message).toMatch(message);
}

describe('meanAbsoluteError and meanSquaredError', () => {
  test('equal their formulas on hand-computed numbers', () => {
    const a = tf.tensor2d([1, -1, 0.5, 0], [2, 2]);
    const b = tf.tensor2d([0, 1, 0.5, -0.25], [2, 2]);
    expect(scalar(meanAbsoluteError(a, b))).toBeCloseTo((1 + 2 + 0 + 0.25) / 4, 6);
    expect(scalar(meanSquaredError(a, b))).toBeCloseTo((1 + 4 + 0 + 0.0625) / 4, 6);
    tf.dispose([a, b]);
  });

  test('match a float64 loop on seeded random images', () => {
    const shape: [number, number, number, number] = [3, 5, 4, 2];
    const a = randomImages(1, shape);
    const b = randomImages(2, shape);
    let absolute = 0;
    let squared = 0;
    for (let i = 0; i < a.values.length; i++) {
      absolute += Math.abs(a.values[i] - b.values[i]);
      squared += (a.values[i] - b.values[i]) ** 2;
    }
    expect(scalar(meanAbsoluteError(a.tensor, b.tensor))).toBeCloseTo(absolute / a.values.length, 6);
    expect(scalar(meanSquaredError(a.tensor, b.tensor))).toBeCloseTo(squared / a.values.length, 6);
    // Symmetric, and 0 for identical inputs.
    expect(scalar(meanAbsoluteError(b.tensor, a.tensor))).toBeCloseTo(absolute / a.values.length, 6);
    expect(scalar(meanSquaredError(a.tensor, a.tensor))).toBe(0);
    tf.dispose([a.tensor, b.tensor]);
  });

  test('refuse mismatched shapes, non-tensors and int tensors, naming the argument', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([3, 2]);
    const ints = tf.zeros([2, 3], 'int32');
    expectConfigError(() => meanAbsoluteError(a, b), 'b', /expected the shape of a, \[2, 3\], got \[3, 2\]/);
    expectConfigError(() => meanSquaredError([1, 2] as unknown as tf.Tensor, a), 'a', /expected a tf\.Tensor/);
    expectConfigError(() => meanSquaredError(a, ints), 'b', /float32.*int32/);
    tf.dispose([a, b, ints]);
  });
});

/** Two maps of known form: 2·x and x² (elementwise), so the loss has a closed form. */
const twoMaps: FeatureFunction = (images) => [tf.mul(images, 2), tf.square(images)];

describe('featureLoss', () => {
  test('equals Σ wⱼ · mean distance of the maps on hand-computed numbers', () => {
    const generated = tf.tensor4d([1, 0, -1, 0.5], [1, 2, 2, 1]);
    const target = tf.tensor4d([0, 0, 1, 0.5], [1, 2, 2, 1]);
    // Map 2x: differences 2, 0, -4, 0 → mean square 20/4 = 5, mean abs 6/4 = 1.5.
    // Map x²: differences 1, 0, 0, 0 → mean square 1/4, mean abs 1/4.
    expect(scalar(featureLoss(twoMaps, generated, target))).toBeCloseTo(5 + 0.25, 5);
    expect(scalar(featureLoss(twoMaps, generated, target, { distance: 'l1' }))).toBeCloseTo(1.5 + 0.25, 5);
    expect(scalar(featureLoss(twoMaps, generated, target, { weights: [0.5, 4] }))).toBeCloseTo(2.5 + 1, 5);
    // One map returned as a bare tensor.
    expect(scalar(featureLoss((x) => tf.mul(x, 2), generated, target))).toBeCloseTo(5, 5);
    tf.dispose([generated, target]);
  });

  test('matches a float64 loop on seeded random images (a pooled map and a channel sum)', () => {
    const shape: [number, number, number, number] = [2, 4, 6, 3];
    const [n, h, w, c] = shape;
    const g = randomImages(3, shape);
    const t = randomImages(4, shape);
    const features: FeatureFunction = (x) => [tf.avgPool(x, 2, 2, 'valid'), tf.sum(x, 3)];
    const at = (v: Float32Array, i: number, y: number, x: number, ch: number): number =>
      v[((i * h + y) * w + x) * c + ch];
    const pooled = (v: Float32Array, i: number, y: number, x: number, ch: number): number =>
      (at(v, i, 2 * y, 2 * x, ch) +
        at(v, i, 2 * y + 1, 2 * x, ch) +
        at(v, i, 2 * y, 2 * x + 1, ch) +
        at(v, i, 2 * y + 1, 2 * x + 1, ch)) /
      4;
    let pooledTerm = 0;
    let sumTerm = 0;
    for (let i = 0; i < n; i++) {
      for (let y = 0; y < h / 2; y++)
        for (let x = 0; x < w / 2; x++)
          for (let ch = 0; ch < c; ch++)
            pooledTerm += Math.abs(pooled(g.values, i, y, x, ch) - pooled(t.values, i, y, x, ch));
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          let d = 0;
          for (let ch = 0; ch < c; ch++) d += at(g.values, i, y, x, ch) - at(t.values, i, y, x, ch);
          sumTerm += Math.abs(d);
        }
    }
    const expected = 0.3 * (pooledTerm / ((n * h * w * c) / 4)) + 2 * (sumTerm / (n * h * w));
    expect(scalar(featureLoss(features, g.tensor, t.tensor, { distance: 'l1', weights: [0.3, 2] }))).toBeCloseTo(
      expected,
      5,
    );
    tf.dispose([g.tensor, t.tensor]);
  });

  test('sends gradients to generated through the features and none to target', () => {
    const generated = tf.variable(tf.tensor4d([1, 0, -1, 0.5], [1, 2, 2, 1]));
    const target = tf.variable(tf.tensor4d([0, 0, 1, 0.5], [1, 2, 2, 1]));
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => featureLoss(twoMaps, generated, target));
    // d/dg mean((2g − 2t)²) + mean((g² − t²)²) = (8(g − t) + 4g(g² − t²)) / 4 per element.
    const g = [1, 0, -1, 0.5];
    const t = [0, 0, 1, 0.5];
    const expected = g.map((gi, i) => (8 * (gi - t[i]) + 4 * gi * (gi * gi - t[i] * t[i])) / 4);
    expect(Object.keys(grads)).toEqual([generated.name]);
    const gradient = Array.from(grads[generated.name].dataSync());
    gradient.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    expect(gradient.some((v) => v !== 0)).toBe(true);
    expect(() =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => featureLoss(twoMaps, a as tf.Tensor4D, b as tf.Tensor4D))([
        generated,
        target,
      ]),
    ).toThrow(/Cannot compute gradient/);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([generated, target]);
  });

  test('leaves no tensor behind', () => {
    const g = randomImages(5, [2, 4, 4, 3]);
    const t = randomImages(6, [2, 4, 4, 3]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) featureLoss(twoMaps, g.tensor, t.tensor, { distance: 'l1' }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([g.tensor, t.tensor]);
  });

  test('refuses bad arguments, naming them', () => {
    const a = tf.zeros([1, 2, 2, 1]);
    const b = tf.zeros([1, 2, 3, 1]);
    const flat = tf.zeros([4]);
    expectConfigError(
      () => featureLoss('vgg' as unknown as FeatureFunction, a as tf.Tensor4D, a as tf.Tensor4D),
      'features',
      /function/,
    );
    expectConfigError(
      () => featureLoss(twoMaps, flat as unknown as tf.Tensor4D, a as tf.Tensor4D),
      'generated',
      /rank-4.*\[4\]/,
    );
    expectConfigError(() => featureLoss(twoMaps, a as tf.Tensor4D, b as tf.Tensor4D), 'target', /shape of generated/);
    expectConfigError(
      () => featureLoss(twoMaps, a as tf.Tensor4D, a as tf.Tensor4D, { distance: 'l3' as 'l1' }),
      'options.distance',
      /'l1', 'l2'/,
    );
    expectConfigError(
      () => featureLoss(twoMaps, a as tf.Tensor4D, a as tf.Tensor4D, { weights: [1, -1] }),
      'options.weights',
      /non-negative/,
    );
    const before = tf.memory().numTensors;
    expectConfigError(
      () => featureLoss(twoMaps, a as tf.Tensor4D, a as tf.Tensor4D, { weights: [1] }),
      'options.weights',
      /one weight per feature map \(2\), got 1/,
    );
    expectConfigError(
      () => featureLoss(() => [], a as tf.Tensor4D, a as tf.Tensor4D),
      'features(generated)',
      /non-empty array/,
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b, flat]);
  });
});

describe('featureExtractor', () => {
  /** input [2, 2, 2] → conv 1×1 summing the channels ("sum") → relu ("relu") → 2×2 average pool ("pool"). */
  function smallNet(): tfl.LayersModel {
    const input = tfl.input({ shape: [2, 2, 2], name: 'pixels' });
    const sum = tfl.layers
      .conv2d({ filters: 1, kernelSize: 1, useBias: false, kernelInitializer: 'ones', name: 'sum' })
      .apply(input) as tfl.SymbolicTensor;
    const relu = tfl.layers.activation({ activation: 'relu', name: 'relu' }).apply(sum) as tfl.SymbolicTensor;
    const pool = tfl.layers.averagePooling2d({ poolSize: 2, name: 'pool' }).apply(relu) as tfl.SymbolicTensor;
    return tfl.model({ inputs: input, outputs: pool, name: 'small' });
  }

  test("returns the named layers' outputs, in the order given, from the model's weights", () => {
    const model = smallNet();
    const extract = featureExtractor(model, ['pool', 'sum', 'relu']);
    // Pixels (channel pairs): (1, 2), (-3, 1), (0.5, -1), (2, 2) → sums 3, -2, -0.5, 4.
    const images = tf.tensor4d([1, 2, -3, 1, 0.5, -1, 2, 2], [1, 2, 2, 2]);
    const before = tf.memory().numTensors;
    const [pool, sum, relu] = extract(images);
    expect(sum.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(sum.dataSync())).toEqual([3, -2, -0.5, 4]);
    expect(Array.from(relu.dataSync())).toEqual([3, 0, 0, 4]);
    expect(pool.shape).toEqual([1, 1, 1, 1]);
    expect(pool.dataSync()[0]).toBeCloseTo(7 / 4, 6);
    tf.dispose([pool, sum, relu]);
    expect(tf.memory().numTensors).toBe(before);
    // It feeds featureLoss, with gradients to generated through the net.
    const generated = tf.variable(tf.zeros([1, 2, 2, 2]));
    const { value, grads } = tf.variableGrads(
      () => featureLoss(extract, generated as tf.Tensor4D, images as tf.Tensor4D),
      [generated],
    );
    // Against zeros, each map's mean square: pool 1.75², sum (9 + 4 + 0.25 + 16) / 4, relu (9 + 16) / 4.
    expect(value.dataSync()[0]).toBeCloseTo(1.75 ** 2 + 29.25 / 4 + 25 / 4, 5);
    expect(Array.from(grads[generated.name].dataSync()).some((v) => v !== 0)).toBe(true);
    tf.dispose([value, generated, images, ...Object.values(grads)]);
    model.dispose();
  });

  test("refuses an unknown layer, listing the model's layers, and other bad arguments", () => {
    const model = smallNet();
    expectConfigError(
      () => featureExtractor(model, ['sum', 'rleu']),
      'layerNames[1]',
      /model "small" has no layer named "rleu" \(did you mean "relu"\?\); its layers are: pixels, sum, relu, pool/,
    );
    expectConfigError(() => featureExtractor(model, []), 'layerNames', /non-empty array/);
    expectConfigError(() => featureExtractor({} as tfl.LayersModel, ['sum']), 'model', /LayersModel/);
    const extract = featureExtractor(model, ['sum']);
    expectConfigError(() => extract(tf.zeros([4]) as unknown as tf.Tensor4D), 'images', /rank-4/);
    model.dispose();
  });
});
