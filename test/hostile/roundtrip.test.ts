/**
 * Every value a factory accepts survives save → load: a property test over the config space
 * (random valid options from a fixed seed: built, saved, loaded, the config and the images from
 * the same z compared), and the values that could not round-trip (seeds −1, NaN, 1.5, '7') are
 * refused at creation with the argument named. Unknown option names are warned about once, with
 * the nearest valid name.
 */
import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GanConfigError } from '../../src/errors';
import { Rng } from '../../src/random';
import { bceLoss } from '../../src/losses/bce';
import { createCgan, createGan } from '../../src/models/gan/create';
import { hingeLoss } from '../../src/losses/hinge';
import { labelEmbedding } from '../../src/conditioning/label-embedding';
import { leastSquaresLoss } from '../../src/losses/least-squares';
import { loadGan } from '../../src/models/gan/load';
import { minimaxLoss } from '../../src/losses/minimax';
import { nonSaturatingLoss } from '../../src/losses/non-saturating';
import { type Gan } from '../../src/models/gan/gan';
import { type GanLoss } from '../../src/losses/types';
import { writeManifest } from '../../src/io/checkpoint-manifest';
import { randomDataset, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('hostile-roundtrip');
beforeAll(async () => {
  await useDefaultBackend();
});

test.each([-1, NaN, 1.5, '7', Infinity, 2 ** 53, null])('seed %p is refused at creation, naming seed', (seed) => {
  const build = (): Gan => createCgan({ seed: seed as number, generator: { hiddenUnits: [4] } });
  expect(build).toThrow(GanConfigError);
  expect(build).toThrow(/^seed: /);
});

test('discriminatorSteps that a checkpoint could not hold are refused at creation', () => {
  for (const steps of [0, 1.5, NaN, '2'])
    expect(() => createGan({ discriminatorSteps: steps as number })).toThrow(/^discriminatorSteps: /);
});

test('an unknown option name is warned about once, with the nearest valid name', () => {
  const warnings: string[] = [];
  const spy = jest.spyOn(console, 'warn').mockImplementation((m: string) => warnings.push(m));
  try {
    const options = {
      seed: 1,
      latentDim: 4,
      imageShape: [4, 4, 1] as [number, number, number],
      generator: { hiddenUnits: [4] },
    };
    for (let i = 0; i < 2; i++) createGan({ ...options, ...{ discriminatorStep: 2 } }).dispose();
  } finally {
    spy.mockRestore();
  }
  expect(warnings).toEqual([
    "gankit: createGan(options): unknown option 'discriminatorStep' is ignored (did you mean 'discriminatorSteps'?)",
  ]);
});

/** Random valid factory options, from `rng`. */
function randomOptions(rng: Rng): { conditional: boolean; options: Record<string, unknown> } {
  const pick = <T>(xs: readonly T[]): T => xs[rng.nextInt(xs.length)];
  const losses: Array<() => GanLoss> = [
    nonSaturatingLoss,
    minimaxLoss,
    hingeLoss,
    () => leastSquaresLoss(),
    () => bceLoss({ realLabel: 0.9 }),
  ];
  const conditional = rng.nextFloat() < 0.6;
  const size = pick([4, 6]);
  const options: Record<string, unknown> = {
    latentDim: 1 + rng.nextInt(6),
    imageShape: [size, size, pick([1, 3])],
    loss: pick(losses)(),
    optimizer: { learningRate: 10 ** -(2 + 3 * rng.nextFloat()), beta1: rng.nextFloat() * 0.9 },
    discriminatorSteps: 1 + rng.nextInt(3),
    seed: pick([0, 2 ** 32 - 1, Number.MAX_SAFE_INTEGER, rng.nextUint32()]),
    generator: { hiddenUnits: [2 + rng.nextInt(6)] },
    discriminator: { hiddenUnits: [2 + rng.nextInt(6)] },
  };
  if (conditional) {
    const numClasses = 2 + rng.nextInt(60);
    options.numClasses = numClasses;
    if (rng.nextFloat() < 0.5) options.conditioning = labelEmbedding({ numClasses, dim: 1 + rng.nextInt(8) });
  }
  return { conditional, options };
}

test('property: 12 random valid GANs keep their config and their images through save and load', async () => {
  const rng = new Rng(21);
  const before = tf.memory().numTensors;
  for (let round = 0; round < 12; round++) {
    const { conditional, options } = randomOptions(rng);
    const gan = conditional ? createCgan(options) : createGan(options);
    const dir = path.join(tempDir(), `round-${round}`);
    await gan.save(dir);
    const loaded = await loadGan(dir);
    expect(loaded.config).toEqual(gan.config);
    const count = 3;
    const z = tf.randomNormal([count, gan.config.latentDim], 0, 1, 'float32', round) as tf.Tensor2D;
    const labels = conditional ? Array.from({ length: count }, (_, i) => i % gan.config.numClasses) : undefined;
    const a = gan.generate({ z, labels, count: labels === undefined ? count : undefined });
    const b = loaded.generate({ z, labels, count: labels === undefined ? count : undefined });
    expect(b.shape).toEqual(a.shape);
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([z, a, b]);
    gan.dispose();
    loaded.dispose();
  }
  expect(tf.memory().numTensors).toBe(before);
});

test('an unknown fit option is warned about once, with the nearest valid name', async () => {
  const warnings: string[] = [];
  const spy = jest.spyOn(console, 'warn').mockImplementation((m: string) => warnings.push(m));
  const gan = createCgan({
    seed: 1,
    latentDim: 2,
    imageShape: [4, 4, 1],
    numClasses: 2,
    generator: { hiddenUnits: [4] },
  });
  const data = randomDataset(4, 4, 2);
  try {
    await gan.fit(data, { epochs: 1, batchSize: 2, ...{ epoch: 3 } });
  } finally {
    spy.mockRestore();
    gan.dispose();
    data.dispose();
  }
  expect(warnings).toEqual([
    "gankit: Gan.fit(data, options): unknown option 'epoch' is ignored (did you mean 'epochs'?)",
  ]);
});

test('a state file whose latentDim disagrees with the saved generator is refused on load (it loaded, then generate failed inside tfjs)', async () => {
  const gan = createGan({ seed: 1, latentDim: 4, imageShape: [4, 4, 1], generator: { hiddenUnits: [4] } });
  const dir = path.join(tempDir(), 'latent-mismatch');
  await gan.save(dir);
  gan.dispose();
  const file = path.join(dir, 'state.json');
  const state = JSON.parse(await fs.readFile(file, 'utf8'));
  state.config.latentDim = 7;
  await fs.writeFile(file, JSON.stringify(state));
  await writeManifest(dir);
  await expect(loadGan(dir)).rejects.toThrow(/config\.latentDim is 7, but the saved generator takes z of width 4/);
});
