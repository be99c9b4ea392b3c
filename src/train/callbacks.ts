import type { GanTrainer } from './trainer';

/** What the trainer reports after each step (one generator update and its k discriminator updates). */
export interface StepLogs {
  /** Epoch this step belongs to (0-based). */
  epoch: number;
  /** Global step: generator updates done so far, this one included (1-based). */
  step: number;
  /** Discriminator loss of the step's last D update. */
  dLoss: number;
  /** Generator loss. */
  gLoss: number;
  /** Mean of D's probability `σ(logit)` on the real batch (1 = sure it is real). */
  dRealMean: number;
  /** Mean of D's probability on the fake batch (0 = sure it is fake). */
  dFakeMean: number;
}

/** What the trainer reports after each epoch: the means of the epoch's step logs. */
export interface EpochLogs extends StepLogs {
  /** Steps run in this epoch. */
  steps: number;
  /** Wall time of the epoch in seconds. */
  seconds: number;
  /**
   * Extra per-epoch measurements keyed by name (e.g. `fd`, `label_accuracy`), added by callbacks
   * such as {@link evaluation}. The trainer passes the same logs object to every callback in
   * order, so callbacks after the one that adds them see them; {@link lossLog} writes them as CSV
   * columns.
   */
  metrics?: Record<string, number>;
}

/** What a callback learns when training begins. */
export interface TrainBeginInfo {
  /** The trainer (to generate samples, read the step, or request a stop). */
  trainer: GanTrainer;
  /** First epoch of this run (0, or later when resuming). */
  initialEpoch: number;
  /** Epoch after the last one of this run. */
  epochs: number;
  /** Steps per epoch. */
  stepsPerEpoch: number;
  /** Batch size. */
  batchSize: number;
}

/** What a callback learns when training ends. */
export interface TrainEndLogs {
  /** Global step reached. */
  step: number;
  /** Epochs completed (absolute). */
  epoch: number;
  /** True when training ended early: a callback (or the user) asked it to stop, or it failed (e.g. diverged). */
  stopped: boolean;
}

/**
 * A training callback: an object with any of these hooks, each may be async. The trainer awaits
 * each hook in order, so a hook may write files (sample grids, checkpoints, loss logs).
 *
 * @example
 * ```ts
 * const printEveryEpoch: TrainerCallback = {
 *   onEpochEnd: ({ epoch, dLoss, gLoss }) => console.log(`epoch ${epoch}: D ${dLoss.toFixed(3)} G ${gLoss.toFixed(3)}`),
 * };
 * ```
 */
export interface TrainerCallback {
  /** Called once before the first step. */
  onTrainBegin?(info: TrainBeginInfo): void | Promise<void>;
  /** Called after every step, in step order, once its losses have been read back. */
  onBatchEnd?(logs: StepLogs): void | Promise<void>;
  /** Called after every epoch. */
  onEpochEnd?(logs: EpochLogs): void | Promise<void>;
  /** Called once when training ends (normally or by a stop request). */
  onTrainEnd?(logs: TrainEndLogs): void | Promise<void>;
}

/**
 * Ends a training run: every callback's `onTrainEnd` is called, even after `failure` (so, e.g.,
 * Ctrl-C handlers are removed), and then the first failure (the run's, else a callback's) is
 * thrown. Shared by the GAN and CycleGAN trainers.
 * @internal
 */
export async function endTraining<L>(
  callbacks: ReadonlyArray<{ onTrainEnd?(logs: L): void | Promise<void> }>,
  logs: L,
  failure: unknown,
): Promise<void> {
  let first = failure;
  for (const cb of callbacks) {
    try {
      await cb.onTrainEnd?.(logs);
    } catch (error) {
      if (first === undefined) first = error;
    }
  }
  if (first !== undefined) throw first;
}
