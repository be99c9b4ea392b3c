/**
 * Exact resume: on the cpu backend with a fixed seed, a run stopped at any step (inside an epoch
 * or at its end), saved, loaded and continued gives the same losses, step for step, as a run
 * that was never interrupted. D has dropout, so the masks must come from the saved stream too.
 */
import { initBackend } from '../../src/backend';
import { createCgan } from '../../src/models/gan/create';
import { loadGan } from '../../src/models/gan/load';
import { type StepLogs, type EpochLogs } from '../../src/train/callbacks';
import { type TrainerCallback } from '../../src/train/trainer';
import { type Gan } from '../../src/models/gan/gan';
import { type ImageDataset } from '../../src/data/dataset';
import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { randomDataset, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('resume');
tf.env().set('PROD', true);
beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

const build = (discriminatorSteps = 1): Gan =>
  createCgan({
    latentDim: 8,
    imageShape: [8, 8, 1],
    seed: 11,
    discriminatorSteps,
    generator: { hiddenUnits: [16, 16] },
    discriminator: { hiddenUnits: [16, 16], dropout: 0.4 },
  });

const recorder = (rows: number[][]): TrainerCallback => ({
  onBatchEnd: (l: StepLogs) => void rows.push([l.step, l.epoch, l.dLoss, l.gLoss, l.dRealMean, l.dFakeMean]),
});
const stopAt = (gan: () => Gan, step: number): TrainerCallback => ({
  onBatchEnd: (l: StepLogs) => (l.step === step ? gan().trainer.stopTraining() : undefined),
});

describe.each([1, 2])('with %i discriminator update(s) per step', (k) => {
  let data: ImageDataset;
  const fit = { epochs: 3, batchSize: 10 };
  const stepsPerEpoch = 6 / k;
  const reference: number[][] = [];
  let referenceEpochs: EpochLogs[] = [];

  beforeAll(async () => {
    data = randomDataset(60, 8, 10, 3);
    const gan = build(k);
    referenceEpochs = await gan.fit(data, { ...fit, callbacks: [recorder(reference)] });
    gan.dispose();
  });
  afterAll(() => data.dispose());

  // Inside the first epoch, at an epoch's end, and inside a later epoch.
  const stops = [1, stepsPerEpoch, stepsPerEpoch + 1, 3 * stepsPerEpoch - 1];
  test.each(stops)(
    'stopped after step %i, saved, loaded and continued: every step equals the uninterrupted run',
    async (stop) => {
      expect(reference).toHaveLength(3 * stepsPerEpoch);
      const rows: number[][] = [];
      const first = build(k);
      await first.fit(data, { ...fit, callbacks: [recorder(rows), stopAt(() => first, stop)] });
      expect(first.trainer.step).toBe(stop);
      const dir = path.join(tempDir(), `k${k}-stop${stop}`);
      await first.save(dir);
      first.dispose();
      const resumed = await loadGan(dir);
      expect(resumed.trainer.step).toBe(stop);
      const epochs = await resumed.fit(data, { ...fit, callbacks: [recorder(rows)] });
      resumed.dispose();
      expect(rows.map((r) => r[0])).toEqual(reference.map((r) => r[0]));
      // The same arithmetic on the same backend: equal to the last bit.
      expect(rows).toEqual(reference);
      // The epoch that was cut in two reports the means over all its steps, as the reference does.
      const last = epochs.at(-1) as EpochLogs;
      const ref = referenceEpochs.at(-1) as EpochLogs;
      expect([last.epoch, last.steps, last.dLoss, last.gLoss]).toEqual([ref.epoch, ref.steps, ref.dLoss, ref.gLoss]);
    },
  );
});

test('without the saved stream the run would differ: a fresh GAN with another seed does not repeat the reference', async () => {
  const data = randomDataset(60, 8, 10, 3);
  const a: number[][] = [];
  const b: number[][] = [];
  const g1 = build();
  await g1.fit(data, { epochs: 1, batchSize: 10, callbacks: [recorder(a)] });
  const g2 = createCgan({
    latentDim: 8,
    imageShape: [8, 8, 1],
    seed: 12,
    generator: { hiddenUnits: [16, 16] },
    discriminator: { hiddenUnits: [16, 16], dropout: 0.4 },
  });
  await g2.fit(data, { epochs: 1, batchSize: 10, callbacks: [recorder(b)] });
  expect(b).not.toEqual(a);
  [g1, g2].forEach((g) => g.dispose());
  data.dispose();
});
