/**
 * The top level both entries share: the model factories and classes, {@link fit}, the training
 * interfaces, the sampler, errors and serialization, and the namespaces that are the same on every
 * platform (`nets`, `layers`, `conditioning`, `losses`, `latent`, `kernels`). `index.ts` (Node) and
 * `browser.ts` add their platform's backend chooser and their versions of `datasets`, `training`,
 * `pictures` and `quality`; Node adds CycleGAN, the loaders, `callbacks`, `io` and `cli`. Each
 * namespace is one file in `src/api/`.
 *
 * @packageDocumentation
 */
export * as nets from './api/nets';
export * as layers from './api/layers';
export * as conditioning from './api/conditioning';
export * as losses from './api/losses';
export * as latent from './api/latent';
export * as kernels from './api/kernels';

export {
  GankitError,
  GanConfigError,
  DataFormatError,
  CheckpointError,
  TrainingDivergedError,
  NodeOnlyError,
  OutputPathError,
  ModelBusyError,
  DisposedError,
} from './errors';
export { Rng } from './random';
export {
  registerSerializable,
  UnregisteredClassError,
  type SerializableClass,
  type SerializableKind,
  type SerializableObject,
  type SerializedObject,
} from './core/serialization';

export { fit, type FitLoopOptions, type StepRunner, type YieldEvery } from './train/fit';
export type { Trainable, TrainingState, FitProgress, StepData, EpochBatches, LossNets } from './train/trainable';
export type { CheckpointNet } from './train/checkpoint-net';
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
export { generatorSampler, type Sampler } from './train/sampler';
export type { GenerateOptions, GeneratorInfo } from './train/generate';

export { Gan, type GanFitOptions, type RollbackOptions, type RollbackInfo } from './models/gan/gan';
export { createGan, createCgan, type CreateGanOptions, type CreateCganOptions } from './models/gan/create';
export {
  createAcgan,
  createInfoGan,
  type CreateAcganOptions,
  type CreateInfoGanOptions,
} from './models/gan/create-auxiliary';
export type { GanConfig, Architecture } from './models/gan/config';
export type { NamedConfig, PerNet } from './core/types';
export {
  ImageToImageGan,
  type ImageToImageFitOptions,
  type ImageToImageCallback,
} from './models/image-to-image/image-to-image-gan';
export type {
  ImageToImageModels,
  ImageToImageConfig,
  ImageToImageData,
  ImageToImageBatch,
  ImageToImageOptimizers,
  ContentFeatures,
  ContentConfig,
} from './models/image-to-image/config';
export type { ImageToImageStepLogs, ImageToImageEpochLogs } from './models/image-to-image/logs';
export { createPix2Pix, type CreatePix2PixOptions } from './models/image-to-image/create-pix2pix';
export {
  createSuperResolutionGan,
  type CreateSuperResolutionOptions,
} from './models/image-to-image/create-super-resolution';

export * from './api/deprecated';

export { VERSION } from './version';
