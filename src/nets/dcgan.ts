import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { SeededDropout } from '../layers/seeded-dropout';
import { SpectralConv2D } from '../layers/spectral-conv2d';
import { SpectralDense } from '../layers/spectral-dense';
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
import { type AuxiliaryHeadArgs, checkNoEmptyLayer, withAuxiliaryHead } from './common';
import { projectLogit } from '../layers/class-projection';

/** Padding of a convolution: `same` keeps the size (before striding), `valid` uses no padding. */
export type Padding = 'same' | 'valid';

/**
 * Arguments of {@link dcganGenerator}. The defaults are the seed-000 conditional DCGAN's
 * generator: `[z 100 (; label)] → Dense 1024 BN ReLU → Dense 7·7·128 BN ReLU → reshape 7×7×128 →
 * UpSampling 2× → Conv 64 5×5 BN ReLU → UpSampling 2× → Conv c 5×5 tanh`. For a square
 * `imageShape` of 32, 64 or 128 pixels the defaults are instead the DCGAN preset of that size
 * ({@link dcganPreset}); any argument given overrides its preset value.
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
  /** Filters of the last hidden layer (DCGAN's `ngf`) when the 32–128 px preset applies; the layers before double it (default 64). */
  width?: number;
  /** Batch norm after the reshape, per channel of the base feature map (DCGAN's "project and reshape"), instead of per unit of the dense projection (default false; true in the presets). */
  normalizeAfterReshape?: boolean;
  /** A bias in the layers batch norm follows (default true; false in the presets, where batch norm's shift β replaces it, as in the DCGAN reference code). */
  useBias?: boolean;
  /** Kernel initialisation: `'glorotUniform'` (default) or `'dcgan'`, N(0, 0.02) as Radford et al. (the presets). */
  kernelInitializer?: KernelInitializerName;
}

/**
 * Arguments of {@link nets.dcganDiscriminator}. The defaults are the seed-000 discriminator: input
 * `h×w×(c + label planes)` → Conv 64 5×5 stride 2 same LReLU(0.2) → Conv 128 5×5 stride 2 valid
 * LReLU → Flatten → Dense 256 LReLU → Dropout 0.5 → Dense 1 (a logit). For a square
 * `imageShape` of 32, 64 or 128 pixels the defaults are instead the DCGAN preset of that size
 * ({@link dcganPreset}); any argument given overrides its preset value.
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
  /** How labels reach D (omit for an unconditional GAN). Must give D an image (e.g. {@link conditioning.channelConcat}). */
  conditioning?: Conditioning;
  /** Filters of the first convolution (DCGAN's `ndf`) when the 32–128 px preset applies; each later one doubles it (default 64). */
  width?: number;
  /** A bias in the convolutions batch norm follows (default true; false in the presets). */
  useBias?: boolean;
  /** Kernel initialisation: `'glorotUniform'` (default) or `'dcgan'`, N(0, 0.02) (the presets). */
  kernelInitializer?: KernelInitializerName;
}

/** How conv and dense kernels start: Glorot uniform (the seed nets) or `'dcgan'`, N(0, 0.02) (Radford et al. 2016). */
export type KernelInitializerName = 'glorotUniform' | 'dcgan';

/** Image sides (square) that have a DCGAN preset. */
export const DCGAN_PRESET_SIZES = [32, 64, 128] as const;

/** The builders' arguments of one DCGAN preset (see {@link dcganPreset}). */
export interface DcganPreset {
  /** Arguments of {@link dcganGenerator}. */
  generator: DcganGeneratorArgs;
  /** Arguments of {@link nets.dcganDiscriminator}. */
  discriminator: DcganDiscriminatorArgs;
}

/**
 * The DCGAN nets (Radford, Metz & Chintala 2016, *Unsupervised Representation Learning with Deep
 * Convolutional GANs*) for a square image of 32, 64 or 128 pixels, any channels; `null` for other
 * shapes. With `s = log2(side / 4)` stages and widths `ngf`, `ndf` (default 64 each, as the
 * PyTorch DCGAN example; the paper's 64 px figure is `ngf` 128):
 *
 * - **G**: z → Dense 4·4·(ngf·2^(s−1)), no bias → reshape 4×4 → BN → ReLU → (s − 1) × [ConvTranspose
 *   4×4 stride 2, halving the filters down to ngf, no bias → BN → ReLU] → ConvTranspose 4×4 stride 2
 *   to c channels → tanh. At 64 px: 4×4×8ngf → 8×8×4ngf → 16×16×2ngf → 32×32×ngf → 64×64×c, the
 *   paper's layer list.
 * - **D**: s × [Conv 4×4 stride 2 (ndf, 2ndf, …, ndf·2^(s−1)) → BN (from the second, no bias
 *   before it) → LeakyReLU 0.2] → Flatten → Dense 1: a logit, no sigmoid (the losses take logits).
 * - Kernels N(0, 0.02); Adam 2e-4 β1 0.5 is createGan's default already.
 *
 * `createGan({ architecture: 'dcgan', imageShape: [64, 64, 3] })` builds these; pass
 * `generator: { width }` / `discriminator: { width }` for narrower or wider nets.
 *
 * @example
 * ```ts
 * const preset = dcganPreset([64, 64, 3], { generatorWidth: 32 });
 * const g = dcganGenerator({ ...preset!.generator, latentDim: 100 });
 * ```
 */
export function dcganPreset(
  imageShape: ImageShape,
  widths: { generatorWidth?: number; discriminatorWidth?: number } = {},
): DcganPreset | null {
  const [h, w] = imageShape;
  if (h !== w || !(DCGAN_PRESET_SIZES as readonly number[]).includes(h)) return null;
  const ngf = checkPositiveInt(widths.generatorWidth ?? 64, 'width');
  const ndf = checkPositiveInt(widths.discriminatorWidth ?? 64, 'width');
  const stages = Math.log2(h / 4);
  const doubling = (base: number): number[] => Array.from({ length: stages }, (_, i) => base * 2 ** i);
  const gFilters = doubling(ngf).reverse(); // ngf·2^(s−1) … ngf
  return {
    generator: {
      denseUnits: [],
      baseShape: [4, 4, gFilters[0]],
      convFilters: gFilters.slice(1),
      kernelSize: 4,
      upsampling: 'transposed',
      batchNorm: true,
      activation: 'relu',
      outputActivation: 'tanh',
      normalizeAfterReshape: true,
      useBias: false,
      kernelInitializer: 'dcgan',
    },
    discriminator: {
      convFilters: doubling(ndf),
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      denseUnits: [],
      dropout: 0,
      batchNorm: true,
      activation: 'leakyRelu',
      leakyReluAlpha: 0.2,
      useBias: false,
      kernelInitializer: 'dcgan',
    },
  };
}

/** `preset`'s values under `args`' (an argument given as `undefined` does not erase a preset value). */
function withPreset<T extends object>(preset: T | undefined, args: T): T {
  if (preset === undefined) return args;
  const out: Record<string, unknown> = { ...(preset as Record<string, unknown>) };
  for (const [key, value] of Object.entries(args)) if (value !== undefined) out[key] = value;
  return out as T;
}

type KernelInit = ReturnType<typeof tfl.initializers.glorotUniform>;

function initializer(name: KernelInitializerName | undefined, context: ReturnType<typeof buildContext>): KernelInit {
  if (name === undefined || name === 'glorotUniform') return kernelInit(context);
  if (name === 'dcgan') return tfl.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: context.nextSeed() });
  throw new GanConfigError('kernelInitializer', `expected 'glorotUniform' or 'dcgan', got '${String(name)}'`);
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
export function dcganGenerator(given: DcganGeneratorArgs = {}): tfl.LayersModel {
  const presetShape = given.imageShape ?? [28, 28, 1];
  const args = withPreset(dcganPreset(presetShape, { generatorWidth: given.width })?.generator, given);
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
  const useBias = !useBn || args.useBias !== false;
  const init = (): KernelInit => initializer(args.kernelInitializer, context);
  let x = start;
  const block = (y: SymbolicTensor): SymbolicTensor => applyActivation(useBn ? norm(y) : y, act, alpha);
  for (const [i, units] of (args.denseUnits ?? [1024]).entries()) {
    checkPositiveInt(units, `denseUnits[${i}]`);
    x = block(tfl.layers.dense({ units, useBias, kernelInitializer: init() }).apply(x) as SymbolicTensor);
  }
  x = tfl.layers
    .dense({ units: baseShape[0] * baseShape[1] * baseShape[2], useBias, kernelInitializer: init() })
    .apply(x) as SymbolicTensor;
  if (args.normalizeAfterReshape === true) {
    x = block(tfl.layers.reshape({ targetShape: baseShape }).apply(x) as SymbolicTensor);
  } else {
    x = tfl.layers.reshape({ targetShape: baseShape }).apply(block(x)) as SymbolicTensor;
  }
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
      useBias: last || useBias,
      kernelInitializer: init(),
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
  return checkNoEmptyLayer(tfl.model({ inputs, outputs: x, name: args.name ?? 'generator' }), imageShape);
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
export function dcganDiscriminator(given: DcganDiscriminatorArgs = {}): tfl.LayersModel {
  const presetShape = given.imageShape ?? [28, 28, 1];
  const args = withPreset(dcganPreset(presetShape, { discriminatorWidth: given.width })?.discriminator, given);
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
  const init = (): KernelInit => initializer(args.kernelInitializer, context);
  const dense = (units: number): tfl.layers.Layer =>
    sn
      ? new SpectralDense({ units, kernelInitializer: init(), seed: context.nextSeed() })
      : tfl.layers.dense({ units, kernelInitializer: init() });
  let x = start;
  convFilters.forEach((filters, i) => {
    const normed = args.batchNorm === true && i > 0;
    const convArgs = {
      filters,
      kernelSize,
      strides,
      padding: paddings[i],
      useBias: !normed || args.useBias !== false,
      kernelInitializer: init(),
    };
    x = (sn ? new SpectralConv2D({ ...convArgs, seed: context.nextSeed() }) : tfl.layers.conv2d(convArgs)).apply(
      x,
    ) as SymbolicTensor;
    if (normed) x = batchNorm(x, args);
    x = applyActivation(x, act, alpha);
  });
  x = tfl.layers.flatten().apply(x) as SymbolicTensor;
  for (const [i, units] of (args.denseUnits ?? [256]).entries()) {
    checkPositiveInt(units, `denseUnits[${i}]`);
    x = applyActivation(dense(units).apply(x) as SymbolicTensor, act, alpha);
    if (dropout > 0) x = new SeededDropout({ rate: dropout }).apply(x) as SymbolicTensor;
  }
  const logit = projectLogit(dense(1).apply(x) as SymbolicTensor, x, labels, args.projection, context);
  return checkNoEmptyLayer(
    tfl.model({ inputs, outputs: withAuxiliaryHead(logit, x, args, context), name: args.name ?? 'discriminator' }),
    imageShape,
  );
}
