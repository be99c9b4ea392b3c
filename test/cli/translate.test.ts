/**
 * `gankit translate`, run in-process through runGankitCli as the binary runs it: a trained
 * upscaler and a pix2pix model are run over a folder of PNGs (nested), one output per image under
 * the same name; a user's mistakes are one-line errors before any output is written.
 */
import { PNG } from 'pngjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createPix2Pix, createSuperResolutionGAN, createGAN, decodePng, runGankitCli } from '../../src/index';
import { useDefaultBackend, useTempDir } from '../helpers';

const tmp = useTempDir('cli-translate');

beforeAll(async () => {
  await useDefaultBackend();
  // Six 16×16 RGB PNGs: two at the top, four in a sub-folder.
  for (let i = 0; i < 6; i++) {
    const png = new PNG({ width: 16, height: 16 });
    for (let p = 0; p < 256; p++) png.data.set([(p * 7 + i * 40) % 256, (p * 3) % 256, i * 30, 255], p * 4);
    const file = path.join(tmp(), 'photos', i < 2 ? `top-${i}.png` : path.join('nested', `n-${i}.png`));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, PNG.sync.write(png));
  }
});

async function gankit(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runGankitCli(['node', 'gankit', ...args], {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
  });
  return { code, out, err };
}

const sizeOf = async (file: string): Promise<number[]> => {
  const image = decodePng(new Uint8Array(await readFile(file)));
  return [image.width, image.height];
};

test('an upscaler turns each image, shrunk to its input size, into one of its output size, under the same name', async () => {
  const upscaler = createSuperResolutionGAN({
    inputShape: [4, 4, 3],
    scale: 4,
    generator: { filters: 2, residualBlocks: 1 },
    discriminator: { filters: [2] },
    seed: 1,
  });
  const checkpoint = path.join(tmp(), 'upscaler');
  await upscaler.save(checkpoint);
  const probe = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
  const expected = upscaler.translate(probe);
  upscaler.dispose();
  const out = path.join(tmp(), 'large');
  const grid = path.join(tmp(), 'grid.png');
  const run = await gankit(
    'translate',
    checkpoint,
    path.join(tmp(), 'photos'),
    '--out',
    out,
    '--inputs',
    'downsample',
    '--grid',
    grid,
    '--columns',
    '3',
  );
  expect(run.err).toBe('');
  expect(run.code).toBe(0);
  expect(run.out).toContain('6 image(s) translated');
  for (const name of ['top-0.png', 'top-1.png', 'nested/n-2.png', 'nested/n-5.png'])
    expect(await sizeOf(path.join(out, name))).toEqual([16, 16]);
  // Three rows (inputs, outputs, originals) of three 16×16 tiles at scale 2, padding 2.
  expect(await sizeOf(grid)).toEqual([3 * 32 + 4 * 2, 3 * 32 + 4 * 2]);
  expected.dispose();
  probe.dispose();
});

test('mistakes are one line each, before anything is written', async () => {
  const pix2pix = createPix2Pix({
    inputShape: [16, 16, 1],
    targetShape: [16, 16, 3],
    generator: { filters: 2 },
    discriminator: { filters: [2] },
    seed: 2,
  });
  const checkpoint = path.join(tmp(), 'pix2pix');
  await pix2pix.save(checkpoint);
  pix2pix.dispose();
  // As-is, the photos are read at the model's input shape (grey, 16×16): that works.
  const asIs = await gankit('translate', checkpoint, path.join(tmp(), 'photos'), '--out', path.join(tmp(), 'made'));
  expect(asIs.code).toBe(0);
  // A foreign PNG where an output would go is refused, and nothing is written.
  const foreign = path.join(tmp(), 'foreign');
  await mkdir(foreign, { recursive: true });
  await writeFile(path.join(foreign, 'top-0.png'), PNG.sync.write(new PNG({ width: 2, height: 2 })));
  const refused = await gankit(
    'translate',
    checkpoint,
    path.join(tmp(), 'photos'),
    '--out',
    foreign,
    '--inputs',
    'edges',
  );
  expect(refused.code).toBe(1);
  expect(refused.err.trim().split('\n')).toHaveLength(1);
  expect(refused.err).toMatch(/top-0\.png/);
  expect(await sizeOf(path.join(foreign, 'top-0.png'))).toEqual([2, 2]);
  const downsample = await gankit('translate', checkpoint, path.join(tmp(), 'photos'), '--inputs', 'downsample');
  expect(downsample.code).toBe(1);
  expect(downsample.err).toMatch(/--inputs: downsample keeps the channels/);
  const gan = createGAN({ seed: 1 });
  await gan.save(path.join(tmp(), 'gan'));
  gan.dispose();
  const wrongKind = await gankit('translate', path.join(tmp(), 'gan'), path.join(tmp(), 'photos'));
  expect(wrongKind.code).toBe(1);
  expect(wrongKind.err.trim().split('\n')).toHaveLength(1);
  expect(wrongKind.err).toMatch(/holds a GAN checkpoint.*gankit sample/);
});
