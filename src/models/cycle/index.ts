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
