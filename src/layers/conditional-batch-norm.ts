/**
 * Conditional batch normalisation (de Vries et al. 2017, "Modulating early visual processing by
 * language"; used in G by Miyato & Koyama 2018 and BigGAN): batch norm without an affine part of
 * its own, followed by a scale γ and a shift β chosen by each sample's class.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';

type LayerVariable = tfl.LayerVariable;

/**
 * Arguments of {@link layers.ConditionalBatchNorm}.
 *
 * @example
 * ```ts
 * const args: ConditionalBatchNormArgs = { numClasses: 10, momentum: 0.9, epsilon: 1e-5 };
 * const layer = new ConditionalBatchNorm(args);
 * ```
 */
export interface ConditionalBatchNormArgs {
  /** Number of classes: rows of the γ and β tables. */
  numClasses: number;
  /** Moving-average momentum of the statistics (Keras convention, as `tf.layers.batchNormalization`; default 0.99). */
  momentum?: number;
  /** Added to the variance (default 1e-3, as `tf.layers.batchNormalization`). */
  epsilon?: number;
  /** Layer name. */
  name?: string;
}

/**
 * Conditional batch normalisation: inputs `[x, labels]`, where `x` is `[batch, …, channels]`
 * (dense `[batch, units]` or image `[batch, h, w, channels]`) and `labels` `[batch, 1]` class
 * indices; the output has `x`'s shape:
 *
 * `y = (x − μ) / √(σ² + ε) · γ[label] + β[label]`, per channel.
 *
 * - **Weights**: `gamma` and `beta`, `[numClasses, channels]`, trainable, initialised to 1 and 0
 *   (so a fresh layer is plain batch norm); `moving_mean` and `moving_variance`, `[channels]`,
 *   non-trainable (saved with the model), initialised to 0 and 1.
 * - **Training** (`training: true`, as gankit's trainer calls G): μ and σ² are the batch's
 *   (over every axis but the last; σ² biased), and the moving statistics move towards them:
 *   `moving ← moving · momentum + batch · (1 − momentum)`, exactly as `tf.layers.batchNormalization`.
 * - **Inference** (`predict`, `generate`): μ and σ² are the moving statistics; nothing changes.
 *
 * The gradient reaches `x` (through the batch statistics too, in training), γ and β; labels are
 * data. Registered for serialisation and listed in {@link GANKIT_LAYER_CLASSES}. The generators
 * use it in place of every batch norm with `conditionalBatchNorm: true`.
 *
 * @example
 * ```ts
 * const z = tf.input({ shape: [100] });
 * const labels = tf.input({ shape: [1], dtype: 'int32' });
 * let x = tf.layers.dense({ units: 256 }).apply(z) as tf.SymbolicTensor;
 * x = new ConditionalBatchNorm({ numClasses: 10 }).apply([x, labels]) as tf.SymbolicTensor;
 * ```
 */
export class ConditionalBatchNorm extends tfl.layers.Layer {
  /** Serialisation name. */
  static className = 'GankitConditionalBatchNorm';
  /** Number of classes. */
  readonly numClasses: number;
  /** Moving-average momentum. */
  readonly momentum: number;
  /** Added to the variance. */
  readonly epsilon: number;
  private gamma: LayerVariable | null = null;
  private beta: LayerVariable | null = null;
  private movingMean: LayerVariable | null = null;
  private movingVariance: LayerVariable | null = null;

  constructor(args: ConditionalBatchNormArgs) {
    super({ name: args.name });
    if (!Number.isInteger(args.numClasses) || args.numClasses < 1) {
      throw new GanConfigError('numClasses', `expected a positive integer, got ${args.numClasses}`);
    }
    this.numClasses = args.numClasses;
    const momentum = args.momentum ?? 0.99;
    if (!(typeof momentum === 'number' && momentum >= 0 && momentum <= 1))
      throw new GanConfigError('momentum', `expected a number in [0, 1], got ${momentum}`);
    this.momentum = momentum;
    const epsilon = args.epsilon ?? 1e-3;
    if (!(typeof epsilon === 'number' && epsilon > 0))
      throw new GanConfigError('epsilon', `expected a positive number, got ${epsilon}`);
    this.epsilon = epsilon;
  }

  private static shapes(inputShape: tfl.Shape | tfl.Shape[]): [tfl.Shape, tfl.Shape] {
    if (!Array.isArray(inputShape[0]) || inputShape.length !== 2) {
      throw new GanConfigError('ConditionalBatchNorm', 'expects two inputs: [x, labels]');
    }
    return inputShape as [tfl.Shape, tfl.Shape];
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const [shape] = ConditionalBatchNorm.shapes(inputShape);
    const channels = shape[shape.length - 1];
    if (shape.length < 2 || typeof channels !== 'number') {
      throw new GanConfigError(
        this.name,
        `expects x of shape [batch, …, channels] with known channels, got [${shape.join(', ')}]`,
      );
    }
    if (this.gamma === null) {
      this.gamma = this.addWeight(
        'gamma',
        [this.numClasses, channels],
        'float32',
        tfl.initializers.ones(),
        undefined,
        true,
      );
      this.beta = this.addWeight(
        'beta',
        [this.numClasses, channels],
        'float32',
        tfl.initializers.zeros(),
        undefined,
        true,
      );
      this.movingMean = this.addWeight(
        'moving_mean',
        [channels],
        'float32',
        tfl.initializers.zeros(),
        undefined,
        false,
      );
      this.movingVariance = this.addWeight(
        'moving_variance',
        [channels],
        'float32',
        tfl.initializers.ones(),
        undefined,
        false,
      );
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return ConditionalBatchNorm.shapes(inputShape)[0];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2)
      throw new GanConfigError(this.name, 'expects two inputs: [x, labels]');
    const [gamma, beta, movingMean, movingVariance] = [this.gamma, this.beta, this.movingMean, this.movingVariance];
    if (gamma === null || beta === null || movingMean === null || movingVariance === null) {
      throw new GanConfigError(this.name, 'the layer is not built yet (apply it to inputs first)');
    }
    return tf.tidy(() => {
      const [x, labels] = inputs;
      const rank = x.rank;
      const channels = x.shape[rank - 1];
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (kwargs.training === true) {
        const axes = Array.from({ length: rank - 1 }, (_, i) => i);
        const moments = tf.moments(x, axes);
        mean = moments.mean;
        variance = moments.variance;
        const decay = 1 - this.momentum;
        for (const [variable, value] of [
          [movingMean, mean],
          [movingVariance, variance],
        ] as const) {
          tf.tidy(() => {
            const current = variable.read();
            variable.write(tf.sub(current, tf.mul(tf.sub(current, value), decay)));
          });
        }
      } else {
        mean = movingMean.read();
        variance = movingVariance.read();
      }
      const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      const ids = tf.cast(tf.reshape(labels, [-1]), 'int32');
      const perSample = [x.shape[0], ...new Array<number>(rank - 2).fill(1), channels];
      const g = tf.reshape(tf.gather(gamma.read(), ids), perSample);
      const b = tf.reshape(tf.gather(beta.read(), ids), perSample);
      return tf.add(tf.mul(normalized, g), b);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numClasses: this.numClasses, momentum: this.momentum, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(ConditionalBatchNorm);
