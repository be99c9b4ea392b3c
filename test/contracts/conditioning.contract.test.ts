/**
 * The contract every built-in way of conditioning a GAN on a label keeps, checked the same way for
 * each (label embedding and channel concat at G's and D's input, the projection D, conditional
 * batch norm in G; MLP and DCGAN nets): the CGAN builds with a label input on both nets, G's
 * samples depend on the label, a training step leaks no tensor, and save → load gives the same
 * images for the same z and labels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImageDataset } from '../../src/data/dataset';
import { channelConcat } from '../../src/conditioning/channel-concat';
import { createCgan, type CreateCganOptions } from '../../src/models/gan/create';
import { labelEmbedding } from '../../src/conditioning/label-embedding';
import { loadGan } from '../../src/models/gan/load';
import { useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

let dir = '';
beforeAll(async () => {
  await useDefaultBackend();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gankit-conditioning-contract-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const CLASSES = 3;
const small = { latentDim: 6, numClasses: CLASSES, seed: 5 };
const mlp = { generator: { hiddenUnits: [12] }, discriminator: { hiddenUnits: [12], dropout: 0 } };
const dcgan = {
  architecture: 'dcgan' as const,
  imageShape: [16, 16, 1] as [number, number, number],
  generator: { denseUnits: [16], baseShape: [4, 4, 8] as [number, number, number], convFilters: [4] },
  discriminator: { convFilters: [4, 8], denseUnits: [8], dropout: 0 },
};

const WAYS: Array<[string, () => CreateCganOptions]> = [
  [
    'label embedding, MLP',
    () => ({ ...small, ...mlp, imageShape: [4, 4, 1], conditioning: labelEmbedding({ numClasses: CLASSES }) }),
  ],
  [
    'channel concat, MLP',
    () => ({ ...small, ...mlp, imageShape: [4, 4, 1], conditioning: channelConcat({ numClasses: CLASSES }) }),
  ],
  ['projection D, MLP', () => ({ ...small, ...mlp, imageShape: [4, 4, 1], discriminatorConditioning: 'projection' })],
  ['channel concat, DCGAN', () => ({ ...small, ...dcgan, conditioning: channelConcat({ numClasses: CLASSES }) })],
  ['projection D, DCGAN', () => ({ ...small, ...dcgan, discriminatorConditioning: 'projection' })],
  [
    'conditional batch norm in G, DCGAN',
    () => ({ ...small, ...dcgan, generator: { ...dcgan.generator, conditionalBatchNorm: true } }),
  ],
];

describe.each(WAYS)('%s', (name, options) => {
  test('both nets take the label; samples depend on it; a step leaks nothing; save → load gives the same images', async () => {
    const gan = createCgan(options());
    expect(gan.generator.inputs).toHaveLength(2);
    expect(gan.discriminator.inputs).toHaveLength(2);
    const [h, w, c] = gan.config.imageShape;
    const z = tf.randomNormal([CLASSES, small.latentDim], 0, 1, 'float32', 3) as tf.Tensor2D;
    const zSame = tf.tidy(() => tf.tile(tf.slice(z, [0, 0], [1, -1]), [CLASSES, 1])) as tf.Tensor2D;
    // The same z under each label: the images differ, so the label reaches G.
    const perLabel = gan.generate({ z: zSame, labels: [0, 1, 2] });
    const rows = tf.tidy(() => tf.unstack(tf.reshape(perLabel, [CLASSES, -1])).map((r) => Array.from(r.dataSync())));
    expect(rows[0]).not.toEqual(rows[1]);
    expect(rows[1]).not.toEqual(rows[2]);
    const pixels = Uint8Array.from({ length: 12 * h * w * c }, (_, i) => (i * 29) % 256);
    const data = ImageDataset.fromPixels(
      pixels,
      [12, h, w, c],
      Array.from({ length: 12 }, (_, i) => i % CLASSES),
      { numClasses: CLASSES },
    );
    await gan.fit(data, { epochs: 1, batchSize: 6 }); // warms up the optimizers' variables
    const before = tf.memory().numTensors;
    await gan.fit(data, { epochs: 2, batchSize: 6 });
    expect(tf.memory().numTensors).toBe(before);
    const file = path.join(dir, name.replace(/\W+/g, '-'));
    await gan.save(file);
    const loaded = await loadGan(file);
    const a = gan.generate({ z, labels: [2, 0, 1] });
    const b = loaded.generate({ z, labels: [2, 0, 1] });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([z, zSame, perLabel, a, b]);
    data.dispose();
    loaded.dispose();
    gan.dispose();
  });
});
