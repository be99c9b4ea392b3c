/**
 * The metrics that compare a generated feature set with a real one vector by vector (KID,
 * precision, recall, density, coverage, and per class when both sides have labels), in one call
 * with one protocol.
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';
import { densityCoverage } from './density-coverage';
import { kernelInceptionDistance } from './kernel-inception-distance';
import { perClassDensityCoverage, perClassPrecisionRecall } from './per-class-metrics';
import { precisionRecall } from './precision-recall';

/** Real feature vectors to compare against, with what they are. */
export interface RealFeatures {
  /** What the vectors are, e.g. `'MNIST test split: 1000 of 10000 images (seeded choice, seed 0)'`. */
  source: string;
  /** `count × featureDim` values, row-major. */
  features: Float32Array;
  /** Length of one vector. */
  featureDim: number;
  /** The class of each vector, or `null`. */
  labels: Int32Array | null;
}

/** Options of {@link sampleSetMetrics}. */
export interface SampleSetOptions {
  /** KID subsets (default 100). */
  kidSubsets?: number;
  /** KID subset size (default 1000, capped at the smaller set). */
  kidSubsetSize?: number;
  /** Seed of the KID subsets (default 0). */
  seed?: number;
  /** k of precision and recall (default 3). */
  precisionK?: number;
  /** k of density and coverage (default 5). */
  densityK?: number;
}

/** Per-class means (conditional models: the real and generated vectors of each class compared). */
export interface PerClassSampleSetMetrics {
  /** Mean per-class precision. */
  precision: number;
  /** Mean per-class recall. */
  recall: number;
  /** Mean per-class density. */
  density: number;
  /** Mean per-class coverage. */
  coverage: number;
  /** Classes left out of the means (missing on a side, or too few vectors). */
  skippedClasses: number[];
}

/** What {@link sampleSetMetrics} returns. */
export interface SampleSetMetrics {
  /** Kernel inception distance, mean over subsets ({@link kernelInceptionDistance}); lower is better, ≈ 0 for matching sets. */
  kid: number;
  /** Standard deviation of KID over its subsets. */
  kidStd: number;
  /** Share of generated vectors inside the real k-NN manifold ({@link precisionRecall}). */
  precision: number;
  /** Share of real vectors inside the generated k-NN manifold. */
  recall: number;
  /** Real k-NN balls per generated vector, over k ({@link densityCoverage}); ≈ 1 for matching sets. */
  density: number;
  /** Share of real vectors whose k-NN ball holds a generated vector. */
  coverage: number;
  /** The same per class, when both sides have labels; else `null`. */
  perClass: PerClassSampleSetMetrics | null;
}

/**
 * KID, precision, recall, density and coverage of `generated` against `real` (and their per-class
 * means when both have labels), with the papers' defaults. See each metric for its formula.
 *
 * @param generated - `n × real.featureDim` values, row-major.
 * @param labels - the class of each generated vector (e.g. the label it was generated for), or `null`.
 * @throws {@link GanConfigError} naming the argument for mismatched sizes or too few vectors.
 *
 * @example
 * ```ts
 * const m = sampleSetMetrics(real, outputs.features, labels);
 * console.log(m.kid, m.precision, m.recall);
 * ```
 */
export function sampleSetMetrics(
  real: RealFeatures,
  generated: Float32Array,
  labels: ArrayLike<number> | null,
  options: SampleSetOptions = {},
): SampleSetMetrics {
  const dim = real.featureDim;
  if (labels !== null && labels.length * dim !== generated.length)
    throw new GanConfigError('labels', `has ${labels.length} labels for ${generated.length / dim} vectors`);
  const kid = kernelInceptionDistance(real.features, generated, {
    dim,
    subsets: options.kidSubsets,
    subsetSize: options.kidSubsetSize,
    seed: options.seed,
  });
  const pr = precisionRecall(real.features, generated, { dim, k: options.precisionK });
  const dc = densityCoverage(real.features, generated, { dim, k: options.densityK });
  let perClass: PerClassSampleSetMetrics | null = null;
  if (labels !== null && real.labels !== null) {
    const classes = { realLabels: real.labels, generatedLabels: labels, dim };
    const prc = perClassPrecisionRecall(real.features, generated, { ...classes, k: options.precisionK });
    const dcc = perClassDensityCoverage(real.features, generated, { ...classes, k: options.densityK });
    perClass = {
      precision: prc.mean?.precision ?? NaN,
      recall: prc.mean?.recall ?? NaN,
      density: dcc.mean?.density ?? NaN,
      coverage: dcc.mean?.coverage ?? NaN,
      skippedClasses: [...new Set([...prc.skippedClasses, ...dcc.skippedClasses])].sort((a, b) => a - b),
    };
  }
  return {
    kid: kid.mean,
    kidStd: kid.std,
    precision: pr.precision,
    recall: pr.recall,
    density: dc.density,
    coverage: dc.coverage,
    perClass,
  };
}
