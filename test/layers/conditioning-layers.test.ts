/**
 * Conditioning and augmentation blocks that need no change to the trainer (issue 6): the
 * projection discriminator (ClassProjection, `projection` / `discriminatorConditioning`),
 * conditional batch norm in G (ConditionalBatchNorm, `conditionalBatchNorm`) and DiffAugment.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as path from 'node:path';
import { ClassProjection } from '../../src/layers/class-projection';
import { ConditionalBatchNorm } from '../../src/layers/conditional-batch-norm';
import { DiffAugment } from '../../src/layers/diff-augment';
import { GANKIT_LAYER_CLASSES } from '../../src/layers/register';
import { GanConfigError } from '../../src/errors';
import { channelConcat } from '../../src/conditioning/channel-concat';
import { createCgan } from '../../src/models/gan/create';
import { dcganDiscriminator, dcganGenerator } from '../../src/nets/dcgan';
import { labelEmbedding } from '../../src/conditioning/label-embedding';
import { loadGan } from '../../src/models/gan/load';
import { mlpDiscriminator, mlpGenerator } from '../../src/nets/mlp';
import { withDropoutSeed } from '../../src/layers/seeded-dropout';
import { type Gan } from '../../src/models/gan/gan';
import { randomDataset, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tmp = useTempDir('conditioning-extra');

beforeAll(async () => {
  await useDefaultBackend();
});

/** Seeded values in [-1, 1) (an LCG), so expected numbers do not depend on a backend's RNG. */
function values(count: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

function labelsTensor(labels: number[]): tf.Tensor2D {
  return tf.tensor2d(labels, [labels.length, 1], 'int32');
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function layerOf<T>(model: tfl.LayersModel, cls: new (...args: never[]) => T): T {
  const found = model.layers.filter((l) => l instanceof cls);
  expect(found).toHaveLength(1);
  return found[0] as unknown as T;
}

/** Applies a DiffAugment layer in training mode inside a seed scope; returns the values. */
function augment(layer: DiffAugment, x: tf.Tensor, seed: number): Float32Array {
  return withDropoutSeed(seed, () =>
    tf.tidy(() => (layer.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array),
  );
}

/** `x` `[n, h, w]` (one channel) shifted as DiffAugment's translation does: out[i, j] = x[i + dy, j + dx], zero outside. */
function shifted(x: ArrayLike<number>, h: number, w: number, dy: number, dx: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++)
      out.push(i + dy >= 0 && i + dy < h && j + dx >= 0 && j + dx < w ? x[(i + dy) * w + j + dx] : 0);
  return out;
}

/** The shift (dy, dx) in [-r, r]² that maps image `x` to `y`, or null; throws if several do. */
function findShift(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  h: number,
  w: number,
  r: number,
): [number, number] | null {
  const hits: Array<[number, number]> = [];
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      const s = shifted(x, h, w, dy, dx);
      if (s.every((v, k) => v === y[k])) hits.push([dy, dx]);
    }
  }
  if (hits.length > 1) throw new Error(`ambiguous shift ${JSON.stringify(hits)}`);
  return hits[0] ?? null;
}

describe.each(['cpu', 'wasm'])('on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  describe('projection discriminator', () => {
    test.each(['mlp', 'dcgan'] as const)(
      '%s: D(x, y) = ψ(φ(x)) + ⟨E[y], φ(x)⟩, computed by hand from the weights',
      (arch) => {
        const d =
          arch === 'mlp'
            ? mlpDiscriminator({
                imageShape: [4, 4, 1],
                hiddenUnits: [6, 5],
                activation: 'leakyRelu',
                projection: { numClasses: 3 },
                seed: 1,
              })
            : dcganDiscriminator({
                imageShape: [8, 8, 1],
                convFilters: [4],
                padding: 'same',
                denseUnits: [5],
                dropout: 0,
                projection: { numClasses: 3 },
                seed: 1,
              });
        expect(d.inputs.map((i) => i.name.split('_')[0])).toEqual(['image', 'labels']);
        const projection = layerOf(d, ClassProjection);
        const [features] = projection.input as tfl.SymbolicTensor[];
        const body = tfl.model({ inputs: d.inputs[0], outputs: features });
        const psiLayer = d.layers.find(
          (l) => l.getClassName() === 'Dense' && (l.getConfig() as { units: number }).units === 1,
        )!;
        const [kernel, bias] = psiLayer.getWeights().map((w) => w.dataSync());
        const table = projection.getWeights()[0];
        const dim = table.shape[1] as number;
        // Make the class term matter: the Glorot table is small next to ψ otherwise.
        projection.setWeights([tf.tensor2d(values(3 * dim, 9), [3, dim])]);
        const e = projection.getWeights()[0].dataSync();
        const shape = arch === 'mlp' ? [5, 4, 4, 1] : [5, 8, 8, 1];
        const images = tf.tensor4d(
          values(
            shape.reduce((a, b) => a * b),
            2,
          ),
          shape as [number, number, number, number],
        );
        const labels = [0, 2, 1, 2, 0];
        const phi = (body.predict(images) as tf.Tensor).arraySync() as number[][];
        const out = (d.predict([images, labelsTensor(labels)]) as tf.Tensor).dataSync();
        const expected = phi.map((f, n) =>
          f.reduce((sum, v, k) => sum + v * kernel[k] + v * e[labels[n] * dim + k], bias[0]),
        );
        expect(maxAbsDiff(out, expected)).toBeLessThan(1e-5);
        // The label changes the output only through ⟨E[y], φ⟩.
        const other = (d.predict([images, labelsTensor([1, 1, 1, 1, 1])]) as tf.Tensor).dataSync();
        const delta = phi.map((f, n) => f.reduce((sum, v, k) => sum + v * (e[dim + k] - e[labels[n] * dim + k]), 0));
        expect(
          maxAbsDiff(
            Array.from(other, (v, n) => v - out[n]),
            delta,
          ),
        ).toBeLessThan(1e-5);
        tf.dispose(images);
        d.dispose();
      },
    );

    test('with input conditioning too, D shares one label input; a class count that disagrees is a GanConfigError', () => {
      const d = mlpDiscriminator({
        imageShape: [4, 4, 1],
        hiddenUnits: [4],
        conditioning: labelEmbedding({ numClasses: 3 }),
        projection: { numClasses: 3 },
        seed: 1,
      });
      expect(d.inputs).toHaveLength(2);
      d.dispose();
      expect(() =>
        mlpDiscriminator({ conditioning: labelEmbedding({ numClasses: 3 }), projection: { numClasses: 4 } }),
      ).toThrow(/projection.numClasses: is 4 but the conditioning 'labelEmbedding' has 3/);
      expect(() => dcganDiscriminator({ projection: { numClasses: 0 } })).toThrow(GanConfigError);
      expect(() => createCgan({ discriminatorConditioning: 'output' as 'projection' })).toThrow(
        /discriminatorConditioning: expected 'input' or 'projection'/,
      );
    });
  });

  describe('ConditionalBatchNorm', () => {
    // x: 4 samples × 2 channels, labels 0, 1, 0, 2; per-class γ and β set to known numbers.
    const x = [
      [1, -2],
      [3, 0],
      [5, 4],
      [-1, 2],
    ];
    const labels = [0, 1, 0, 2];
    const gamma = [
      [1, 2],
      [0.5, -1],
      [3, 0.25],
    ];
    const beta = [
      [0, 1],
      [-2, 0.5],
      [1, 1],
    ];
    const eps = 1e-5;

    function layer(momentum = 0.9): ConditionalBatchNorm {
      const cbn = new ConditionalBatchNorm({ numClasses: 3, momentum, epsilon: eps });
      tf.tidy(() => {
        cbn.apply([tf.zeros([1, 2]), labelsTensor([0])]);
      });
      const [g, b, mean, variance] = cbn.getWeights();
      expect([g.shape, b.shape, mean.shape, variance.shape]).toEqual([[3, 2], [3, 2], [2], [2]]);
      expect(Array.from(g.dataSync())).toEqual([1, 1, 1, 1, 1, 1]); // γ starts at 1
      expect(Array.from(b.dataSync())).toEqual([0, 0, 0, 0, 0, 0]); // β at 0
      expect(cbn.trainableWeights.map((w) => w.originalName.split('/').pop())).toEqual(['gamma', 'beta']);
      cbn.setWeights([tf.tensor2d(gamma), tf.tensor2d(beta), mean, variance]);
      return cbn;
    }

    test("training: normalises with the batch statistics, applies each sample's class γ and β, moves the moving statistics", () => {
      const cbn = layer(0.9);
      const out = tf.tidy(() =>
        (cbn.apply([tf.tensor2d(x), labelsTensor(labels)], { training: true }) as tf.Tensor).arraySync(),
      ) as number[][];
      // Channel 0: mean 2, biased variance 5; channel 1: mean 1, variance 5.
      const mean = [2, 1];
      const variance = [5, 5];
      x.forEach((row, n) =>
        row.forEach((v, c) => {
          const expected = ((v - mean[c]) / Math.sqrt(variance[c] + eps)) * gamma[labels[n]][c] + beta[labels[n]][c];
          expect(out[n][c]).toBeCloseTo(expected, 5);
        }),
      );
      const [, , movingMean, movingVariance] = cbn.getWeights().map((w) => Array.from(w.dataSync()));
      // moving ← 0.9 · moving + 0.1 · batch, from mean 0 and variance 1.
      expect(movingMean[0]).toBeCloseTo(0.2, 6);
      expect(movingMean[1]).toBeCloseTo(0.1, 6);
      expect(movingVariance[0]).toBeCloseTo(0.9 + 0.5, 6);
      expect(movingVariance[1]).toBeCloseTo(0.9 + 0.5, 6);
      cbn.dispose();
    });

    test('inference: uses the moving statistics and changes nothing', () => {
      const cbn = layer();
      const [g, b] = cbn.getWeights();
      cbn.setWeights([g, b, tf.tensor1d([1, -1]), tf.tensor1d([4, 0.25])]);
      const out = tf.tidy(() =>
        (cbn.apply([tf.tensor2d(x), labelsTensor(labels)]) as tf.Tensor).arraySync(),
      ) as number[][];
      x.forEach((row, n) =>
        row.forEach((v, c) => {
          const expected =
            ((v - [1, -1][c]) / Math.sqrt([4, 0.25][c] + eps)) * gamma[labels[n]][c] + beta[labels[n]][c];
          expect(out[n][c]).toBeCloseTo(expected, 5);
        }),
      );
      expect(Array.from(cbn.getWeights()[2].dataSync())).toEqual([1, -1]);
      cbn.dispose();
    });

    test('a fresh layer on images equals tf.layers.batchNormalization, in training and inference', () => {
      const cbn = new ConditionalBatchNorm({ numClasses: 4, momentum: 0.8, epsilon: 1e-3 });
      const bn = tfl.layers.batchNormalization({ momentum: 0.8, epsilon: 1e-3 });
      const images = tf.tensor4d(values(6 * 3 * 3 * 2, 5), [6, 3, 3, 2]);
      const y = labelsTensor([0, 1, 2, 3, 3, 1]);
      for (const training of [true, true, false]) {
        const a = tf.tidy(() => (cbn.apply([images, y], { training }) as tf.Tensor).dataSync());
        const b = tf.tidy(() => (bn.apply(images, { training }) as tf.Tensor).dataSync());
        expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
      }
      expect(maxAbsDiff(cbn.getWeights()[3].dataSync(), bn.getWeights()[3].dataSync())).toBeLessThan(1e-6);
      tf.dispose([images, y]);
      cbn.dispose();
      bn.dispose();
    });

    test('the gradient reaches the γ and β rows of the classes in the batch, and only those', () => {
      const cbn = layer();
      const input = tf.tensor2d(x);
      const y = labelsTensor([0, 0, 2, 2]);
      const { grads } = tf.variableGrads(
        () =>
          tf.sum(
            tf.mul(
              cbn.apply([input, y], { training: true }) as tf.Tensor,
              tf.tensor2d([
                [1, 2],
                [3, 4],
                [5, 6],
                [7, 8],
              ]),
            ),
          ) as tf.Scalar,
        cbn.trainableWeights.map((w) => w.read() as tf.Variable),
      );
      const [dGamma, dBeta] = cbn.trainableWeights.map(
        (w) => grads[(w.read() as tf.Variable).name].arraySync() as number[][],
      );
      expect(dBeta).toEqual([
        [4, 6],
        [0, 0],
        [12, 14],
      ]); // ∂/∂β[k] = Σ of the weights of class-k samples
      expect(dGamma[1]).toEqual([0, 0]);
      expect(dGamma[0].some((v) => v !== 0) && dGamma[2].some((v) => v !== 0)).toBe(true);
      tf.dispose([input, y, Object.values(grads)]);
      cbn.dispose();
    });

    test('the generators put it in place of every batch norm', () => {
      const cond = labelEmbedding({ numClasses: 3, dim: 2 });
      const g = mlpGenerator({
        latentDim: 4,
        imageShape: [4, 4, 1],
        hiddenUnits: [8, 8],
        batchNorm: [false, true],
        conditioning: cond,
        conditionalBatchNorm: true,
        seed: 1,
      });
      expect(g.layers.filter((l) => l instanceof ConditionalBatchNorm)).toHaveLength(1);
      expect(g.layers.filter((l) => l.getClassName() === 'BatchNormalization')).toHaveLength(0);
      g.dispose();
      const dg = dcganGenerator({
        latentDim: 4,
        imageShape: [8, 8, 1],
        baseShape: [2, 2, 4],
        denseUnits: [8],
        convFilters: [4],
        conditioning: channelConcat({ numClasses: 3 }),
        conditionalBatchNorm: true,
        seed: 1,
      });
      expect(dg.layers.filter((l) => l instanceof ConditionalBatchNorm)).toHaveLength(3); // dense, projection, hidden conv
      expect(dg.layers.filter((l) => l.getClassName() === 'BatchNormalization')).toHaveLength(0);
      dg.dispose();
      expect(() => mlpGenerator({ conditionalBatchNorm: true, batchNorm: true })).toThrow(
        /conditionalBatchNorm: needs a conditioning/,
      );
      expect(() => mlpGenerator({ conditioning: cond, conditionalBatchNorm: true })).toThrow(
        /conditionalBatchNorm: the generator has no batch norm/,
      );
    });
  });

  describe('DiffAugment', () => {
    const all = new DiffAugment({ policies: ['color', 'translation', 'cutout'] });

    test('inference is the identity; training is deterministic within a seed scope and differs between seeds', () => {
      const x = tf.tensor4d(values(4 * 8 * 8 * 3, 1), [4, 8, 8, 3]);
      const inference = tf.tidy(() => (all.apply(x) as tf.Tensor).dataSync());
      expect(Array.from(inference)).toEqual(Array.from(x.dataSync()));
      const predicted = tf.tidy(() => (all.apply(x, { training: false }) as tf.Tensor).dataSync());
      expect(Array.from(predicted)).toEqual(Array.from(x.dataSync()));
      const a = augment(all, x, 11);
      const b = augment(all, x, 11);
      const c = augment(all, x, 12);
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(maxAbsDiff(a, x.dataSync())).toBeGreaterThan(0.01);
      expect(maxAbsDiff(a, c)).toBeGreaterThan(0.01);
      x.dispose();
    });

    test('translation moves each image by a whole shift of at most 1/8 of the size, filling with zeros', () => {
      const [n, h, w] = [32, 16, 16];
      const image = Array.from({ length: h * w }, (_, k) => k + 1); // every pixel distinct
      const x = tf.tensor4d(Array.from({ length: n }, () => image).flat(), [n, h, w, 1]);
      const y = augment(new DiffAugment({ policies: ['translation'] }), x, 3);
      const shifts = new Set<string>();
      for (let s = 0; s < n; s++) {
        const shift = findShift(image, y.subarray(s * h * w, (s + 1) * h * w), h, w, 4); // search ±4: the layer may use ±2
        expect(shift).not.toBeNull();
        const [dy, dx] = shift as [number, number];
        expect(Math.max(Math.abs(dy), Math.abs(dx))).toBeLessThanOrEqual(2);
        shifts.add(`${dy},${dx}`);
      }
      expect(shifts.size).toBeGreaterThan(5); // per-image draws, not one shift for the batch
      x.dispose();
    });

    test('cutout zeroes a square of half the size (cut off at the border) per image', () => {
      const [n, h, w] = [64, 8, 8];
      const x = tf.ones([n, h, w, 1]);
      const y = augment(new DiffAugment({ policies: ['cutout'] }), x, 4);
      let full = 0;
      for (let s = 0; s < n; s++) {
        const zeros: Array<[number, number]> = [];
        for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) if (y[(s * h + i) * w + j] === 0) zeros.push([i, j]);
        const rows = [...new Set(zeros.map(([i]) => i))].sort((a, b) => a - b);
        const cols = [...new Set(zeros.map(([, j]) => j))].sort((a, b) => a - b);
        expect(zeros.length).toBe(rows.length * cols.length); // a rectangle
        for (const range of [rows, cols]) {
          expect(range[range.length - 1] - range[0] + 1).toBe(range.length); // contiguous
          expect(range.length).toBeLessThanOrEqual(4);
          if (range.length < 4) expect(range[0] === 0 || range[range.length - 1] === 7).toBe(true); // only cut by the border
        }
        expect(y.subarray(s * h * w, (s + 1) * h * w).every((v) => v === 0 || v === 1)).toBe(true);
        if (zeros.length === 16) full++;
      }
      expect(full).toBeGreaterThan(5);
      x.dispose();
    });

    test("the gradient through translation is the shift's Jacobian: each output's weight lands on its source pixel", () => {
      const [n, h, w] = [6, 16, 16];
      const image = Array.from({ length: h * w }, (_, k) => k + 1);
      const x = tf.tensor4d(Array.from({ length: n }, () => image).flat(), [n, h, w, 1]);
      const layer = new DiffAugment({ policies: ['translation'] });
      const y = augment(layer, x, 21);
      const weights = values(n * h * w, 8);
      const grad = withDropoutSeed(21, () =>
        tf.tidy(() =>
          tf
            .grad((input: tf.Tensor) =>
              tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, tf.tensor4d(weights, [n, h, w, 1]))),
            )(x)
            .dataSync(),
        ),
      );
      for (let s = 0; s < n; s++) {
        const [dy, dx] = findShift(image, y.subarray(s * h * w, (s + 1) * h * w), h, w, 2) as [number, number];
        // ∂L/∂x[i, j] = weight[i − dy, j − dx] where that output exists, else 0: the shift in reverse.
        const expected = shifted(weights.subarray(s * h * w, (s + 1) * h * w), h, w, -dy, -dx);
        expect(Array.from(grad.subarray(s * h * w, (s + 1) * h * w))).toEqual(expected.map((v) => Math.fround(v)));
        if (dy !== 0 || dx !== 0) expect(expected.filter((v) => v === 0).length).toBeGreaterThan(0);
      }
      x.dispose();
    });

    test('the gradient flows through color: per image, mean(∂L/∂x) = mean(weights) and ∂L/∂x − mean = c · (weights − mean), c in [0.5, 1.5)', () => {
      const [n, h, w] = [4, 6, 6];
      const x = tf.tensor4d(values(n * h * w, 3), [n, h, w, 1]);
      const weights = values(n * h * w, 13);
      const layer = new DiffAugment({ policies: ['color'] });
      const grad = withDropoutSeed(5, () =>
        tf.tidy(() =>
          tf
            .grad((input: tf.Tensor) =>
              tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, tf.tensor4d(weights, [n, h, w, 1]))),
            )(x)
            .dataSync(),
        ),
      );
      const contrasts: number[] = [];
      for (let s = 0; s < n; s++) {
        const g = Array.from(grad.subarray(s * h * w, (s + 1) * h * w));
        const wt = Array.from(weights.subarray(s * h * w, (s + 1) * h * w));
        const mean = wt.reduce((a, b) => a + b, 0) / wt.length;
        expect(g.reduce((a, b) => a + b, 0) / g.length).toBeCloseTo(mean, 5);
        const c = (g[0] - mean) / (wt[0] - mean);
        g.forEach((v, k) => expect(v - mean).toBeCloseTo(c * (wt[k] - mean), 4));
        expect(c).toBeGreaterThanOrEqual(0.5);
        expect(c).toBeLessThan(1.5);
        contrasts.push(c);
      }
      expect(new Set(contrasts.map((c) => c.toFixed(4))).size).toBe(n); // a contrast per image
      x.dispose();
    });

    test('in a channel-concat D it augments the image before the label planes are stacked on', () => {
      const d = dcganDiscriminator({
        imageShape: [8, 8, 1],
        convFilters: [4],
        padding: 'same',
        denseUnits: [4],
        conditioning: channelConcat({ numClasses: 3 }),
        diffAugment: ['cutout'],
        seed: 1,
      });
      const concat = d.layers.find((l) => l.getClassName() === 'Concatenate')!;
      const stacked = tfl.model({ inputs: d.inputs, outputs: concat.output as tfl.SymbolicTensor });
      const out = withDropoutSeed(2, () =>
        tf.tidy(() =>
          (
            stacked.apply([tf.ones([4, 8, 8, 1]), labelsTensor([0, 1, 2, 1])], { training: true }) as tf.Tensor
          ).arraySync(),
        ),
      ) as number[][][][];
      let cut = 0;
      out.forEach((image, s) =>
        image.forEach((row) =>
          row.forEach((pixel) => {
            if (pixel[0] === 0) cut++;
            expect(pixel.slice(1)).toEqual([0, 1, 2].map((k) => (k === [0, 1, 2, 1][s] ? 1 : 0))); // planes intact
          }),
        ),
      );
      expect(cut).toBeGreaterThan(0);
      d.dispose();
    });
  });

  describe('in createCgan: trains, keeps numTensors flat, saves and loads to identical outputs, resumes identically', () => {
    const data = () => randomDataset(20, 8, 10, 3);
    const cases: Array<[string, () => Gan]> = [
      [
        'dcgan: projection D with DiffAugment, G with conditional batch norm',
        () =>
          createCgan({
            architecture: 'dcgan',
            latentDim: 6,
            imageShape: [8, 8, 1],
            seed: 5,
            discriminatorConditioning: 'projection',
            generator: { denseUnits: [16], baseShape: [2, 2, 4], convFilters: [4], conditionalBatchNorm: true },
            discriminator: {
              convFilters: [4, 4],
              padding: 'same',
              denseUnits: [16],
              diffAugment: ['color', 'translation', 'cutout'],
            },
          }),
      ],
      [
        'mlp: label embedding + projection D with DiffAugment, G with conditional batch norm',
        () =>
          createCgan({
            latentDim: 6,
            imageShape: [8, 8, 1],
            seed: 6,
            discriminatorConditioning: 'projection',
            generator: { hiddenUnits: [16, 16], conditionalBatchNorm: true },
            discriminator: { hiddenUnits: [16, 16], diffAugment: ['translation', 'cutout'] },
          }),
      ],
    ];

    test.each(cases)('%s', async (name, make) => {
      const set = data();
      const gan = make();
      expect(gan.config.discriminatorConditioning).toBe('projection');
      expect(gan.discriminator.layers.some((l) => l instanceof ClassProjection)).toBe(true);
      expect(gan.discriminator.layers.some((l) => l instanceof DiffAugment)).toBe(true);
      expect(
        gan.discriminator.layers.some((l) => l.getClassName() === 'GankitOneHot' || l.getClassName() === 'Embedding'),
      ).toBe(false); // labels only at the output
      expect(gan.generator.layers.some((l) => l instanceof ConditionalBatchNorm)).toBe(true);
      const cbn = gan.generator.layers.find((l) => l instanceof ConditionalBatchNorm)!;
      const gammaBefore = Array.from(cbn.getWeights()[0].dataSync());
      await gan.fit(set, { epochs: 1, batchSize: 10 });
      const before = tf.memory().numTensors;
      const history = await gan.fit(set, { epochs: 2, batchSize: 10 });
      expect(tf.memory().numTensors).toBe(before);
      expect(gan.trainer.step).toBe(4);
      expect(Number.isFinite(history[0].dLoss) && Number.isFinite(history[0].gLoss)).toBe(true);
      expect(Array.from(cbn.getWeights()[0].dataSync())).not.toEqual(gammaBefore); // per-class γ is learned

      const dir = path.join(tmp(), `${backend}-${name.split(':')[0]}`);
      await gan.save(dir);
      const again = await loadGan(dir);
      expect(again.config).toEqual(gan.config);
      const [a, b] = [gan, again].map((g) => g.generate({ labels: [0, 3, 9], seed: 4 }));
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      const inputs = [a, labelsTensor([0, 3, 9])];
      const [da, db] = [gan, again].map((g) => g.discriminator.predict(inputs) as tf.Tensor);
      expect(Array.from(db.dataSync())).toEqual(Array.from(da.dataSync()));
      tf.dispose([a, b, da, db, inputs]);
      // Training on from the checkpoint repeats the original run: DiffAugment's draws come from the checkpointed stream.
      const [h1, h2] = [
        await gan.fit(set, { epochs: 3, batchSize: 10 }),
        await again.fit(set, { epochs: 3, batchSize: 10 }),
      ];
      expect(h2[0].dLoss).toBe(h1[0].dLoss);
      expect(h2[0].gLoss).toBe(h1[0].gLoss);
      gan.dispose();
      again.dispose();
      set.dispose();
    });
  });
});

test('the new layers are listed in GANKIT_LAYER_CLASSES and round-trip through their configs', () => {
  for (const cls of [ClassProjection, ConditionalBatchNorm, DiffAugment]) expect(GANKIT_LAYER_CLASSES).toContain(cls);
  const augment = new DiffAugment({ policies: ['cutout', 'translation'], translationRatio: 0.25, cutoutRatio: 0.375 });
  const copy = DiffAugment.fromConfig(
    DiffAugment as unknown as tf.serialization.SerializableConstructor<DiffAugment>,
    augment.getConfig(),
  ) as DiffAugment;
  expect([copy.policies, copy.translationRatio, copy.cutoutRatio]).toEqual([['cutout', 'translation'], 0.25, 0.375]);
  const cbn = ConditionalBatchNorm.fromConfig(
    ConditionalBatchNorm as unknown as tf.serialization.SerializableConstructor<ConditionalBatchNorm>,
    new ConditionalBatchNorm({ numClasses: 7, momentum: 0.5, epsilon: 0.01 }).getConfig(),
  ) as ConditionalBatchNorm;
  expect([cbn.numClasses, cbn.momentum, cbn.epsilon]).toEqual([7, 0.5, 0.01]);
  expect(() => new DiffAugment({ policies: ['flip' as 'cutout'] })).toThrow(
    /policies: expected a list of 'color', 'translation', 'cutout'/,
  );
});
