/**
 * Resource limits: `generate` refuses an output past MAX_GENERATE_BYTES with its size (a request
 * of 1e6 MNIST images used to break the wasm backend for good), runs larger requests through G in
 * batches with the same images, and refuses NaN in a given z; the default label embedding no
 * longer grows with the number of classes, and a table too large is refused with its size.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GENERATE_BATCH } from '../../src/train/generate';
import { GanConfigError } from '../../src/errors';
import { createCgan, createGan } from '../../src/models/gan/create';
import { labelEmbedding } from '../../src/conditioning/label-embedding';
import { type Gan } from '../../src/models/gan/gan';
import { thrownBy, useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  await useDefaultBackend();
});

const mnistSized = (): Gan => createGan({ seed: 1, latentDim: 8, generator: { hiddenUnits: [32] } });

test('generate({ count: 1e6 }) of 28×28 images is refused with its size, and the backend still works', () => {
  const gan = mnistSized();
  const before = tf.memory().numTensors;
  const error = thrownBy(() => gan.generate({ count: 1e6 }));
  expect(error).toBeInstanceOf(GanConfigError);
  expect((error as GanConfigError).argument).toBe('count');
  expect((error as Error).message).toMatch(
    /1000000 images of shape \[28, 28, 1\] take 2\.9 GiB.*at most 171196 per call/,
  );
  expect(tf.memory().numTensors).toBe(before);
  const images = gan.generate({ count: 2, seed: 1 });
  expect(images.shape).toEqual([2, 28, 28, 1]);
  expect(Array.from(images.dataSync()).every(Number.isFinite)).toBe(true);
  images.dispose();
  gan.dispose();
});

test('a request larger than a batch gives the same images as one image at a time, with less memory', async () => {
  const gan = createGan({ seed: 2, latentDim: 8, imageShape: [4, 4, 1], generator: { hiddenUnits: [512] } });
  const count = 4 * GENERATE_BATCH + 3;
  const z = tf.randomNormal([count, 8], 0, 1, 'float32', 3) as tf.Tensor2D;
  const before = tf.memory().numTensors;
  let all: tf.Tensor4D | null = null;
  const profile = await tf.profile(() => {
    all = gan.generate({ z });
    return all;
  });
  const images = all as unknown as tf.Tensor4D;
  expect(images.shape).toEqual([count, 4, 4, 1]);
  for (const i of [0, GENERATE_BATCH - 1, GENERATE_BATCH, count - 1]) {
    const one = tf.tidy(() => gan.generate({ z: tf.slice(z, [i, 0], [1, 8]) as tf.Tensor2D }));
    const row = tf.slice(images, [i, 0, 0, 0], [1, 4, 4, 1]);
    const a = Array.from(one.dataSync());
    const b = Array.from(row.dataSync());
    b.forEach((v, j) => expect(v).toBeCloseTo(a[j], 5));
    tf.dispose([one, row]);
  }
  // G's hidden layer for the whole request at once would take count × 512 × 4 bytes.
  const outputBytes = count * 16 * 4;
  expect(profile.peakBytes - outputBytes * 2).toBeLessThan(count * 512 * 4);
  images.dispose();
  expect(tf.memory().numTensors).toBe(before);
  z.dispose();
  gan.dispose();
});

test('NaN or Infinity in a given z is refused, naming the entry', () => {
  const gan = createGan({ seed: 1, latentDim: 3, imageShape: [4, 4, 1], generator: { hiddenUnits: [4] } });
  for (const bad of [NaN, Infinity]) {
    const z = tf.tensor2d([0, 0, 0, 0, bad, 0], [2, 3]);
    const error = thrownBy(() => gan.generate({ z }));
    expect(error).toBeInstanceOf(GanConfigError);
    expect((error as GanConfigError).argument).toBe('z[1][1]');
    z.dispose();
  }
  gan.dispose();
});

test('the default label-embedding width is min(numClasses, 50); a table too large is refused with its size', () => {
  const small = createCgan({
    seed: 1,
    numClasses: 10,
    generator: { hiddenUnits: [4] },
    discriminator: { hiddenUnits: [4] },
  });
  expect(small.config.conditioning).toMatchObject({ name: 'labelEmbedding', dim: 10 });
  small.dispose();
  const many = createCgan({
    seed: 1,
    numClasses: 5000,
    generator: { hiddenUnits: [4] },
    discriminator: { hiddenUnits: [4] },
  });
  expect(many.config.conditioning).toMatchObject({ dim: 50 });
  // G's table: 5000 × 50 weights, not 5000 × 5000.
  const table = many.generator.weights.find((w) => w.shape[0] === 5000);
  expect(table?.shape).toEqual([5000, 50]);
  many.dispose();
  const error = thrownBy(() => labelEmbedding({ numClasses: 1_000_000, dim: 1000 }));
  expect(error).toBeInstanceOf(GanConfigError);
  expect((error as Error).message).toMatch(/3\.7 GiB per net/);
});

test('a dense layer too large to allocate is refused with its size, naming the option', () => {
  const hidden = thrownBy(() => createGan({ seed: 1, generator: { hiddenUnits: [64, 5_000_000] } }));
  expect(hidden).toBeInstanceOf(GanConfigError);
  expect((hidden as GanConfigError).argument).toBe('hiddenUnits[1]');
  expect((hidden as Error).message).toMatch(/64 × 5000000 weights take 1\.2 GiB/);
  const image = thrownBy(() => createGan({ seed: 1, imageShape: [4096, 4096, 3], generator: { hiddenUnits: [64] } }));
  expect((image as GanConfigError).argument).toBe('imageShape');
  const d = thrownBy(() => createGan({ seed: 1, discriminator: { hiddenUnits: [1_000_000] } }));
  expect((d as GanConfigError).argument).toBe('hiddenUnits[0]');
});
