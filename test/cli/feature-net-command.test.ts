/**
 * `gankit feature-net`, run in-process through runGankitCli as the binary runs it: a flat folder
 * of PNGs (no labels) trains a rotation feature net that `gankit eval --classifier` then measures
 * a GAN of those images through; class sub-folders train on the labels; a folder too small to
 * hold images out is a one-line error before any training.
 */
import { PNG } from 'pngjs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createGan } from '../../src/models/gan/create';
import { gankit } from './run-cli';
import { useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tmp = useTempDir('cli-feature-net');

beforeAll(async () => {
  await useDefaultBackend();
});

/** `count` 12×12 RGB PNGs of an upright "L" (a shape whose quarter turns differ) at shifting places; sub-folders by colour unless `flat`. */
async function letterFolder(dir: string, count: number, flat: boolean): Promise<void> {
  for (let i = 0; i < count; i++) {
    const cls = i % 2 === 0 ? 'red' : 'blue';
    const png = new PNG({ width: 12, height: 12 });
    const [dx, dy] = [i % 4, Math.floor(i / 4) % 3];
    for (let p = 0; p < 144; p++) {
      const [x, y] = [p % 12, Math.floor(p / 12)];
      const stem = x >= 2 + dx && x < 4 + dx && y >= 1 + dy && y < 9 + dy;
      const foot = y >= 7 + dy && y < 9 + dy && x >= 2 + dx && x < 8 + dx;
      const ink = cls === 'red' ? [220, 30, 30, 255] : [30, 30, 220, 255];
      png.data.set(stem || foot ? ink : [250, 250, 250, 255], p * 4);
    }
    const file = flat ? path.join(dir, `${i}.png`) : path.join(dir, cls, `${i}.png`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, PNG.sync.write(png));
  }
}

const quick = ['--image-size', '12', '--steps', '40', '--batch-size', '8', '--feature-dim', '8', '--backend', 'cpu'];

describe('gankit feature-net', () => {
  test('a flat folder: the rotation task, a held-out reference and baseline, and gankit eval through the net', async () => {
    const data = path.join(tmp(), 'letters');
    await letterFolder(data, 48, true);
    const out = path.join(tmp(), 'net');
    const run = await gankit('feature-net', '--data', data, '--out', out, '--reference', '8', ...quick);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`48 images of 12×12×3; task rotations; training on 32`);
    expect(run.out).toMatch(/step 40\/40: loss \d/);
    expect(run.out).toMatch(/rotation accuracy \d\.\d{3} on the 8 held-out images/);
    expect(run.out).toMatch(/real baseline \(8 other held-out images\) against the reference: FD \d/);
    expect(run.out).toContain(`gankit eval <checkpoint> --classifier ${out}`);
    const info = JSON.parse(await readFile(path.join(out, 'info.json'), 'utf8')) as {
      task: string;
      referenceSource: string;
      baselineSource: string;
    };
    expect(info.task).toBe('rotations');
    expect(info.referenceSource).toContain('8 held-out images (seeded split of 48 images, seed 0)');
    expect(info.baselineSource).toContain('8 other held-out images');

    const gan = createGan({
      imageShape: [12, 12, 3],
      latentDim: 4,
      seed: 1,
      generator: { hiddenUnits: [8] },
      discriminator: { hiddenUnits: [8] },
    });
    const checkpoint = path.join(tmp(), 'gan');
    await gan.save(checkpoint);
    gan.dispose();
    const measured = await gankit('eval', checkpoint, '--classifier', out, '--samples', '16', '--backend', 'cpu');
    expect(measured.code).toBe(0);
    expect(measured.out).toMatch(/a rotation feature net/);
    expect(measured.out).toMatch(/real baseline \(16\)/);

    // gankit train measures every epoch through the net, against its cached reference.
    const trained = await gankit(
      'train',
      '--data',
      data,
      '--arch',
      'mlp',
      '--image-size',
      '12',
      '--epochs',
      '1',
      '--batch-size',
      '8',
      '--classifier',
      out,
      '--eval-samples',
      '16',
      '--backend',
      'cpu',
      '--out',
      path.join(tmp(), 'run'),
    );
    expect(trained.err).toBe('');
    expect(trained.code).toBe(0);
    expect(trained.out).toMatch(/epoch 1: FD \d+\.\d\d {2}KID -?\d/);
    expect(await readFile(path.join(tmp(), 'run', 'losses.csv'), 'utf8')).toMatch(/,fd,kid,kid_std,precision,recall/);
  });

  test('class sub-folders: the labels task; too few images: one line, nothing written', async () => {
    const data = path.join(tmp(), 'by-colour');
    await letterFolder(data, 40, false);
    const out = path.join(tmp(), 'colour-net');
    const run = await gankit('feature-net', '--data', data, '--out', out, ...quick);
    expect(run.code).toBe(0);
    expect(run.out).toContain('task labels; training on 24');
    expect(run.out).toMatch(/label accuracy \d\.\d{3} on the 8 held-out images/);
    expect(run.out).toMatch(/real baseline \(8 other held-out images\) against the reference: acc \d/);

    const few = path.join(tmp(), 'few');
    await letterFolder(few, 10, true);
    const failed = await gankit('feature-net', '--data', few, '--out', path.join(tmp(), 'few-net'), ...quick);
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(
      /^gankit: GanConfigError: --data: .*few has 10 images: too few to hold out 2 \+ 2 and train on batches of 8\n$/,
    );
    await expect(stat(path.join(tmp(), 'few-net'))).rejects.toThrow();
  });
});
