/**
 * Image sets stored in HDF5 files (e.g. CelebA as `images [n, 64, 64, 3]` uint8 plus labels),
 * read with `h5wasm`, a WebAssembly build of libhdf5 that installs from the npm registry with no
 * native build or download. `h5wasm` is an **optional peer dependency**: only this loader needs
 * it, so it is loaded on first use and a missing package is reported by name.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { DataFormatError, GanConfigError, GankitError } from '../errors';
import { ImageDataset } from './dataset';

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

/** The part of h5wasm's API this loader uses (typed here: the package is optional). */
interface H5Metadata {
  type: number;
  size: number;
  signed: boolean;
  shape: number[] | null;
}
interface H5Entity {
  type?: string;
}
interface H5Dataset extends H5Entity {
  readonly metadata: H5Metadata;
  readonly shape: number[] | null;
  readonly dtype: unknown;
  readonly value: unknown;
  slice(ranges: Array<[] | [number, number]>): unknown;
}
interface H5Group extends H5Entity {
  keys(): string[];
  get(path: string): H5Entity | null;
}
interface H5File extends H5Group {
  file_id: bigint;
  close(): void;
}
/**
 * The h5wasm module (its Node build, `h5wasm/node`).
 *
 * @example
 * ```ts
 * const h5: H5wasmModule = await loadH5wasm();
 * const file = new h5.File('data.h5', 'r');
 * ```
 * @internal
 */
export interface H5wasmModule {
  ready: Promise<unknown>;
  File: new (filename: string, mode?: string) => H5File;
}

/** HDF5 type classes (H5T_class_t) as h5wasm reports them in `metadata.type`. */
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_NAMES: Record<number, string> = {
  2: 'time',
  3: 'string',
  4: 'bitfield',
  5: 'opaque',
  6: 'compound',
  7: 'reference',
  8: 'enum',
  9: 'variable-length',
  10: 'array',
};

/** Bytes read from the file per slice, so a large set does not need one wasm buffer as large as itself. */
const SLICE_BYTES = 32 * 1024 * 1024;
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // \211HDF\r\n\032\n

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The folder of an installed package, looked for from the working directory upwards (the user's project). */
function findPackageDir(name: string): string | null {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * Imports an optional ESM-only package. A native `import()` first (how gankit's ESM and CommonJS
 * builds load it); where that cannot load ES modules (CommonJS sandboxes such as jest's) the
 * package's file is loaded with Node's own `require` (Node ≥ 20.19 loads ES modules that way).
 *
 * @example
 * ```ts
 * const h5 = await importOptionalEsm<H5wasmModule>('h5wasm/node', 'h5wasm', 'dist/node/hdf5_hl.js', 'loadHdf5Images');
 * ```
 * @throws {@link GankitError} naming the package and the install command when it is not installed.
 * @internal
 */
export async function importOptionalEsm<T>(
  specifier: string,
  packageName: string,
  fileInPackage: string,
  feature: string,
): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (first) {
    const dir = findPackageDir(packageName);
    if (dir === null) {
      throw new GankitError(
        `${feature} needs the package '${packageName}', an optional peer dependency of gankit: npm install ${packageName}`,
      );
    }
    const file = path.join(dir, fileInPackage);
    const builtin = (
      process as unknown as { getBuiltinModule?: (id: string) => typeof import('node:module') | undefined }
    ).getBuiltinModule?.('node:module');
    try {
      return (builtin?.createRequire ?? createRequire)(file)(file) as T;
    } catch (second) {
      throw new GankitError(
        `${feature}: the package '${packageName}' (${dir}) did not load: ${reason(first)}; ${reason(second)}`,
      );
    }
  }
}

let h5wasm: Promise<H5wasmModule> | null = null;

/**
 * Loads h5wasm's Node build once and waits for its WebAssembly to start.
 *
 * @example
 * ```ts
 * const h5 = await loadH5wasm(); // the same module on every call
 * ```
 * @internal
 */
export function loadH5wasm(): Promise<H5wasmModule> {
  if (h5wasm === null) {
    h5wasm = importOptionalEsm<H5wasmModule>('h5wasm/node', 'h5wasm', 'dist/node/hdf5_hl.js', 'loadHdf5Images').then(
      async (mod) => {
        await mod.ready;
        return mod;
      },
    );
    h5wasm.catch(() => {
      h5wasm = null; // a later call tries again (e.g. after `npm install h5wasm`)
    });
  }
  return h5wasm;
}

/** Checks for HDF5's signature where a superblock may start: offset 0, 512, 1024, 2048, … */
async function checkSignature(file: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new DataFormatError(`cannot read the file: ${reason(error)}`, file);
  }
  try {
    const { size } = await handle.stat();
    const bytes = new Uint8Array(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      const { bytesRead } = await handle.read(bytes, 0, 8, offset);
      if (bytesRead === 8 && SIGNATURE.every((b, i) => bytes[i] === b)) return;
    }
    throw new DataFormatError(`is not an HDF5 file (${size} bytes, no HDF5 signature at offset 0, 512, 1024, …)`, file);
  } finally {
    await handle.close();
  }
}

function describeType(meta: H5Metadata): string {
  if (meta.type === H5T_INTEGER) return `${meta.signed ? 'int' : 'uint'}${meta.size * 8}`;
  if (meta.type === H5T_FLOAT) return `float${meta.size * 8}`;
  return H5T_NAMES[meta.type] ?? `type class ${meta.type}`;
}

function getDataset(
  root: H5File,
  datasetPath: string,
  file: string,
  role: string,
): { dataset: H5Dataset; source: string } {
  const source = `${file}, dataset '${datasetPath}'`;
  let entity: H5Entity | null;
  try {
    entity = root.get(datasetPath);
  } catch (error) {
    throw new DataFormatError(`cannot be read (${reason(error)})`, source);
  }
  if (entity === null || entity === undefined) {
    const top = root.keys();
    throw new DataFormatError(
      `does not exist (the ${role} path; the file's top level holds ${top.length === 0 ? 'nothing' : top.map((k) => `'${k}'`).join(', ')})`,
      source,
    );
  }
  if (entity.type !== 'Dataset') {
    const inside =
      entity.type === 'Group'
        ? ` holding ${
            (entity as H5Group)
              .keys()
              .map((k) => `'${k}'`)
              .join(', ') || 'nothing'
          }`
        : '';
    throw new DataFormatError(`is a ${String(entity.type).toLowerCase()}${inside}, not a dataset`, source);
  }
  const dataset = entity as H5Dataset;
  const meta = dataset.metadata;
  if (meta.type !== H5T_INTEGER && meta.type !== H5T_FLOAT) {
    throw new DataFormatError(`holds ${describeType(meta)} values; expected integers or floats`, source);
  }
  if (meta.type === H5T_FLOAT && meta.size !== 4 && meta.size !== 8) {
    throw new DataFormatError(`holds ${describeType(meta)} values; store float32, float64 or uint8`, source);
  }
  return { dataset, source };
}

/** Copies h5wasm's output (any typed array, bigint ones included) into `out` at `offset`. */
function copyValues(
  values: unknown,
  out: Float32Array | Float64Array | Uint8Array,
  offset: number,
  expected: number,
  source: string,
): void {
  if (!ArrayBuffer.isView(values) || (values as unknown as ArrayLike<unknown>).length !== expected) {
    throw new DataFormatError(
      `returned ${ArrayBuffer.isView(values) ? (values as unknown as ArrayLike<unknown>).length : typeof values} values where ${expected} were expected`,
      source,
    );
  }
  const src = values as unknown as ArrayLike<number | bigint>;
  if (typeof src[0] === 'bigint') {
    for (let i = 0; i < expected; i++) out[offset + i] = Number(src[i]);
  } else {
    out.set(src as ArrayLike<number>, offset);
  }
}

/** Reads the first `count` rows (axis 0) of `dataset` into a new `Out` array, a slice at a time. */
function readRows<Out extends Uint8Array | Float32Array | Float64Array>(
  dataset: H5Dataset,
  shape: number[],
  count: number,
  source: string,
  make: (length: number) => Out,
): Out {
  const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
  const out = make(count * rowSize);
  const rowsPerSlice = Math.max(1, Math.floor(SLICE_BYTES / Math.max(1, rowSize * dataset.metadata.size)));
  const rest = shape.slice(1).map((): [] => []);
  for (let start = 0; start < count; start += rowsPerSlice) {
    const end = Math.min(count, start + rowsPerSlice);
    let values: unknown;
    try {
      values = dataset.slice([[start, end], ...rest]);
    } catch (error) {
      throw new DataFormatError(`rows ${start}–${end} cannot be read (${reason(error)})`, source);
    }
    copyValues(values, out, start * rowSize, (end - start) * rowSize, source);
  }
  return out;
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
  const resolved = path.resolve(file);
  await checkSignature(resolved);
  const h5 = await loadH5wasm();
  let root: H5File;
  try {
    root = new h5.File(resolved, 'r');
  } catch (error) {
    throw new DataFormatError(`libhdf5 cannot open it (${reason(error)})`, file);
  }
  if (!(typeof root.file_id === 'bigint' && root.file_id >= 0n)) {
    throw new DataFormatError('libhdf5 cannot open it (a damaged or unsupported HDF5 file)', file);
  }
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

  let labels: Int32Array | null = null;
  if (options.labels !== undefined) {
    const found = getDataset(root, options.labels, file, 'labels');
    const labelSource = found.source;
    const ls = found.dataset.shape ?? [];
    if (!(ls.length === 1 || (ls.length === 2 && ls[1] === 1))) {
      throw new DataFormatError(
        `has shape [${ls.join(', ')}]; expected one class index per image, [n] or [n, 1]`,
        labelSource,
      );
    }
    if (ls[0] !== n)
      throw new DataFormatError(
        `has ${ls[0]} labels but '${options.images}' has ${n} images; expected one label per image`,
        labelSource,
      );
    const values = readRows(found.dataset, ls, count, labelSource, (length) => new Float64Array(length));
    labels = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const v = values[i];
      if (!Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1)
        throw new DataFormatError(`labels[${i}] is ${v}; expected a non-negative integer class index`, labelSource);
      if (options.numClasses !== undefined && v >= options.numClasses) {
        throw new DataFormatError(
          `labels[${i}] is ${v}; expected a class index in [0, ${options.numClasses})`,
          labelSource,
        );
      }
      labels[i] = v;
    }
  }

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
