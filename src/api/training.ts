/**
 * `training`: the parts under {@link fit}: the GAN trainer, Adam per net, the averaged generator,
 * batch-norm statistics, the image pool, log formats and image generation in batches.
 *
 * @packageDocumentation
 */
export {
  GanTrainer,
  createAdam,
  type GanTrainerArgs,
  type AdamOptions,
  type FitOptions,
  type TrainHistory,
  type EpochProgress,
  type TrainerCallback,
} from '../train/trainer';
export { logFormats, type LogFormat, type FormattedModel, type NamedLogFormat } from '../train/log-format';
export { initialTrainingState } from '../train/trainable';
export { generateImages, MAX_GENERATE_BYTES, GENERATE_BATCH } from '../train/generate';
export { EmaGenerator, emaGenerator, type EmaOptions, type AveragedSource } from '../train/ema';
export { recomputeBatchNormStatistics, type BatchNormStatisticsOptions } from '../train/batch-norm-statistics';
export { ImagePool } from '../train/image-pool';
export { tfSeed } from '../random';
export type { AdamPowers } from '../train/adam-powers';
export {
  IMAGE_TO_IMAGE_LOG_NAMES,
  IMAGE_TO_IMAGE_LOSS_NETS,
  IMAGE_TO_IMAGE_LOG_FORMAT,
} from '../models/image-to-image/logs';
