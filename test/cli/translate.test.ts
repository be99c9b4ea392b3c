/**
 * `gankit translate`, run in-process through runGankitCli as the binary runs it: a trained
 * upscaler and a pix2pix model are run over a folder of PNGs (nested), one output per image under
 * the same name; a user's mistakes are one-line errors before any output is written.
 */
import { PNG } from 'pngjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createPix2Pix } from '../../src/models/image-to-image/create-pix2pix';
import { createSuperResolutionGan } from '../../src/models/image-to-image/create-super-resolution';
import { createGan } from '../../src/models/gan/create';
import { decodePng } from '../../src/image/png';
import { loadImageToImageGan } from '../../src/models/image-to-image/load';
import { gankit } from './run-cli';
import { useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

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

const sizeOf = async (file: string): Promise<number[]> => {
  const image = decodePng(new Uint8Array(await readFile(file)));
  return [image.width, image.height];
};

test('an upscaler turns each image, shrunk to its input size, into one of its output size, under the same name', async () => {
  const upscaler = createSuperResolutionGan({
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
  const gan = createGan({ seed: 1 });
  await gan.save(path.join(tmp(), 'gan'));
  gan.dispose();
  const wrongKind = await gankit('translate', path.join(tmp(), 'gan'), path.join(tmp(), 'photos'));
  expect(wrongKind.code).toBe(1);
  expect(wrongKind.err.trim().split('\n')).toHaveLength(1);
  expect(wrongKind.err).toMatch(/holds a GAN checkpoint.*gankit sample/);
});

describe('gankit train --family', () => {
  test('super-resolution: trains on the images and their shrunk copies; translate then upscales', async () => {
    const out = path.join(tmp(), 'train-sr');
    const run = await gankit(
      'train',
      '--family',
      'super-resolution',
      '--data',
      path.join(tmp(), 'photos'),
      '--image-size',
      '16',
      '--scale',
      '4',
      '--epochs',
      '1',
      '--batch-size',
      '2',
      '--out',
      out,
      '--backend',
      'cpu',
    );
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('6 pairs, [4,4,3] → [16,16,3] (super-resolution)');
    const model = await loadImageToImageGan(path.join(out, 'checkpoint'));
    expect([model.config.family, model.step]).toEqual(['super-resolution', 3]);
    model.dispose();
    // Pair grids of the first six pairs: three rows of 16×16 tiles at scale 2.
    expect(await sizeOf(path.join(out, 'samples', 'epoch-001.png'))).toEqual([6 * 32 + 7 * 2, 3 * 32 + 4 * 2]);
    const bad = await gankit(
      'train',
      '--family',
      'super-resolution',
      '--data',
      path.join(tmp(), 'photos'),
      '--image-size',
      '18',
      '--out',
      out,
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--image-size: 18 px does not shrink 4 times/);
    const made = path.join(tmp(), 'train-sr-made');
    const translated = await gankit(
      'translate',
      path.join(out, 'checkpoint'),
      path.join(tmp(), 'photos'),
      '--inputs',
      'downsample',
      '--out',
      made,
    );
    expect(translated.code).toBe(0);
    expect(await sizeOf(path.join(made, 'nested', 'n-3.png'))).toEqual([16, 16]);
  });

  test('pix2pix: pairs two folders by name; an image without a partner is named', async () => {
    // Sketches: each photo's name, a grey image of its own (the pairing is by name, not content).
    const sketches = path.join(tmp(), 'sketches');
    for (const name of ['top-0', 'top-1', 'nested/n-2', 'nested/n-3', 'nested/n-4', 'nested/n-5']) {
      const png = new PNG({ width: 16, height: 16 });
      png.data.fill(name.length * 20);
      await mkdir(path.dirname(path.join(sketches, name)), { recursive: true });
      await writeFile(path.join(sketches, `${name}.png`), PNG.sync.write(png));
    }
    const out = path.join(tmp(), 'train-p2p');
    const args = [
      'train',
      '--family',
      'pix2pix',
      '--data',
      path.join(tmp(), 'photos'),
      '--inputs',
      sketches,
      '--image-size',
      '16',
      '--epochs',
      '1',
      '--batch-size',
      '3',
      '--backend',
      'cpu',
    ];
    const run = await gankit(...args, '--out', out);
    expect(run.err).toBe('');
    expect(run.out).toContain('6 pairs, [16,16,3] → [16,16,3] (pix2pix)');
    const model = await loadImageToImageGan(path.join(out, 'checkpoint'));
    expect([model.config.family, model.config.conditionalDiscriminator, model.step]).toEqual(['pix2pix', true, 2]);
    model.dispose();
    await writeFile(path.join(sketches, 'extra.png'), PNG.sync.write(new PNG({ width: 4, height: 4 })));
    const unpaired = await gankit(...args, '--out', path.join(tmp(), 'train-p2p-2'));
    expect(unpaired.code).toBe(1);
    expect(unpaired.err).toMatch(/has no image named 'extra'/);
  });
});

test('openPairedImageFolders pairs by name across nested folders, and shuffles the pairs together', async () => {
  const { Rng } = await import('../../src/random');
  const { openPairedImageFolders } = await import('../../src/data/paired-folders');
  const a = path.join(tmp(), 'pair-a');
  const b = path.join(tmp(), 'pair-b');
  // Image i is grey level 40i + 10 in one folder and 250 − 40i in the other, under the same name, in nested folders.
  for (const [i, name] of ['x', 'a/y', 'b', 'c/d/e'].entries()) {
    for (const [dir, level] of [
      [a, 40 * i + 10],
      [b, 250 - 40 * i],
    ] as const) {
      const png = new PNG({ width: 4, height: 4 });
      for (let p = 0; p < 16; p++) png.data.set([level, level, level, 255], p * 4);
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, `${name}.png`), PNG.sync.write(png));
    }
  }
  const pairs = await openPairedImageFolders(a, b, { inputShape: [4, 4, 1], targetShape: [4, 4, 1] });
  expect(pairs.size).toBe(4);
  for (const batch of pairs.batches(2, { rng: new Rng(3) })) {
    const x = Array.from(batch.inputs.dataSync());
    const y = Array.from(batch.targets.dataSync());
    // input level 40i+10 ↔ target level 250−40i: (x+1)·127.5 + (y+1)·127.5 = 260 for every pixel.
    x.forEach((v, k) => expect((v + 1) * 127.5 + (y[k] + 1) * 127.5).toBeCloseTo(260, 3));
    tf.dispose([batch.inputs, batch.targets]);
  }
  pairs.close();
});
