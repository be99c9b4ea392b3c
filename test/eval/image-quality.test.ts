/**
 * Full-reference image quality (src/eval/image-quality.ts): PSNR of known MSEs, SSIM's closed form
 * on constant images, SSIM = 1 for identical images and symmetric, SSIM against a float64 loop over
 * every valid 11 × 11 Gaussian window, the summary's means (PSNR over finite values), errors that
 * name the argument, no leaked tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../../src/errors';
import { imageQuality, peakSignalToNoiseRatio, structuralSimilarity } from '../../src/eval/image-quality';
import { Rng } from '../../src/random';
import { thrownBy, useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  expect(await useDefaultBackend()).toBe('wasm');
});

type Shape = [number, number, number, number];

function randomValues(rng: Rng, shape: Shape, scale = 1): Float32Array {
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * (2 * rng.nextFloat() - 1));
}

/** SSIM per image as the paper's formula over every 11 × 11 window inside the image, each channel alone, float64. */
function referenceSsim(a: Float32Array, b: Float32Array, [n, h, w, c]: Shape, range = 2): number[] {
  const g = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / (2 * 1.5 ** 2)));
  const total = g.reduce((s, v) => s + v, 0) ** 2;
  const c1 = (0.01 * range) ** 2;
  const c2 = (0.03 * range) ** 2;
  const result: number[] = [];
  for (let image = 0; image < n; image++) {
    let sum = 0;
    let count = 0;
    for (let ch = 0; ch < c; ch++)
      for (let top = 0; top + 11 <= h; top++)
        for (let left = 0; left + 11 <= w; left++) {
          let [ma, mb, saa, sbb, sab] = [0, 0, 0, 0, 0];
          for (let dy = 0; dy < 11; dy++)
            for (let dx = 0; dx < 11; dx++) {
              const weight = (g[dy] * g[dx]) / total;
              const p = ((image * h + top + dy) * w + left + dx) * c + ch;
              ma += weight * a[p];
              mb += weight * b[p];
              saa += weight * a[p] * a[p];
              sbb += weight * b[p] * b[p];
              sab += weight * a[p] * b[p];
            }
          const va = saa - ma * ma;
          const vb = sbb - mb * mb;
          const cov = sab - ma * mb;
          sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
          count++;
        }
    result.push(sum / count);
  }
  return result;
}

function configError(fn: () => unknown, argument: string, message: RegExp): void {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(GanConfigError);
  expect((error as GanConfigError).argument).toBe(argument);
  expect((error as Error).message).toMatch(message);
}

describe('peakSignalToNoiseRatio', () => {
  test('is 10·log₁₀(range² / MSE) per image for known MSEs, Infinity for identical images', () => {
    // Image 0 off by 0.1 everywhere (MSE 0.01); image 1 off by 0.5 in half its pixels (MSE 0.125); image 2 exact.
    const target = tf.zeros([3, 2, 2, 1]) as tf.Tensor4D;
    const output = tf.tensor4d([0.1, -0.1, 0.1, 0.1, 0.5, 0, -0.5, 0, 0, 0, 0, 0], [3, 2, 2, 1]);
    const psnr = peakSignalToNoiseRatio(output, target);
    expect(psnr).toBeInstanceOf(Float32Array);
    expect(psnr[0]).toBeCloseTo(10 * Math.log10(4 / 0.01), 4); // 26.02 dB
    expect(psnr[1]).toBeCloseTo(10 * Math.log10(4 / 0.125), 4); // 15.05 dB
    expect(psnr[2]).toBe(Infinity);
    const unitRange = peakSignalToNoiseRatio(output, target, { range: 1 });
    expect(unitRange[0]).toBeCloseTo(20, 4);
    expect(Array.from(peakSignalToNoiseRatio(target, output))).toEqual(Array.from(psnr));
    tf.dispose([target, output]);
  });

  test('matches a float64 loop on seeded random images', () => {
    const rng = new Rng(30);
    const shape: Shape = [3, 5, 6, 3];
    const a = randomValues(rng, shape);
    const b = Float32Array.from(a, (v, i) => v + 0.1 * (1 + Math.floor(i / 90)) * (2 * rng.nextFloat() - 1));
    const tensors = [tf.tensor4d(a, shape), tf.tensor4d(b, shape)];
    const psnr = peakSignalToNoiseRatio(tensors[0], tensors[1], { range: 2.5 });
    for (let image = 0; image < 3; image++) {
      let squared = 0;
      for (let i = image * 90; i < (image + 1) * 90; i++) squared += (a[i] - b[i]) ** 2;
      expect(psnr[image]).toBeCloseTo(10 * Math.log10(2.5 ** 2 / (squared / 90)), 3);
    }
    tf.dispose(tensors);
  });

  test('refuses bad arguments, naming them', () => {
    const a = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const b = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
    configError(() => peakSignalToNoiseRatio(a, b), 'b', /shape of a, \[1, 2, 2, 1\], got \[1, 2, 2, 3\]/);
    configError(() => peakSignalToNoiseRatio(a, a, { range: 0 }), 'options.range', /positive number, got 0/);
    configError(() => peakSignalToNoiseRatio(tf.zeros([2, 2]) as unknown as tf.Tensor4D, a), 'a', /rank-4/);
    tf.dispose([a, b]);
  });
});

describe('structuralSimilarity', () => {
  test('has the closed form (2uv + C₁)/(u² + v² + C₁) on constant images', () => {
    const a = tf.fill([1, 12, 13, 1], 0.5) as tf.Tensor4D;
    const b = tf.fill([1, 12, 13, 1], -0.25) as tf.Tensor4D;
    const c1 = (0.01 * 2) ** 2;
    expect(structuralSimilarity(a, b)[0]).toBeCloseTo((2 * 0.5 * -0.25 + c1) / (0.25 + 0.0625 + c1), 5);
    tf.dispose([a, b]);
  });

  test('is 1 for identical images and symmetric', () => {
    const rng = new Rng(31);
    const shape: Shape = [2, 16, 14, 3];
    const a = tf.tensor4d(randomValues(rng, shape), shape);
    const b = tf.tensor4d(randomValues(rng, shape), shape);
    structuralSimilarity(a, a).forEach((v) => expect(v).toBeCloseTo(1, 5));
    const ab = Array.from(structuralSimilarity(a, b));
    const ba = Array.from(structuralSimilarity(b, a));
    ab.forEach((v, i) => expect(v).toBeCloseTo(ba[i], 6));
    ab.forEach((v) => expect(Math.abs(v)).toBeLessThan(0.2)); // independent noise: near 0
    tf.dispose([a, b]);
  });

  test('matches a float64 loop over every valid window on seeded random images', () => {
    const rng = new Rng(32);
    const shape: Shape = [3, 15, 17, 2];
    const target = randomValues(rng, shape);
    // Outputs at three noise levels, so SSIM spans high to low values.
    const output = Float32Array.from(target, (v, i) => {
      const level = [0.05, 0.3, 1][Math.floor(i / (15 * 17 * 2))];
      return Math.max(-1, Math.min(1, v + level * (2 * rng.nextFloat() - 1)));
    });
    const a = tf.tensor4d(output, shape);
    const b = tf.tensor4d(target, shape);
    for (const range of [2, 1]) {
      const expected = referenceSsim(output, target, shape, range);
      const ssim = structuralSimilarity(a, b, { range });
      expect(ssim[0]).toBeGreaterThan(ssim[1]);
      expect(ssim[1]).toBeGreaterThan(ssim[2]);
      Array.from(ssim).forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-4));
    }
    tf.dispose([a, b]);
  });

  test('refuses images smaller than the window, naming the argument', () => {
    const small = tf.zeros([1, 10, 20, 1]) as tf.Tensor4D;
    configError(() => structuralSimilarity(small, small), 'a', /at least 11 × 11 pixels.*got 10 × 20/);
    small.dispose();
  });
});

describe('imageQuality', () => {
  test('means L1, PSNR (over finite values) and SSIM over the pairs', () => {
    const rng = new Rng(33);
    const shape: Shape = [3, 12, 12, 1];
    const target = randomValues(rng, shape);
    const output = Float32Array.from(target, (v, i) => (i < 144 ? v : v + 0.2 * (2 * rng.nextFloat() - 1)));
    const a = tf.tensor4d(output, shape);
    const b = tf.tensor4d(target, shape);
    const before = tf.memory().numTensors;
    const summary = imageQuality(a, b);
    expect(tf.memory().numTensors).toBe(before);
    const psnr = peakSignalToNoiseRatio(a, b);
    expect(psnr[0]).toBe(Infinity); // the first pair is identical
    const ssim = structuralSimilarity(a, b);
    const l1 = output.reduce((s, v, i) => s + Math.abs(v - target[i]), 0) / output.length;
    expect(summary.n).toBe(3);
    expect(summary.l1).toBeCloseTo(l1, 6);
    expect(summary.psnr).toBeCloseTo((psnr[1] + psnr[2]) / 2, 4);
    expect(summary.ssim).toBeCloseTo((ssim[0] + ssim[1] + ssim[2]) / 3, 6);
    expect(imageQuality(b, b).psnr).toBe(Infinity);
    tf.dispose([a, b]);
  });

  test('refuses bad arguments, naming them', () => {
    const a = tf.zeros([1, 12, 12, 1]) as tf.Tensor4D;
    const b = tf.zeros([2, 12, 12, 1]) as tf.Tensor4D;
    const small = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    configError(() => imageQuality(a, b), 'targets', /shape of outputs/);
    configError(() => imageQuality(small, small), 'outputs', /at least 11 × 11/);
    configError(() => imageQuality(a, a, { range: -2 }), 'options.range', /positive/);
    tf.dispose([a, b, small]);
  });

  test('leaves no tensor behind across the three metrics', () => {
    const a = tf.randomUniform([2, 12, 12, 3], -1, 1, 'float32', 8) as tf.Tensor4D;
    const b = tf.randomUniform([2, 12, 12, 3], -1, 1, 'float32', 9) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      peakSignalToNoiseRatio(a, b);
      structuralSimilarity(a, b);
      imageQuality(a, b);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});
