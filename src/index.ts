/**
 * gankit: typed GAN building blocks for TensorFlow.js.
 *
 * Data flows one way: **data → nets (+ conditioning) → loss → trainer → samples**. Compose the
 * parts yourself, or let {@link createGan} / {@link createCgan} compose the usual ones.
 *
 * This is the Node entry: the shared top level (see `exports.ts`), the backend chooser for Node,
 * the checkpoint loaders, and the Node versions of the namespaces: `datasets` (MNIST, image
 * folders, HDF5), `pictures` (PNG), `quality` (the bundled classifier, feature nets,
 * `evaluateGan`), plus `callbacks`, `io` (checkpoints, TensorBoard files) and `cli`, which need the
 * file system.
 *
 * @packageDocumentation
 */
import './node-services';
export * from './exports';
export { initBackend, backendChoice, type BackendName, type BackendChoice, type InitBackendOptions } from './backend';

export { loadGan } from './models/gan/load';
export type { LoadGanOptions } from './models/gan/config';

// CycleGAN trains in Node only (its image pools and checkpoints use Node's file services).
export { CycleGan, type CycleGanFitOptions, type CycleGanCallback } from './models/cycle/cycle-gan';
export { createCycleGan, type CreateCycleGanOptions } from './models/cycle/create';
export type {
  CycleNet,
  CycleGanConfig,
  CycleEpochProgress,
  CycleGanModels,
  CycleGanOptimizers,
  TranslationDirection,
  CycleGanData,
  CycleGanBatch,
} from './models/cycle/config';
export type { CycleGanStepLogs, CycleGanEpochLogs } from './models/cycle/logs';
export { loadCycleGan, type LoadCycleGanOptions } from './models/cycle/load';
export { loadImageToImageGan, type LoadImageToImageOptions } from './models/image-to-image/load';
export * from './api/deprecated-node';

export * as datasets from './api/datasets-node';
export * as training from './api/training-node';
export * as pictures from './api/pictures-node';
export * as quality from './api/quality-node';
export * as callbacks from './api/callbacks';
export * as io from './api/io';
export * as cli from './api/cli';
