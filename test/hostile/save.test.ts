/**
 * Saves never delete or overwrite what gankit did not write: `Gan.save` over a user's folder, a
 * file, an empty or root-like path; checkpoint folders, sample grids, loss logs and exported
 * models over user files. Each refusal is a typed error naming the path, thrown before any work
 * is written (from callbacks: before the first training step), and the user's files are intact.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, OutputPathError } from '../../src/errors';
import { ImageDataset } from '../../src/data/dataset';
import { Rng } from '../../src/random';
import { checkpoints } from '../../src/callbacks/checkpoints';
import { createCgan } from '../../src/models/gan/create';
import { createCycleGan } from '../../src/models/cycle/create';
import { fileSystemHandler } from '../../src/io/file-system';
import { isGankitPng, saveImageGrid } from '../../src/image/png';
import { loadGan } from '../../src/models/gan/load';
import { lossLog } from '../../src/callbacks/loss-log';
import { sampleGrids } from '../../src/callbacks/sample-grids';
import { saveCheckpoint } from '../../src/train/checkpoint';
import { translationGrids } from '../../src/models/cycle/translation-grids';
import { type Gan } from '../../src/models/gan/gan';
import { randomDataset, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('hostile-save');
beforeAll(async () => {
  await useDefaultBackend();
});

const tiny = (): Gan =>
  createCgan({
    latentDim: 4,
    imageShape: [4, 4, 1],
    numClasses: 3,
    generator: { hiddenUnits: [8] },
    discriminator: { hiddenUnits: [8] },
    seed: 1,
  });

let counter = 0;
const fresh = async (): Promise<string> => {
  const dir = path.join(tempDir(), `case-${counter++}`);
  await fs.mkdir(dir, { recursive: true });
  return dir;
};

/** Every file under `dir` with its contents, to show nothing changed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    out[path.relative(dir, full)] = (await fs.readFile(full)).toString('base64');
  }
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('Gan.save replaces only a gankit checkpoint', () => {
  test('a folder of user files is refused with the path named, and every file stays', async () => {
    const root = await fresh();
    const project = path.join(root, 'my-project');
    await fs.mkdir(path.join(project, 'src'), { recursive: true });
    await fs.writeFile(path.join(project, 'README.md'), 'my work');
    await fs.writeFile(path.join(project, 'src', 'main.ts'), 'export {}');
    const before = await snapshot(project);
    const gan = tiny();
    const error = await rejection(gan.save(project));
    gan.dispose();
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).path).toBe(project);
    expect((error as Error).message).toMatch(/not a gankit checkpoint.*move these files away/);
    expect(await snapshot(project)).toEqual(before);
    // Nothing else was left beside it either (no temporary folder).
    expect((await fs.readdir(root)).sort()).toEqual(['my-project']);
  });

  test('a file is refused and stays as it was', async () => {
    const root = await fresh();
    const thesis = path.join(root, 'thesis.txt');
    await fs.writeFile(thesis, 'chapter 1');
    const gan = tiny();
    const error = await rejection(gan.save(thesis));
    gan.dispose();
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(/is a file/);
    expect(await fs.readFile(thesis, 'utf8')).toBe('chapter 1');
  });

  test("'' and root-like paths are refused before anything is written", async () => {
    const root = await fresh();
    await fs.writeFile(path.join(root, 'keep.txt'), 'mine');
    const cwd = process.cwd();
    process.chdir(root);
    const gan = tiny();
    try {
      for (const target of ['', '  ', '.', './', '..', '/', path.parse(root).root]) {
        const error = await rejection(gan.save(target));
        expect(error).toBeInstanceOf(CheckpointError);
      }
      expect(await fs.readFile(path.join(root, 'keep.txt'), 'utf8')).toBe('mine');
      expect(await fs.readdir(root)).toEqual(['keep.txt']);
    } finally {
      process.chdir(cwd);
      gan.dispose();
    }
  });

  test('a checkpoint, an empty folder and a collection of checkpoints are replaced', async () => {
    const root = await fresh();
    const gan = tiny();
    const single = path.join(root, 'single');
    await gan.save(single);
    await gan.save(single); // over its own checkpoint
    expect((await loadGan(single)).config).toEqual(gan.config);
    const empty = path.join(root, 'empty');
    await fs.mkdir(empty);
    await gan.save(empty);
    const collection = path.join(root, 'collection');
    await saveCheckpoint(gan, collection);
    await gan.save(collection);
    expect(await fs.readdir(collection)).toContain('state.json');
    gan.dispose();
  });

  test('a checkpoint with a user file added, or one whose files changed, is refused', async () => {
    const root = await fresh();
    const gan = tiny();
    const added = path.join(root, 'added');
    await gan.save(added);
    await fs.writeFile(path.join(added, 'notes.txt'), 'my notes');
    expect(await rejection(gan.save(added))).toBeInstanceOf(CheckpointError);
    expect(await fs.readFile(path.join(added, 'notes.txt'), 'utf8')).toBe('my notes');
    const changed = path.join(root, 'changed');
    await gan.save(changed);
    await fs.writeFile(path.join(changed, 'state.json'), '{"edited": true}');
    expect(await rejection(gan.save(changed))).toBeInstanceOf(CheckpointError);
    expect(await fs.readFile(path.join(changed, 'state.json'), 'utf8')).toBe('{"edited": true}');
    const collection = path.join(root, 'collection');
    await saveCheckpoint(gan, collection);
    await fs.writeFile(path.join(collection, 'plan.md'), 'plan');
    expect(await rejection(gan.save(collection))).toBeInstanceOf(CheckpointError);
    expect(await fs.readFile(path.join(collection, 'plan.md'), 'utf8')).toBe('plan');
    gan.dispose();
  });

  test("a user's file whose name looks like a leftover of a crashed write is not removed", async () => {
    const root = await fresh();
    const target = path.join(root, 'ckpt');
    await fs.writeFile(path.join(root, 'ckpt.tmp-notes'), 'mine');
    await fs.writeFile(path.join(root, 'ckpt.old-draft'), 'mine too');
    const gan = tiny();
    await gan.save(target);
    gan.dispose();
    expect((await fs.readdir(root)).sort()).toEqual(['ckpt', 'ckpt.old-draft', 'ckpt.tmp-notes']);
  });
});

describe('callbacks check their output paths before training time is spent', () => {
  const data = (): ReturnType<typeof randomDataset> => randomDataset(8, 4, 3);

  test('checkpoints({ dir }) on a file: a CheckpointError at the start, no step trained', async () => {
    const root = await fresh();
    const file = path.join(root, 'out');
    await fs.writeFile(file, 'a file');
    const gan = tiny();
    const images = data();
    const error = await rejection(
      gan.fit(images, { epochs: 1, batchSize: 4, callbacks: [checkpoints(gan, { dir: path.join(file, 'ckpt') })] }),
    );
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).path).toBe(file);
    expect(gan.trainer.step).toBe(0);
    expect(await fs.readFile(file, 'utf8')).toBe('a file');
    gan.dispose();
    images.dispose();
  });

  test("sampleGrids over a user's PNG is refused at the start; its own grids are replaced", async () => {
    const root = await fresh();
    const foreign = path.join(root, 'epoch-001.png');
    await fs.writeFile(foreign, 'not gankit');
    const gan = tiny();
    const images = data();
    const error = await rejection(
      gan.fit(images, { epochs: 1, batchSize: 4, callbacks: [sampleGrids({ dir: root, columns: 2 })] }),
    );
    expect(error).toBeInstanceOf(OutputPathError);
    expect((error as OutputPathError).path).toBe(foreign);
    expect(gan.trainer.step).toBe(0);
    expect(await fs.readFile(foreign, 'utf8')).toBe('not gankit');
    const own = path.join(root, 'own');
    for (let run = 0; run < 2; run++)
      await gan.fit(images, { epochs: 1, batchSize: 4, callbacks: [sampleGrids({ dir: own, columns: 2 })] });
    expect(isGankitPng(await fs.readFile(path.join(own, 'epoch-001.png')))).toBe(true);
    gan.dispose();
    images.dispose();
  });

  test('saveImageGrid marks its PNGs and refuses a PNG it did not write', async () => {
    const root = await fresh();
    const file = path.join(root, 'grid.png');
    const images = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
    await saveImageGrid(file, images);
    const bytes = await fs.readFile(file);
    expect(isGankitPng(bytes)).toBe(true);
    // The same image without gankit's text chunk (Software: gankit, 12 + 15 bytes after IHDR).
    const unmarked = Buffer.concat([bytes.subarray(0, 33), bytes.subarray(33 + 27)]);
    expect(isGankitPng(unmarked)).toBe(false);
    await fs.writeFile(file, unmarked);
    expect(await rejection(saveImageGrid(file, images))).toBeInstanceOf(OutputPathError);
    expect((await fs.readFile(file)).equals(unmarked)).toBe(true);
    images.dispose();
  });

  test("lossLog on a user's file is refused at the start; its own log is kept and extended", async () => {
    const root = await fresh();
    const notes = path.join(root, 'notes.txt');
    await fs.writeFile(notes, 'epoch,my,own,columns\n1,2,3,4\n');
    const gan = tiny();
    const images = data();
    const error = await rejection(gan.fit(images, { epochs: 1, batchSize: 4, callbacks: [lossLog({ file: notes })] }));
    expect(error).toBeInstanceOf(OutputPathError);
    expect(gan.trainer.step).toBe(0);
    expect(await fs.readFile(notes, 'utf8')).toBe('epoch,my,own,columns\n1,2,3,4\n');
    const csv = path.join(root, 'losses.csv');
    await gan.fit(images, { epochs: 1, batchSize: 4, callbacks: [lossLog({ file: csv })] });
    await gan.fit(images, { epochs: 2, batchSize: 4, callbacks: [lossLog({ file: csv })] });
    expect((await fs.readFile(csv, 'utf8')).trim().split('\n')).toHaveLength(1 + 4);
    gan.dispose();
    images.dispose();
  });

  test("fileSystemHandler refuses to overwrite a user's model.json or a lone weights.bin", async () => {
    const root = await fresh();
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
    await fs.writeFile(path.join(root, 'model.json'), '{"mine": true}');
    expect(await rejection(model.save(fileSystemHandler(root)))).toBeInstanceOf(OutputPathError);
    expect(await fs.readFile(path.join(root, 'model.json'), 'utf8')).toBe('{"mine": true}');
    const lone = await fresh();
    await fs.writeFile(path.join(lone, 'weights.bin'), 'data');
    expect(await rejection(model.save(fileSystemHandler(lone)))).toBeInstanceOf(OutputPathError);
    const own = await fresh();
    await model.save(fileSystemHandler(own));
    await model.save(fileSystemHandler(own)); // over its own save
    model.dispose();
  });
});

describe('fuzz: a save over a randomly changed checkpoint', () => {
  test('replaces it only when it is unchanged, else refuses and every file stays byte for byte', async () => {
    const root = await fresh();
    const gan = tiny();
    const good = path.join(root, 'good');
    await gan.save(good);
    const files = Object.keys(await snapshot(good));
    const rng = new Rng(21);
    const rounds = 60;
    let replaced = 0;
    let refused = 0;
    for (let round = 0; round < rounds; round++) {
      const dir = path.join(root, `round-${round}`);
      await fs.cp(good, dir, { recursive: true });
      const kind = rng.nextInt(5);
      const file = path.join(dir, files[rng.nextInt(files.length)]);
      if (kind === 1) await fs.writeFile(path.join(dir, `user-${round}.txt`), 'mine');
      if (kind === 2) await fs.rm(file);
      if (kind === 3) {
        // Not the manifest: a flipped byte there may only change its white space, and it still verifies.
        const target = file.endsWith('manifest.json') ? path.join(dir, 'state.json') : file;
        const bytes = await fs.readFile(target);
        bytes[rng.nextInt(bytes.length)] ^= 1 + rng.nextInt(255);
        await fs.writeFile(target, bytes);
      }
      if (kind === 4) await fs.mkdir(path.join(dir, 'generator', `extra-${round}`));
      const before = await snapshot(dir);
      const result = await gan.save(dir).then(
        () => 'saved',
        (error: unknown) => error,
      );
      if (kind === 0 || kind === 4) {
        // Unchanged files (an empty folder added holds nothing to lose): replaced by a fresh checkpoint.
        expect(result).toBe('saved');
        replaced++;
      } else {
        expect(result).toBeInstanceOf(CheckpointError);
        expect(await snapshot(dir)).toEqual(before);
        refused++;
      }
    }
    gan.dispose();
    expect(replaced + refused).toBe(rounds);
    expect(replaced).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

test("translationGrids over a user's PNG is refused when a CycleGAN's training begins", async () => {
  const root = await fresh();
  const foreign = path.join(root, 'epoch-001.png');
  await fs.writeFile(foreign, 'not gankit');
  const cycle = createCycleGan({
    generator: { filters: 8, residualBlocks: 1 },
    discriminator: { filters: [8, 16], strides: [2, 2] },
    lambdaIdentity: 0,
    seed: 1,
  });
  const images = tf.randomUniform([4, 28, 28, 1], -1, 1, 'float32', 1) as tf.Tensor4D;
  const data = ImageDataset.fromTensor(images);
  const grids = translationGrids({ dir: root, x: images, y: images });
  const error = await rejection(cycle.fit(data, data, { epochs: 1, batchSize: 2, callbacks: [grids] }));
  expect(error).toBeInstanceOf(OutputPathError);
  expect(cycle.step).toBe(0);
  expect(await fs.readFile(foreign, 'utf8')).toBe('not gankit');
  cycle.dispose();
  data.dispose();
  images.dispose();
});
