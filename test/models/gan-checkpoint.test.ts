/**
 * GAN checkpoints: named-nets checkpoints of the family `gan` (G and D with their optimizer
 * states, the averaged generator as a frozen net with its options in the state file, every file
 * in the manifest), and those written before that format (`gankit.json`) still load and resume:
 * test/fixtures/gan-format-2/ was saved by that code (scripts/make-checkpoint-fixtures.ts), with
 * what the GAN drew and logged recorded beside it at the time. `Gan.restore` puts any of them
 * into a GAN in place.
 */
import * as tf from '@tensorflow/tfjs-core';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from '../../src/errors';
import { ImageDataset } from '../../src/data/dataset';
import { createCgan } from '../../src/models/gan/create';
import { loadGan } from '../../src/models/gan/load';
import { readCheckpointState } from '../../src/models/gan/checkpoint-state';
import { writeManifest } from '../../src/io/checkpoint-manifest';
import { type Gan } from '../../src/models/gan/gan';
import { type GanConfig } from '../../src/models/gan/config';
import { type EmaOptions } from '../../src/train/ema';
import { type FitProgress } from '../../src/train/trainable';
import { type TrainerCallback } from '../../src/train/trainer';
import { useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('gan-checkpoint');

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'gan-format-2');
const EMA = 'ema-generator';

interface Samples {
  averaged: number[];
  raw: number[];
}
interface Expected {
  config: GanConfig;
  data: { pixels: number[]; labels: number[]; numClasses: number };
  batchSize: number;
  saved: { step: number; epoch: number; progress: FitProgress; averaged: EmaOptions };
  sample: { labels: number[]; seed: number };
  samples: Samples;
  restOfEpoch: { logNames: string[]; rows: number[][] };
  samplesAfterEpoch: Samples;
}
const expected = JSON.parse(readFileSync(`${FIXTURE}.json`, 'utf8')) as Expected;

beforeAll(async () => {
  await useDefaultBackend();
});

function dataset(): ImageDataset {
  const { pixels, labels, numClasses } = expected.data;
  return ImageDataset.fromPixels(Uint8Array.from(pixels), [labels.length, 8, 8, 1], labels, { numClasses });
}

/** What the fixture's script drew: from the averaged G (what `generate` gives) and from G. */
function samples(gan: Gan): Samples {
  const read = (t: tf.Tensor): number[] => {
    const v = Array.from(t.dataSync());
    t.dispose();
    return v;
  };
  return { averaged: read(gan.generate(expected.sample)), raw: read(gan.raw.generate(expected.sample)) };
}

/** Trains `gan` to the end of its epoch on the fixture's data; the values each step logged. */
async function restOfEpoch(gan: Gan): Promise<number[][]> {
  const data = dataset();
  const rows: number[][] = [];
  await gan.fit(data, {
    epochs: gan.state.epoch + 1,
    batchSize: expected.batchSize,
    callbacks: [{ onBatchEnd: (logs) => void rows.push(gan.trainer.logNames.map((name) => logs[name])) }],
  });
  data.dispose();
  return rows;
}

/** `gan` re-saved into a fresh folder of the temp dir (the new format). */
async function resaved(name: string): Promise<string> {
  const gan = await loadGan(FIXTURE);
  const dir = path.join(tempDir(), name);
  await gan.save(dir);
  gan.dispose();
  return dir;
}

const flipByte = async (file: string): Promise<void> => {
  const bytes = await fs.readFile(file);
  bytes[Math.floor(bytes.length / 2)] ^= 0x01;
  await fs.writeFile(file, bytes);
};

describe('a GAN checkpoint of format 2 (gankit.json)', () => {
  test('loads as it was saved (config, counters, position, averaged G and its options) and resumes bit-exactly', async () => {
    const gan = await loadGan(FIXTURE);
    expect(gan.config).toEqual(expected.config);
    expect([gan.state.step, gan.state.epoch, gan.state.progress]).toEqual([
      expected.saved.step,
      expected.saved.epoch,
      expected.saved.progress,
    ]);
    expect(gan.averaged?.options).toEqual(expected.saved.averaged);
    expect(samples(gan)).toEqual(expected.samples);
    expect([...gan.logNames]).toEqual(expected.restOfEpoch.logNames);
    expect(await restOfEpoch(gan)).toEqual(expected.restOfEpoch.rows);
    expect(samples(gan)).toEqual(expected.samplesAfterEpoch);
    expect([gan.state.step, gan.state.epoch, gan.state.progress]).toEqual([
      expected.saved.step + expected.restOfEpoch.rows.length,
      expected.saved.epoch + 1,
      null,
    ]);
    gan.dispose();
  });

  test('readCheckpointState reads it into the named-nets form, saying which format it was', async () => {
    const state = await readCheckpointState(FIXTURE);
    expect([state.format, state.formatVersion, state.family]).toEqual(['gankit-checkpoint', 2, 'gan']);
    expect(Object.keys(state.nets).sort()).toEqual(['discriminator', EMA, 'generator']);
    expect(state.nets[EMA].optimizer).toBeNull();
    expect(state.nets.generator.adamPowers).toBeDefined();
    expect([state.step, state.epoch, state.progress]).toEqual([
      expected.saved.step,
      expected.saved.epoch,
      expected.saved.progress,
    ]);
    expect(state.extra).toEqual({ averagedGenerator: expected.saved.averaged });
  });

  test('re-saved, it is a named-nets checkpoint (the averaged G a frozen net, every file in the manifest) that resumes the same', async () => {
    const dir = await resaved('re-saved');
    const files = await fs.readdir(dir);
    expect(files).toContain('state.json');
    expect(files).not.toContain('gankit.json');
    const state = JSON.parse(await fs.readFile(path.join(dir, 'state.json'), 'utf8')) as Record<string, unknown>;
    const nets = state.nets as Record<string, { optimizer: unknown }>;
    expect([state.format, state.family, state.extra, nets[EMA]]).toEqual([
      'gankit-nets-checkpoint',
      'gan',
      { averagedGenerator: expected.saved.averaged },
      { optimizer: null },
    ]);
    expect(state.progress).toEqual(expected.saved.progress);
    const manifest = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
      files: Array<{ path: string }>;
    };
    expect(manifest.files.map((f) => f.path).sort()).toEqual([
      'discriminator/model.json',
      'discriminator/weights.bin',
      `${EMA}/model.json`,
      `${EMA}/weights.bin`,
      'generator/model.json',
      'generator/weights.bin',
      'optimizer-discriminator.bin',
      'optimizer-generator.bin',
      'state.json',
    ]);
    const gan = await loadGan(dir);
    expect(gan.averaged?.options).toEqual(expected.saved.averaged);
    expect(samples(gan)).toEqual(expected.samples);
    expect(await restOfEpoch(gan)).toEqual(expected.restOfEpoch.rows);
    expect(samples(gan)).toEqual(expected.samplesAfterEpoch);
    gan.dispose();
  });

  test('of the earlier layout (ema-generator/ written after the manifest, no options) still loads its average', async () => {
    const dir = path.join(tempDir(), 'unlisted-average');
    await fs.cp(FIXTURE, dir, { recursive: true });
    const stateFile = path.join(dir, 'gankit.json');
    const state = JSON.parse(await fs.readFile(stateFile, 'utf8')) as Record<string, unknown>;
    delete state.averagedGenerator;
    await fs.writeFile(stateFile, JSON.stringify(state));
    // The manifest as the old writer left it: written before ema-generator/ was.
    const aside = path.join(tempDir(), 'unlisted-aside');
    await fs.rename(path.join(dir, EMA), aside);
    await writeManifest(dir);
    await fs.rename(aside, path.join(dir, EMA));
    const gan = await loadGan(dir);
    expect(gan.averaged).not.toBeNull();
    expect(gan.averaged?.decay).toBe(0.999); // no options recorded: the defaults
    expect(samples(gan)).toEqual(expected.samples); // the same average
    gan.dispose();
  });

  test('without its manifest it is refused: every checkpoint of format 2 has one', async () => {
    const dir = path.join(tempDir(), 'format-2-no-manifest');
    await fs.cp(FIXTURE, dir, { recursive: true });
    await fs.rm(path.join(dir, 'manifest.json'));
    await expect(loadGan(dir)).rejects.toThrow(
      `${path.join(dir, 'manifest.json')}: is missing; every checkpoint of format 2 has one`,
    );
  });
});

describe('a GAN checkpoint of format 1 (gankit.json, no manifest)', () => {
  // Written by the gankit of format 1 (scripts/make-gan-format-1-fixture.ts, from ba46faa), whose
  // trainer drew differently: what it logged next is not this trainer's to repeat, its G's samples are.
  const FORMAT_1 = path.join(__dirname, '..', 'fixtures', 'gan-format-1');
  const old = JSON.parse(readFileSync(`${FORMAT_1}.json`, 'utf8')) as Pick<Expected, 'config' | 'sample'> & {
    saved: { step: number; epoch: number };
    samples: number[];
  };

  test('loads as it was saved: config, counters at its epoch boundary, and the samples its G drew then', async () => {
    const gan = await loadGan(FORMAT_1);
    expect(gan.config).toEqual(old.config);
    expect([gan.state.step, gan.state.epoch, gan.state.progress, gan.averaged]).toEqual([
      old.saved.step,
      old.saved.epoch,
      null,
      null,
    ]);
    const drawn = gan.generate(old.sample);
    expect(Array.from(drawn.dataSync())).toEqual(old.samples);
    drawn.dispose();
    gan.dispose();
    const state = await readCheckpointState(FORMAT_1);
    expect([state.format, state.formatVersion, Object.keys(state.nets).sort()]).toEqual([
      'gankit-checkpoint',
      1,
      ['discriminator', 'generator'],
    ]);
    expect(state.nets.generator.optimizer?.length).toBeGreaterThan(1); // Adam's state, without its powers
    expect(state.nets.generator.adamPowers).toBeUndefined();
  });

  test('trains on from it, and re-saved in the new format it trains on the same, to the bit', async () => {
    const straight = await loadGan(FORMAT_1);
    const rows = await restOfEpoch(straight);
    expect(rows).toHaveLength(4);
    const final = samples(straight);
    straight.dispose();
    const first = await loadGan(FORMAT_1);
    const dir = path.join(tempDir(), 'format-1-re-saved');
    await first.save(dir);
    first.dispose();
    expect((await readCheckpointState(dir)).format).toBe('gankit-nets-checkpoint');
    const again = await loadGan(dir);
    expect(await restOfEpoch(again)).toEqual(rows);
    expect(samples(again)).toEqual(final);
    again.dispose();
  });
});

describe('a one-byte change to a file of the averaged generator is a CheckpointError naming the file', () => {
  test.each([['model.json'], ['weights.bin']])(
    `${EMA}/%s, in a new checkpoint and in one of format 2`,
    async (file) => {
      const fresh = await resaved(`flipped-${file}`);
      const gan = await loadGan(FIXTURE);
      const old = path.join(tempDir(), `flipped-old-${file}`);
      await fs.cp(FIXTURE, old, { recursive: true });
      for (const dir of [fresh, old]) {
        const target = path.join(dir, EMA, file);
        await flipByte(target);
        const error = (await loadGan(dir).catch((e: unknown) => e)) as Error;
        expect(error).toBeInstanceOf(CheckpointError);
        expect(error.message.startsWith(`${target}: does not match its checksum in the manifest`)).toBe(true);
        await expect(loadGan(dir, { averagedGenerator: false })).rejects.toThrow(target);
        await expect(gan.restore(dir)).rejects.toThrow(target);
      }
      expect(samples(gan)).toEqual(expected.samples); // the refused restores changed nothing
      gan.dispose();
    },
  );
});

describe('Gan.restore', () => {
  test('puts a checkpoint of either format into the GAN in place: it then resumes bit-exactly, with no tensor left behind', async () => {
    const newFormat = await resaved('restore-source');
    const gan = await loadGan(FIXTURE);
    for (const dir of [FIXTURE, newFormat]) {
      await restOfEpoch(gan); // the GAN moves on ...
      expect(samples(gan)).toEqual(expected.samplesAfterEpoch);
      const tensors = tf.memory().numTensors;
      expect(await gan.restore(dir)).toBe(expected.saved.step); // ... and is put back
      expect(tf.memory().numTensors).toBe(tensors);
      expect([gan.state.step, gan.state.epoch, gan.state.progress]).toEqual([
        expected.saved.step,
        expected.saved.epoch,
        expected.saved.progress,
      ]);
      expect(samples(gan)).toEqual(expected.samples);
      expect(await restOfEpoch(gan)).toEqual(expected.restOfEpoch.rows);
      expect(samples(gan)).toEqual(expected.samplesAfterEpoch);
      await gan.restore(dir);
    }
    gan.dispose();
  });

  test('a checkpoint of other nets is refused naming the file, and leaves the GAN as it was', async () => {
    const other = createCgan({
      latentDim: 4,
      imageShape: [8, 8, 1],
      numClasses: 3,
      generator: { hiddenUnits: [16] },
      discriminator: { hiddenUnits: [8] },
      seed: 2,
    });
    other.averageWeights();
    const before = samples(other);
    const error = (await other.restore(FIXTURE).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toMatch(
      new RegExp(
        `^${path.join(FIXTURE, 'generator', 'model.json')}: weight '.+' is float32 \\[\\d+,8\\]; the GAN's generator's weight \\d+ needs float32 \\[\\d+,16\\]`,
      ),
    );
    expect(samples(other)).toEqual(before);
    expect([other.state.step, other.state.epoch]).toEqual([0, 0]);
    other.dispose();
  });

  test('a GAN that averages restarts its average from G when the checkpoint holds none', async () => {
    const plain = await loadGan(FIXTURE, { averagedGenerator: false });
    const dir = path.join(tempDir(), 'no-average');
    await plain.save(dir);
    plain.dispose();
    const gan = await loadGan(FIXTURE);
    await restOfEpoch(gan);
    await gan.restore(dir);
    const drawn = samples(gan);
    expect(drawn.raw).toEqual(expected.samples.raw);
    expect(drawn.averaged).toEqual(expected.samples.raw); // the average is G again
    gan.dispose();
  });
});

describe('on cpu: a new checkpoint saved inside an epoch, loaded and continued, repeats the uninterrupted run to the bit', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(async () => {
    await tf.setBackend(await useDefaultBackend());
  });

  const build = (): Gan => {
    const gan = createCgan({
      latentDim: 4,
      imageShape: [8, 8, 1],
      numClasses: 3,
      generator: { hiddenUnits: [8] },
      discriminator: { hiddenUnits: [8], dropout: 0.3 },
      seed: 21,
    });
    gan.averageWeights({ decay: 0.8, startStep: 2 });
    return gan;
  };

  test('through loadGan and through Gan.restore', async () => {
    const data = dataset();
    const fit = { epochs: 3, batchSize: 2 }; // 4 steps an epoch
    const rowsOf = (gan: Gan, rows: number[][], stopAt?: number): TrainerCallback => ({
      onBatchEnd: (logs) => {
        rows.push(gan.trainer.logNames.map((name) => logs[name]));
        if (logs.step === stopAt) gan.stopTraining();
      },
    });
    const reference: number[][] = [];
    const straight = build();
    await straight.fit(data, { ...fit, callbacks: [rowsOf(straight, reference)] });
    const final = samples(straight);
    straight.dispose();

    const rows: number[][] = [];
    const first = build();
    await first.fit(data, { ...fit, callbacks: [rowsOf(first, rows, 6)] }); // stopped inside epoch 2
    const dir = path.join(tempDir(), 'cpu');
    await first.save(dir);
    const loaded = await loadGan(dir);
    await loaded.fit(data, { ...fit, callbacks: [rowsOf(loaded, rows)] });
    expect(rows).toEqual(reference);
    expect(samples(loaded)).toEqual(final);
    loaded.dispose();

    // The same from the first GAN, restored in place after it trained on.
    await first.fit(data, { ...fit });
    expect(await first.restore(dir)).toBe(6);
    const again = reference.slice(0, 6);
    await first.fit(data, { ...fit, callbacks: [rowsOf(first, again)] });
    expect(again).toEqual(reference);
    expect(samples(first)).toEqual(final);
    first.dispose();
    data.dispose();
  });
});
