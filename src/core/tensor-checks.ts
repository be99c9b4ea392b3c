/**
 * Argument checks for tensors, shared by the image functions of every layer (losses, metrics,
 * data transforms): a tensor of the right rank, two tensors of the same shape, a float dtype. Each
 * refuses with a {@link GanConfigError} naming the argument, before any work is spent.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { describeValue } from './checks';

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * `value` if it is a live, non-empty float32 tf.Tensor; else a {@link GanConfigError} naming
 * `argument`. `what` says what it holds (e.g. `"of images"`).
 *
 * @example
 * ```ts
 * checkFloatTensor(prediction, 'prediction', 'of predictions');
 * ```
 */
export function checkFloatTensor(value: unknown, argument: string, what: string): tf.Tensor {
  if (!(value instanceof tf.Tensor))
    throw new GanConfigError(argument, `expected a tf.Tensor ${what}, got ${describeValue(value)}`);
  if (value.isDisposed) throw new GanConfigError(argument, 'the tensor was disposed');
  if (value.dtype !== 'float32')
    throw new GanConfigError(argument, `expected a float32 tensor, got dtype ${value.dtype}`);
  if (value.size === 0)
    throw new GanConfigError(argument, `expected a non-empty tensor, got shape ${shapeText(value.shape)}`);
  return value;
}

/**
 * `value` if it is a live, non-empty float32 tf.Tensor of rank `rank`; else a
 * {@link GanConfigError} naming `argument`. `what` says what the axes are (e.g. `"[n, h, w, c]"`).
 *
 * @example
 * ```ts
 * checkTensorRank(images, 4, 'images', '[n, h, w, c]');
 * ```
 */
export function checkTensorRank<R extends tf.Rank>(
  value: unknown,
  rank: number,
  argument: string,
  what: string,
): tf.Tensor<R> {
  const tensor = checkFloatTensor(value, argument, what);
  if (tensor.rank !== rank)
    throw new GanConfigError(argument, `expected a rank-${rank} tensor ${what}, got shape ${shapeText(tensor.shape)}`);
  return tensor as tf.Tensor<R>;
}

/**
 * `value` if it is a non-empty float32 batch of images `[n, h, w, c]`; else a
 * {@link GanConfigError} naming `argument`.
 *
 * @example
 * ```ts
 * const images = checkImageBatch(input, 'images');
 * ```
 */
export function checkImageBatch(value: unknown, argument: string): tf.Tensor4D {
  return checkTensorRank<tf.Rank.R4>(value, 4, argument, '[n, h, w, c] of images') as tf.Tensor4D;
}

/**
 * Nothing if `b` has the shape of `a`; else a {@link GanConfigError} naming `argumentB` and both
 * shapes.
 *
 * @example
 * ```ts
 * checkSameShape(generated, 'generated', target, 'target');
 * ```
 */
export function checkSameShape(a: tf.Tensor, argumentA: string, b: tf.Tensor, argumentB: string): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new GanConfigError(
      argumentB,
      `expected the shape of ${argumentA}, ${shapeText(a.shape)}, got ${shapeText(b.shape)}`,
    );
  }
}
