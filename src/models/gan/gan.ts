import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { DisposedError, GanConfigError, TrainingDivergedError } from '../../errors';
import { checkModelIdle, claimModel, whileSaving } from '../../train/busy';
import { warnUnknownOptions } from '../../core/checks';
import type { DataBatch, ImageSource } from '../../data/image-source';
import type { GanLoss } from '../../losses/types';
import type { AuxiliaryTask } from '../../losses/auxiliary';
import { GanTrainer, createAdam, type FitOptions, type TrainHistory } from '../../train/trainer';
import type { GenerateOptions, GeneratorInfo } from '../../train/generate';
import type { StepRunner } from '../../train/fit';
import { setLearningRate } from '../../train/adam-powers';
import type { Sampler } from '../../train/sampler';
import type { TrainingState } from '../../train/trainable';
import { emaGenerator, type EmaGenerator, type EmaOptions } from '../../train/ema';
import { nodeService } from '../../platform';
import type { PerNet } from '../../core/types';
import type { GanConfig } from './config';

declare module '../../platform' {
  interface NodeServices {
    /** Writes a GAN checkpoint folder (see `Gan.save`). */
    saveGan(gan: Gan, dir: string): Promise<void>;
    /** Puts a GAN checkpoint folder's training state into `gan`, in place (see `Gan.restore`); returns the step restored. */
    restoreGan(gan: Gan, dir: string): Promise<number>;
    /** Starts `replicas − 1` worker threads training beside `trainer`. */
    startDataParallel(trainer: GanTrainer, replicas: number, maxBatch: number): Promise<StepRunner<DataBatch[]>>;
  }
}

/** What {@link Gan.fit} does after rolling back (see {@link RollbackOptions}). */
export interface RollbackInfo {
  /** The divergence that caused it (step and loss). */
  error: TrainingDivergedError;
  /** The step of the checkpoint restored. */
  restoredStep: number;
  /** The learning rates from now on. */
  learningRates: PerNet<number>;
}

/** Rolling back to the last good checkpoint when training diverges (NaN or infinite loss). */
export interface RollbackOptions {
  /** The checkpoint folder to roll back to (the newest checkpoint that verifies is used). */
  rollbackTo: string;
  /** Multiply both learning rates by this after each rollback (default 0.5). */
  learningRateFactor?: number;
  /** Give up (throw the {@link TrainingDivergedError}) after this many rollbacks (default 3). */
  maxRollbacks?: number;
  /** Called after each rollback. */
  onRollback?(info: RollbackInfo): void;
}

/** Every option of {@link Gan.fit}, for the unknown-option warning. */
const FIT_OPTION_NAMES = [
  'epochs',
  'batchSize',
  'callbacks',
  'stepsPerEpoch',
  'readbackEvery',
  'yieldEvery',
  'workers',
  'startWorkers',
  'onDivergence',
] as const satisfies readonly (keyof GanFitOptions)[];

/** Options of {@link Gan.fit}: the trainer's, plus what to do when training diverges. */
export interface GanFitOptions extends FitOptions {
  /** `stop` (default): throw a {@link TrainingDivergedError}; or roll back and lower the learning rate. */
  onDivergence?: 'stop' | RollbackOptions;
}

function checkRollback(policy: RollbackOptions): void {
  if (policy === null || typeof policy !== 'object' || typeof policy.rollbackTo !== 'string') {
    throw new GanConfigError(
      'onDivergence',
      `expected 'stop' or { rollbackTo: <checkpoint folder>, ... }, got ${JSON.stringify(policy)}`,
    );
  }
  const factor = policy.learningRateFactor ?? 0.5;
  if (!(factor > 0 && factor <= 1))
    throw new GanConfigError('onDivergence.learningRateFactor', `expected a number in (0, 1], got ${factor}`);
  const max = policy.maxRollbacks ?? 3;
  if (!Number.isInteger(max) || max < 0)
    throw new GanConfigError('onDivergence.maxRollbacks', `expected a non-negative integer, got ${max}`);
}

/** The trainer's two optimizers with the names their state files use. @internal */
function namedOptimizers(trainer: GanTrainer): Array<[string, tf.Optimizer]> {
  return [
    ['generator', trainer.generatorOptimizer],
    ['discriminator', trainer.discriminatorOptimizer],
  ];
}

/**
 * A GAN (conditional or not): its generator, discriminator, trainer and config, with
 * `fit()`, `generate()` and `save()`. Build one with {@link createGan} or {@link createCgan};
 * restore one with {@link loadGan}.
 */
export class Gan implements Sampler {
  /** The generator model (inputs `[z]` or `[z, labels]`). */
  readonly generator: tfl.LayersModel;
  /** The discriminator model (outputs logits). */
  readonly discriminator: tfl.LayersModel;
  /** The trainer holding optimizers, step, epoch and the random stream. */
  readonly trainer: GanTrainer;
  /** The GAN's description (stored in checkpoints). */
  readonly config: GanConfig;
  private averagedGenerator: EmaGenerator | null = null;
  private disposed = false;

  /** Refuses `operation` on a disposed GAN, whose tensors are gone. */
  private checkUsable(operation: string): void {
    if (this.disposed) throw new DisposedError(operation, 'GAN');
  }

  /** Prefer {@link createGan} / {@link createCgan} / {@link createAcgan} / {@link createInfoGan}; this wires already-built parts together. */
  constructor(
    generator: tfl.LayersModel,
    discriminator: tfl.LayersModel,
    loss: GanLoss,
    config: GanConfig,
    readbackEvery?: number,
    auxiliary?: AuxiliaryTask,
  ) {
    this.generator = generator;
    this.discriminator = discriminator;
    this.config = config;
    this.trainer = new GanTrainer({
      generator,
      discriminator,
      loss,
      auxiliary,
      latentDim: config.latentDim,
      numClasses: config.numClasses,
      outputActivation: config.outputActivation,
      generatorOptimizer: createAdam(config.optimizer.generator),
      discriminatorOptimizer: createAdam(config.optimizer.discriminator),
      discriminatorSteps: config.discriminatorSteps,
      seed: config.seed,
      readbackEvery,
    });
  }

  /** Step, epoch, position inside an unfinished epoch and random stream (the trainer's). */
  get state(): TrainingState {
    return this.trainer.state;
  }

  /** Names of the values each step logs (the trainer's). */
  get logNames(): readonly string[] {
    return this.trainer.logNames;
  }

  /** The logged losses, with the net each trains (the trainer's). */
  get lossNets(): GanTrainer['lossNets'] {
    return this.trainer.lossNets;
  }

  /** How the shared callbacks show the logged values (the trainer's). */
  get logFormat(): GanTrainer['logFormat'] {
    return this.trainer.logFormat;
  }

  /** Asks a running {@link Gan.fit} to stop after the current step. */
  stopTraining(): void {
    this.trainer.stopTraining();
  }

  /** What G takes and gives, for sampling (see {@link Sampler}). */
  get info(): GeneratorInfo {
    return this.trainer.info;
  }

  /** Number of classes (0 for an unconditional GAN). */
  get numClasses(): number {
    return this.config.numClasses;
  }

  /**
   * Trains on `data` (see {@link GanTrainer.fit}). When a loss becomes NaN or infinite, training
   * stops with a {@link TrainingDivergedError} naming the step and the loss; with
   * `onDivergence: { rollbackTo }` it instead reloads the newest good checkpoint of that folder,
   * lowers both learning rates and carries on (see {@link RollbackOptions}).
   *
   * @example
   * ```ts
   * await gan.fit(data, {
   *   epochs: 20,
   *   callbacks: [checkpoints(gan, { dir: 'out/ckpt', everySteps: 200 })],
   *   onDivergence: { rollbackTo: 'out/ckpt', learningRateFactor: 0.5, maxRollbacks: 3 },
   * });
   * ```
   */
  async fit(data: ImageSource, options: GanFitOptions = {}): Promise<TrainHistory> {
    this.checkUsable('Gan.fit');
    warnUnknownOptions(options, FIT_OPTION_NAMES, 'Gan.fit(data, options)');
    // Held through the rollbacks too, so nothing else runs between a rollback and the next loop.
    const release = claimModel(this.trainer.state, 'Gan.fit', 'fit', { holdsFit: true });
    try {
      return await this.fitWithRollbacks(data, options);
    } finally {
      release();
    }
  }

  private async fitWithRollbacks(data: ImageSource, options: GanFitOptions): Promise<TrainHistory> {
    const policy = options.onDivergence ?? 'stop';
    if (policy !== 'stop') checkRollback(policy);
    const history: TrainHistory = [];
    for (let rollbacks = 0; ; rollbacks++) {
      try {
        const averaged = this.averagedGenerator;
        const callbacks =
          averaged === null
            ? options.callbacks
            : [averaged, ...(options.callbacks ?? []).filter((c) => c !== averaged)];
        history.push(
          ...(await this.trainer.fit(data, {
            ...options,
            callbacks,
            startWorkers: (workers, batchSize) =>
              nodeService('startDataParallel', 'fit({ workers })')(this.trainer, workers, batchSize),
          })),
        );
        return history;
      } catch (error) {
        if (!(error instanceof TrainingDivergedError) || policy === 'stop' || rollbacks >= (policy.maxRollbacks ?? 3))
          throw error;
        const restoredStep = await this.restoreState(policy.rollbackTo);
        const factor = policy.learningRateFactor ?? 0.5;
        for (const [name, opt] of namedOptimizers(this.trainer)) {
          const settings = this.config.optimizer[name as 'generator' | 'discriminator'];
          settings.learningRate = (settings.learningRate ?? 2e-4) * factor;
          setLearningRate(opt, settings.learningRate);
        }
        policy.onRollback?.({
          error,
          restoredStep,
          learningRates: {
            generator: this.config.optimizer.generator.learningRate as number,
            discriminator: this.config.optimizer.discriminator.learningRate as number,
          },
        });
      }
    }
  }

  /**
   * Puts the training state of a checkpoint (weights, optimizer state, step, epoch, progress,
   * random stream, and the averaged generator when this GAN keeps one) into this GAN, in place,
   * reading the checkpoint's files straight into its nets (any GAN checkpoint format). Returns
   * the step restored. A checkpoint that does not fit leaves the GAN as it was.
   *
   * @example
   * ```ts
   * const step = await gan.restore('out/ckpt'); // the newest checkpoint there that verifies
   * ```
   * @throws {@link CheckpointError} naming the file when the checkpoint does not load or was
   * saved from other nets.
   */
  async restore(dir: string): Promise<number> {
    this.checkUsable('Gan.restore');
    const release = claimModel(this.trainer.state, 'Gan.restore', 'restore');
    try {
      return await this.restoreState(dir);
    } finally {
      release();
    }
  }

  /** The work of {@link Gan.restore}, also done by a rollback inside `fit`. */
  private restoreState(dir: string): Promise<number> {
    return nodeService('restoreGan', 'Gan.restore')(this, dir);
  }

  /**
   * Generates images `[n, h, w, c]` in [-1, 1] (the caller disposes them).
   *
   * @example
   * ```ts
   * const digits = cgan.generate({ labels: [0, 1, 2, 7], seed: 1 }); // Tensor4D [4, 28, 28, 1]
   * ```
   */
  generate(options: GenerateOptions): tf.Tensor4D {
    this.checkUsable('Gan.generate');
    return (this.averagedGenerator ?? this.trainer).generate(options);
  }

  /**
   * The raw generator G as a {@link Sampler}: what {@link Gan.generate} draws from when the GAN
   * has no averaged generator, and the way to reach G when it has one.
   *
   * @example
   * ```ts
   * const fromG = gan.raw.generate({ labels: [7, 7], seed: 1 });
   * ```
   */
  get raw(): Sampler {
    return this.trainer;
  }

  /** The exponential moving average of G's weights that this GAN trains and samples from, or `null` (see {@link Gan.averageWeights}). */
  get averaged(): EmaGenerator | null {
    return this.averagedGenerator;
  }

  /**
   * Starts keeping an exponential moving average of G's weights (an {@link EmaGenerator}): from
   * now on `fit` updates it after every step, {@link Gan.generate} (and so sample grids, metrics
   * and `gankit eval`) draws from it, and checkpoints hold it, inside their manifest, with its
   * options, so `loadGan` gives it back. G stays reachable as {@link Gan.raw}.
   *
   * @example
   * ```ts
   * const gan = createCgan({ seed: 1 });
   * gan.averageWeights({ decay: 0.999, startStep: 1000, batchNormStatistics: 'recompute' });
   * await gan.fit(mnist, { epochs: 5 });
   * const digits = gan.generate({ labels: [0, 1, 2] }); // from the average
   * ```
   * @throws {@link GanConfigError} for a bad option, or when the GAN already averages.
   */
  averageWeights(options: EmaOptions = {}): EmaGenerator {
    if (this.averagedGenerator !== null)
      throw new GanConfigError('averageWeights', 'this GAN already keeps an averaged generator (gan.averaged)');
    this.averagedGenerator = emaGenerator(this, options);
    return this.averagedGenerator;
  }

  /**
   * Saves G, D, both optimizers' state (Adam moments and step), the averaged generator with its
   * options (when the GAN keeps one), step, epoch, the position inside an unfinished epoch, the
   * random stream, the config and the library and TensorFlow.js versions into `dir`, as a
   * named-nets checkpoint of the family `gan` (see docs/checkpoints.md). Everything is written
   * into a temporary sibling directory, flushed, listed with SHA-256 checksums in
   * `manifest.json`, then renamed into place, so a crash leaves either the old checkpoint or the
   * new one, never a broken one. For a folder that keeps the last K checkpoints, see
   * {@link io.saveCheckpoint}.
   *
   * What is at `dir` is replaced only when it is a gankit checkpoint (its manifest verifies and
   * lists every file there), an empty folder, or a folder of `step-NNNNNNNNN` checkpoints; anything
   * else, an empty path and root-like paths (`/`, the home or the current folder) are refused.
   *
   * @throws {@link CheckpointError} when a weight or optimizer value is NaN or infinite (nothing is
   * written: a diverged model never replaces a good checkpoint), when `dir` holds anything but a
   * gankit checkpoint (nothing is written or removed), or when writing fails.
   */
  async save(dir: string): Promise<void> {
    this.checkUsable('Gan.save');
    await whileSaving(this.trainer.state, 'Gan.save', () => nodeService('saveGan', 'Gan.save')(this, dir));
  }

  /** Frees the models' and optimizers' tensors (and the averaged generator's). */
  dispose(): void {
    if (this.disposed) return;
    checkModelIdle(this.trainer.state, 'Gan.dispose');
    this.disposed = true;
    this.averagedGenerator?.dispose();
    this.averagedGenerator = null;
    this.generator.dispose();
    this.discriminator.dispose();
    this.trainer.generatorOptimizer.dispose();
    this.trainer.discriminatorOptimizer.dispose();
  }
}
