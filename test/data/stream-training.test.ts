/**
 * A streamed source trains a GAN as an in-memory dataset does: the trainer uses only the
 * ImageSource members, so a DCGAN preset trains from an image folder, and an interrupted epoch
 * resumes to the same weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ImageDataset } from '../../src/data/dataset';
import { createCgan } from '../../src/models/gan/create';
import { openImageFolder } from '../../src/data/image-folder';
import { useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tmp = useTempDir('stream-training');

beforeAll(async () => {
  await useDefaultBackend();
});

const SIDE = 32;
const COUNT = 16;

async function folder(): Promise<{ root: string; pixels: Uint8Array; labels: number[] }> {
  const root = path.join(tmp(), 'two-classes');
  const pixels = new Uint8Array(COUNT * SIDE * SIDE * 3);
  const labels: number[] = [];
  for (let i = 0; i < COUNT; i++) {
    const label = i < COUNT / 2 ? 0 : 1;
    const rgba = new Uint8Array(SIDE * SIDE * 4);
    for (let p = 0; p < SIDE * SIDE; p++) {
      for (let k = 0; k < 3; k++) {
        const v = (p * (k + 1) * 7 + i * 13 + label * 100) % 256;
        rgba[p * 4 + k] = v;
        pixels[(i * SIDE * SIDE + p) * 3 + k] = v;
      }
      rgba[p * 4 + 3] = 255;
    }
    const png = new PNG({ width: SIDE, height: SIDE });
    png.data = Buffer.from(rgba);
    const dir = path.join(root, label === 0 ? 'cats' : 'dogs');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${String(i).padStart(2, '0')}.png`), PNG.sync.write(png));
    labels.push(label);
  }
  return { root, pixels, labels };
}

const build = (): ReturnType<typeof createCgan> =>
  createCgan({
    architecture: 'dcgan',
    imageShape: [SIDE, SIDE, 3],
    numClasses: 2,
    latentDim: 8,
    generator: { width: 4 },
    discriminator: { width: 4 },
    seed: 11,
  });

const weightsOf = (gan: ReturnType<typeof createCgan>): number[] =>
  gan.generator.getWeights().flatMap((w) => Array.from(w.dataSync()));

test('a DCGAN preset trains from an image folder exactly as from the same pixels in memory', async () => {
  const { root, pixels, labels } = await folder();
  const source = await openImageFolder(root, { cache: true });
  expect(source.classNames).toEqual(['cats', 'dogs']);
  const memory = ImageDataset.fromPixels(pixels, [COUNT, SIDE, SIDE, 3], labels);
  const fromFolder = build();
  const fromMemory = build();
  const before = tf.memory().numTensors;
  await fromFolder.fit(source, { epochs: 2, batchSize: 4 });
  await fromMemory.fit(memory, { epochs: 2, batchSize: 4 });
  expect(weightsOf(fromFolder)).toEqual(weightsOf(fromMemory));
  // Both GANs' optimizers now hold their moments; a third epoch adds no tensor.
  const settled = tf.memory().numTensors;
  expect(settled).toBeGreaterThan(before);
  await fromFolder.fit(source, { epochs: 3, batchSize: 4 });
  expect(tf.memory().numTensors).toBe(settled);
  [fromFolder, fromMemory].forEach((g) => g.dispose());
  memory.dispose();
  source.close();
});

test('an epoch stopped mid-way resumes from the streamed source at the exact batch (skipBatches)', async () => {
  const { root, pixels, labels } = await folder();
  const source = await openImageFolder(root); // no cache: every batch decoded from the PNGs
  const memory = ImageDataset.fromPixels(pixels, [COUNT, SIDE, SIDE, 3], labels);
  const interrupted = build();
  const straight = build();
  await interrupted.fit(source, {
    epochs: 1,
    batchSize: 4,
    callbacks: [{ onBatchEnd: (logs) => (logs.step === 2 ? interrupted.trainer.stopTraining() : undefined) }],
  });
  expect(interrupted.trainer.step).toBe(2);
  await interrupted.fit(source, { epochs: 1, batchSize: 4 });
  expect(interrupted.trainer.step).toBe(4);
  await straight.fit(memory, { epochs: 1, batchSize: 4 });
  expect(weightsOf(interrupted)).toEqual(weightsOf(straight));
  [interrupted, straight].forEach((g) => g.dispose());
  memory.dispose();
  source.close();
});
