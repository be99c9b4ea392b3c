import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { CheckpointError, GanConfigError, TrainingDivergedError } from './errors';
import type { Conditioning } from './conditioning/types';
import { labelEmbedding } from './conditioning/label-embedding';
import { channelConcat } from './conditioning/channel-concat';
import type { DataBatch, ImageDataset, ImageShape } from './data/dataset';
import type { GanLoss } from './losses/types';
import { nonSaturatingLoss } from './losses/non-saturating';
import { auxiliaryConfig, lossConfig } from './losses/registry';
import type { AuxiliaryTask } from './losses/auxiliary';
import { acganTask } from './losses/acgan';
import { infoGanTask, type InfoGanTaskOptions } from './losses/infogan';
import { mlpDiscriminator, mlpGenerator, type MlpDiscriminatorArgs, type MlpGeneratorArgs } from './nets/mlp';
import { dcganDiscriminator, dcganGenerator, type DcganDiscriminatorArgs, type DcganGeneratorArgs } from './nets/dcgan';
import { checkImageShape, checkPositiveInt, type OutputActivation } from './nets/common';
import { GanTrainer, createAdam, type AdamOptions, type FitOptions, type TrainHistory } from './train/trainer';
import type { GenerateOptions, GeneratorInfo } from './train/generate';
import type { StepRunner } from './train/fit';
import { readAdamPowers, setLearningRate, writeAdamPowers } from './train/adam-powers';
import { Rng } from './random';
import type { Sampler } from './train/sampler';
import { emaGenerator, type EmaGenerator, type EmaOptions } from './train/ema';
import { nodeService } from './platform';

declare module './platform' {
  interface NodeServices {
    /** Writes a GAN checkpoint folder (see `Gan.save`). */
    saveGan(gan: Gan, dir: string): Promise<void>;
    /** Reads a GAN checkpoint folder (see `loadGAN`). */
    loadGan(dir: string, options: LoadGanOptions): Promise<Gan>;
    /** Starts `replicas − 1` worker threads training beside `trainer`. */
    startDataParallel(trainer: GanTrainer, replicas: number, maxBatch: number): Promise<StepRunner<DataBatch[]>>;
  }
}

/** Built-in architectures: fully connected (`mlp`) or convolutional (`dcgan`); `custom` when you pass your own models. */
export type Architecture = 'mlp' | 'dcgan' | 'custom';

/** A named part of a config (a loss or a conditioning strategy) with its options. */
export interface NamedConfig {
  /** The part's registered name, e.g. `non-saturating` or `label-embedding`. */
  name: string;
  /** The part's options. */
  [option: string]: unknown;
}

/** Settings of one value per net: G's and D's. */
export interface PerNet<T> {
  /** The generator's. */
  generator: T;
  /** The discriminator's. */
  discriminator: T;
}

/** The JSON-serialisable description of a GAN, stored in every checkpoint. */
export interface GanConfig {
  /** Size of z. */
  latentDim: number;
  /** Shape of one image. */
  imageShape: ImageShape;
  /** Number of classes (0 for an unconditional GAN). */
  numClasses: number;
  /** Architecture the nets were built with. */
  architecture: Architecture;
  /** G's output activation. */
  outputActivation: OutputActivation;
  /** The loss: its name plus options (e.g. label smoothing). */
  loss: NamedConfig;
  /** The conditioning strategy's name and options (conditional GANs). */
  conditioning?: NamedConfig;
  /** The auxiliary task's name and options (ACGAN, InfoGAN); absent for none. For InfoGAN, G's first input is `latentDim` plus the task's code. */
  auxiliary?: NamedConfig;
  /** `projection` when D takes the labels through a projection head instead of `conditioning` (see {@link CreateCganOptions.discriminatorConditioning}). */
  discriminatorConditioning?: 'projection';
  /** Optimizer settings of G and D. */
  optimizer: PerNet<AdamOptions>;
  /** D updates per G update. */
  discriminatorSteps: number;
  /** Seed the GAN was created with. */
  seed: number;
}

/** Options shared by {@link createGAN} and {@link createCGAN}. */
export interface CreateGanOptions {
  /** `mlp` (default) or `dcgan`. */
  architecture?: 'mlp' | 'dcgan';
  /** Size of z (default: the architecture's seed net: 128 for the MLP GAN, 100 otherwise). */
  latentDim?: number;
  /** Shape of one image (default [28, 28, 1]). */
  imageShape?: ImageShape;
  /** The loss (default {@link nonSaturatingLoss}). */
  loss?: GanLoss;
  /** Adam settings for both nets, or separately (default lr 2e-4, β1 0.5). */
  optimizer?: AdamOptions | Partial<PerNet<AdamOptions>>;
  /** D updates per G update (default 1). */
  discriminatorSteps?: number;
  /** Seed for initialisation, z, labels and shuffling (default: random). */
  seed?: number;
  /** Overrides of the generator builder's arguments, or your own generator model. */
  generator?: Partial<MlpGeneratorArgs & DcganGeneratorArgs> | tfl.LayersModel;
  /** Overrides of the discriminator builder's arguments, or your own discriminator model. */
  discriminator?: Partial<MlpDiscriminatorArgs & DcganDiscriminatorArgs> | tfl.LayersModel;
  /** Read losses back every N steps (see {@link GanTrainerArgs.readbackEvery}). */
  readbackEvery?: number;
  /**
   * An auxiliary task for D (see {@link AuxiliaryTask}; e.g. {@link infoGanTask} on `createGAN`,
   * or {@link acganTask} on `createCGAN` for a CGAN whose D also classifies). The built D gets an
   * auxiliary head of the task's `outputSize`, and G's first input the task's code. Default: none.
   */
  auxiliary?: AuxiliaryTask;
}

/** Options of {@link createCGAN}. */
export interface CreateCganOptions extends CreateGanOptions {
  /** Number of classes (default 10, or the conditioning's). */
  numClasses?: number;
  /** How labels reach G and D (default: {@link labelEmbedding} for `mlp`, {@link channelConcat} for `dcgan`). */
  conditioning?: Conditioning;
  /**
   * How labels reach D: `input` (default) through `conditioning`, as G; or `projection`, a
   * projection discriminator (Miyato & Koyama 2018): D's body sees the image alone and the label
   * enters at its output, `ψ(φ(x)) + ⟨embed(y), φ(x)⟩` (see {@link ClassProjection}). G keeps `conditioning`.
   */
  discriminatorConditioning?: 'input' | 'projection';
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

/** Options of {@link loadGAN}. */
export interface LoadGanOptions {
  /** The loss to continue training with, required when the checkpoint used a custom loss. */
  loss?: GanLoss;
  /** The auxiliary task, required when the checkpoint used a user-written one (built-in ones are rebuilt from the config). */
  auxiliary?: AuxiliaryTask;
  /**
   * Load the averaged generator the checkpoint holds (`ema-generator/`), which the GAN then samples
   * from (default true); `false` leaves it out, so that `generate()` draws from G.
   */
  averagedGenerator?: boolean;
  /** Called for each newer checkpoint of a folder that failed to verify and was passed over. */
  onSkip?(dir: string, error: CheckpointError): void;
}

function splitOptimizer(optimizer: CreateGanOptions['optimizer']): GanConfig['optimizer'] {
  if (optimizer !== undefined && ('generator' in optimizer || 'discriminator' in optimizer)) {
    const o = optimizer as { generator?: AdamOptions; discriminator?: AdamOptions };
    return { generator: { ...o.generator }, discriminator: { ...o.discriminator } };
  }
  return { generator: { ...(optimizer as AdamOptions) }, discriminator: { ...(optimizer as AdamOptions) } };
}

/** The trainer's two optimizers with the names their state files use. @internal */
export function namedOptimizers(trainer: GanTrainer): Array<[string, tf.Optimizer]> {
  return [
    ['generator', trainer.generatorOptimizer],
    ['discriminator', trainer.discriminatorOptimizer],
  ];
}

function isModel(x: unknown): x is tfl.LayersModel {
  return x instanceof tfl.LayersModel;
}

/**
 * A GAN (conditional or not): its generator, discriminator, trainer and config, with
 * `fit()`, `generate()` and `save()`. Build one with {@link createGAN} or {@link createCGAN};
 * restore one with {@link loadGAN}.
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

  /** Prefer {@link createGAN} / {@link createCGAN} / {@link createACGAN} / {@link createInfoGAN}; this wires already-built parts together. */
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
  async fit(data: ImageDataset, options: GanFitOptions = {}): Promise<TrainHistory> {
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
        const restoredStep = await this.restore(policy.rollbackTo);
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
   * random stream) into this GAN, in place. Returns the step restored.
   *
   * @throws {@link CheckpointError} when the checkpoint does not load or was saved from other nets.
   */
  async restore(dir: string): Promise<number> {
    const saved = await nodeService('loadGan', 'Gan.restore')(dir, { loss: this.trainer.loss });
    try {
      for (const [mine, theirs, name] of [
        [this.generator, saved.generator, 'generator'],
        [this.discriminator, saved.discriminator, 'discriminator'],
      ] as const) {
        const a = mine.weights.map((w) => w.shape.join('x')).join(',');
        const b = theirs.weights.map((w) => w.shape.join('x')).join(',');
        if (a !== b) throw new CheckpointError(dir, `its ${name} has other weights than this GAN's`);
        mine.setWeights(theirs.getWeights());
      }
      const optimizers = namedOptimizers(saved.trainer);
      for (const [i, [, opt]] of namedOptimizers(this.trainer).entries()) {
        const weights = await optimizers[i][1].getWeights();
        await opt.setWeights(weights);
        for (const { tensor } of weights) if (!(tensor instanceof tf.Variable)) tensor.dispose();
        const powers = readAdamPowers(optimizers[i][1]);
        if (powers !== null) writeAdamPowers(opt, powers);
      }
      this.trainer.step = saved.trainer.step;
      this.trainer.epoch = saved.trainer.epoch;
      this.trainer.epochProgress = saved.trainer.epochProgress;
      this.trainer.rng.setState(saved.trainer.rng.getState());
      // The average goes back with the rest; one the checkpoint lacks restarts from G.
      if (this.averagedGenerator !== null) {
        if (saved.averaged === null) this.averagedGenerator.copy();
        else this.averagedGenerator.shadow.setWeights(saved.averaged.shadow.getWeights());
      }
      return saved.trainer.step;
    } finally {
      saved.dispose();
    }
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
   * options, so `loadGAN` gives it back. G stays reachable as {@link Gan.raw}.
   *
   * @example
   * ```ts
   * const gan = createCGAN({ seed: 1 });
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
   * Saves G, D, both optimizers' state (Adam moments and step), step, epoch, the position inside
   * an unfinished epoch, the random stream, the config and the library and TensorFlow.js versions
   * into `dir`. Everything is written into a temporary sibling directory, flushed, listed with
   * SHA-256 checksums in `manifest.json`, then renamed into place, so a crash leaves either the
   * old checkpoint or the new one, never a broken one. For a folder that keeps the last K
   * checkpoints, see {@link saveCheckpoint}.
   *
   * @throws {@link CheckpointError} when a weight or optimizer value is NaN or infinite (nothing is
   * written: a diverged model never replaces a good checkpoint) or when writing fails.
   */
  async save(dir: string): Promise<void> {
    await nodeService('saveGan', 'Gan.save')(this, dir);
  }

  /** Frees the models' and optimizers' tensors (and the averaged generator's). */
  dispose(): void {
    this.averagedGenerator?.dispose();
    this.averagedGenerator = null;
    this.generator.dispose();
    this.discriminator.dispose();
    this.trainer.generatorOptimizer.dispose();
    this.trainer.discriminatorOptimizer.dispose();
  }
}

/** How {@link buildGan} lays a GAN out beyond its options (ACGAN, InfoGAN). */
interface GanLayout {
  /** D gets the labels too (default true; ACGAN's D takes the image alone). */
  conditionDiscriminator?: boolean;
  /** Use the conditional nets' defaults (deeper MLPs, tanh) without conditioning (InfoGAN). */
  conditionalDefaults?: boolean;
  /** Default size of z. */
  latentDim?: number;
}

function buildGan(options: CreateCganOptions, conditioning: Conditioning | undefined, layout: GanLayout = {}): Gan {
  const architecture = options.architecture ?? 'mlp';
  if (architecture !== 'mlp' && architecture !== 'dcgan')
    throw new GanConfigError('architecture', `expected 'mlp' or 'dcgan', got '${String(architecture)}'`);
  const conditional = conditioning !== undefined || layout.conditionalDefaults === true;
  const auxiliary = options.auxiliary;
  const codeDim = auxiliary?.codeDim ?? 0;
  // The task's head on the built D (an override of auxiliaryOutputs, or a D of your own, takes precedence).
  const head = auxiliary?.outputSize === undefined ? {} : { auxiliaryOutputs: auxiliary.outputSize };
  const imageShape = checkImageShape(options.imageShape ?? [28, 28, 1]);
  const latentDim = checkPositiveInt(
    options.latentDim ?? layout.latentDim ?? (architecture === 'mlp' && !conditional ? 128 : 100),
    'latentDim',
  );
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const seeds = new Rng(seed);
  const loss = options.loss ?? nonSaturatingLoss();
  const gOverrides = isModel(options.generator) ? undefined : options.generator;
  const dOverrides = isModel(options.discriminator) ? undefined : options.discriminator;
  const projected = conditioning !== undefined && options.discriminatorConditioning === 'projection';
  const dLabels =
    layout.conditionDiscriminator === false
      ? { conditioning: undefined }
      : projected
        ? { conditioning: undefined, projection: { numClasses: conditioning.numClasses } }
        : { conditioning };
  let generator: tfl.LayersModel;
  let discriminator: tfl.LayersModel;
  if (architecture === 'mlp') {
    // Unconditional: the original GAN (seed 001). Conditional: the MLP CGAN (seed 002).
    // The per-layer defaults follow the seed's pattern for any number of hidden layers:
    // batch norm (G) and dropout (D) on every hidden layer but the first.
    const gHidden = gOverrides?.hiddenUnits ?? (conditional ? [128, 256, 512, 1024] : [256]);
    const dHidden = dOverrides?.hiddenUnits ?? (conditional ? [512, 512, 512] : [256]);
    const gDefaults: MlpGeneratorArgs = conditional
      ? {
          hiddenUnits: gHidden,
          batchNorm: gHidden.map((_, i) => i > 0),
          activation: 'leakyRelu',
          outputActivation: 'tanh',
        }
      : { hiddenUnits: gHidden, activation: 'relu', outputActivation: 'sigmoid' };
    const dDefaults: MlpDiscriminatorArgs = conditional
      ? { hiddenUnits: dHidden, dropout: dHidden.map((_, i) => (i > 0 ? 0.4 : 0)), activation: 'leakyRelu' }
      : { hiddenUnits: dHidden, activation: 'relu' };
    generator = isModel(options.generator)
      ? options.generator
      : mlpGenerator({
          ...gDefaults,
          ...gOverrides,
          latentDim: latentDim + codeDim,
          imageShape,
          conditioning,
          seed: seeds.nextSeed(),
        });
    discriminator = isModel(options.discriminator)
      ? options.discriminator
      : mlpDiscriminator({ ...dDefaults, ...head, ...dOverrides, imageShape, ...dLabels, seed: seeds.nextSeed() });
  } else {
    generator = isModel(options.generator)
      ? options.generator
      : dcganGenerator({
          ...(gOverrides as DcganGeneratorArgs),
          latentDim: latentDim + codeDim,
          imageShape,
          conditioning,
          seed: seeds.nextSeed(),
        });
    discriminator = isModel(options.discriminator)
      ? options.discriminator
      : dcganDiscriminator({
          ...head,
          ...(dOverrides as DcganDiscriminatorArgs),
          imageShape,
          ...dLabels,
          seed: seeds.nextSeed(),
        });
  }
  const custom = isModel(options.generator) || isModel(options.discriminator);
  const outputActivation: OutputActivation =
    (gOverrides?.outputActivation as OutputActivation | undefined) ??
    (architecture === 'mlp' && !conditional ? 'sigmoid' : 'tanh');
  const config: GanConfig = {
    latentDim,
    imageShape,
    numClasses: conditioning?.numClasses ?? 0,
    architecture: custom ? 'custom' : architecture,
    outputActivation,
    loss: lossConfig(loss),
    conditioning: conditioning === undefined ? undefined : { name: conditioning.name, ...conditioning.toConfig?.() },
    ...(projected ? { discriminatorConditioning: 'projection' as const } : {}),
    ...(auxiliary === undefined ? {} : { auxiliary: auxiliaryConfig(auxiliary) }),
    optimizer: splitOptimizer(options.optimizer),
    discriminatorSteps: options.discriminatorSteps ?? 1,
    seed,
  };
  return new Gan(generator, discriminator, loss, config, options.readbackEvery, auxiliary);
}

/**
 * Creates an unconditional GAN. The defaults are the original GAN (Goodfellow et al. 2014, seed
 * 001) for `architecture: 'mlp'` (z 128, hidden 256, sigmoid output) and the seed-000 DCGAN nets
 * for `architecture: 'dcgan'`, with the non-saturating loss and Adam (2e-4, β1 0.5).
 *
 * @example
 * ```ts
 * await initBackend();
 * const gan = createGAN({ seed: 1 });
 * await gan.fit(await loadMnist(), { epochs: 10, batchSize: 100 });
 * const images = gan.generate({ count: 16 });
 * ```
 */
export function createGAN(options: CreateGanOptions = {}): Gan {
  return buildGan(options, undefined);
}

/**
 * Creates a conditional GAN. Defaults: `architecture: 'mlp'` is the seed-002 CGAN (label
 * embedding; G 128-256-512-1024 with batch norm and LeakyReLU, tanh; D 512-512-512 with dropout
 * 0.4) and `architecture: 'dcgan'` is the seed-000 DCGAN CGAN (channel-concat), both with the
 * non-saturating loss and Adam (2e-4, β1 0.5).
 *
 * @example
 * ```ts
 * await initBackend();
 * const cgan = createCGAN({ numClasses: 10, conditioning: labelEmbedding({ dim: 10 }), seed: 1 });
 * await cgan.fit(await loadMnist(), { epochs: 5, batchSize: 64 });
 * const sevens = cgan.generate({ labels: [7, 7, 7, 7] });
 * ```
 * @throws {@link GanConfigError} when `numClasses` disagrees with the conditioning's.
 */
export function createCGAN(options: CreateCganOptions = {}): Gan {
  const architecture = options.architecture ?? 'mlp';
  const numClasses = checkPositiveInt(options.numClasses ?? options.conditioning?.numClasses ?? 10, 'numClasses');
  const conditioning =
    options.conditioning ?? (architecture === 'dcgan' ? channelConcat({ numClasses }) : labelEmbedding({ numClasses }));
  if (conditioning.numClasses !== numClasses) {
    throw new GanConfigError(
      'numClasses',
      `is ${numClasses} but the conditioning '${conditioning.name}' has ${conditioning.numClasses} classes`,
    );
  }
  const dc = options.discriminatorConditioning;
  if (dc !== undefined && dc !== 'input' && dc !== 'projection')
    throw new GanConfigError('discriminatorConditioning', `expected 'input' or 'projection', got '${String(dc)}'`);
  return buildGan(options, conditioning);
}

/**
 * Options of {@link createACGAN}: {@link createCGAN}'s (G's conditioning; D takes the image alone), plus the class loss's weights.
 *
 * @example
 * ```ts
 * const options: CreateAcganOptions = { architecture: 'dcgan', numClasses: 10, classWeight: 1, generatorClassWeight: 0.5 };
 * ```
 */
export interface CreateAcganOptions extends Omit<CreateCganOptions, 'discriminatorConditioning'> {
  /** Weight of the class loss in D's loss (default 1; see {@link AcganTask}). Ignored when `auxiliary` is given. */
  classWeight?: number;
  /** Weight of the class loss in G's loss (default: `classWeight`). Ignored when `auxiliary` is given. */
  generatorClassWeight?: number;
}

/**
 * Creates an auxiliary-classifier GAN (ACGAN; Odena, Olah & Shlens 2017). G is conditioned as in
 * {@link createCGAN} (default {@link labelEmbedding} for `mlp`, {@link channelConcat} for `dcgan`:
 * its inputs are `[z, labels]`); D takes **the image alone** and has two outputs, the real/fake
 * logit and class logits `[n, numClasses]` (`auxiliaryOutputs`), trained by {@link acganTask}: D
 * learns to classify real images and the fakes by their label, G to make fakes D classifies as
 * the label asked for. The trainer accepts a label-free D in a conditional GAN because the task
 * predicts the labels; the data must be labelled. The nets' defaults are {@link createCGAN}'s
 * (D without the label input, plus the head). Checkpoints store the task; {@link loadGAN} and
 * data-parallel workers rebuild it.
 *
 * @example
 * ```ts
 * await initBackend();
 * const acgan = createACGAN({ numClasses: 10, latentDim: 100, seed: 1 });
 * await acgan.fit(await loadMnist(), { epochs: 3, batchSize: 64 });
 * const sevens = acgan.generate({ labels: [7, 7, 7, 7] });
 * ```
 * @throws {@link GanConfigError} when `numClasses` disagrees with the conditioning's, or for a bad weight.
 */
export function createACGAN(options: CreateAcganOptions = {}): Gan {
  if ((options as CreateCganOptions).discriminatorConditioning !== undefined) {
    throw new GanConfigError(
      'discriminatorConditioning',
      "ACGAN's discriminator takes the image alone (its class head predicts the label); use createCGAN({ auxiliary: acganTask() }) for a D that also takes labels",
    );
  }
  const architecture = options.architecture ?? 'mlp';
  const numClasses = checkPositiveInt(
    options.numClasses ?? options.conditioning?.numClasses ?? options.auxiliary?.numClasses ?? 10,
    'numClasses',
  );
  const conditioning =
    options.conditioning ?? (architecture === 'dcgan' ? channelConcat({ numClasses }) : labelEmbedding({ numClasses }));
  if (conditioning.numClasses !== numClasses) {
    throw new GanConfigError(
      'numClasses',
      `is ${numClasses} but the conditioning '${conditioning.name}' has ${conditioning.numClasses} classes`,
    );
  }
  const auxiliary =
    options.auxiliary ??
    acganTask({ numClasses, weight: options.classWeight, generatorWeight: options.generatorClassWeight });
  return buildGan({ ...options, auxiliary }, conditioning, { conditionDiscriminator: false });
}

/**
 * Options of {@link createInfoGAN}: {@link createGAN}'s, plus the codes and the mutual-information loss's weights.
 *
 * @example
 * ```ts
 * const options: CreateInfoGanOptions = { latentDim: 62, categorical: 10, continuous: 2, infoWeight: 1 };
 * ```
 */
export interface CreateInfoGanOptions extends CreateGanOptions {
  /** Categories of the categorical code (default 10; 0 for none). Ignored when `auxiliary` is given. */
  categorical?: number;
  /** Number of continuous codes, uniform on [-1, 1] (default 2). Ignored when `auxiliary` is given. */
  continuous?: number;
  /** λ, the mutual-information loss's weight in G's and D's loss (default 1). Ignored when `auxiliary` is given. */
  infoWeight?: number;
  /** An extra factor on the continuous codes' term (default 1). Ignored when `auxiliary` is given. */
  continuousWeight?: number;
  /** How the continuous codes are scored (default `squared`; see {@link InfoGanTaskOptions.continuousLoss}). Ignored when `auxiliary` is given. */
  continuousLoss?: InfoGanTaskOptions['continuousLoss'];
}

/**
 * Creates an InfoGAN (Chen et al. 2016): an unconditional GAN whose G gets, beside the noise z
 * (default 62 values, as in the paper's MNIST model), a categorical code (default 10 categories,
 * one-hot) and continuous codes (default 2, uniform on [-1, 1]) — G's first input is
 * `[z ; code]` — and whose D has a Q head (`auxiliaryOutputs`) predicting the code from the image.
 * {@link infoGanTask}'s mutual-information loss `λ·(CE + ½‖c − ĉ‖²)` is added to both G's and D's
 * loss, so G learns to make its codes recoverable, which unsupervised tends to make the
 * categorical code pick the digit class and the continuous ones style (slant, width). The nets'
 * defaults are {@link createCGAN}'s layers without conditioning (`mlp`: G 128-256-512-1024 with
 * batch norm, tanh; D 512-512-512 with dropout) or the seed-000 DCGAN nets (`dcgan`).
 *
 * Choose codes when generating: `generate({ count, codes: { categorical, continuous } })` (see
 * {@link LatentCodes}); codes left out are drawn with the seed.
 *
 * @example One row of ten samples per categorical value:
 * ```ts
 * await initBackend();
 * const infogan = createInfoGAN({ categorical: 10, continuous: 2, seed: 1 });
 * await infogan.fit(await loadMnist(), { epochs: 5, batchSize: 64 });
 * const rows = infogan.generate({ count: 100, codes: { categorical: Array.from({ length: 100 }, (_, i) => Math.floor(i / 10)) }, seed: 1 });
 * ```
 * @throws {@link GanConfigError} for a bad code count or weight.
 */
export function createInfoGAN(options: CreateInfoGanOptions = {}): Gan {
  const auxiliary =
    options.auxiliary ??
    infoGanTask({
      categorical: options.categorical ?? 10,
      continuous: options.continuous ?? 2,
      weight: options.infoWeight,
      continuousWeight: options.continuousWeight,
      continuousLoss: options.continuousLoss,
    });
  return buildGan({ ...options, auxiliary }, undefined, { conditionalDefaults: true, latentDim: 62 });
}
