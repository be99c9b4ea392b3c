/**
 * Checkpoints during training: after every N epochs, and when the user presses Ctrl-C.
 *
 * @packageDocumentation
 */
import { CheckpointError, GanConfigError } from '../errors';
import { checkOutputFolder } from '../io/output-path';
import type { TrainingCallback } from '../train/callbacks';
import { saveCheckpoint, type Checkpointable } from '../train/checkpoint';

/** Options of {@link callbacks.checkpoints}. */
export interface CheckpointsOptions {
  /** The checkpoint folder: each save is a `step-NNNNNNNNN/` checkpoint inside it (see {@link io.saveCheckpoint}). */
  dir: string;
  /** Save every this many epochs (default 1; 0 for none). */
  everyEpochs?: number;
  /** Also save every this many steps (default: none). */
  everySteps?: number;
  /** Keep the newest this many checkpoints (default 3). */
  keep?: number;
  /** Called after each save with the checkpoint written and the epochs completed. */
  onSave?(dir: string, epoch: number): void;
}

function checkEvery(value: number | undefined, fallback: number, argument: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 0) throw new GanConfigError(argument, `expected a non-negative integer, got ${v}`);
  return v;
}

/**
 * A callback that saves `model` (a GAN, a CycleGAN: weights, optimizer state, step, epoch, position in the epoch, RNG
 * state, config) into the folder `dir` after every `everyEpochs` epochs and, if set, every
 * `everySteps` steps, keeping the newest `keep`. Each save is atomic and checksummed, so a crash
 * or a kill at any moment leaves the previous checkpoints loadable. Resume with `loadGan(dir)`
 * and `fit` to a later epoch: the run continues exactly where the checkpoint was taken.
 *
 * @example
 * ```ts
 * await gan.fit(data, { epochs: 5, callbacks: [checkpoints(gan, { dir: 'out/checkpoint', everySteps: 500 })] });
 * const resumed = await loadGan('out/checkpoint');
 * await resumed.fit(data, { epochs: 10 });
 * ```
 */
export function checkpoints(model: Checkpointable, options: CheckpointsOptions): TrainingCallback {
  const everyEpochs = checkEvery(options.everyEpochs, 1, 'options.everyEpochs');
  const everySteps = checkEvery(options.everySteps, 0, 'options.everySteps');
  const keep = options.keep ?? 3;
  if (!Number.isInteger(keep) || keep < 1)
    throw new GanConfigError('options.keep', `expected a positive integer, got ${keep}`);
  let lastSaved = -1;
  const save = async (): Promise<void> => {
    if (model.state.step === lastSaved) return;
    const dir = await saveCheckpoint(model, options.dir, { keep });
    lastSaved = model.state.step;
    options.onSave?.(dir, model.state.epoch);
  };
  return {
    onTrainBegin: () => checkCheckpointFolder(options.dir, 'checkpoints({ dir })'),
    async onBatchEnd(logs) {
      if (everySteps > 0 && logs.step % everySteps === 0) await save();
    },
    async onEpochEnd(logs) {
      if (everyEpochs > 0 && (logs.epoch + 1) % everyEpochs === 0) await save();
    },
  };
}

/**
 * Refuses a checkpoint folder that cannot be one (a file, or below a file) before training time is spent.
 * @internal
 */
export function checkCheckpointFolder(dir: string, argument: string): Promise<void> {
  return checkOutputFolder(dir, argument, (p, m) => new CheckpointError(p, m));
}

/** Options of {@link saveOnInterrupt}. */
export interface SaveOnInterruptOptions {
  /** The checkpoint folder (a `step-NNNNNNNNN/` checkpoint is added, as {@link callbacks.checkpoints} does). */
  dir: string;
  /** Keep the newest this many checkpoints in the folder (default 3). */
  keep?: number;
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
export function saveOnInterrupt(model: Checkpointable, options: SaveOnInterruptOptions): TrainingCallback {
  const log = options.log === undefined ? (m: string) => console.error(m) : options.log;
  const watch = interruptWatch({
    dir: options.dir,
    log,
    signals: options.signals ?? ['SIGINT', 'SIGTERM'],
    stop: () => model.stopTraining(),
  });
  return {
    async onTrainBegin() {
      await checkCheckpointFolder(options.dir, 'saveOnInterrupt({ dir })');
      watch.install();
    },
    async onTrainEnd(logs) {
      if (!watch.remove()) return;
      const dir = await saveCheckpoint(model, options.dir, { keep: options.keep ?? 3 });
      log?.(`saved step ${logs.step} (${logs.epoch} epoch(s) complete) to ${dir}`);
    },
  };
}

/** The Ctrl-C handling of a training run: what {@link saveOnInterrupt} installs. @internal */
export interface InterruptWatch {
  /** Installs the signal handlers (at the start of training). */
  install(): void;
  /** Removes them (at the end of training); returns whether a signal asked training to stop. */
  remove(): boolean;
}

/**
 * Signal handlers that turn the first signal into `stop()` (training stops after the current
 * step; the caller saves) and a second one into an immediate exit. Shared by
 * {@link saveOnInterrupt} and the CycleGAN checkpoints callback.
 * @internal
 */
export function interruptWatch(options: {
  dir: string;
  log: ((message: string) => void) | null;
  signals: NodeJS.Signals[];
  stop(): void;
}): InterruptWatch {
  const { log, signals } = options;
  let interrupted = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (interrupted) {
      log?.(`\n${signal} again: exiting without saving`);
      process.exit(130);
    }
    interrupted = true;
    log?.(`\n${signal}: stopping after this step and saving a checkpoint to ${options.dir} (again to exit at once)`);
    options.stop();
  };
  return {
    install() {
      interrupted = false;
      for (const s of signals) process.on(s, handler);
    },
    remove() {
      for (const s of signals) process.off(s, handler);
      return interrupted;
    },
  };
}
