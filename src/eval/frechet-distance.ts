/**
 * The Fréchet distance between two sets of feature vectors, each summarised as a Gaussian (the
 * "FID" of Heusel et al. 2017, here with the MNIST classifier's features instead of Inception's).
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';
import { featureStatistics, type FeatureStatistics } from './feature-statistics';
import { traceSqrtProduct } from './matrix-sqrt';

function checkStatistics(s: FeatureStatistics, argument: string): void {
  if (s === null || typeof s !== 'object' || !Number.isInteger(s.dim) || s.dim <= 0)
    throw new GanConfigError(argument, 'expected FeatureStatistics (see featureStatistics)');
  if (s.mean.length !== s.dim || s.covariance.length !== s.dim * s.dim) {
    throw new GanConfigError(
      argument,
      `expected a mean of ${s.dim} values and a ${s.dim} × ${s.dim} covariance, got ${s.mean.length} and ${s.covariance.length} values`,
    );
  }
}

/**
 * The Fréchet (2-Wasserstein) distance between the Gaussians fitted to two feature sets:
 *
 * `FD = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½)`
 *
 * 0 for identical statistics, larger the further apart. It is in squared feature units, so values
 * are comparable only between runs using the same feature extractor; and, estimated from samples,
 * it is biased upwards by roughly `O(dim / n)`, so compare values measured with the same number of
 * samples. Tiny negative values from rounding are returned as 0.
 *
 * @param a - statistics of one set (see {@link featureStatistics}).
 * @param b - statistics of the other (e.g. {@link MnistClassifier.reference}'s).
 * @throws {@link GanConfigError} when the dimensions differ or a statistic is malformed.
 *
 * @example
 * ```ts
 * const outputs = await classifier.classify(images);
 * const fd = frechetDistance(featureStatistics(outputs.features, outputs.featureDim), classifier.reference.statistics);
 * ```
 */
export function frechetDistance(a: FeatureStatistics, b: FeatureStatistics): number {
  checkStatistics(a, 'a');
  checkStatistics(b, 'b');
  if (a.dim !== b.dim) throw new GanConfigError('b', `has feature dimension ${b.dim} but a has ${a.dim}`);
  const { dim } = a;
  let meanTerm = 0;
  let traceTerm = 0;
  for (let i = 0; i < dim; i++) {
    const d = a.mean[i] - b.mean[i];
    meanTerm += d * d;
    traceTerm += a.covariance[i * dim + i] + b.covariance[i * dim + i];
  }
  const cross = traceSqrtProduct({ values: a.covariance, dim }, { values: b.covariance, dim });
  return Math.max(0, meanTerm + traceTerm - 2 * cross);
}

/**
 * {@link frechetDistance} between two raw feature sets (row-major vectors of length `dim`).
 *
 * @throws {@link GanConfigError} when either set has fewer than 2 vectors, a partial vector or a NaN.
 *
 * @example
 * ```ts
 * frechetDistanceOfFeatures(featuresA, featuresB, 128);
 * ```
 */
export function frechetDistanceOfFeatures(a: ArrayLike<number>, b: ArrayLike<number>, dim: number): number {
  return frechetDistance(featureStatistics(a, dim), featureStatistics(b, dim));
}
