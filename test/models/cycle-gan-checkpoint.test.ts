/**
 * CycleGAN's checkpoints: named-nets checkpoints with the image pools as blobs, and those written
 * before that format (`cyclegan.json`) still load and resume: test/fixtures/cyclegan-format-1/ was
 * saved by that code (scripts/make-checkpoint-fixtures.ts), with what the model translated and
 * logged recorded beside it at the time. A loader given another family's checkpoint names the
 * loader that reads it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from '../../src/errors';
import { ImageDataset } from '../../src/data/dataset';
import { createGan } from '../../src/models/gan/create';
import { createPix2Pix } from '../../src/models/image-to-image/create-pix2pix';
import { loadCycleGan } from '../../src/models/cycle/load';
import { loadGan } from '../../src/models/gan/load';
import { loadImageToImageGan } from '../../src/models/image-to-image/load';
import { saveCheckpoint } from '../../src/train/checkpoint';
import { type CycleGan } from '../../src/models/cycle/cycle-gan';
import { type CycleGanConfig } from '../../src/models/cycle/config';
import { type FitProgress } from '../../src/train/trainable';
import { writeManifest } from '../../src/io/checkpoint-manifest';
import { useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('cycle-checkpoint');

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'cyclegan-format-1');

interface Expected {
  config: CycleGanConfig;
  data: { x: number[]; y: number[]; input: number[] };
  saved: { step: number; epoch: number; progress: FitProgress; poolSizes: [number, number] };
  translations: { xToY: number[]; yToX: number[] };
  restOfEpoch: { logNames: string[]; rows: number[][] };
}
const expected = JSON.parse(readFileSync(`${FIXTURE}.json`, 'utf8')) as Expected;

beforeAll(async () => {
  await useDefaultBackend();
});

const images = (values: number[]): tf.Tensor4D => tf.tensor4d(values, [values.length / 64, 8, 8, 1]);

function translations(cycle: CycleGan): { xToY: number[]; yToX: number[] } {
  const input = images(expected.data.input);
  const read = (direction: 'xToY' | 'yToX'): number[] => {
    const t = cycle.translate(input, direction);
    const v = Array.from(t.dataSync());
    t.dispose();
    return v;
  };
  const result = { xToY: read('xToY'), yToX: read('yToX') };
  input.dispose();
  return result;
}

/** Trains `cycle` to the end of its epoch on the fixture's data; the values each step logged. */
async function restOfEpoch(cycle: CycleGan): Promise<number[][]> {
  const [x, y] = [images(expected.data.x), images(expected.data.y)];
  const [dataX, dataY] = [ImageDataset.fromTensor(x), ImageDataset.fromTensor(y)];
  tf.dispose([x, y]);
  const rows: number[][] = [];
  await cycle.fit(dataX, dataY, {
    epochs: 1,
    callbacks: [
      {
        onBatchEnd: (logs) => {
          rows.push(cycle.logNames.map((name) => logs[name]));
        },
      },
    ],
  });
  dataX.dispose();
  dataY.dispose();
  return rows;
}

test('a CycleGAN checkpoint of format 1 (cyclegan.json) loads as it was saved and resumes bit-exactly', async () => {
  const cycle = await loadCycleGan(FIXTURE);
  expect(cycle.config).toEqual(expected.config);
  // Format 1 kept the position in the epoch without the batch size and epoch length it was run with.
  const { steps, shuffleSeeds, totals } = expected.saved.progress;
  expect([cycle.step, cycle.epoch, cycle.state.progress]).toEqual([
    expected.saved.step,
    expected.saved.epoch,
    { steps, shuffleSeeds, totals },
  ]);
  expect([cycle.poolX.size, cycle.poolY.size]).toEqual(expected.saved.poolSizes);
  expect(translations(cycle)).toEqual(expected.translations);
  expect([...cycle.logNames]).toEqual(expected.restOfEpoch.logNames);
  expect(await restOfEpoch(cycle)).toEqual(expected.restOfEpoch.rows);
  expect([cycle.step, cycle.epoch, cycle.state.progress]).toEqual([expected.saved.step + 2, 1, null]);
  cycle.dispose();
});

test('re-saved, a format 1 checkpoint is a named-nets one (pools as blobs in the manifest) that resumes the same', async () => {
  const old = await loadCycleGan(FIXTURE);
  const dir = path.join(tempDir(), 're-saved');
  await old.save(dir);
  old.dispose();
  const files = await fs.readdir(dir);
  expect(files).toContain('state.json');
  expect(files).not.toContain('cyclegan.json');
  const state = JSON.parse(await fs.readFile(path.join(dir, 'state.json'), 'utf8')) as Record<string, unknown>;
  const poolBytes = 2 * 64 * 4; // 2 images of 8×8×1 float32
  expect([state.family, state.blobs, state.extra]).toEqual([
    'cycle-gan',
    { 'pool-x': poolBytes, 'pool-y': poolBytes },
    { pools: { x: 2, y: 2 } },
  ]);
  const manifest = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
    files: Array<{ path: string; bytes: number }>;
  };
  const listed = new Map(manifest.files.map((f) => [f.path, f.bytes]));
  expect([listed.get('pool-x.bin'), listed.get('pool-y.bin'), listed.has('state.json')]).toEqual([
    poolBytes,
    poolBytes,
    true,
  ]);
  const cycle = await loadCycleGan(dir);
  expect(translations(cycle)).toEqual(expected.translations);
  expect(await restOfEpoch(cycle)).toEqual(expected.restOfEpoch.rows);
  cycle.dispose();
});

test('a pool blob that does not have the length state.json records is a CheckpointError naming it', async () => {
  const cycle = await loadCycleGan(FIXTURE);
  const dir = path.join(tempDir(), 'short-pool');
  await cycle.save(dir);
  cycle.dispose();
  // A consistent manifest over the shortened file: only the recorded length can tell.
  const pool = path.join(dir, 'pool-y.bin');
  await fs.writeFile(pool, (await fs.readFile(pool)).subarray(0, 256));
  await writeManifest(dir);
  const before = tf.memory().numTensors;
  const error = (await loadCycleGan(dir).catch((e: unknown) => e)) as Error;
  expect(error).toBeInstanceOf(CheckpointError);
  expect(error.message).toBe(`${pool}: holds 256 bytes; the state file records 512`);
  expect(tf.memory().numTensors).toBe(before); // what it had built is disposed
});

test('a pool blob missing from the manifest, or from state.json, is a CheckpointError naming the file', async () => {
  const cycle = await loadCycleGan(FIXTURE);
  const gone = path.join(tempDir(), 'pool-gone');
  await cycle.save(gone);
  const unlisted = path.join(tempDir(), 'pool-unlisted');
  await cycle.save(unlisted);
  cycle.dispose();
  await fs.rm(path.join(gone, 'pool-x.bin'));
  await writeManifest(gone); // a manifest that verifies, without the pool
  await expect(loadCycleGan(gone)).rejects.toThrow(`${path.join(gone, 'pool-x.bin')}: is missing from the manifest`);
  const stateFile = path.join(unlisted, 'state.json');
  const state = JSON.parse(await fs.readFile(stateFile, 'utf8')) as { blobs: Record<string, number> };
  delete state.blobs['pool-y'];
  await fs.writeFile(stateFile, JSON.stringify(state));
  await writeManifest(unlisted);
  await expect(loadCycleGan(unlisted)).rejects.toThrow(`${stateFile}: blobs.pool-y: missing`);
});

describe('a loader given another family’s checkpoint names the loader to use', () => {
  let dirs: { gan: string; cycle: string; pix2pix: string; ganCollection: string };
  beforeAll(async () => {
    const root = tempDir();
    dirs = {
      gan: path.join(root, 'gan'),
      cycle: path.join(root, 'cycle'),
      pix2pix: path.join(root, 'pix2pix'),
      ganCollection: path.join(root, 'gan-collection'),
    };
    const gan = createGan({
      latentDim: 2,
      imageShape: [4, 4, 1],
      generator: { hiddenUnits: [4] },
      discriminator: { hiddenUnits: [4] },
    });
    await gan.save(dirs.gan);
    await saveCheckpoint(gan, dirs.ganCollection);
    gan.dispose();
    const cycle = await loadCycleGan(FIXTURE);
    await cycle.save(dirs.cycle);
    cycle.dispose();
    const pix2pix = createPix2Pix({
      inputShape: [8, 8, 1],
      targetShape: [8, 8, 3],
      generator: { filters: 2 },
      discriminator: { filters: [2] },
    });
    await pix2pix.save(dirs.pix2pix);
    pix2pix.dispose();
  });

  const cases: Array<[string, () => Promise<unknown>, keyof typeof dirs, RegExp]> = [
    ['loadCycleGan, a GAN', () => loadCycleGan(dirs.gan), 'gan', /a GAN checkpoint.*load it with loadGan\(\)/],
    ['loadCycleGan, GANs', () => loadCycleGan(dirs.ganCollection), 'ganCollection', /load it with loadGan\(\)/],
    ['loadCycleGan, a pix2pix', () => loadCycleGan(dirs.pix2pix), 'pix2pix', /load it with loadImageToImageGan\(\)/],
    ['loadGan, a CycleGAN', () => loadGan(dirs.cycle), 'cycle', /a CycleGAN checkpoint.*load it with loadCycleGan\(\)/],
    ['loadGan, an old CycleGAN', () => loadGan(FIXTURE), 'cycle', /\(cyclegan\.json\).*load it with loadCycleGan\(\)/],
    ['loadGan, a pix2pix', () => loadGan(dirs.pix2pix), 'pix2pix', /image-to-image GAN.*loadImageToImageGan\(\)/],
    ['loadImageToImageGan, a CycleGAN', () => loadImageToImageGan(dirs.cycle), 'cycle', /loadCycleGan\(\)/],
    ['loadImageToImageGan, a GAN', () => loadImageToImageGan(dirs.gan), 'gan', /load it with loadGan\(\)/],
  ];
  test.each(cases)('%s', async (_name, load, _dir, message) => {
    const error = (await load().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toMatch(message);
  });
});
