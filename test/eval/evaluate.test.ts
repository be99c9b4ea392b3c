import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { computeMetrics, evaluateGan } from '../../src/eval/evaluate';
import { createCgan } from '../../src/models/gan/create';
import { evaluation } from '../../src/eval/evaluation-callback';
import { loadMnist } from '../../src/data/mnist';
import { loadMnistClassifier, type MnistClassifier } from '../../src/eval/classifier';
import { loadMnistReference, type MnistReference } from '../../src/eval/real-reference';
import { metricsRecord } from '../../src/eval/format';
import { precisionRecall } from '../../src/eval/precision-recall';
import { runGankitCli } from '../../src/cli/gankit-cli';
import { sampleSetMetrics } from '../../src/eval/sample-set-metrics';
import { randomDataset, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('metrics-evaluate');
let classifier: MnistClassifier;
let real: MnistReference;

beforeAll(async () => {
  await useDefaultBackend();
  classifier = await loadMnistClassifier();
  real = await loadMnistReference(classifier, 200, 1);
});
afterAll(() => classifier.dispose());

const tinyCgan = (seed = 3) =>
  createCgan({
    latentDim: 8,
    generator: { hiddenUnits: [16] },
    discriminator: { hiddenUnits: [16], dropout: 0 },
    seed,
  });

describe('the real reference', () => {
  test('seeded choices of test and train images, labelled, through the classifier', async () => {
    expect(real.reference.features.length).toBe(200 * 128);
    expect(real.reference.labels).toHaveLength(200);
    expect(real.reference.source).toBe('MNIST test split: 200 of 10000 images (seeded choice, seed 1)');
    expect(real.baseline.source).toBe('MNIST train split: 200 of the first 10000 images (seeded choice, seed 1)');
    const again = await loadMnistReference(classifier, 200, 1);
    expect(again.reference.features).toEqual(real.reference.features);
    const other = await loadMnistReference(classifier, 200, 2);
    expect(other.reference.features).not.toEqual(real.reference.features);
    // The labels are the chosen images' own: every class is there, about 20 of each.
    const counts = new Array(10).fill(0);
    real.reference.labels?.forEach((l) => counts[l]++);
    expect(Math.min(...counts)).toBeGreaterThan(5);
  });
});

describe('computeMetrics and evaluateGan with real features', () => {
  test('real train against real test: high precision and recall, KID near 0, density near 1', () => {
    // Subsets of 100 of the 200: KID's spread over subsets is then measurable (whole-set subsets have none).
    const m = sampleSetMetrics(real.reference, real.baseline.features, real.baseline.labels, { kidSubsetSize: 100 });
    expect(m.precision).toBeGreaterThan(0.6);
    expect(m.recall).toBeGreaterThan(0.6);
    expect(m.coverage).toBeGreaterThan(0.8);
    expect(m.density).toBeGreaterThan(0.6);
    expect(m.density).toBeLessThan(1.5);
    expect(m.kidStd).toBeGreaterThan(0);
    expect(Math.abs(m.kid)).toBeLessThan(3 * m.kidStd);
    expect(m.perClass?.skippedClasses).toEqual([]);
    expect(m.perClass?.precision).toBeGreaterThan(0.5);
    // Shuffled labels break the per-class comparison but not the pooled one.
    const shuffled = Int32Array.from(real.baseline.labels ?? [], (_, i) => (i * 7) % 10);
    const s = sampleSetMetrics(real.reference, real.baseline.features, shuffled);
    expect(s.precision).toBe(m.precision);
    expect(s.perClass?.precision ?? 1).toBeLessThan(m.perClass?.precision ?? 0);
  });

  test('computeMetrics adds sampleSet only with real features; its record adds the columns', async () => {
    const test = await loadMnist({ split: 'train', limit: 300 });
    const outputs = await classifier.classify(test.images);
    const plain = computeMetrics(outputs, { classifier, labels: test.labels });
    expect(plain.sampleSet).toBeUndefined();
    const withReal = computeMetrics(outputs, { classifier, labels: test.labels, real: real.reference });
    expect(withReal.sampleSet?.precision).toBe(
      precisionRecall(real.reference.features, outputs.features, { dim: 128 }).precision,
    );
    expect(Object.keys(metricsRecord(withReal)).slice(-10)).toEqual([
      'kid',
      'kid_std',
      'precision',
      'recall',
      'density',
      'knn_coverage',
      'class_precision',
      'class_recall',
      'class_density',
      'class_knn_coverage',
    ]);
    test.dispose();
  });

  test("evaluateGan({ real: 'mnist' }): an untrained CGAN is far below the real baseline; the protocol says how", async () => {
    const cgan = tinyCgan();
    const before = tf.memory().numTensors;
    const m = await evaluateGan(cgan, { classifier, samples: 100, seed: 4, real: 'mnist' });
    expect(tf.memory().numTensors).toBe(before);
    const set = m.sampleSet;
    const base = m.baseline;
    if (set === undefined || base === undefined || m.protocol === undefined) throw new Error('expected real metrics');
    expect(m.protocol).toEqual({
      samples: 100,
      seed: 4,
      featureNet: `${classifier.dir} (layer features, 128 values)`,
      reference: 'MNIST test split: 100 of 10000 images (seeded choice, seed 4)',
      baseline: 'MNIST train split: 100 of the first 10000 images (seeded choice, seed 4)',
      kidSubsets: 100,
      kidSubsetSize: 100,
      precisionK: 3,
      densityK: 5,
    });
    expect(set.kid).toBeGreaterThan(10 * Math.max(base.sampleSet.kid, base.sampleSet.kidStd));
    // Precision is not asked for: collapsed samples can all fall inside the large balls of a few
    // real outliers (precision 1, recall 0), the weakness density was made to fix.
    expect(set.recall).toBeLessThan(base.sampleSet.recall);
    expect(set.coverage).toBeLessThan(base.sampleSet.coverage);
    expect(m.frechetDistance).toBeGreaterThan(base.frechetDistance);
    expect(set.perClass).not.toBeNull();
    // Without real, nothing changes from before.
    const plain = await evaluateGan(cgan, { classifier, samples: 100, seed: 4 });
    expect(plain.sampleSet).toBeUndefined();
    expect(plain.frechetDistance).toBe(m.frechetDistance);
    // Given features of one's own, the same numbers.
    const own = await evaluateGan(cgan, {
      classifier,
      samples: 100,
      seed: 4,
      real: await loadMnistReference(classifier, 100, 4),
    });
    expect(own.sampleSet).toEqual(set);
    // A reference alone (e.g. a feature net's cached vectors): the metrics, no baseline row.
    const alone = await evaluateGan(cgan, { classifier, samples: 100, seed: 4, real: real.reference });
    expect(alone.sampleSet?.kid).toBeGreaterThan(0);
    expect(alone.baseline).toBeUndefined();
    expect(alone.protocol?.baseline).toBe('none');
    expect(alone.protocol?.reference).toBe(real.reference.source);
    cgan.dispose();
  });
});

describe('the evaluation callback', () => {
  test("with real: the epoch's metrics gain KID, precision, recall, density and coverage", async () => {
    const cgan = tinyCgan(6);
    const seen: Array<Record<string, number> | undefined> = [];
    await cgan.fit(randomDataset(20, 28), {
      epochs: 1,
      batchSize: 10,
      callbacks: [
        evaluation(cgan, { samples: 50, classifier, log: null, real }),
        { onEpochEnd: (l) => void seen.push(l.metrics) },
      ],
    });
    expect(Object.keys(seen[0] ?? {})).toEqual(
      expect.arrayContaining(['fd', 'kid', 'kid_std', 'precision', 'recall', 'density', 'knn_coverage']),
    );
    expect(seen[0]?.kid).toBeGreaterThan(0);
    cgan.dispose();
  });
});

describe('gankit eval', () => {
  test('prints the real-image table with its baseline column, and adds them to --json; --no-real skips them', async () => {
    const dir = path.join(tempDir(), 'tiny-cgan');
    const cgan = tinyCgan(12);
    await cgan.save(dir);
    cgan.dispose();
    let out = '';
    const io = { out: (t: string) => void (out += t), err: () => undefined };
    expect(await runGankitCli(['node', 'gankit', 'eval', dir, '--samples', '60', '--seed', '2'], io)).toBe(0);
    expect(out).toContain(
      'real images MNIST test split: 60 of 10000 images (seeded choice, seed 2); baseline MNIST train split',
    );
    expect(out).toMatch(/^features {4}.*KID 100 subsets of 60, precision\/recall k = 3, density\/coverage k = 5$/m);
    expect(out).toMatch(/^metric +samples +real train \(60\) +better$/m);
    for (const title of [
      'kernel inception distance',
      'precision \\(k-NN\\)',
      'recall \\(k-NN\\)',
      'coverage \\(k-NN\\)',
      'per-class recall \\(mean\\)',
    ])
      expect(out).toMatch(new RegExp(`^${title} +-?[\\d.]+ +-?[\\d.]+ +(higher|lower|closer to 1)$`, 'm'));
    out = '';
    expect(await runGankitCli(['node', 'gankit', 'eval', dir, '--samples', '60', '--json'], io)).toBe(0);
    const json = JSON.parse(out) as {
      metrics: Record<string, number>;
      baselineMetrics: Record<string, number>;
      protocol: { samples: number };
    };
    expect(json.metrics.fd).toBeGreaterThan(0);
    expect(json.metrics.kid).toBeGreaterThan(json.baselineMetrics.kid);
    expect(Object.keys(json.baselineMetrics)).toEqual(['fd', ...Object.keys(json.metrics).slice(-10)]);
    expect(json.protocol.samples).toBe(60);
    out = '';
    expect(await runGankitCli(['node', 'gankit', 'eval', dir, '--samples', '60', '--no-real'], io)).toBe(0);
    expect(out).not.toContain('kernel inception distance');
    expect(out).toContain('Fréchet distance');
  });
});
