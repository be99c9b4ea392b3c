export { InstanceNormalization, type InstanceNormalizationArgs } from './instance-norm';
export { ReflectionPadding2D, type ReflectionPadding2DArgs } from './reflection-padding';
export type { CycleNormalization } from './build';
export { resnetGenerator, type ResnetGeneratorArgs } from './resnet-generator';
export { patchDiscriminator, type PatchDiscriminatorArgs } from './patch-discriminator';
export {
  leastSquaresGeneratorLoss,
  leastSquaresDiscriminatorLoss,
  CycleLeastSquaresLoss,
  cycleLeastSquaresLoss,
  cycleConsistencyLoss,
  identityLoss,
  type CycleImages,
  type IdentityImages,
} from './losses';
export { ImagePool } from './image-pool';
export {
  CycleGan,
  createCycleGAN,
  type CycleGanModels,
  type CycleGanOptimizers,
  type CreateCycleGanOptions,
  type CycleGanFitOptions,
  type TranslationDirection,
  type CycleGanCallback,
  type CycleGanData,
  type CycleGanBatch,
} from './cycle-gan';
export {
  saveCycleCheckpoint,
  CYCLE_NETS,
  type CycleNet,
  type CycleGanConfig,
  type CycleEpochProgress,
} from './checkpoint';
export { loadCycleGAN, type LoadCycleGanOptions } from './load';
export {
  cycleGanProgress,
  translationGrids,
  translationGridImages,
  cycleGanCheckpoints,
  type CycleGanProgressOptions,
  type TranslationGridsOptions,
  type CycleGanCheckpointsOptions,
} from './callbacks';
export type { CycleGanStepLogs, CycleGanEpochLogs } from './logs';
