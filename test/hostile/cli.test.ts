/**
 * Scripts: one line for every gankit error and a stack only for real bugs (errorReport), and
 * `--resume` on a checkpoint of another model than the script trains is refused (it went on
 * training that other model under the script's name).
 */
import * as path from 'node:path';
import { CheckpointError, GanConfigError } from '../../src/errors';
import { createCgan, createGan } from '../../src/models/gan/create';
import { errorReport } from '../../src/core/error-report';
import { hingeLoss } from '../../src/losses/hinge';
import { runTraining } from '../../src/cli/run-training';
import { type TrainingArgs } from '../../src/cli/training-args';
import { randomDataset, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('hostile-cli');
beforeAll(async () => {
  await useDefaultBackend();
});

test('errorReport: one line naming the class for a gankit error, the stack for anything else', () => {
  expect(errorReport(new GanConfigError('batchSize', 'expected a positive integer,\n  got 0'))).toBe(
    'GanConfigError: batchSize: expected a positive integer, got 0',
  );
  const bug = new TypeError('x is undefined');
  expect(errorReport(bug)).toBe(bug.stack);
  expect(errorReport(bug).split('\n').length).toBeGreaterThan(1);
  expect(errorReport('thrown text')).toBe('a non-Error value was thrown: thrown text');
});

const args = (out: string, extra: Partial<TrainingArgs> = {}): TrainingArgs => ({
  epochs: 1,
  batchSize: 4,
  out,
  seed: 1,
  workers: 1,
  resume: false,
  evalSamples: 0,
  ...extra,
});

const small = { latentDim: 4, imageShape: [4, 4, 1] as [number, number, number], seed: 1 };
const nets = { generator: { hiddenUnits: [8] }, discriminator: { hiddenUnits: [8] } };

test("--resume on another script's checkpoint is a CheckpointError naming the field; the same script resumes", async () => {
  const data = randomDataset(8, 4, 3);
  const out = path.join(tempDir(), 'run');
  const log = (): void => undefined;
  const cgan = () => createCgan({ ...small, ...nets, numClasses: 3 });
  const first = await runTraining(args(out), { data, build: cgan, log });
  first.gan.dispose();
  const other = [
    ['numClasses', () => createGan({ ...small, ...nets })],
    ['loss', () => createCgan({ ...small, ...nets, numClasses: 3, loss: hingeLoss() })],
  ] as const;
  for (const [field, build] of other) {
    let error: unknown;
    try {
      await runTraining(args(out, { epochs: 2, resume: true }), { data, build, log });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(new RegExp(`config\\.${field} is .*this script's is`));
  }
  const resumed = await runTraining(args(out, { epochs: 2, resume: true }), { data, build: cgan, log });
  expect(resumed.gan.trainer.epoch).toBe(2);
  resumed.gan.dispose();
  data.dispose();
});
