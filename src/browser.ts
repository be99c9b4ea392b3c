/**
 * gankit for the browser: everything that builds, trains and samples GANs, without the parts that
 * need Node.js (file system, worker threads, the MNIST files, the CLI). Bundlers pick this entry
 * through the package's `browser` export condition, so `import { createCGAN } from 'gankit'` works
 * in a web page as it does in Node.
 *
 * What is left out, and what to use instead:
 * - `Gan.save` / `loadGAN` / checkpoints write folders: save the nets with tfjs IO
 *   (`gan.generator.save('indexeddb://my-generator')`, `'downloads://…'`); in the browser
 *   `Gan.save` throws a {@link NodeOnlyError}.
 * - `fit({ workers })` uses Node worker threads: in the browser, train on one thread (the WebGL or
 *   WebGPU backend already uses the GPU).
 * - `loadMnist`, PNG files and the loss CSV: build an {@link ImageDataset} from arrays, and draw
 *   {@link imageGrid} / {@link lossPlotImage} results into a canvas with {@link toImageData}.
 *
 * @packageDocumentation
 */
export {
  initBrowserBackend,
  type BrowserBackendName,
  type BrowserBackendChoice,
  type InitBrowserBackendOptions,
} from './backend-browser';
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

export * from './nets/index';
export { dcganPreset, DCGAN_PRESET_SIZES, type DcganPreset, type KernelInitializerName } from './nets/dcgan';
export * from './conditioning/index';
export * from './losses/index';

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
export type { Trainable, TrainingState, FitProgress, StepData, EpochBatches } from './train/trainable';
export { initialTrainingState } from './train/trainable';
export { generateImages, type GenerateOptions, type GeneratorInfo } from './train/generate';
export { generatorSampler, type Sampler } from './train/sampler';

export {
  Gan,
  createGAN,
  createCGAN,
  createACGAN,
  createInfoGAN,
  type GanConfig,
  type CreateGanOptions,
  type CreateCganOptions,
  type CreateAcganOptions,
  type CreateInfoGanOptions,
  type Architecture,
  type GanFitOptions,
  type RollbackOptions,
  type RollbackInfo,
  type NamedConfig,
  type PerNet,
} from './gan';
export { EmaGenerator, emaGenerator, type EmaOptions } from './train/ema';
export { recomputeBatchNormStatistics, type BatchNormStatisticsOptions } from './train/batch-norm-statistics';

export {
  ImageDataset,
  type DataBatch,
  type BatchOptions,
  type ImageDatasetOptions,
  type ImageShape,
} from './data/dataset';
export { batchIndices, countBatches, pixelsToImages, type ImageSource } from './data/image-source';
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

export { imageGrid, type GridOptions, type RgbaImage } from './image/grid';
export { toImageData } from './image/image-data';
export { Canvas, type Rgb } from './image/canvas';
export { lossPlotImage, type LossPlotOptions } from './image/loss-plot';

export { interpolateLatents, latentArithmetic, type InterpolateOptions } from './latent/interpolate';

export type { AuxiliaryTask, AuxiliaryBatch, LatentCodes } from './losses/auxiliary';
export { AcganTask, acganTask, softmaxCrossEntropy, type AcganTaskOptions } from './losses/acgan';
export { InfoGanTask, infoGanTask, type InfoGanTaskOptions, type ContinuousCodeLoss } from './losses/infogan';
export type { AuxiliaryHeadArgs } from './nets/common';

export { VERSION } from './version';
