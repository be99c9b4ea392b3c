/**
 * gankit for the browser: everything that builds, trains and samples GANs, without the parts that
 * need Node.js (file system, worker threads, the MNIST files, the CLI). Bundlers pick this entry
 * through the package's `browser` export condition, so `import { createCgan } from 'gankit'` works
 * in a web page as it does in Node.
 *
 * What is left out, and what to use instead:
 * - `Gan.save` / `loadGan` / checkpoints write folders: save the nets with tfjs IO
 *   (`gan.generator.save('indexeddb://my-generator')`, `'downloads://…'`); in the browser
 *   `Gan.save` throws a {@link NodeOnlyError}.
 * - `fit({ workers })` uses Node worker threads: in the browser, train on one thread (the WebGL or
 *   WebGPU backend already uses the GPU).
 * - `loadMnist`, PNG files and the loss CSV: build a `datasets.ImageDataset` from arrays, and draw
 *   `pictures.imageGrid` / `pictures.lossPlotImage` results into a canvas with `pictures.toImageData`.
 *
 * @packageDocumentation
 */
export * from './exports';
export {
  initBrowserBackend,
  type BrowserBackendName,
  type BrowserBackendChoice,
  type InitBrowserBackendOptions,
} from './backend-browser';

export * as datasets from './api/datasets';
export * as training from './api/training';
export * as pictures from './api/pictures-browser';
export * as quality from './api/quality';
