import * as tf from '@tensorflow/tfjs-core';
import { interpolateLatents, latentArithmetic } from '../../src/latent/interpolate';
import { useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  await useDefaultBackend();
});

const close = (t: tf.Tensor, expected: number[][]): void => {
  const got = t.arraySync() as number[][];
  got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 5)));
  t.dispose();
};

test('linear interpolation: evenly spaced points, endpoints included', () => {
  close(interpolateLatents(tf.tensor1d([0, 2]), tf.tensor1d([4, -2]), 3, { method: 'linear' }), [
    [0, 2],
    [2, 0],
    [4, -2],
  ]);
});

test('spherical interpolation follows the great circle: unit vectors stay unit, the midpoint bisects', () => {
  const z = interpolateLatents(tf.tensor1d([1, 0]), tf.tensor1d([0, 1]), 3);
  close(z, [
    [1, 0],
    [Math.SQRT1_2, Math.SQRT1_2],
    [0, 1],
  ]);
  const norms = tf.norm(interpolateLatents(tf.tensor1d([3, 0, 0]), tf.tensor1d([0, 0, 3]), 7), 'euclidean', 1);
  for (const n of norms.dataSync()) expect(n).toBeCloseTo(3, 5);
  // Parallel points: falls back to the straight line.
  close(interpolateLatents(tf.tensor1d([1, 1]), tf.tensor1d([2, 2]), 2), [
    [1, 1],
    [2, 2],
  ]);
});

test('latent arithmetic is a − b + c; bad arguments name themselves', () => {
  close(latentArithmetic(tf.tensor2d([[1, 2]]), tf.tensor2d([[0.5, 0.5]]), tf.tensor2d([[3, 3]])), [[3.5, 4.5]]);
  expect(() => interpolateLatents(tf.zeros([2]), tf.zeros([2]), 1)).toThrow(/steps: expected an integer ≥ 2/);
  expect(() => interpolateLatents(tf.zeros([2]), tf.zeros([3]), 4)).toThrow(/to: expected 2 values/);
});
