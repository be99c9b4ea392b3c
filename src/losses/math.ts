import * as tf from '@tensorflow/tfjs-core';

/**
 * `softplus(x) = log(1 + exp(x))`, computed as `max(x, 0) + log1p(exp(-|x|))` so that it is
 * finite and exact for any finite `x` (no overflow at x = 50 or underflow at x = -50).
 */
export function stableSoftplus(x: tf.Tensor): tf.Tensor {
  return tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
}

/**
 * Mean sigmoid cross-entropy between logits `l` and a constant target `y` in [0, 1]:
 * `mean( -y log σ(l) - (1 - y) log(1 - σ(l)) ) = mean( softplus(l) - y l )`.
 */
export function sigmoidCrossEntropy(logits: tf.Tensor, target: number): tf.Scalar {
  const perExample = target === 0 ? stableSoftplus(logits) : tf.sub(stableSoftplus(logits), tf.mul(logits, target));
  return tf.mean(perExample) as tf.Scalar;
}
