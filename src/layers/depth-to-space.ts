/**
 * The pixel shuffle of sub-pixel convolution (Shi et al. 2016), as a layer with a gradient.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';

/**
 * Arguments of {@link DepthToSpace}.
 *
 * @example
 * ```ts
 * const args: DepthToSpaceArgs = { blockSize: 2 }; // [n, h, w, 4c] → [n, 2h, 2w, c]
 * ```
 */
export interface DepthToSpaceArgs {
  /** b: the height and width grow b times and the channels shrink b² times; an integer ≥ 2. */
  blockSize: number;
  /** Layer name. */
  name?: string;
}

/**
 * Rearranges `[n, h, w, b²·c]` inputs (NHWC) into `[n, b·h, b·w, c]`: the pixel shuffle of
 * sub-pixel convolution (Shi et al. 2016, "Real-Time Single Image and Video Super-Resolution Using
 * an Efficient Sub-Pixel Convolutional Neural Network"), which SRGAN's generator uses to upsample.
 * It is TensorFlow's `DepthToSpace` (DCR order):
 *
 * `out[n, b·i + di, b·j + dj, k] = in[n, i, j, (b·di + dj)·c + k]`
 *
 * so a convolution to b²·c channels followed by it learns b² sub-pixel filters, without a
 * transposed convolution's checkerboard overlap.
 *
 * It is built from a reshape and a transpose, whose gradients are exact: `tf.depthToSpace` has
 * no registered gradient in TensorFlow.js 4.22 (`tf.grad` through it throws "gradient function
 * not found for DepthToSpace"), so a net using it could not train. The gradient is the inverse
 * rearrangement (TensorFlow's `SpaceToDepth`) of the upstream gradient. Registered for
 * serialisation and listed in {@link GANKIT_LAYER_CLASSES}.
 *
 * @example
 * ```ts
 * const image = tf.input({ shape: [16, 16, 64] });
 * let x = tf.layers.conv2d({ filters: 256, kernelSize: 3, padding: 'same' }).apply(image) as tf.SymbolicTensor;
 * x = new DepthToSpace({ blockSize: 2 }).apply(x) as tf.SymbolicTensor; // [null, 32, 32, 64]
 * ```
 */
export class DepthToSpace extends tfl.layers.Layer {
  /** Serialisation name. */
  static className = 'GankitDepthToSpace';
  /** b: the upsampling factor of height and width. */
  readonly blockSize: number;

  constructor(args: DepthToSpaceArgs) {
    super({ name: args.name });
    if (typeof args.blockSize !== 'number' || !Number.isInteger(args.blockSize) || args.blockSize < 2)
      throw new GanConfigError('blockSize', `expected an integer ≥ 2, got ${String(args.blockSize)}`);
    this.blockSize = args.blockSize;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    if (shape.length !== 4)
      throw new GanConfigError(this.name, `expects [batch, h, w, channels] inputs, got [${shape.join(', ')}]`);
    const channels = shape[3];
    const cells = this.blockSize * this.blockSize;
    if (channels === null || channels % cells !== 0)
      throw new GanConfigError(
        this.name,
        `the input's channels (${String(channels)}) must be a multiple of blockSize² = ${cells}`,
      );
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [n, h, w, c] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const b = this.blockSize;
    const grow = (d: number | null): number | null => (d === null ? null : d * b);
    return [n, grow(h), grow(w), c === null ? null : c / (b * b)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const [n, h, w, c] = x.shape;
    const b = this.blockSize;
    const k = c / (b * b);
    // Seen as [n·h, w, b (di), b·k (dj and k)], swapping w and di gives [n·h, b, w, b·k], which is
    // [n, b·h, b·w, k] in memory: merging n with h and dj with k keeps the transpose at rank 4.
    return tf.tidy(() =>
      tf.reshape(tf.transpose(tf.reshape(x, [n * h, w, b, b * k]), [0, 2, 1, 3]), [n, h * b, w * b, k]),
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), blockSize: this.blockSize };
  }
}
tf.serialization.registerClass(DepthToSpace);
