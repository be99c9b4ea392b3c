import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';

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

/** Creates an Adam optimizer with GAN-friendly defaults (lr 2e-4, β1 0.5, β2 0.999). */
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
  return tf.train.adam(learningRate, beta1, beta2, epsilon);
}
