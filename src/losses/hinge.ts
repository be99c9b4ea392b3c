import * as tf from '@tensorflow/tfjs-core';
import { GanLossBase } from './types';
import { registerSerializable } from '../core/serialization';

/**
 * The hinge GAN loss (Lim & Ye 2017; Miyato et al. 2018, used by SN-GAN, SAGAN and BigGAN). With
 * `l_r` and `l_f` D's logits (raw scores) on real and fake images:
 *
 * - `L_D = mean(relu(1 − l_r)) + mean(relu(1 + l_f))`
 * - `L_G = −mean(l_f)`
 *
 * D stops pushing a real image's score once it exceeds 1 and a fake's once it is below −1, so
 * only images near or on the wrong side of the margin train it.
 *
 * @example
 * ```ts
 * const gan = createGan({ loss: hingeLoss() });
 * ```
 */
export class HingeLoss extends GanLossBase {
  /** The name this class is saved under (see {@link registerSerializable}). */
  static readonly className = 'HingeLoss';

  constructor() {
    super('hinge');
  }

  /** No options. */
  getConfig(): Record<string, unknown> {
    return {};
  }

  /** A new HingeLoss (it has no options). */
  static fromConfig(): HingeLoss {
    return new HingeLoss();
  }

  discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
    return tf.tidy(
      () => tf.add(tf.mean(tf.relu(tf.sub(1, realLogits))), tf.mean(tf.relu(tf.add(1, fakeLogits)))) as tf.Scalar,
    );
  }

  generatorLoss(fakeLogits: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.neg(tf.mean(fakeLogits)) as tf.Scalar);
  }
}

/** Creates a {@link HingeLoss}: `L_D = E[relu(1 − D(x))] + E[relu(1 + D(G(z)))]`, `L_G = −E[D(G(z))]`. */
export function hingeLoss(): HingeLoss {
  return new HingeLoss();
}
registerSerializable('loss', HingeLoss);
