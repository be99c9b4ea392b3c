import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { sigmoidCrossEntropy } from './math';
import { GanLossBase } from './types';
import { registerSerializable } from '../core/serialization';

/** Options of {@link bceLoss}. */
export interface BceLossOptions {
  /** Target for real images in D's loss (default 1; 0.9 is one-sided label smoothing). */
  realLabel?: number;
  /** Target for fake images in D's loss (default 0). */
  fakeLabel?: number;
}

/**
 * Binary cross-entropy GAN loss with optional label smoothing (Goodfellow et al. 2014, with
 * the non-saturating generator; Salimans et al. 2016 for smoothing). With `σ` the sigmoid,
 * `l_r` D's logits on real images, `l_f` on fakes, `r = realLabel`, `f = fakeLabel`:
 *
 * - `L_D = BCE(l_r, r) + BCE(l_f, f)`, where `BCE(l, y) = mean(-y log σ(l) - (1-y) log(1-σ(l)))`
 * - `L_G = BCE(l_f, 1) = -mean(log σ(l_f))`
 *
 * At the equilibrium (`σ = 0.5` everywhere, hard labels) `L_D = 2 ln 2 ≈ 1.386` and `L_G = ln 2`.
 *
 * @example
 * ```ts
 * const loss = bceLoss({ realLabel: 0.9 }); // one-sided label smoothing
 * ```
 */
export class BceLoss extends GanLossBase {
  /** The name this class is saved under (see {@link registerSerializable}). */
  static readonly className: string = 'BceLoss';
  /** Target for real images in D's loss. */
  readonly realLabel: number;
  /** Target for fake images in D's loss. */
  readonly fakeLabel: number;

  constructor(options: BceLossOptions = {}, name = 'bce') {
    super(name);
    const { realLabel = 1, fakeLabel = 0 } = options;
    for (const [key, v] of [
      ['realLabel', realLabel],
      ['fakeLabel', fakeLabel],
    ] as const) {
      if (!Number.isFinite(v) || v < 0 || v > 1) throw new GanConfigError(key, `expected a number in [0, 1], got ${v}`);
    }
    this.realLabel = realLabel;
    this.fakeLabel = fakeLabel;
  }

  discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
    return tf.tidy(
      () =>
        tf.add(
          sigmoidCrossEntropy(realLogits, this.realLabel),
          sigmoidCrossEntropy(fakeLogits, this.fakeLabel),
        ) as tf.Scalar,
    );
  }

  generatorLoss(fakeLogits: tf.Tensor): tf.Scalar {
    return tf.tidy(() => sigmoidCrossEntropy(fakeLogits, 1));
  }

  /** The label targets (what {@link BceLoss.fromConfig} rebuilds it from). */
  getConfig(): Record<string, unknown> {
    return { realLabel: this.realLabel, fakeLabel: this.fakeLabel };
  }

  /** A BCE loss from {@link BceLoss.getConfig}'s values. */
  static fromConfig(config: Record<string, unknown>): BceLoss {
    return new BceLoss(config as BceLossOptions);
  }
}

/** Creates a {@link BceLoss}: binary cross-entropy with optional label smoothing. */
export function bceLoss(options: BceLossOptions = {}): BceLoss {
  return new BceLoss(options);
}
registerSerializable('loss', BceLoss);
