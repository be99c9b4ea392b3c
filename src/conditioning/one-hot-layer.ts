import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';

/** Arguments of {@link OneHot}. */
export interface OneHotArgs {
  /** Number of classes (the output width). */
  numClasses: number;
  /** Optional layer name. */
  name?: string;
}

/**
 * A layer that turns integer class labels `[batch, 1]` (or `[batch]`) into one-hot float vectors
 * `[batch, numClasses]`. It has no weights and passes no gradient to its input (labels are data).
 * Registered for serialisation, so models that use it save and load.
 */
export class OneHot extends tfl.layers.Layer {
  /** Serialisation name. */
  static className = 'GankitOneHot';
  /** Number of classes. */
  readonly numClasses: number;

  constructor(args: OneHotArgs) {
    super({ name: args.name, trainable: false });
    if (!Number.isInteger(args.numClasses) || args.numClasses < 1) {
      throw new GanConfigError('numClasses', `expected a positive integer, got ${args.numClasses}`);
    }
    this.numClasses = args.numClasses;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [shape[0], this.numClasses];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => tf.cast(tf.oneHot(tf.cast(tf.reshape(x, [-1]), 'int32'), this.numClasses), 'float32'));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numClasses: this.numClasses };
  }
}
tf.serialization.registerClass(OneHot);
