/**
 * gankit: typed GAN building blocks for TensorFlow.js.
 *
 * Data flows one way: **data → nets (+ conditioning) → loss → trainer → samples**. Compose the
 * parts yourself, or let {@link createGAN} / {@link createCGAN} compose the usual ones.
 *
 * This is the Node entry: everything in the browser entry (see `exports.ts`), plus the backend
 * chooser for Node, checkpoints, files (MNIST, image folders, HDF5, PNG, CSV), callbacks that
 * write them, metrics, CycleGAN and the command-line runners.
 *
 * @packageDocumentation
 */
import './node-services';
export * from './exports';
export { initBackend, backendChoice, type BackendName, type BackendChoice, type InitBackendOptions } from './backend';

export { loadGAN } from './models/gan/load';
export type { LoadGanOptions } from './models/gan/config';
export * from './models/cycle/index';
export { openPairedImageFolders, type PairedImageFoldersOptions, type PairedImageFolders } from './data/paired-folders';
export { loadImageToImageGAN, type LoadImageToImageOptions } from './models/image-to-image/load';
export { pairGrids, type PairGridsOptions } from './models/image-to-image/pair-grids';

export { openImageFolder, IMAGE_EXTENSIONS, type ImageFolderOptions } from './data/image-folder';
export { openHdf5Images, type Hdf5SourceOptions } from './data/hdf5-source';
export { loadHdf5Images, type Hdf5ImagesOptions } from './data/hdf5';
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

export { encodePng, decodePng, saveImageGrid, saveLossPlot } from './image/png';
export { fileSystemHandler, writeFileAtomic } from './io/file-system';

export { progressBar, formatDuration, type ProgressBarOptions, type ProgressStream } from './callbacks/progress-bar';
export { sampleGrids, gridFile, type SampleGridsOptions } from './callbacks/sample-grids';
export { lossLog, parseLossLog, LOSS_LOG_HEADER, type LossLogOptions, type LossLogRow } from './callbacks/loss-log';
export {
  checkpoints,
  saveOnInterrupt,
  type CheckpointsOptions,
  type SaveOnInterruptOptions,
} from './callbacks/checkpoints';
export {
  resolveCheckpoint,
  readCheckpointState,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointState,
} from './models/gan/checkpoint-state';
export {
  saveCheckpoint,
  listCheckpoints,
  checkpointName,
  type Checkpointable,
  type CheckpointEntry,
  type CheckpointKind,
  type ResolvedCheckpoint,
  type SkippedCheckpoint,
} from './train/checkpoint';
export type { AdamPowers } from './train/adam-powers';
export { writeManifest, verifyManifest, MANIFEST_FILE, type ManifestEntry } from './io/checkpoint-manifest';

export * from './eval/index';

export {
  parseTrainingArgs,
  parseProgram,
  addTrainingOptions,
  trainingArgsFrom,
  positiveIntegerFlag,
  nonNegativeIntegerFlag,
  type TrainingArgs,
  type TrainingDefaults,
} from './cli/training-args';
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
export { runGankitCli, type CliOutput } from './cli/gankit-cli';
export { trainMnistScript, runScript, type MnistTrainingScript } from './cli/mnist-example';

export * from './io/tensorboard/index';
export { tensorboard, tensorBoardTag, type TensorBoardOptions } from './callbacks/tensorboard';

// Safety (issue 21): what a save may replace, typed refusals, busy models.
export { OutputPathError, ModelBusyError, DisposedError } from './errors';
export { isGankitPng } from './image/png';
export { DEFAULT_MAX_EMBEDDING_DIM } from './conditioning/label-embedding';
export { MAX_EMBEDDING_BYTES } from './conditioning/label-embedding';
export { MAX_GENERATE_BYTES, GENERATE_BATCH } from './train/generate';
export { errorReport } from './core/error-report';
export { MAX_LAYER_BYTES } from './nets/common';
