/**
 * One operation at a time per model: a second `fit`, and `save`, `restore` or `dispose` while a
 * GAN trains, are refused with a ModelBusyError (they used to interleave: two loops on one step
 * counter, a checkpoint of one step holding the weights of another); a save from a callback runs
 * at a step boundary and writes one consistent step. Use after dispose and `callbacks` given as
 * one object are typed errors too.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { DisposedError, GanConfigError, ModelBusyError } from '../../src/errors';
import { ImageDataset } from '../../src/data/dataset';
import { createCgan } from '../../src/models/gan/create';
import { createCycleGan } from '../../src/models/cycle/create';
import { type CycleGan } from '../../src/models/cycle/cycle-gan';
import { loadGan } from '../../src/models/gan/load';
import { type Gan } from '../../src/models/gan/gan';
import { type TrainingCallback } from '../../src/train/callbacks';
import { randomDataset, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('hostile-busy');
beforeAll(async () => {
  await useDefaultBackend();
});

const tiny = (): Gan =>
  createCgan({
    latentDim: 4,
    imageShape: [4, 4, 1],
    numClasses: 3,
    generator: { hiddenUnits: [8] },
    discriminator: { hiddenUnits: [8] },
    seed: 1,
  });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

test('a second fit() while the first runs is refused; the first trains its steps alone', async () => {
  const gan = tiny();
  const data = randomDataset(16, 4, 3);
  const first = gan.fit(data, { epochs: 2, batchSize: 4, yieldEvery: 1 });
  const second = await rejection(gan.fit(data, { epochs: 2, batchSize: 4 }));
  expect(second).toBeInstanceOf(ModelBusyError);
  expect((second as ModelBusyError).running).toBe('fit');
  await first;
  expect(gan.trainer.step).toBe(8);
  expect(gan.trainer.epoch).toBe(2);
  // Once the first has ended, fit is allowed again.
  await gan.fit(data, { epochs: 3, batchSize: 4 });
  expect(gan.trainer.step).toBe(12);
  gan.dispose();
  data.dispose();
});

/** One turn of the event loop: a loop with `yieldEvery: 1` and no I/O in its callbacks is then between steps. */
const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('save, restore and dispose while fit runs between steps are refused; fit while save runs too', async () => {
  const gan = tiny();
  const data = randomDataset(16, 4, 3);
  const dir = path.join(tempDir(), 'outside');
  await gan.save(dir);
  const training = gan.fit(data, { epochs: 2, batchSize: 4, yieldEvery: 1 });
  await macrotask();
  expect(gan.trainer.step).toBeGreaterThan(0);
  expect(gan.trainer.step).toBeLessThan(8);
  expect(await rejection(gan.save(path.join(tempDir(), 'mixed')))).toBeInstanceOf(ModelBusyError);
  expect(await rejection(gan.restore(dir))).toBeInstanceOf(ModelBusyError);
  expect(() => gan.dispose()).toThrow(ModelBusyError);
  await training;
  const saving = gan.save(dir);
  expect(await rejection(gan.fit(data, { epochs: 3, batchSize: 4 }))).toBeInstanceOf(ModelBusyError);
  await saving;
  expect(gan.trainer.step).toBe(8);
  gan.dispose();
  data.dispose();
});

test('a save from a callback writes one consistent step: its counter and its weights', async () => {
  const gan = tiny();
  const data = randomDataset(16, 4, 3);
  const z = tf.randomNormal([3, 4], 0, 1, 'float32', 5) as tf.Tensor2D;
  const labels = [0, 1, 2];
  const dir = path.join(tempDir(), 'from-callback');
  let expected: Float32Array | null = null;
  let savedStep = -1;
  const saveAtStep3: TrainingCallback = {
    async onBatchEnd(logs) {
      if (logs.step !== 3) return;
      await gan.save(dir);
      savedStep = gan.trainer.step;
      const images = gan.generate({ z, labels });
      expected = (await images.data()) as Float32Array;
      images.dispose();
    },
  };
  await gan.fit(data, { epochs: 2, batchSize: 4, callbacks: [saveAtStep3], readbackEvery: 2 });
  const loaded = await loadGan(dir);
  expect(loaded.trainer.step).toBe(savedStep);
  const images = loaded.generate({ z, labels });
  expect(Array.from(await images.data())).toEqual(Array.from(expected as unknown as Float32Array));
  tf.dispose([images, z]);
  loaded.dispose();
  gan.dispose();
  data.dispose();
});

test('a disposed GAN refuses generate, fit, save and restore with a DisposedError', async () => {
  const gan = tiny();
  const data = randomDataset(8, 4, 3);
  gan.dispose();
  gan.dispose(); // twice is harmless
  expect(() => gan.generate({ labels: [0] })).toThrow(DisposedError);
  expect(await rejection(gan.fit(data, { epochs: 1, batchSize: 4 }))).toBeInstanceOf(DisposedError);
  expect(await rejection(gan.save(path.join(tempDir(), 'disposed')))).toBeInstanceOf(DisposedError);
  expect(await rejection(gan.restore(tempDir()))).toBeInstanceOf(DisposedError);
  data.dispose();
});

test('callbacks given as one object, not an array, is a GanConfigError naming callbacks', async () => {
  const gan = tiny();
  const data = randomDataset(8, 4, 3);
  const error = await rejection(
    gan.fit(data, { epochs: 1, batchSize: 4, callbacks: { onEpochEnd() {} } as unknown as TrainingCallback[] }),
  );
  expect(error).toBeInstanceOf(GanConfigError);
  expect((error as GanConfigError).argument).toBe('callbacks');
  expect(gan.trainer.step).toBe(0);
  gan.dispose();
  data.dispose();
});

describe('CycleGan: one operation at a time, typed errors after dispose', () => {
  const cycleData = (seed: number): ImageDataset => {
    const t = tf.randomUniform([8, 28, 28, 1], -1, 1, 'float32', seed);
    const d = ImageDataset.fromTensor(t);
    t.dispose();
    return d;
  };
  const tinyCycle = (): CycleGan =>
    createCycleGan({
      generator: { filters: 8, residualBlocks: 1 },
      discriminator: { filters: [8, 16], strides: [2, 2] },
      lambdaIdentity: 0,
      seed: 1,
    });

  test('a second fit and a save or dispose while it trains are refused; after dispose, a DisposedError', async () => {
    const cycle = tinyCycle();
    const [x, y] = [cycleData(1), cycleData(2)];
    const training = cycle.fit(x, y, { epochs: 1, batchSize: 2, stepsPerEpoch: 3, yieldEvery: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await rejection(cycle.fit(x, y, { epochs: 1, batchSize: 2 }))).toBeInstanceOf(ModelBusyError);
    expect(await rejection(cycle.save(path.join(tempDir(), 'cycle-mixed')))).toBeInstanceOf(ModelBusyError);
    expect(() => cycle.dispose()).toThrow(ModelBusyError);
    await training;
    expect(cycle.step).toBe(3);
    cycle.dispose();
    cycle.dispose();
    const images = tf.zeros([1, 28, 28, 1]);
    expect(() => cycle.translate(images, 'xToY')).toThrow(DisposedError);
    expect(await rejection(cycle.fit(x, y, { epochs: 2, batchSize: 2 }))).toBeInstanceOf(DisposedError);
    expect(await rejection(cycle.save(path.join(tempDir(), 'cycle-disposed')))).toBeInstanceOf(DisposedError);
    tf.dispose([images]);
    x.dispose();
    y.dispose();
  });
});
