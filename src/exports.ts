/**
 * The exports both entries share: everything that builds, trains and samples GANs on any
 * platform. `index.ts` (Node) adds the backend chooser for Node and what needs the file system,
 * worker threads or the CLI; `browser.ts` adds the browser's backend chooser and canvas output.
 *
 * @packageDocumentation
 */
export { patchWasmKernels } from './kernels/wasm';
export { patchCpuKernels } from './kernels/cpu';
export {
  GankitError,
  GanConfigError,
  DataFormatError,
  CheckpointError,
  TrainingDivergedError,
  NodeOnlyError,
} from './errors';
export { Rng, tfSeed } from './random';
export {
  registerSerializable,
  UnregisteredClassError,
  type SerializableClass,
  type SerializableKind,
  type SerializableObject,
  type SerializedObject,
} from './core/serialization';

export * from './nets/index';
export * from './layers/index';
export { dcganPreset, DCGAN_PRESET_SIZES, type DcganPreset, type KernelInitializerName } from './nets/dcgan';
export * from './conditioning/index';
export * from './losses/index';
export { ImagePool } from './train/image-pool';

export {
  GanTrainer,
  createAdam,
  type GanTrainerArgs,
  type AdamOptions,
  type FitOptions,
  type TrainHistory,
  type EpochProgress,
} from './train/trainer';
export type { TrainerCallback } from './train/trainer';
export type {
  StepLogs,
  EpochLogs,
  TrainBeginInfo,
  TrainEndLogs,
  TrainingCallback,
  TrainingLogs,
  TrainingEpochLogs,
  TrainingModel,
} from './train/callbacks';
export { fit, type FitLoopOptions, type StepRunner, type YieldEvery } from './train/fit';
export type { Trainable, TrainingState, FitProgress, StepData, EpochBatches, LossNets } from './train/trainable';
export type { CheckpointNet } from './train/checkpoint-net';
export { logFormats, type LogFormat, type FormattedModel, type NamedLogFormat } from './train/log-format';
export { initialTrainingState } from './train/trainable';
export { generateImages, type GenerateOptions, type GeneratorInfo } from './train/generate';
export { generatorSampler, type Sampler } from './train/sampler';

export { Gan, type GanFitOptions, type RollbackOptions, type RollbackInfo } from './models/gan/gan';
export { createGAN, createCGAN, type CreateGanOptions, type CreateCganOptions } from './models/gan/create';
export {
  createACGAN,
  createInfoGAN,
  type CreateAcganOptions,
  type CreateInfoGanOptions,
} from './models/gan/create-auxiliary';
export { type GanConfig, type Architecture } from './models/gan/config';
export { type NamedConfig, type PerNet } from './core/types';
export * from './models/image-to-image/index';
export { EmaGenerator, emaGenerator, type EmaOptions, type AveragedSource } from './train/ema';
export { recomputeBatchNormStatistics, type BatchNormStatisticsOptions } from './train/batch-norm-statistics';

export {
  ImageDataset,
  type DataBatch,
  type BatchOptions,
  type ImageDatasetOptions,
  type ImageShape,
} from './data/dataset';
export { batchIndices, countBatches, pixelsToImages, type ImageSource } from './data/image-source';
export { pairImageSets, derivePairs, type PairedImageSource, type PairBatch } from './data/paired-source';
export {
  StreamedImageSource,
  type ImageReader,
  type SkippedImage,
  type StreamedImageSourceArgs,
} from './data/streamed-source';
export {
  transformImage,
  convertChannels,
  resizeImage,
  cropWindow,
  checkTransformOptions,
  type CropWindow,
  type RawImage,
  type ResizeMethod,
  type ImageTransformOptions,
} from './data/transforms';
export { resizeBicubic, type ResizeBicubicOptions } from './data/resize-bicubic';
export { sobelEdges, type SobelEdgesOptions } from './data/edges';

export { imageGrid, type GridOptions, type RgbaImage } from './image/grid';
export { Canvas, type Rgb } from './image/canvas';
export { lossPlotImage, type LossPlotOptions, type LossPlotSeries } from './image/loss-plot';

export { interpolateLatents, latentArithmetic, type InterpolateOptions } from './latent/interpolate';

// Metrics on feature vectors and images: pure code, so in the browser entry too (the rest of eval/ is Node's).
export * from './eval/metrics';

export type { AuxiliaryTask, AuxiliaryBatch, LatentCodes } from './losses/auxiliary';
export { AcganTask, acganTask, softmaxCrossEntropy, type AcganTaskOptions } from './losses/acgan';
export { InfoGanTask, infoGanTask, type InfoGanTaskOptions, type ContinuousCodeLoss } from './losses/infogan';
export type { AuxiliaryHeadArgs } from './nets/common';

export { VERSION } from './version';
