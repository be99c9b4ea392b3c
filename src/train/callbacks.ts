import type { TrainingState } from './trainable';
import type { LogFormat } from './log-format';

/**
 * What the loop reports after each step of any model: the epoch, the step, and every value the
 * model's `trainStep` names (its `logNames`), as own numeric fields.
 */
export interface TrainingLogs {
  /** Epoch this step belongs to (0-based). */
  epoch: number;
  /** Global step: steps done so far, this one included (1-based). */
  step: number;
}

/** What the loop reports after each epoch of any model: the means of its steps' logged values. */
export interface TrainingEpochLogs extends TrainingLogs {
  /** Steps run in this epoch. */
  steps: number;
  /** Wall time of the epoch in seconds. */
  seconds: number;
  /**
   * Extra per-epoch measurements keyed by name (e.g. `fd`, `label_accuracy`), added by callbacks
   * such as {@link callbacks.evaluation}. The loop passes the same logs object to every callback in order,
   * so callbacks after the one that adds them see them; {@link callbacks.lossLog} writes them as CSV columns.
   */
  metrics?: Record<string, number>;
}

/** What a GAN's step reports (one generator update and its k discriminator updates). */
export interface StepLogs extends TrainingLogs {
  /** Discriminator loss of the step's last D update. */
  dLoss: number;
  /** Generator loss. */
  gLoss: number;
  /** Mean of D's probability `σ(logit)` on the real batch (1 = sure it is real). */
  dRealMean: number;
  /** Mean of D's probability on the fake batch (0 = sure it is fake). */
  dFakeMean: number;
}

/** What a GAN's epoch reports: the means of the epoch's step logs. */
export interface EpochLogs extends StepLogs, TrainingEpochLogs {}

/** The model a callback sees: its state, what it logs, and a way to stop it. */
export interface TrainingModel {
  /** Counters, epoch position and random stream. */
  readonly state: TrainingState;
  /** Names of the values each step logs. */
  readonly logNames: readonly string[];
  /** The logged losses, with the nets they train. */
  readonly lossNets?: Readonly<Record<string, string>>;
  /** How the shared callbacks show each logged value (see {@link LogFormat}). */
  readonly logFormat?: Readonly<Record<string, LogFormat>>;
  /** Asks the running loop to stop after the current step. */
  stopTraining(): void;
}

/**
 * What a callback learns when training begins.
 * @typeParam M - the model being trained.
 */
export interface TrainBeginInfo<M extends TrainingModel = TrainingModel> {
  /** The model being trained (a GAN's trainer, a CycleGAN, …): to read the step or request a stop. */
  model: M;
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
 * A training callback for any model: an object with any of these hooks, each may be async. The
 * loop awaits each hook in order, so a hook may write files (sample grids, checkpoints, logs).
 *
 * @typeParam S - the step logs (a GAN's {@link StepLogs}, a CycleGAN's, or any {@link TrainingLogs}).
 * @typeParam E - the epoch logs.
 * @typeParam M - the model being trained.
 */
export interface TrainingCallback<
  S extends TrainingLogs = TrainingLogs,
  E extends TrainingEpochLogs = TrainingEpochLogs,
  M extends TrainingModel = TrainingModel,
> {
  /** Called once before the first step. */
  onTrainBegin?(info: TrainBeginInfo<M>): void | Promise<void>;
  /** Called after every step, in step order, once its values have been read back. */
  onBatchEnd?(logs: S): void | Promise<void>;
  /** Called after every epoch. */
  onEpochEnd?(logs: E): void | Promise<void>;
  /** Called once when training ends (normally, by a stop request, or failing). */
  onTrainEnd?(logs: TrainEndLogs): void | Promise<void>;
}

/**
 * Ends a training run: every callback's `onTrainEnd` is called, even after `failure` (so, e.g.,
 * Ctrl-C handlers are removed), and then the first failure (the run's, else a callback's) is
 * thrown.
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
