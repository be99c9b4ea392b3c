/**
 * resizeBicubic (src/data/resize-bicubic.ts): hand-computed values of Keys' kernel with clamped
 * borders, exact reproduction of ramps and quadratics inside the image, constants kept, the same
 * size an identity, and a per-pixel float64 reference (4 × 4 taps, nested loops over the formula)
 * on seeded random images, up and down, with and without aligned corners.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../../src/errors';
import { resizeBicubic } from '../../src/data/resize-bicubic';
import { Rng } from '../../src/random';
import { thrownBy, useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  expect(await useDefaultBackend()).toBe('wasm');
});

/** Keys' kernel, a = −0.5, written out as in the paper. */
function kernel(t: number): number {
  const x = Math.abs(t);
  if (x <= 1) return 1.5 * x ** 3 - 2.5 * x ** 2 + 1;
  if (x < 2) return -0.5 * x ** 3 + 2.5 * x ** 2 - 4 * x + 2;
  return 0;
}

function samplePosition(o: number, inSize: number, outSize: number, alignCorners: boolean): number {
  if (alignCorners) return outSize === 1 ? 0 : (o * (inSize - 1)) / (outSize - 1);
  return ((o + 0.5) * inSize) / outSize - 0.5;
}

/** Per output pixel, the 4 × 4 taps around its sample position, indices clamped to the image. */
function referenceResize(
  values: Float32Array,
  [n, h, w, c]: number[],
  [outH, outW]: [number, number],
  alignCorners = false,
): Float64Array {
  const out = new Float64Array(n * outH * outW * c);
  const clamp = (i: number, size: number): number => Math.min(size - 1, Math.max(0, i));
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let ch = 0; ch < c; ch++) {
          const sy = samplePosition(oy, h, outH, alignCorners);
          const sx = samplePosition(ox, w, outW, alignCorners);
          let sum = 0;
          for (let ty = Math.floor(sy) - 1; ty <= Math.floor(sy) + 2; ty++)
            for (let tx = Math.floor(sx) - 1; tx <= Math.floor(sx) + 2; tx++) {
              const v = values[((b * h + clamp(ty, h)) * w + clamp(tx, w)) * c + ch];
              sum += kernel(sy - ty) * kernel(sx - tx) * v;
            }
          out[((b * outH + oy) * outW + ox) * c + ch] = sum;
        }
  return out;
}

function imageOf(
  shape: [number, number, number, number],
  f: (b: number, y: number, x: number, ch: number) => number,
): Float32Array {
  const [n, h, w, c] = shape;
  const values = new Float32Array(n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) values[((b * h + y) * w + x) * c + ch] = f(b, y, x, ch);
  return values;
}

function resized(
  values: Float32Array,
  shape: [number, number, number, number],
  size: [number, number],
  alignCorners = false,
): Float32Array {
  const images = tf.tensor4d(values, shape);
  const out = resizeBicubic(images, size, { alignCorners });
  expect(out.shape).toEqual([shape[0], size[0], size[1], shape[3]]);
  const data = out.dataSync() as Float32Array;
  tf.dispose([images, out]);
  return data;
}

describe('resizeBicubic', () => {
  test("2 → 4 pixels: Keys' weights by hand, the border tap clamped", () => {
    // Sample positions −0.25, 0.25, 0.75, 1.25 of [0, 1]; e.g. at 0.25 the pixel 1 gets
    // W(0.75) + W(1.75) (the tap at 2, clamped) = 0.2265625 − 0.0234375.
    const out = resized(Float32Array.from([0, 1]), [1, 1, 2, 1], [1, 4]);
    expect(Array.from(out)).toEqual([-0.0703125, 0.203125, 0.796875, 1.0703125].map((v) => Math.fround(v)));
    // With aligned corners: positions 0, 1/3, 2/3, 1.
    const aligned = resized(Float32Array.from([0, 1]), [1, 1, 2, 1], [1, 4], true);
    const third = kernel(2 / 3) + kernel(5 / 3);
    [0, third, 1 - third, 1].forEach((v, i) => expect(aligned[i]).toBeCloseTo(v, 6));
  });

  test('reproduces a ramp and a quadratic exactly inside the image, upscaling by a non-integer factor', () => {
    const shape: [number, number, number, number] = [2, 6, 8, 2];
    const size: [number, number] = [15, 20];
    const ramp = (b: number, y: number, x: number, ch: number): number => 0.1 * x - 0.05 * y + 0.2 * ch - 0.3 * b;
    const bowl = (b: number, y: number, x: number): number => 0.02 * (x - 3) ** 2 - 0.01 * y * y + 0.01 * x * y;
    for (const [f, name] of [
      [ramp, 'ramp'],
      [bowl, 'quadratic'],
    ] as const) {
      const out = resized(imageOf(shape, f), shape, size);
      let checked = 0;
      for (let b = 0; b < shape[0]; b++)
        for (let oy = 0; oy < size[0]; oy++)
          for (let ox = 0; ox < size[1]; ox++) {
            const sy = samplePosition(oy, shape[1], size[0], false);
            const sx = samplePosition(ox, shape[2], size[1], false);
            const inside =
              Math.floor(sy) >= 1 &&
              Math.floor(sy) + 2 <= shape[1] - 1 &&
              Math.floor(sx) >= 1 &&
              Math.floor(sx) + 2 <= shape[2] - 1;
            if (!inside) continue;
            for (let ch = 0; ch < shape[3]; ch++) {
              const got = out[((b * size[0] + oy) * size[1] + ox) * shape[3] + ch];
              expect([name, got]).toEqual([name, expect.closeTo(f(b, sy, sx, ch), 5)]);
              checked++;
            }
          }
      expect(checked).toBeGreaterThan(100);
    }
  });

  test('keeps a constant image constant everywhere, borders included, up and down', () => {
    const shape: [number, number, number, number] = [1, 7, 5, 3];
    const values = imageOf(shape, (_, __, ___, ch) => [-0.75, 0.25, 1][ch]);
    for (const [size, align] of [
      [[16, 11], false],
      [[3, 2], false],
      [[13, 9], true],
    ] as const) {
      const out = resized(values, shape, [...size], align);
      out.forEach((v, i) => expect(v).toBeCloseTo([-0.75, 0.25, 1][i % 3], 6));
    }
  });

  test('is the identity at the same size', () => {
    const shape: [number, number, number, number] = [2, 5, 6, 1];
    const rng = new Rng(7);
    const values = Float32Array.from({ length: 60 }, () => 2 * rng.nextFloat() - 1);
    const out = resized(values, shape, [5, 6]);
    out.forEach((v, i) => expect(v).toBeCloseTo(values[i], 6));
  });

  test('matches a per-pixel float64 reference on seeded random images, up and down, both corner modes', () => {
    const cases: Array<[[number, number, number, number], [number, number], boolean]> = [
      [[2, 5, 7, 3], [11, 16], false],
      [[1, 12, 10, 2], [5, 4], false],
      [[1, 9, 6, 1], [4, 13], false],
      [[2, 5, 7, 3], [11, 16], true],
      [[1, 12, 10, 2], [5, 1], true],
    ];
    const rng = new Rng(11);
    for (const [shape, size, align] of cases) {
      const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * rng.nextFloat() - 1);
      const expected = referenceResize(values, shape, size, align);
      const out = resized(values, shape, size, align);
      let worst = 0;
      out.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]))));
      expect([shape, size, align, worst < 1e-5]).toEqual([shape, size, align, true]);
    }
  });

  test('leaves no tensor behind, and is differentiable', () => {
    const images = tf.randomUniform([2, 6, 6, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) resizeBicubic(images, [12, 9]).dispose();
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(resizeBicubic(x as tf.Tensor4D, [12, 12])))(images);
    // Each source pixel's gradient is the total weight it gives; they sum to the output's size.
    const total = tf.sum(gradient);
    expect(total.dataSync()[0]).toBeCloseTo(2 * 12 * 12 * 3, 2);
    tf.dispose([gradient, total]);
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });

  test('refuses bad arguments, naming them', () => {
    const images = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    const flat = tf.zeros([4, 4]);
    const check = (fn: () => unknown, argument: string, message: RegExp): void => {
      const error = thrownBy(fn);
      expect(error).toBeInstanceOf(GanConfigError);
      expect((error as GanConfigError).argument).toBe(argument);
      expect((error as Error).message).toMatch(message);
    };
    check(
      () => resizeBicubic(flat as unknown as tf.Tensor4D, [8, 8]),
      'images',
      /rank-4 tensor \[n, h, w, c\].*\[4, 4\]/,
    );
    check(() => resizeBicubic(images, [8, 0]), 'size', /two positive integers, got \[8,0\]/);
    check(() => resizeBicubic(images, [8.5, 8] as [number, number]), 'size', /positive integers/);
    check(
      () => resizeBicubic(images, [8, 8], { alignCorners: 'yes' as unknown as boolean }),
      'options.alignCorners',
      /boolean/,
    );
    tf.dispose([images, flat]);
  });
});
