import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkScalarLoss } from '../losses/check-scalar-loss';
import { variableGradsClosingTape } from './variable-grads';
import { GanConfigError } from '../errors';
import { checkPositiveInteger } from '../core/checks';
import type { DataBatch, ImageSource } from '../data/image-source';
import type { GanLoss, PenaltyContext } from '../losses/types';
import type { AuxiliaryBatch, AuxiliaryTask } from '../losses/auxiliary';
import { enableSecondOrderGradients } from '../losses/penalty';
import type { OutputActivation } from '../nets/common';
import { Rng } from '../random';
import { withDropoutSeed } from '../layers/seeded-dropout';
import { createAdam } from './adam';
import { GAN_LOG_FORMAT } from './log-format';
import { imageStepData } from './image-step-data';
import {
  GAN_LOG_NAMES,
  GAN_LOSS_NETS,
  checkGanTrainerArgs,
  checkTrainingData,
  toEpochProgress,
  toFitProgress,
  type EpochProgress,
  type GanTrainerArgs,
  type GradientReducer,
  type TrainHistory,
} from './gan-trainer-args';
import { generateImages, generatedImageShape, type GenerateOptions, type GeneratorInfo } from './generate';
import type { EpochLogs, StepLogs, TrainingCallback } from './callbacks';
import { fit, type FitLoopOptions, type StepRunner } from './fit';
import { initialTrainingState, type StepData, type Trainable, type TrainingState } from './trainable';
import type { Sampler } from './sampler';
import { TrainingCounters } from './training-counters';

/**
 * A GAN's training callback (see {@link TrainingCallback}).
 *
 * @example
 * ```ts
 * const printEveryEpoch: TrainerCallback = {
 *   onEpochEnd: ({ epoch, dLoss, gLoss }) => console.log(`epoch ${epoch}: D ${dLoss.toFixed(3)} G ${gLoss.toFixed(3)}`),
 * };
 * ```
 */
export type TrainerCallback = TrainingCallback<StepLogs, EpochLogs, GanTrainer>;

/** Options of {@link GanTrainer.fit}: the loop's (see {@link FitLoopOptions}), plus data-parallel threads. */
export interface FitOptions extends Omit<FitLoopOptions<StepLogs, EpochLogs, GanTrainer>, 'runner'> {
  /**
   * Train data-parallel on this many threads (default 1): the main thread plus `workers − 1`
   * worker threads, each with a replica of G and D training on its share of every batch, their
   * gradients summed through shared memory before each update. TensorFlow.js's wasm and cpu
   * backends use one core per thread, so `2` on a 2-core machine uses both. Needs a built-in loss
   * and models whose layers the worker can rebuild (gankit's and tfjs-layers' own); Node only.
   */
  workers?: number;
  /**
   * Starts the worker threads (given by `Gan.fit` from gankit's Node services).
   * @internal
   */
  startWorkers?: (workers: number, batchSize: number) => Promise<StepRunner<DataBatch[]>>;
}

/**
 * Trains a generator and a discriminator against each other: per step, k discriminator updates
 * (each on a real batch and a fake batch), then one generator update, each inside `tf.tidy`,
 * with separate optimizers. Losses are read back every `readbackEvery` steps; a NaN or infinite
 * loss stops training with a {@link TrainingDivergedError} that names the step.
 *
 * @example
 * ```ts
 * const trainer = new GanTrainer({ generator, discriminator, loss: nonSaturatingLoss(), seed: 1 });
 * await trainer.fit(mnist, { epochs: 5, batchSize: 64, callbacks: [{ onEpochEnd: console.log }] });
 * ```
 */
export class GanTrainer extends TrainingCounters implements Trainable<ImageSource, DataBatch[]>, Sampler {
  /** The generator being trained. */
  readonly generator: tfl.LayersModel;
  /** The discriminator being trained. */
  readonly discriminator: tfl.LayersModel;
  /** The loss in use. */
  readonly loss: GanLoss;
  /** The auxiliary task (ACGAN's classifier, InfoGAN's codes, ...), or `null`. */
  readonly auxiliary: AuxiliaryTask | null;
  /** Size of z. */
  readonly latentDim: number;
  /** Number of classes (0 when unconditional). */
  readonly numClasses: number;
  /** Range of G's images. */
  readonly outputActivation: OutputActivation;
  /** G's optimizer. */
  readonly generatorOptimizer: tf.Optimizer;
  /** D's optimizer. */
  readonly discriminatorOptimizer: tf.Optimizer;
  /** D updates per G update. */
  readonly discriminatorSteps: number;
  /** Step, epoch, position inside an unfinished epoch and random stream (see {@link TrainingState}). */
  readonly state: TrainingState;
  /** Names of the four values each step logs. */
  readonly logNames = GAN_LOG_NAMES;
  /** The logged losses, with the net each trains. */
  readonly lossNets = GAN_LOSS_NETS;
  /** How the shared callbacks show the four values (the loss log's columns `d_loss,g_loss,d_real,d_fake`). */
  readonly logFormat = GAN_LOG_FORMAT;
  private readonly readbackEvery: number;
  private gradientReducer: GradientReducer | null = null;
  private readonly generatorVariables: tf.Variable[];
  private readonly discriminatorVariables: tf.Variable[];
  /** Whether D takes labels (`[image, labels]`); ACGAN's D takes the image alone. */
  private readonly discriminatorTakesLabels: boolean;
  /** Length of the auxiliary task's code appended to z (0: none). */
  private readonly codeDim: number;

  constructor(args: GanTrainerArgs) {
    super();
    this.generator = args.generator;
    this.discriminator = args.discriminator;
    this.loss = args.loss;
    this.auxiliary = args.auxiliary ?? null;
    const layout = checkGanTrainerArgs(args);
    this.codeDim = layout.codeDim;
    this.latentDim = layout.latentDim;
    this.numClasses = layout.numClasses;
    this.discriminatorTakesLabels = layout.discriminatorTakesLabels;
    if (args.loss.discriminatorPenalty !== undefined) enableSecondOrderGradients();
    this.outputActivation = args.outputActivation ?? 'tanh';
    this.generatorOptimizer = args.generatorOptimizer ?? createAdam();
    this.discriminatorOptimizer = args.discriminatorOptimizer ?? createAdam();
    this.discriminatorSteps = args.discriminatorSteps ?? 1;
    if (!Number.isInteger(this.discriminatorSteps) || this.discriminatorSteps < 1) {
      throw new GanConfigError('discriminatorSteps', `expected a positive integer, got ${this.discriminatorSteps}`);
    }
    this.readbackEvery = args.readbackEvery ?? 1;
    this.generatorVariables = args.generator.trainableWeights.map((w) => w.read() as tf.Variable);
    this.discriminatorVariables = args.discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
    this.state = initialTrainingState(new Rng(args.seed ?? Math.floor(Math.random() * 2 ** 32)));
  }

  /** `state.progress` in the GAN's shape (one shuffle seed), as `gankit.json` checkpoints kept it; `null` between epochs. */
  get epochProgress(): EpochProgress | null {
    return this.state.progress === null ? null : toEpochProgress(this.state.progress);
  }
  /** Sets `state.progress` from the GAN's shape of it. */
  set epochProgress(value: EpochProgress | null) {
    this.state.progress = value === null ? null : toFitProgress(value);
  }

  /** What G takes and gives, for sampling (see {@link Sampler}). */
  get info(): GeneratorInfo {
    return {
      latentDim: this.latentDim,
      numClasses: this.numClasses,
      outputActivation: this.outputActivation,
      auxiliary: this.auxiliary,
      imageShape: generatedImageShape(this.generator),
    };
  }

  /** Draws `count` latent vectors `z ~ N(0, 1)` from the trainer's random stream (or from `seed`). */
  sampleLatent(count: number, seed?: number): tf.Tensor2D {
    return tf.randomNormal([count, this.latentDim], 0, 1, 'float32', seed ?? this.rng.nextSeed());
  }

  /** Generates images in [-1, 1] with G in inference mode (see {@link generateImages}). */
  generate(options: GenerateOptions): tf.Tensor4D {
    return generateImages(
      this.generator,
      {
        latentDim: this.latentDim,
        numClasses: this.numClasses,
        outputActivation: this.outputActivation,
        auxiliary: this.auxiliary,
      },
      options,
    );
  }

  /**
   * One training step: k discriminator updates (one per batch in `realBatches`, which must hold
   * exactly `discriminatorSteps` batches) and one generator update. Returns a kept tensor
   * `[dLoss, gLoss, dRealMean, dFakeMean]` that the caller disposes; nothing else survives.
   */
  trainStep(realBatches: DataBatch[]): tf.Tensor1D {
    if (realBatches.length !== this.discriminatorSteps) {
      throw new GanConfigError(
        'realBatches',
        `expected ${this.discriminatorSteps} batches (one per discriminator update), got ${realBatches.length}`,
      );
    }
    return withDropoutSeed(this.rng.nextSeed(), () =>
      tf.tidy(() => {
        let dStats: tf.Tensor1D | null = null;
        for (const batch of realBatches) {
          if (dStats !== null) dStats.dispose();
          dStats = this.discriminatorUpdate(batch);
        }
        const gLoss = this.generatorUpdate(realBatches[0].images.shape[0]);
        const stats = dStats as tf.Tensor1D;
        return tf.concat([tf.slice(stats, [0], [1]), tf.reshape(gLoss, [1]), tf.slice(stats, [1], [2])]) as tf.Tensor1D;
      }),
    );
  }

  /** D's inputs for `images`: with the labels when D takes them. */
  private conditionInputs(images: tf.Tensor, labels: tf.Tensor | null): tf.Tensor[] {
    if (!this.discriminatorTakesLabels) return [images];
    if (labels === null) throw new GanConfigError('labels', 'a conditional GAN needs labelled data');
    return [images, tf.reshape(labels, [-1, 1])];
  }

  /** D on `inputs` in training mode: its logits (first output) and its other outputs. */
  private discriminate(inputs: tf.Tensor[]): { logits: tf.Tensor; outputs: tf.Tensor[] } {
    const out = this.discriminator.apply(inputs, { training: true }) as tf.Tensor | tf.Tensor[];
    const [logits, ...outputs] = Array.isArray(out) ? out : [out];
    return { logits, outputs };
  }

  /** G's inputs for a fake batch: z (with the auxiliary task's code appended), plus labels for a conditional GAN. */
  private sampleFakeInputs(count: number): { inputs: tf.Tensor[]; labels: tf.Tensor | null; codes: tf.Tensor | null } {
    const noise = this.sampleLatent(count);
    // The code's seed is drawn only for a task with codes, so other runs' streams are unchanged.
    const codes = this.codeDim > 0 ? (this.auxiliary?.sampleCodes?.(count, this.rng.nextSeed()) as tf.Tensor2D) : null;
    const z = codes === null ? noise : tf.concat([noise, codes], 1);
    if (this.numClasses === 0) return { inputs: [z], labels: null, codes };
    const labels = tf.randomUniform([count, 1], 0, this.numClasses, 'int32', this.rng.nextSeed());
    return { inputs: [z, labels], labels, codes };
  }

  private toGeneratorRange(images: tf.Tensor): tf.Tensor {
    return this.outputActivation === 'sigmoid' ? tf.mul(tf.add(images, 1), 0.5) : images;
  }

  /** One D update; returns `[dLoss, dRealMean, dFakeMean]` (dLoss includes the loss's penalty, if any). */
  private discriminatorUpdate(batch: DataBatch): tf.Tensor1D {
    const n = batch.images.shape[0];
    const fake = this.sampleFakeInputs(n);
    const fakeImages = this.generator.apply(fake.inputs, { training: true }) as tf.Tensor;
    const realImages = this.toGeneratorRange(batch.images);
    const realInputs = this.conditionInputs(realImages, batch.labels);
    const fakeInputs = this.conditionInputs(fakeImages, fake.labels);
    // A seed for the penalty's random draws, from the checkpointed stream; drawn only for a loss
    // with a penalty, so other losses' runs are unchanged.
    const penaltySeed = this.loss.discriminatorPenalty === undefined ? 0 : this.rng.nextSeed();
    const labels = this.numClasses === 0 ? null : batch.labels;
    const fakeLabels = fake.labels === null ? null : tf.reshape(fake.labels, [-1]);
    let means: tf.Tensor | null = null;
    const update = (): tf.Scalar =>
      this.update('discriminator', () => {
        const real = this.discriminate(realInputs);
        const fakes = this.discriminate(fakeInputs);
        means = tf.keep(tf.stack([tf.mean(tf.sigmoid(real.logits)), tf.mean(tf.sigmoid(fakes.logits))]));
        const name = `loss '${this.loss.name}'`;
        let loss = checkScalarLoss(this.loss.discriminatorLoss(real.logits, fakes.logits), `${name}.discriminatorLoss`);
        if (this.auxiliary !== null) {
          // Inside the same variableGrads: the task's gradient reaches D's weights (its head and the body under it).
          const realBatch: AuxiliaryBatch = { outputs: real.outputs, labels, codes: null };
          const fakeBatch: AuxiliaryBatch = { outputs: fakes.outputs, labels: fakeLabels, codes: fake.codes };
          const task = this.auxiliary.discriminatorLoss(realBatch, fakeBatch);
          loss = tf.add(
            loss,
            checkScalarLoss(task, `auxiliary '${this.auxiliary.name}'.discriminatorLoss`),
          ) as tf.Scalar;
        }
        if (this.loss.discriminatorPenalty === undefined) return loss;
        const context: PenaltyContext = {
          real: realImages,
          fake: fakeImages,
          labels,
          seed: penaltySeed,
          fakeLabels,
          discriminate: (images, imageLabels = labels) =>
            this.discriminate(this.conditionInputs(images, imageLabels)).logits,
        };
        // Inside the same variableGrads: the penalty's gradient (second order for a gradient penalty) reaches D's weights.
        const penalty = checkScalarLoss(this.loss.discriminatorPenalty(context), `${name}.discriminatorPenalty`);
        return tf.add(loss, penalty) as tf.Scalar;
      });
    let cost: tf.Scalar;
    try {
      cost = update();
    } catch (error) {
      // `means` is kept out of the step's tidy: freed here when the update fails.
      (means as tf.Tensor | null)?.dispose();
      throw error;
    }
    const kept = means as unknown as tf.Tensor;
    const out = tf.concat([tf.reshape(cost, [1]), kept]) as tf.Tensor1D;
    kept.dispose();
    return out;
  }

  /** One G update; returns G's loss. */
  private generatorUpdate(count: number): tf.Scalar {
    const fake = this.sampleFakeInputs(count);
    const fakeLabels = fake.labels === null ? null : tf.reshape(fake.labels, [-1]);
    return this.update('generator', () => {
      const images = this.generator.apply(fake.inputs, { training: true }) as tf.Tensor;
      const { logits, outputs } = this.discriminate(this.conditionInputs(images, fake.labels));
      const loss = checkScalarLoss(this.loss.generatorLoss(logits), `loss '${this.loss.name}'.generatorLoss`);
      if (this.auxiliary === null) return loss;
      // Through D's auxiliary output to G's weights (only G's variables are updated here).
      const task = this.auxiliary.generatorLoss({ outputs, labels: fakeLabels, codes: fake.codes });
      return tf.add(loss, checkScalarLoss(task, `auxiliary '${this.auxiliary.name}'.generatorLoss`)) as tf.Scalar;
    });
  }

  /**
   * One optimizer update of G's or D's variables on `lossFn`: the gradients, combined with the
   * other replicas' when training data-parallel, then applied. Returns the loss.
   */
  private update(net: 'generator' | 'discriminator', lossFn: () => tf.Scalar): tf.Scalar {
    const variables = net === 'generator' ? this.generatorVariables : this.discriminatorVariables;
    const optimizer = net === 'generator' ? this.generatorOptimizer : this.discriminatorOptimizer;
    const { value, grads } = variableGradsClosingTape(lossFn, variables);
    const reduced = this.gradientReducer === null ? grads : this.gradientReducer.reduce(net, variables, grads);
    optimizer.applyGradients(reduced);
    tf.dispose([grads, reduced === grads ? {} : reduced]);
    return value;
  }

  /**
   * Installs (or, with `null`, removes) the reducer that combines this replica's gradients with
   * the other data-parallel replicas' before each update. Used by `fit({ workers })`.
   * @internal
   */
  setGradientReducer(reducer: GradientReducer | null): void {
    this.gradientReducer = reducer;
  }

  /**
   * This GAN's view of `data` at `batchSize` (see {@link Trainable.stepData}): each step takes
   * `discriminatorSteps` batches of one shuffled stream.
   * @throws {@link GanConfigError} when the data does not fit the nets or holds no full step.
   */
  stepData(data: ImageSource, batchSize: number): StepData<DataBatch[]> {
    checkTrainingData(data, this.discriminator, this.numClasses);
    return imageStepData(data, batchSize, this.discriminatorSteps);
  }

  /**
   * Trains on `data` until `epochs` epochs are complete (counting from {@link GanTrainer.epoch},
   * so a resumed trainer continues where it stopped), through the one training loop {@link fit}.
   *
   * @returns one {@link EpochLogs} row per epoch run.
   * @throws {@link GanConfigError} for a bad option, or unlabelled data for a conditional GAN;
   * {@link TrainingDivergedError} when a loss becomes NaN or infinite.
   */
  async fit(data: ImageSource, options: FitOptions = {}): Promise<TrainHistory> {
    const { workers = 1, startWorkers, ...loop } = options;
    checkPositiveInteger(workers, 'workers');
    const batchSize = loop.batchSize ?? 64;
    let runner: FitLoopOptions<StepLogs, EpochLogs, GanTrainer>['runner'];
    if (workers > 1) {
      if (startWorkers === undefined)
        throw new GanConfigError(
          'workers',
          'data-parallel training runs through Gan.fit (createGan / createCgan) in Node',
        );
      runner = () => startWorkers(workers, batchSize) as Promise<StepRunner<unknown>>;
    }
    return fit<ImageSource, DataBatch[], StepLogs, EpochLogs, GanTrainer>(this, data, {
      ...loop,
      batchSize,
      readbackEvery: loop.readbackEvery ?? this.readbackEvery,
      runner,
    });
  }
}

export { createAdam, type AdamOptions } from './adam';
export type { EpochProgress, GanTrainerArgs, GradientReducer, TrainHistory } from './gan-trainer-args';
