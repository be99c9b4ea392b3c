/**
 * Checkpoints during training: after every N epochs, and when the user presses Ctrl-C.
 *
 * @packageDocumentation
 */
import type { Gan } from '../gan';
import { GanConfigError } from '../errors';
import type { TrainerCallback } from '../train/callbacks';

/** Options of {@link checkpoints}. */
export interface CheckpointsOptions {
  /** The checkpoint folder, replaced atomically at each save (see {@link Gan.save}). */
  dir: string;
  /** Save every this many epochs (default 1). */
  everyEpochs?: number;
  /** Called after each save with the folder and the epoch reached. */
  onSave?(dir: string, epoch: number): void;
}

/**
 * A callback that saves `gan` (weights, optimizer state, step, epoch, RNG state, config) into
 * `dir` after every `everyEpochs` epochs. Resume with `loadGAN(dir)` and `fit` to a later epoch.
 *
 * @example
 * ```ts
 * await gan.fit(data, { epochs: 5, callbacks: [checkpoints(gan, { dir: 'out/checkpoint' })] });
 * const resumed = await loadGAN('out/checkpoint');
 * await resumed.fit(data, { epochs: 10 });
 * ```
 */
export function checkpoints(gan: Gan, options: CheckpointsOptions): TrainerCallback {
  const everyEpochs = options.everyEpochs ?? 1;
  if (!Number.isInteger(everyEpochs) || everyEpochs < 1) throw new GanConfigError('options.everyEpochs', `expected a positive integer, got ${everyEpochs}`);
  return {
    async onEpochEnd(logs) {
      if ((logs.epoch + 1) % everyEpochs !== 0) return;
      await gan.save(options.dir);
      options.onSave?.(options.dir, logs.epoch + 1);
    },
  };
}

/** Options of {@link saveOnInterrupt}. */
export interface SaveOnInterruptOptions {
  /** The checkpoint folder. */
  dir: string;
  /** Where messages go (default `console.error`); `null` for none. */
  log?: ((message: string) => void) | null;
  /** The signals that interrupt (default `['SIGINT', 'SIGTERM']`). */
  signals?: NodeJS.Signals[];
}

/**
 * A callback that turns Ctrl-C (SIGINT, or SIGTERM) into a clean stop: training stops after the
 * current step, `gan` is saved into `dir`, and `fit` returns (its result says `stopped`). A second
 * Ctrl-C exits at once. The handlers live only while `fit` runs.
 *
 * @example
 * ```ts
 * await gan.fit(data, { epochs: 5, callbacks: [saveOnInterrupt(gan, { dir: 'out/checkpoint' })] });
 * ```
 */
export function saveOnInterrupt(gan: Gan, options: SaveOnInterruptOptions): TrainerCallback {
  const log = options.log === undefined ? (m: string) => console.error(m) : options.log;
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  let interrupted = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (interrupted) {
      log?.(`\n${signal} again: exiting without saving`);
      process.exit(130);
    }
    interrupted = true;
    log?.(`\n${signal}: stopping after this step and saving a checkpoint to ${options.dir} (again to exit at once)`);
    gan.trainer.stopTraining();
  };
  return {
    onTrainBegin() {
      interrupted = false;
      for (const s of signals) process.on(s, handler);
    },
    async onTrainEnd(logs) {
      for (const s of signals) process.off(s, handler);
      if (!interrupted) return;
      await gan.save(options.dir);
      log?.(`saved step ${logs.step} (epoch ${logs.epoch} complete) to ${options.dir}`);
    },
  };
}
