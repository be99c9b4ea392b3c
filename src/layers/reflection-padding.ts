/**
 * Reflection padding of images, as CycleGAN's ResNet generator pads before its convolutions.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';

/**
 * Arguments of {@link ReflectionPadding2D}.
 *
 * @example
 * ```ts
 * const args: ReflectionPadding2DArgs = { padding: 3 }; // before a 7×7 convolution
 * ```
 */
export interface ReflectionPadding2DArgs {
  /** Rows and columns added on each side: one number for both, or `[rows, columns]`. */
  padding: number | [number, number];
  /** Layer name. */
  name?: string;
}

/**
 * Pads `x` by reflection along `axis` (the edge is not repeated: `[a b c]` → `[b | a b c | b]` for
 * p = 1), from one-row slices and a concatenation (wasm's `Reverse` is slow, and CycleGAN pads by
 * at most 3).
 */
function reflect(x: tf.Tensor, axis: number, p: number): tf.Tensor {
  if (p === 0) return x;
  const n = x.shape[axis];
  const row = (i: number): tf.Tensor => {
    const begin = new Array<number>(x.rank).fill(0);
    const size = new Array<number>(x.rank).fill(-1);
    begin[axis] = i;
    size[axis] = 1;
    return tf.slice(x, begin, size);
  };
  const parts: tf.Tensor[] = [];
  for (let i = p; i >= 1; i--) parts.push(row(i));
  parts.push(x);
  for (let i = n - 2; i >= n - 1 - p; i--) parts.push(row(i));
  return tf.concat(parts, axis);
}

/**
 * Pads the height and width of `[batch, h, w, channels]` inputs by reflection (PyTorch's
 * `ReflectionPad2d`, TensorFlow's `MirrorPad` in `REFLECT` mode): `[a b c d]` padded by 2 is
 * `[c b | a b c d | c b]`. A convolution with `valid` padding after it sees no artificial zero
 * border, which reduces artefacts at the image edges (Zhu et al. 2017 use it in CycleGAN's
 * generator). The padding must be smaller than the height and the width.
 *
 * It is built from slices and a concatenation, whose gradients are exact. It does not
 * use `tf.mirrorPad`, whose gradient in TensorFlow.js 4.22 only slices the centre of the
 * upstream gradient and drops the contributions of the reflected border. Registered for
 * serialisation and listed in {@link GANKIT_LAYER_CLASSES}.
 *
 * @example
 * ```ts
 * const image = tf.input({ shape: [28, 28, 1] });
 * let x = new ReflectionPadding2D({ padding: 3 }).apply(image) as tf.SymbolicTensor;           // 34×34
 * x = tf.layers.conv2d({ filters: 32, kernelSize: 7, padding: 'valid' }).apply(x) as tf.SymbolicTensor; // 28×28
 * ```
 */
export class ReflectionPadding2D extends tfl.layers.Layer {
  /** Serialisation name. */
  static className = 'GankitReflectionPadding2D';
  /** Rows and columns added on each side. */
  readonly padding: [number, number];

  constructor(args: ReflectionPadding2DArgs) {
    super({ name: args.name });
    const p = typeof args.padding === 'number' ? [args.padding, args.padding] : args.padding;
    if (!Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0)) {
      throw new GanConfigError(
        'padding',
        `expected a non-negative integer or [rows, columns], got ${JSON.stringify(args.padding)}`,
      );
    }
    this.padding = [p[0], p[1]];
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    if (shape.length !== 4)
      throw new GanConfigError(this.name, `expects [batch, h, w, channels] inputs, got [${shape.join(', ')}]`);
    const [, h, w] = shape;
    if ((typeof h === 'number' && this.padding[0] >= h) || (typeof w === 'number' && this.padding[1] >= w)) {
      throw new GanConfigError(
        this.name,
        `reflection padding [${this.padding}] must be smaller than the input's height and width (${h}×${w})`,
      );
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [b, h, w, c] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const grow = (d: number | null, p: number): number | null => (d === null ? null : d + 2 * p);
    return [b, grow(h, this.padding[0]), grow(w, this.padding[1]), c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => reflect(reflect(x, 1, this.padding[0]), 2, this.padding[1]));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: [...this.padding] };
  }
}
tf.serialization.registerClass(ReflectionPadding2D);
