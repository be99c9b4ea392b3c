import * as tf from '@tensorflow/tfjs-core';
import { checkPenaltyWeight, gradientPenalty } from './penalty';
import { GanLossBase, type PenaltyContext } from './types';
import { registerSerializable } from '../core/serialization';

/** Options of {@link wassersteinLoss}. */
export interface WassersteinLossOptions {
  /** λ, the weight of the gradient penalty (default 10, as in Gulrajani et al.; 0 turns it off). */
  gradientPenalty?: number;
}

/**
 * The Wasserstein loss with gradient penalty (WGAN-GP, Gulrajani et al. 2017). D is a critic: its
 * output `D(x)` is a score, not a logit. With `x̂ = εx + (1 − ε)G(z)`, `ε ~ U[0, 1]` per sample:
 *
 * - `L_D = mean(D(G(z))) − mean(D(x)) + λ · mean((‖∇x̂ D(x̂)‖₂ − 1)²)`
 * - `L_G = −mean(D(G(z)))`
 *
 * The penalty keeps the critic close to 1-Lipschitz, so that `mean(D(x)) − mean(D(G(z)))`
 * estimates the Wasserstein-1 distance between the real and generated distributions. It is
 * computed by {@link GanLoss.discriminatorPenalty} (the trainer adds it to `L_D`; the step logs'
 * `dLoss` include it). The paper's recipe: no batch norm in the critic (it couples the samples
 * of a batch, and the penalty is per sample), `discriminatorSteps: 5`, Adam with lr 1e-4,
 * β1 = 0 (or 0.5), β2 = 0.9. The logs' `dRealMean` and `dFakeMean` are sigmoids of the critic's
 * scores: still ordered (real above fake while the critic separates them), no longer probabilities.
 *
 * @example
 * ```ts
 * const gan = createGan({ loss: wassersteinLoss({ gradientPenalty: 10 }), discriminatorSteps: 5,
 *   optimizer: { learningRate: 1e-4, beta1: 0.5, beta2: 0.9 } });
 * ```
 */
export class WassersteinLoss extends GanLossBase {
  /** The name this class is saved under (see {@link registerSerializable}). */
  static readonly className = 'WassersteinLoss';
  /** λ, the gradient penalty's weight. */
  readonly gradientPenalty: number;

  constructor(options: WassersteinLossOptions = {}) {
    super('wasserstein');
    this.gradientPenalty = checkPenaltyWeight('gradientPenalty', options.gradientPenalty ?? 10);
  }

  discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.sub(tf.mean(fakeLogits), tf.mean(realLogits)) as tf.Scalar);
  }

  generatorLoss(fakeLogits: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.neg(tf.mean(fakeLogits)) as tf.Scalar);
  }

  /** `λ · mean((‖∇x̂ D(x̂)‖₂ − 1)²)` (see {@link gradientPenalty}); 0 when λ is 0. */
  discriminatorPenalty(context: PenaltyContext): tf.Scalar {
    return this.gradientPenalty === 0 ? tf.scalar(0) : gradientPenalty(context, this.gradientPenalty);
  }

  /** λ (what {@link WassersteinLoss.fromConfig} rebuilds it from). */
  getConfig(): Record<string, unknown> {
    return { gradientPenalty: this.gradientPenalty };
  }

  /** A WGAN-GP loss from {@link WassersteinLoss.getConfig}'s values. */
  static fromConfig(config: Record<string, unknown>): WassersteinLoss {
    return new WassersteinLoss(config as WassersteinLossOptions);
  }
}

/** Creates a {@link WassersteinLoss}: WGAN-GP, with the gradient penalty's weight λ (default 10). */
export function wassersteinLoss(options: WassersteinLossOptions = {}): WassersteinLoss {
  return new WassersteinLoss(options);
}
registerSerializable('loss', WassersteinLoss);
