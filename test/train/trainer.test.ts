import * as tf from '@tensorflow/tfjs-core';
import { createCgan, createGan } from '../../src/models/gan/create';
import { GanConfigError, TrainingDivergedError, DataFormatError } from '../../src/errors';
import { ImageDataset } from '../../src/data/dataset';
import { tfSeed } from '../../src/random';
import { nonSaturatingLoss } from '../../src/losses/non-saturating';
import { type GanLoss } from '../../src/losses/types';
import { type StepLogs } from '../../src/train/callbacks';
import { type TrainerCallback } from '../../src/train/trainer';
import { randomDataset, useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  await useDefaultBackend();
});

function smallCgan(seed = 1, extra: Parameters<typeof createCgan>[0] = {}) {
  return createCgan({
    numClasses: 10,
    latentDim: 8,
    imageShape: [8, 8, 1],
    seed,
    generator: { hiddenUnits: [16, 16] },
    discriminator: { hiddenUnits: [16, 16] },
    ...extra,
  });
}

describe('GanTrainer', () => {
  test('memory: numTensors after 100 steps equals numTensors after the first (after warm-up)', async () => {
    const cgan = smallCgan();
    const data = randomDataset(100);
    await cgan.fit(data, { epochs: 1, batchSize: 10, stepsPerEpoch: 1 }); // warm-up: creates optimizer moments
    const counts: number[] = [];
    await cgan.fit(data, {
      epochs: 11,
      batchSize: 10,
      callbacks: [{ onBatchEnd: () => void counts.push(tf.memory().numTensors) }],
    });
    expect(counts).toHaveLength(100);
    expect(new Set(counts).size).toBe(1);
    data.dispose();
    cgan.dispose();
  });

  test('callbacks get the hooks in order with finite logs and a 1-based global step', async () => {
    const cgan = smallCgan(2);
    const data = randomDataset(60);
    const events: string[] = [];
    const steps: StepLogs[] = [];
    const cb: TrainerCallback = {
      onTrainBegin: (info) => void events.push(`begin ${info.initialEpoch}->${info.epochs} x${info.stepsPerEpoch}`),
      onBatchEnd: (logs) => void steps.push(logs),
      onEpochEnd: async (logs) => {
        await new Promise((r) => setTimeout(r, 1));
        events.push(`epoch ${logs.epoch} steps ${logs.steps}`);
      },
      onTrainEnd: (logs) => void events.push(`end ${logs.epoch} ${logs.step} ${logs.stopped}`),
    };
    const history = await cgan.fit(data, { epochs: 2, batchSize: 20, callbacks: [cb] });
    expect(events).toEqual(['begin 0->2 x3', 'epoch 0 steps 3', 'epoch 1 steps 3', 'end 2 6 false']);
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(steps.map((s) => s.epoch)).toEqual([0, 0, 0, 1, 1, 1]);
    for (const s of steps) {
      for (const v of [s.dLoss, s.gLoss, s.dRealMean, s.dFakeMean]) expect(Number.isFinite(v)).toBe(true);
      expect(s.dRealMean).toBeGreaterThan(0);
      expect(s.dRealMean).toBeLessThan(1);
    }
    expect(history[0].dLoss).toBeCloseTo((steps[0].dLoss + steps[1].dLoss + steps[2].dLoss) / 3, 5);
    data.dispose();
    cgan.dispose();
  });

  test('readbackEvery batches the loss reads but reports every step, in order', async () => {
    const cgan = smallCgan(3, { readbackEvery: 4 });
    const data = randomDataset(100);
    const seen: number[] = [];
    await cgan.fit(data, { epochs: 1, batchSize: 10, callbacks: [{ onBatchEnd: (l) => void seen.push(l.step) }] });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    data.dispose();
    cgan.dispose();
  });

  test('k discriminator steps: D is updated k times per G update', async () => {
    const gan = createGan({
      latentDim: 4,
      imageShape: [8, 8, 1],
      discriminatorSteps: 3,
      seed: 4,
      generator: { hiddenUnits: [8] },
      discriminator: { hiddenUnits: [8] },
    });
    const data = randomDataset(90);
    await gan.fit(data, { epochs: 1, batchSize: 10 });
    expect(gan.trainer.step).toBe(3); // 9 batches / 3 per step
    const iterations = async (opt: tf.Optimizer): Promise<number> => (await opt.getWeights())[0].tensor.dataSync()[0];
    expect(await iterations(gan.trainer.discriminatorOptimizer)).toBe(9);
    expect(await iterations(gan.trainer.generatorOptimizer)).toBe(3);
    data.dispose();
    gan.dispose();
  });

  test('stopTraining() from a callback stops after the current step', async () => {
    const cgan = smallCgan(5);
    const data = randomDataset(100);
    let ended = false;
    await cgan.fit(data, {
      epochs: 3,
      batchSize: 10,
      callbacks: [
        {
          onBatchEnd: (l) => (l.step === 4 ? cgan.trainer.stopTraining() : undefined),
          onTrainEnd: (l) => void (ended = l.stopped),
        },
      ],
    });
    expect(cgan.trainer.step).toBe(4);
    expect(cgan.trainer.epoch).toBe(0);
    expect(ended).toBe(true);
    data.dispose();
    cgan.dispose();
  });

  test('a NaN loss stops training with an error naming the step and the loss', async () => {
    let calls = 0;
    const poisoned: GanLoss = {
      name: 'poisoned',
      discriminatorLoss: (r, f) => nonSaturatingLoss().discriminatorLoss(r, f),
      generatorLoss: (f) =>
        tf.tidy(
          () =>
            (++calls === 3
              ? tf.mul(nonSaturatingLoss().generatorLoss(f), NaN)
              : nonSaturatingLoss().generatorLoss(f)) as tf.Scalar,
        ),
    };
    const cgan = smallCgan(6, { loss: poisoned });
    const data = randomDataset(100);
    await cgan.fit(data, { epochs: 1, batchSize: 10, stepsPerEpoch: 1 }); // warm-up: optimizer state exists from here on
    const before = tf.memory().numTensors;
    const error = await cgan.fit(data, { epochs: 2, batchSize: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as TrainingDivergedError).step).toBe(3);
    expect((error as TrainingDivergedError).loss).toBe('generator');
    expect((error as Error).message).toMatch(/^step 3: the generator loss is NaN/);
    expect(tf.memory().numTensors).toBe(before); // nothing leaked on the error path
    data.dispose();
    cgan.dispose();
  });

  test('bad input: typed errors naming the argument', async () => {
    const cgan = smallCgan(7);
    const data = randomDataset(20);
    const wrongShape = randomDataset(20, 6);
    await expect(cgan.fit(wrongShape, { batchSize: 10 })).rejects.toThrow(
      /data: images are \[6, 6, 1\] but the discriminator expects \[8, 8, 1\]/,
    );
    await expect(cgan.fit(data, { batchSize: 50 })).rejects.toThrow(
      /batchSize: 50 is larger than the dataset \(20 images\)/,
    );
    await expect(cgan.fit(data, { batchSize: 0 })).rejects.toThrow(GanConfigError);
    await expect(cgan.fit(data, { epochs: -1 })).rejects.toThrow(/epochs/);
    const unlabelled = ImageDataset.fromTensor(data.images);
    await expect(cgan.fit(unlabelled)).rejects.toThrow(/data: a conditional GAN needs labelled data/);
    const twelveClasses = randomDataset(24, 8, 12);
    await expect(cgan.fit(twelveClasses, { batchSize: 12 })).rejects.toThrow(/labels must lie in \[0, 10\)/);
    expect(() => cgan.generate({ labels: [1, 10] })).toThrow(
      /labels\[1\]: expected a class index in \[0, 10\), got 10/,
    );
    expect(() => cgan.generate({ labels: [1.5] })).toThrow(/labels\[0\]: expected an integer class index, got 1.5/);
    expect(() => cgan.generate({ labels: [-1] })).toThrow(GanConfigError);
    expect(() => cgan.generate({ labels: [1], z: tf.zeros([1, 3]) as tf.Tensor2D })).toThrow(
      /z: expected shape \[1, 8\]/,
    );
    expect(() => cgan.generate({})).toThrow(/give labels/);
    [wrongShape, unlabelled, twelveClasses, data].forEach((d) => d.dispose());
    cgan.dispose();
  });

  test('bad data: typed errors from the dataset constructors', () => {
    expect(() => ImageDataset.fromPixels(new Uint8Array(10), [1, 2, 2, 1])).toThrow(DataFormatError);
    expect(() => ImageDataset.fromPixels(new Uint8Array(4), [1, 2, 2, 1], [3], { numClasses: 3 })).toThrow(
      /labels\[0\]: expected a class index in \[0, 3\), got 3/,
    );
    expect(() => ImageDataset.fromPixels(new Uint8Array(8), [2, 2, 2, 1], [0, 0.5])).toThrow(
      /labels\[1\]: expected a non-negative integer/,
    );
    expect(() => ImageDataset.fromPixels(new Uint8Array(0), [0, 2, 2, 1])).toThrow(
      /shape: expected a shape \[count, height, width, channels\] of positive integers/,
    );
    const nan = tf.tensor4d([0, NaN, 0, 0], [1, 2, 2, 1]);
    expect(() => ImageDataset.fromTensor(nan)).toThrow(/contains 1 NaN values/);
    const big = tf.tensor4d([0, 255, 0, 0], [1, 2, 2, 1]);
    expect(() => ImageDataset.fromTensor(big)).toThrow(/expected \[-1, 1\]/);
    tf.dispose([nan, big]);
  });

  test('fromTensor copies the images and leaves no other tensor behind', () => {
    const images = tf.fill([3, 2, 2, 1], 0.5) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const data = ImageDataset.fromTensor(images, [0, 1, 2]);
    expect(tf.memory().numTensors).toBe(before + 1); // the dataset's own copy, nothing else
    data.dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });

  test('seed 0 is a seed: generate({ seed: 0 }) repeats (TensorFlow.js alone would take 0 as "random")', () => {
    const cgan = smallCgan(3);
    const a = cgan.generate({ count: 4, seed: 0 });
    const b = cgan.generate({ count: 4, seed: 0 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(tfSeed(0)).toBe(2 ** 32);
    expect(tfSeed(7)).toBe(7);
    tf.dispose([a, b]);
    cgan.dispose();
  });

  test('the same seed gives the same losses; another seed does not', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const gan = createGan({
        latentDim: 4,
        imageShape: [8, 8, 1],
        seed,
        generator: { hiddenUnits: [8] },
        discriminator: { hiddenUnits: [8] },
      });
      const data = randomDataset(40);
      const h = await gan.fit(data, { epochs: 2, batchSize: 10 });
      data.dispose();
      gan.dispose();
      return h.flatMap((e) => [e.dLoss, e.gLoss]);
    };
    const a = await run(11);
    expect(await run(11)).toEqual(a);
    expect(await run(12)).not.toEqual(a);
  });

  test('yieldEvery returns to the event loop between steps (a page repaints), and changes nothing trained', async () => {
    // Count macrotask turns while fit runs: a steady setImmediate loop only advances when fit yields.
    const run = async (yieldEvery: 'never' | 'auto' | number): Promise<{ turns: number; losses: number[] }> => {
      const cgan = smallCgan(5);
      let turns = 0;
      let running = true;
      const spin = (): void => {
        if (!running) return;
        turns++;
        setImmediate(spin);
      };
      setImmediate(spin);
      const losses: number[] = [];
      try {
        await cgan.fit(randomDataset(64), {
          epochs: 1,
          batchSize: 4,
          yieldEvery,
          callbacks: [{ onBatchEnd: (logs) => void losses.push(logs.dLoss, logs.gLoss) }],
        });
      } finally {
        running = false;
        cgan.dispose();
      }
      return { turns, losses };
    };
    const never = await run('never');
    const auto = await run('auto'); // Node: same as never
    const every = await run(1);
    const everyFourth = await run(4);
    expect(never.turns).toBe(0);
    expect(auto.turns).toBe(0);
    expect(every.turns).toBeGreaterThanOrEqual(16); // 16 steps, a yield after each
    expect(everyFourth.turns).toBeGreaterThanOrEqual(4);
    expect(everyFourth.turns).toBeLessThan(every.turns);
    expect(every.losses).toEqual(never.losses);
    const cgan = smallCgan();
    await expect(cgan.fit(randomDataset(16), { epochs: 1, batchSize: 4, yieldEvery: 0 })).rejects.toThrow(
      /yieldEvery: expected a positive integer, 'auto' or 'never', got 0/,
    );
    cgan.dispose();
  });
});
