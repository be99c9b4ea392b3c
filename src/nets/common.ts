import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { formatBytes } from '../core/checks';
import { Rng } from '../random';
import type { BuildContext, Conditioning } from '../conditioning/types';
import type { ImageShape } from '../data/dataset';
import { ConditionalBatchNorm } from '../layers/conditional-batch-norm';
import { DiffAugment, type DiffAugmentArgs, type DiffAugmentPolicy } from '../layers/diff-augment';
import type { ProjectionOptions } from '../layers/class-projection';

/** Activation functions the net builders accept. */
export type ActivationName = 'relu' | 'leakyRelu' | 'elu' | 'tanh' | 'sigmoid' | 'linear';

/** Activations a generator's last layer may use: `tanh` gives images in [-1, 1], `sigmoid` in [0, 1]. */
export type OutputActivation = 'tanh' | 'sigmoid';

/** Options shared by every net builder. */
export interface NetCommonArgs {
  /** Seed for weight initialisation (default: random). */
  seed?: number;
  /** Model name (default `generator` / `discriminator`). */
  name?: string;
}

/** Batch-norm settings (PyTorch defaults: momentum 0.1 there is momentum 0.9 here). */
export interface BatchNormArgs {
  /** Moving-average momentum of the statistics (Keras convention; default 0.9). */
  batchNormMomentum?: number;
  /** Epsilon added to the variance (default 1e-5). */
  batchNormEpsilon?: number;
}

/**
 * Options of both discriminator builders for conditioning at D's output and for augmentation
 * (issue 6): a projection head and DiffAugment.
 *
 * @example
 * ```ts
 * const d = dcganDiscriminator({ projection: { numClasses: 10 }, diffAugment: ['translation', 'cutout'] });
 * ```
 */
export interface DiscriminatorExtraArgs {
  /**
   * Projection discriminator (Miyato & Koyama 2018): D gets a label input (shared with
   * `conditioning` when both are given) and its logit becomes `ψ(φ(x)) + ⟨embed(y), φ(x)⟩`, with
   * φ(x) the last hidden features (see {@link layers.ClassProjection}). Default: none.
   */
  projection?: ProjectionOptions;
  /**
   * DiffAugment (Zhao et al. 2020) on D's image input while training, before any conditioning
   * (see {@link DiffAugment}): the policies, or the layer's arguments. Default: none.
   */
  diffAugment?: DiffAugmentPolicy[] | DiffAugmentArgs;
}

/**
 * Options of both generator builders for class-conditional normalisation (issue 6).
 *
 * @example
 * ```ts
 * const g = dcganGenerator({ conditioning: channelConcat({ numClasses: 10 }), conditionalBatchNorm: true });
 * ```
 */
export interface GeneratorNormArgs {
  /**
   * Use {@link layers.ConditionalBatchNorm} (a γ and β per class) in place of every batch norm; needs a
   * `conditioning` (for the label input and `numClasses`) and at least one batch norm (default false).
   */
  conditionalBatchNorm?: boolean;
}

export function checkPositiveInt(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new GanConfigError(argument, `expected a positive integer, got ${String(value)}`);
  }
  return value;
}

export function checkImageShape(shape: unknown, argument = 'imageShape'): ImageShape {
  if (!Array.isArray(shape) || shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new GanConfigError(
      argument,
      `expected [height, width, channels] of positive integers, got ${JSON.stringify(shape)}`,
    );
  }
  return shape as ImageShape;
}

/**
 * The largest weight matrix of one dense layer gankit builds, in bytes (1 GiB): `inputs × units ×
 * 4`. A larger one (say `hiddenUnits: [1e6]` after a 784-pixel image: 2.9 GiB) is refused with
 * its size before anything is allocated.
 */
export const MAX_LAYER_BYTES = 2 ** 30;

/**
 * Refuses a dense layer of `units` on `input` whose weights would pass {@link MAX_LAYER_BYTES}.
 *
 * @throws {@link GanConfigError} naming `argument` and the size.
 */
export function checkDenseSize(input: SymbolicTensor, units: number, argument: string): void {
  const inputs = input.shape.slice(1).reduce((a: number, d) => a * (d ?? 1), 1);
  const bytes = inputs * units * 4;
  if (bytes > MAX_LAYER_BYTES)
    throw new GanConfigError(
      argument,
      `a dense layer of ${inputs} × ${units} weights take ${formatBytes(bytes)}, more than ${formatBytes(MAX_LAYER_BYTES)} (MAX_LAYER_BYTES)`,
    );
}

/** Expands a per-layer option given once or per layer. */
export function perLayer<T>(value: T | T[], count: number, argument: string): T[] {
  if (Array.isArray(value)) {
    if (value.length !== count)
      throw new GanConfigError(argument, `expected ${count} values (one per hidden layer), got ${value.length}`);
    return value;
  }
  return new Array<T>(count).fill(value);
}

export function activationLayer(name: ActivationName, leakyReluAlpha: number): tfl.layers.Layer | null {
  switch (name) {
    case 'linear':
      return null;
    case 'leakyRelu':
      return tfl.layers.leakyReLU({ alpha: leakyReluAlpha });
    case 'relu':
    case 'elu':
    case 'tanh':
    case 'sigmoid':
      return tfl.layers.activation({ activation: name });
    default:
      throw new GanConfigError(
        'activation',
        `expected one of relu, leakyRelu, elu, tanh, sigmoid, linear, got '${String(name)}'`,
      );
  }
}

export function applyActivation(x: SymbolicTensor, name: ActivationName, leakyReluAlpha: number): SymbolicTensor {
  const layer = activationLayer(name, leakyReluAlpha);
  return layer === null ? x : (layer.apply(x) as SymbolicTensor);
}

export function buildContext(seed: number | undefined): BuildContext & { rng: Rng } {
  const rng = new Rng(seed ?? Math.floor(Math.random() * 2 ** 32));
  return { rng, nextSeed: () => rng.nextSeed() };
}

export function kernelInit(context: BuildContext): ReturnType<typeof tfl.initializers.glorotUniform> {
  return tfl.initializers.glorotUniform({ seed: context.nextSeed() });
}

/** The symbolic inputs of a generator: z, plus labels when conditioned. */
export function generatorInputs(
  latentDim: number,
  conditioning: Conditioning | undefined,
  context: BuildContext,
): {
  inputs: SymbolicTensor[];
  x: SymbolicTensor;
} {
  const z = tfl.input({ shape: [latentDim], name: 'z' });
  if (conditioning === undefined) return { inputs: [z], x: z };
  const labels = tfl.input({ shape: [1], dtype: 'int32', name: 'labels' });
  return { inputs: [z, labels], x: conditioning.generatorInput(z, labels, context) };
}

/** The symbolic inputs of a discriminator: the image, plus labels when conditioned. */
/**
 * The symbolic inputs of a discriminator: the image, plus labels when conditioned or projected
 * (`labels` is that input). DiffAugment, when asked for, sits on the image before the
 * conditioning, so label planes are never augmented.
 */
export function discriminatorInputs(
  imageShape: ImageShape,
  conditioning: Conditioning | undefined,
  context: BuildContext,
  extras: DiscriminatorExtraArgs = {},
): {
  inputs: SymbolicTensor[];
  x: SymbolicTensor;
  labels?: SymbolicTensor;
} {
  const image = tfl.input({ shape: [...imageShape], name: 'image' });
  const augment = extras.diffAugment;
  const augmented =
    augment === undefined
      ? image
      : (new DiffAugment(Array.isArray(augment) ? { policies: augment } : augment).apply(image) as SymbolicTensor);
  const projection = extras.projection;
  if (projection !== undefined) {
    checkPositiveInt(projection.numClasses, 'projection.numClasses');
    if (conditioning !== undefined && conditioning.numClasses !== projection.numClasses) {
      throw new GanConfigError(
        'projection.numClasses',
        `is ${projection.numClasses} but the conditioning '${conditioning.name}' has ${conditioning.numClasses} classes`,
      );
    }
  }
  if (conditioning === undefined && projection === undefined) return { inputs: [image], x: augmented };
  const labels = tfl.input({ shape: [1], dtype: 'int32', name: 'labels' });
  return {
    inputs: [image, labels],
    labels,
    x: conditioning === undefined ? augmented : conditioning.discriminatorInput(augmented, labels, context),
  };
}

/**
 * The normalisation of a generator's hidden layers: plain batch norm, or {@link layers.ConditionalBatchNorm}
 * on G's label input (`inputs[1]`) with `conditionalBatchNorm: true`. `used` says whether the net
 * has any batch norm to replace.
 */
export function generatorNorm(
  args: BatchNormArgs & GeneratorNormArgs,
  conditioning: Conditioning | undefined,
  inputs: SymbolicTensor[],
  used: boolean,
): (x: SymbolicTensor) => SymbolicTensor {
  if (args.conditionalBatchNorm !== true) return (x) => batchNorm(x, args);
  if (conditioning === undefined)
    throw new GanConfigError('conditionalBatchNorm', 'needs a conditioning (the label input and numClasses)');
  if (!used)
    throw new GanConfigError('conditionalBatchNorm', 'the generator has no batch norm to replace (set batchNorm)');
  const numClasses = conditioning.numClasses;
  return (x) =>
    new ConditionalBatchNorm({
      numClasses,
      momentum: args.batchNormMomentum ?? 0.9,
      epsilon: args.batchNormEpsilon ?? 1e-5,
    }).apply([x, inputs[1]]) as SymbolicTensor;
}

export function batchNorm(x: SymbolicTensor, args: BatchNormArgs): SymbolicTensor {
  return tfl.layers
    .batchNormalization({ momentum: args.batchNormMomentum ?? 0.9, epsilon: args.batchNormEpsilon ?? 1e-5 })
    .apply(x) as SymbolicTensor;
}

/**
 * Options of both discriminator builders for an auxiliary head (ACGAN's classifier, InfoGAN's Q).
 *
 * @example D with a 10-class head beside its logit (ACGAN):
 * ```ts
 * const d = mlpDiscriminator({ hiddenUnits: [512, 512], auxiliaryOutputs: 10 }); // outputs [logit [n, 1], classes [n, 10]]
 * ```
 */
export interface AuxiliaryHeadArgs {
  /**
   * Add a second output: a Dense layer of this many units on the same last hidden features as the
   * logit (raw scores, no activation; a plain Dense even with `spectralNorm`, since it is a
   * classifier, not the critic). The logit stays the first output. For {@link losses.acganTask} use
   * `numClasses`; for {@link losses.infoGanTask}, the task's `outputSize`. Default: none.
   */
  auxiliaryOutputs?: number;
}

/** D's outputs: `logit`, plus the auxiliary head on `features` when `args.auxiliaryOutputs` asks for one. */
export function withAuxiliaryHead(
  logit: SymbolicTensor,
  features: SymbolicTensor,
  args: AuxiliaryHeadArgs,
  context: BuildContext,
): SymbolicTensor | SymbolicTensor[] {
  if (args.auxiliaryOutputs === undefined) return logit;
  const units = checkPositiveInt(args.auxiliaryOutputs, 'auxiliaryOutputs');
  const head = tfl.layers.dense({ units, kernelInitializer: kernelInit(context) }).apply(features) as SymbolicTensor;
  return [logit, head];
}

/**
 * Refuses a built net in which some layer's output has a zero dimension: a stack of strided
 * convolutions with `valid` padding on images too small for it (a 4×4 map through a 5×5 `valid`
 * convolution is 0×0). tfjs-layers builds such a net without a word, and the wasm backend then
 * writes out of bounds when it trains it, breaking the backend for every later call.
 * @throws {@link GanConfigError} naming `imageShape`, the layer and its output shape.
 * @internal
 */
export function checkNoEmptyLayer(model: tfl.LayersModel, imageShape: ImageShape): tfl.LayersModel {
  for (const layer of model.layers) {
    const shapes = (Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]) as (
      number | null
    )[][];
    for (const shape of shapes) {
      if (shape.slice(1).some((d) => d === 0)) {
        model.dispose();
        throw new GanConfigError(
          'imageShape',
          `[${imageShape}] is too small for this net: its layer '${layer.name}' outputs [${shape.slice(1)}]; use larger images, a smaller kernelSize, 'same' padding or fewer layers`,
        );
      }
    }
  }
  return model;
}
