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
export { CycleGan, type CycleGanFitOptions, type CycleGanCallback } from './cycle-gan';
export { createCycleGAN, type CreateCycleGanOptions } from './create';
export {
  CYCLE_NETS,
  type CycleNet,
  type CycleGanConfig,
  type CycleEpochProgress,
  type CycleGanModels,
  type CycleGanOptimizers,
  type TranslationDirection,
  type CycleGanData,
  type CycleGanBatch,
} from './config';
export { saveCycleCheckpoint } from './checkpoint';
export { loadCycleGAN, type LoadCycleGanOptions } from './load';
export { translationGrids, translationGridImages, type TranslationGridsOptions } from './translation-grids';
export {
  CYCLE_LOG_NAMES,
  CYCLE_LOSS_NETS,
  CYCLE_LOG_FORMAT,
  type CycleGanStepLogs,
  type CycleGanEpochLogs,
} from './logs';
