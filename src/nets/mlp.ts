import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { SeededDropout } from '../layers/seeded-dropout';
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
  checkDenseSize,
  checkImageShape,
  checkPositiveInt,
  discriminatorInputs,
  generatorInputs,
  kernelInit,
  perLayer,
} from './common';
import { type DiscriminatorExtraArgs, type GeneratorNormArgs, generatorNorm } from './common';
import { type AuxiliaryHeadArgs, withAuxiliaryHead } from './common';
import { projectLogit } from '../layers/class-projection';

/**
 * Arguments of {@link mlpGenerator}. The defaults are the original GAN's generator (Goodfellow
 * et al. 2014, seed 001): `z 128 → Dense 256 ReLU → Dense 784 sigmoid`.
 */
export interface MlpGeneratorArgs extends NetCommonArgs, BatchNormArgs, GeneratorNormArgs {
  /** Size of the latent vector z (default 128). */
  latentDim?: number;
  /** Shape of a generated image (default [28, 28, 1]). */
  imageShape?: ImageShape;
  /** Units of each hidden dense layer (default [256]). */
  hiddenUnits?: number[];
  /** Hidden activation (default 'relu'). */
  activation?: ActivationName;
  /** Slope of LeakyReLU's negative part (default 0.2). */
  leakyReluAlpha?: number;
  /** Batch norm after each hidden dense layer: one flag for all, or one per layer (default false). */
  batchNorm?: boolean | boolean[];
  /** Last activation (default 'sigmoid' for the seed net; 'tanh' for images in [-1, 1]). */
  outputActivation?: OutputActivation;
  /** How labels reach G (omit for an unconditional GAN). */
  conditioning?: Conditioning;
}

/**
 * Arguments of {@link nets.mlpDiscriminator}. The defaults are the original GAN's discriminator
 * (seed 001): `784 → Dense 256 ReLU → Dense 1` (a logit: the sigmoid lives in the loss).
 */
export interface MlpDiscriminatorArgs extends NetCommonArgs, BatchNormArgs, DiscriminatorExtraArgs, AuxiliaryHeadArgs {
  /** Shape of an input image (default [28, 28, 1]). */
  imageShape?: ImageShape;
  /** Units of each hidden dense layer (default [256]). */
  hiddenUnits?: number[];
  /** Hidden activation (default 'relu'). */
  activation?: ActivationName;
  /** Slope of LeakyReLU's negative part (default 0.2). */
  leakyReluAlpha?: number;
  /** Dropout rate after each hidden dense layer (before its activation): one for all, or one per layer (default 0). */
  dropout?: number | number[];
  /** Batch norm after each hidden dense layer (default false). */
  batchNorm?: boolean | boolean[];
  /** Spectral normalisation (Miyato et al. 2018) of every dense layer, the logit's included: {@link SpectralDense} in place of Dense (default false). */
  spectralNorm?: boolean;
  /** How labels reach D (omit for an unconditional GAN). */
  conditioning?: Conditioning;
}

/**
 * Builds a fully connected generator: `[z (; label)] → hidden dense layers → dense(h·w·c) →
 * output activation → reshape [h, w, c]`. Each hidden layer is `Dense → (BatchNorm) → activation`.
 *
 * @example The seed-002 CGAN generator:
 * ```ts
 * const g = mlpGenerator({ latentDim: 100, imageShape: [28, 28, 1], hiddenUnits: [128, 256, 512, 1024],
 *   batchNorm: [false, true, true, true], activation: 'leakyRelu', outputActivation: 'tanh',
 *   conditioning: labelEmbedding({ dim: 10 }) });
 * ```
 */
export function mlpGenerator(args: MlpGeneratorArgs = {}): tfl.LayersModel {
  const latentDim = checkPositiveInt(args.latentDim ?? 128, 'latentDim');
  const imageShape = checkImageShape(args.imageShape ?? [28, 28, 1]);
  const hidden = args.hiddenUnits ?? [256];
  hidden.forEach((u, i) => checkPositiveInt(u, `hiddenUnits[${i}]`));
  const norms = perLayer(args.batchNorm ?? false, hidden.length, 'batchNorm');
  const alpha = args.leakyReluAlpha ?? 0.2;
  const context = buildContext(args.seed);
  const { inputs, x: start } = generatorInputs(latentDim, args.conditioning, context);
  const norm = generatorNorm(args, args.conditioning, inputs, norms.some(Boolean));
  let x = start;
  hidden.forEach((units, i) => {
    checkDenseSize(x, units, `hiddenUnits[${i}]`);
    x = tfl.layers.dense({ units, kernelInitializer: kernelInit(context) }).apply(x) as SymbolicTensor;
    if (norms[i]) x = norm(x);
    x = applyActivation(x, args.activation ?? 'relu', alpha);
  });
  const size = imageShape[0] * imageShape[1] * imageShape[2];
  const outputActivation = args.outputActivation ?? 'sigmoid';
  if (outputActivation !== 'tanh' && outputActivation !== 'sigmoid') {
    throw new GanConfigError('outputActivation', `expected 'tanh' or 'sigmoid', got '${String(outputActivation)}'`);
  }
  checkDenseSize(x, size, 'imageShape');
  x = tfl.layers
    .dense({ units: size, kernelInitializer: kernelInit(context), activation: outputActivation })
    .apply(x) as SymbolicTensor;
  x = tfl.layers.reshape({ targetShape: imageShape }).apply(x) as SymbolicTensor;
  return tfl.model({ inputs, outputs: x, name: args.name ?? 'generator' });
}

/**
 * Builds a fully connected discriminator: `[flatten(image) (; label)] → hidden dense layers →
 * Dense 1` (a logit). Each hidden layer is `Dense → (BatchNorm) → (Dropout) → activation`.
 *
 * @example The seed-002 CGAN discriminator:
 * ```ts
 * const d = mlpDiscriminator({ hiddenUnits: [512, 512, 512], dropout: [0, 0.4, 0.4],
 *   activation: 'leakyRelu', conditioning: labelEmbedding({ dim: 10 }) });
 * ```
 */
export function mlpDiscriminator(args: MlpDiscriminatorArgs = {}): tfl.LayersModel {
  const imageShape = checkImageShape(args.imageShape ?? [28, 28, 1]);
  const hidden = args.hiddenUnits ?? [256];
  hidden.forEach((u, i) => checkPositiveInt(u, `hiddenUnits[${i}]`));
  const drops = perLayer(args.dropout ?? 0, hidden.length, 'dropout');
  drops.forEach((r, i) => {
    if (!(r >= 0 && r < 1)) throw new GanConfigError(`dropout[${i}]`, `expected a rate in [0, 1), got ${r}`);
  });
  const norms = perLayer(args.batchNorm ?? false, hidden.length, 'batchNorm');
  const alpha = args.leakyReluAlpha ?? 0.2;
  const context = buildContext(args.seed);
  const { inputs, x: start, labels } = discriminatorInputs(imageShape, args.conditioning, context, args);
  const dense = (units: number): tfl.layers.Layer =>
    args.spectralNorm === true
      ? new SpectralDense({ units, kernelInitializer: kernelInit(context), seed: context.nextSeed() })
      : tfl.layers.dense({ units, kernelInitializer: kernelInit(context) });
  let x = start.shape.length > 2 ? (tfl.layers.flatten().apply(start) as SymbolicTensor) : start;
  hidden.forEach((units, i) => {
    checkDenseSize(x, units, `hiddenUnits[${i}]`);
    x = dense(units).apply(x) as SymbolicTensor;
    if (norms[i]) x = batchNorm(x, args);
    if (drops[i] > 0) x = new SeededDropout({ rate: drops[i] }).apply(x) as SymbolicTensor;
    x = applyActivation(x, args.activation ?? 'relu', alpha);
  });
  const logit = projectLogit(dense(1).apply(x) as SymbolicTensor, x, labels, args.projection, context);
  return tfl.model({ inputs, outputs: withAuxiliaryHead(logit, x, args, context), name: args.name ?? 'discriminator' });
}
