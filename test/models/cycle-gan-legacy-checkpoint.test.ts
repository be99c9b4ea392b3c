/**
 * CycleGAN checkpoints written before the named-nets format (`cyclegan.json`) still load and
 * resume: test/fixtures/cyclegan-format-1/ was saved by that code (scripts/make-checkpoint-fixtures.ts),
 * with what the model translated and logged recorded beside it at the time.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ImageDataset, loadCycleGAN, type CycleGan, type CycleGanConfig, type FitProgress } from '../../src/index';
import { useDefaultBackend } from '../helpers';

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
  const cycle = await loadCycleGAN(FIXTURE);
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
