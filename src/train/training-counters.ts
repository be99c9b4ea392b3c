/**
 * {@link TrainingCounters}: the counters every built-in model exposes over its training state.
 *
 * @packageDocumentation
 */
import type { Rng } from '../random';
import type { TrainingState } from './trainable';

/**
 * What every built-in {@link Trainable} reads and sets through its {@link TrainingState}: the step
 * and epoch counters (set when a checkpoint is restored), the random stream of its shuffles and
 * draws, and the request to stop a running `fit`.
 */
export abstract class TrainingCounters {
  /** The model's training state: counters, position inside the epoch, random stream. */
  abstract readonly state: TrainingState;

  /** The model's random stream (shuffles, z, pools, dropout); its state goes into checkpoints. */
  get rng(): Rng {
    return this.state.rng;
  }

  /** Steps done so far. */
  get step(): number {
    return this.state.step;
  }

  /** Sets the step count (restoring a checkpoint). */
  set step(value: number) {
    this.state.step = value;
  }

  /** Epochs completed so far. */
  get epoch(): number {
    return this.state.epoch;
  }

  /** Sets the completed epochs (restoring a checkpoint). */
  set epoch(value: number) {
    this.state.epoch = value;
  }

  /** Asks a running `fit` to stop after the current step. */
  stopTraining(): void {
    this.state.stopRequested = true;
  }
}
