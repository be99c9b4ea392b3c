/**
 * Training runs with an averaged generator (`--ema`): the flags, the averaged G in the grids,
 * the evaluation and the checkpoints (`ema-generator/`), its restore on `--resume`, and
 * `gankit eval` measuring it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, GanConfigError } from '../../src/errors';
import { createCgan } from '../../src/models/gan/create';
import { generateImages } from '../../src/train/generate';
import { labelEmbedding } from '../../src/conditioning/label-embedding';
import { listCheckpoints } from '../../src/train/checkpoint';
import { loadGan } from '../../src/models/gan/load';
import { parseTrainingArgs, type TrainingArgs } from '../../src/cli/training-args';
import { runGankitCli } from '../../src/cli/gankit-cli';
import { runTraining } from '../../src/cli/run-training';
import { saveImageGrid } from '../../src/image/png';
import { AVERAGED_GENERATOR_DIR as EMA_GENERATOR_DIR } from '../../src/train/checkpoint';
import { randomDataset, thrownBy, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('ema-training');
beforeAll(async () => {
  await useDefaultBackend();
});

const defaults = { epochs: 2, batchSize: 8, out: 'out/x' };
const argv = (...flags: string[]): string[] => ['node', 'script', ...flags];

describe('--ema and --ema-start', () => {
  test('parse into args.ema and args.emaStart, default 0 (no average) unless the script sets them', () => {
    const none = parseTrainingArgs('t', 'd', defaults, argv());
    expect([none.ema, none.emaStart]).toEqual([0, 0]);
    const set = parseTrainingArgs('t', 'd', defaults, argv('--ema', '0.995', '--ema-start', '300'));
    expect([set.ema, set.emaStart]).toEqual([0.995, 300]);
    const scripted = parseTrainingArgs('t', 'd', { ...defaults, ema: 0.99, emaStart: 10 }, argv());
    expect([scripted.ema, scripted.emaStart]).toEqual([0.99, 10]);
    expect(parseTrainingArgs('t', 'd', { ...defaults, ema: 0.99 }, argv('--ema', '0')).ema).toBe(0);
  });

  test('--ema-batch-norm copy|recompute parses into args.emaBatchNorm (default copy unless the script sets it), anything else is refused', () => {
    expect(parseTrainingArgs('t', 'd', defaults, argv()).emaBatchNorm).toBe('copy');
    expect(parseTrainingArgs('t', 'd', defaults, argv('--ema-batch-norm', 'recompute')).emaBatchNorm).toBe('recompute');
    expect(parseTrainingArgs('t', 'd', { ...defaults, emaBatchNorm: 'recompute' }, argv()).emaBatchNorm).toBe(
      'recompute',
    );
    expect(
      parseTrainingArgs('t', 'd', { ...defaults, emaBatchNorm: 'recompute' }, argv('--ema-batch-norm', 'copy'))
        .emaBatchNorm,
    ).toBe('copy');
    const error = thrownBy(() => parseTrainingArgs('t', 'd', defaults, argv('--ema-batch-norm', 'average')));
    expect(error).toBeInstanceOf(GanConfigError);
    expect((error as Error).message).toMatch(/--ema-batch-norm/);
  });

  test.each([['1'], ['-0.1'], ['abc'], ['']])('refuse --ema %p', (value) => {
    const error = thrownBy(() => parseTrainingArgs('t', 'd', defaults, argv('--ema', value)));
    expect(error).toBeInstanceOf(GanConfigError);
    expect((error as Error).message).toMatch(/--ema/);
  });
});

/** A small 28×28 conditional GAN on random images, so the MNIST classifier can measure it. */
function smallCgan(seed: number) {
  return createCgan({
    architecture: 'mlp',
    numClasses: 10,
    latentDim: 8,
    conditioning: labelEmbedding({ dim: 4 }),
    seed,
    generator: { hiddenUnits: [16, 32], batchNorm: true },
    discriminator: { hiddenUnits: [16], dropout: 0 },
  });
}

function args(out: string, extra: Partial<TrainingArgs> = {}): TrainingArgs {
  return {
    epochs: 2,
    batchSize: 8,
    out,
    seed: 1,
    workers: 1,
    resume: false,
    evalSamples: 0,
    ema: 0.5,
    emaStart: 0,
    ...extra,
  };
}

const weightsOf = (model: { weights: Array<{ read(): tf.Tensor }> }): Float32Array[] =>
  model.weights.map((w) => w.read().dataSync() as Float32Array);
const maxAbsDiff = (a: Float32Array[], b: Float32Array[]): number =>
  Math.max(...a.map((x, i) => Math.max(...x.map((v, j) => Math.abs(v - b[i][j])))));

describe('runTraining with args.ema', () => {
  const data = randomDataset(32, 28);

  test('saves the averaged G as ema-generator/ in every checkpoint, shows it in the grids, and restores it on --resume', async () => {
    const out = path.join(tempDir(), 'run');
    const logs: string[] = [];
    const first = await runTraining(args(out, { epochs: 1 }), {
      data,
      build: () => smallCgan(3),
      log: (m) => logs.push(m),
    });
    expect(first.ema).not.toBeNull();
    const ema = first.ema!;
    expect(ema.updates).toBe(4); // 32 images / 8 per batch, every step averaged (emaStart 0)
    const saved = await listCheckpoints(first.outputs.checkpoint);
    expect(saved.map((c) => c.step)).toEqual([4]);
    const emaDir = path.join(saved[0].dir, EMA_GENERATOR_DIR);
    expect(existsSync(path.join(emaDir, 'model.json'))).toBe(true);
    // With decay 0.5 over 4 steps the average is not G: the saved folder holds the shadow, not a copy of G.
    const shadow = weightsOf(ema.shadow);
    expect(maxAbsDiff(shadow, weightsOf(first.gan.generator))).toBeGreaterThan(1e-4);
    // The grid is the averaged G's: it equals a grid drawn from the shadow with the same z, not one from G.
    const grid = await fs.readFile(path.join(first.outputs.samples, 'epoch-001.png'));
    const z = tf.randomNormal([100, 8], 0, 1, 'float32', 1234) as tf.Tensor2D; // sampleGrids' fixed z
    const labels = Array.from({ length: 100 }, (_, i) => Math.floor(i / 10));
    const drawn = async (generator: typeof ema.shadow, file: string): Promise<Buffer> => {
      const images = generateImages(
        generator,
        { latentDim: 8, numClasses: 10, outputActivation: 'tanh' },
        { z, labels },
      );
      await saveImageGrid(path.join(out, file), images, { columns: 10, scale: 2 });
      images.dispose();
      return fs.readFile(path.join(out, file));
    };
    expect((await drawn(ema.shadow, 'shadow.png')).equals(grid)).toBe(true);
    expect((await drawn(first.gan.generator, 'g.png')).equals(grid)).toBe(false);
    z.dispose();
    // loadGan gives the average back, with its options, and the GAN samples from it.
    const loaded = await loadGan(first.outputs.checkpoint);
    const fromDisk = loaded.averaged;
    expect(fromDisk).not.toBeNull();
    expect(maxAbsDiff(weightsOf(fromDisk!.shadow), shadow)).toBe(0);
    expect(fromDisk!.options).toEqual(ema.options);
    const zLoaded = tf.randomNormal([4, 8], 0, 1, 'float32', 5) as tf.Tensor2D;
    const [viaGan, viaShadow, viaRaw] = [
      loaded.generate({ z: zLoaded, labels: [0, 1, 2, 3] }),
      fromDisk!.generate({ z: zLoaded, labels: [0, 1, 2, 3] }),
      loaded.raw.generate({ z: zLoaded, labels: [0, 1, 2, 3] }),
    ];
    expect(Array.from(viaGan.dataSync())).toEqual(Array.from(viaShadow.dataSync()));
    expect(Array.from(viaRaw.dataSync())).not.toEqual(Array.from(viaShadow.dataSync()));
    tf.dispose([zLoaded, viaGan, viaShadow, viaRaw]);
    loaded.dispose();

    // --resume with the epochs already done restores the average and trains nothing.
    const again = await runTraining(args(out, { epochs: 1, resume: true }), {
      data,
      build: () => smallCgan(3),
      log: (m) => logs.push(m),
    });
    expect(logs.some((m) => m.startsWith('averaged generator restored') && m.includes(EMA_GENERATOR_DIR))).toBe(true);
    expect(maxAbsDiff(weightsOf(again.ema!.shadow), shadow)).toBe(0);
    expect(maxAbsDiff(weightsOf(again.ema!.shadow), weightsOf(again.gan.generator))).toBeGreaterThan(1e-4);
    // ... and one more epoch continues it: the new checkpoint has its own ema-generator/.
    const third = await runTraining(args(out, { epochs: 2, resume: true }), {
      data,
      build: () => smallCgan(3),
      log: (m) => logs.push(m),
    });
    expect(third.ema!.updates).toBe(4);
    expect((await listCheckpoints(third.outputs.checkpoint)).map((c) => c.step)).toEqual([4, 8]);
    expect(existsSync(path.join(third.outputs.checkpoint, 'step-000000008', EMA_GENERATOR_DIR, 'model.json'))).toBe(
      true,
    );
    for (const r of [first, again, third]) {
      r.gan.dispose();
    }
  });

  test('without args.ema nothing is averaged or saved beside the checkpoint, and resuming an averaged run without a saved average says so', async () => {
    const out = path.join(tempDir(), 'plain');
    const plain = await runTraining(args(out, { epochs: 1, ema: 0 }), {
      data,
      build: () => smallCgan(4),
      log: () => undefined,
    });
    expect(plain.ema).toBeNull();
    const [saved] = await listCheckpoints(plain.outputs.checkpoint);
    expect(existsSync(path.join(saved.dir, EMA_GENERATOR_DIR))).toBe(false);
    plain.gan.dispose();
    const logs: string[] = [];
    const resumed = await runTraining(args(out, { epochs: 2, resume: true, ema: 0.9 }), {
      data,
      build: () => smallCgan(4),
      log: (m) => logs.push(m),
    });
    expect(logs).toContain('note: the checkpoint holds no averaged generator; the average starts again from G');
    expect(existsSync(path.join(resumed.outputs.checkpoint, 'step-000000008', EMA_GENERATOR_DIR, 'model.json'))).toBe(
      true,
    );
    resumed.gan.dispose();
  });

  test("emaBatchNorm 'recompute': the saved average carries statistics recomputed for it, and a resumed run is the uninterrupted one", async () => {
    const statistics = (model: { nonTrainableWeights: Array<{ read(): tf.Tensor }> }): Float32Array[] =>
      model.nonTrainableWeights.map((w) => w.read().dataSync() as Float32Array);
    const straight = await runTraining(
      args(path.join(tempDir(), 'bn-straight'), { epochs: 2, emaBatchNorm: 'recompute' }),
      { data, build: () => smallCgan(10), log: () => undefined },
    );
    const ema = straight.ema!;
    expect(ema.batchNormStatistics).toBe('recompute');
    expect(maxAbsDiff(statistics(ema.shadow), statistics(straight.gan.generator))).toBeGreaterThan(1e-4);
    const loaded = await loadGan(straight.outputs.checkpoint);
    const saved = loaded.averaged;
    expect(maxAbsDiff(weightsOf(saved!.shadow), weightsOf(ema.shadow))).toBe(0);
    // Stopped after epoch 1 and resumed: the same G, and the same average with the same statistics.
    const out = path.join(tempDir(), 'bn-resumed');
    const first = await runTraining(args(out, { epochs: 1, emaBatchNorm: 'recompute' }), {
      data,
      build: () => smallCgan(10),
      log: () => undefined,
    });
    const second = await runTraining(args(out, { epochs: 2, resume: true, emaBatchNorm: 'recompute' }), {
      data,
      build: () => smallCgan(10),
      log: () => undefined,
    });
    expect(maxAbsDiff(weightsOf(second.gan.generator), weightsOf(straight.gan.generator))).toBe(0);
    expect(maxAbsDiff(weightsOf(second.ema!.shadow), weightsOf(ema.shadow))).toBe(0);
    loaded.dispose();
    for (const r of [straight, first, second]) {
      r.gan.dispose();
    }
  });

  test('emaStart: steps before it copy G, so an average that starts after the last step equals G', async () => {
    const out = path.join(tempDir(), 'late');
    const r = await runTraining(args(out, { epochs: 1, ema: 0.5, emaStart: 100 }), {
      data,
      build: () => smallCgan(5),
      log: () => undefined,
    });
    expect(r.ema!.updates).toBe(0);
    expect(maxAbsDiff(weightsOf(r.ema!.shadow), weightsOf(r.gan.generator))).toBe(0);
    r.gan.dispose();
  });

  test('the per-epoch evaluation measures the averaged G', async () => {
    const out = path.join(tempDir(), 'evaluated');
    const logs: string[] = [];
    const r = await runTraining(args(out, { epochs: 1, evalSamples: 50 }), {
      data,
      build: () => smallCgan(6),
      log: (m) => logs.push(m),
      evaluate: true,
    });
    const line = logs.find((m) => m.startsWith('epoch 1: acc'));
    expect(line).toBeDefined();
    // The same numbers come from measuring the shadow directly (same samples, seed 0).
    const { evaluateGan } = await import('../../src/eval/evaluate');
    const { formatMetricsLine } = await import('../../src/eval/format');
    expect(line).toBe(`epoch 1: ${formatMetricsLine(await evaluateGan(r.gan, { samples: 50, seed: 0 }))}`);
    const raw = await loadGan(r.outputs.checkpoint, { averagedGenerator: false });
    expect(raw.averaged).toBeNull();
    expect(line).not.toBe(`epoch 1: ${formatMetricsLine(await evaluateGan(raw, { samples: 50, seed: 0 }))}`);
    raw.dispose();
    r.gan.dispose();
  });
});

describe('Gan.averageWeights', () => {
  test('generate() draws from the average once there is one, raw from G; the average is saved inside the manifest', async () => {
    const gan = smallCgan(7);
    const z = tf.randomNormal([4, 8], 0, 1, 'float32', 3) as tf.Tensor2D;
    const labels = [0, 1, 2, 3];
    const before = gan.generate({ z, labels });
    const fromG = gan.raw.generate({ z, labels });
    expect(Array.from(before.dataSync())).toEqual(Array.from(fromG.dataSync()));
    const averaged = gan.averageWeights({ decay: 0.5 });
    expect(gan.averaged).toBe(averaged);
    expect(() => gan.averageWeights()).toThrow(GanConfigError);
    // fit updates it without being passed in callbacks (and once only when it is).
    await gan.fit(randomDataset(16, 28), { epochs: 1, batchSize: 8, callbacks: [averaged] });
    expect(averaged.updates).toBe(2);
    const after = gan.generate({ z, labels });
    const shadow = averaged.generate({ z, labels });
    const raw = gan.raw.generate({ z, labels });
    expect(Array.from(after.dataSync())).toEqual(Array.from(shadow.dataSync()));
    expect(Array.from(after.dataSync())).not.toEqual(Array.from(raw.dataSync()));
    const dir = path.join(tempDir(), 'averaged');
    await gan.save(dir);
    const manifest = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
      files: Array<{ path: string }>;
    };
    expect(manifest.files.map((f) => f.path)).toEqual(
      expect.arrayContaining([`${EMA_GENERATOR_DIR}/model.json`, `${EMA_GENERATOR_DIR}/weights.bin`]),
    );
    // One byte of the average changed: loading refuses it, naming the file.
    const weights = path.join(dir, EMA_GENERATOR_DIR, 'weights.bin');
    const bytes = await fs.readFile(weights);
    bytes[10] ^= 0xff;
    await fs.writeFile(weights, bytes);
    await expect(loadGan(dir)).rejects.toThrow(CheckpointError);
    await expect(loadGan(dir)).rejects.toThrow(path.join(EMA_GENERATOR_DIR, 'weights.bin'));
    tf.dispose([z, before, fromG, after, shadow, raw]);
    gan.dispose();
  });
});

describe('gankit eval on a checkpoint with ema-generator/', () => {
  test('measures the averaged G (and says so); --raw measures G; a broken ema-generator/ is an error naming it', async () => {
    const out = path.join(tempDir(), 'cli');
    const r = await runTraining(args(out, { epochs: 1 }), {
      data: randomDataset(32, 28),
      build: () => smallCgan(9),
      log: () => undefined,
    });
    const { evaluateGan } = await import('../../src/eval/evaluate');
    const viaEma = await evaluateGan(r.gan, { samples: 40, seed: 0 });
    const rawGan = await loadGan(r.outputs.checkpoint, { averagedGenerator: false });
    const viaG = await evaluateGan(rawGan, { samples: 40, seed: 0 });
    rawGan.dispose();
    const runJson = async (...flags: string[]): Promise<{ generator: string; frechetDistance: number }> => {
      let text = '';
      expect(
        await runGankitCli(['node', 'gankit', 'eval', r.outputs.checkpoint, '--samples', '40', '--json', ...flags], {
          out: (t) => {
            text += t;
          },
          err: () => undefined,
        }),
      ).toBe(0);
      return JSON.parse(text) as { generator: string; frechetDistance: number };
    };
    const averaged = await runJson();
    expect(averaged.generator).toBe(EMA_GENERATOR_DIR);
    expect(averaged.frechetDistance).toBeCloseTo(viaEma.frechetDistance, 3);
    const raw = await runJson('--raw');
    expect(raw.generator).toBe('generator');
    expect(raw.frechetDistance).toBeCloseTo(viaG.frechetDistance, 3);
    expect(averaged.frechetDistance).not.toBeCloseTo(raw.frechetDistance, 3);
    let table = '';
    expect(
      await runGankitCli(['node', 'gankit', 'eval', r.outputs.checkpoint, '--samples', '40'], {
        out: (t) => {
          table += t;
        },
        err: () => undefined,
      }),
    ).toBe(0);
    expect(table).toMatch(/generator\s+ema-generator\/ \(the moving average/);

    const [saved] = await listCheckpoints(r.outputs.checkpoint);
    await fs.writeFile(path.join(saved.dir, EMA_GENERATOR_DIR, 'model.json'), '{ not json');
    let err = '';
    expect(
      await runGankitCli(['node', 'gankit', 'eval', r.outputs.checkpoint, '--samples', '40'], {
        out: () => undefined,
        err: (t) => {
          err += t;
        },
      }),
    ).toBe(1);
    expect(err).toContain(EMA_GENERATOR_DIR);
    r.gan.dispose();
  });
});
