/**
 * The metric functions on feature vectors and images: pure code, in both entries (the classifier,
 * feature nets and reference files that feed them are Node's: src/eval/index.ts).
 *
 * @packageDocumentation
 */
export { featureStatistics, type FeatureStatistics } from './feature-statistics';
export { symmetricMatrixSqrt, traceSqrtProduct, type SquareMatrix, type PackedSquareMatrix } from './matrix-sqrt';
export { frechetDistance, frechetDistanceOfFeatures } from './frechet-distance';
export {
  classHistogram,
  classCoverage,
  histogramEntropy,
  largestClassShare,
  type CoverageOptions,
} from './class-histogram';
export { labelAccuracy } from './label-accuracy';
export { classifierScore } from './classifier-score';
export {
  meanPairwiseDistance,
  classDiversity,
  modeCollapseReport,
  DIVERSITY_MAX_PER_CLASS,
  type ModeCollapseReport,
  type ModeCollapseInput,
} from './mode-collapse';
export { toFeatureMatrix, type FeatureSet, type FeatureMatrix } from './feature-matrix';
export {
  kernelInceptionDistance,
  type KernelInceptionDistance,
  type KernelInceptionDistanceOptions,
} from './kernel-inception-distance';
export { precisionRecall, type PrecisionRecall, type NeighbourMetricOptions } from './precision-recall';
export { densityCoverage, type DensityCoverage } from './density-coverage';
export {
  perClassMetric,
  perClassPrecisionRecall,
  perClassDensityCoverage,
  perClassKernelInceptionDistance,
  type PerClassOptions,
  type PerClassResult,
  type ClassMeasurement,
  type MinimumCounts,
} from './per-class-metrics';
export {
  sampleSetMetrics,
  type RealFeatures,
  type SampleSetOptions,
  type SampleSetMetrics,
  type PerClassSampleSetMetrics,
} from './sample-set-metrics';
export {
  peakSignalToNoiseRatio,
  structuralSimilarity,
  imageQuality,
  type ImageQualityOptions,
  type ImageQualitySummary,
} from './image-quality';
