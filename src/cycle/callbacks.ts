/**
 * What {@link CycleGan.fit} reports to its callbacks, and three callbacks: progress lines,
 * translation grids and checkpoints (with Ctrl-C saving).
 *
 * They are {@link TrainingCallback}s of the one training loop, over CycleGAN's logs
 * ({@link CycleGanStepLogs}).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { checkPngTarget, saveImageGrid } from '../image/png';
import { gridFile } from '../callbacks/sample-grids';
import { checkOutputFolder } from '../io/output-path';
import { formatDuration, type ProgressStream } from '../callbacks/progress-bar';
import type { CycleGan, CycleGanCallback } from './cycle-gan';
import type { CycleGanStepLogs } from './logs';
import { saveCycleCheckpoint } from './checkpoint';
import { checkCheckpointFolder, interruptWatch } from '../callbacks/checkpoints';

/**
 * Options of {@link cycleGanProgress}.
 *
 * @example
 * ```ts
 * const options: CycleGanProgressOptions = { everySteps: 100, stream: process.stderr };
 * ```
 */
export interface CycleGanProgressOptions {
  /** Where lines go (default `process.stdout`). */
  stream?: ProgressStream;
  /** A line every this many steps (default 50; 0 for epoch lines only). */
  everySteps?: number;
}

function describe(l: CycleGanStepLogs): string {
  return `G+F ${l.generatorLoss.toFixed(3)} (adv ${l.adversarialLoss.toFixed(3)} cyc ${l.cycleLoss.toFixed(3)} id ${l.identityLoss.toFixed(3)})  D_X ${l.discriminatorXLoss.toFixed(3)} D_Y ${l.discriminatorYLoss.toFixed(3)}`;
}

/**
 * A callback that prints a progress line every `everySteps` steps (step, ms per step, ETA of the
 * run, the step's losses) and one line per epoch (the epoch's mean losses and its time).
 *
 * @example
 * ```ts
 * await cycle.fit(mnist, fashion, { epochs: 2, batchSize: 8, callbacks: [cycleGanProgress({ everySteps: 100 })] });
 * ```
 */
export function cycleGanProgress(options: CycleGanProgressOptions = {}): CycleGanCallback {
  const stream = options.stream ?? process.stdout;
  const every = options.everySteps ?? 50;
  if (!Number.isInteger(every) || every < 0)
    throw new GanConfigError('options.everySteps', `expected a non-negative integer, got ${every}`);
  let epochs = 0;
  let stepsPerEpoch = 0;
  let firstStep = 0;
  let total = 0;
  let started = 0;
  return {
    onTrainBegin(info) {
      epochs = info.epochs;
      stepsPerEpoch = info.stepsPerEpoch;
      firstStep = info.model.step;
      total =
        Math.max(0, info.epochs - info.initialEpoch) * info.stepsPerEpoch - (info.model.epochProgress?.steps ?? 0);
      started = Date.now();
    },
    onBatchEnd(logs) {
      const done = logs.step - firstStep;
      if (every === 0 || done % every !== 0) return;
      const perStep = (Date.now() - started) / 1000 / done;
      const inEpoch = ((logs.step - 1) % stepsPerEpoch) + 1;
      stream.write(
        `epoch ${logs.epoch + 1}/${epochs} step ${inEpoch}/${stepsPerEpoch}  ${(perStep * 1000).toFixed(0)} ms/step  ETA ${formatDuration(perStep * (total - done))}  ${describe(logs)}\n`,
      );
    },
    onEpochEnd(logs) {
      stream.write(`epoch ${logs.epoch + 1}/${epochs}: ${describe(logs)}  ${formatDuration(logs.seconds)}\n`);
    },
  };
}

/**
 * The rows of a translation grid, as one batch `[6n, h, w, c]` in [-1, 1] (the caller disposes
 * it): `x`, `G(x)`, `F(G(x))`, `y`, `F(y)`, `G(F(y))`, each row the n images given, translated
 * in inference mode. Save it with `saveImageGrid(file, images, { columns: n })`.
 *
 * @example
 * ```ts
 * const rows = translationGridImages(cycle, testX, testY); // 8 + 8 images → 48 tiles
 * await saveImageGrid('translation.png', rows, { columns: 8, scale: 2 });
 * rows.dispose();
 * ```
 * @throws {@link GanConfigError} when `x` and `y` hold different numbers of images.
 */
export function translationGridImages(cycleGan: CycleGan, x: tf.Tensor4D, y: tf.Tensor4D): tf.Tensor4D {
  if (x.shape[0] !== y.shape[0])
    throw new GanConfigError('y', `expected as many images as x (${x.shape[0]}), got ${y.shape[0]}`);
  return tf.tidy(() => {
    const gx = cycleGan.translate(x, 'xToY');
    const fgx = cycleGan.translate(gx, 'yToX');
    const fy = cycleGan.translate(y, 'yToX');
    const gfy = cycleGan.translate(fy, 'xToY');
    return tf.concat([x, gx, fgx, y, fy, gfy]) as tf.Tensor4D;
  });
}

/**
 * Options of {@link translationGrids}.
 *
 * @example
 * ```ts
 * const options: TranslationGridsOptions = { dir: 'out/grids', x: testDigits, y: testClothes, everyEpochs: 1, scale: 2 };
 * ```
 */
export interface TranslationGridsOptions {
  /** Folder of the PNGs (created if missing): `epoch-001.png`, `epoch-002.png`, … */
  dir: string;
  /** Images of domain X shown in every grid, `[n, h, w, c]` in [-1, 1] (the callback copies them). */
  x: tf.Tensor4D;
  /** Images of domain Y, as many as `x`. */
  y: tf.Tensor4D;
  /** A grid every this many epochs (default 1). */
  everyEpochs?: number;
  /** Pixel scale of the PNG (default 2). */
  scale?: number;
}

/**
 * A callback that writes a translation grid after every `everyEpochs` epochs (see
 * {@link translationGridImages}): six rows, `x`, `G(x)`, `F(G(x))`, `y`, `F(y)`, `G(F(y))`, for
 * the same images every time, so successive grids show how the translations change.
 *
 * @example
 * ```ts
 * const grids = translationGrids({ dir: 'out/grids', x: testX, y: testY });
 * await cycle.fit(dataX, dataY, { epochs: 3, callbacks: [grids] });
 * ```
 */
export function translationGrids(options: TranslationGridsOptions): CycleGanCallback {
  const { dir, everyEpochs = 1, scale = 2 } = options;
  for (const [name, v] of [
    ['everyEpochs', everyEpochs],
    ['scale', scale],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new GanConfigError(`options.${name}`, `expected a positive integer, got ${v}`);
  }
  if (options.x.shape[0] !== options.y.shape[0])
    throw new GanConfigError(
      'options.y',
      `expected as many images as options.x (${options.x.shape[0]}), got ${options.y.shape[0]}`,
    );
  const x = tf.keep(options.x.clone());
  const y = tf.keep(options.y.clone());
  let cycleGan: CycleGan | null = null;
  return {
    async onTrainBegin(info) {
      // Before any training time is spent: the folder, and every grid file this run will write.
      await checkOutputFolder(dir, 'translationGrids({ dir })');
      for (let epoch = info.initialEpoch + 1; epoch <= info.epochs; epoch++)
        if (epoch % everyEpochs === 0) await checkPngTarget(gridFile(dir, epoch), 'translationGrids({ dir })');
      cycleGan = info.model;
    },
    async onEpochEnd(logs) {
      if (cycleGan === null || x.isDisposed || (logs.epoch + 1) % everyEpochs !== 0) return;
      const rows = translationGridImages(cycleGan, x, y);
      try {
        await saveImageGrid(gridFile(dir, logs.epoch + 1), rows, {
          columns: x.shape[0],
          scale,
        });
      } finally {
        rows.dispose();
      }
    },
    onTrainEnd() {
      x.dispose();
      y.dispose();
    },
  };
}

/**
 * Options of {@link cycleGanCheckpoints}.
 *
 * @example
 * ```ts
 * const options: CycleGanCheckpointsOptions = { dir: 'out/checkpoint', everySteps: 500, keep: 2 };
 * ```
 */
export interface CycleGanCheckpointsOptions {
  /** The checkpoint folder: each save is a `step-NNNNNNNNN/` checkpoint inside it (see {@link saveCycleCheckpoint}). */
  dir: string;
  /** Save every this many epochs (default 1; 0 for none). */
  everyEpochs?: number;
  /** Also save every this many steps (default 0: none). */
  everySteps?: number;
  /** Keep the newest this many checkpoints (default 3). */
  keep?: number;
  /** Stop after the current step and save on SIGINT / SIGTERM (Ctrl-C) while training (default true; a second signal exits at once). */
  saveOnInterrupt?: boolean;
  /** Where messages go (default `console.error`); `null` for none. */
  log?: ((message: string) => void) | null;
}

/**
 * A callback that saves `cycleGan` (all four nets, the four optimizers' state, step, epoch,
 * position in the epoch, random stream and image pools) into the folder `dir` after every
 * `everyEpochs` epochs and every `everySteps` steps, keeping the newest `keep`; and, unless
 * `saveOnInterrupt` is false, turns Ctrl-C into a clean stop followed by a save. Each save is
 * atomic and checksummed (see {@link CycleGan.save}). Resume with {@link loadCycleGAN}.
 *
 * @example
 * ```ts
 * await cycle.fit(dataX, dataY, { epochs: 5, callbacks: [cycleGanCheckpoints(cycle, { dir: 'out/checkpoint' })] });
 * const resumed = await loadCycleGAN('out/checkpoint');
 * ```
 */
export function cycleGanCheckpoints(cycleGan: CycleGan, options: CycleGanCheckpointsOptions): CycleGanCallback {
  const everyEpochs = options.everyEpochs ?? 1;
  const everySteps = options.everySteps ?? 0;
  const keep = options.keep ?? 3;
  for (const [name, v, min] of [
    ['everyEpochs', everyEpochs, 0],
    ['everySteps', everySteps, 0],
    ['keep', keep, 1],
  ] as const) {
    if (!Number.isInteger(v) || v < min)
      throw new GanConfigError(`options.${name}`, `expected an integer ≥ ${min}, got ${v}`);
  }
  const log = options.log === undefined ? (m: string) => console.error(m) : options.log;
  const signals: NodeJS.Signals[] = options.saveOnInterrupt === false ? [] : ['SIGINT', 'SIGTERM'];
  const watch = interruptWatch({ dir: options.dir, log, signals, stop: () => cycleGan.stopTraining() });
  let lastSaved = -1;
  const save = async (): Promise<void> => {
    if (cycleGan.step === lastSaved) return;
    await saveCycleCheckpoint(cycleGan, options.dir, { keep });
    lastSaved = cycleGan.step;
  };
  return {
    async onTrainBegin() {
      await checkCheckpointFolder(options.dir, 'cycleGanCheckpoints({ dir })');
      watch.install();
    },
    async onBatchEnd(logs) {
      if (everySteps > 0 && logs.step % everySteps === 0) await save();
    },
    async onEpochEnd(logs) {
      if (everyEpochs > 0 && (logs.epoch + 1) % everyEpochs === 0) await save();
    },
    async onTrainEnd(logs) {
      if (!watch.remove()) return;
      await save();
      log?.(`saved step ${logs.step} (${logs.epoch} epoch(s) complete) to ${options.dir}`);
    },
  };
}
