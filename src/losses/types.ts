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
  /**
   * Optional: a regulariser of D that needs more than D's logits, such as a gradient penalty
   * ({@link wassersteinLoss}, {@link withR1Penalty}). When present, the trainer calls it in every
   * D update and adds it to {@link GanLoss.discriminatorLoss} inside the same gradient
   * computation, so its gradient reaches D's weights (for a penalty on D's input gradient, a
   * second-order gradient). The step logs' `dLoss` then includes it. Returns a scalar.
   */
  discriminatorPenalty?(context: PenaltyContext): tf.Scalar;
}

/**
 * What the trainer gives {@link GanLoss.discriminatorPenalty} in each D update.
 *
 * @example A penalty on D's mean squared logit on real images (a "drift" term):
 * ```ts
 * const drift = (ctx: PenaltyContext) => tf.mul(1e-3, tf.mean(tf.square(ctx.discriminate(ctx.real)))) as tf.Scalar;
 * ```
 */
export interface PenaltyContext {
  /** The real batch `[n, h, w, c]`, in the range D sees (G's output range). */
  readonly real: tf.Tensor;
  /** The fake batch `[n, h, w, c]` of this D update. A constant here: no gradient flows to G. */
  readonly fake: tf.Tensor;
  /** The real batch's labels `[n]` (int32) for a conditional GAN; `null` when unconditional. */
  readonly labels: tf.Tensor | null;
  /** The labels the fakes were generated with `[n]` (int32); `null` when unconditional. */
  readonly fakeLabels: tf.Tensor | null;
  /**
   * Applies D in training mode to `images` `[n, h, w, c]` conditioned on `labels` (default: the
   * real batch's {@link PenaltyContext.labels}; ignored by an unconditional D) and returns its
   * logits `[n, 1]`, differentiable with respect to the images and D's weights.
   */
  discriminate(images: tf.Tensor, labels?: tf.Tensor | null): tf.Tensor;
  /**
   * A seed for this update's random draws (e.g. `tf.randomUniform(shape, 0, 1, 'float32', seed)`,
   * or `new Rng(seed)` for several), taken from the trainer's seeded stream: runs repeat exactly
   * and resume exactly. A new one every D update.
   */
  readonly seed: number;
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
