/**
 * The metrics that compare a generated feature set with a real one vector by vector (KID,
 * precision, recall, density, coverage, and per class when both sides have labels), in one call
 * with one protocol.
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';
import { toFeatureMatrix, toFeaturePair } from './feature-matrix';
import { kernelInceptionDistance } from './kernel-inception-distance';
import { manifoldMetrics, realManifold, type RealManifold } from './manifold-metrics';
import { checkNeighbourCount } from './pairwise-distances';
import { perClassDensityCoverage, perClassPrecisionRecall } from './per-class-metrics';

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
 * The real sets' k-NN radii, kept per features array while it lives: evaluating the samples and
 * the baseline against one reference (or several checkpoints against it) computes them once.
 */
const manifolds = new WeakMap<Float32Array, Map<string, RealManifold>>();

function cachedManifold(real: RealFeatures, precisionK: number, densityK: number): RealManifold {
  let byKey = manifolds.get(real.features);
  if (byKey === undefined) {
    byKey = new Map();
    manifolds.set(real.features, byKey);
  }
  const key = `${real.featureDim}:${precisionK}:${densityK}`;
  let manifold = byKey.get(key);
  if (manifold === undefined) {
    manifold = realManifold(toFeatureMatrix(real.features, real.featureDim, 'real'), [precisionK, densityK]);
    byKey.set(key, manifold);
  }
  return manifold;
}

/**
 * KID, precision, recall, density and coverage of `generated` against `real` (and their per-class
 * means when both have labels), with the papers' defaults. See each metric for its formula. The
 * real set's k-NN radii are computed once per `real.features` array and reused by later calls
 * (do not change the array in place after a call).
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
  const precisionK = options.precisionK ?? 3;
  const densityK = options.densityK ?? 5;
  const [a, b] = toFeaturePair(real.features, generated, dim);
  for (const k of [precisionK, densityK]) {
    checkNeighbourCount(a, k, 'real');
    checkNeighbourCount(b, k, 'generated');
  }
  const near = manifoldMetrics(cachedManifold(real, precisionK, densityK), b, precisionK, densityK);
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
    precision: near.precision,
    recall: near.recall,
    density: near.density,
    coverage: near.coverage,
    perClass,
  };
}
