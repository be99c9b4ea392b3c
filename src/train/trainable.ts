import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';
import type { LogFormat } from './log-format';

/**
 * Where training stands inside an unfinished epoch, for any model. Checkpoints store it, so a
 * run stopped in the middle of an epoch resumes with the same shuffles, at the same batch, with
 * the same running means, and repeats an uninterrupted run exactly.
 */
export interface FitProgress {
  /** Steps already done in this epoch. */
  steps: number;
  /** Seeds of this epoch's shuffles, one per data stream (a GAN has one; a CycleGAN two). */
  shuffleSeeds: number[];
  /** Sums of every logged value over those steps, in {@link Trainable.logNames} order (for the epoch's means). */
  totals: number[];
  /** The batch size of this epoch (absent in checkpoints of older runs): a resume must use the same. */
  batchSize?: number;
  /** The steps of this epoch (absent in checkpoints of older runs): a resume must have as many. */
  stepsPerEpoch?: number;
}

/**
 * What a model carries from step to step and saves in its checkpoints: the counters, the
 * position inside an unfinished epoch, and the random stream of its shuffles and draws.
 */
export interface TrainingState {
  /** Steps done so far (for a GAN: generator updates). */
  step: number;
  /** Epochs completed so far. */
  epoch: number;
  /** Where training stands inside an unfinished epoch (`null` between epochs). */
  progress: FitProgress | null;
  /** The model's random stream; its state goes into checkpoints. */
  readonly rng: Rng;
  /** Set by `stopTraining()`: the loop stops after the current step. */
  stopRequested: boolean;
}

/** The epoch sizes a progress record holds, when it holds them (for copies of the record). */
export function epochSizes(p: { batchSize?: number; stepsPerEpoch?: number }): {
  batchSize?: number;
  stepsPerEpoch?: number;
} {
  return {
    ...(p.batchSize === undefined ? {} : { batchSize: p.batchSize }),
    ...(p.stepsPerEpoch === undefined ? {} : { stepsPerEpoch: p.stepsPerEpoch }),
  };
}

/** Creates the state of a model that has not trained yet. */
export function initialTrainingState(rng: Rng): TrainingState {
  return { step: 0, epoch: 0, progress: null, rng, stopRequested: false };
}

/**
 * The batches of one epoch, in the order training takes them: {@link fit} opens one per epoch
 * with that epoch's shuffle seeds, skipping the steps a resumed epoch already did.
 */
export interface EpochBatches<B> {
  /** The next step's batch (the loop disposes it through {@link StepData.dispose}). */
  next(): B;
  /** Ends the epoch early or normally (frees what the stream holds). */
  close(): void;
}

/** A model's view of its training data at one batch size: how many steps an epoch has, and its batches. */
export interface StepData<B> {
  /** Steps in an epoch of full batches (at least 1). */
  readonly fullSteps: number;
  /** Shuffle seeds a fresh epoch draws from the model's random stream (one per data stream). */
  readonly streams: number;
  /** The batches of an epoch shuffled by `shuffleSeeds`, from step `skipSteps` on. */
  open(shuffleSeeds: readonly number[], skipSteps: number): EpochBatches<B>;
  /** Frees one step's batch. */
  dispose(batch: B): void;
}

/**
 * Which net each logged loss trains, by log name: what the divergence check names and the loss
 * chart draws (e.g. a GAN's `{ dLoss: 'discriminator', gLoss: 'generator' }`).
 */
export type LossNets = Readonly<Record<string, 'generator' | 'discriminator'>>;

/**
 * A model that trains through {@link fit}: a GAN, a CycleGAN, or a user's own. It owns its nets,
 * optimizers and {@link TrainingState}; one `trainStep` does one step's updates and returns the
 * step's logged values as one kept tensor, which the loop reads back (batched) and names.
 *
 * @typeParam D - the training data `fit` is given (an image set; a pair of image sets).
 * @typeParam B - one step's batch.
 */
export interface Trainable<D, B> {
  /** Counters, epoch position and random stream. */
  readonly state: TrainingState;
  /** Names of the values `trainStep` returns, in order (e.g. `dLoss`, `gLoss`, …). */
  readonly logNames: readonly string[];
  /**
   * The logged values that are losses of a net, with the net they train: a NaN or infinite one
   * stops training with a `TrainingDivergedError` naming the step and the net.
   */
  readonly lossNets: LossNets;
  /** How the shared callbacks show each logged value (default: its name, snake_case column, 3 digits). */
  readonly logFormat?: Readonly<Record<string, LogFormat>>;
  /** Checks `data` against the model and the batch size (typed errors naming the argument) and returns its steps. */
  stepData(data: D, batchSize: number): StepData<B>;
  /** One step: the model's updates on `batch`; returns `[logNames.length]` values, kept, owned by the caller. */
  trainStep(batch: B): tf.Tensor1D;
  /** Asks a running {@link fit} to stop after the current step. */
  stopTraining(): void;
}
