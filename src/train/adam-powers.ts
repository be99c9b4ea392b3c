import * as tf from '@tensorflow/tfjs-core';

/**
 * Adam's running powers β1ᵗ and β2ᵗ. TensorFlow.js keeps them as variables updated by one
 * multiplication per step, but `setWeights` rebuilds them with `pow(β, t)`, which can differ in
 * the last bit; a checkpoint stores them so a resumed run repeats an uninterrupted one exactly.
 */
export interface AdamPowers {
  /** β1 to the power of the steps taken, as the optimizer holds it. */
  accBeta1: number;
  /** β2 to the power of the steps taken. */
  accBeta2: number;
}

interface AdamInternals {
  accBeta1?: unknown;
  accBeta2?: unknown;
}

/** The optimizer's running powers, or `null` when it is not a (started) TensorFlow.js Adam. */
export function readAdamPowers(optimizer: tf.Optimizer): AdamPowers | null {
  const { accBeta1, accBeta2 } = optimizer as unknown as AdamInternals;
  if (!(accBeta1 instanceof tf.Tensor) || !(accBeta2 instanceof tf.Tensor)) return null;
  return { accBeta1: accBeta1.dataSync()[0], accBeta2: accBeta2.dataSync()[0] };
}

/** Puts saved running powers back (after `setWeights`); a no-op for other optimizers. */
export function writeAdamPowers(optimizer: tf.Optimizer, powers: AdamPowers): void {
  const { accBeta1, accBeta2 } = optimizer as unknown as AdamInternals;
  if (!(accBeta1 instanceof tf.Variable) || !(accBeta2 instanceof tf.Variable)) return;
  tf.tidy(() => {
    accBeta1.assign(tf.scalar(powers.accBeta1));
    accBeta2.assign(tf.scalar(powers.accBeta2));
  });
}

/**
 * Changes an optimizer's learning rate in place (TensorFlow.js optimizers read it at every
 * update and serialise it in `getConfig()`, which data-parallel replicas are built from).
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
}
