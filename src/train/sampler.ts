import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { generateImages, generatedImageShape, type GenerateOptions, type GeneratorInfo } from './generate';

/**
 * Anything that draws images: what sample grids, metrics, the latent walk and `gankit eval` take.
 * A trained GAN is one (it samples from its averaged generator when it has one); so is a bare
 * generator model wrapped by {@link generatorSampler}.
 *
 * @example
 * ```ts
 * const sampler: Sampler = generatorSampler(generator, { latentDim: 100, numClasses: 10, outputActivation: 'tanh' });
 * const images = sampler.generate({ labels: [0, 1, 2], seed: 1 }); // [3, h, w, c] in [-1, 1]
 * ```
 */
export interface Sampler {
  /** What the generator takes and gives (size of z, classes, output range, latent codes). */
  readonly info: GeneratorInfo;
  /** Images `[n, h, w, c]` in [-1, 1], owned by the caller (see {@link GenerateOptions}). */
  generate(options: GenerateOptions): tf.Tensor4D;
}

/** A {@link Sampler} over a generator model: G in inference mode through {@link generateImages}. */
export function generatorSampler(generator: tfl.LayersModel, info: GeneratorInfo): Sampler {
  const frozen: GeneratorInfo = { ...info, imageShape: info.imageShape ?? generatedImageShape(generator) };
  return {
    info: frozen,
    generate: (options) => generateImages(generator, frozen, options),
  };
}

/** Whether `value` is a {@link Sampler} (has `info` and `generate`). */
export function isSampler(value: unknown): value is Sampler {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Sampler).generate === 'function' &&
    typeof (value as Sampler).info === 'object'
  );
}

/** `model` as a {@link Sampler}, or a {@link GanConfigError} saying that `feature` needs one. */
export function samplerOf(model: unknown, feature: string): Sampler {
  if (!isSampler(model))
    throw new GanConfigError(feature, 'the model being trained draws no images: pass a Sampler as `from`');
  return model;
}
