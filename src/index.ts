/**
 * gankit: typed GAN building blocks for TensorFlow.js.
 *
 * Data flows one way: **data → nets (+ conditioning) → loss → trainer → samples**. Compose the
 * parts yourself, or let {@link createGAN} / {@link createCGAN} compose the usual ones.
 *
 * @packageDocumentation
 */
import './node-services';
export { initBackend, backendChoice, type BackendName, type BackendChoice, type InitBackendOptions } from './backend';
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
  type GanConfig,
  type CreateGanOptions,
  type CreateCganOptions,
  type LoadGanOptions,
  type Architecture,
  type GanFitOptions,
  type RollbackOptions,
  type RollbackInfo,
  type NamedConfig,
  type PerNet,
} from './gan';
export { loadGAN } from './gan-checkpoint';

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
export { openImageFolder, IMAGE_EXTENSIONS, type ImageFolderOptions } from './data/image-folder';
export { openHdf5Images, type Hdf5SourceOptions } from './data/hdf5-source';
export {
  decodeImage,
  probeImage,
  sniffFormat,
  PROBE_HEAD_BYTES,
  PROBE_TAIL_BYTES,
  type ImageProbe,
  type ImageFormat,
} from './data/decode';
export { parseIdx, readIdxFile, type IdxArray, type IdxDtype } from './data/idx';
export {
  loadMnist,
  loadFashionMnist,
  MNIST_CLASS_NAMES,
  FASHION_MNIST_CLASS_NAMES,
  type MnistOptions,
} from './data/mnist';

export { imageGrid, type GridOptions, type RgbaImage } from './image/grid';
export { encodePng, decodePng, saveImageGrid, saveLossPlot } from './image/png';
export { fileSystemHandler, writeFileAtomic } from './io/file-system';
export { Canvas, type Rgb } from './image/canvas';
export { lossPlotImage, type LossPlotOptions } from './image/loss-plot';

export { progressBar, formatDuration, type ProgressBarOptions, type ProgressStream } from './callbacks/progress-bar';
export { sampleGrids, gridFile, type SampleGridsOptions } from './callbacks/sample-grids';
export { lossLog, parseLossLog, LOSS_LOG_HEADER, type LossLogOptions } from './callbacks/loss-log';
export {
  checkpoints,
  saveOnInterrupt,
  type CheckpointsOptions,
  type SaveOnInterruptOptions,
} from './callbacks/checkpoints';

export { parseTrainingArgs, type TrainingArgs, type TrainingDefaults } from './cli/training-args';
export {
  runTraining,
  trainingOutputs,
  type TrainingJob,
  type TrainingOutputs,
  type TrainingResult,
} from './cli/run-training';
export {
  runModel,
  type ModelRecipe,
  type ModelRunArgs,
  type ModelRunResult,
  type RunnableModel,
} from './cli/run-model';
export { trainMnistScript, runScript, type MnistTrainingScript } from './cli/mnist-example';

export { interpolateLatents, latentArithmetic, type InterpolateOptions } from './latent/interpolate';

export { VERSION } from './version';
export {
  saveCheckpoint,
  listCheckpoints,
  resolveCheckpoint,
  readCheckpointState,
  checkpointName,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointState,
  type Checkpointable,
  type CheckpointEntry,
  type CheckpointKind,
  type ResolvedCheckpoint,
  type SkippedCheckpoint,
} from './train/checkpoint';
export type { AdamPowers } from './train/adam-powers';
export { writeManifest, verifyManifest, MANIFEST_FILE, type ManifestEntry } from './io/checkpoint-manifest';

// Sample quality: the bundled MNIST classifier and the metrics computed through it (src/eval/).
export * from './eval/index';
export type { LossLogRow } from './callbacks/loss-log';

// Stabilisers and a second data format (issue 6): spectral norm (exported with the nets above),
// an EMA of G's weights for sampling, and HDF5 image sets (needs the optional package h5wasm).
export { EmaGenerator, emaGenerator, type EmaOptions } from './train/ema';
export { recomputeBatchNormStatistics, type BatchNormStatisticsOptions } from './train/batch-norm-statistics';
export { loadHdf5Images, type Hdf5ImagesOptions } from './data/hdf5';

// Auxiliary tasks (issue 6): D with extra outputs and a loss on them, trained by the same trainer:
// ACGAN's class head and InfoGAN's latent codes with their Q head.
export type { AuxiliaryTask, AuxiliaryBatch, LatentCodes } from './losses/auxiliary';
export { AcganTask, acganTask, softmaxCrossEntropy, type AcganTaskOptions } from './losses/acgan';
export { InfoGanTask, infoGanTask, type InfoGanTaskOptions, type ContinuousCodeLoss } from './losses/infogan';
export type { AuxiliaryHeadArgs } from './nets/common';
export { createACGAN, createInfoGAN, type CreateAcganOptions, type CreateInfoGanOptions } from './gan';

// Conditioning at D's output, class-conditional batch norm in G and DiffAugment (issue 6), exported
// with the nets above: ClassProjection (`projection` on either discriminator, createCGAN's
// `discriminatorConditioning: 'projection'`), ConditionalBatchNorm (`conditionalBatchNorm` on either
// generator), DiffAugment (`diffAugment` on either discriminator) and nextScopedSeed.

// CycleGAN (issue 6): unpaired image-to-image translation. Instance norm and reflection padding
// layers, the ResNet generator, the PatchGAN discriminator, the cycle/identity/least-squares losses,
// the history buffer, CycleGan with fit/translate/save, loadCycleGAN and its callbacks (src/cycle/).
export * from './cycle/index';

// Safety (issue 21): what a save may replace, typed refusals, busy models.
export { OutputPathError, ModelBusyError, DisposedError } from './errors';
export { isGankitPng } from './image/png';
export { DEFAULT_MAX_EMBEDDING_DIM } from './conditioning/label-embedding';
export { MAX_EMBEDDING_BYTES } from './conditioning/label-embedding';
export { MAX_GENERATE_BYTES, GENERATE_BATCH } from './train/generate';
export { errorReport } from './core/error-report';
