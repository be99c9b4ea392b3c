import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, GanConfigError } from '../../src/errors';
import { computeMetrics } from '../../src/eval/evaluate';
import { ImageDataset } from '../../src/data/dataset';
import { loadFeatureNetBaseline, loadFeatureNetReference, type FeatureNetInfo } from '../../src/eval/feature-net';
import { trainFeatureNet, type FeatureNetProgress } from '../../src/eval/train-feature-net';
import { loadMnist } from '../../src/data/mnist';
import { loadMnistClassifier } from '../../src/eval/classifier';
import { precisionRecall } from '../../src/eval/precision-recall';
import { runEvalCommand } from '../../src/cli/eval-command';
import { createCgan } from '../../src/models/gan/create';
import { randomDataset, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('feature-net');
let train: ImageDataset;
let testSet: ImageDataset;

beforeAll(async () => {
  await useDefaultBackend();
  [train, testSet] = await Promise.all([
    loadMnist({ split: 'train', limit: 3000 }),
    loadMnist({ split: 'test', limit: 500 }),
  ]);
});
afterAll(() => {
  train.dispose();
  testSet.dispose();
});

describe('trainFeatureNet', () => {
  test('200 steps on MNIST: held-out accuracy far above chance; save → load gives identical features; a usable reference', async () => {
    const dir = path.join(tempDir(), 'mnist-net');
    const progress: FeatureNetProgress[] = [];
    // Each dataset keeps its label tensor once a batch has been drawn: draw one first, so the count below sees only the net.
    for (const data of [train, testSet]) {
      const b = data.gather([0]);
      tf.dispose([b.images, b.labels ?? []]);
    }
    const before = tf.memory().numTensors;
    const net = await trainFeatureNet(train, {
      dir,
      steps: 200,
      batchSize: 32,
      featureDim: 32,
      validation: testSet,
      referenceName: 'MNIST test, first 500',
      onProgress: (p) => void progress.push(p),
    });
    expect(progress.map((p) => p.step)).toEqual([50, 100, 150, 200]);
    expect(progress[3].accuracy).toBeGreaterThan(progress[0].accuracy);
    const info = net.info as FeatureNetInfo;
    expect(info.kind).toBe('gankit-feature-net');
    expect(info.testAccuracy).toBeGreaterThan(0.7); // chance is 0.1
    expect(info.featureDim).toBe(32);
    expect(info.inputShape).toEqual([28, 28, 1]);
    expect(info.weightsBytes).toBe((await fs.stat(path.join(dir, 'weights.bin'))).size);
    expect(net.reference?.source).toBe('MNIST test, first 500');
    expect(net.reference?.statistics.count).toBe(500);

    const again = await loadMnistClassifier({ dir });
    const a = await net.classify(testSet.images);
    const b = await again.classify(testSet.images);
    expect(b.features).toEqual(a.features);
    expect(b.probabilities).toEqual(a.probabilities);
    expect(a.featureDim).toBe(32);

    // The cached vectors are the reference set's features; real against real measures high.
    const real = await loadFeatureNetReference(dir);
    expect(real.features).toEqual(a.features);
    expect(Array.from(real.labels ?? [])).toEqual(Array.from(testSet.labels ?? []));
    const first500 = train.take(500);
    const fromTrain = await net.classify(first500.images);
    first500.dispose();
    const m = computeMetrics(fromTrain, { classifier: net, real, labels: train.labels?.slice(0, 500) });
    expect(m.labelAccuracy).toBeGreaterThan(0.7);
    expect(m.sampleSet?.precision).toBe(precisionRecall(real.features, fromTrain.features, { dim: 32 }).precision);
    expect(m.sampleSet?.recall).toBeGreaterThan(0.5);
    net.dispose();
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('a folder of other files is refused; an earlier feature net is replaced; bad sources are typed errors', async () => {
    const foreign = path.join(tempDir(), 'foreign');
    await fs.mkdir(foreign, { recursive: true });
    await fs.writeFile(path.join(foreign, 'notes.txt'), 'mine');
    await expect(trainFeatureNet(train, { dir: foreign, steps: 1 })).rejects.toThrow(CheckpointError);
    expect(await fs.readFile(path.join(foreign, 'notes.txt'), 'utf8')).toBe('mine');

    const small = randomDataset(40, 8, 4);
    const dir = path.join(tempDir(), 'small');
    (await trainFeatureNet(small, { dir, steps: 2, batchSize: 8 })).dispose();
    const net = await trainFeatureNet(small, { dir, steps: 3, batchSize: 8, featureDim: 8 });
    expect(net.info.featureDim).toBe(8);
    expect(net.info.inputShape).toEqual([8, 8, 1]);
    net.dispose();

    const unlabelled = ImageDataset.fromPixels(new Uint8Array(10 * 64), [10, 8, 8, 1]);
    await expect(trainFeatureNet(unlabelled, { dir: path.join(tempDir(), 'u'), task: 'labels' })).rejects.toThrow(
      /^source: expected labelled images of at least 2 classes, got no labels \(task 'rotations' trains on unlabelled images\)$/,
    );
    await expect(
      trainFeatureNet(small, { dir: path.join(tempDir(), 'v'), validation: testSet, batchSize: 8 }),
    ).rejects.toThrow(/^options\.validation: has \[28, 28, 1\] images of 10 classes; the source has \[8, 8, 1\] of 4$/);
    await expect(trainFeatureNet(small, { dir: path.join(tempDir(), 'w'), steps: 0 })).rejects.toThrow(GanConfigError);
    unlabelled.dispose();
    small.dispose();
  });

  test('a cached baseline: the features of other real images, read back, replaced by a later net, and the real row of gankit eval', async () => {
    const source = randomDataset(48, 8, 4, 7);
    const reference = source.take(24);
    const baseline = source.gather(Array.from({ length: 24 }, (_, i) => 24 + i));
    const baselineLabels = Array.from(await (baseline.labels as tf.Tensor1D).data());
    baseline.labels?.dispose();
    const baselineSet = ImageDataset.fromTensor(baseline.images, baselineLabels, { numClasses: 4 });
    const dir = path.join(tempDir(), 'with-baseline');
    const net = await trainFeatureNet(source, {
      dir,
      steps: 3,
      batchSize: 8,
      featureDim: 8,
      reference,
      baseline: baselineSet,
      baselineName: 'the other 24',
    });
    expect((net.info as FeatureNetInfo).baselineSource).toBe('the other 24');
    const cached = await loadFeatureNetBaseline(net);
    expect(cached?.source).toBe('the other 24');
    expect(cached?.features).toEqual((await net.classify(baselineSet.images)).features);
    expect(Array.from(cached?.labels ?? [])).toEqual(baselineLabels);

    // gankit eval with the net's folder as --classifier measures against its own real images, with the baseline row.
    const gan = createCgan({
      numClasses: 4,
      imageShape: [8, 8, 1],
      latentDim: 4,
      seed: 2,
      generator: { hiddenUnits: [8] },
      discriminator: { hiddenUnits: [8] },
    });
    const checkpoint = path.join(tempDir(), 'tiny-cgan');
    await gan.save(checkpoint);
    gan.dispose();
    let printed = '';
    const flags = { samples: 24, seed: 0, batchSize: 24, classifier: dir, json: true, raw: false, real: true };
    await runEvalCommand(
      checkpoint,
      flags,
      (t) => void (printed += t),
      () => undefined,
    );
    const result = JSON.parse(printed) as { protocol: { reference: string; baseline: string }; baseline: unknown };
    expect(result.protocol.reference).toContain(reference.size.toString());
    expect(result.protocol.baseline).toBe('the other 24');
    expect(result.baseline).not.toBeNull();

    // A later net in the same folder without a baseline leaves none of the old one behind.
    net.dispose();
    (await trainFeatureNet(source, { dir, steps: 2, batchSize: 8, featureDim: 8 })).dispose();
    expect(await loadFeatureNetBaseline(dir)).toBeNull();
    source.dispose();
    reference.dispose();
    baselineSet.dispose();
  });
});
