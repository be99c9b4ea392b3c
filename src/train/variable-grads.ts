/**
 * `tf.variableGrads` that frees what its tape saved when the loss function throws.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * `tf.variableGrads(lossFn, variables)`, except that an error thrown by `lossFn` is rethrown only
 * after the tape is closed: thrown inside, it leaves the tensors the tape saved for the backward
 * pass alive (~70 per GAN step), so it is caught, the tape is closed on a stand-in zero loss, its
 * results are freed, and then it is thrown.
 *
 * @param lossFn - The loss, a scalar.
 * @param variables - The variables to differentiate by (at least one).
 * @returns the loss and the gradients, as `tf.variableGrads` does.
 */
export function variableGradsClosingTape(
  lossFn: () => tf.Scalar,
  variables: tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  let failure: { error: unknown } | null = null;
  const result = tf.variableGrads(() => {
    try {
      return lossFn();
    } catch (error) {
      failure = { error };
      return tf.mul(tf.sum(variables[0]), 0) as tf.Scalar;
    }
  }, variables);
  if (failure !== null) {
    tf.dispose([result.value, result.grads]);
    throw (failure as { error: unknown }).error;
  }
  return result;
}
