/**
 * Writes the checkpoint fixtures that prove gankit still loads what older versions of it saved,
 * each a checkpoint folder plus a JSON beside it with the data it was trained on, what the model
 * gave at the time, the step, epoch and position it was saved at, and the values the
 * uninterrupted run logged for the rest of the epoch (what a resumed run must repeat):
 *
 * - `test/fixtures/cyclegan-format-1/`: a tiny CycleGAN saved by the CycleGAN format that wrote
 *   `cyclegan.json` (gankit 0.1 before the named-nets checkpoint), stopped inside an epoch;
 * - `test/fixtures/gan-format-2/`: a tiny MLP CGAN with an averaged generator, saved by the GAN
 *   format that wrote `gankit.json` (format 2: manifest, epoch progress, Adam powers, the average
 *   in `ema-generator/` with its options), stopped inside its second epoch.
 *
 * A fixture is only meaningful when written by the format it stands for: regenerating it with a
 * gankit that writes another format would test nothing, so each checkpoint is saved into a
 * temporary folder first and the committed fixture is replaced only when it holds the format's
 * state file; otherwise the fixture is left as it is and the script says so.
 *
 *   npx tsx scripts/make-checkpoint-fixtures.ts [--out test/fixtures] [--only gan-format-2]
 */
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VERSION, createCgan, createCycleGan, initBackend, type CycleGan, type Gan, datasets } from '../src/index';

const program = new Command()
  .option('--out <dir>', 'folder of the fixtures', 'test/fixtures')
  .option('--only <name>', 'write only this fixture (cyclegan-format-1 or gan-format-2)')
  .parse(process.argv);
const options = program.opts<{ out: string; only?: string }>();
const out = path.resolve(options.out);

const SHAPE = [8, 8, 1] as const;
const IMAGES = 4; // per domain: 4 steps of batch 1 per epoch

/** `count` images of SHAPE in [-1, 1], a smooth seeded pattern (rounded to 1/64 so JSON keeps it exactly). */
function pattern(count: number, phase: number): number[] {
  const values: number[] = [];
  for (let n = 0; n < count; n++)
    for (let i = 0; i < SHAPE[0] * SHAPE[1]; i++)
      values.push(Math.round(Math.sin(0.7 * i + 1.3 * n + phase) * 64) / 64);
  return values;
}

/**
 * Saves a checkpoint with `save` into a temporary sibling of `dir`; when it holds `stateFile`,
 * replaces `dir` with it and returns true, else removes it and returns false (`dir` untouched).
 */
async function saveFixture(dir: string, stateFile: string, save: (dir: string) => Promise<void>): Promise<boolean> {
  const tmp = `${dir}.new`;
  await fs.rm(tmp, { recursive: true, force: true });
  await save(tmp);
  if (!existsSync(path.join(tmp, stateFile))) {
    await fs.rm(tmp, { recursive: true, force: true });
    console.log(`${dir}: left as it is: this gankit no longer writes ${stateFile}`);
    return false;
  }
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rename(tmp, dir);
  return true;
}

const writtenBy = (): string => `gankit ${VERSION}, tfjs ${tf.version_core}, backend ${tf.getBackend()}`;

async function cycleganFormat1(): Promise<void> {
  const data = { x: pattern(IMAGES, 0), y: pattern(IMAGES, 2), input: pattern(2, 4) };
  const tensor = (values: number[]): tf.Tensor4D => tf.tensor4d(values, [values.length / 64, ...SHAPE]);
  const [x, y, input] = [tensor(data.x), tensor(data.y), tensor(data.input)];
  const [dataX, dataY] = [datasets.ImageDataset.fromTensor(x), datasets.ImageDataset.fromTensor(y)];
  const cycle: CycleGan = createCycleGan({
    imageShape: [...SHAPE],
    generator: { filters: 2, residualBlocks: 1 },
    discriminator: { filters: [2] },
    poolSize: 2,
    seed: 7,
  });
  try {
    const rows: number[][] = [];
    const fitEpoch = (stopAfter?: number): Promise<unknown> =>
      cycle.fit(dataX, dataY, {
        epochs: 1,
        callbacks: [
          {
            onBatchEnd: (logs) => {
              rows.push(cycle.logNames.map((name) => logs[name]));
              if (rows.length === stopAfter) cycle.stopTraining();
            },
          },
        ],
      });
    await fitEpoch(2); // 2 of the epoch's 4 steps, then stopped
    const dir = path.join(out, 'cyclegan-format-1');
    if (!(await saveFixture(dir, 'cyclegan.json', (d) => cycle.save(d)))) return;
    const saved = {
      step: cycle.step,
      epoch: cycle.epoch,
      progress: structuredClone(cycle.state.progress), // the loop goes on changing the live one
      poolSizes: [cycle.poolX.size, cycle.poolY.size],
    };
    const translate = (direction: 'xToY' | 'yToX'): number[] => {
      const t = cycle.translate(input, direction);
      const v = Array.from(t.dataSync());
      t.dispose();
      return v;
    };
    const translations = { xToY: translate('xToY'), yToX: translate('yToX') };
    rows.length = 0;
    await fitEpoch(); // the uninterrupted run's rest of the epoch
    const expected = {
      writtenBy: writtenBy(),
      config: cycle.config,
      data,
      saved,
      translations,
      restOfEpoch: { logNames: [...cycle.logNames], rows },
    };
    await fs.writeFile(`${dir}.json`, `${JSON.stringify(expected, null, 2)}\n`);
    console.log(`wrote ${dir} and ${dir}.json`);
  } finally {
    cycle.dispose();
    tf.dispose([x, y, input]);
    dataX.dispose();
    dataY.dispose();
  }
}

/** The GAN fixture's images: 8 of 8×8×1, 8-bit pixels of a seeded pattern, labels n mod 3. */
function ganData(): { pixels: number[]; labels: number[]; numClasses: number } {
  const pixels: number[] = [];
  for (let n = 0; n < 8; n++)
    for (let i = 0; i < 64; i++) pixels.push(Math.round(127.5 + 127.5 * Math.sin(0.5 * i + 1.1 * n)));
  return { pixels, labels: Array.from({ length: 8 }, (_, n) => n % 3), numClasses: 3 };
}

/** What the GAN fixture's test draws: 4 images of labels 0, 1, 2, 0 with seed 3, from the averaged G and from G. */
const SAMPLE = { labels: [0, 1, 2, 0], seed: 3 };

function samples(gan: Gan): { averaged: number[]; raw: number[] } {
  const read = (t: tf.Tensor): number[] => {
    const v = Array.from(t.dataSync());
    t.dispose();
    return v;
  };
  return { averaged: read(gan.generate(SAMPLE)), raw: read(gan.raw.generate(SAMPLE)) };
}

async function ganFormat2(): Promise<void> {
  const data = ganData();
  const set = datasets.ImageDataset.fromPixels(Uint8Array.from(data.pixels), [8, ...SHAPE], data.labels, {
    numClasses: data.numClasses,
  });
  const gan = createCgan({
    latentDim: 4,
    imageShape: [...SHAPE],
    numClasses: data.numClasses,
    generator: { hiddenUnits: [8] },
    discriminator: { hiddenUnits: [8] },
    seed: 11,
  });
  try {
    // Averaging from step 3 on: steps 1 and 2 copy G, so the options matter to what is saved.
    gan.averageWeights({ decay: 0.5, startStep: 3 });
    const batchSize = 2; // 4 steps per epoch
    const rows: number[][] = [];
    const fit = (epochs: number, stopAfter?: number): Promise<unknown> =>
      gan.fit(set, {
        epochs,
        batchSize,
        callbacks: [
          {
            onBatchEnd: (logs) => {
              rows.push(gan.trainer.logNames.map((name) => logs[name]));
              if (rows.length === stopAfter) gan.stopTraining();
            },
          },
        ],
      });
    await fit(1); // the first epoch
    rows.length = 0;
    await fit(2, 2); // 2 of the second epoch's 4 steps, then stopped
    const dir = path.join(out, 'gan-format-2');
    if (!(await saveFixture(dir, 'gankit.json', (d) => gan.save(d)))) return;
    const state = JSON.parse(await fs.readFile(path.join(dir, 'gankit.json'), 'utf8')) as Record<string, unknown>;
    const manifest = await fs.readFile(path.join(dir, 'manifest.json'), 'utf8');
    if (state.formatVersion !== 2 || !manifest.includes('ema-generator/weights.bin'))
      throw new Error(`${dir}: expected format 2 with the averaged generator in the manifest`);
    const saved = {
      step: gan.state.step,
      epoch: gan.state.epoch,
      progress: structuredClone(gan.state.progress),
      averaged: gan.averaged?.options,
    };
    const before = samples(gan);
    rows.length = 0;
    await fit(2); // the uninterrupted run's rest of the epoch
    const expected = {
      writtenBy: writtenBy(),
      config: gan.config,
      data,
      batchSize,
      saved,
      sample: SAMPLE,
      samples: before,
      restOfEpoch: { logNames: [...gan.logNames], rows },
      samplesAfterEpoch: samples(gan),
    };
    await fs.writeFile(`${dir}.json`, `${JSON.stringify(expected, null, 2)}\n`);
    console.log(`wrote ${dir} and ${dir}.json`);
  } finally {
    gan.dispose();
    set.dispose();
  }
}

const FIXTURES: Record<string, () => Promise<void>> = {
  'cyclegan-format-1': cycleganFormat1,
  'gan-format-2': ganFormat2,
};

async function main(): Promise<void> {
  await initBackend({ log: null });
  tf.env().set('PROD', true);
  if (options.only !== undefined && !(options.only in FIXTURES))
    throw new Error(`--only: expected one of ${Object.keys(FIXTURES).join(', ')}, got '${options.only}'`);
  for (const [name, write] of Object.entries(FIXTURES))
    if (options.only === undefined || options.only === name) await write();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
