/**
 * What a {@link training.GanTrainer} is built from and keeps, and the checks of those parts.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import type { ImageSource } from '../data/image-source';
import type { GanLoss } from '../losses/types';
import type { AuxiliaryTask } from '../losses/auxiliary';
import type { OutputActivation } from '../nets/common';
import type { EpochLogs } from './callbacks';
import { epochSizes, type FitProgress, type LossNets } from './trainable';

/** Arguments of {@link training.GanTrainer}. */
export interface GanTrainerArgs {
  /** G: inputs `[z]` or `[z, labels]`, output images `[batch, h, w, c]`. With an auxiliary task that has codes, G's first input is `[z ; code]`. */
  generator: tfl.LayersModel;
  /**
   * D: inputs `[image]` or `[image, labels]`; first output the logits `[batch, 1]`, which the loss
   * gets. Further outputs (e.g. a class head) are ignored, or read by the `auxiliary` task. D may
   * take the image alone in a conditional GAN when the auxiliary task predicts the labels (ACGAN).
   */
  discriminator: tfl.LayersModel;
  /** The loss (any {@link GanLoss}). */
  loss: GanLoss;
  /**
   * A second task for D (and through D for G), such as {@link losses.acganTask} or {@link losses.infoGanTask}:
   * its losses are added to D's and G's in every update (see {@link AuxiliaryTask}). Default: none.
   */
  auxiliary?: AuxiliaryTask;
  /** Size of z. Default: read from G's first input (minus the auxiliary task's `codeDim`). */
  latentDim?: number;
  /** Number of classes for a conditional GAN (0 for unconditional). Default: 10 if G has a label input, else 0. */
  numClasses?: number;
  /** G's output activation: images in [-1, 1] (`tanh`, default) or [0, 1] (`sigmoid`). Real images are mapped to the same range. */
  outputActivation?: OutputActivation;
  /** G's optimizer (default Adam 2e-4, β1 0.5). */
  generatorOptimizer?: tf.Optimizer;
  /** D's optimizer (default Adam 2e-4, β1 0.5). */
  discriminatorOptimizer?: tf.Optimizer;
  /** D updates per G update, k (default 1). Each D update uses its own real batch. */
  discriminatorSteps?: number;
  /** Seed of the trainer's random stream (z, fake labels, shuffling). Default: random. */
  seed?: number;
  /** Read losses back every N steps (default 1: free on CPU backends; raise it on WebGL/WebGPU). */
  readbackEvery?: number;
}

/**
 * Combines the gradients of data-parallel replicas before they are applied: every replica passes
 * its own and gets back the same combined gradients, so all replicas stay identical.
 * @internal
 */
export interface GradientReducer {
  reduce(net: 'generator' | 'discriminator', variables: tf.Variable[], grads: tf.NamedTensorMap): tf.NamedTensorMap;
}

/**
 * Where training stands inside an unfinished epoch. Checkpoints store it, so a run stopped in
 * the middle of an epoch resumes with the same shuffle, at the same batch, with the same running
 * means, and repeats an uninterrupted run exactly.
 */
export interface EpochProgress {
  /** Steps already done in this epoch. */
  steps: number;
  /** Seed of this epoch's shuffle. */
  shuffleSeed: number;
  /** Sums of `[dLoss, gLoss, dRealMean, dFakeMean]` over those steps (for the epoch's means). */
  totals: [number, number, number, number];
  /** The batch size of this epoch (absent in checkpoints of older runs): a resume must use the same. */
  batchSize?: number;
  /** The steps of this epoch (absent in checkpoints of older runs): a resume must have as many. */
  stepsPerEpoch?: number;
}

/** What a GAN's step logs, in order. @internal */
export const GAN_LOG_NAMES = ['dLoss', 'gLoss', 'dRealMean', 'dFakeMean'] as const;
/** The GAN's logged losses, with the net each trains. @internal */
export const GAN_LOSS_NETS: LossNets = { dLoss: 'discriminator', gLoss: 'generator' };

/** One row per finished epoch. */
export type TrainHistory = EpochLogs[];

/** Checks a GAN's auxiliary task against D's outputs; returns its code length. @internal */
export function checkAuxiliaryTask(args: GanTrainerArgs): number {
  const task = args.auxiliary;
  if (task === undefined) return 0;
  for (const key of ['discriminatorLoss', 'generatorLoss'] as const) {
    if (typeof (task as unknown as Record<string, unknown>)?.[key] !== 'function')
      throw new GanConfigError('auxiliary', `expected an AuxiliaryTask with a ${key}() method`);
  }
  const outputs = args.discriminator.outputs;
  if (outputs.length < 2) {
    throw new GanConfigError(
      'discriminator',
      `has one output; the auxiliary task '${task.name}' reads a second one (build D with auxiliaryOutputs: ${task.outputSize ?? 'n'})`,
    );
  }
  const width = outputs[1].shape[outputs[1].shape.length - 1];
  if (task.outputSize !== undefined && width !== task.outputSize) {
    throw new GanConfigError(
      'discriminator',
      `has an auxiliary output of ${width} units; the task '${task.name}' reads ${task.outputSize} (auxiliaryOutputs: ${task.outputSize})`,
    );
  }
  const codeDim = task.codeDim ?? 0;
  if (!Number.isInteger(codeDim) || codeDim < 0)
    throw new GanConfigError('auxiliary.codeDim', `expected a non-negative integer, got ${codeDim}`);
  if (codeDim > 0 && typeof task.sampleCodes !== 'function')
    throw new GanConfigError('auxiliary', `has codeDim ${codeDim} but no sampleCodes() method`);
  return codeDim;
}

/** Checks that `data` fits D's input and the GAN's classes. @internal */
export function checkTrainingData(data: ImageSource, discriminator: tfl.LayersModel, numClasses: number): void {
  if (data === null || typeof data !== 'object' || typeof (data as ImageSource).batches !== 'function') {
    throw new GanConfigError(
      'data',
      'expected an image set (an ImageSource: ImageDataset.fromPixels, loadMnist, openImageFolder, openHdf5Images)',
    );
  }
  if (data.size === 0) throw new GanConfigError('data', 'the dataset is empty');
  const [, h, w, c] = discriminator.inputs[0].shape;
  const [dh, dw, dc] = data.imageShape;
  if (dh !== h || dw !== w || dc !== c) {
    throw new GanConfigError(
      'data',
      `images are [${dh}, ${dw}, ${dc}] but the discriminator expects [${h}, ${w}, ${c}]`,
    );
  }
  if (numClasses > 0) {
    if (data.labels === null)
      throw new GanConfigError('data', 'a conditional GAN needs labelled data (the dataset has no labels)');
    if (data.numClasses > numClasses) {
      throw new GanConfigError(
        'data',
        `labels go up to ${data.numClasses - 1} but the GAN has numClasses ${numClasses} (labels must lie in [0, ${numClasses}))`,
      );
    }
  }
}

/** What {@link checkGanTrainerArgs} reads off G and D. @internal */
export interface GanLayout {
  /** Length of the auxiliary task's code appended to z (0: none). */
  codeDim: number;
  /** Size of z. */
  latentDim: number;
  /** Number of classes (0 when unconditional). */
  numClasses: number;
  /** Whether D takes labels (`[image, labels]`); ACGAN's D takes the image alone. */
  discriminatorTakesLabels: boolean;
}

/** Checks a trainer's nets, loss and auxiliary task against each other; returns what it reads off them. @internal */
export function checkGanTrainerArgs(args: GanTrainerArgs): GanLayout {
  const codeDim = checkAuxiliaryTask(args);
  const zShape = args.generator.inputs[0]?.shape;
  const latentDim = args.latentDim ?? (zShape?.[1] as number) - codeDim;
  if (!Number.isInteger(latentDim) || latentDim <= 0) {
    throw new GanConfigError('latentDim', `expected a positive integer, got ${latentDim}`);
  }
  if (codeDim > 0 && zShape?.[1] !== latentDim + codeDim) {
    throw new GanConfigError(
      'generator',
      `takes a first input of ${zShape?.[1]} units; with latentDim ${latentDim} and a code of ${codeDim} (auxiliary task '${args.auxiliary?.name}') it must take ${latentDim + codeDim} ([z ; code])`,
    );
  }
  const conditional = args.generator.inputs.length > 1;
  const numClasses = args.numClasses ?? (conditional ? 10 : 0);
  if (conditional !== numClasses > 0) {
    throw new GanConfigError(
      'numClasses',
      conditional
        ? 'the generator takes labels, so numClasses must be a positive integer'
        : 'the generator takes no labels, so numClasses must be 0',
    );
  }
  const predictsLabels = (args.auxiliary?.numClasses ?? 0) > 0;
  if (predictsLabels && args.auxiliary?.numClasses !== numClasses) {
    throw new GanConfigError(
      'auxiliary',
      `the task '${args.auxiliary?.name}' predicts ${args.auxiliary?.numClasses} classes but the GAN has numClasses ${numClasses} (it must be conditional with as many classes)`,
    );
  }
  const discriminatorTakesLabels = args.discriminator.inputs.length > 1;
  // D takes labels exactly when G does; or, when the auxiliary task predicts the labels (ACGAN), D may take the image alone.
  const labelFreeD = conditional && !discriminatorTakesLabels && predictsLabels;
  if (args.discriminator.inputs.length !== args.generator.inputs.length && !labelFreeD) {
    throw new GanConfigError(
      'discriminator',
      `takes ${args.discriminator.inputs.length} inputs but the generator takes ${args.generator.inputs.length}; both must be conditional or both unconditional (or, for an ACGAN, D takes the image alone and an auxiliary task such as acganTask() predicts the labels)`,
    );
  }
  for (const key of ['discriminatorLoss', 'generatorLoss'] as const) {
    if (typeof (args.loss as unknown as Record<string, unknown>)?.[key] !== 'function')
      throw new GanConfigError('loss', `expected a GanLoss with a ${key}() method`);
  }
  if (args.loss.discriminatorPenalty !== undefined) {
    if (typeof args.loss.discriminatorPenalty !== 'function')
      throw new GanConfigError('loss', 'discriminatorPenalty must be a method (or absent)');
  }
  return { codeDim, latentDim, numClasses, discriminatorTakesLabels };
}

/** A GAN's epoch progress as the loop's (one shuffle stream). @internal */
export function toFitProgress(p: EpochProgress): FitProgress {
  return { steps: p.steps, shuffleSeeds: [p.shuffleSeed], totals: [...p.totals], ...epochSizes(p) };
}

/** The loop's progress as a GAN's checkpoints store it. @internal */
export function toEpochProgress(p: FitProgress): EpochProgress {
  const totals = [...p.totals] as EpochProgress['totals'];
  return { steps: p.steps, shuffleSeed: p.shuffleSeeds[0], totals, ...epochSizes(p) };
}
