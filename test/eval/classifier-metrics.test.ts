import * as tf from '@tensorflow/tfjs-core';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { classCoverage, classHistogram, histogramEntropy, largestClassShare } from '../../src/eval/class-histogram';
import { classifierScore } from '../../src/eval/classifier-score';
import { createCgan, createGan } from '../../src/models/gan/create';
import { evaluateGan, evaluateImages } from '../../src/eval/evaluate';
import { evaluation } from '../../src/eval/evaluation-callback';
import { featureStatistics, type FeatureStatistics } from '../../src/eval/feature-statistics';
import { frechetDistance, frechetDistanceOfFeatures } from '../../src/eval/frechet-distance';
import { GanConfigError } from '../../src/errors';
import { labelAccuracy } from '../../src/eval/label-accuracy';
import { loadMnist } from '../../src/data/mnist';
import { loadMnistClassifier, mnistClassifierDir, type MnistClassifier } from '../../src/eval/classifier';
import { LOSS_LOG_HEADER, lossLog, parseLossLog } from '../../src/callbacks/loss-log';
import { meanPairwiseDistance } from '../../src/eval/mode-collapse';
import { metricsRecord } from '../../src/eval/format';
import { Rng } from '../../src/random';
import { runGankitCli } from '../../src/cli/gankit-cli';
import { symmetricMatrixSqrt, traceSqrtProduct } from '../../src/eval/matrix-sqrt';
import { type ImageDataset } from '../../src/data/dataset';
import { randomDataset, thrownBy, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('eval');
let classifier: MnistClassifier;
let test1k: ImageDataset;
let train1k: ImageDataset;

beforeAll(async () => {
  await useDefaultBackend();
  classifier = await loadMnistClassifier();
  [test1k, train1k] = await Promise.all([
    loadMnist({ split: 'test', limit: 1000 }),
    loadMnist({ split: 'train', limit: 1000 }),
  ]);
});
afterAll(() => {
  classifier.dispose();
  test1k.dispose();
  train1k.dispose();
});

/** A tiny MLP CGAN (or GAN) making 28×28×1 images, as the classifier measures. */
const tinyCgan = (seed = 3) =>
  createCgan({
    latentDim: 8,
    generator: { hiddenUnits: [16] },
    discriminator: { hiddenUnits: [16], dropout: 0 },
    seed,
  });
const tinyGan = (seed = 4) =>
  createGan({ latentDim: 8, generator: { hiddenUnits: [16] }, discriminator: { hiddenUnits: [16] }, seed });

function expectMatrixClose(actual: number[][], expected: number[][], digits = 9): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], digits)));
}

function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

/** Statistics given directly (an exact Gaussian, not a sample). */
function gaussian(mean: number[], covariance: number[][]): FeatureStatistics {
  return {
    count: 1e9,
    dim: mean.length,
    mean: Float64Array.from(mean),
    covariance: Float64Array.from(covariance.flat()),
  };
}

/** `count` samples of N(mean, L Lᵀ), row-major, from a seeded Box–Muller. */
function sampleGaussian(count: number, mean: number[], cholesky: number[][], rng: Rng): Float64Array {
  const d = mean.length;
  const out = new Float64Array(count * d);
  for (let i = 0; i < count; i++) {
    const z = Array.from(
      { length: d },
      () => Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat()),
    );
    for (let a = 0; a < d; a++) out[i * d + a] = mean[a] + cholesky[a].reduce((s, l, k) => s + l * z[k], 0);
  }
  return out;
}

describe('linear algebra', () => {
  test('the square root of SPD matrices with hand-known roots, squared, gives the matrix back', () => {
    // [[2,1],[1,2]]² = [[5,4],[4,5]]; [[2,1,0],[1,2,1],[0,1,2]] (eigenvalues 2 − √2, 2, 2 + √2 > 0)² = [[5,4,1],[4,6,4],[1,4,5]].
    const root2 = symmetricMatrixSqrt([
      [5, 4],
      [4, 5],
    ]);
    expectMatrixClose(root2, [
      [2, 1],
      [1, 2],
    ]);
    const a3 = [
      [5, 4, 1],
      [4, 6, 4],
      [1, 4, 5],
    ];
    const root3 = symmetricMatrixSqrt({ values: a3.flat(), dim: 3 });
    expectMatrixClose(root3, [
      [2, 1, 0],
      [1, 2, 1],
      [0, 1, 2],
    ]);
    expectMatrixClose(matmul(root3, root3), a3);
    // A singular PSD matrix: [[1,1],[1,1]] = 2·uuᵀ with u = (1,1)/√2, so its root is uuᵀ·√2.
    expectMatrixClose(
      symmetricMatrixSqrt([
        [1, 1],
        [1, 1],
      ]),
      [
        [Math.SQRT1_2, Math.SQRT1_2],
        [Math.SQRT1_2, Math.SQRT1_2],
      ],
      7,
    );
    expect(
      thrownBy(() =>
        symmetricMatrixSqrt([
          [1, 2],
          [0, 1],
        ]),
      ),
    ).toBeInstanceOf(GanConfigError);
    expect(() =>
      symmetricMatrixSqrt([
        [1, NaN],
        [NaN, 1],
      ]),
    ).toThrow(/matrix\[0\]\[1\]: expected a finite number/);
  });

  test('Tr((A^½ B A^½)^½) of non-commuting 2×2 matrices matches the closed form √(tr AB + 2√(det A det B))', () => {
    const a = [
      [2, 1],
      [1, 3],
    ];
    const b = [
      [4, -1],
      [-1, 1],
    ];
    const trAB = matmul(a, b)[0][0] + matmul(a, b)[1][1];
    const closed = Math.sqrt(trAB + 2 * Math.sqrt(5 * 3));
    expect(traceSqrtProduct(a, b)).toBeCloseTo(closed, 10);
    expect(
      traceSqrtProduct(
        [
          [4, 0],
          [0, 9],
        ],
        [
          [1, 0],
          [0, 16],
        ],
      ),
    ).toBeCloseTo(14, 10);
  });
});

describe('Fréchet distance', () => {
  test('identical feature sets give 0; a shifted copy gives the squared shift', () => {
    const rng = new Rng(5);
    const features = Float64Array.from({ length: 300 * 6 }, () => rng.nextFloat() * 4 - 2);
    expect(frechetDistanceOfFeatures(features, features, 6)).toBeLessThan(1e-9);
    const shifted = features.map((v, i) => v + (i % 6 === 0 ? 3 : 0));
    expect(frechetDistanceOfFeatures(features, shifted, 6)).toBeCloseTo(9, 6);
  });

  test('two Gaussians with known means and covariances: the closed form', () => {
    // Commuting covariances (same eigenvectors, rotated by θ): FD = ‖Δμ‖² + ‖Σ₁^½ − Σ₂^½‖²_F.
    const c = Math.cos(0.6);
    const s = Math.sin(0.6);
    const rot = (l1: number, l2: number) => [
      [c * c * l1 + s * s * l2, c * s * (l1 - l2)],
      [c * s * (l1 - l2), s * s * l1 + c * c * l2],
    ];
    const fd = frechetDistance(gaussian([1, 2], rot(4, 9)), gaussian([-1, 0], rot(1, 16)));
    expect(fd).toBeCloseTo(8 + (2 - 1) ** 2 + (3 - 4) ** 2, 9);
    // Non-commuting 2×2: Tr(Σ₁ + Σ₂) − 2√(tr Σ₁Σ₂ + 2√(det Σ₁ det Σ₂)).
    const s1 = [
      [2, 1],
      [1, 3],
    ];
    const s2 = [
      [4, -1],
      [-1, 1],
    ];
    const product = matmul(s1, s2); // [[7, -1], [1, 2]]: trace 9; det Σ₁ = 5, det Σ₂ = 3
    const closed = 1 + 5 + 5 - 2 * Math.sqrt(product[0][0] + product[1][1] + 2 * Math.sqrt(5 * 3));
    expect(frechetDistance(gaussian([0, 1], s1), gaussian([0, 0], s2))).toBeCloseTo(closed, 9);
    // Diagonal, 1-D per axis: (σ₁ − σ₂)² summed.
    expect(
      frechetDistance(
        gaussian(
          [0, 0, 0],
          [
            [1, 0, 0],
            [0, 4, 0],
            [0, 0, 9],
          ],
        ),
        gaussian(
          [0, 0, 0],
          [
            [4, 0, 0],
            [0, 4, 0],
            [0, 0, 1],
          ],
        ),
      ),
    ).toBeCloseTo(1 + 0 + 4, 9);
    expect(() =>
      frechetDistance(
        gaussian([0], [[1]]),
        gaussian(
          [0, 0],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      ),
    ).toThrow(GanConfigError);
  });

  test('estimated from samples of the two Gaussians, it approaches the closed form', () => {
    const rng = new Rng(11);
    // Σ₁ = L₁L₁ᵀ = [[4, 2], [2, 5]], Σ₂ = L₂L₂ᵀ = [[1, 0], [0, 9]].
    const a = sampleGaussian(
      20000,
      [1, -1],
      [
        [2, 0],
        [1, 2],
      ],
      rng,
    );
    const b = sampleGaussian(
      20000,
      [0, 1],
      [
        [1, 0],
        [0, 3],
      ],
      rng,
    );
    const exact = frechetDistance(
      gaussian(
        [1, -1],
        [
          [4, 2],
          [2, 5],
        ],
      ),
      gaussian(
        [0, 1],
        [
          [1, 0],
          [0, 9],
        ],
      ),
    );
    const stats = featureStatistics(a, 2);
    expect(stats.covariance[1]).toBeCloseTo(2, 0);
    expect(Math.abs(frechetDistanceOfFeatures(a, b, 2) - exact)).toBeLessThan(0.05 * exact);
  });
});

describe('histogram metrics', () => {
  test('one-class samples: coverage 1, entropy 0, largest share 1, classifier score 1', () => {
    const hist = classHistogram(new Array(50).fill(7), 10);
    expect(hist).toEqual([0, 0, 0, 0, 0, 0, 0, 50, 0, 0]);
    expect([classCoverage(hist), histogramEntropy(hist), largestClassShare(hist)]).toEqual([1, 0, 1]);
    const confident = new Float32Array(20).map((_, i) => (i % 10 === 7 ? 1 : 0));
    expect(classifierScore(confident)).toBeCloseTo(1, 10);
  });

  test('balanced and thresholded histograms; label accuracy; classifier score of a balanced confident set', () => {
    expect(histogramEntropy([5, 5, 5, 5])).toBeCloseTo(Math.log(4), 12);
    expect(classCoverage([500, 495, 5])).toBe(2);
    expect(classCoverage([500, 495, 5], { minShare: 0 })).toBe(3);
    expect(classCoverage([500, 490, 10])).toBe(3);
    expect(labelAccuracy([1, 2, 3, 3], [1, 2, 3, 4])).toBe(0.75);
    expect(classifierScore(new Float32Array([1, 0, 0, 1]), 2)).toBeCloseTo(2, 10);
    // Uniform predictions carry no information whatever the spread: score 1.
    expect(classifierScore(new Float32Array(40).fill(0.1))).toBeCloseTo(1, 10);
    expect(meanPairwiseDistance([0, 0, 3, 4, 0, 0], 2)).toBeCloseTo(10 / 3, 12);
  });

  test('bad arguments are GanConfigErrors naming the argument', () => {
    expect(() => labelAccuracy([1, 2], [1, 10])).toThrow(/^labels\[1\]: expected a class index in \[0, 10\), got 10$/);
    expect(() => labelAccuracy([1, 2], [1])).toThrow(GanConfigError);
    expect(() => classHistogram([0, 1.5], 10)).toThrow(/classes\[1\]/);
    expect(() => classCoverage([1, 2], { minShare: 2 })).toThrow(/minShare/);
    expect(() => classifierScore(new Float32Array([0.5, NaN]), 2)).toThrow(/probabilities\[1\]/);
    expect(() => featureStatistics([1, 2, 3], 2)).toThrow(/not a whole number of vectors/);
  });
});

describe('the bundled MNIST classifier', () => {
  test('is found beside the package and is as accurate as info.json says', () => {
    expect(mnistClassifierDir()).toBe(path.resolve(__dirname, '..', '..', 'assets', 'mnist-classifier'));
    expect(classifier.info.testAccuracy).toBeGreaterThanOrEqual(0.99);
    expect(classifier.info.inputRange).toEqual([-1, 1]);
    expect(classifier.reference?.statistics.count).toBe(10000);
  });

  test('real test images: label accuracy ≥ 0.98, coverage 10, classifier score > 9; shuffled labels give ≈ 0.1', async () => {
    const labels = test1k.labels as Int32Array;
    const real = await evaluateImages(test1k.images, { classifier, labels });
    expect(real.labelAccuracy).toBeGreaterThanOrEqual(0.98);
    expect(real.modeCollapse?.coverage).toBe(10);
    expect(real.classifierScore).toBeGreaterThan(9);
    expect(real.modeCollapse?.warnings).toEqual([]);
    expect(real.modeCollapse?.diversityRatio).toBeGreaterThan(0.9);
    const shuffled = await evaluateImages(test1k.images, {
      classifier,
      labels: new Rng(2).shuffle(Int32Array.from(labels)),
    });
    expect(Math.abs((shuffled.labelAccuracy as number) - 0.1)).toBeLessThan(0.05);
  });

  test('copies of one digit: one class, score ≈ 1, no diversity, and a warning', async () => {
    const copies = tf.tidy(() => tf.tile(tf.slice(test1k.images, [0, 0, 0, 0], [1, -1, -1, -1]), [200, 1, 1, 1]));
    const m = await evaluateImages(copies, { classifier });
    copies.dispose();
    expect([m.modeCollapse?.coverage, m.modeCollapse?.entropy, m.modeCollapse?.largestClassShare]).toEqual([1, 0, 1]);
    expect(m.classifierScore).toBeLessThan(1.001);
    expect(m.modeCollapse?.diversityRatio).toBeLessThan(1e-3);
    expect(m.modeCollapse?.warnings.join('\n')).toMatch(
      /9 of 10 classes[\s\S]*100\.0% of the samples[\s\S]*diversity is 0%/,
    );
    expect(m.labelAccuracy).toBeNull();
  });

  test('FD: real train vs the real test statistics is small next to uniform noise', async () => {
    const real = await evaluateImages(train1k.images, { classifier });
    const noise = tf.randomUniform([1000, 28, 28, 1], -1, 1, 'float32', 3);
    const noisy = await evaluateImages(noise, { classifier });
    noise.dispose();
    expect(real.frechetDistance).toBeLessThan(0.05 * noisy.frechetDistance);
    expect(noisy.classifierScore).toBeLessThan(2);
  });

  test('images of the wrong shape, range or with NaN are GanConfigErrors', async () => {
    const small = tf.zeros([2, 8, 8, 1]);
    await expect(classifier.classify(small)).rejects.toThrow(/^images: expected a shape \[n, 28, 28, 1\]/);
    const pixels = tf.fill([2, 28, 28, 1], 255);
    await expect(classifier.classify(pixels)).rejects.toThrow(/values in \[255, 255\]; expected \[-1, 1\]/);
    const nan = tf.fill([2, 28, 28, 1], NaN);
    await expect(classifier.classify(nan)).rejects.toThrow(/contains 1568 NaN values/);
    await expect(evaluateImages(tf.zeros([2, 28, 28, 1]), { classifier, labels: [0, 10] })).rejects.toThrow(
      /labels\[1\]/,
    );
    tf.dispose([small, pixels, nan]);
  });
});

describe('evaluateGan', () => {
  test('measures a CGAN and a GAN; same seed, same numbers at any batch size; no tensor left behind', async () => {
    const cgan = tinyCgan();
    const gan = tinyGan();
    const before = tf.memory().numTensors;
    const a = await evaluateGan(cgan, { classifier, samples: 200, seed: 5, batchSize: 64 });
    const b = await evaluateGan(cgan, { classifier, samples: 200, seed: 5, batchSize: 200 });
    const c = await evaluateGan(cgan, { classifier, samples: 200, seed: 6 });
    const u = await evaluateGan(gan, { classifier, samples: 100 });
    // The default seed 0 is a seed too (TensorFlow.js alone would take 0 as "random").
    const u2 = await evaluateGan(gan, { classifier, samples: 100, seed: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(metricsRecord(b)).toEqual(metricsRecord(a));
    expect(metricsRecord(u2)).toEqual(metricsRecord(u));
    expect(c.frechetDistance).not.toBe(a.frechetDistance);
    expect(a.conditional).toBe(true);
    expect(a.samples).toBe(200);
    expect(a.labelAccuracy).not.toBeNull();
    expect(a.modeCollapse?.histogram.reduce((x, y) => x + y, 0)).toBe(200);
    expect(u.conditional).toBe(false);
    expect(u.labelAccuracy).toBeNull();
    expect(Object.keys(metricsRecord(u))).not.toContain('label_accuracy');
    expect(u.frechetDistance).toBeGreaterThan(real10kFloor());
    await expect(
      evaluateGan(
        createGan({
          imageShape: [8, 8, 1],
          latentDim: 4,
          generator: { hiddenUnits: [4] },
          discriminator: { hiddenUnits: [4] },
        }),
        { classifier },
      ),
    ).rejects.toThrow(/^gan: makes \[8, 8, 1\] images; the classifier measures \[28, 28, 1\] ones$/);
    await expect(evaluateGan(cgan, { classifier, samples: 1 })).rejects.toThrow(/samples/);
    cgan.dispose();
    gan.dispose();
  });
});

/** The FD of 10,000 real training images, from info.json (an untrained GAN is far above it). */
function real10kFloor(): number {
  return classifier.info.realTrainMetrics?.fd ?? 0;
}

describe('the evaluation callback', () => {
  test('adds metrics to the epoch logs every N epochs, and lossLog writes them as CSV columns', async () => {
    const data = randomDataset(40, 28);
    const cgan = tinyCgan(9);
    const file = path.join(tempDir(), 'metrics', 'losses.csv');
    const lines: string[] = [];
    const seen: Array<Record<string, number> | undefined> = [];
    await cgan.fit(data, {
      epochs: 3,
      batchSize: 10,
      stepsPerEpoch: 2,
      callbacks: [
        evaluation(cgan, { everyEpochs: 2, samples: 50, classifier, log: (m) => void lines.push(m) }),
        lossLog({ file }),
        { onEpochEnd: (l) => void seen.push(l.metrics) },
      ],
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^epoch 2: acc \d\.\d{3} {2}cov \d+ {2}max \d\.\d{3} {2}H \d\.\d{3} {2}div [\d.]+ {2}CS \d+\.\d{2} {2}FD \d+\.\d{2}$/,
    );
    expect(seen[0]).toBeUndefined();
    expect(Object.keys(seen[1] ?? {})).toEqual([
      'label_accuracy',
      'coverage',
      'largest_share',
      'entropy',
      'diversity_ratio',
      'classifier_score',
      'fd',
    ]);
    const text = await fs.readFile(file, 'utf8');
    expect(text.split('\n')[0]).toBe(
      `${LOSS_LOG_HEADER},label_accuracy,coverage,largest_share,entropy,diversity_ratio,classifier_score,fd`,
    );
    expect(text.split('\n')[1]).toMatch(/^0,1,[^,]+,[^,]+,[^,]+,[^,]+,,,,,,,$/);
    const rows = parseLossLog(text);
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows.map((r) => r.metrics !== undefined)).toEqual([false, false, false, true, false, false]);
    expect(rows[3].metrics).toEqual(seen[1]);
    cgan.dispose();
    data.dispose();
  });

  test('placed after lossLog, the metrics still reach the CSV; a log without metric columns parses as before', async () => {
    const data = randomDataset(20, 28);
    const cgan = tinyCgan(10);
    const file = path.join(tempDir(), 'metrics-after', 'losses.csv');
    await cgan.fit(data, {
      epochs: 1,
      batchSize: 10,
      callbacks: [lossLog({ file }), evaluation(cgan, { samples: 20, classifier, log: null })],
    });
    const rows = parseLossLog(await fs.readFile(file, 'utf8'));
    expect(rows).toHaveLength(2);
    expect(rows[1].metrics?.coverage).toBeGreaterThanOrEqual(1);
    const old = `${LOSS_LOG_HEADER}\n0,1,1.3,0.7,0.5,0.4\n0,2,1.2,0.8,0.55,0.45\n`;
    expect(parseLossLog(old)).toEqual([
      { epoch: 0, step: 1, dLoss: 1.3, gLoss: 0.7, dRealMean: 0.5, dFakeMean: 0.4 },
      { epoch: 0, step: 2, dLoss: 1.2, gLoss: 0.8, dRealMean: 0.55, dFakeMean: 0.45 },
    ]);
    expect(() => evaluation(cgan, { everyEpochs: 0 })).toThrow(/^everyEpochs: expected a positive integer/);
    cgan.dispose();
    data.dispose();
  });
});

describe('gankit eval', () => {
  const checkpoint = (): string => path.join(tempDir(), 'tiny-cgan');
  beforeAll(async () => {
    const cgan = tinyCgan(12);
    await cgan.save(checkpoint());
    cgan.dispose();
  });

  test('measures a saved checkpoint and prints the table; a missing checkpoint exits 1 with a message', async () => {
    const dir = checkpoint();
    let out = '';
    let err = '';
    const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
    const before = tf.memory().numTensors;
    expect(await runGankitCli(['node', 'gankit', 'eval', dir, '--samples', '100', '--seed', '2'], io)).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    expect(out).toContain(`checkpoint  ${dir}: conditional (10 classes) mlp GAN, epoch 0, step 0`);
    expect(out).toMatch(/samples {5}100 \(labels i mod 10\), seed 2/);
    for (const title of [
      'label accuracy',
      'class coverage (≥ 1%)',
      'largest class share',
      'class entropy (nats)',
      'within-class diversity / real',
      'classifier score',
      'Fréchet distance',
    ]) {
      expect(out).toMatch(
        new RegExp(`^${title.replace(/[()]/g, '\\$&')} +[\\d.]+ +[\\d.]+ +(higher|lower|closer to 1)$`, 'm'),
      );
    }
    expect(out).toMatch(/^predicted classes {2}0:\d+ 1:\d+ .* 9:\d+$/m);
    out = '';
    expect(await runGankitCli(['node', 'gankit', 'eval', path.join(tempDir(), 'nowhere')], io)).toBe(1);
    expect(err).toMatch(/gankit: .*nowhere/);
    expect(out).toBe('');
    expect(await runGankitCli(['node', 'gankit', 'eval', dir, '--samples', 'many'], io)).toBe(1);
    expect(err).toMatch(/--samples must be an integer ≥ 2, got 'many'/);
  });

  test('the binary runs from source (tsx src/cli/gankit.ts) and prints JSON', async () => {
    const dir = checkpoint();
    const root = path.resolve(__dirname, '..', '..');
    const { stdout } = await promisify(execFile)(
      path.join(root, 'node_modules', '.bin', 'tsx'),
      [path.join(root, 'src', 'cli', 'gankit.ts'), 'eval', dir, '--samples', '50', '--json'],
      {
        cwd: root,
        env: { ...process.env, GANKIT_QUIET: '1' },
      },
    );
    const json = JSON.parse(stdout) as { samples: number; conditional: boolean; metrics: Record<string, number> };
    expect(json.samples).toBe(50);
    expect(json.conditional).toBe(true);
    expect(Object.keys(json.metrics)).toContain('fd');
  });
});
