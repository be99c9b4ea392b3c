import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import type { PerNet } from '../core/types';
import { FusedAdamOptimizer } from './fused-adam';

/** Adam settings (the optimizer GANs are usually trained with). */
export interface AdamOptions {
  /** Learning rate (default 2e-4). */
  learningRate?: number;
  /** First-moment decay (default 0.5, as DCGAN recommends). */
  beta1?: number;
  /** Second-moment decay (default 0.999). */
  beta2?: number;
  /** Epsilon (default 1e-8). */
  epsilon?: number;
}

/**
 * Creates an Adam optimizer with GAN-friendly defaults (lr 2e-4, β1 0.5, β2 0.999). It is the
 * stock `tf.AdamOptimizer` in every respect, results to the bit included, except that on the cpu
 * and wasm backends each variable's update is one kernel instead of 14 (src/train/fused-adam.ts).
 */
export function createAdam(options: AdamOptions = {}): tf.AdamOptimizer {
  const { learningRate = 2e-4, beta1 = 0.5, beta2 = 0.999, epsilon = 1e-8 } = options;
  for (const [name, v, lo, hi] of [
    ['learningRate', learningRate, 0, Infinity],
    ['beta1', beta1, 0, 1],
    ['beta2', beta2, 0, 1],
  ] as const) {
    if (!Number.isFinite(v) || v < lo || v >= hi || (name === 'learningRate' && v === 0)) {
      throw new GanConfigError(
        `optimizer.${name}`,
        `expected a number in ${name === 'learningRate' ? '(0, ∞)' : '[0, 1)'}, got ${v}`,
      );
    }
  }
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}

/**
 * Adam settings for every net of a model, or apart for its generators and its discriminators,
 * as one `{ generator, discriminator }` pair over `defaults` (the `optimizer` option of the
 * CycleGAN and image-to-image factories).
 *
 * @example
 * ```ts
 * perNetAdam({ learningRate: 1e-4 }); // both nets at 1e-4
 * perNetAdam({ discriminator: { learningRate: 4e-4 } }); // D at 4e-4, G at the defaults
 * ```
 */
export function perNetAdam(
  optimizer: AdamOptions | Partial<PerNet<AdamOptions>> | undefined,
  defaults: AdamOptions = {},
): PerNet<AdamOptions> {
  if (optimizer !== undefined && ('generator' in optimizer || 'discriminator' in optimizer)) {
    const o = optimizer as Partial<PerNet<AdamOptions>>;
    return { generator: { ...defaults, ...o.generator }, discriminator: { ...defaults, ...o.discriminator } };
  }
  const both = optimizer as AdamOptions | undefined;
  return { generator: { ...defaults, ...both }, discriminator: { ...defaults, ...both } };
}
