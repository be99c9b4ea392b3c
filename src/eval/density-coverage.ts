/**
 * Density and coverage of a generated set against a real one (k-nearest-neighbour balls around
 * the real vectors only, so outliers among the real data do not inflate them).
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';
import { toFeaturePair, type FeatureSet } from './feature-matrix';
import { manifoldMetrics, realManifold } from './manifold-metrics';
import { checkNeighbourCount } from './pairwise-distances';
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
  const { density, coverage } = manifoldMetrics(realManifold(a, [k]), b, k, k, {
    precisionRecall: false,
    densityCoverage: true,
  });
  return { density, coverage };
}
