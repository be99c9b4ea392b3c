// Sample quality: the bundled MNIST classifier and the metrics computed through it.
export { featureStatistics, type FeatureStatistics } from './feature-statistics';
export { symmetricMatrixSqrt, traceSqrtProduct, type SquareMatrix, type PackedSquareMatrix } from './matrix-sqrt';
export { frechetDistance, frechetDistanceOfFeatures } from './frechet-distance';
export { readReferenceStatistics, writeReferenceStatistics, type ReferenceStatistics } from './reference-statistics';
export {
  MnistClassifier,
  loadMnistClassifier,
  mnistClassifierDir,
  argmaxRows,
  type MnistClassifierInfo,
  type LoadClassifierOptions,
  type ClassifyOptions,
  type ClassifierOutputs,
} from './classifier';
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
export {
  computeMetrics,
  evaluateImages,
  evaluateGan,
  type GanMetrics,
  type MetricsOptions,
  type EvaluateGanOptions,
  type GanEvaluation,
} from './evaluate';
export { metricsRecord, formatMetricsLine, formatMetricsTable, METRIC_COLUMNS, type MetricColumn } from './format';
export { evaluation, type EvaluationOptions } from './evaluation-callback';
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
export { loadMnistReference, MNIST_TEST_SIZE, MNIST_BASELINE_POOL, type MnistReference } from './real-reference';
export { sampleSetRecord, SAMPLE_SET_COLUMNS, ALL_METRIC_COLUMNS } from './format';
export type { EvaluationProtocol, BaselineMetrics } from './evaluate';
export {
  trainFeatureNet,
  loadFeatureNetReference,
  FEATURE_NET_REFERENCE,
  FEATURE_NET_KIND,
  type FeatureNetInfo,
  type FeatureNetProgress,
  type TrainFeatureNetOptions,
} from './feature-net';
export { writeReferenceVectors, readReferenceVectors } from './reference-vectors';
export {
  peakSignalToNoiseRatio,
  structuralSimilarity,
  imageQuality,
  type ImageQualityOptions,
  type ImageQualitySummary,
} from './image-quality';
