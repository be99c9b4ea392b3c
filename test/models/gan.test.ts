import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createCgan, createGan } from '../../src/models/gan/create';
import { loadGan } from '../../src/models/gan/load';
import { GanConfigError } from '../../src/errors';
import { minimaxLoss } from '../../src/losses/minimax';
import { type GanLoss } from '../../src/losses/types';
import { randomDataset, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('gan');
beforeAll(async () => {
  await useDefaultBackend();
});

const small = {
  latentDim: 8,
  imageShape: [8, 8, 1] as [number, number, number],
  generator: { hiddenUnits: [16, 16] },
  discriminator: { hiddenUnits: [16, 16] },
};

test('generate returns [n, h, w, c] in [-1, 1], repeatable with a seed', () => {
  const gan = createGan({ ...small, seed: 1 }); // sigmoid output, mapped to [-1, 1]
  const a = gan.generate({ count: 5, seed: 3 });
  const b = gan.generate({ count: 5, seed: 3 });
  expect(a.shape).toEqual([5, 8, 8, 1]);
  expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
  expect(tf.min(a).dataSync()[0]).toBeGreaterThanOrEqual(-1);
  expect(tf.max(a).dataSync()[0]).toBeLessThanOrEqual(1);
  tf.dispose([a, b]);
  expect(() => gan.generate({ labels: [1] })).toThrow(/labels: this GAN is unconditional/);
  gan.dispose();
});

test('save then loadGan restores weights, optimizer state, step, epoch and the random stream', async () => {
  // D has dropout (0.4 on its second layer): its masks come from the checkpointed random stream too.
  const cgan = createCgan({ ...small, seed: 2, loss: minimaxLoss() });
  const data = randomDataset(60);
  await cgan.fit(data, { epochs: 1, batchSize: 20 });
  const ckpt = path.join(tempDir(), 'ckpt');
  await cgan.save(ckpt);
  const names = (await fs.readdir(tempDir())).sort();
  expect(names).toEqual(['ckpt']); // no temporary directory left behind
  const again = await loadGan(ckpt);
  expect(again.trainer.step).toBe(3);
  expect(again.trainer.epoch).toBe(1);
  expect(again.config).toEqual(cgan.config);
  expect(again.trainer.loss.name).toBe('minimax');
  const x = cgan.generate({ labels: [0, 5, 9], seed: 4 });
  const y = again.generate({ labels: [0, 5, 9], seed: 4 });
  expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
  tf.dispose([x, y]);
  // Both continue identically: same weights, same Adam moments, same random stream.
  const h1 = await cgan.fit(data, { epochs: 2, batchSize: 20 });
  const h2 = await again.fit(data, { epochs: 2, batchSize: 20 });
  expect(h2[0].dLoss).toBe(h1[0].dLoss);
  expect(h2[0].gLoss).toBe(h1[0].gLoss);
  // Saving over an existing checkpoint replaces it atomically.
  await again.save(ckpt);
  expect((await loadGan(ckpt)).trainer.step).toBe(6);
  data.dispose();
  cgan.dispose();
  again.dispose();
});

test('a checkpoint with a custom loss loads for sampling and asks for the loss to train', async () => {
  const custom: GanLoss = {
    name: 'my-loss',
    discriminatorLoss: (r, f) => minimaxLoss().discriminatorLoss(r, f),
    generatorLoss: (f) => minimaxLoss().generatorLoss(f),
  };
  const cgan = createCgan({ ...small, seed: 3, loss: custom });
  const ckpt = path.join(tempDir(), 'custom');
  await cgan.save(ckpt);
  const loaded = await loadGan(ckpt);
  const img = loaded.generate({ labels: [1] });
  expect(img.shape).toEqual([1, 8, 8, 1]);
  img.dispose();
  const data = randomDataset(20);
  await expect(loaded.fit(data, { batchSize: 10 })).rejects.toThrow(
    /loss: the checkpoint was trained with the custom loss 'my-loss'/,
  );
  const withLoss = await loadGan(ckpt, { loss: custom });
  await withLoss.fit(data, { batchSize: 10 });
  expect(withLoss.trainer.step).toBe(2);
  [cgan, loaded, withLoss].forEach((g) => g.dispose());
  data.dispose();
});

test('createGan/createCgan reject bad options with GanConfigError', () => {
  expect(() => createGan({ latentDim: 0 })).toThrow(/latentDim/);
  expect(() => createGan({ architecture: 'rnn' as 'mlp' })).toThrow(/architecture: expected 'mlp' or 'dcgan'/);
  expect(() => createCgan({ ...small, optimizer: { learningRate: -1 } })).toThrow(/optimizer.learningRate/);
  expect(() => createCgan({ ...small, discriminatorSteps: 0 })).toThrow(GanConfigError);
});
