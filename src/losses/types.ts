import type * as tf from '@tensorflow/tfjs-core';

/**
 * A GAN loss: how the discriminator (D) and the generator (G) are scored, written on D's
 * **logits** (its last layer without a sigmoid) for numerical stability.
 *
 * Any plain object with these members works in the trainer; so does a subclass of
 * {@link GanLossBase}. Both must return scalars averaged over the batch and must be
 * differentiable with TensorFlow.js ops.
 *
 * @example A custom loss as a plain object (least squares, Mao et al. 2017):
 * ```ts
 * const leastSquares: GanLoss = {
 *   name: 'least-squares',
 *   discriminatorLoss: (real, fake) =>
 *     tf.add(tf.mean(tf.square(tf.sub(real, 1))), tf.mean(tf.square(fake))),
 *   generatorLoss: (fake) => tf.mean(tf.square(tf.sub(fake, 1))),
 * };
 * ```
 */
export interface GanLoss {
  /** A short name, stored in checkpoints and shown in logs. */
  readonly name: string;
  /** D's loss from its logits on a real batch and on a fake batch. Returns a scalar. */
  discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar;
  /** G's loss from D's logits on G's samples. Returns a scalar. */
  generatorLoss(fakeLogits: tf.Tensor): tf.Scalar;
}

/**
 * Base class for losses written as classes. Subclasses implement both losses; the base gives
 * them a `name` and a readable `toString()`. The trainer treats a subclass exactly like a plain
 * {@link GanLoss} object.
 *
 * @example
 * ```ts
 * class HingeLoss extends GanLossBase {
 *   constructor() { super('hinge'); }
 *   discriminatorLoss(real: tf.Tensor, fake: tf.Tensor) {
 *     return tf.add(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(1, fake)))) as tf.Scalar;
 *   }
 *   generatorLoss(fake: tf.Tensor) { return tf.neg(tf.mean(fake)) as tf.Scalar; }
 * }
 * ```
 */
export abstract class GanLossBase implements GanLoss {
  /** @param name - the loss's short name (see {@link GanLoss.name}). */
  constructor(readonly name: string) {}
  abstract discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar;
  abstract generatorLoss(fakeLogits: tf.Tensor): tf.Scalar;
  /** The loss's name. */
  toString(): string {
    return this.name;
  }
}
