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
 * Visits the squared distances between `a` and `b` one block of `a`'s rows at a time: `visit`
 * gets the `[rows, b.count]` block (rows `[start, start + rows)` of `a`) inside `tf.tidy` and
 * returns tensors, whose values `collect` then receives (the tensors are disposed). Both sets are
 * centred on `a`'s mean first (distances do not change; the norms, and so the rounding error,
 * shrink).
 */
export function forEachDistanceBlock(
  a: FeatureMatrix,
  b: FeatureMatrix,
  visit: (squaredDistances: tf.Tensor2D, start: number) => tf.Tensor[],
  collect: (values: Float32Array[], start: number, rows: number) => void,
): void {
  const rowsPerBlock = Math.max(1, Math.floor(BLOCK_PAIRS / Math.max(1, b.count)));
  const [centredA, centredB, normsB] = tf.tidy(() => {
    const ta = tf.tensor2d(a.values, [a.count, a.dim]);
    const mean = tf.mean(ta, 0, true);
    const ca = tf.sub(ta, mean) as tf.Tensor2D;
    const cb = tf.sub(tf.tensor2d(b.values, [b.count, b.dim]), mean) as tf.Tensor2D;
    return [ca, cb, tf.reshape(tf.sum(tf.square(cb), 1), [1, b.count]) as tf.Tensor2D];
  });
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
        return visit(snapped, start);
      });
      try {
        collect(
          out.map((t) => t.dataSync() as Float32Array),
          start,
          rows,
        );
      } finally {
        tf.dispose(out);
      }
    }
  } finally {
    tf.dispose([centredA, centredB, normsB]);
  }
}

/**
 * The squared distance of each vector of `m` to its k-th nearest other vector of `m` (the radius
 * of its k-NN ball), for each k of `ks`, from one pass. A vector's distance to itself is 0, so
 * this is the (k+1)-th smallest distance of its row; duplicates count as neighbours at distance 0.
 */
export function kthNeighbourRadii(m: FeatureMatrix, ks: readonly number[]): Map<number, Float32Array> {
  const largest = Math.max(...ks);
  const radii = new Map<number, Float32Array>(ks.map((k) => [k, new Float32Array(m.count)]));
  forEachDistanceBlock(
    m,
    m,
    (d) => [tf.neg(tf.topk(tf.neg(d), largest + 1, true).values)],
    ([sorted], start, rows) => {
      for (let i = 0; i < rows; i++) for (const [k, r] of radii) r[start + i] = sorted[i * (largest + 1) + k];
    },
  );
  return radii;
}

/** Which k-NN ball tests {@link crossBallCounts} runs; each is the squared radii of one set's balls. */
export interface BallTests {
  /** Real balls for precision: is each generated vector inside any of them? */
  precision?: Float32Array;
  /** Generated balls for recall: is each real vector inside any of them? */
  recall?: Float32Array;
  /** Real balls for density: how many of them hold each generated vector? */
  density?: Float32Array;
  /** Real balls for coverage: does each real ball hold a generated vector? */
  coverage?: Float32Array;
}

/** What {@link crossBallCounts} counts, for the tests asked for (else 0). */
export interface BallCounts {
  /** Generated vectors inside some real ball. */
  generatedInside: number;
  /** Real vectors inside some generated ball. */
  realInside: number;
  /** Σ over generated vectors of the real balls holding it. */
  ballHits: number;
  /** Real balls holding a generated vector. */
  realCovered: number;
}

/**
 * The k-NN ball counts behind precision, recall, density and coverage, from one pass over the
 * distances between `real` (rows) and `generated` (columns). A point on a ball's surface is inside.
 */
export function crossBallCounts(real: FeatureMatrix, generated: FeatureMatrix, tests: BallTests): BallCounts {
  const column = (r: Float32Array | undefined) => (r === undefined ? null : tf.tensor2d(r, [r.length, 1]));
  const precisionRadii = column(tests.precision);
  const densityRadii = column(tests.density);
  const coverageRadii = column(tests.coverage);
  const recallRadii = tests.recall === undefined ? null : tf.tensor2d(tests.recall, [1, tests.recall.length]);
  const generatedInside = new Uint8Array(generated.count);
  const ballHits = new Float64Array(generated.count);
  let realInside = 0;
  let realCovered = 0;
  try {
    forEachDistanceBlock(
      real,
      generated,
      (d, start) => {
        const rows = d.shape[0];
        const mine = (r: tf.Tensor2D) => tf.slice(r, [start, 0], [rows, 1]);
        const out: tf.Tensor[] = [];
        // Each tensor below is a count or 0/1 flag; float32 holds them exactly.
        if (precisionRadii) out.push(tf.cast(tf.any(tf.lessEqual(d, mine(precisionRadii)), 0), 'float32'));
        if (densityRadii) out.push(tf.sum(tf.cast(tf.lessEqual(d, mine(densityRadii)), 'float32'), 0));
        if (coverageRadii) out.push(tf.cast(tf.lessEqual(tf.min(d, 1, true), mine(coverageRadii)), 'float32'));
        if (recallRadii) out.push(tf.cast(tf.any(tf.lessEqual(d, recallRadii), 1), 'float32'));
        return out;
      },
      (values) => {
        // In the order `visit` pushed them.
        const next = (): Float32Array => values.shift() as Float32Array;
        if (precisionRadii) next().forEach((v, j) => (generatedInside[j] |= v > 0 ? 1 : 0));
        if (densityRadii) next().forEach((v, j) => (ballHits[j] += v));
        if (coverageRadii) next().forEach((v) => (realCovered += v));
        if (recallRadii) next().forEach((v) => (realInside += v));
      },
    );
  } finally {
    tf.dispose([precisionRadii, densityRadii, coverageRadii, recallRadii].filter((t) => t !== null));
  }
  return {
    generatedInside: generatedInside.reduce((s, v) => s + v, 0),
    realInside,
    ballHits: ballHits.reduce((s, v) => s + v, 0),
    realCovered,
  };
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
