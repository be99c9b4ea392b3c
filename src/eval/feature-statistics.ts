/**
 * The mean and covariance of a set of feature vectors: what the Fréchet distance compares.
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';

/** The first two moments of `count` feature vectors of length `dim`, in float64. */
export interface FeatureStatistics {
  /** Number of vectors the statistics were taken over. */
  count: number;
  /** Length of one feature vector. */
  dim: number;
  /** The mean vector, length `dim`. */
  mean: Float64Array;
  /** The unbiased covariance (divided by `count − 1`), row-major `dim × dim`, symmetric. */
  covariance: Float64Array;
}

/**
 * Checks that `features` holds whole vectors of length `dim` with no NaN or infinite value, and
 * returns the number of vectors.
 *
 * @throws {@link GanConfigError} naming `argument` otherwise.
 */
export function checkFeatures(features: ArrayLike<number>, dim: number, argument = 'features'): number {
  if (!Number.isInteger(dim) || dim <= 0) throw new GanConfigError('dim', `expected a positive integer, got ${dim}`);
  if (features.length % dim !== 0)
    throw new GanConfigError(
      argument,
      `holds ${features.length} values, not a whole number of vectors of length ${dim}`,
    );
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i]))
      throw new GanConfigError(`${argument}[${i}]`, `expected a finite number, got ${features[i]}`);
  }
  return features.length / dim;
}

/**
 * Mean and unbiased covariance of `features`, row-major vectors of length `dim`, accumulated in
 * float64 (centred first, so large offsets cost no precision).
 *
 * @param features - `count × dim` values, row-major (e.g. {@link ClassifierOutputs.features}).
 * @param dim - length of one vector.
 * @throws {@link GanConfigError} when there are fewer than 2 vectors, the length is not a
 * multiple of `dim`, or a value is NaN or infinite.
 *
 * @example
 * ```ts
 * const stats = featureStatistics(new Float32Array([0, 0, 2, 2]), 2); // two 2-D points
 * stats.mean;       // [1, 1]
 * stats.covariance; // [2, 2, 2, 2]
 * ```
 */
export function featureStatistics(features: ArrayLike<number>, dim: number): FeatureStatistics {
  const count = checkFeatures(features, dim);
  if (count < 2) throw new GanConfigError('features', `a covariance needs at least 2 vectors, got ${count}`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) mean[j] += features[i * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= count;
  const covariance = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < dim; j++) centred[j] = features[i * dim + j] - mean[j];
    for (let a = 0; a < dim; a++) {
      const ca = centred[a];
      if (ca === 0) continue;
      const row = a * dim;
      for (let b = a; b < dim; b++) covariance[row + b] += ca * centred[b];
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = covariance[a * dim + b] / (count - 1);
      covariance[a * dim + b] = v;
      covariance[b * dim + a] = v;
    }
  }
  return { count, dim, mean, covariance };
}
