import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { GanConfigError } from '../../src/errors';
import { ImageDataset } from '../../src/data/dataset';
import { loadMnist } from '../../src/data/mnist';
import { loadMnistClassifier } from '../../src/eval/classifier';
import { computeMetrics, evaluateGan } from '../../src/eval/evaluate';
import { loadFeatureNetBaseline, loadFeatureNetReference, type FeatureNetInfo } from '../../src/eval/feature-net';
import { metricsRecord } from '../../src/eval/format';
import { rotateQuarterTurns, rotationBatch } from '../../src/eval/rotations';
import { trainFeatureNet } from '../../src/eval/train-feature-net';
import { runEvalCommand } from '../../src/cli/eval-command';
import { createCgan } from '../../src/models/gan/create';
import { useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('rotation-net');

beforeAll(async () => {
  await useDefaultBackend();
});

describe('rotations', () => {
  test('quarter turns of a 2×2 image, counter-clockwise; four turns are the image again', () => {
    const image = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const turned = [0, 1, 2, 3, 4, -1].map((k) => {
      const t = rotateQuarterTurns(image, k);
      const values = Array.from(t.dataSync());
      t.dispose();
      return values;
    });
    // [[1, 2], [3, 4]] turned 90° counter-clockwise is [[2, 4], [1, 3]].
    expect(turned).toEqual([
      [1, 2, 3, 4],
      [2, 4, 1, 3],
      [4, 3, 2, 1],
      [3, 1, 4, 2],
      [1, 2, 3, 4],
      [3, 1, 4, 2],
    ]);
    image.dispose();
  });

  test('one turn of a random 3-channel batch moves every pixel where a quarter turn does; a batch holds all four turns with their class', () => {
    const images = tf.randomUniform([3, 5, 5, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
    const once = rotateQuarterTurns(images, 1);
    const values = images.arraySync() as number[][][][];
    const turned = once.arraySync() as number[][][][];
    for (let n = 0; n < 3; n++)
      for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(turned[n][i][j]).toEqual(values[n][j][4 - i]); // out[i][j] = in[j][s-1-i]
    const before = tf.memory().numTensors;
    const batch = rotationBatch(images);
    expect(batch.images.shape).toEqual([12, 5, 5, 3]);
    expect(Array.from(batch.targets.dataSync())).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    expect(batch.targets.dtype).toBe('float32');
    const second = tf.slice(batch.images, [3, 0, 0, 0], [3, -1, -1, -1]);
    expect(Array.from(second.dataSync())).toEqual(Array.from(once.dataSync()));
    tf.dispose([batch.images, batch.targets, second]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([images, once]);
  });
});

describe('trainFeatureNet on unlabelled images (the rotation task)', () => {
  test('MNIST without its labels: rotations told apart far above chance, real far closer than noise, features-only metrics through evaluateGan and gankit eval', async () => {
    const [labelled, held] = await Promise.all([
      loadMnist({ split: 'train', limit: 3000 }),
      loadMnist({ split: 'test', limit: 600 }),
    ]);
    const unlabelled = ImageDataset.fromTensor(tf.clone(labelled.images));
    const reference = ImageDataset.fromTensor(tf.slice(held.images, [0, 0, 0, 0], [300, -1, -1, -1]));
    const baseline = ImageDataset.fromTensor(tf.slice(held.images, [300, 0, 0, 0], [300, -1, -1, -1]));
    labelled.dispose();
    held.dispose();
    const dir = path.join(tempDir(), 'mnist-rotations');
    const net = await trainFeatureNet(unlabelled, {
      dir,
      steps: 150,
      batchSize: 32,
      featureDim: 32,
      validation: reference,
      reference,
      baseline,
      referenceName: 'MNIST test, first 300',
    });
    const info = net.info as FeatureNetInfo;
    expect(info.task).toBe('rotations'); // chosen because the source has no labels
    expect(info.numClasses).toBe(4);
    expect(info.testAccuracy).toBeGreaterThan(0.6); // chance is 0.25
    expect(net.measuresClasses).toBe(false);
    const again = await loadMnistClassifier({ dir });
    expect(again.measuresClasses).toBe(false);
    expect(again.reference?.classDiversity).toHaveLength(1);
    again.dispose();

    const real = await loadFeatureNetReference(net);
    expect(real.labels).toBeNull();
    const realRow = await loadFeatureNetBaseline(net);
    const noise = tf.randomUniform([300, 28, 28, 1], -1, 1, 'float32', 3);
    const fromNoise = computeMetrics(await net.classify(noise), { classifier: net, real });
    noise.dispose();
    const baselineOutputs = await net.classify(baseline.images);
    expect(realRow?.features).toEqual(baselineOutputs.features);
    const fromReal = computeMetrics(baselineOutputs, { classifier: net, real });
    expect(fromReal.frechetDistance).toBeLessThan(fromNoise.frechetDistance / 10);
    expect(fromReal.sampleSet?.kid).toBeLessThan((fromNoise.sampleSet?.kid ?? 0) / 10);
    expect(fromReal.sampleSet?.recall).toBeGreaterThan(0.5);
    expect(fromNoise.sampleSet?.recall).toBeLessThan(0.1);
    expect([fromReal.labelAccuracy, fromReal.classifierScore, fromReal.modeCollapse]).toEqual([null, null, null]);

    // A conditional GAN of 10 classes measured through a 4-way rotation net: features only, per class not measured (the reference has no labels).
    const gan = createCgan({
      numClasses: 10,
      imageShape: [28, 28, 1],
      latentDim: 8,
      seed: 2,
      generator: { hiddenUnits: [16] },
      discriminator: { hiddenUnits: [16] },
    });
    const before = tf.memory().numTensors;
    const m = await evaluateGan(gan, {
      classifier: net,
      samples: 100,
      real: { reference: real, baseline: realRow ?? real },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect([m.labelAccuracy, m.classifierScore, m.modeCollapse]).toEqual([null, null, null]);
    expect(m.conditional).toBe(true);
    expect(m.sampleSet?.perClass).toBeNull();
    expect(m.frechetDistance).toBeGreaterThan(fromReal.frechetDistance);
    expect(Object.keys(metricsRecord(m))).toEqual([
      'fd',
      'kid',
      'kid_std',
      'precision',
      'recall',
      'density',
      'knn_coverage',
    ]);
    const checkpoint = path.join(tempDir(), 'cgan');
    await gan.save(checkpoint);
    gan.dispose();
    let printed = '';
    await runEvalCommand(
      checkpoint,
      { samples: 50, seed: 0, batchSize: 50, classifier: dir, json: false, raw: false, real: true },
      (t) => void (printed += t),
      () => undefined,
    );
    expect(printed).toMatch(/a rotation feature net \(held-out rotation accuracy \d+\.\d\d%\)/);
    expect(printed).toMatch(/classes +not measured/);
    expect(printed).toMatch(/real baseline \(50\)/);
    expect(printed).not.toMatch(/predicted classes|classifier score/);
    net.dispose();
    unlabelled.dispose();
    reference.dispose();
    baseline.dispose();
  });

  test('non-square images, a bad task and a labels task without labels are refused before training', async () => {
    const wide = ImageDataset.fromPixels(new Uint8Array(10 * 8 * 6), [10, 8, 6, 1]);
    await expect(trainFeatureNet(wide, { dir: path.join(tempDir(), 'a') })).rejects.toThrow(
      /^source: has 8×6 images; the rotation task needs square ones/,
    );
    await expect(
      trainFeatureNet(wide, { dir: path.join(tempDir(), 'b'), task: 'colours' as 'labels' }),
    ).rejects.toThrow(GanConfigError);
    await expect(trainFeatureNet(wide, { dir: path.join(tempDir(), 'c'), task: 'labels' })).rejects.toThrow(
      /expected labelled images of at least 2 classes, got no labels/,
    );
    wide.dispose();
  });
});
