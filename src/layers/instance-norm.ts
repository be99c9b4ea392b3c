/**
 * Instance normalisation (Ulyanov, Vedaldi & Lempitsky 2016), the normalisation of CycleGAN's
 * generators and PatchGAN discriminators.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';

type LayerVariable = tfl.LayerVariable;

/**
 * Arguments of {@link layers.InstanceNormalization}.
 *
 * @example
 * ```ts
 * const args: InstanceNormalizationArgs = { epsilon: 1e-5, center: true, scale: true };
 * const layer = new InstanceNormalization(args);
 * ```
 */
export interface InstanceNormalizationArgs {
  /** Added to the variance before the square root (default 1e-5, as PyTorch's `InstanceNorm2d`). */
  epsilon?: number;
  /** Learn a shift β per channel, initialised to 0 (default true). */
  center?: boolean;
  /** Learn a scale γ per channel, initialised to 1 (default true). */
  scale?: boolean;
  /** Layer name. */
  name?: string;
}

/**
 * Instance normalisation: every sample's every channel is normalised over its own spatial
 * positions, then scaled and shifted by a learned γ and β per channel. For `x` of shape
 * `[batch, h, w, channels]` (any rank ≥ 3: the axes between the first and the last are the
 * spatial ones), for sample `n` and channel `c`:
 *
 * `μ = mean_{h,w} x[n,·,·,c]`, `σ² = mean_{h,w} (x[n,·,·,c] − μ)²` (biased),
 * `y[n,·,·,c] = γ[c] · (x[n,·,·,c] − μ) / √(σ² + ε) + β[c]`.
 *
 * Unlike batch norm it has no batch statistics and no moving averages: training and inference
 * compute the same thing, and samples of a batch never influence each other (which is why style
 * transfer and CycleGAN use it). Weights `gamma` and `beta`, `[channels]`, trainable, present
 * when `scale` / `center` are true. PyTorch's CycleGAN code uses `InstanceNorm2d(affine=False)`,
 * i.e. `center: false, scale: false`; gankit's default learns them (a conv after the layer can
 * absorb them either way). Registered for serialisation and listed in
 * {@link GANKIT_LAYER_CLASSES}, so models that use it save, load and rebuild in workers.
 *
 * @example
 * ```ts
 * const image = tf.input({ shape: [28, 28, 1] });
 * let x = tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', useBias: false }).apply(image) as tf.SymbolicTensor;
 * x = new InstanceNormalization().apply(x) as tf.SymbolicTensor;
 * ```
 */
export class InstanceNormalization extends tfl.layers.Layer {
  /** Serialisation name. */
  static className = 'GankitInstanceNormalization';
  /** Added to the variance. */
  readonly epsilon: number;
  /** Whether β is learned. */
  readonly center: boolean;
  /** Whether γ is learned. */
  readonly scale: boolean;
  private gamma: LayerVariable | null = null;
  private beta: LayerVariable | null = null;

  constructor(args: InstanceNormalizationArgs = {}) {
    super({ name: args.name });
    const epsilon = args.epsilon ?? 1e-5;
    if (!(typeof epsilon === 'number' && Number.isFinite(epsilon) && epsilon > 0))
      throw new GanConfigError('epsilon', `expected a positive number, got ${epsilon}`);
    this.epsilon = epsilon;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channels = shape[shape.length - 1];
    if (shape.length < 3 || typeof channels !== 'number') {
      throw new GanConfigError(
        this.name,
        `expects inputs of shape [batch, …spatial, channels] (rank ≥ 3) with known channels, got [${shape.join(', ')}]`,
      );
    }
    if (this.scale && this.gamma === null)
      this.gamma = this.addWeight('gamma', [channels], 'float32', tfl.initializers.ones(), undefined, true);
    if (this.center && this.beta === null)
      this.beta = this.addWeight('beta', [channels], 'float32', tfl.initializers.zeros(), undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => {
      const axes = Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
      const { mean, variance } = tf.moments(x, axes, true);
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      if (this.gamma !== null) y = tf.mul(y, this.gamma.read());
      if (this.beta !== null) y = tf.add(y, this.beta.read());
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}
tf.serialization.registerClass(InstanceNormalization);
