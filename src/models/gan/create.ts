/**
 * The GAN factories: {@link createGan} and {@link createCgan} compose the seed nets, a loss and a conditioning strategy into a {@link Gan}.
 *
 * @packageDocumentation
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../../errors';
import type { Conditioning } from '../../conditioning/types';
import { labelEmbedding } from '../../conditioning/label-embedding';
import { channelConcat } from '../../conditioning/channel-concat';
import type { ImageShape } from '../../data/dataset';
import type { GanLoss } from '../../losses/types';
import { nonSaturatingLoss } from '../../losses/non-saturating';
import { auxiliaryConfig, lossConfig } from '../../losses/registry';
import type { AuxiliaryTask } from '../../losses/auxiliary';
import { mlpDiscriminator, mlpGenerator, type MlpDiscriminatorArgs, type MlpGeneratorArgs } from '../../nets/mlp';
import {
  dcganDiscriminator,
  dcganGenerator,
  type DcganDiscriminatorArgs,
  type DcganGeneratorArgs,
} from '../../nets/dcgan';
import { checkImageShape, checkPositiveInt, type OutputActivation } from '../../nets/common';
import type { AdamOptions } from '../../train/trainer';
import { Rng } from '../../random';
import { checkPositiveInteger, checkSeed, warnUnknownOptions } from '../../core/checks';
import type { PerNet } from '../../core/types';
import type { GanConfig } from './config';
import { Gan } from './gan';

/** Options shared by {@link createGan} and {@link createCgan}. */
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
  /** Read losses back every N steps (see {@link training.GanTrainerArgs.readbackEvery}). */
  readbackEvery?: number;
  /**
   * An auxiliary task for D (see {@link AuxiliaryTask}; e.g. {@link losses.infoGanTask} on `createGan`,
   * or {@link losses.acganTask} on `createCgan` for a CGAN whose D also classifies). The built D gets an
   * auxiliary head of the task's `outputSize`, and G's first input the task's code. Default: none.
   */
  auxiliary?: AuxiliaryTask;
}

/** Options of {@link createCgan}. */
export interface CreateCganOptions extends CreateGanOptions {
  /** Number of classes (default 10, or the conditioning's). */
  numClasses?: number;
  /** How labels reach G and D (default: {@link labelEmbedding} for `mlp`, {@link conditioning.channelConcat} for `dcgan`). */
  conditioning?: Conditioning;
  /**
   * How labels reach D: `input` (default) through `conditioning`, as G; or `projection`, a
   * projection discriminator (Miyato & Koyama 2018): D's body sees the image alone and the label
   * enters at its output, `ψ(φ(x)) + ⟨embed(y), φ(x)⟩` (see {@link layers.ClassProjection}). G keeps `conditioning`.
   */
  discriminatorConditioning?: 'input' | 'projection';
}

/** Every option of {@link createGan}, for the unknown-option warning. */
const GAN_OPTION_NAMES = [
  'architecture',
  'latentDim',
  'imageShape',
  'loss',
  'optimizer',
  'discriminatorSteps',
  'seed',
  'generator',
  'discriminator',
  'readbackEvery',
  'auxiliary',
] as const satisfies readonly (keyof CreateGanOptions)[];
/** Every option of {@link createCgan}. */
const CGAN_OPTION_NAMES = [
  ...GAN_OPTION_NAMES,
  'numClasses',
  'conditioning',
  'discriminatorConditioning',
] as const satisfies readonly (keyof CreateCganOptions)[];

function splitOptimizer(optimizer: CreateGanOptions['optimizer']): GanConfig['optimizer'] {
  if (optimizer !== undefined && ('generator' in optimizer || 'discriminator' in optimizer)) {
    const o = optimizer as { generator?: AdamOptions; discriminator?: AdamOptions };
    return { generator: { ...o.generator }, discriminator: { ...o.discriminator } };
  }
  return { generator: { ...(optimizer as AdamOptions) }, discriminator: { ...(optimizer as AdamOptions) } };
}

function isModel(x: unknown): x is tfl.LayersModel {
  return x instanceof tfl.LayersModel;
}

/** How {@link buildGan} lays a GAN out beyond its options (ACGAN, InfoGAN). */
export interface GanLayout {
  /** D gets the labels too (default true; ACGAN's D takes the image alone). */
  conditionDiscriminator?: boolean;
  /** Use the conditional nets' defaults (deeper MLPs, tanh) without conditioning (InfoGAN). */
  conditionalDefaults?: boolean;
  /** Default size of z. */
  latentDim?: number;
}

/**
 * Builds the nets, loss and config of a GAN from factory options: the work behind every factory.
 * @internal
 */
export function buildGan(
  options: CreateCganOptions,
  conditioning: Conditioning | undefined,
  layout: GanLayout = {},
): Gan {
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
  // What a checkpoint's loader accepts, so that every GAN built here can be saved and loaded again.
  const seed = options.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : checkSeed(options.seed, 'seed');
  if (options.discriminatorSteps !== undefined) checkPositiveInteger(options.discriminatorSteps, 'discriminatorSteps');
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
 * const gan = createGan({ seed: 1 });
 * await gan.fit(await loadMnist(), { epochs: 10, batchSize: 100 });
 * const images = gan.generate({ count: 16 });
 * ```
 */
export function createGan(options: CreateGanOptions = {}): Gan {
  warnUnknownOptions(options, GAN_OPTION_NAMES, 'createGan(options)');
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
 * const cgan = createCgan({ numClasses: 10, conditioning: labelEmbedding({ dim: 10 }), seed: 1 });
 * await cgan.fit(await loadMnist(), { epochs: 5, batchSize: 64 });
 * const sevens = cgan.generate({ labels: [7, 7, 7, 7] });
 * ```
 * @throws {@link GanConfigError} when `numClasses` disagrees with the conditioning's.
 */
export function createCgan(options: CreateCganOptions = {}): Gan {
  warnUnknownOptions(options, CGAN_OPTION_NAMES, 'createCgan(options)');
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
