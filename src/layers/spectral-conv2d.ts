/**
 * {@link SpectralConv2D}: a 2-D convolution with spectral normalisation.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { SpectralNormalization, pair, type SpectralConv2DArgs } from './spectral-normalization';

/**
 * A 2-D convolution (channels-last) with spectral normalisation of its kernel, seen as a matrix
 * `[filters, kh·kw·inChannels]` as in the paper; see {@link SpectralNormalization}. Registered for
 * serialisation (`GankitSpectralConv2D`).
 *
 * @example
 * ```ts
 * const conv = new SpectralConv2D({ filters: 64, kernelSize: 5, strides: 2, padding: 'same' });
 * const y = conv.apply(tf.zeros([1, 28, 28, 1])) as tf.Tensor; // [1, 14, 14, 64]
 * ```
 */
export class SpectralConv2D extends SpectralNormalization {
  /** Serialisation name. */
  static className = 'GankitSpectralConv2D';
  /** Output channels. */
  readonly filters: number;
  /** `[height, width]` of the kernel. */
  readonly kernelSize: [number, number];
  /** `[height, width]` strides. */
  readonly strides: [number, number];
  /** Padding mode. */
  readonly padding: 'valid' | 'same';
  /** `[height, width]` dilation. */
  readonly dilationRate: [number, number];

  constructor(args: SpectralConv2DArgs) {
    super(args);
    if (!Number.isInteger(args.filters) || args.filters <= 0)
      throw new GanConfigError('filters', `expected a positive integer, got ${args.filters}`);
    this.filters = args.filters;
    this.kernelSize = pair(args.kernelSize, NaN, 'kernelSize');
    this.strides = pair(args.strides, 1, 'strides');
    this.dilationRate = pair(args.dilationRate, 1, 'dilationRate');
    this.padding = args.padding ?? 'valid';
    if (this.padding !== 'valid' && this.padding !== 'same')
      throw new GanConfigError('padding', `expected 'valid' or 'same', got '${String(this.padding)}'`);
    if ((args.dataFormat ?? 'channelsLast') !== 'channelsLast')
      throw new GanConfigError('dataFormat', `only 'channelsLast' is supported, got '${String(args.dataFormat)}'`);
    if (this.dilationRate.some((d) => d !== 1) && this.strides.some((s) => s !== 1)) {
      throw new GanConfigError('dilationRate', 'a dilation other than 1 needs strides of 1');
    }
  }

  protected get outputs(): number {
    return this.filters;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    if (shape.length !== 4 || typeof shape[3] !== 'number') {
      throw new GanConfigError(
        this.name,
        `expects inputs [batch, height, width, channels] with known channels, got [${shape.join(', ')}]`,
      );
    }
    this.addSpectralWeights([...this.kernelSize, shape[3], this.filters]);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const out = (size: number | null, i: 0 | 1): number | null => {
      if (size === null) return null;
      const k = this.kernelSize[i] + (this.kernelSize[i] - 1) * (this.dilationRate[i] - 1);
      const length = this.padding === 'same' ? size : size - k + 1;
      return Math.floor((length + this.strides[i] - 1) / this.strides[i]);
    };
    const [h, w] = [out(shape[1], 0), out(shape[2], 1)];
    if ((h !== null && h <= 0) || (w !== null && w <= 0)) {
      throw new GanConfigError(
        this.name,
        `a ${this.kernelSize.join('×')} '${this.padding}' convolution with strides ${this.strides.join('×')} leaves nothing of inputs [${shape.slice(1).join(', ')}]`,
      );
    }
    return [shape[0], h, w, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const w = this.normalizedKernel(kwargs.training === true) as tf.Tensor4D;
      const y = tf.fused.conv2d({
        x,
        filter: w,
        strides: this.strides,
        pad: this.padding,
        dataFormat: 'NHWC',
        dilations: this.dilationRate,
        bias: this.bias?.read(),
      });
      return this.finish(y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      dataFormat: 'channelsLast',
    };
  }
}
tf.serialization.registerClass(SpectralConv2D);
