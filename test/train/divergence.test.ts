/**
 * NaN and infinity: training stops naming the step and the loss, never writes a NaN checkpoint,
 * and with `onDivergence: { rollbackTo }` reloads the last good checkpoint, lowers the learning
 * rates and finishes.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { GanConfigError, TrainingDivergedError } from '../../src/errors';
import { checkpoints, saveOnInterrupt } from '../../src/callbacks/checkpoints';
import { createCgan } from '../../src/models/gan/create';
import { listCheckpoints } from '../../src/train/checkpoint';
import { loadGan } from '../../src/models/gan/load';
import { nonSaturatingLoss } from '../../src/losses/non-saturating';
import { type GanLoss } from '../../src/losses/types';
import { type RollbackInfo } from '../../src/models/gan/gan';
import { randomDataset, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('divergence');
beforeAll(async () => {
  await useDefaultBackend();
});

/** The non-saturating loss, except that G's loss is NaN at the listed calls (counted from 1). */
function poisonedLoss(nanAtCalls: number[]): GanLoss & { calls: number } {
  const base = nonSaturatingLoss();
  const loss = {
    name: 'poisoned',
    calls: 0,
    discriminatorLoss: (real: tf.Tensor, fake: tf.Tensor) => base.discriminatorLoss(real, fake),
    generatorLoss(fake: tf.Tensor) {
      loss.calls++;
      const value = base.generatorLoss(fake);
      return nanAtCalls.includes(loss.calls) ? (tf.mul(value, NaN) as tf.Scalar) : value;
    },
  };
  return loss;
}

const build = (loss: GanLoss) =>
  createCgan({
    latentDim: 4,
    imageShape: [4, 4, 1],
    numClasses: 3,
    generator: { hiddenUnits: [8] },
    discriminator: { hiddenUnits: [8, 8] },
    loss,
    seed: 5,
  });

test('a NaN loss stops training with the step and the loss named; no checkpoint holds it; signal handlers are removed', async () => {
  const data = randomDataset(24, 4, 3);
  const gan = build(poisonedLoss([5]));
  const dir = path.join(tempDir(), 'stop');
  const sigintBefore = process.listenerCount('SIGINT');
  const error = await gan
    .fit(data, {
      epochs: 3,
      batchSize: 4,
      callbacks: [checkpoints(gan, { dir, everySteps: 1, keep: 10 }), saveOnInterrupt(gan, { dir, log: null })],
    })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TrainingDivergedError);
  expect((error as TrainingDivergedError).step).toBe(5);
  expect((error as TrainingDivergedError).loss).toBe('generator');
  expect((error as Error).message).toMatch(/^step 5: the generator loss is NaN; training diverged/);
  expect(process.listenerCount('SIGINT')).toBe(sigintBefore);
  expect((await listCheckpoints(dir)).map((c) => c.step)).toEqual([1, 2, 3, 4]);
  // The weights are NaN now: saving refuses, and the folder still loads its last good step.
  await expect(gan.save(path.join(dir, 'after'))).rejects.toThrow(/refusing to save step 5: the generator's weight/);
  const last = await loadGan(dir);
  expect(last.trainer.step).toBe(4);
  [gan, last].forEach((g) => g.dispose());
  data.dispose();
});

test('onDivergence rolls back to the newest good checkpoint, halves the learning rates, and finishes', async () => {
  const data = randomDataset(24, 4, 3);
  const loss = poisonedLoss([7]);
  const gan = build(loss);
  const dir = path.join(tempDir(), 'rollback');
  const rollbacks: RollbackInfo[] = [];
  const history = await gan.fit(data, {
    epochs: 3,
    batchSize: 4,
    callbacks: [checkpoints(gan, { dir, everySteps: 2 })],
    onDivergence: { rollbackTo: dir, learningRateFactor: 0.5, onRollback: (info) => rollbacks.push(info) },
  });
  expect(rollbacks).toHaveLength(1);
  expect(rollbacks[0].error.step).toBe(7);
  expect(rollbacks[0].restoredStep).toBe(6);
  expect(rollbacks[0].learningRates).toEqual({ generator: 1e-4, discriminator: 1e-4 });
  expect(gan.trainer.step).toBe(18);
  expect(gan.trainer.epoch).toBe(3);
  // Epoch 1 ended at step 6, before the NaN; epochs 2 and 3 ran after the rollback.
  expect(history.map((h) => h.epoch)).toEqual([0, 1, 2]);
  expect(history.every((h) => Number.isFinite(h.dLoss) && Number.isFinite(h.gLoss))).toBe(true);
  // The new rate is in force and is what the next checkpoint records.
  expect((gan.trainer.generatorOptimizer as unknown as { learningRate: number }).learningRate).toBe(1e-4);
  const saved = await loadGan(dir, { loss });
  expect(saved.config.optimizer.generator.learningRate).toBe(1e-4);
  expect(saved.trainer.step).toBe(18);
  const x = tf.tidy(() => tf.sum(tf.abs(gan.generate({ labels: [0, 1, 2], seed: 1 }))).dataSync()[0]);
  expect(Number.isFinite(x)).toBe(true);
  [gan, saved].forEach((g) => g.dispose());
  data.dispose();
});

test('rollback gives up after maxRollbacks, and bad rollback options are refused', async () => {
  const data = randomDataset(24, 4, 3);
  const gan = build(poisonedLoss([3, 4, 5, 6, 7, 8, 9, 10]));
  const dir = path.join(tempDir(), 'give-up');
  const seen: number[] = [];
  const error = await gan
    .fit(data, {
      epochs: 2,
      batchSize: 4,
      callbacks: [checkpoints(gan, { dir, everySteps: 1 })],
      onDivergence: { rollbackTo: dir, maxRollbacks: 2, onRollback: (i) => seen.push(i.error.step) },
    })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TrainingDivergedError);
  expect(seen).toHaveLength(2);
  await expect(gan.fit(data, { onDivergence: { rollbackTo: dir, learningRateFactor: 2 } })).rejects.toThrow(
    GanConfigError,
  );
  await expect(gan.fit(data, { onDivergence: {} as never })).rejects.toThrow(
    /onDivergence: expected 'stop' or \{ rollbackTo/,
  );
  expect(await fs.readdir(dir)).not.toHaveLength(0);
  gan.dispose();
  data.dispose();
});
