/**
 * All the sample-quality metrics in one call: for images you have ({@link evaluateImages}) or for
 * a GAN's samples ({@link quality.evaluateGan}).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { Rng } from '../random';
import type { Sampler } from '../train/sampler';
import { argmaxRows, loadMnistClassifier, type ClassifierOutputs, type MnistClassifier } from './classifier';
import { checkClassIndices } from './class-histogram';
import { classifierScore } from './classifier-score';
import { featureStatistics } from './feature-statistics';
import { frechetDistance } from './frechet-distance';
import { labelAccuracy } from './label-accuracy';
import { modeCollapseReport, type ModeCollapseReport } from './mode-collapse';
import { loadMnistReference, type MnistReference } from './real-reference';
import {
  sampleSetMetrics,
  type RealFeatures,
  type SampleSetMetrics,
  type SampleSetOptions,
} from './sample-set-metrics';

/** Every metric of a set of samples (see `docs/metrics.md` for what each means and typical values). */
export interface GanMetrics {
  /** Number of samples measured. */
  samples: number;
  /**
   * Fraction classified as the label they were generated for ({@link labelAccuracy}); `null`
   * without labels, or through a net that does not measure classes ({@link MnistClassifier.measuresClasses}).
   */
  labelAccuracy: number | null;
  /** `exp(E[KL(p(y|x) ‖ p(y))])`, 1 to 10 ({@link classifierScore}); `null` through a net that does not measure classes. */
  classifierScore: number | null;
  /** Fréchet distance of the classifier's features to the real test set's ({@link frechetDistance}); depends on `samples`. */
  frechetDistance: number;
  /**
   * Class histogram, coverage, entropy, largest share and within-class diversity
   * ({@link modeCollapseReport}); `null` through a net that does not measure classes (a rotation
   * feature net: its recall and coverage say how much of the real set the samples cover).
   */
  modeCollapse: ModeCollapseReport | null;
  /** KID, precision, recall, density and coverage against real features ({@link sampleSetMetrics}); only when `real` was given. */
  sampleSet?: SampleSetMetrics;
}

/** Options of {@link computeMetrics} and {@link evaluateImages}. */
export interface MetricsOptions {
  /** The classifier (with its reference statistics), e.g. from {@link loadMnistClassifier}. */
  classifier: MnistClassifier;
  /** The label each sample was generated for (or, for real images, its true label): enables label accuracy and groups the diversity by it. */
  labels?: ArrayLike<number> | null;
  /** See {@link CoverageOptions.minShare} (default 0.01). */
  minShare?: number;
  /** Real features to compare the samples with vector by vector (adds {@link GanMetrics.sampleSet}). */
  real?: RealFeatures | null;
  /** Options of those comparisons (KID subsets, k). */
  sampleSet?: SampleSetOptions;
}

/**
 * The metrics of samples already run through the classifier.
 *
 * @throws {@link GanConfigError} when the labels do not match the samples, or the classifier has
 * no reference statistics.
 *
 * @example
 * ```ts
 * const outputs = await classifier.classify(images);
 * const metrics = computeMetrics(outputs, { classifier, labels });
 * ```
 */
export function computeMetrics(outputs: ClassifierOutputs, options: MetricsOptions): GanMetrics {
  const { classifier } = options;
  const reference = classifier.requireReference();
  const labels = options.labels ?? null;
  if (labels !== null) {
    if (labels.length !== outputs.count)
      throw new GanConfigError(
        'labels',
        `has ${labels.length} labels for ${outputs.count} images; expected one per image`,
      );
  }
  const fd =
    outputs.count < 2
      ? NaN
      : frechetDistance(featureStatistics(outputs.features, outputs.featureDim), reference.statistics);
  const sampleSet = options.real
    ? { sampleSet: sampleSetMetrics(options.real, outputs.features, labels, options.sampleSet) }
    : {};
  if (!classifier.measuresClasses)
    return {
      samples: outputs.count,
      labelAccuracy: null,
      classifierScore: null,
      frechetDistance: fd,
      modeCollapse: null,
      ...sampleSet,
    };
  if (labels !== null) checkClassIndices(labels, outputs.numClasses, 'labels');
  const predicted = argmaxRows(outputs.probabilities, outputs.numClasses);
  const modeCollapse = modeCollapseReport({
    predicted,
    features: outputs.features,
    featureDim: outputs.featureDim,
    numClasses: outputs.numClasses,
    realDiversity: reference.classDiversity,
    groups: labels ?? undefined,
    minShare: options.minShare,
  });
  return {
    samples: outputs.count,
    labelAccuracy: labels === null ? null : labelAccuracy(predicted, labels, outputs.numClasses),
    classifierScore: classifierScore(outputs.probabilities, outputs.numClasses),
    frechetDistance: fd,
    modeCollapse,
    ...sampleSet,
  };
}

/**
 * Measures a set of images: classifies them in batches, then computes every metric against the
 * real test set's cached statistics.
 *
 * @param images - `[n, 28, 28, 1]` in [-1, 1] (not disposed).
 * @throws {@link GanConfigError} for a wrong shape, NaN, values outside [-1, 1], or labels that do
 * not match.
 *
 * @example
 * ```ts
 * const test = await loadMnist({ split: 'test', limit: 1000 });
 * const metrics = await evaluateImages(test.images, { classifier, labels: test.labels });
 * console.log(metrics.labelAccuracy); // ≈ 0.99
 * ```
 */
export async function evaluateImages(images: tf.Tensor, options: MetricsOptions): Promise<GanMetrics> {
  return computeMetrics(await options.classifier.classify(images), options);
}

/**
 * The shape of one image `sampler` makes: its info's, or (a sampler of your own that does not say)
 * that of one image drawn from it.
 * @internal
 */
export function samplerImageShape(sampler: Sampler): readonly number[] {
  if (sampler.info.imageShape !== undefined) return sampler.info.imageShape;
  const probe = sampler.generate(sampler.info.numClasses > 0 ? { labels: [0], seed: 1 } : { count: 1, seed: 1 });
  const shape = probe.shape.slice(1);
  probe.dispose();
  return shape;
}

/** Options of {@link quality.evaluateGan}. */
export interface EvaluateGanOptions {
  /** The classifier to measure with (default: {@link loadMnistClassifier}() for this call, disposed after). */
  classifier?: MnistClassifier;
  /**
   * Number of samples (default 10,000, the size of the MNIST test set). A conditional GAN gets
   * labels `i mod K`, so every class has `samples / K` of them (±1).
   */
  samples?: number;
  /** Seed of z: the same seed gives the same samples (default 0). */
  seed?: number;
  /** Images generated and classified per batch (default 500; does not change the samples). */
  batchSize?: number;
  /** See {@link CoverageOptions.minShare} (default 0.01). */
  minShare?: number;
  /**
   * Also compare the samples with real images vector by vector (KID, precision, recall, density,
   * coverage) and measure real train images the same way as a baseline: `'mnist'` draws as many
   * MNIST test (reference) and train (baseline) images as samples, at most 10,000, with `seed`
   * ({@link loadMnistReference}); or pass features of your own: a reference and a baseline, or a
   * reference alone (e.g. {@link loadFeatureNetReference}; then no baseline). Default: none (faster).
   */
  real?: 'mnist' | MnistReference | RealFeatures | null;
  /** Options of the vector-by-vector metrics (KID subsets, k). */
  sampleSet?: SampleSetOptions;
}

/** How the vector-by-vector metrics were measured: what a number needs beside it to be compared. */
export interface EvaluationProtocol {
  /** Generated samples. */
  samples: number;
  /** Seed of z, of the real images' choice and of the KID subsets. */
  seed: number;
  /** The feature net and layer, e.g. `assets/mnist-classifier (layer features, 128 values)`. */
  featureNet: string;
  /** The real images compared with. */
  reference: string;
  /** The real images of the baseline row (`'none'` without one). */
  baseline: string;
  /** KID's number of subsets. */
  kidSubsets: number;
  /** Vectors per KID subset and side (the default 1000, capped at the smaller set). */
  kidSubsetSize: number;
  /** k of precision and recall. */
  precisionK: number;
  /** k of density and coverage. */
  densityK: number;
}

/** The real train images measured exactly as the samples: the values of a perfect generator at this sample count. */
export interface BaselineMetrics {
  /** Fréchet distance of the baseline's features to the reference statistics. */
  frechetDistance: number;
  /** Baseline against the same reference features. */
  sampleSet: SampleSetMetrics;
}

/** What {@link quality.evaluateGan} returns: the metrics and how the samples were drawn. */
export interface GanEvaluation extends GanMetrics {
  /** Seed of z. */
  seed: number;
  /** True for a conditional GAN (samples drawn for labels `i mod K`). */
  conditional: boolean;
  /** With `real`: real train images measured the same way. */
  baseline?: BaselineMetrics;
  /** With `real`: how the vector-by-vector metrics were measured. */
  protocol?: EvaluationProtocol;
}

/**
 * Draws `samples` images from a GAN, or any {@link Sampler} (for a conditional one, equally many
 * of each class), with a fixed seed, and measures them: label accuracy (conditional only), class histogram, coverage,
 * entropy, largest class share, within-class diversity, classifier score and Fréchet distance.
 * The images must have the classifier's input shape (28×28×1 for the bundled one); a conditional
 * sampler must have as many classes as the classifier. A GAN that averages G samples from the
 * average; pass `gan.raw` to measure G itself.
 *
 * @throws {@link GanConfigError} for an image shape or class count the classifier cannot measure,
 * or a bad option.
 *
 * @example
 * ```ts
 * await initBackend();
 * const cgan = await loadGan('out/cgan-mnist/checkpoint');
 * const m = await evaluateGan(cgan, { samples: 10000, seed: 0 });
 * console.log(m.labelAccuracy, m.classifierScore, m.frechetDistance, m.modeCollapse.coverage);
 * ```
 */
export async function evaluateGan(gan: Sampler, options: EvaluateGanOptions = {}): Promise<GanEvaluation> {
  const samples = options.samples ?? 10000;
  const seed = options.seed ?? 0;
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(samples) || samples < 2)
    throw new GanConfigError('samples', `expected an integer ≥ 2, got ${samples}`);
  if (!Number.isInteger(seed)) throw new GanConfigError('seed', `expected an integer, got ${seed}`);
  if (!Number.isInteger(batchSize) || batchSize <= 0)
    throw new GanConfigError('batchSize', `expected a positive integer, got ${batchSize}`);
  const classifier = options.classifier ?? (await loadMnistClassifier());
  try {
    const { inputShape, numClasses, featureDim } = classifier.info;
    const shape = samplerImageShape(gan);
    if (shape.length !== 3 || shape.some((d, i) => d !== inputShape[i])) {
      throw new GanConfigError(
        'gan',
        `makes [${shape.join(', ')}] images; the classifier measures [${inputShape.join(', ')}] ones`,
      );
    }
    const conditional = gan.info.numClasses > 0;
    // A net that does not measure classes (the rotation task) reads any conditional GAN's samples.
    if (conditional && classifier.measuresClasses && gan.info.numClasses !== numClasses)
      throw new GanConfigError('gan', `has ${gan.info.numClasses} classes; the classifier knows ${numClasses}`);
    const labels = conditional ? Int32Array.from({ length: samples }, (_, i) => i % gan.info.numClasses) : null;
    const features = new Float32Array(samples * featureDim);
    const probabilities = new Float32Array(samples * numClasses);
    // One z for all samples, sliced per batch: the samples do not depend on the batch size. The
    // seed goes through Rng because TensorFlow.js takes a seed of 0 as "no seed" (Math.random).
    const z = tf.randomNormal(
      [samples, gan.info.latentDim],
      0,
      1,
      'float32',
      new Rng(seed).nextSeed() || 1,
    ) as tf.Tensor2D;
    try {
      for (let start = 0; start < samples; start += batchSize) {
        const n = Math.min(batchSize, samples - start);
        const images = tf.tidy(() => {
          const zBatch = tf.slice(z, [start, 0], [n, -1]) as tf.Tensor2D;
          return gan.generate(
            labels === null ? { z: zBatch } : { z: zBatch, labels: labels.subarray(start, start + n) },
          );
        });
        try {
          const out = await classifier.classify(images, { batchSize });
          features.set(out.features, start * featureDim);
          probabilities.set(out.probabilities, start * numClasses);
        } finally {
          images.dispose();
        }
      }
    } finally {
      z.dispose();
    }
    const outputs: ClassifierOutputs = { count: samples, featureDim, numClasses, features, probabilities };
    const given =
      options.real === 'mnist' ? await loadMnistReference(classifier, samples, seed) : (options.real ?? null);
    const real: { reference: RealFeatures; baseline: RealFeatures | null } | null =
      given === null ? null : 'features' in given ? { reference: given, baseline: null } : given;
    const sampleSet = { seed, ...options.sampleSet };
    const metrics = computeMetrics(outputs, {
      classifier,
      labels,
      minShare: options.minShare,
      real: real?.reference,
      sampleSet,
    });
    if (real === null) return { ...metrics, seed, conditional };
    const reference = classifier.requireReference();
    const baseline: BaselineMetrics | undefined =
      real.baseline === null
        ? undefined
        : {
            frechetDistance: frechetDistance(
              featureStatistics(real.baseline.features, featureDim),
              reference.statistics,
            ),
            sampleSet: sampleSetMetrics(real.reference, real.baseline.features, real.baseline.labels, sampleSet),
          };
    const protocol: EvaluationProtocol = {
      samples,
      seed,
      featureNet: `${classifier.dir} (layer ${classifier.info.featureLayer}, ${featureDim} values)`,
      reference: real.reference.source,
      baseline: real.baseline?.source ?? 'none',
      kidSubsets: sampleSet.kidSubsets ?? 100,
      kidSubsetSize: Math.min(sampleSet.kidSubsetSize ?? 1000, samples, real.reference.features.length / featureDim),
      precisionK: sampleSet.precisionK ?? 3,
      densityK: sampleSet.densityK ?? 5,
    };
    return { ...metrics, seed, conditional, ...(baseline ? { baseline } : {}), protocol };
  } finally {
    if (options.classifier === undefined) classifier.dispose();
  }
}
