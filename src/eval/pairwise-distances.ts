/**
 * Squared Euclidean distances between two feature sets, a block of rows at a time in tfjs ops, so
 * that 10,000 × 10,000 pairs never sit in memory at once: what the k-nearest-neighbour metrics
 * (precision, recall, density, coverage) are built on.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import type { FeatureMatrix } from './feature-matrix';

/** Pairs (rows × columns) per block: 2²² float32 = 16 MiB, a few such tensors alive at once. */
const BLOCK_PAIRS = 1 << 22;

/**
 * Float32 cancellation in `‖a‖² + ‖b‖² − 2a·b` leaves a residue of a few 1e-8 × (‖a‖² + ‖b‖²)
 * where a = b; residues below this share of the norms are snapped to 0 so that duplicate points are
 * at distance 0 (and a point is inside its own ball) instead of at a rounding-noise distance.
 */
const SNAP_TO_ZERO = 1e-6;

/**
 * Calls `reduce` on each block of the squared distances `[rows, b.count]` between rows
 * `[start, start + rows)` of `a` and all of `b`, and concatenates the per-row results it returns
 * (a `[rows]` or `[rows, m]` tensor). Both sets are centred on `a`'s mean first (distances do
 * not change; the norms, and so the rounding error, shrink).
 *
 * @returns the concatenated per-row values, `a.count × (m or 1)` row-major.
 */
export function reduceDistanceBlocks(
  a: FeatureMatrix,
  b: FeatureMatrix,
  reduce: (squaredDistances: tf.Tensor2D, start: number) => tf.Tensor,
): Float32Array {
  const rowsPerBlock = Math.max(1, Math.floor(BLOCK_PAIRS / Math.max(1, b.count)));
  const [centredA, centredB, normsB] = tf.tidy(() => {
    const ta = tf.tensor2d(a.values, [a.count, a.dim]);
    const mean = tf.mean(ta, 0, true);
    const ca = tf.sub(ta, mean) as tf.Tensor2D;
    const cb = tf.sub(tf.tensor2d(b.values, [b.count, b.dim]), mean) as tf.Tensor2D;
    return [ca, cb, tf.reshape(tf.sum(tf.square(cb), 1), [1, b.count]) as tf.Tensor2D];
  });
  const parts: Float32Array[] = [];
  try {
    for (let start = 0; start < a.count; start += rowsPerBlock) {
      const rows = Math.min(rowsPerBlock, a.count - start);
      const out = tf.tidy(() => {
        const block = tf.slice(centredA, [start, 0], [rows, a.dim]);
        const normsA = tf.sum(tf.square(block), 1, true);
        const sumNorms = tf.add(normsA, normsB);
        const raw = tf.sub(sumNorms, tf.mul(2, tf.matMul(block, centredB, false, true)));
        const snapped = tf.where(
          tf.lessEqual(raw, tf.mul(SNAP_TO_ZERO, sumNorms)),
          tf.zerosLike(raw),
          raw,
        ) as tf.Tensor2D;
        return reduce(snapped, start);
      });
      parts.push(out.dataSync() as Float32Array);
      out.dispose();
    }
  } finally {
    tf.dispose([centredA, centredB, normsB]);
  }
  const total = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    total.set(p, offset);
    offset += p.length;
  }
  return total;
}

/**
 * The squared distance of each vector of `m` to its `k`-th nearest other vector of `m` (the
 * radius of its k-NN ball). A vector's distance to itself is 0, so this is the (k+1)-th smallest
 * distance of its row; duplicates count as neighbours at distance 0.
 */
export function kthNeighbourSquaredDistances(m: FeatureMatrix, k: number): Float32Array {
  return reduceDistanceBlocks(m, m, (d) => {
    const { values } = tf.topk(tf.neg(d), k + 1, true);
    return tf.reshape(tf.neg(tf.slice(values, [0, k], [-1, 1])), [-1]);
  });
}

/**
 * Checks `k` is a positive integer and `m` has more than `k` vectors (a k-th neighbour other than itself).
 *
 * @throws {@link GanConfigError} naming `k` or `argument`.
 */
export function checkNeighbourCount(m: FeatureMatrix, k: number, argument: string): void {
  if (!Number.isInteger(k) || k < 1) throw new GanConfigError('k', `expected a positive integer, got ${k}`);
  if (m.count < k + 1)
    throw new GanConfigError(argument, `has ${m.count} vectors; k = ${k} nearest neighbours need at least ${k + 1}`);
}
