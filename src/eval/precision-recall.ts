/**
 * Improved precision and recall of a generated set against a real one, from k-nearest-neighbour
 * estimates of each set's manifold.
 *
 * @packageDocumentation
 */
import { toFeaturePair, type FeatureSet } from './feature-matrix';
import { manifoldMetrics, realManifold } from './manifold-metrics';
import { checkNeighbourCount } from './pairwise-distances';

/** Options of {@link precisionRecall} and {@link densityCoverage}. */
export interface NeighbourMetricOptions {
  /** Length of one vector; needed when the sets are plain values. */
  dim?: number;
  /** Neighbours defining each ball's radius (default 3 for precision and recall, 5 for density and coverage, as in the papers). */
  k?: number;
}

/** What {@link precisionRecall} returns. */
export interface PrecisionRecall {
  /** Share of generated vectors inside the real manifold: how realistic the samples are. */
  precision: number;
  /** Share of real vectors inside the generated manifold: how much of the real variety is produced. */
  recall: number;
}

/**
 * Improved precision and recall (Kynkäänniemi, Karras, Laine, Lehtinen and Aila, "Improved
 * Precision and Recall Metric for Assessing Generative Models", NeurIPS 2019). Each set's
 * manifold is the union of balls `B(φ, ‖φ − NN_k(φ)‖)` around its vectors, with the radius the
 * distance to the k-th nearest other vector of the same set; with `f(φ, Φ) = 1` when φ lies in
 * Φ's manifold,
 *
 * `precision = (1/|Φ_g|) Σ_{φ ∈ Φ_g} f(φ, Φ_r)`,  `recall = (1/|Φ_r|) Σ_{φ ∈ Φ_r} f(φ, Φ_g)`.
 *
 * Both are in [0, 1]; identical sets give 1 and 1, far-apart sets 0 and 0. Distances are
 * Euclidean, computed in blocks of tfjs ops (n = 10,000 fits in memory).
 *
 * @param real - the real features, `[n, d]`.
 * @param generated - the generated features, `[n', d]`.
 * @throws {@link GanConfigError} naming the argument when the dimensions differ, a value is not
 * finite, `k` is not a positive integer, or a set has `k` vectors or fewer.
 *
 * @example
 * ```ts
 * const { precision, recall } = precisionRecall(realFeatures, fakeFeatures, { dim: 128 });
 * ```
 */
export function precisionRecall(
  real: FeatureSet,
  generated: FeatureSet,
  options: NeighbourMetricOptions = {},
): PrecisionRecall {
  const k = options.k ?? 3;
  const [a, b] = toFeaturePair(real, generated, options.dim);
  checkNeighbourCount(a, k, 'real');
  checkNeighbourCount(b, k, 'generated');
  const { precision, recall } = manifoldMetrics(realManifold(a, [k]), b, k, k, {
    precisionRecall: true,
    densityCoverage: false,
  });
  return { precision, recall };
}
