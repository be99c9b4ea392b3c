/**
 * The check that a loss function returned what training needs: one number, a scalar tensor. A
 * custom loss that returns a vector (say, it forgot the `tf.mean`) would otherwise fail deep
 * inside `tf.variableGrads` with a message about gradients.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { describeValue } from '../core/checks';

/**
 * `value` if it is a scalar float tensor; else a {@link GanConfigError} naming the function.
 *
 * @param value - What the loss function returned.
 * @param argument - The function, for the message, e.g. `loss 'mine'.discriminatorLoss`.
 * @throws {@link GanConfigError} naming `argument` and what it returned.
 *
 * @example
 * ```ts
 * const loss = checkScalarLoss(myLoss.generatorLoss(logits), "loss 'mine'.generatorLoss");
 * ```
 */
export function checkScalarLoss(value: unknown, argument: string): tf.Scalar {
  if (!(value instanceof tf.Tensor))
    throw new GanConfigError(argument, `expected a scalar tensor, got ${describeValue(value)}`);
  if (value.rank !== 0)
    throw new GanConfigError(
      argument,
      `expected a scalar tensor (reduce it, e.g. with tf.mean), got a tensor of shape [${value.shape.join(', ')}]`,
    );
  if (value.dtype !== 'float32') throw new GanConfigError(argument, `expected a float32 scalar, got ${value.dtype}`);
  return value as tf.Scalar;
}
