/**
 * Inputs checked before work is spent: a custom loss that does not return a scalar (it failed
 * inside tf.variableGrads), and a resumed epoch position that does not fit the batch size or the
 * data (it went on with other batches without a word).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { DisposedError, GanConfigError } from '../../src/errors';
import { createCgan } from '../../src/models/gan/create';
import { loadGan } from '../../src/models/gan/load';
import { nonSaturatingLoss } from '../../src/losses/non-saturating';
import { type Gan } from '../../src/models/gan/gan';
import { type GanLoss } from '../../src/losses/types';
import { randomDataset, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('hostile-inputs');
beforeAll(async () => {
  await useDefaultBackend();
});

const tiny = (loss?: GanLoss): Gan =>
  createCgan({
    latentDim: 4,
    imageShape: [4, 4, 1],
    numClasses: 3,
    generator: { hiddenUnits: [8] },
    discriminator: { hiddenUnits: [8] },
    seed: 1,
    ...(loss === undefined ? {} : { loss }),
  });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

test.each([
  ['discriminatorLoss', 'a vector', (t: tf.Tensor) => tf.reshape(t, [-1])],
  ['generatorLoss', 'a number', () => 0.5],
])(
  'a custom %s returning %s is a GanConfigError naming it; no update is applied, no tensor leaks',
  async (which, _what, wrong) => {
    const base = nonSaturatingLoss();
    let careless = false;
    const loss: GanLoss = {
      name: 'careless',
      discriminatorLoss: (r, f) =>
        (careless && which === 'discriminatorLoss' ? wrong(r) : base.discriminatorLoss(r, f)) as unknown as tf.Scalar,
      generatorLoss: (f) =>
        (careless && which === 'generatorLoss' ? wrong(f) : base.generatorLoss(f)) as unknown as tf.Scalar,
    };
    const gan = tiny(loss);
    const data = randomDataset(8, 4, 3);
    // One good epoch first: the optimizers' moments exist from then on, so the count below is flat.
    await gan.fit(data, { epochs: 1, batchSize: 4 });
    careless = true;
    const weights = gan.generator.getWeights().map((w) => Array.from(w.dataSync()));
    const before = tf.memory().numTensors;
    const error = await rejection(gan.fit(data, { epochs: 2, batchSize: 4 }));
    expect(error).toBeInstanceOf(GanConfigError);
    expect((error as GanConfigError).argument).toBe(`loss 'careless'.${which}`);
    expect(gan.trainer.step).toBe(2);
    if (which === 'discriminatorLoss')
      expect(gan.generator.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weights);
    expect(tf.memory().numTensors).toBe(before);
    gan.dispose();
    data.dispose();
  },
);

test('a run stopped inside an epoch resumes only with the same batch size and the same epoch length', async () => {
  const gan = tiny();
  const data = randomDataset(16, 4, 3);
  const stopAt2 = { onBatchEnd: (logs: { step: number }) => (logs.step === 2 ? gan.stopTraining() : undefined) };
  await gan.fit(data, { epochs: 1, batchSize: 4, callbacks: [stopAt2] });
  expect(gan.trainer.epochProgress).toMatchObject({ steps: 2, batchSize: 4, stepsPerEpoch: 4 });
  const dir = path.join(tempDir(), 'mid-epoch');
  await gan.save(dir);
  gan.dispose();
  const resumed = await loadGan(dir);
  const batch = await rejection(resumed.fit(data, { epochs: 1, batchSize: 2 }));
  expect(batch).toBeInstanceOf(GanConfigError);
  expect((batch as GanConfigError).argument).toBe('batchSize');
  expect((batch as Error).message).toMatch(/resume it with batchSize: 4/);
  const smaller = randomDataset(12, 4, 3);
  const length = await rejection(resumed.fit(smaller, { epochs: 1, batchSize: 4 }));
  expect(length).toBeInstanceOf(GanConfigError);
  expect((length as GanConfigError).argument).toBe('stepsPerEpoch');
  expect(resumed.trainer.step).toBe(2);
  await resumed.fit(data, { epochs: 1, batchSize: 4 });
  expect([resumed.trainer.step, resumed.trainer.epoch, resumed.trainer.epochProgress]).toEqual([4, 1, null]);
  resumed.dispose();
  data.dispose();
  smaller.dispose();
});

test('a disposed dataset is a DisposedError in fit (before any callback runs), gather and take', async () => {
  const gan = tiny();
  const data = randomDataset(8, 4, 3);
  data.dispose();
  expect(data.isDisposed).toBe(true);
  let began = false;
  const error = await rejection(
    gan.fit(data, { epochs: 1, batchSize: 4, callbacks: [{ onTrainBegin: () => void (began = true) }] }),
  );
  expect(error).toBeInstanceOf(DisposedError);
  expect(began).toBe(false);
  expect(() => data.gather([0])).toThrow(DisposedError);
  expect(() => data.take(1)).toThrow(DisposedError);
  gan.dispose();
});
