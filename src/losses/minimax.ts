import * as tf from '@tensorflow/tfjs-core';
import { sigmoidCrossEntropy, stableSoftplus } from './math';
import { GanLossBase } from './types';
import { registerSerializable } from '../core/serialization';

/**
 * The original minimax GAN loss (Goodfellow et al. 2014), with the **saturating** generator
 * objective. With `σ` the sigmoid and `l_r`, `l_f` D's logits on real and fake images:
 *
 * - `L_D = -mean(log σ(l_r)) - mean(log(1 - σ(l_f)))`
 * - `L_G = mean(log(1 - σ(l_f))) = -mean(softplus(l_f))`
 *
 * G minimises `log(1 - D(G(z)))`. Its gradient `∂L_G/∂l_f = -σ(l_f)/n` vanishes when D
 * confidently rejects the fakes (`D(G(z)) → 0`), which is why it learns slowly early in
 * training; {@link nonSaturatingLoss} fixes that. Kept for reproductions and comparisons
 * (Lucic et al. 2018 call it MM-GAN).
 */
export class MinimaxLoss extends GanLossBase {
  /** The name this class is saved under (see {@link registerSerializable}). */
  static readonly className = 'MinimaxLoss';

  constructor() {
    super('minimax');
  }

  /** No options. */
  getConfig(): Record<string, unknown> {
    return {};
  }

  /** A new MinimaxLoss (it has no options). */
  static fromConfig(): MinimaxLoss {
    return new MinimaxLoss();
  }

  discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.add(sigmoidCrossEntropy(realLogits, 1), sigmoidCrossEntropy(fakeLogits, 0)) as tf.Scalar);
  }

  generatorLoss(fakeLogits: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.neg(tf.mean(stableSoftplus(fakeLogits))) as tf.Scalar);
  }
}

/** Creates a {@link MinimaxLoss}: the saturating minimax GAN loss. */
export function minimaxLoss(): MinimaxLoss {
  return new MinimaxLoss();
}
registerSerializable('loss', MinimaxLoss);
