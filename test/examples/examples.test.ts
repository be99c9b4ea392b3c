import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  IMAGE_TO_IMAGE_LOG_FORMAT,
  IMAGE_TO_IMAGE_LOG_NAMES,
  IMAGE_TO_IMAGE_LOSS_NETS,
} from '../../src/models/image-to-image/logs';
import { decodePng } from '../../src/image/png';
import { loadGan } from '../../src/models/gan/load';
import { loadImageToImageGan } from '../../src/models/image-to-image/load';
import { parseLossLog } from '../../src/callbacks/loss-log';
import { useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

const tempDir = useTempDir('examples');
beforeAll(async () => {
  await useDefaultBackend();
});

/** Runs an example as the README does, on a small slice of MNIST, and checks what it wrote. */
async function runExample(
  name: string,
  flags: string[],
  expect_: { epochs: number; steps: number; gridRows: number },
): Promise<string> {
  const out = path.join(tempDir(), name);
  // A small per-epoch evaluation keeps the test quick and still proves the metrics reach the CSV.
  const { stdout } = await run(
    tsx,
    [path.join(root, 'examples', `${name}.ts`), '--out', out, '--eval-samples', '100', ...flags],
    { cwd: root, env: { ...process.env, GANKIT_QUIET: '1' } },
  );
  const files = (await fs.readdir(out)).sort();
  expect(files).toEqual(['checkpoint', 'losses.csv', 'losses.png', 'samples']);
  const grids = (await fs.readdir(path.join(out, 'samples'))).sort();
  expect(grids).toEqual(
    Array.from({ length: expect_.epochs }, (_, i) => `epoch-${String(i + 1).padStart(3, '0')}.png`),
  );
  const grid = decodePng(await fs.readFile(path.join(out, 'samples', grids[grids.length - 1])));
  expect(grid.height).toBe(expect_.gridRows * 28 * 2 + (expect_.gridRows + 1) * 2);
  const rows = parseLossLog(await fs.readFile(path.join(out, 'losses.csv'), 'utf8'));
  expect(rows).toHaveLength(expect_.steps);
  expect(rows.every((r) => Number.isFinite(r.dLoss) && Number.isFinite(r.gLoss))).toBe(true);
  const measured = rows.at(-1)?.metrics ?? {};
  expect(Object.keys(measured)).toEqual(expect.arrayContaining(['coverage', 'classifier_score', 'fd']));
  expect(measured.coverage).toBeGreaterThanOrEqual(1);
  expect(stdout).toMatch(/cov \d+ .*FD \d/);
  const gan = await loadGan(path.join(out, 'checkpoint'));
  expect([gan.trainer.epoch, gan.trainer.step]).toEqual([expect_.epochs, expect_.steps]);
  gan.dispose();
  expect(stdout).toMatch(/samples: .*epoch-00\d\.png/);
  return out;
}

test('gan-mnist runs end to end on a slice of MNIST', async () => {
  await runExample('gan-mnist', ['--epochs', '2', '--limit', '300'], { epochs: 2, steps: 6, gridRows: 10 });
});

test('cgan-mnist runs, and --resume continues from its checkpoint exactly as an uninterrupted run', async () => {
  const out = await runExample('cgan-mnist', ['--epochs', '1', '--limit', '256'], {
    epochs: 1,
    steps: 4,
    gridRows: 10,
  });
  const { stdout } = await run(
    tsx,
    [path.join(root, 'examples', 'cgan-mnist.ts'), '--out', out, '--epochs', '2', '--limit', '256', '--resume'],
    { cwd: root },
  );
  expect(stdout).toMatch(/resuming from .*checkpoint: 1 epoch\(s\) done, step 4/);
  const resumed = parseLossLog(await fs.readFile(path.join(out, 'losses.csv'), 'utf8'));
  expect(resumed.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  const straight = path.join(tempDir(), 'cgan-mnist-straight');
  await run(tsx, [path.join(root, 'examples', 'cgan-mnist.ts'), '--out', straight, '--epochs', '2', '--limit', '256'], {
    cwd: root,
  });
  const reference = parseLossLog(await fs.readFile(path.join(straight, 'losses.csv'), 'utf8'));
  for (const [i, row] of resumed.entries()) {
    expect(Math.abs(row.dLoss - reference[i].dLoss)).toBeLessThan(1e-4);
    expect(Math.abs(row.gLoss - reference[i].gLoss)).toBeLessThan(1e-4);
  }
  // latent-walk reads that checkpoint: a 10 × 4 interpolation grid and a 10 × 4 arithmetic grid.
  const walk = path.join(tempDir(), 'latent-walk');
  const walked = await run(
    tsx,
    [
      path.join(root, 'examples', 'latent-walk.ts'),
      '--checkpoint',
      path.join(out, 'checkpoint'),
      '--out',
      walk,
      '--steps',
      '4',
    ],
    { cwd: root },
  );
  expect(walked.stdout).toContain('ema-generator/'); // cgan-mnist saves an averaged G, and the walk draws from it
  for (const name of ['interpolation.png', 'arithmetic.png']) {
    const png = decodePng(await fs.readFile(path.join(walk, name)));
    expect([png.width, png.height]).toEqual([4 * 56 + 5 * 2, 10 * 56 + 11 * 2]);
  }
});

test('cgan-dcgan-mnist runs data-parallel on two threads', async () => {
  await runExample('cgan-dcgan-mnist', ['--epochs', '1', '--limit', '128'], { epochs: 1, steps: 4, gridRows: 10 }); // batch 32
});

test('a bad flag is a clear error, not a stack trace', async () => {
  await expect(
    run(tsx, [path.join(root, 'examples', 'gan-mnist.ts'), '--epochs', 'two'], { cwd: root }),
  ).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('--epochs must be a positive integer'),
  });
});

test('wgan-gp-mnist trains WGAN-GP (5 critic updates per generator update) on a slice of MNIST', async () => {
  const out = await runExample('wgan-gp-mnist', ['--epochs', '1', '--limit', '320'], {
    epochs: 1,
    steps: 2,
    gridRows: 10,
  }); // 10 batches of 32
  const gan = await loadGan(path.join(out, 'checkpoint'));
  expect(gan.config.loss).toEqual({
    name: 'wasserstein',
    className: 'WassersteinLoss',
    config: { gradientPenalty: 10 },
  });
  expect([gan.config.discriminatorSteps, gan.config.optimizer.discriminator]).toEqual([
    5,
    { learningRate: 1e-4, beta1: 0.5, beta2: 0.9 },
  ]);
  const [iterations] = await gan.trainer.discriminatorOptimizer.getWeights();
  expect(iterations.tensor.dataSync()[0]).toBe(10); // 2 steps × 5 critic updates
  iterations.tensor.dispose();
  gan.dispose();
});

test('acgan-mnist trains an ACGAN (D takes the image alone and classifies it) on a slice of MNIST', async () => {
  const out = await runExample('acgan-mnist', ['--epochs', '1', '--limit', '256'], {
    epochs: 1,
    steps: 4,
    gridRows: 10,
  });
  const rows = parseLossLog(await fs.readFile(path.join(out, 'losses.csv'), 'utf8'));
  expect(Object.keys(rows.at(-1)?.metrics ?? {})).toContain('label_accuracy'); // conditional: measured per label
  const gan = await loadGan(path.join(out, 'checkpoint'));
  expect(gan.config.auxiliary).toEqual({
    name: 'acgan',
    className: 'AcganTask',
    config: { numClasses: 10, weight: 1, generatorWeight: 1 },
  });
  expect(gan.discriminator.inputs).toHaveLength(1);
  expect(gan.discriminator.outputs.map((o) => o.shape)).toEqual([
    [null, 1],
    [null, 10],
  ]);
  gan.dispose();
});

test('infogan-mnist trains an InfoGAN and writes one row per categorical code, the sweeps and the code report', async () => {
  const out = path.join(tempDir(), 'infogan-mnist');
  const { stdout } = await run(
    tsx,
    [
      path.join(root, 'examples', 'infogan-mnist.ts'),
      '--out',
      out,
      '--eval-samples',
      '100',
      '--epochs',
      '1',
      '--limit',
      '256',
    ],
    { cwd: root, env: { ...process.env, GANKIT_QUIET: '1' } },
  );
  expect((await fs.readdir(out)).sort()).toEqual(['checkpoint', 'codes', 'losses.csv', 'losses.png', 'samples']);
  expect((await fs.readdir(path.join(out, 'codes'))).sort()).toEqual([
    'continuous-1.png',
    'continuous-2.png',
    'epoch-001.png',
    'report.json',
  ]);
  for (const name of ['epoch-001.png', 'continuous-1.png']) {
    const grid = decodePng(await fs.readFile(path.join(out, 'codes', name)));
    expect([grid.width, grid.height]).toEqual([10 * 56 + 11 * 2, 10 * 56 + 11 * 2]); // 10 code values × 10 columns
  }
  const report = JSON.parse(await fs.readFile(path.join(out, 'codes', 'report.json'), 'utf8')) as {
    codes: Array<{ share: number; histogram: number[] }>;
    distinctDigits: number;
    step: number;
  };
  expect(report.codes).toHaveLength(10);
  expect(report.codes.every((c) => c.histogram.reduce((a, b) => a + b, 0) === 500 && c.share > 0 && c.share <= 1)).toBe(
    true,
  );
  expect(report.distinctDigits).toBeGreaterThanOrEqual(1);
  expect(report.step).toBe(4);
  expect(stdout).toMatch(/codes → digits: 0→\d \d\.\d\d .*distinct digits/);
  const rows = parseLossLog(await fs.readFile(path.join(out, 'losses.csv'), 'utf8'));
  expect(rows).toHaveLength(4);
  const gan = await loadGan(path.join(out, 'checkpoint'));
  expect(gan.config.auxiliary).toMatchObject({ name: 'infogan', config: { categorical: 10, continuous: 2 } });
  expect(gan.generator.inputs[0].shape).toEqual([null, 62 + 12]);
  gan.dispose();
});

test('emoji-cgan trains a conditional DCGAN on the Noto Emoji PNGs (a slice), caching the decoded images', async () => {
  const out = path.join(tempDir(), 'emoji-cgan');
  const flags = ['--out', out, '--limit', '64', '--epochs', '1', '--batch-size', '32'];
  const { stdout } = await run(tsx, [path.join(root, 'examples', 'emoji-cgan.ts'), ...flags], {
    cwd: root,
    env: { ...process.env, GANKIT_QUIET: '1' },
  });
  const [, count, classes] = /data: (\d+) emoji of 32×32×3 in (\d+) categories/.exec(stdout) ?? [];
  expect(Number(count)).toBe(64);
  expect(Number(classes)).toBeGreaterThanOrEqual(2);
  expect((await fs.readdir(out)).sort()).toEqual([
    'checkpoint',
    'emoji-32px.cache',
    'losses.csv',
    'losses.png',
    'samples',
  ]);
  // One row of 32×32 images (scale 2) per category in the slice.
  const grid = decodePng(await fs.readFile(path.join(out, 'samples', 'epoch-001.png')));
  expect(grid.height).toBe(Number(classes) * 64 + (Number(classes) + 1) * 2);
  const gan = await loadGan(path.join(out, 'checkpoint'));
  expect([gan.config.imageShape, gan.config.numClasses, gan.trainer.step]).toEqual([[32, 32, 3], Number(classes), 2]);
  expect(gan.averaged).not.toBeNull();
  gan.dispose();
});

test('face-gan-celeba trains the seed-003 face GAN and the 64 px DCGAN from an HDF5 file in the seed layout', async () => {
  // Eight 218×178×3 "faces" in the seed's layout: a group of one uint8 dataset per image, 0.jpg … 7.jpg.
  const { loadH5wasm } = await import('../../src/data/hdf5');
  const h5 = await loadH5wasm();
  const file = path.join(tempDir(), 'celeba-like.h5');
  const h5file = new h5.File(file, 'w') as unknown as {
    create_group(name: string): { create_dataset(args: object): unknown };
    close(): void;
  };
  const group = h5file.create_group('img_align_celeba');
  for (let i = 0; i < 8; i++) {
    const face = Uint8Array.from({ length: 218 * 178 * 3 }, (_, p) => (p * 7 + i * 31) % 256);
    group.create_dataset({ name: `${i}.jpg`, data: face, shape: [218, 178, 3], dtype: '<B' });
  }
  h5file.close();
  const example = path.join(root, 'examples', 'face-gan-celeba.ts');
  const common = ['--data', file, '--epochs', '1', '--batch-size', '4'];
  const env = { ...process.env, GANKIT_QUIET: '1' };
  // The seed's fully connected nets, at a quarter of the stored size to keep the test's checkpoint small.
  const seedOut = path.join(tempDir(), 'face-seed');
  const seedRun = await run(tsx, [example, ...common, '--image-size', '54x44', '--out', seedOut], { cwd: root, env });
  expect(seedRun.stdout).toMatch(/8 faces, trained at 54×44×3/);
  const seedGan = await loadGan(path.join(seedOut, 'checkpoint'));
  expect(seedGan.trainer.step).toBe(2);
  // G: z 100 → 300 → 54·44·3; D: 54·44·3 → 300 → 1 (weights and biases).
  const pixels = 54 * 44 * 3;
  expect(seedGan.generator.countParams()).toBe(100 * 300 + 300 + 300 * pixels + pixels);
  expect(seedGan.discriminator.countParams()).toBe(pixels * 300 + 300 + 300 + 1);
  seedGan.dispose();
  const dcganOut = path.join(tempDir(), 'face-dcgan');
  await run(tsx, [example, ...common, '--arch', 'dcgan', '--out', dcganOut], { cwd: root, env });
  const dcgan = await loadGan(path.join(dcganOut, 'checkpoint'));
  expect([dcgan.config.imageShape, dcgan.trainer.step]).toEqual([[64, 64, 3], 2]);
  dcgan.dispose();
});

test('cyclegan-mnist-fashion trains a CycleGAN for two steps (the inverted-MNIST pairing, which needs no Fashion-MNIST) and writes its grid, CSV and checkpoint', async () => {
  const out = path.join(tempDir(), 'cyclegan-mnist-fashion');
  const { stdout } = await run(
    tsx,
    [
      path.join(root, 'examples', 'cyclegan-mnist-fashion.ts'),
      '--out',
      out,
      '--pairing',
      'inverted',
      '--limit',
      '16',
      '--batch-size',
      '8',
      '--epochs',
      '1',
    ],
    { cwd: root, env: { ...process.env, GANKIT_QUIET: '1' } },
  );
  expect(stdout).toMatch(/Y: 16 inverted MNIST digits/);
  expect((await fs.readdir(out)).sort()).toEqual(['checkpoint', 'losses.csv', 'losses.png', 'samples']);
  const grid = decodePng(await fs.readFile(path.join(out, 'samples', 'epoch-001.png')));
  expect([grid.width, grid.height]).toEqual([10 * 56 + 11 * 2, 6 * 56 + 7 * 2]); // rows x, G(x), F(G(x)), y, F(y), G(F(y))
  // The shared loss log: one row a step, the held-out metrics on the row that ends the epoch.
  const [header, ...rows] = (await fs.readFile(path.join(out, 'losses.csv'), 'utf8')).trim().split('\n');
  const columns = header.split(',');
  expect(columns).toEqual(
    expect.arrayContaining([
      'epoch',
      'step',
      'cycle_loss',
      'discriminator_x_loss',
      'heldout_cycle_x',
      'heldout_translation_x',
    ]),
  );
  expect(rows.map((row) => Number(row.split(',')[columns.indexOf('step')]))).toEqual([1, 2]);
  expect(rows[1].split(',').map(Number).every(Number.isFinite)).toBe(true);
  expect(rows[0].split(',')[columns.indexOf('heldout_cycle_x')]).toBe('');
  const { loadCycleGan } = await import('../../src/models/cycle/load');
  const cycle = await loadCycleGan(path.join(out, 'checkpoint'));
  expect([cycle.step, cycle.epoch]).toEqual([2, 1]);
  cycle.dispose();
});

test('pix2pix-emoji-edges trains a U-Net from edges to emoji and measures it on held-out pairs; --resume continues it', async () => {
  const out = path.join(tempDir(), 'pix2pix');
  const flags = ['--out', out, '--limit', '52', '--epochs', '1', '--batch-size', '8', '--filters', '4'];
  const script = path.join(root, 'examples', 'pix2pix-emoji-edges.ts');
  const env = { ...process.env, GANKIT_QUIET: '1' };
  const { stdout } = await run(tsx, [script, ...flags], { cwd: root, env });
  expect(stdout).toContain('data: 26 training pairs and 26 held-out pairs of 32×32 edges → 32×32×3 emoji');
  const [, l1, psnr] = /held out \(26 emoji\): L1 ([\d.]+), PSNR ([\d.]+) dB/.exec(stdout) ?? [];
  expect(Number(l1)).toBeGreaterThan(0);
  expect(Number(psnr)).toBeGreaterThan(0);
  // Rows: edges, G's emoji, the real emoji, for 10 held-out emoji (32 px at scale 3, padding 2).
  const grid = decodePng(await fs.readFile(path.join(out, 'samples', 'epoch-001.png')));
  expect([grid.width, grid.height]).toEqual([10 * 96 + 11 * 2, 3 * 96 + 4 * 2]);
  const format = {
    logNames: IMAGE_TO_IMAGE_LOG_NAMES,
    lossNets: IMAGE_TO_IMAGE_LOSS_NETS,
    logFormat: IMAGE_TO_IMAGE_LOG_FORMAT,
  };
  const rows = parseLossLog(await fs.readFile(path.join(out, 'losses.csv'), 'utf8'), format);
  expect(rows).toHaveLength(3);
  expect(rows[2].metrics?.heldout_psnr).toBeCloseTo(Number(psnr), 1);
  await run(tsx, [script, ...flags, '--epochs', '2', '--resume'], { cwd: root, env });
  const model = await loadImageToImageGan(path.join(out, 'checkpoint'));
  expect([model.config.family, model.config.targetShape, model.step, model.epoch]).toEqual([
    'pix2pix',
    [32, 32, 3],
    6,
    2,
  ]);
  model.dispose();
});

test('super-resolution-emoji trains a 4× upscaler (16 → 64 px) on a slice of the emoji and measures it against bicubic on held-out pairs', async () => {
  const out = path.join(tempDir(), 'super-resolution-emoji');
  const flags = ['--out', out, '--limit', '64', '--held-out', '16', '--epochs', '1', '--batch-size', '8'];
  // A tiny G, and the feature term from a classifier trained for a few steps, so that path runs too.
  const tiny = ['--filters', '8', '--residual-blocks', '1', '--feature-weight', '0.1', '--feature-steps', '4'];
  const { stdout } = await run(tsx, [path.join(root, 'examples', 'super-resolution-emoji.ts'), ...flags, ...tiny], {
    cwd: root,
    env: { ...process.env, GANKIT_QUIET: '1' },
  });
  expect(stdout).toMatch(/data: 48 training emoji, 16 held out; targets 64×64×3, inputs 16×16×3/);
  expect((await fs.readdir(out)).sort()).toEqual([
    'checkpoint',
    'emoji-64px.cache',
    'feature-net',
    'losses.csv',
    'losses.png',
    'samples',
  ]);
  // Rows input, output, target of 8 held-out emoji, 64×64 at scale 2.
  const grid = decodePng(await fs.readFile(path.join(out, 'samples', 'epoch-001.png')));
  expect([grid.width, grid.height]).toEqual([8 * 128 + 9 * 2, 3 * 128 + 4 * 2]);
  const [header, ...rows] = (await fs.readFile(path.join(out, 'losses.csv'), 'utf8')).trim().split('\n');
  const columns = header.split(',');
  expect(columns).toEqual(
    expect.arrayContaining(['step', 'pixel_loss', 'feature_loss', 'heldout_psnr', 'heldout_ssim', 'bicubic_psnr']),
  );
  expect(rows.map((row) => Number(row.split(',')[columns.indexOf('step')]))).toEqual([1, 2, 3, 4, 5, 6]); // 48 / 8
  const lastRow = rows[5].split(',').map(Number);
  expect(lastRow.every(Number.isFinite)).toBe(true);
  expect(lastRow[columns.indexOf('feature_loss')]).toBeGreaterThan(0);
  // Bicubic beats nearest-neighbour upscaling on PSNR: the baselines are measured on real pairs.
  expect(lastRow[columns.indexOf('bicubic_psnr')]).toBeGreaterThan(lastRow[columns.indexOf('nearest_psnr')]);
  const table = /\nG +([\d.]+) +([\d.]+) +([\d.-]+)\n/.exec(stdout);
  expect(Number(table?.[2])).toBeCloseTo(lastRow[columns.indexOf('heldout_psnr')], 2);
  const gan = await loadImageToImageGan(path.join(out, 'checkpoint'));
  expect([gan.config.family, gan.config.inputShape, gan.config.targetShape, gan.step]).toEqual([
    'super-resolution',
    [16, 16, 3],
    [64, 64, 3],
    6,
  ]);
  expect(gan.config.content?.layers).toHaveLength(2);
  gan.dispose();
});
