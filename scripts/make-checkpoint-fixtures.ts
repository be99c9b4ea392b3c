/**
 * Writes the checkpoint fixtures that prove gankit still loads what older versions of it saved:
 * `test/fixtures/cyclegan-format-1/`, a tiny CycleGAN saved by the CycleGAN format that wrote
 * `cyclegan.json` (gankit 0.1 before the named-nets checkpoint), stopped in the middle of an
 * epoch, and `test/fixtures/cyclegan-format-1.json` beside it: the data it was trained on, a fixed
 * input, what `translate()` gave for it, the step, epoch and position it was saved at, and the
 * losses the uninterrupted run logged for the rest of the epoch (what a resumed run must repeat).
 *
 * The fixture is only meaningful when written by the format it stands for: regenerating it with a
 * gankit whose `CycleGan.save` writes another format would test nothing, so the script refuses to
 * run unless the saved checkpoint holds `cyclegan.json`.
 *
 *   npx tsx scripts/make-checkpoint-fixtures.ts [--out test/fixtures]
 */
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VERSION, createCycleGan, initBackend, type CycleGan, datasets } from '../src/index';

const program = new Command().option('--out <dir>', 'folder of the fixtures', 'test/fixtures').parse(process.argv);
const out = path.resolve(program.opts<{ out: string }>().out);

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

async function main(): Promise<void> {
  await initBackend({ log: null });
  tf.env().set('PROD', true);
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
  await fs.rm(dir, { recursive: true, force: true });
  await cycle.save(dir);
  if (!existsSync(path.join(dir, 'cyclegan.json')))
    throw new Error(`${dir} holds no cyclegan.json: this gankit no longer writes CycleGAN format 1`);
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
    writtenBy: `gankit ${VERSION}, tfjs ${tf.version_core}, backend ${tf.getBackend()}`,
    config: cycle.config,
    data,
    saved,
    translations,
    restOfEpoch: { logNames: [...cycle.logNames], rows },
  };
  await fs.writeFile(path.join(out, 'cyclegan-format-1.json'), `${JSON.stringify(expected, null, 2)}\n`);
  cycle.dispose();
  tf.dispose([x, y, input]);
  dataX.dispose();
  dataY.dispose();
  console.log(`wrote ${dir} and ${dir}.json`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
