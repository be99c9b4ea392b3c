/**
 * sobelEdges (src/data/edges.ts): hand-computed values on a two-step colour image (BT.601
 * weights, reflected border, per-image normalisation), thresholds and inversion, a constant image
 * at the minimum everywhere, and a float64 per-pixel reference (nested loops over the formula) on
 * seeded random images.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../../src/errors';
import { sobelEdges } from '../../src/data/edges';
import { Rng } from '../../src/random';
import { thrownBy, useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  expect(await useDefaultBackend()).toBe('wasm');
});

/** Sobel magnitude on BT.601 luminance, reflect-padded, normalised to [-1, 1] per image. */
function referenceEdges(values: Float32Array, [n, h, w, c]: number[]): Float64Array {
  const out = new Float64Array(n * h * w);
  const reflect = (i: number, size: number): number => (i < 0 ? -i : i >= size ? 2 * size - 2 - i : i);
  for (let b = 0; b < n; b++) {
    const luminance = (y: number, x: number): number => {
      const p = ((b * h + reflect(y, h)) * w + reflect(x, w)) * c;
      return c === 1 ? values[p] : 0.299 * values[p] + 0.587 * values[p + 1] + 0.114 * values[p + 2];
    };
    const magnitude = new Float64Array(h * w);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let gx = 0;
        let gy = 0;
        for (let d = -1; d <= 1; d++) {
          const weight = d === 0 ? 2 : 1;
          gx += weight * (luminance(y + d, x + 1) - luminance(y + d, x - 1));
          gy += weight * (luminance(y + 1, x + d) - luminance(y - 1, x + d));
        }
        magnitude[y * w + x] = Math.sqrt(gx * gx + gy * gy);
      }
    const peak = Math.max(...magnitude);
    magnitude.forEach((m, i) => (out[b * h * w + i] = peak === 0 ? -1 : (2 * m) / peak - 1));
  }
  return out;
}

function edgesOf(values: Float32Array, shape: [number, number, number, number], options = {}): Float32Array {
  const images = tf.tensor4d(values, shape);
  const edges = sobelEdges(images, options);
  expect(edges.shape).toEqual([shape[0], shape[1], shape[2], 1]);
  const data = edges.dataSync() as Float32Array;
  tf.dispose([images, edges]);
  return data;
}

describe('sobelEdges', () => {
  // Two rows alike; red steps −1 → 1 between columns 1 and 2, green between 3 and 4, blue is 0.
  // Luminance per column: −0.886, −0.886, −0.288, −0.288, 0.886, 0.886 (0.299 R + 0.587 G), and
  // reflected columns −1 → 1, 6 → 4. Gy = 0; Gx = 4 · (Y[x + 1] − Y[x − 1]):
  // 0, 4 · 0.598, 4 · 0.598, 4 · 1.174, 4 · 1.174, 0; normalised by the largest, 4 · 1.174.
  const red = [-1, -1, 1, 1, 1, 1];
  const green = [-1, -1, -1, -1, 1, 1];
  const steps = Float32Array.from({ length: 2 * 6 * 3 }, (_, i) => {
    const x = Math.floor(i / 3) % 6;
    return [red[x], green[x], 0][i % 3];
  });
  const shape: [number, number, number, number] = [1, 2, 6, 3];
  const redEdge = 2 * (0.299 / 0.587) - 1;

  test('hand-computed values on a two-step colour image', () => {
    const edges = edgesOf(steps, shape);
    const row = [-1, redEdge, redEdge, 1, 1, -1];
    Array.from(edges).forEach((v, i) => expect(v).toBeCloseTo(row[i % 6], 5));
  });

  test('thresholds the normalised magnitude, and inverts', () => {
    // Normalised magnitudes 0, 0.509, 0.509, 1, 1, 0.
    const high = edgesOf(steps, shape, { threshold: 0.6 });
    expect(Array.from(high.subarray(0, 6))).toEqual([-1, -1, -1, 1, 1, -1]);
    const low = edgesOf(steps, shape, { threshold: 0.5, invert: true });
    expect(Array.from(low.subarray(6, 12))).toEqual([1, -1, -1, -1, -1, 1]);
    const inverted = edgesOf(steps, shape, { invert: true });
    Array.from(inverted.subarray(0, 6)).forEach((v, i) =>
      expect(v).toBeCloseTo(-[-1, redEdge, redEdge, 1, 1, -1][i], 5),
    );
  });

  test('gives the minimum everywhere for a constant image (the maximum when inverted)', () => {
    const constant = new Float32Array(2 * 4 * 5 * 3).fill(0.3);
    expect(Array.from(edgesOf(constant, [2, 4, 5, 3]))).toEqual(new Array(40).fill(-1));
    expect(Array.from(edgesOf(constant, [2, 4, 5, 3], { invert: true, threshold: 0.5 }))).toEqual(
      new Array(40).fill(1),
    );
  });

  test('matches a float64 per-pixel reference on seeded random images, gray and colour', () => {
    const rng = new Rng(21);
    for (const size of [
      [2, 5, 6, 3],
      [1, 4, 7, 1],
      [3, 2, 2, 1],
    ] as Array<[number, number, number, number]>) {
      const values = Float32Array.from({ length: size.reduce((a, b) => a * b, 1) }, () => 2 * rng.nextFloat() - 1);
      const expected = referenceEdges(values, size);
      const edges = edgesOf(values, size);
      let worst = 0;
      edges.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]))));
      expect([size, worst < 1e-5]).toEqual([size, true]);
      // Each image reaches 1 at its strongest edge, but for 2 × 2 ones, flat by reflection (−1).
      for (let b = 0; b < size[0]; b++) {
        const image = edges.subarray(b * size[1] * size[2], (b + 1) * size[1] * size[2]);
        expect(Math.max(...image)).toBeCloseTo(size[1] === 2 ? -1 : 1, 6);
      }
    }
  });

  test('leaves no tensor behind', () => {
    const images = tf.randomUniform([2, 6, 6, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) sobelEdges(images, { threshold: 0.2 }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });

  test('refuses bad arguments, naming them', () => {
    const check = (fn: () => unknown, argument: string, message: RegExp): void => {
      const error = thrownBy(fn);
      expect(error).toBeInstanceOf(GanConfigError);
      expect((error as GanConfigError).argument).toBe(argument);
      expect((error as Error).message).toMatch(message);
    };
    const rgba = tf.zeros([1, 4, 4, 4]) as tf.Tensor4D;
    const thin = tf.zeros([1, 1, 4, 1]) as tf.Tensor4D;
    const image = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    check(() => sobelEdges(rgba), 'images', /1 \(gray\) or 3 \(RGB\) channels, got shape \[1, 4, 4, 4\]/);
    check(() => sobelEdges(thin), 'images', /at least 2/);
    check(() => sobelEdges(image, { threshold: 0 }), 'options.threshold', /\(0, 1\], got 0/);
    check(() => sobelEdges(image, { threshold: 1.5 }), 'options.threshold', /\(0, 1\]/);
    check(() => sobelEdges(image, { invert: 1 as unknown as boolean }), 'options.invert', /boolean/);
    check(() => sobelEdges(tf.zeros([4, 4]) as unknown as tf.Tensor4D), 'images', /rank-4/);
    tf.dispose([rgba, thin, image]);
  });
});
