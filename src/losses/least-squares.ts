import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { GanLossBase } from './types';
import { registerSerializable } from '../core/serialization';

/** Options of {@link leastSquaresLoss}: the targets `a`, `b`, `c` of Mao et al. (2017). */
export interface LeastSquaresLossOptions {
  /** `b`: D's target for real images (default 1). */
  realLabel?: number;
  /** `a`: D's target for fake images (default 0). */
  fakeLabel?: number;
  /** `c`: the value G wants D to give its images (default 1). */
  generatorTarget?: number;
}

/**
 * The least-squares GAN loss (LSGAN, Mao et al. 2017), on D's raw output (no sigmoid). With
 * `l_r`, `l_f` D's outputs on real and fake images and the targets `a = fakeLabel`,
 * `b = realLabel`, `c = generatorTarget`:
 *
 * - `L_D = ½ mean((l_r − b)²) + ½ mean((l_f − a)²)`
 * - `L_G = ½ mean((l_f − c)²)`
 *
 * The defaults `a = 0, b = 1, c = 1` are the paper's "0-1 coding"; `a = −1, b = 1, c = 0`
 * makes G minimise the Pearson χ² divergence (the paper's eq. 8 conditions `b − c = 1`,
 * `b − a = 2`). Unlike the log loss, the gradient does not vanish for fakes D scores far on the
 * real side of the boundary, which keeps G learning.
 *
 * @example
 * ```ts
 * const gan = createGan({ loss: leastSquaresLoss() });                                       // a=0, b=1, c=1
 * const chi2 = leastSquaresLoss({ fakeLabel: -1, realLabel: 1, generatorTarget: 0 });        // a=−1, b=1, c=0
 * ```
 */
export class LeastSquaresLoss extends GanLossBase {
  /** The name this class is saved under (see {@link registerSerializable}). */
  static readonly className = 'LeastSquaresLoss';
  /** `b`: D's target for real images. */
  readonly realLabel: number;
  /** `a`: D's target for fake images. */
  readonly fakeLabel: number;
  /** `c`: G's target for its images. */
  readonly generatorTarget: number;

  constructor(options: LeastSquaresLossOptions = {}) {
    super('least-squares');
    const { realLabel = 1, fakeLabel = 0, generatorTarget = 1 } = options;
    for (const [key, v] of [
      ['realLabel', realLabel],
      ['fakeLabel', fakeLabel],
      ['generatorTarget', generatorTarget],
    ] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new GanConfigError(key, `expected a finite number, got ${v}`);
    }
    if (realLabel === fakeLabel)
      throw new GanConfigError(
        'realLabel',
        `must differ from fakeLabel (both are ${realLabel}): D would have nothing to separate`,
      );
    this.realLabel = realLabel;
    this.fakeLabel = fakeLabel;
    this.generatorTarget = generatorTarget;
  }

  discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
    return tf.tidy(
      () =>
        tf.mul(
          0.5,
          tf.add(
            tf.mean(tf.square(tf.sub(realLogits, this.realLabel))),
            tf.mean(tf.square(tf.sub(fakeLogits, this.fakeLabel))),
          ),
        ) as tf.Scalar,
    );
  }

  generatorLoss(fakeLogits: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mul(0.5, tf.mean(tf.square(tf.sub(fakeLogits, this.generatorTarget)))) as tf.Scalar);
  }

  /** The three targets (what {@link LeastSquaresLoss.fromConfig} rebuilds it from). */
  getConfig(): Record<string, unknown> {
    return { realLabel: this.realLabel, fakeLabel: this.fakeLabel, generatorTarget: this.generatorTarget };
  }

  /** A least-squares loss from {@link LeastSquaresLoss.getConfig}'s values. */
  static fromConfig(config: Record<string, unknown>): LeastSquaresLoss {
    return new LeastSquaresLoss(config as LeastSquaresLossOptions);
  }
}

/** Creates a {@link LeastSquaresLoss} (LSGAN; defaults a = 0, b = 1, c = 1). */
export function leastSquaresLoss(options: LeastSquaresLossOptions = {}): LeastSquaresLoss {
  return new LeastSquaresLoss(options);
}
registerSerializable('loss', LeastSquaresLoss);
