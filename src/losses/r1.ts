import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { checkPenaltyWeight, r1Penalty } from './penalty';
import type { GanLoss, PenaltyContext } from './types';
import {
  UnregisteredClassError,
  deserializeObject,
  isSerializedObject,
  registerSerializable,
  serializeObject,
} from '../core/serialization';

/** Options of {@link withR1Penalty}. */
export interface R1PenaltyOptions {
  /** γ, the penalty's weight (default 10). */
  gamma?: number;
}

/**
 * A loss plus the R1 penalty on D (Mescheder et al. 2018): D's loss gains `γ/2 · E[‖∇x D(x)‖²]`
 * over the real images `x`, which pushes D's gradient to zero on the data and stabilises
 * training near the equilibrium. G's loss is the wrapped loss's. A penalty the wrapped loss
 * has (e.g. WGAN-GP's) is kept and added to. Build one with {@link withR1Penalty}.
 */
export class R1PenaltyLoss implements GanLoss {
  /** The name this class is saved under (see {@link registerSerializable}). */
  static readonly className = 'R1PenaltyLoss';
  /** `<wrapped loss's name>+r1`. */
  readonly name: string;
  /** γ. */
  readonly gamma: number;

  constructor(
    /** The loss whose D loss is penalised. */
    readonly base: GanLoss,
    options: R1PenaltyOptions = {},
  ) {
    for (const key of ['discriminatorLoss', 'generatorLoss'] as const) {
      if (typeof (base as unknown as Record<string, unknown>)?.[key] !== 'function')
        throw new GanConfigError('loss', `expected a GanLoss with a ${key}() method`);
    }
    this.gamma = checkPenaltyWeight('gamma', options.gamma ?? 10);
    this.name = `${base.name}+r1`;
  }

  discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
    return this.base.discriminatorLoss(realLogits, fakeLogits);
  }

  generatorLoss(fakeLogits: tf.Tensor): tf.Scalar {
    return this.base.generatorLoss(fakeLogits);
  }

  /** `γ/2 · mean_i ‖∇ D(xᵢ)‖²` on the real batch (see {@link r1Penalty}), plus the wrapped loss's penalty if it has one. */
  discriminatorPenalty(context: PenaltyContext): tf.Scalar {
    return tf.tidy(() => {
      const r1 = r1Penalty(context, this.gamma);
      const inner = this.base.discriminatorPenalty?.(context);
      return inner === undefined ? r1 : (tf.add(inner, r1) as tf.Scalar);
    });
  }

  /** The loss's name. */
  toString(): string {
    return this.name;
  }

  /**
   * γ and the wrapped loss, stored as its class and config when that class is registered (else as
   * its name only: such a checkpoint then needs the loss passed to the loader).
   */
  getConfig(): Record<string, unknown> {
    return { gamma: this.gamma, base: serializeObject('loss', this.base) ?? { name: this.base.name } };
  }

  /**
   * An R1-penalised loss from {@link R1PenaltyLoss.getConfig}'s values.
   * @throws {@link UnregisteredClassError} when the wrapped loss's class is not registered.
   */
  static fromConfig(config: Record<string, unknown>): R1PenaltyLoss {
    const base = isSerializedObject(config.base) ? deserializeObject<GanLoss>('loss', config.base) : null;
    if (base === null)
      throw new UnregisteredClassError(
        'loss',
        `the loss wrapped by R1 (${JSON.stringify(config.base)}) is not a registered class; register it with registerSerializable('loss', …)`,
      );
    return new R1PenaltyLoss(base, { gamma: config.gamma as number });
  }
}

/**
 * Adds the R1 gradient penalty `γ/2 · E[‖∇x D(x)‖²]` on real images to any loss's D loss
 * (Mescheder et al. 2018, "Which training methods for GANs do actually converge?"; StyleGAN's
 * regulariser). Works with the built-in losses and with your own; a built-in one wrapped this way
 * is still rebuilt from checkpoints and by data-parallel workers.
 *
 * @example
 * ```ts
 * const gan = createGan({ loss: withR1Penalty(nonSaturatingLoss(), { gamma: 10 }) });
 * ```
 */
export function withR1Penalty(loss: GanLoss, options: R1PenaltyOptions = {}): R1PenaltyLoss {
  return new R1PenaltyLoss(loss, options);
}
registerSerializable('loss', R1PenaltyLoss);
