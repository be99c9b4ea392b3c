// Sample quality, Node's part: the bundled MNIST classifier, feature nets, reference files and evaluateGan
// (the metric functions themselves are pure and in both entries: src/eval/metrics.ts).
export { readReferenceStatistics, writeReferenceStatistics, type ReferenceStatistics } from './reference-statistics';
export {
  MnistClassifier,
  loadMnistClassifier,
  mnistClassifierDir,
  argmaxRows,
  type MnistClassifierInfo,
  type FeatureNetTask,
  type LoadClassifierOptions,
  type ClassifyOptions,
  type ClassifierOutputs,
} from './classifier';
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
export { loadMnistReference, MNIST_TEST_SIZE, MNIST_BASELINE_POOL, type MnistReference } from './real-reference';
export { sampleSetRecord, SAMPLE_SET_COLUMNS, ALL_METRIC_COLUMNS } from './format';
export type { EvaluationProtocol, BaselineMetrics } from './evaluate';
export {
  loadFeatureNetReference,
  loadFeatureNetBaseline,
  isFeatureNet,
  FEATURE_NET_REFERENCE,
  FEATURE_NET_BASELINE,
  FEATURE_NET_KIND,
  type FeatureNetInfo,
} from './feature-net';
export { trainFeatureNet, type FeatureNetProgress, type TrainFeatureNetOptions } from './train-feature-net';
export { writeReferenceVectors, readReferenceVectors } from './reference-vectors';
