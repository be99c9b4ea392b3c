/**
 * Mode collapse: a GAN that draws only a few classes, or the same few images within a class. The
 * report combines the class histogram (coverage, entropy, largest share) with the within-class
 * diversity of the classifier's features, compared with real data's.
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';
import {
  checkClassIndices,
  classCoverage,
  classHistogram,
  histogramEntropy,
  largestClassShare,
} from './class-histogram';
import { checkFeatures } from './feature-statistics';

/** Default cap on the samples per class that {@link classDiversity} compares pairwise. */
export const DIVERSITY_MAX_PER_CLASS = 500;

/**
 * The mean Euclidean distance between all pairs of the given feature vectors (an unbiased estimate
 * of `E‖x − x'‖` for two independent samples): 0 when all are the same, larger the more they differ.
 *
 * @param features - row-major vectors of length `dim`.
 * @param dim - length of one vector.
 * @param indices - which vectors to compare (default: all).
 * @returns the mean distance, or NaN for fewer than two vectors.
 * @throws {@link GanConfigError} for a partial vector, a NaN, or an index out of range.
 *
 * @example
 * ```ts
 * meanPairwiseDistance([0, 0, 3, 4, 0, 0], 2); // points (0,0), (3,4), (0,0): distances 5, 0, 5 → 10/3
 * ```
 */
export function meanPairwiseDistance(features: ArrayLike<number>, dim: number, indices?: ArrayLike<number>): number {
  const count = checkFeatures(features, dim);
  const idx = indices ?? Array.from({ length: count }, (_, i) => i);
  for (let k = 0; k < idx.length; k++) {
    if (!Number.isInteger(idx[k]) || idx[k] < 0 || idx[k] >= count)
      throw new GanConfigError(`indices[${k}]`, `expected an index in [0, ${count}), got ${idx[k]}`);
  }
  const m = idx.length;
  if (m < 2) return NaN;
  let sum = 0;
  for (let a = 0; a < m; a++) {
    const ra = idx[a] * dim;
    for (let b = a + 1; b < m; b++) {
      const rb = idx[b] * dim;
      let d2 = 0;
      for (let j = 0; j < dim; j++) {
        const d = features[ra + j] - features[rb + j];
        d2 += d * d;
      }
      sum += Math.sqrt(d2);
    }
  }
  return sum / ((m * (m - 1)) / 2);
}

/**
 * The within-class diversity of each class: {@link meanPairwiseDistance} over the first
 * `maxPerClass` samples of the class (default {@link DIVERSITY_MAX_PER_CLASS}; the mean over pairs
 * is unbiased whatever the number, the cap only bounds the cost, which grows with its square).
 *
 * @param features - row-major vectors of length `dim`, one per sample.
 * @param groups - the class of each sample (the requested label of a conditional GAN, else the predicted class).
 * @returns one value per class; NaN for a class with fewer than two samples.
 * @throws {@link GanConfigError} for mismatched lengths or a group outside [0, numClasses).
 *
 * @example
 * ```ts
 * const perClass = classDiversity(outputs.features, outputs.featureDim, labels, 10);
 * ```
 */
export function classDiversity(
  features: ArrayLike<number>,
  dim: number,
  groups: ArrayLike<number>,
  numClasses: number,
  maxPerClass = DIVERSITY_MAX_PER_CLASS,
): number[] {
  const count = checkFeatures(features, dim);
  if (groups.length !== count)
    throw new GanConfigError(
      'groups',
      `has ${groups.length} entries for ${count} feature vectors; expected one per vector`,
    );
  checkClassIndices(groups, numClasses, 'groups');
  if (!Number.isInteger(maxPerClass) || maxPerClass < 2)
    throw new GanConfigError('maxPerClass', `expected an integer ≥ 2, got ${maxPerClass}`);
  const members: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < count; i++) if (members[groups[i]].length < maxPerClass) members[groups[i]].push(i);
  return members.map((idx) => meanPairwiseDistance(features, dim, idx));
}

/** What {@link modeCollapseReport} finds. */
export interface ModeCollapseReport {
  /** Samples per predicted class. */
  histogram: number[];
  /** Classes holding at least `minShare` of the samples (see {@link classCoverage}). */
  coverage: number;
  /** Entropy of the predicted-class distribution in nats (see {@link histogramEntropy}); `ln 10 ≈ 2.303` at most for MNIST. */
  entropy: number;
  /** Share of the most frequent predicted class (see {@link largestClassShare}). */
  largestClassShare: number;
  /** Within-class diversity of the samples per class (NaN where a class has fewer than two samples). */
  diversity: number[];
  /** The same for the real data (from the classifier's reference statistics). */
  realDiversity: number[];
  /**
   * Mean over the classes with at least two samples of `diversity / realDiversity`: about 1 for
   * samples as varied as real digits, near 0 when a class's samples are copies of one image; NaN
   * when no class has two samples.
   */
  diversityRatio: number;
  /** What looks collapsed, in words (empty when nothing does). */
  warnings: string[];
}

/** What {@link modeCollapseReport} needs. */
export interface ModeCollapseInput {
  /** Predicted class per sample. */
  predicted: ArrayLike<number>;
  /** Feature vectors, row-major, one per sample. */
  features: ArrayLike<number>;
  /** Length of a feature vector. */
  featureDim: number;
  /** Number of classes. */
  numClasses: number;
  /** Real data's within-class diversity per class (e.g. `classifier.reference.classDiversity`). */
  realDiversity: readonly number[];
  /** Class of each sample for the diversity: the requested labels of a conditional GAN (default: `predicted`). */
  groups?: ArrayLike<number>;
  /** See {@link CoverageOptions.minShare} (default 0.01). */
  minShare?: number;
  /** See {@link classDiversity} (default {@link DIVERSITY_MAX_PER_CLASS}). */
  maxPerClass?: number;
}

/**
 * Measures how collapsed a set of samples is. Warnings are raised (heuristics, for a quick read;
 * the numbers are the measurement) when fewer than all classes are covered, when the largest class
 * holds more than twice its balanced share `1 / K`, or when the diversity ratio is below 0.5.
 *
 * @throws {@link GanConfigError} for mismatched lengths or class indices out of range.
 *
 * @example
 * ```ts
 * const outputs = await classifier.classify(images);
 * const report = modeCollapseReport({
 *   predicted: argmaxRows(outputs.probabilities, 10), features: outputs.features, featureDim: outputs.featureDim,
 *   numClasses: 10, realDiversity: classifier.reference!.classDiversity,
 * });
 * console.log(report.coverage, report.warnings);
 * ```
 */
export function modeCollapseReport(input: ModeCollapseInput): ModeCollapseReport {
  const { predicted, numClasses, realDiversity } = input;
  if (realDiversity.length !== numClasses)
    throw new GanConfigError(
      'realDiversity',
      `has ${realDiversity.length} values; expected one per class (${numClasses})`,
    );
  const histogram = classHistogram(predicted, numClasses);
  const coverage = classCoverage(histogram, { minShare: input.minShare });
  const entropy = histogramEntropy(histogram);
  const largest = largestClassShare(histogram);
  const diversity = classDiversity(
    input.features,
    input.featureDim,
    input.groups ?? predicted,
    numClasses,
    input.maxPerClass,
  );
  const ratios = diversity.map((d, c) => d / realDiversity[c]).filter((r) => Number.isFinite(r));
  const diversityRatio = ratios.length === 0 ? NaN : ratios.reduce((a, b) => a + b, 0) / ratios.length;
  const warnings: string[] = [];
  if (coverage < numClasses) {
    const missing = histogram
      .map((c, k) => [c, k])
      .filter(([c]) => c === 0 || c < (input.minShare ?? 0.01) * predicted.length)
      .map(([, k]) => k);
    warnings.push(`${numClasses - coverage} of ${numClasses} classes are (nearly) never drawn: ${missing.join(', ')}`);
  }
  if (largest > 2 / numClasses)
    warnings.push(
      `class ${histogram.indexOf(Math.max(...histogram))} takes ${(100 * largest).toFixed(1)}% of the samples (balanced: ${(100 / numClasses).toFixed(1)}%)`,
    );
  if (diversityRatio < 0.5)
    warnings.push(`within-class diversity is ${(100 * diversityRatio).toFixed(0)}% of real data's`);
  return {
    histogram,
    coverage,
    entropy,
    largestClassShare: largest,
    diversity,
    realDiversity: [...realDiversity],
    diversityRatio,
    warnings,
  };
}
