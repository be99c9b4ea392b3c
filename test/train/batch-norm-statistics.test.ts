/**
 * recomputeBatchNormStatistics and the averaged generator's `batchNormStatistics: 'recompute'`:
 * the moving statistics become those G's current weights produce, nothing else changes.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { EmaGenerator } from '../../src/train/ema';
import { GanConfigError } from '../../src/errors';
import { createCgan } from '../../src/models/gan/create';
import { createInfoGan } from '../../src/models/gan/create-auxiliary';
import { labelEmbedding } from '../../src/conditioning/label-embedding';
import { mlpGenerator } from '../../src/nets/mlp';
import { recomputeBatchNormStatistics } from '../../src/train/batch-norm-statistics';
import { useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  await useDefaultBackend();
});

const info = { latentDim: 4, numClasses: 0, outputActivation: 'tanh' as const };
/** z 4 → Dense 6 → BN → LReLU → Dense 5 → BN → LReLU → 2×2 tanh. */
const smallG = (): tfl.LayersModel =>
  mlpGenerator({
    latentDim: 4,
    imageShape: [2, 2, 1],
    hiddenUnits: [6, 5],
    batchNorm: true,
    activation: 'leakyRelu',
    outputActivation: 'tanh',
    seed: 3,
  });

const bnLayers = (model: tfl.LayersModel): tfl.layers.Layer[] =>
  model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
const valuesOf = (model: tfl.LayersModel): Float32Array[] =>
  model.weights.map((w) => w.read().dataSync() as Float32Array);
/** The moving mean and variance of a batch-norm layer. */
const moving = (layer: tfl.layers.Layer): { mean: Float32Array; variance: Float32Array } => {
  const find = (name: string): Float32Array =>
    layer.nonTrainableWeights
      .find((w) => w.originalName.endsWith(name))!
      .read()
      .dataSync() as Float32Array;
  return { mean: find('moving_mean'), variance: find('moving_variance') };
};
/** Sets every moving statistic of `model` to values no generator produces. */
const spoil = (model: tfl.LayersModel): void => {
  for (const layer of bnLayers(model)) {
    layer.setWeights(layer.getWeights().map((w, i) => (i < 2 ? w : tf.fill(w.shape, i === 2 ? 50 : 1e-3))));
  }
};

describe('recomputeBatchNormStatistics', () => {
  test('the first layer gets the analytic statistics of Dense(z), z ~ N(0, I): mean = bias, variance = Σ_j W_jk²', () => {
    const g = smallG();
    spoil(g);
    expect(recomputeBatchNormStatistics(g, info, { samples: 16384, batchSize: 1024, seed: 5 })).toBe(2);
    const dense = g.layers.find((l) => l.getClassName() === 'Dense')!;
    const [kernel, bias] = dense.getWeights().map((w) => w.arraySync() as number[][] | number[]);
    const { mean, variance } = moving(bnLayers(g)[0]);
    const units = (bias as number[]).length;
    for (let k = 0; k < units; k++) {
      const expectedVariance = (kernel as number[][]).reduce((s, row) => s + row[k] ** 2, 0);
      const sd = Math.sqrt(expectedVariance);
      // 16,384 samples: the mean's standard error is sd/128, the variance's about 1.1 % of it.
      expect(Math.abs(mean[k] - (bias as number[])[k])).toBeLessThan(0.05 * sd);
      expect(Math.abs(variance[k] / expectedVariance - 1)).toBeLessThan(0.06);
    }
    // The second layer's statistics are real ones too: the spoilt values are gone.
    const second = moving(bnLayers(g)[1]);
    expect(Math.max(...second.mean.map(Math.abs))).toBeLessThan(10);
    expect(Math.min(...second.variance)).toBeGreaterThan(1e-3);
    g.dispose();
  });

  test('it averages the per-batch statistics: two batches of 32 give the mean of their means and of their (biased) variances', () => {
    const g = smallG();
    spoil(g);
    recomputeBatchNormStatistics(g, info, { samples: 64, batchSize: 32, seed: 2 });
    const got = moving(bnLayers(g)[0]);
    // The z recompute drew for its batches (seeds 2·7919 + k, see its source), through the first Dense layer.
    const dense = g.layers.find((l) => l.getClassName() === 'Dense')!;
    const stats = [0, 1].map((k) =>
      tf.tidy(() => {
        const { mean, variance } = tf.moments(
          dense.apply(tf.randomNormal([32, 4], 0, 1, 'float32', 2 * 7919 + k)) as tf.Tensor2D,
          0,
        );
        return { mean: mean.dataSync(), variance: variance.dataSync() };
      }),
    );
    for (let k = 0; k < got.mean.length; k++) {
      expect(got.mean[k]).toBeCloseTo((stats[0].mean[k] + stats[1].mean[k]) / 2, 5);
      expect(got.variance[k]).toBeCloseTo((stats[0].variance[k] + stats[1].variance[k]) / 2, 5);
    }
    expect(Math.abs(stats[0].mean[0] - stats[1].mean[0])).toBeGreaterThan(1e-3); // two different batches
    g.dispose();
  });

  test('only the moving statistics change: trainable weights and momentum stay, no tensor is left, the same seed repeats', () => {
    const g = smallG();
    const before = valuesOf(g);
    const momenta = bnLayers(g).map((l) => (l as unknown as { momentum: number }).momentum);
    recomputeBatchNormStatistics(g, info); // warm-up: the first call may create kernels' cached tensors
    const tensors = tf.memory().numTensors;
    recomputeBatchNormStatistics(g, info, { seed: 4 });
    expect(tf.memory().numTensors).toBe(tensors);
    const after = valuesOf(g);
    g.weights.forEach((w, i) => {
      if (g.trainableWeights.includes(w)) expect(after[i]).toEqual(before[i]);
    });
    expect(
      g.nonTrainableWeights.some((w) => {
        const i = g.weights.indexOf(w);
        return after[i].some((v, k) => v !== before[i][k]);
      }),
    ).toBe(true);
    expect(bnLayers(g).map((l) => (l as unknown as { momentum: number }).momentum)).toEqual(momenta);
    recomputeBatchNormStatistics(g, info, { seed: 4 });
    expect(valuesOf(g)).toEqual(after);
    recomputeBatchNormStatistics(g, info, { seed: 5 });
    expect(valuesOf(g)).not.toEqual(after);
    g.dispose();
  });

  test('conditional generators (labels; conditional batch norm), InfoGAN codes, and a G without batch norm', () => {
    const cgan = createCgan({
      seed: 1,
      numClasses: 3,
      imageShape: [4, 4, 1],
      latentDim: 5,
      conditioning: labelEmbedding({ numClasses: 3, dim: 2 }),
      generator: { hiddenUnits: [8, 8], batchNorm: true, conditionalBatchNorm: true },
      discriminator: { hiddenUnits: [8] },
    });
    const cganInfo = { latentDim: 5, numClasses: 3, outputActivation: 'tanh' as const };
    const norms = cgan.generator.layers.filter((l) => l.getClassName() === 'GankitConditionalBatchNorm');
    expect(norms.length).toBe(2);
    expect(recomputeBatchNormStatistics(cgan.generator, cganInfo, { samples: 30, batchSize: 10 })).toBe(2);
    const info3 = createInfoGan({
      seed: 2,
      categorical: 3,
      continuous: 1,
      latentDim: 4,
      imageShape: [4, 4, 1],
      generator: { hiddenUnits: [8], batchNorm: true },
      discriminator: { hiddenUnits: [8] },
    });
    expect(
      recomputeBatchNormStatistics(
        info3.generator,
        { latentDim: 4, numClasses: 0, outputActivation: 'tanh', auxiliary: info3.trainer.auxiliary },
        { samples: 20, batchSize: 10 },
      ),
    ).toBe(1);
    const plain = mlpGenerator({ latentDim: 4, imageShape: [2, 2, 1], hiddenUnits: [6], seed: 1 });
    expect(recomputeBatchNormStatistics(plain, info)).toBe(0);
    cgan.dispose();
    info3.dispose();
    plain.dispose();
  });

  test.each([
    [{ samples: 1 }, 'samples'],
    [{ batchSize: 1 }, 'batchSize'],
    [{ seed: 0.5 }, 'seed'],
  ])('refuses %p naming %s', (options, name) => {
    const g = smallG();
    let error: unknown = null;
    try {
      recomputeBatchNormStatistics(g, info, options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GanConfigError);
    expect((error as GanConfigError).message).toContain(name);
    g.dispose();
  });
});

describe("EmaGenerator with batchNormStatistics: 'recompute'", () => {
  test("epoch ends recompute the shadow's statistics for the average; the next update copies G's again", () => {
    const g = smallG();
    const ema = new EmaGenerator(g, info, {
      decay: 0.5,
      batchNormStatistics: 'recompute',
      recomputeOptions: { samples: 512, seed: 1 },
    });
    const copied = (): boolean =>
      bnLayers(ema.shadow).every((l, i) => {
        const [a, b] = [moving(l), moving(bnLayers(g)[i])];
        return a.mean.every((v, k) => v === b.mean[k]) && a.variance.every((v, k) => v === b.variance[k]);
      });
    spoil(g);
    ema.update();
    expect(copied()).toBe(true);
    ema.onEpochEnd();
    expect(copied()).toBe(false);
    // The same as recomputing a copy of the shadow by hand, with the same options.
    const check = new EmaGenerator(ema.shadow, info);
    recomputeBatchNormStatistics(check.shadow, info, { samples: 512, seed: 1 });
    expect(valuesOf(check.shadow)).toEqual(valuesOf(ema.shadow));
    const recomputed = valuesOf(ema.shadow);
    ema.onTrainEnd(); // nothing changed since: no second recomputation needed, same values
    expect(valuesOf(ema.shadow)).toEqual(recomputed);
    ema.update();
    expect(copied()).toBe(true);
    check.dispose();
    ema.dispose();

    const plain = new EmaGenerator(g, info, { decay: 0.5 });
    expect(plain.batchNormStatistics).toBe('copy');
    plain.update();
    plain.onEpochEnd();
    const shadowStats = moving(bnLayers(plain.shadow)[0]);
    expect(Array.from(shadowStats.mean)).toEqual(Array.from(moving(bnLayers(g)[0]).mean));
    plain.dispose();
    expect(() => new EmaGenerator(g, info, { batchNormStatistics: 'average' as 'copy' })).toThrow(GanConfigError);
    g.dispose();
  });
});
