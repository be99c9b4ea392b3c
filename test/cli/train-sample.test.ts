/**
 * `gankit train` and `gankit sample`, run in-process through runGankitCli as the binary runs them:
 * a folder of PNGs with class sub-folders trains into a checkpoint that `sample` draws; a user's
 * mistakes (labels that are not there, a size the DCGAN has no layout for) are one-line errors
 * before any training.
 */
import { PNG } from 'pngjs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodePng } from '../../src/image/png';
import { imageGrid } from '../../src/image/grid';
import { loadGan } from '../../src/models/gan/load';
import { gankit } from './run-cli';
import { useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tmp = useTempDir('cli-train');

beforeAll(async () => {
  await useDefaultBackend();
});

/** `count` RGB PNGs of 10×10 under `dir`: a red disc for class 'red', a blue one for 'blue' (flat when `flat`). */
async function discFolder(dir: string, count: number, flat = false): Promise<void> {
  for (let i = 0; i < count; i++) {
    const cls = i % 2 === 0 ? 'red' : 'blue';
    const png = new PNG({ width: 10, height: 10 });
    for (let p = 0; p < 100; p++) {
      const [x, y] = [p % 10, Math.floor(p / 10)];
      const inside = (x - 3 - (i % 4)) ** 2 + (y - 5) ** 2 < 9;
      png.data.set(inside ? (cls === 'red' ? [220, 30, 30, 255] : [30, 30, 220, 255]) : [250, 250, 250, 255], p * 4);
    }
    const file = flat ? path.join(dir, `${cls}-${i}.png`) : path.join(dir, cls, `${i}.png`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, PNG.sync.write(png));
  }
}

const common = ['--arch', 'mlp', '--image-size', '8', '--batch-size', '4', '--eval-samples', '0', '--backend', 'cpu'];

describe('gankit train and sample on a folder of images', () => {
  let out = '';

  beforeAll(async () => {
    await discFolder(path.join(tmp(), 'discs'), 24);
    out = path.join(tmp(), 'run');
  });

  test('train: class sub-folders become a conditional GAN, with grids, losses, a cache and a checkpoint', async () => {
    const run = await gankit(
      'train',
      '--data',
      path.join(tmp(), 'discs'),
      '--conditional',
      '--cache',
      '--epochs',
      '1',
      '--out',
      out,
      ...common,
    );
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/24 images of 8×8×3, 2 classes/);
    expect((await readdir(out)).sort()).toEqual([
      'checkpoint',
      'images-8px.cache',
      'losses.csv',
      'losses.png',
      'samples',
    ]);
    const gan = await loadGan(path.join(out, 'checkpoint'));
    expect(gan.config.numClasses).toBe(2);
    expect(gan.config.imageShape).toEqual([8, 8, 3]);
    expect(gan.trainer.step).toBe(6); // 24 images, batch 4, one epoch
    gan.dispose();
  });

  test('train --resume continues the same run on the streamed folder', async () => {
    const run = await gankit(
      'train',
      '--data',
      path.join(tmp(), 'discs'),
      '--conditional',
      '--cache',
      '--epochs',
      '2',
      '--resume',
      '--out',
      out,
      ...common,
    );
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/resuming from .*checkpoint: 1 epoch\(s\) done, step 6/);
    const gan = await loadGan(path.join(out, 'checkpoint'));
    expect(gan.trainer.step).toBe(12);
    gan.dispose();
  });

  test('sample: one row per chosen class, as wide as the columns asked for', async () => {
    const file = path.join(tmp(), 'samples.png');
    const run = await gankit(
      'sample',
      path.join(out, 'checkpoint'),
      '--out',
      file,
      '--labels',
      '1,0',
      '--columns',
      '3',
      '--scale',
      '1',
      '--backend',
      'cpu',
    );
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/6 samples from the raw generator/);
    const png = decodePng(await readFile(file));
    const zeros = tf.zeros([6, 8, 8, 3]) as tf.Tensor4D;
    const expected = imageGrid(zeros, { columns: 3, scale: 1 });
    zeros.dispose();
    expect([png.width, png.height]).toEqual([expected.width, expected.height]);
  });

  test('sample --interpolate: each row walks between two z, so neighbours differ less than the row ends', async () => {
    const file = path.join(tmp(), 'walk.png');
    const run = await gankit(
      'sample',
      path.join(out, 'checkpoint'),
      '--out',
      file,
      '--labels',
      '0',
      '--columns',
      '8',
      '--interpolate',
      '--scale',
      '1',
      '--backend',
      'cpu',
    );
    expect(run.code).toBe(0);
    const png = decodePng(await readFile(file));
    const cell = (k: number): number[] => {
      const values: number[] = [];
      const x0 = Math.round((k * png.width) / 8);
      for (let y = 2; y < 8; y++) for (let x = x0 + 2; x < x0 + 8; x++) values.push(png.data[(y * png.width + x) * 4]);
      return values;
    };
    const distance = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0);
    const steps = Array.from({ length: 7 }, (_, k) => distance(cell(k), cell(k + 1)));
    expect(Math.max(...steps)).toBeLessThan(distance(cell(0), cell(7)) + 1);
  });

  test('sample refuses a class the GAN does not have, in one line, writing nothing', async () => {
    const file = path.join(tmp(), 'never.png');
    const run = await gankit(
      'sample',
      path.join(out, 'checkpoint'),
      '--out',
      file,
      '--labels',
      '5',
      '--backend',
      'cpu',
    );
    expect(run.code).toBe(1);
    expect(run.err).toBe("gankit: GanConfigError: --labels: class 5 is not one of the GAN's 2 classes (0–1)\n");
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
  });
});

describe('gankit train refuses what cannot work before training', () => {
  test('--conditional on a flat folder (no labels) names the flag', async () => {
    const data = path.join(tmp(), 'flat');
    await discFolder(data, 4, true);
    const out = path.join(tmp(), 'flat-run');
    const run = await gankit('train', '--data', data, '--conditional', '--epochs', '1', '--out', out, ...common);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^gankit: GanConfigError: --conditional: .* has no class labels/);
    expect(run.err.split('\n').filter(Boolean)).toHaveLength(1);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  test('a DCGAN at a size it has no layout for names --image-size', async () => {
    const data = path.join(tmp(), 'discs-40');
    await discFolder(data, 4);
    const out = path.join(tmp(), 'dcgan-40');
    const run = await gankit(
      'train',
      '--data',
      data,
      '--arch',
      'dcgan',
      '--image-size',
      '40',
      '--epochs',
      '1',
      '--out',
      out,
      '--backend',
      'cpu',
    );
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/--image-size: a DCGAN is laid out for 28, 32, 64 or 128 px, not 40/);
    await expect(readdir(path.join(out, 'checkpoint'))).rejects.toThrow(/ENOENT/);
  });

  test('--channels takes only 1 or 3', async () => {
    const run = await gankit('train', '--data', 'mnist', '--channels', '2');
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/--channels must be 1 or 3, got '2'/);
  });

  test('the bundled MNIST trains unconditionally at 28×28×1', async () => {
    const out = path.join(tmp(), 'mnist-run');
    const run = await gankit(
      'train',
      '--data',
      'mnist',
      '--limit',
      '32',
      '--arch',
      'mlp',
      '--epochs',
      '1',
      '--batch-size',
      '16',
      '--eval-samples',
      '0',
      '--out',
      out,
      '--backend',
      'cpu',
    );
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/mnist: 32 images of 28×28×1/);
    const gan = await loadGan(path.join(out, 'checkpoint'));
    expect([gan.config.numClasses, gan.config.imageShape]).toEqual([0, [28, 28, 1]]);
    gan.dispose();
  });
});
