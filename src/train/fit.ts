import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError, TrainingDivergedError } from '../errors';
import { checkPositiveInteger, describeValue } from '../core/checks';
import { atStepBoundary, claimModel } from './busy';
import type { FitProgress, StepData, Trainable } from './trainable';
import {
  endTraining,
  type TrainingCallback,
  type TrainingEpochLogs,
  type TrainingLogs,
  type TrainingModel,
} from './callbacks';

/** Runs a model's steps somewhere else than on this thread (e.g. data-parallel worker threads). */
export interface StepRunner<B> {
  /** One training step, returning what the model's own `trainStep` would. */
  trainStep(batch: B): tf.Tensor1D;
  /** Ends what the runner started. */
  stop(): Promise<void>;
}

/** How often the loop returns to the event loop: every N steps, `'auto'` or `'never'` (see {@link FitLoopOptions.yieldEvery}). */
export type YieldEvery = number | 'auto' | 'never';

/** Options of {@link fit}, the one training loop. */
export interface FitLoopOptions<S extends TrainingLogs, E extends TrainingEpochLogs, M extends TrainingModel> {
  /** Number of epochs to reach (absolute: resuming at epoch 3 with epochs 5 runs 2 more). Default 1. */
  epochs?: number;
  /** Batch size (default 64). */
  batchSize?: number;
  /** Callbacks, called in order. */
  callbacks?: ReadonlyArray<TrainingCallback<S, E, M>>;
  /** Stop each epoch after this many steps (default: all full batches). */
  stepsPerEpoch?: number;
  /**
   * Read the logged values back every N steps (default 1: free on CPU backends; raise it on
   * WebGL/WebGPU, where each read-back waits for the GPU). Values are read in one batch.
   */
  readbackEvery?: number;
  /**
   * Return to the event loop (through `tf.nextFrame()`: the next animation frame in a browser)
   * during training, so a web page repaints and handles input: every N steps, `'auto'` (default:
   * in a browser, whenever 25 ms have passed since the last time; never in Node), or `'never'`.
   * Yielding does not change what is trained.
   */
  yieldEvery?: YieldEvery;
  /** Starts a runner that takes the model's steps (data-parallel workers); default: this thread. */
  runner?: () => Promise<StepRunner<unknown>>;
}

/** Checks a `yieldEvery` option. */
function checkYieldEvery(value: YieldEvery): YieldEvery {
  if (value !== 'auto' && value !== 'never' && !(Number.isInteger(value) && value > 0)) {
    throw new GanConfigError(
      'yieldEvery',
      `expected a positive integer, 'auto' or 'never', got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Trains any {@link Trainable} on `data` until `epochs` epochs are complete, counting from the
 * model's state (so a resumed model continues where it stopped, inside an epoch too). Per step:
 * the epoch's next batch, the model's `trainStep`, and every `readbackEvery` steps one read-back
 * of the pending steps' values, which are checked (a NaN or infinite loss stops training with a
 * {@link TrainingDivergedError} naming the step and the net), summed for the epoch's means and
 * passed to the callbacks as `{ epoch, step, ...named values }`.
 *
 * @returns one epoch log per epoch run.
 * @throws {@link GanConfigError} for a bad option or data that does not fit the model;
 * {@link TrainingDivergedError} when a loss becomes NaN or infinite.
 */
export async function fit<D, B, S extends TrainingLogs, E extends TrainingEpochLogs, M extends Trainable<D, B>>(
  model: M,
  data: D,
  options: FitLoopOptions<S, E, M> = {},
): Promise<E[]> {
  // Claimed before the first await, so that a second fit() called at once is refused.
  const release = claimModel(model.state, 'fit', 'fit');
  try {
    return await fitLoop(model, data, options);
  } finally {
    release();
  }
}

async function fitLoop<D, B, S extends TrainingLogs, E extends TrainingEpochLogs, M extends Trainable<D, B>>(
  model: M,
  data: D,
  options: FitLoopOptions<S, E, M>,
): Promise<E[]> {
  const { epochs = 1, batchSize = 64 } = options;
  const callbacks: ReadonlyArray<TrainingCallback<S, E, M>> = options.callbacks ?? [];
  if (!Array.isArray(callbacks as unknown))
    throw new GanConfigError(
      'callbacks',
      `expected an array of callbacks, got ${describeValue(callbacks)}; wrap one callback in [ ], e.g. callbacks: [lossLog({ file })]`,
    );
  callbacks.forEach((cb: unknown, i) => {
    if (cb === null || typeof cb !== 'object')
      throw new GanConfigError(`callbacks[${i}]`, `expected a callback object, got ${describeValue(cb)}`);
  });
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new GanConfigError('epochs', `expected a non-negative integer, got ${epochs}`);
  checkPositiveInteger(batchSize, 'batchSize');
  const readbackEvery = checkPositiveInteger(options.readbackEvery ?? 1, 'readbackEvery');
  const yieldEvery = checkYieldEvery(options.yieldEvery ?? 'auto');
  const steps = model.stepData(data, batchSize);
  const stepsPerEpoch = Math.min(steps.fullSteps, options.stepsPerEpoch ?? steps.fullSteps);
  if (!Number.isInteger(stepsPerEpoch) || stepsPerEpoch <= 0)
    throw new GanConfigError('stepsPerEpoch', `expected a positive integer, got ${options.stepsPerEpoch}`);
  const progress = model.state.progress;
  if (progress !== null && progress.batchSize !== undefined && progress.batchSize !== batchSize)
    throw new GanConfigError(
      'batchSize',
      `the model stopped ${progress.steps} step(s) into an epoch of batch size ${progress.batchSize}; resume it with batchSize: ${progress.batchSize} (the epoch's remaining batches depend on it)`,
    );
  if (progress !== null && progress.stepsPerEpoch !== undefined && progress.stepsPerEpoch !== stepsPerEpoch)
    throw new GanConfigError(
      'stepsPerEpoch',
      `the model stopped ${progress.steps} step(s) into an epoch of ${progress.stepsPerEpoch} step(s), but an epoch here has ${stepsPerEpoch} (other data or stepsPerEpoch than the interrupted run)`,
    );
  if (progress !== null && progress.steps > stepsPerEpoch) {
    throw new GanConfigError(
      'stepsPerEpoch',
      `the model stopped ${progress.steps} step(s) into an epoch, but an epoch here has ${stepsPerEpoch} step(s) (other data, batch size or stepsPerEpoch than the interrupted run)`,
    );
  }
  model.state.stopRequested = false;
  const history: E[] = [];
  const runner = options.runner === undefined ? null : ((await options.runner()) as StepRunner<B>);
  const step = (batch: B): tf.Tensor1D => (runner === null ? model.trainStep(batch) : runner.trainStep(batch));
  let failure: unknown;
  try {
    await atStepBoundary(model.state, async () => {
      for (const cb of callbacks)
        await cb.onTrainBegin?.({ model, initialEpoch: model.state.epoch, epochs, stepsPerEpoch, batchSize });
    });
    const loop = { steps, stepsPerEpoch, batchSize, readbackEvery, pause: eventLoopYield(yieldEvery), callbacks, step };
    while (model.state.epoch < epochs && !model.state.stopRequested) {
      const logs = await runEpoch(model, loop);
      if (logs === null) break;
      history.push(logs);
      await atStepBoundary(model.state, async () => {
        for (const cb of callbacks) await cb.onEpochEnd?.(logs);
      });
    }
  } catch (error) {
    failure = error;
  } finally {
    await runner?.stop();
  }
  const { state } = model;
  await atStepBoundary(state, () =>
    endTraining(
      callbacks,
      { step: state.step, epoch: state.epoch, stopped: state.stopRequested || failure !== undefined },
      failure,
    ),
  );
  return history;
}

interface EpochLoop<B, S extends TrainingLogs, E extends TrainingEpochLogs, M extends TrainingModel> {
  steps: StepData<B>;
  stepsPerEpoch: number;
  batchSize: number;
  readbackEvery: number;
  pause: (step: number) => Promise<void>;
  callbacks: ReadonlyArray<TrainingCallback<S, E, M>>;
  step: (batch: B) => tf.Tensor1D;
}

/** Runs (the rest of) one epoch; returns its logs, or `null` when stopped inside it. */
async function runEpoch<D, B, S extends TrainingLogs, E extends TrainingEpochLogs, M extends Trainable<D, B>>(
  model: M,
  loop: EpochLoop<B, S, E, M>,
): Promise<E | null> {
  const { state, logNames, lossNets } = model;
  const started = Date.now();
  // A fresh epoch draws its shuffle seeds; a resumed one continues the saved epoch where it stopped.
  if (state.progress === null) {
    const shuffleSeeds = Array.from({ length: loop.steps.streams }, () => state.rng.nextSeed());
    state.progress = {
      steps: 0,
      shuffleSeeds,
      totals: logNames.map(() => 0),
      batchSize: loop.batchSize,
      stepsPerEpoch: loop.stepsPerEpoch,
    };
  }
  const progress: FitProgress = state.progress;
  const width = logNames.length;
  const pending: tf.Tensor1D[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const stacked = tf.stack(pending);
    const values = await stacked.data();
    stacked.dispose();
    const firstStep = state.step - pending.length + 1;
    tf.dispose(pending.splice(0));
    for (let i = 0; i < values.length / width; i++) {
      const logs: Record<string, number> = { epoch: state.epoch, step: firstStep + i };
      logNames.forEach((name, j) => {
        logs[name] = values[width * i + j];
      });
      for (const name of logNames) {
        const net = lossNets[name];
        if (net !== undefined && !Number.isFinite(logs[name]))
          throw new TrainingDivergedError(logs.step, net, logs[name]);
      }
      logNames.forEach((name, j) => {
        progress.totals[j] += logs[name];
      });
      await atStepBoundary(state, async () => {
        for (const cb of loop.callbacks) await cb.onBatchEnd?.(logs as unknown as S);
      });
    }
  };
  const batches = loop.steps.open(progress.shuffleSeeds, progress.steps);
  try {
    while (progress.steps < loop.stepsPerEpoch && !state.stopRequested) {
      const batch = batches.next();
      try {
        pending.push(loop.step(batch));
      } finally {
        loop.steps.dispose(batch);
      }
      state.step++;
      progress.steps++;
      if (pending.length >= loop.readbackEvery) await flush();
      await loop.pause(state.step);
    }
    await flush();
  } finally {
    batches.close();
    tf.dispose(pending);
  }
  if (progress.steps < loop.stepsPerEpoch) return null; // stopped mid-epoch: the progress stays for a resume
  const n = progress.steps;
  const logs: Record<string, number> = {
    epoch: state.epoch,
    step: state.step,
    steps: n,
    seconds: (Date.now() - started) / 1000,
  };
  logNames.forEach((name, j) => {
    logs[name] = progress.totals[j] / n;
  });
  state.epoch++;
  state.progress = null;
  return logs as unknown as E;
}

/** A function to await after each step: returns to the event loop as `yieldEvery` says. */
function eventLoopYield(yieldEvery: YieldEvery): (step: number) => Promise<void> {
  const none = async (): Promise<void> => undefined;
  if (yieldEvery === 'never') return none;
  if (typeof yieldEvery === 'number') return async (step) => (step % yieldEvery === 0 ? tf.nextFrame() : undefined);
  if (!tf.env().getBool('IS_BROWSER')) return none;
  let last = tf.util.now();
  return async () => {
    if (tf.util.now() - last < 25) return;
    await tf.nextFrame();
    last = tf.util.now();
  };
}
