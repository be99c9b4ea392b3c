import * as tf from '@tensorflow/tfjs-core';
import { createCgan } from '../../src/models/gan/create';
import { GanConfigError } from '../../src/errors';
import { GanLossBase } from '../../src/losses/types';
import { DataParallelSession } from '../../src/parallel/data-parallel';
import { Rng } from '../../src/random';
import type { DataBatch } from '../../src/data/dataset';
import { randomDataset, useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  await useDefaultBackend();
});

const small = (seed: number) =>
  createCgan({
    latentDim: 8,
    imageShape: [8, 8, 1],
    generator: { hiddenUnits: [16, 32] },
    discriminator: { hiddenUnits: [32], dropout: 0 },
    seed,
  });

test('fit({ workers: 2 }) trains on two threads: every step logged, finite losses, no tensor left behind', async () => {
  const data = randomDataset(160, 8);
  const cgan = small(1);
  await cgan.fit(data, { epochs: 1, batchSize: 16, stepsPerEpoch: 3, workers: 2 }); // warm-up: optimizer slots exist
  const before = tf.memory().numTensors;
  const steps: number[] = [];
  const history = await cgan.fit(data, {
    epochs: 3,
    batchSize: 16,
    stepsPerEpoch: 5,
    workers: 2,
    callbacks: [{ onBatchEnd: (l) => void steps.push(l.step) }],
  });
  expect(history.map((h) => h.steps)).toEqual([5, 5]);
  expect(steps).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  for (const h of history) expect(Number.isFinite(h.dLoss) && Number.isFinite(h.gLoss)).toBe(true);
  expect(tf.memory().numTensors).toBe(before);
  // Afterwards the trainer trains alone again.
  const alone = await cgan.fit(data, { epochs: 4, batchSize: 16, stepsPerEpoch: 2 });
  expect(alone[0].steps).toBe(2);
  cgan.dispose();
  data.dispose();
});

test('the all-reduce keeps the replicas identical, step after step, with an odd batch split 8 + 7', async () => {
  const data = randomDataset(150, 8);
  const cgan = small(2); // G has batch norm: each replica normalises over its own share
  const session = await DataParallelSession.start(cgan.trainer, 2, 15);
  try {
    const start = session.checksums();
    expect(start[1]).toBe(start[0]);
    const batches = data.batches(15, { rng: new Rng(1) });
    for (let i = 0; i < 6; i++) {
      const batch = batches.next().value as DataBatch;
      const stats = session.trainStep([batch]);
      expect(Array.from(stats.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([stats, batch.images, batch.labels ?? []]);
      const sums = session.checksums();
      expect(sums[1]).toBe(sums[0]); // bit-identical weights on both threads
    }
    expect(session.checksums()[0]).not.toBe(start[0]); // and they did train
    batches.return(undefined);
  } finally {
    await session.stop();
  }
  cgan.dispose();
  data.dispose();
});

test('bad workers values and user-written losses are GanConfigErrors naming workers', async () => {
  const data = randomDataset(40, 8);
  const cgan = small(3);
  await expect(cgan.fit(data, { batchSize: 10, workers: 0 })).rejects.toThrow(
    /workers: expected a positive integer, got 0/,
  );
  await expect(cgan.fit(data, { batchSize: 10, workers: 11 })).rejects.toThrow(GanConfigError);
  class HalfLoss extends GanLossBase {
    constructor() {
      super('half');
    }
    discriminatorLoss(real: tf.Tensor, fake: tf.Tensor): tf.Scalar {
      return tf.mul(tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake))), 0.5) as tf.Scalar;
    }
    generatorLoss(fake: tf.Tensor): tf.Scalar {
      return tf.mean(tf.softplus(tf.neg(fake))) as tf.Scalar;
    }
  }
  const custom = createCgan({
    latentDim: 8,
    imageShape: [8, 8, 1],
    generator: { hiddenUnits: [16] },
    discriminator: { hiddenUnits: [16], dropout: 0 },
    loss: new HalfLoss(),
    seed: 4,
  });
  await expect(custom.fit(data, { batchSize: 10, workers: 2 })).rejects.toThrow(/workers: .*'half' is user-written/);
  cgan.dispose();
  custom.dispose();
  data.dispose();
});
