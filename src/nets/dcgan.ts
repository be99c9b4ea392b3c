import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { SeededDropout } from './seeded-dropout';
import { SpectralConv2D, SpectralDense } from './spectral-norm';
import type { Conditioning } from '../conditioning/types';
import type { ImageShape } from '../data/dataset';
import {
  type ActivationName,
  type BatchNormArgs,
  type NetCommonArgs,
  type OutputActivation,
  applyActivation,
  batchNorm,
  buildContext,
  checkImageShape,
  checkPositiveInt,
  discriminatorInputs,
  generatorInputs,
  kernelInit,
  perLayer,
} from './common';
import { type DiscriminatorExtraArgs, type GeneratorNormArgs, generatorNorm } from './common';
import { type AuxiliaryHeadArgs, withAuxiliaryHead } from './common';
import { projectLogit } from './projection';

/** Padding of a convolution: `same` keeps the size (before striding), `valid` uses no padding. */
export type Padding = 'same' | 'valid';

/**
 * Arguments of {@link dcganGenerator}. The defaults are the seed-000 conditional DCGAN's
 * generator: `[z 100 (; label)] → Dense 1024 BN ReLU → Dense 7·7·128 BN ReLU → reshape 7×7×128 →
 * UpSampling 2× → Conv 64 5×5 BN ReLU → UpSampling 2× → Conv c 5×5 tanh`.
 */
export interface DcganGeneratorArgs extends NetCommonArgs, BatchNormArgs, GeneratorNormArgs {
  /** Size of the latent vector z (default 100). */
  latentDim?: number;
  /** Shape of a generated image (default [28, 28, 1]). Height and width must be the base size times 2^stages. */
  imageShape?: ImageShape;
  /** Units of the dense layers before the projection (default [1024]). */
  denseUnits?: number[];
  /** Shape the projection is reshaped to (default [7, 7, 128]). */
  baseShape?: [number, number, number];
  /** Filters of the convolutions between upsampling stages; the last stage outputs the image's channels (default [64]). */
  convFilters?: number[];
  /** Convolution kernel size (default 5). */
  kernelSize?: number;
  /** `upsample` (nearest-neighbour 2× then a same-padded conv, as in the seed) or `transposed` (a stride-2 transposed conv). Default `upsample`. */
  upsampling?: 'upsample' | 'transposed';
  /** Batch norm after every dense and hidden conv layer (default true). */
  batchNorm?: boolean;
  /** Hidden activation (default 'relu'). */
  activation?: ActivationName;
  /** Slope of LeakyReLU's negative part (default 0.2). */
  leakyReluAlpha?: number;
  /** Last activation (default 'tanh'). */
  outputActivation?: OutputActivation;
  /** How labels reach G (omit for an unconditional GAN). */
  conditioning?: Conditioning;
}

/**
 * Arguments of {@link dcganDiscriminator}. The defaults are the seed-000 discriminator: input
 * `h×w×(c + label planes)` → Conv 64 5×5 stride 2 same LReLU(0.2) → Conv 128 5×5 stride 2 valid
 * LReLU → Flatten → Dense 256 LReLU → Dropout 0.5 → Dense 1 (a logit).
 */
export interface DcganDiscriminatorArgs
  extends NetCommonArgs, BatchNormArgs, DiscriminatorExtraArgs, AuxiliaryHeadArgs {
  /** Shape of an input image (default [28, 28, 1]). */
  imageShape?: ImageShape;
  /** Filters of each strided convolution (default [64, 128]). */
  convFilters?: number[];
  /** Convolution kernel size (default 5). */
  kernelSize?: number;
  /** Stride of each convolution (default 2). */
  strides?: number;
  /** Padding of each convolution, one for all or one per conv (default ['same', 'valid'], as in the seed). */
  padding?: Padding | Padding[];
  /** Units of the dense layers after flattening (default [256]). */
  denseUnits?: number[];
  /** Dropout after each dense layer's activation (default 0.5). */
  dropout?: number;
  /** Batch norm after each conv except the first (default false). */
  batchNorm?: boolean;
  /** Spectral normalisation (Miyato et al. 2018) of every conv and dense layer, the logit's included: {@link SpectralConv2D} / {@link SpectralDense} in their place (default false). */
  spectralNorm?: boolean;
  /** Hidden activation (default 'leakyRelu'). */
  activation?: ActivationName;
  /** Slope of LeakyReLU's negative part (default 0.2). */
  leakyReluAlpha?: number;
  /** How labels reach D (omit for an unconditional GAN). Must give D an image (e.g. {@link channelConcat}). */
  conditioning?: Conditioning;
}

/**
 * Builds a DCGAN-style convolutional generator (Radford et al. 2016): dense layers project z to a
 * small feature map, then each stage doubles height and width (upsample + conv, or a transposed
 * conv) until the image size is reached.
 *
 * @example
 * ```ts
 * const g = dcganGenerator({ conditioning: channelConcat({ numClasses: 10 }) }); // seed 000
 * ```
 */
export function dcganGenerator(args: DcganGeneratorArgs = {}): tfl.LayersModel {
  const latentDim = checkPositiveInt(args.latentDim ?? 100, 'latentDim');
  const imageShape = checkImageShape(args.imageShape ?? [28, 28, 1]);
  const baseShape = checkImageShape(args.baseShape ?? [7, 7, 128], 'baseShape');
  const convFilters = args.convFilters ?? [64];
  convFilters.forEach((f, i) => checkPositiveInt(f, `convFilters[${i}]`));
  const stages = convFilters.length + 1;
  const factor = 2 ** stages;
  if (baseShape[0] * factor !== imageShape[0] || baseShape[1] * factor !== imageShape[1]) {
    throw new GanConfigError(
      'baseShape',
      `${stages} upsampling stages (convFilters.length + 1) take [${baseShape[0]}, ${baseShape[1]}] to [${baseShape[0] * factor}, ${baseShape[1] * factor}], but imageShape is [${imageShape[0]}, ${imageShape[1]}]`,
    );
  }
  const kernelSize = checkPositiveInt(args.kernelSize ?? 5, 'kernelSize');
  const useBn = args.batchNorm ?? true;
  const act = args.activation ?? 'relu';
  const alpha = args.leakyReluAlpha ?? 0.2;
  const upsampling = args.upsampling ?? 'upsample';
  if (upsampling !== 'upsample' && upsampling !== 'transposed') {
    throw new GanConfigError('upsampling', `expected 'upsample' or 'transposed', got '${String(upsampling)}'`);
  }
  const context = buildContext(args.seed);
  const { inputs, x: start } = generatorInputs(latentDim, args.conditioning, context);
  const norm = generatorNorm(args, args.conditioning, inputs, useBn);
  let x = start;
  const block = (y: SymbolicTensor): SymbolicTensor => applyActivation(useBn ? norm(y) : y, act, alpha);
  for (const [i, units] of (args.denseUnits ?? [1024]).entries()) {
    checkPositiveInt(units, `denseUnits[${i}]`);
    x = block(tfl.layers.dense({ units, kernelInitializer: kernelInit(context) }).apply(x) as SymbolicTensor);
  }
  x = block(
    tfl.layers
      .dense({ units: baseShape[0] * baseShape[1] * baseShape[2], kernelInitializer: kernelInit(context) })
      .apply(x) as SymbolicTensor,
  );
  x = tfl.layers.reshape({ targetShape: baseShape }).apply(x) as SymbolicTensor;
  const outputActivation = args.outputActivation ?? 'tanh';
  if (outputActivation !== 'tanh' && outputActivation !== 'sigmoid') {
    throw new GanConfigError('outputActivation', `expected 'tanh' or 'sigmoid', got '${String(outputActivation)}'`);
  }
  const filters = [...convFilters, imageShape[2]];
  filters.forEach((f, i) => {
    const last = i === filters.length - 1;
    const convArgs = {
      filters: f,
      kernelSize,
      padding: 'same' as const,
      kernelInitializer: kernelInit(context),
      activation: last ? outputActivation : undefined,
    };
    if (upsampling === 'upsample') {
      x = tfl.layers.upSampling2d({ size: [2, 2] }).apply(x) as SymbolicTensor;
      x = tfl.layers.conv2d(convArgs).apply(x) as SymbolicTensor;
    } else {
      x = tfl.layers.conv2dTranspose({ ...convArgs, strides: 2 }).apply(x) as SymbolicTensor;
    }
    if (!last) x = block(x);
  });
  return tfl.model({ inputs, outputs: x, name: args.name ?? 'generator' });
}

/**
 * Builds a DCGAN-style convolutional discriminator: strided convolutions, then dense layers, then
 * one logit.
 *
 * @example
 * ```ts
 * const d = dcganDiscriminator({ conditioning: channelConcat({ numClasses: 10 }) }); // seed 000
 * ```
 */
export function dcganDiscriminator(args: DcganDiscriminatorArgs = {}): tfl.LayersModel {
  const imageShape = checkImageShape(args.imageShape ?? [28, 28, 1]);
  const convFilters = args.convFilters ?? [64, 128];
  convFilters.forEach((f, i) => checkPositiveInt(f, `convFilters[${i}]`));
  const paddings = perLayer<Padding>(
    args.padding ?? (convFilters.length === 2 ? ['same', 'valid'] : 'same'),
    convFilters.length,
    'padding',
  );
  const kernelSize = checkPositiveInt(args.kernelSize ?? 5, 'kernelSize');
  const strides = checkPositiveInt(args.strides ?? 2, 'strides');
  const act = args.activation ?? 'leakyRelu';
  const alpha = args.leakyReluAlpha ?? 0.2;
  const dropout = args.dropout ?? 0.5;
  if (!(dropout >= 0 && dropout < 1)) throw new GanConfigError('dropout', `expected a rate in [0, 1), got ${dropout}`);
  const context = buildContext(args.seed);
  const { inputs, x: start, labels } = discriminatorInputs(imageShape, args.conditioning, context, args);
  if (start.shape.length !== 4) {
    throw new GanConfigError(
      'conditioning',
      `the convolutional discriminator needs an image-shaped input [batch, h, w, c], but conditioning '${args.conditioning?.name}' gives [${start.shape.join(', ')}]; use channelConcat() or an MLP discriminator`,
    );
  }
  const sn = args.spectralNorm === true;
  const dense = (units: number): tfl.layers.Layer =>
    sn
      ? new SpectralDense({ units, kernelInitializer: kernelInit(context), seed: context.nextSeed() })
      : tfl.layers.dense({ units, kernelInitializer: kernelInit(context) });
  let x = start;
  convFilters.forEach((filters, i) => {
    const convArgs = { filters, kernelSize, strides, padding: paddings[i], kernelInitializer: kernelInit(context) };
    x = (sn ? new SpectralConv2D({ ...convArgs, seed: context.nextSeed() }) : tfl.layers.conv2d(convArgs)).apply(
      x,
    ) as SymbolicTensor;
    if (args.batchNorm && i > 0) x = batchNorm(x, args);
    x = applyActivation(x, act, alpha);
  });
  x = tfl.layers.flatten().apply(x) as SymbolicTensor;
  for (const [i, units] of (args.denseUnits ?? [256]).entries()) {
    checkPositiveInt(units, `denseUnits[${i}]`);
    x = applyActivation(dense(units).apply(x) as SymbolicTensor, act, alpha);
    if (dropout > 0) x = new SeededDropout({ rate: dropout }).apply(x) as SymbolicTensor;
  }
  const logit = projectLogit(dense(1).apply(x) as SymbolicTensor, x, labels, args.projection, context);
  return tfl.model({ inputs, outputs: withAuxiliaryHead(logit, x, args, context), name: args.name ?? 'discriminator' });
}
