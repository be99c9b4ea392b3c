import * as tf from '@tensorflow/tfjs-core';
import { createCgan } from '../../src/models/gan/create';
import { loadMnist } from '../../src/data/mnist';
import { type Gan } from '../../src/models/gan/gan';
import { type ImageDataset } from '../../src/data/dataset';
import { useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

/**
 * End to end on real MNIST: a small CGAN trained on 2,000 images for 8 epochs (~250 steps) must
 * learn what an untrained one does not have: MNIST's black background and the average digit's
 * shape. Both scores are measured on the same model before and after training.
 */
let train: ImageDataset;
let test_: ImageDataset;

beforeAll(async () => {
  await useDefaultBackend();
  train = await loadMnist({ split: 'train', limit: 2000 });
  test_ = await loadMnist({ split: 'test', limit: 500 });
});

afterAll(() => {
  train.dispose();
  test_.dispose();
});

function scores(gan: Gan): { background: number; meanCorrelation: number } {
  return tf.tidy(() => {
    const labels = Array.from({ length: 500 }, (_, i) => i % 10);
    const fake = gan.generate({ labels, seed: 9 });
    const background = tf.mean(tf.cast(tf.less(fake, -0.5), 'float32')).dataSync()[0];
    const centred = (x: tf.Tensor): tf.Tensor => {
      const m = tf.reshape(tf.mean(x, 0), [-1]);
      return tf.sub(m, tf.mean(m));
    };
    const a = centred(fake);
    const b = centred(test_.images);
    const corr = tf.div(tf.sum(tf.mul(a, b)), tf.mul(tf.norm(a), tf.norm(b))).dataSync()[0];
    return { background, meanCorrelation: corr };
  });
}

test('a small CGAN learns MNIST statistics an untrained one lacks', async () => {
  const cgan = createCgan({
    seed: 1,
    latentDim: 32,
    generator: { hiddenUnits: [128, 256] },
    discriminator: { hiddenUnits: [256, 256] },
  });
  const before = scores(cgan);
  const realBackground = tf.tidy(() => tf.mean(tf.cast(tf.less(test_.images, -0.5), 'float32')).dataSync()[0]);
  const history = await cgan.fit(train, { epochs: 8, batchSize: 64 });
  const after = scores(cgan);
  // Reported for the record (jest shows console output of failing tests).
  console.log(JSON.stringify({ before, after, realBackground, last: history[history.length - 1] }));
  expect(realBackground).toBeGreaterThan(0.8);
  expect(before.background).toBeLessThan(0.1); // tanh of small activations: grey images
  expect(after.background).toBeGreaterThan(0.4);
  expect(after.meanCorrelation).toBeGreaterThan(0.6);
  expect(after.meanCorrelation).toBeGreaterThan(before.meanCorrelation + 0.3);
  // Not collapsed to one image: samples still differ from each other.
  const spread = tf.tidy(() => tf.mean(tf.moments(cgan.generate({ count: 64, seed: 3 }), 0).variance).dataSync()[0]);
  expect(spread).toBeGreaterThan(0.01);
  cgan.dispose();
});
