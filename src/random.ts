/**
 * Seedable randomness. gankit draws every random number (latent vectors, fake labels, shuffling,
 * weight initialisation, dropout) from a {@link Rng}, so a run can be repeated exactly.
 *
 * @packageDocumentation
 */

/**
 * The seed to give a TensorFlow.js random op for `seed`. TensorFlow.js treats a seed of 0 as "no
 * seed" and draws from `Math.random`, so 0 is mapped to 2³², which no 32-bit seed collides with.
 *
 * @example
 * ```ts
 * tf.randomNormal([4, 100], 0, 1, 'float32', tfSeed(userSeed)); // repeatable for userSeed = 0 too
 * ```
 */
export function tfSeed(seed: number): number {
  return seed === 0 ? 2 ** 32 : seed;
}

/**
 * A small, fast, seedable pseudo-random generator (mulberry32) whose whole state is one 32-bit
 * integer, so it can be stored in a checkpoint and restored.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * rng.nextFloat();           // in [0, 1)
 * const seed = rng.nextSeed(); // an integer seed for a TensorFlow.js random op
 * ```
 */
export class Rng {
  private state: number;

  /** @param seed - any finite number; it is reduced to an unsigned 32-bit integer. */
  constructor(seed: number = Date.now()) {
    this.state = Math.floor(Math.abs(seed)) >>> 0;
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** The next float, uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer uniform in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /** A seed for a TensorFlow.js random op (`tf.randomNormal(..., seed)`, initialisers, dropout); never 0 (see {@link tfSeed}). */
  nextSeed(): number {
    return tfSeed(this.nextUint32());
  }

  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T extends ArrayLike<unknown> & { [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** The generator's whole state, for a checkpoint. */
  getState(): number {
    return this.state;
  }

  /** Restores a state returned by {@link Rng.getState}. */
  setState(state: number): void {
    this.state = state >>> 0;
  }
}
