/**
 * How the predicted classes of a set of samples spread over the classes: the histogram, how many
 * classes are covered, its entropy and its largest share.
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';

function checkNumClasses(numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses <= 0)
    throw new GanConfigError('numClasses', `expected a positive integer, got ${numClasses}`);
}

/**
 * Checks that every value is an integer class index in [0, numClasses).
 *
 * @throws {@link GanConfigError} naming `argument[i]` otherwise.
 */
export function checkClassIndices(values: ArrayLike<number>, numClasses: number, argument: string): void {
  checkNumClasses(numClasses);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= numClasses)
      throw new GanConfigError(`${argument}[${i}]`, `expected a class index in [0, ${numClasses}), got ${v}`);
  }
}

function checkHistogram(histogram: readonly number[]): number {
  if (!Array.isArray(histogram) || histogram.length === 0)
    throw new GanConfigError('histogram', 'expected a non-empty array of counts');
  let total = 0;
  histogram.forEach((c, i) => {
    if (!Number.isFinite(c) || c < 0)
      throw new GanConfigError(`histogram[${i}]`, `expected a non-negative count, got ${c}`);
    total += c;
  });
  if (total === 0) throw new GanConfigError('histogram', 'holds no sample');
  return total;
}

/**
 * Counts how many samples fall in each class.
 *
 * @param classes - a class index per sample (e.g. the classifier's predictions, see {@link argmaxRows}).
 * @param numClasses - number of classes (the histogram's length).
 * @throws {@link GanConfigError} when a value is not an integer in [0, numClasses).
 *
 * @example
 * ```ts
 * classHistogram([3, 3, 1], 4); // [0, 1, 0, 2]
 * ```
 */
export function classHistogram(classes: ArrayLike<number>, numClasses: number): number[] {
  checkClassIndices(classes, numClasses, 'classes');
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < classes.length; i++) counts[classes[i]]++;
  return counts;
}

/** Options of {@link classCoverage}. */
export interface CoverageOptions {
  /**
   * Smallest share of all samples a class must hold to count as covered (default 0.01, i.e. 1%;
   * a tenth of the 10% a class holds when 10 classes are balanced). A class needs at least one
   * sample whatever the share.
   */
  minShare?: number;
}

/**
 * The number of classes holding at least `minShare` (default 1%) of the samples, and at least
 * one: 10 for balanced MNIST-like samples, 1 when every sample is the same digit.
 *
 * @throws {@link GanConfigError} for an empty or negative histogram, or `minShare` outside [0, 1].
 *
 * @example
 * ```ts
 * classCoverage([500, 495, 5]);                   // 2 (the last class holds 0.5%)
 * classCoverage([500, 495, 5], { minShare: 0 });  // 3
 * ```
 */
export function classCoverage(histogram: readonly number[], options: CoverageOptions = {}): number {
  const total = checkHistogram(histogram);
  const minShare = options.minShare ?? 0.01;
  if (!Number.isFinite(minShare) || minShare < 0 || minShare > 1)
    throw new GanConfigError('minShare', `expected a number in [0, 1], got ${minShare}`);
  return histogram.filter((c) => c > 0 && c >= minShare * total).length;
}

/**
 * The entropy of the class distribution in nats, `−Σ pᵢ ln pᵢ`: 0 when all samples are one
 * class, `ln K` (≈ 2.303 for 10 classes) when they are spread evenly.
 *
 * @throws {@link GanConfigError} for an empty or negative histogram.
 *
 * @example
 * ```ts
 * histogramEntropy([5, 5]); // ln 2 ≈ 0.693
 * ```
 */
export function histogramEntropy(histogram: readonly number[]): number {
  const total = checkHistogram(histogram);
  let h = 0;
  for (const c of histogram) if (c > 0) h -= (c / total) * Math.log(c / total);
  return h;
}

/**
 * The share of the samples in the most frequent class: `1 / K` at best (balanced), 1 when every
 * sample is one class.
 *
 * @throws {@link GanConfigError} for an empty or negative histogram.
 *
 * @example
 * ```ts
 * largestClassShare([1, 3]); // 0.75
 * ```
 */
export function largestClassShare(histogram: readonly number[]): number {
  const total = checkHistogram(histogram);
  return Math.max(...histogram) / total;
}
