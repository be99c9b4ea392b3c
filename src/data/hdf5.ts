/**
 * Image sets stored in HDF5 files (e.g. CelebA as `images [n, 64, 64, 3]` uint8 plus labels),
 * read with `h5wasm`, a WebAssembly build of libhdf5 that installs from the npm registry with no
 * native build or download. `h5wasm` is an **optional peer dependency**: only this loader needs
 * it, so it is loaded on first use and a missing package is reported by name.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { DataFormatError, GanConfigError } from '../errors';
import { ImageDataset } from './dataset';
import { H5T_INTEGER, type H5File, describeType, getDataset, openHdf5File, readLabels, readRows } from './hdf5-file';

export { importOptionalEsm, loadH5wasm, type H5wasmModule } from './hdf5-file';

/**
 * Options of {@link loadHdf5Images}.
 *
 * @example
 * ```ts
 * const options: Hdf5ImagesOptions = { images: 'train/x', labels: 'train/y', numClasses: 10, limit: 5000, channelsFirst: true };
 * const data = await loadHdf5Images('digits.h5', options);
 * ```
 */
export interface Hdf5ImagesOptions {
  /** Path of the images dataset inside the file, e.g. `'images'` or `'/train/x'`. */
  images: string;
  /** Path of the class labels dataset (integers `[n]` or `[n, 1]`), when the set is labelled. */
  labels?: string;
  /** Load only the first `limit` images (a positive integer). Default: all. */
  limit?: number;
  /** Number of classes; labels must lie in [0, numClasses). Default: the largest label + 1. */
  numClasses?: number;
  /**
   * The range the stored pixel values span, mapped linearly to gankit's [-1, 1]. Default: `[0,
   * 255]` for integer data; for float data `[-1, 1]` when any loaded value is negative, else
   * `[0, 1]`. Give it for anything else (e.g. `[0, 65535]` for 16-bit images, `[0, 255]` for floats
   * holding 0–255), or to settle a float set whose range the values leave open. Values outside it
   * are an error, not clipped.
   */
  range?: [number, number];
  /**
   * The images are stored channels-first, `[n, c, h, w]` (as PyTorch writes them); they are
   * transposed to `[n, h, w, c]`. Default: channels-last `[n, h, w, c]` (or `[n, h, w]`), and a
   * shape that looks channels-first (`[n, 1|3|4, h, w]` with w > 4) is refused with a hint, unless
   * you set this to `false`.
   */
  channelsFirst?: boolean;
}

function checkOptions(options: Hdf5ImagesOptions): void {
  if (options === null || typeof options !== 'object' || typeof options.images !== 'string' || options.images === '') {
    throw new GanConfigError(
      'images',
      'expected the path of the images dataset inside the file, e.g. { images: "images" }',
    );
  }
  if (options.labels !== undefined && (typeof options.labels !== 'string' || options.labels === '')) {
    throw new GanConfigError(
      'labels',
      `expected the path of the labels dataset, got ${JSON.stringify(options.labels)}`,
    );
  }
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit <= 0)) {
    throw new GanConfigError('limit', `expected a positive integer, got ${options.limit}`);
  }
  if (options.numClasses !== undefined && (!Number.isInteger(options.numClasses) || options.numClasses <= 0)) {
    throw new GanConfigError('numClasses', `expected a positive integer, got ${options.numClasses}`);
  }
  const r = options.range;
  if (
    r !== undefined &&
    !(Array.isArray(r) && r.length === 2 && Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0] < r[1])
  ) {
    throw new GanConfigError('range', `expected [low, high] with low < high, got ${JSON.stringify(r)}`);
  }
}

/**
 * Loads an image set from an HDF5 file into an {@link ImageDataset} (images in [-1, 1], optional
 * labels), e.g. CelebA as prepared for GAN training. Needs the optional package `h5wasm`
 * (`npm install h5wasm`).
 *
 * - **Images**: `[n, h, w]` (one channel) or `[n, h, w, c]`, or `[n, c, h, w]` with
 *   `channelsFirst: true`; integer pixels (0–255 by default) or floats in [0, 1] or [-1, 1]
 *   (told apart by the sign of the smallest value; pass `range` to say it outright).
 * - **Labels** (optional): integers (or integral floats) `[n]` or `[n, 1]`, ≥ 0, one per image.
 * - Reads only the first `limit` images, a slice at a time: a 200k-image set needs `limit` or a
 *   lot of memory (the dataset is float32 in memory, 12 KiB per 64×64×3 image).
 *
 * @example
 * ```ts
 * const celeba = await loadHdf5Images('data/celeba64.h5', { images: 'images', limit: 20000 });
 * const digits = await loadHdf5Images('digits.h5', { images: 'x', labels: 'y', numClasses: 10 });
 * ```
 * @throws {@link DataFormatError} naming the file and the dataset path when the file cannot be
 * read or is not HDF5, a dataset is missing or is a group, has the wrong rank, type or value range,
 * or the label count differs from the image count; {@link GanConfigError} for a bad option;
 * {@link GankitError} when `h5wasm` is not installed.
 */
export async function loadHdf5Images(file: string, options: Hdf5ImagesOptions): Promise<ImageDataset> {
  checkOptions(options);
  const root = await openHdf5File(file);
  try {
    return readImageSet(root, file, options);
  } finally {
    root.close();
  }
}

function readImageSet(root: H5File, file: string, options: Hdf5ImagesOptions): ImageDataset {
  const { dataset: images, source } = getDataset(root, options.images, file, 'images');
  const shape = images.shape ?? [];
  if ((shape.length !== 3 && shape.length !== 4) || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new DataFormatError(
      `has shape [${shape.join(', ')}]; expected images [n, height, width] or [n, height, width, channels] with no empty axis`,
      source,
    );
  }
  const channelsFirst = options.channelsFirst === true;
  if (channelsFirst && shape.length !== 4)
    throw new DataFormatError(
      `has shape [${shape.join(', ')}]; channelsFirst needs [n, channels, height, width]`,
      source,
    );
  if (options.channelsFirst === undefined && shape.length === 4 && [1, 3, 4].includes(shape[1]) && shape[3] > 4) {
    throw new DataFormatError(
      `has shape [${shape.join(', ')}], which looks channels-first ([n, c, h, w]); pass channelsFirst: true to transpose it, or channelsFirst: false to take it as [n, h, w, c] with ${shape[3]} channels`,
      source,
    );
  }
  const [n, h, w, c] = channelsFirst
    ? [shape[0], shape[2], shape[3], shape[1]]
    : [shape[0], shape[1], shape[2], shape[3] ?? 1];
  const count = Math.min(n, options.limit ?? n);

  const labels =
    options.labels === undefined
      ? null
      : readLabels(root, file, options.labels, options.images, n, count, options.numClasses);

  const meta = images.metadata;
  const isInteger = meta.type === H5T_INTEGER;
  // uint8 is read as bytes; anything else as float32 (exact for 8- and 16-bit pixels; float64 images lose digits no image needs).
  const raw: Uint8Array | Float32Array =
    isInteger && meta.size === 1 && !meta.signed
      ? readRows(images, shape, count, source, (length) => new Uint8Array(length))
      : readRows(images, shape, count, source, (length) => new Float32Array(length));
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (Number.isNaN(v)) throw new DataFormatError(`holds NaN (first at flat index ${i})`, source);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range: [number, number] = options.range ?? (isInteger ? [0, 255] : min < 0 ? [-1, 1] : [0, 1]);
  const [lo, hi] = range;
  const tolerance = isInteger ? 0 : 1e-6 * (hi - lo);
  if (min < lo - tolerance || max > hi + tolerance) {
    const hint =
      options.range !== undefined
        ? ''
        : isInteger
          ? '; pass { range: [low, high] } for integer pixels other than 0–255'
          : '; float images must lie in [0, 1] or [-1, 1], or pass { range: [low, high] } (e.g. [0, 255])';
    throw new DataFormatError(
      `holds ${describeType(meta)} values in [${min}, ${max}], outside [${lo}, ${hi}]${hint}`,
      source,
    );
  }

  const sourceName = `${file}:${options.images}`;
  const datasetOptions = { numClasses: options.numClasses, source: sourceName };
  const imageShape: [number, number, number, number] = [count, h, w, c];
  // Element (i, y, x, ch) of the result comes from this flat index of the stored data.
  const from = channelsFirst
    ? (i: number, y: number, x: number, ch: number): number => ((i * c + ch) * h + y) * w + x
    : null;
  if (isInteger && lo === 0 && hi === 255) {
    // 8-bit pixels: the same conversion as every other gankit loader (ImageDataset.fromPixels).
    let pixels: Uint8Array;
    if (raw instanceof Uint8Array && from === null) {
      pixels = raw;
    } else {
      pixels = new Uint8Array(raw.length);
      fill(pixels, raw, imageShape, from, (v) => v);
    }
    return ImageDataset.fromPixels(pixels, imageShape, labels, datasetOptions);
  }
  const scaled = new Float32Array(raw.length);
  const scale = 2 / (hi - lo);
  fill(scaled, raw, imageShape, from, (v) => Math.min(1, Math.max(-1, (v - lo) * scale - 1)));
  const tensor = tf.tensor4d(scaled, imageShape, 'float32');
  try {
    return ImageDataset.fromTensor(tensor, labels, datasetOptions);
  } finally {
    tensor.dispose();
  }
}

/** Writes `map(raw)` into `out` in [n, h, w, c] order (transposing from channels-first when `from` is given). */
function fill(
  out: Uint8Array | Float32Array,
  raw: Uint8Array | Float32Array,
  [n, h, w, c]: [number, number, number, number],
  from: ((i: number, y: number, x: number, ch: number) => number) | null,
  map: (v: number) => number,
): void {
  if (from === null) {
    for (let i = 0; i < raw.length; i++) out[i] = map(raw[i]);
    return;
  }
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) out[k++] = map(raw[from(i, y, x, ch)]);
}
