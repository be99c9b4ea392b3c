/**
 * Walks in G's latent space: interpolation between latent points (seed 003's latent walks) and
 * latent arithmetic.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';

/** Options of {@link interpolateLatents}. */
export interface InterpolateOptions {
  /** `linear` (straight line) or `spherical` (great circle; keeps Gaussian z at a typical norm). Default `spherical`. */
  method?: 'linear' | 'spherical';
}

/**
 * `steps` latent vectors from `from` to `to` (both `[latentDim]` or `[1, latentDim]`),
 * endpoints included: `[steps, latentDim]`. Spherical interpolation (Shoemake 1985; White 2016,
 * "Sampling generative networks") follows the great circle, so intermediate points of a Gaussian
 * z stay at a typical norm; it falls back to linear when the two points are (anti)parallel.
 *
 * @example
 * ```ts
 * const z = interpolateLatents(tf.randomNormal([100]), tf.randomNormal([100]), 10);
 * const strip = cgan.generate({ z, labels: new Array(10).fill(3) });
 * ```
 */
export function interpolateLatents(
  from: tf.Tensor,
  to: tf.Tensor,
  steps: number,
  options: InterpolateOptions = {},
): tf.Tensor2D {
  if (!Number.isInteger(steps) || steps < 2) throw new GanConfigError('steps', `expected an integer ≥ 2, got ${steps}`);
  if (from.size !== to.size) throw new GanConfigError('to', `expected ${from.size} values like 'from', got ${to.size}`);
  const method = options.method ?? 'spherical';
  if (method !== 'linear' && method !== 'spherical')
    throw new GanConfigError('options.method', `expected 'linear' or 'spherical', got '${method}'`);
  return tf.tidy(() => {
    const a = tf.reshape(from, [1, -1]);
    const b = tf.reshape(to, [1, -1]);
    const t = tf.reshape(tf.linspace(0, 1, steps), [steps, 1]);
    const linear = (): tf.Tensor2D => tf.add(a, tf.mul(t, tf.sub(b, a))) as tf.Tensor2D;
    if (method === 'linear') return linear();
    const cos = tf.sum(tf.mul(a, b)).dataSync()[0] / (tf.norm(a).dataSync()[0] * tf.norm(b).dataSync()[0]);
    const omega = Math.acos(Math.min(1, Math.max(-1, cos)));
    if (!Number.isFinite(omega) || Math.sin(omega) < 1e-6) return linear();
    const ts = Array.from({ length: steps }, (_, i) => i / (steps - 1));
    const wa = tf.tensor2d(
      ts.map((x) => Math.sin((1 - x) * omega) / Math.sin(omega)),
      [steps, 1],
    );
    const wb = tf.tensor2d(
      ts.map((x) => Math.sin(x * omega) / Math.sin(omega)),
      [steps, 1],
    );
    return tf.add(tf.mul(wa, a), tf.mul(wb, b)) as tf.Tensor2D;
  });
}

/**
 * Latent arithmetic: `a − b + c` row by row (each `[n, latentDim]` or `[latentDim]`), as in
 * "smiling woman − neutral woman + neutral man" (Radford et al. 2016): the attribute that
 * separates `a` from `b` is added to `c`.
 */
export function latentArithmetic(a: tf.Tensor, b: tf.Tensor, c: tf.Tensor): tf.Tensor2D {
  if (a.size !== b.size || a.size !== c.size)
    throw new GanConfigError('b', `a, b and c must have the same size, got ${a.size}, ${b.size}, ${c.size}`);
  return tf.tidy(() => tf.reshape(tf.add(tf.sub(a, b), c), [-1, a.shape[a.shape.length - 1]]) as tf.Tensor2D);
}
