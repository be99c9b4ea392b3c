/**
 * {@link SpectralDense}: a dense layer with spectral normalisation.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { SpectralNormalization, type SpectralDenseArgs } from './spectral-normalization';

/**
 * A dense layer (`y = activation(x · W/σ(W) + b)`) with spectral normalisation; see
 * {@link SpectralNormalization} for how σ is estimated and when `u` is updated. Registered for
 * serialisation (`GankitSpectralDense`), so models that use it save and load, checkpoints included.
 *
 * @example
 * ```ts
 * const x = tf.input({ shape: [784] });
 * const h = new SpectralDense({ units: 256, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
 * const logit = spectralNorm(tf.layers.dense({ units: 1 })).apply(h) as tf.SymbolicTensor;
 * ```
 */
export class SpectralDense extends SpectralNormalization {
  /** Serialisation name. */
  static className = 'GankitSpectralDense';
  /** Output units. */
  readonly units: number;

  constructor(args: SpectralDenseArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units <= 0)
      throw new GanConfigError('units', `expected a positive integer, got ${args.units}`);
    this.units = args.units;
  }

  protected get outputs(): number {
    return this.units;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inputDim = shape[shape.length - 1];
    if (typeof inputDim !== 'number')
      throw new GanConfigError(this.name, `needs a known last input dimension, got [${shape.join(', ')}]`);
    this.addSpectralWeights([inputDim, this.units]);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const w = this.normalizedKernel(kwargs.training === true);
      const flat = x.rank === 2 ? x : tf.reshape(x, [-1, x.shape[x.rank - 1]]);
      let y: tf.Tensor = tf.fused.matMul({ a: flat as tf.Tensor2D, b: w as tf.Tensor2D, bias: this.bias?.read() });
      if (x.rank !== 2) y = tf.reshape(y, [...x.shape.slice(0, -1), this.units]);
      return this.finish(y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}
tf.serialization.registerClass(SpectralDense);
