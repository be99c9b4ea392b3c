/**
 * The contract every model that trains through the one loop keeps, checked the same way for each
 * family (GAN, CGAN, CycleGAN, pix2pix, super-resolution), on tiny nets and generated data: a
 * step returns one finite value per log name; the tensor count stays flat from the second step
 * on (the first makes the optimizers' slots); save → load keeps the config and the outputs; a run
 * stopped inside an epoch, saved, loaded and continued logs exactly what the uninterrupted run
 * logs; a NaN weight stops `fit` with a TrainingDivergedError.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import * as path from 'node:path';
import { ImageDataset } from '../../src/data/dataset';
import { TrainingDivergedError } from '../../src/errors';
import { createCgan, createGan } from '../../src/models/gan/create';
import { createCycleGan } from '../../src/models/cycle/create';
import { createPix2Pix } from '../../src/models/image-to-image/create-pix2pix';
import { createSuperResolutionGan } from '../../src/models/image-to-image/create-super-resolution';
import { derivePairs } from '../../src/data/paired-source';
import { loadCycleGan } from '../../src/models/cycle/load';
import { loadGan } from '../../src/models/gan/load';
import { loadImageToImageGan } from '../../src/models/image-to-image/load';
import { type CycleGan } from '../../src/models/cycle/cycle-gan';
import { type Gan } from '../../src/models/gan/gan';
import { type ImageToImageGan } from '../../src/models/image-to-image/image-to-image-gan';
import { type Trainable } from '../../src/train/trainable';
import { randomDataset, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('trainable-contract');
beforeAll(async () => {
  await useDefaultBackend();
});

type OnStep = (logs: Readonly<Record<string, number>>) => void;
interface FitSettings {
  epochs: number;
  batchSize: number;
  stepsPerEpoch: number;
}

/** One model under test, behind the few operations the contract needs. */
interface Subject {
  /** What the loop trains. */
  readonly trainable: Trainable<unknown, unknown>;
  /** The config its checkpoints store. */
  readonly config: unknown;
  /** A net whose weight the divergence check poisons. */
  readonly net: tfl.LayersModel;
  fit(settings: FitSettings, onStep: OnStep): Promise<unknown>;
  save(dir: string): Promise<void>;
  /** The model's outputs for a fixed input, in inference mode. */
  outputs(): number[];
  dispose(): void;
}

/** A family: how to make a fresh subject (always the same one), load one, and its data. */
interface Family {
  make(): Subject;
  load(dir: string): Promise<Subject>;
  /** Training data, made once; and the number of shuffle streams an epoch uses. */
  data: () => unknown;
  streams: number;
}

const read = (t: tf.Tensor): number[] => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};
const stepCallback = (onStep: OnStep) => ({
  onBatchEnd: (logs: object) => onStep(logs as Record<string, number>),
});

function ganSubject(gan: Gan): Subject {
  const labels = gan.numClasses > 0 ? { labels: [0, 1, 2, 3] } : { count: 4 };
  return {
    trainable: gan.trainer as unknown as Trainable<unknown, unknown>,
    config: gan.config,
    net: gan.discriminator,
    fit: (settings, onStep) => gan.fit(gan_data, { ...settings, callbacks: [stepCallback(onStep)] }),
    save: (dir) => gan.save(dir),
    outputs: () => read(gan.generate({ ...labels, seed: 3 })),
    dispose: () => gan.dispose(),
  };
}

function cycleSubject(cycle: CycleGan): Subject {
  return {
    trainable: cycle as unknown as Trainable<unknown, unknown>,
    config: cycle.config,
    net: cycle.discriminatorY,
    fit: (settings, onStep) => cycle.fit(...cycle_data, { ...settings, callbacks: [stepCallback(onStep)] }),
    save: (dir) => cycle.save(dir),
    outputs: () => {
      const input = tf.randomUniform([2, 8, 8, 1], -1, 1, 'float32', 5);
      const result = [...read(cycle.translate(input, 'xToY')), ...read(cycle.translate(input, 'yToX'))];
      input.dispose();
      return result;
    },
    dispose: () => cycle.dispose(),
  };
}

function imageToImageSubject(model: ImageToImageGan, data: () => ReturnType<typeof derivePairs>): Subject {
  return {
    trainable: model as unknown as Trainable<unknown, unknown>,
    config: model.config,
    net: model.generator,
    fit: (settings, onStep) => model.fit(data(), { ...settings, callbacks: [stepCallback(onStep)] }),
    save: (dir) => model.save(dir),
    outputs: () => {
      const input = tf.randomUniform([2, ...model.config.inputShape], -1, 1, 'float32', 5) as tf.Tensor4D;
      const result = read(model.translate(input));
      input.dispose();
      return result;
    },
    dispose: () => model.dispose(),
  };
}

/** `count` smooth images `[size, size, channels]` in [-1, 1], a different pattern per `phase`. */
function images(count: number, size: number, channels: number, phase: number): ImageDataset {
  const t = tf.tidy(() => {
    const ramp = tf.linspace(-1, 1, size * size * channels);
    const shifts = tf.reshape(tf.linspace(phase, phase + 3, count), [count, 1]);
    return tf.reshape(tf.sin(tf.add(tf.mul(ramp, 4), shifts)), [count, size, size, channels]) as tf.Tensor4D;
  });
  const set = ImageDataset.fromTensor(t);
  t.dispose();
  return set;
}

// The data, made in beforeAll (after the backend) and freed in afterAll.
let gan_data: ImageDataset;
let cycle_data: [ImageDataset, ImageDataset];
let colour: ImageDataset;
let pix2pix_data: ReturnType<typeof derivePairs>;
let superResolution_data: ReturnType<typeof derivePairs>;
beforeAll(() => {
  gan_data = randomDataset(16, 8, 10, 3);
  cycle_data = [images(8, 8, 1, 0), images(8, 8, 1, 2)];
  colour = images(8, 8, 3, 1);
  pix2pix_data = derivePairs(colour, (y) => tf.mean(y, 3, true) as tf.Tensor4D);
  superResolution_data = derivePairs(colour, (y) => tf.avgPool(y, 2, 2, 'valid') as tf.Tensor4D);
});
afterAll(() => {
  for (const set of [gan_data, ...cycle_data, colour]) set.dispose();
});

const tinyMlp = { generator: { hiddenUnits: [8] }, discriminator: { hiddenUnits: [8] } };

const FAMILIES: Array<[string, Family]> = [
  [
    'GAN',
    {
      make: () => ganSubject(createGan({ latentDim: 4, imageShape: [8, 8, 1], seed: 2, ...tinyMlp })),
      load: async (dir) => ganSubject(await loadGan(dir)),
      data: () => gan_data,
      streams: 1,
    },
  ],
  [
    'CGAN',
    {
      make: () => ganSubject(createCgan({ latentDim: 4, imageShape: [8, 8, 1], numClasses: 10, seed: 2, ...tinyMlp })),
      load: async (dir) => ganSubject(await loadGan(dir)),
      data: () => gan_data,
      streams: 1,
    },
  ],
  [
    'CycleGAN',
    {
      make: () =>
        cycleSubject(
          createCycleGan({
            imageShape: [8, 8, 1],
            generator: { filters: 2, residualBlocks: 1 },
            discriminator: { filters: [2] },
            poolSize: 2,
            seed: 2,
          }),
        ),
      load: async (dir) => cycleSubject(await loadCycleGan(dir)),
      data: () => cycle_data,
      streams: 2,
    },
  ],
  [
    'pix2pix',
    {
      make: () =>
        imageToImageSubject(
          createPix2Pix({
            inputShape: [8, 8, 1],
            targetShape: [8, 8, 3],
            generator: { filters: 2 },
            discriminator: { filters: [2] },
            seed: 2,
          }),
          () => pix2pix_data,
        ),
      load: async (dir) => imageToImageSubject(await loadImageToImageGan(dir), () => pix2pix_data),
      data: () => pix2pix_data,
      streams: 1,
    },
  ],
  [
    'super-resolution',
    {
      make: () =>
        imageToImageSubject(
          createSuperResolutionGan({
            inputShape: [4, 4, 3],
            scale: 2,
            generator: { filters: 2, residualBlocks: 1 },
            discriminator: { filters: [2] },
            seed: 2,
          }),
          () => superResolution_data,
        ),
      load: async (dir) => imageToImageSubject(await loadImageToImageGan(dir), () => superResolution_data),
      data: () => superResolution_data,
      streams: 1,
    },
  ],
];

const SETTINGS: FitSettings = { epochs: 2, batchSize: 2, stepsPerEpoch: 3 };

/** The values each step of `fit` logs, in `logNames` order; stops the run after `stopAfter` steps. */
async function logged(subject: Subject, stopAfter?: number): Promise<number[][]> {
  const rows: number[][] = [];
  await subject.fit(SETTINGS, (logs) => {
    rows.push(subject.trainable.logNames.map((name) => logs[name]));
    if (rows.length === stopAfter) subject.trainable.stopTraining();
  });
  return rows;
}

describe.each(FAMILIES)('%s', (name, family) => {
  test('trainStep returns one finite value per log name, and leaks nothing from the second step on', () => {
    const subject = family.make();
    const { trainable } = subject;
    const steps = trainable.stepData(family.data(), 2);
    const epoch = steps.open(
      Array.from({ length: family.streams }, (_, i) => 11 + i),
      0,
    );
    const counts: number[] = [];
    for (let step = 0; step < 4; step++) {
      const batch = epoch.next();
      const values = read(trainable.trainStep(batch));
      steps.dispose(batch);
      expect(values).toHaveLength(trainable.logNames.length);
      expect(values.every(Number.isFinite)).toBe(true);
      counts.push(tf.memory().numTensors);
    }
    epoch.close();
    expect(counts.slice(1)).toEqual([counts[1], counts[1], counts[1]]);
    subject.dispose();
  });

  test('save → load keeps the config and the outputs', async () => {
    const subject = family.make();
    await logged(subject, 2);
    const dir = path.join(tempDir(), `${name}-round-trip`);
    await subject.save(dir);
    const loaded = await family.load(dir);
    expect(loaded.config).toEqual(subject.config);
    expect(loaded.outputs()).toEqual(subject.outputs());
    expect([loaded.trainable.state.step, loaded.trainable.state.epoch]).toEqual([2, 0]);
    subject.dispose();
    loaded.dispose();
  });

  test('a run stopped inside an epoch, saved, loaded and continued logs what the uninterrupted run logs', async () => {
    const straight = family.make();
    const reference = await logged(straight);
    expect(reference).toHaveLength(SETTINGS.epochs * SETTINGS.stepsPerEpoch);
    const first = family.make();
    const before = await logged(first, 2); // 2 of the first epoch's 3 steps
    expect(first.trainable.state.progress?.steps).toBe(2);
    const dir = path.join(tempDir(), `${name}-resume`);
    await first.save(dir);
    first.dispose();
    const resumed = await family.load(dir);
    const after = await logged(resumed);
    expect([...before, ...after]).toEqual(reference);
    expect(resumed.outputs()).toEqual(straight.outputs());
    straight.dispose();
    resumed.dispose();
  });

  test('a NaN weight makes fit throw a TrainingDivergedError at the first step', async () => {
    const subject = family.make();
    const weight = subject.net.trainableWeights[0];
    const nan = tf.fill(weight.shape as number[], NaN);
    weight.write(nan);
    nan.dispose();
    const error = await subject.fit(SETTINGS, () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as TrainingDivergedError).step).toBe(1);
    subject.dispose();
  });
});
