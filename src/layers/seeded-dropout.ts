import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { Rng } from '../random';

/**
 * The source of dropout masks while a trainer step runs. tfjs-layers' own `Dropout` draws its
 * masks from `Math.random`, so two runs with the same seed differ and a resumed run cannot repeat
 * an uninterrupted one. {@link SeededDropout} draws from here instead: the trainer opens a scope
 * with a seed from its checkpointed random stream before every step, and each dropout call in the
 * step takes the next seed of that scope, in call order.
 */
let scope: Rng | null = null;

/**
 * Runs `fn` with dropout masks (and every other per-step random draw of gankit's layers:
 * {@link DiffAugment}'s augmentations) drawn from a stream seeded by `seed` (see
 * {@link SeededDropout} and {@link nextScopedSeed}): the same seed and the same sequence of calls
 * give the same masks. Scopes do not nest; the previous one is restored afterwards. Used by the
 * trainer around every step.
 *
 * @example
 * ```ts
 * const out = withDropoutSeed(42, () => discriminator.apply(images, { training: true }));
 * ```
 */
export function withDropoutSeed<T>(seed: number, fn: () => T): T {
  const previous = scope;
  scope = new Rng(seed);
  try {
    return fn();
  } finally {
    scope = previous;
  }
}

/**
 * The next seed of the current {@link layers.withDropoutSeed} scope (in call order), or a fresh random
 * seed outside one. It is the one source of training-time randomness of gankit's layers
 * ({@link SeededDropout}'s masks, {@link DiffAugment}'s shifts, cut-outs and colours), so a
 * checkpointed run repeats exactly; a layer of your own that draws from it is repeatable too.
 *
 * @example
 * ```ts
 * const a = withDropoutSeed(7, () => [nextScopedSeed(), nextScopedSeed()]);
 * const b = withDropoutSeed(7, () => [nextScopedSeed(), nextScopedSeed()]); // equal to a
 * ```
 */
export function nextScopedSeed(): number {
  return scope === null ? Math.floor(Math.random() * 2 ** 32) : scope.nextSeed();
}

/** Arguments of {@link SeededDropout}. */
export interface SeededDropoutArgs {
  /** Fraction of the inputs to drop, in [0, 1). */
  rate: number;
  /** Optional layer name. */
  name?: string;
}

/**
 * Dropout whose masks come from the trainer's seeded random stream (see
 * {@link layers.withDropoutSeed}), so training is repeatable and a resumed run matches an uninterrupted
 * one step for step. Outside a seeded scope (e.g. a user's own training loop) it draws a fresh
 * random mask like `tf.layers.dropout`. Inference (`training` false) passes inputs through.
 * Registered for serialisation, so models that use it save and load.
 */
export class SeededDropout extends tfl.layers.Layer {
  /** Serialisation name. */
  static className = 'GankitSeededDropout';
  /** Fraction of the inputs dropped while training. */
  readonly rate: number;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    if (!(typeof args.rate === 'number' && args.rate >= 0 && args.rate < 1)) {
      throw new GanConfigError('rate', `expected a dropout rate in [0, 1), got ${args.rate}`);
    }
    this.rate = args.rate;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training !== true || this.rate === 0) return x;
    return tf.dropout(x, this.rate, undefined, nextScopedSeed());
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
tf.serialization.registerClass(SeededDropout);
