/**
 * Density and coverage of a generated set against a real one (k-nearest-neighbour balls around
 * the real vectors only, so outliers among the real data do not inflate them).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { toFeaturePair, type FeatureSet } from './feature-matrix';
import { checkNeighbourCount, kthNeighbourSquaredDistances, reduceDistanceBlocks } from './pairwise-distances';
import type { NeighbourMetricOptions } from './precision-recall';

/** What {@link densityCoverage} returns. */
export interface DensityCoverage {
  /** Mean number of real balls a generated vector lies in, divided by k: ≈ 1 for sets from one distribution, above 1 where samples crowd dense regions. */
  density: number;
  /** Share of real vectors whose ball holds at least one generated vector, in [0, 1]. */
  coverage: number;
}

/**
 * Density and coverage (Naeem, Oh, Uh, Choi and Yoo, "Reliable Fidelity and Diversity Metrics for
 * Generative Models", ICML 2020). With `B(xᵢ, NND_k(xᵢ))` the ball around real vector xᵢ of
 * radius its distance to its k-th nearest other real vector, N real and M generated vectors yⱼ:
 *
 * `density = (1/(kM)) Σ_j Σ_i 1[yⱼ ∈ B(xᵢ, NND_k(xᵢ))]`,
 * `coverage = (1/N) Σ_i 1[∃ j: yⱼ ∈ B(xᵢ, NND_k(xᵢ))]`.
 *
 * A point on a ball's surface counts as inside. Density is unbounded (≈ 1 for matching sets);
 * coverage is in [0, 1].
 *
 * @param real - the real features, `[n, d]`.
 * @param generated - the generated features, `[n', d]`.
 * @throws {@link GanConfigError} naming the argument when the dimensions differ, a value is not
 * finite, `k` is not a positive integer, or the real set has `k` vectors or fewer (or the
 * generated set none).
 *
 * @example
 * ```ts
 * const { density, coverage } = densityCoverage(realFeatures, fakeFeatures, { dim: 128 });
 * ```
 */
export function densityCoverage(
  real: FeatureSet,
  generated: FeatureSet,
  options: NeighbourMetricOptions = {},
): DensityCoverage {
  const k = options.k ?? 5;
  const [a, b] = toFeaturePair(real, generated, options.dim);
  checkNeighbourCount(a, k, 'real');
  if (b.count < 1) throw new GanConfigError('generated', 'has no vectors');
  const radii = kthNeighbourSquaredDistances(a, k);
  const r = tf.tensor2d(radii, [1, a.count]);
  const rColumn = tf.tensor2d(radii, [a.count, 1]);
  try {
    // Per generated vector: how many real balls hold it.
    const counts = reduceDistanceBlocks(b, a, (d) => tf.sum(tf.cast(tf.lessEqual(d, r), 'float32'), 1));
    let inside = 0;
    for (let j = 0; j < counts.length; j++) inside += counts[j];
    // Per real vector: is its nearest generated vector inside its ball.
    const covered = reduceDistanceBlocks(a, b, (d, start) =>
      tf.cast(tf.lessEqual(tf.min(d, 1), tf.reshape(tf.slice(rColumn, [start, 0], [d.shape[0], 1]), [-1])), 'float32'),
    );
    let coveredCount = 0;
    for (let i = 0; i < covered.length; i++) coveredCount += covered[i];
    return { density: inside / (k * b.count), coverage: coveredCount / a.count };
  } finally {
    tf.dispose([r, rColumn]);
  }
}
