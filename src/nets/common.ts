import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { Rng } from '../random';
import type { BuildContext, Conditioning } from '../conditioning/types';
import type { ImageShape } from '../data/dataset';

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

export function checkPositiveInt(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new GanConfigError(argument, `expected a positive integer, got ${String(value)}`);
  }
  return value;
}

export function checkImageShape(shape: unknown, argument = 'imageShape'): ImageShape {
  if (!Array.isArray(shape) || shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new GanConfigError(argument, `expected [height, width, channels] of positive integers, got ${JSON.stringify(shape)}`);
  }
  return shape as ImageShape;
}

/** Expands a per-layer option given once or per layer. */
export function perLayer<T>(value: T | T[], count: number, argument: string): T[] {
  if (Array.isArray(value)) {
    if (value.length !== count) throw new GanConfigError(argument, `expected ${count} values (one per hidden layer), got ${value.length}`);
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
      throw new GanConfigError('activation', `expected one of relu, leakyRelu, elu, tanh, sigmoid, linear, got '${String(name)}'`);
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
export function generatorInputs(latentDim: number, conditioning: Conditioning | undefined, context: BuildContext): {
  inputs: SymbolicTensor[];
  x: SymbolicTensor;
} {
  const z = tfl.input({ shape: [latentDim], name: 'z' });
  if (conditioning === undefined) return { inputs: [z], x: z };
  const labels = tfl.input({ shape: [1], dtype: 'int32', name: 'labels' });
  return { inputs: [z, labels], x: conditioning.generatorInput(z, labels, context) };
}

/** The symbolic inputs of a discriminator: the image, plus labels when conditioned. */
export function discriminatorInputs(imageShape: ImageShape, conditioning: Conditioning | undefined, context: BuildContext): {
  inputs: SymbolicTensor[];
  x: SymbolicTensor;
} {
  const image = tfl.input({ shape: [...imageShape], name: 'image' });
  if (conditioning === undefined) return { inputs: [image], x: image };
  const labels = tfl.input({ shape: [1], dtype: 'int32', name: 'labels' });
  return { inputs: [image, labels], x: conditioning.discriminatorInput(image, labels, context) };
}

export function batchNorm(x: SymbolicTensor, args: BatchNormArgs): SymbolicTensor {
  return tfl.layers.batchNormalization({ momentum: args.batchNormMomentum ?? 0.9, epsilon: args.batchNormEpsilon ?? 1e-5 }).apply(x) as SymbolicTensor;
}
