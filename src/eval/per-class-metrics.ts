/**
 * Any sample-set metric taken class by class, for conditional models: the real and generated
 * vectors of each class compared with each other, and the mean over the classes measured.
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';
import { checkClassIndices } from './class-histogram';
import { densityCoverage, type DensityCoverage } from './density-coverage';
import { selectRows, toFeaturePair, type FeatureSet } from './feature-matrix';
import {
  kernelInceptionDistance,
  type KernelInceptionDistance,
  type KernelInceptionDistanceOptions,
} from './kernel-inception-distance';
import { precisionRecall, type NeighbourMetricOptions, type PrecisionRecall } from './precision-recall';

/** Labels of the two sets, and how many classes there are. */
export interface PerClassOptions {
  /** The class of each real vector. */
  realLabels: ArrayLike<number>;
  /** The class of each generated vector (e.g. the label it was generated for). */
  generatedLabels: ArrayLike<number>;
  /** Number of classes (default: the largest label + 1). */
  numClasses?: number;
  /** Length of one vector; needed when the sets are plain values. */
  dim?: number;
}

/** One class's result. */
export interface ClassMeasurement<T> {
  /** The class. */
  label: number;
  /** Real vectors of this class. */
  realCount: number;
  /** Generated vectors of this class. */
  generatedCount: number;
  /** The metric, or `null` when the class was skipped. */
  value: T | null;
  /** Why the class was skipped (`'missing in real'`, `'missing in generated'`, `'missing in both'`, or too few vectors), or `null`. */
  skipped: string | null;
}

/** What the per-class metrics return. */
export interface PerClassResult<T> {
  /** One entry per class, in class order. */
  classes: ClassMeasurement<T>[];
  /** The mean of each field over the measured classes; `null` when no class could be measured. */
  mean: T | null;
  /** Classes skipped (see {@link ClassMeasurement.skipped}). */
  skippedClasses: number[];
}

/** Fewest vectors of a class a metric needs on each side (fewer: the class is skipped). */
export interface MinimumCounts {
  /** Real vectors. */
  real: number;
  /** Generated vectors. */
  generated: number;
}

function classRows(labels: ArrayLike<number>, numClasses: number): number[][] {
  const rows: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) rows[labels[i]].push(i);
  return rows;
}

/**
 * Runs `metric` on the real and generated vectors of each class separately, and averages each
 * field of its result over the classes measured. A class absent from either side, or with fewer
 * vectors than `minimum`, is reported in {@link PerClassResult.skippedClasses} with the reason,
 * never as a NaN.
 *
 * @throws {@link GanConfigError} when a label set does not match its features, or a label is not a
 * class index.
 *
 * @example
 * ```ts
 * const byClass = perClassMetric(real, generated, { realLabels, generatedLabels, dim: 128 }, (r, g, dim) =>
 *   precisionRecall(r, g, { dim }), { real: 4, generated: 4 });
 * ```
 */
export function perClassMetric<T extends object>(
  real: FeatureSet,
  generated: FeatureSet,
  options: PerClassOptions,
  metric: (real: Float32Array, generated: Float32Array, dim: number) => T,
  minimum: MinimumCounts = { real: 1, generated: 1 },
): PerClassResult<T> {
  const [a, b] = toFeaturePair(real, generated, options.dim);
  const { realLabels, generatedLabels } = options;
  if (realLabels === undefined || realLabels.length !== a.count)
    throw new GanConfigError(
      'realLabels',
      `expected one label per real vector (${a.count}), got ${realLabels?.length}`,
    );
  if (generatedLabels === undefined || generatedLabels.length !== b.count)
    throw new GanConfigError(
      'generatedLabels',
      `expected one label per generated vector (${b.count}), got ${generatedLabels?.length}`,
    );
  let numClasses = options.numClasses;
  if (numClasses === undefined) {
    numClasses = 0;
    for (const labels of [realLabels, generatedLabels])
      for (let i = 0; i < labels.length; i++) numClasses = Math.max(numClasses, Math.floor(labels[i]) + 1);
    numClasses = Math.max(1, numClasses);
  }
  checkClassIndices(realLabels, numClasses, 'realLabels');
  checkClassIndices(generatedLabels, numClasses, 'generatedLabels');
  const realRows = classRows(realLabels, numClasses);
  const generatedRows = classRows(generatedLabels, numClasses);
  const classes: ClassMeasurement<T>[] = [];
  for (let label = 0; label < numClasses; label++) {
    const realCount = realRows[label].length;
    const generatedCount = generatedRows[label].length;
    let skipped: string | null = null;
    if (realCount === 0 && generatedCount === 0) skipped = 'missing in both';
    else if (realCount === 0) skipped = 'missing in real';
    else if (generatedCount === 0) skipped = 'missing in generated';
    else if (realCount < minimum.real || generatedCount < minimum.generated)
      skipped = `too few vectors (${realCount} real, ${generatedCount} generated; needs ${minimum.real} and ${minimum.generated})`;
    const value =
      skipped === null
        ? metric(selectRows(a, realRows[label]).values, selectRows(b, generatedRows[label]).values, a.dim)
        : null;
    classes.push({ label, realCount, generatedCount, value, skipped });
  }
  const measured = classes.filter((c) => c.value !== null).map((c) => c.value as T);
  let mean: T | null = null;
  if (measured.length > 0) {
    const sums: Record<string, number> = {};
    for (const v of measured)
      for (const [key, x] of Object.entries(v)) if (typeof x === 'number') sums[key] = (sums[key] ?? 0) + x;
    mean = Object.fromEntries(Object.entries(sums).map(([key, s]) => [key, s / measured.length])) as T;
  }
  return { classes, mean, skippedClasses: classes.filter((c) => c.skipped !== null).map((c) => c.label) };
}

/**
 * {@link precisionRecall} per class (see {@link perClassMetric}); a class needs k + 1 vectors on each side.
 *
 * @example
 * ```ts
 * const { classes, mean } = perClassPrecisionRecall(real, fake, { realLabels, generatedLabels, dim: 128 });
 * ```
 */
export function perClassPrecisionRecall(
  real: FeatureSet,
  generated: FeatureSet,
  options: PerClassOptions & NeighbourMetricOptions,
): PerClassResult<PrecisionRecall> {
  const k = options.k ?? 3;
  return perClassMetric(real, generated, options, (r, g, dim) => precisionRecall(r, g, { dim, k }), {
    real: k + 1,
    generated: k + 1,
  });
}

/**
 * {@link densityCoverage} per class (see {@link perClassMetric}); a class needs k + 1 real vectors.
 *
 * @example
 * ```ts
 * const { mean } = perClassDensityCoverage(real, fake, { realLabels, generatedLabels, dim: 128 });
 * ```
 */
export function perClassDensityCoverage(
  real: FeatureSet,
  generated: FeatureSet,
  options: PerClassOptions & NeighbourMetricOptions,
): PerClassResult<DensityCoverage> {
  const k = options.k ?? 5;
  return perClassMetric(real, generated, options, (r, g, dim) => densityCoverage(r, g, { dim, k }), {
    real: k + 1,
    generated: 1,
  });
}

/**
 * {@link kernelInceptionDistance} per class (see {@link perClassMetric}); a class needs 2 vectors
 * on each side. The mean's `std` is the mean of the classes' standard deviations.
 *
 * @example
 * ```ts
 * const { mean } = perClassKernelInceptionDistance(real, fake, { realLabels, generatedLabels, dim: 128 });
 * ```
 */
export function perClassKernelInceptionDistance(
  real: FeatureSet,
  generated: FeatureSet,
  options: PerClassOptions & Omit<KernelInceptionDistanceOptions, 'dim'>,
): PerClassResult<KernelInceptionDistance> {
  return perClassMetric(
    real,
    generated,
    options,
    (r, g, dim) =>
      kernelInceptionDistance(r, g, {
        dim,
        subsets: options.subsets,
        subsetSize: options.subsetSize,
        seed: options.seed,
      }),
    { real: 2, generated: 2 },
  );
}
