/**
 * A folder of PNG and JPEG images as a streamed {@link ImageSource}: class sub-folders as labels
 * (the torchvision `ImageFolder` / Keras `image_dataset_from_directory` convention), or a flat
 * folder as an unlabelled set. Images are decoded a batch at a time, or once into a decoded cache.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { DataFormatError, GanConfigError } from '../errors';
import { PROBE_HEAD_BYTES, PROBE_TAIL_BYTES, decodeImage, probeImage, type ImageProbe } from './decode';
import type { ImageShape } from './image-source';
import { PixelCacheFile, defaultCachePath, fingerprintOf } from './pixel-cache';
import { type ImageReader, type SkippedImage, StreamedImageSource } from './streamed-source';
import { type ImageTransformOptions, checkTransformOptions, transformImage } from './transforms';

/** File name endings read as images (case-insensitive). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;

/**
 * Options of {@link openImageFolder}.
 *
 * @example
 * ```ts
 * const options: ImageFolderOptions = { imageShape: [64, 64, 3], crop: [108, 108], onBadImage: 'skip', cache: true };
 * ```
 */
export interface ImageFolderOptions extends Partial<ImageTransformOptions> {
  /**
   * The shape batches have, `[height, width, channels]` (channels 1, 3 or 4); each image is
   * converted, centre-cropped and resized to it (see {@link ImageTransformOptions}). Default: the
   * first image's size, with 1 channel if it is gray and 3 otherwise.
   */
  imageShape?: ImageShape;
  /**
   * `'folders'`: each sub-folder of the root is a class, class `k` the `k`-th name in sorted
   * (code point) order, images found at any depth below it; `'none'`: every image at any depth,
   * unlabelled; a function: every image at any depth, its class the name the function gives for
   * its path inside the root (`/`-separated, e.g. `smileys/1f600.png`), or `null` to leave it out
   * (classes again numbered in sorted order of their names). Default: `'folders'` when the root
   * holds sub-folders, `'none'` when it is flat.
   */
  labels?: 'folders' | 'none' | ((name: string) => string | null);
  /**
   * What an unreadable, truncated or undecodable image does: `'error'` (default) stops with a
   * {@link DataFormatError} naming the file; `'skip'` leaves it out and lists it in the source's
   * `skipped`. Header and truncation checks run on every file at open; full decoding at open
   * only with `verify` or `cache`.
   */
  onBadImage?: 'error' | 'skip';
  /** Decode every image once at open, so no bad image surfaces mid-training (default false; implied by `cache`). */
  verify?: boolean;
  /**
   * Keep the decoded, transformed pixels in one file so later epochs (and later runs) do not
   * decode again: `true` for a hidden file in the folder named after the shape, or a file path.
   * Rebuilt when the folder's listing (names, sizes, modification times) or the transforms change.
   * Default false.
   */
  cache?: boolean | string;
  /** Use only the first `limit` images of the sorted listing (a positive integer). Default: all. */
  limit?: number;
}

interface Entry {
  file: string;
  name: string;
  label: number;
  size: number;
  mtimeMs: number;
}

const hidden = (name: string): boolean => name.startsWith('.');
const isImage = (name: string): boolean => IMAGE_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e));
/** Python's `sorted()` order (code points), not the locale's: the class indices torchvision and Keras give. */
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function listImages(dir: string, root: string, label: number, out: Entry[]): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => byCodePoint(a.name, b.name));
  for (const entry of entries) {
    if (hidden(entry.name)) continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) await listImages(file, root, label, out);
    else if (isImage(entry.name)) {
      const info = await stat(file);
      if (info.isFile())
        out.push({ file, name: path.relative(root, file), label, size: info.size, mtimeMs: info.mtimeMs });
    }
  }
}

async function probeFile(entry: Entry): Promise<ImageProbe> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(entry.file, 'r');
  } catch (error) {
    throw new DataFormatError(`cannot be read (${error instanceof Error ? error.message : String(error)})`, entry.file);
  }
  try {
    const headLength = Math.min(entry.size, PROBE_HEAD_BYTES);
    const head = new Uint8Array(headLength);
    await handle.read(head, 0, headLength, 0);
    const tail = new Uint8Array(Math.min(entry.size, PROBE_TAIL_BYTES));
    await handle.read(tail, 0, tail.length, entry.size - tail.length);
    try {
      return probeImage(head, tail, entry.file);
    } catch (error) {
      if (headLength === entry.size || !(error instanceof DataFormatError && /missing or cut/.test(error.message)))
        throw error;
      // A frame header after more than PROBE_HEAD_BYTES of metadata: read the whole file.
      const whole = new Uint8Array(entry.size);
      await handle.read(whole, 0, entry.size, 0);
      return probeImage(whole, tail, entry.file);
    }
  } finally {
    await handle.close();
  }
}

/** Probes every entry, `concurrency` files at a time, in listing order. */
async function probeAll(entries: Entry[], concurrency = 16): Promise<Array<ImageProbe | DataFormatError>> {
  const results: Array<ImageProbe | DataFormatError> = new Array(entries.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const i = next++;
      try {
        results[i] = await probeFile(entries[i]);
      } catch (error) {
        if (!(error instanceof DataFormatError)) throw error;
        results[i] = error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  return results;
}

function checkOptions(options: ImageFolderOptions): void {
  const labels = options.labels;
  if (labels !== undefined && labels !== 'folders' && labels !== 'none' && typeof labels !== 'function') {
    throw new GanConfigError(
      'labels',
      `expected 'folders', 'none' or a function from an image's path to its class name, got ${JSON.stringify(labels)}`,
    );
  }
  if (options.onBadImage !== undefined && options.onBadImage !== 'error' && options.onBadImage !== 'skip') {
    throw new GanConfigError('onBadImage', `expected 'error' or 'skip', got ${JSON.stringify(options.onBadImage)}`);
  }
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit <= 0)) {
    throw new GanConfigError('limit', `expected a positive integer, got ${options.limit}`);
  }
  const cache = options.cache;
  if (cache !== undefined && typeof cache !== 'boolean' && (typeof cache !== 'string' || cache === '')) {
    throw new GanConfigError('cache', `expected true, false or a file path, got ${JSON.stringify(cache)}`);
  }
  if (options.imageShape !== undefined) checkTransformOptions({ ...options, imageShape: options.imageShape });
}

/**
 * Opens a folder of PNG and JPEG images (gray, RGB or RGBA, any size) as a streamed
 * {@link StreamedImageSource}: nothing but the listing is held in memory, each batch is read and
 * decoded when it is drawn (or read from the decoded cache), and converted to `imageShape`.
 *
 * - `root/<class>/…/*.png|jpg|jpeg`: labelled, classes = sorted sub-folder names (`classNames`).
 * - `root/*.png|jpg|jpeg`: unlabelled.
 * - Hidden files and folders (names starting with `.`) and other files are ignored.
 *
 * Every file's header and end are checked at open (unreadable, non-image and truncated files are
 * found before training); with `verify` or `cache` every image is decoded once as well.
 *
 * @example
 * ```ts
 * const emoji = await openImageFolder('emoji/', { imageShape: [32, 32, 3], background: [255, 255, 255], cache: true });
 * console.log(emoji.size, emoji.classNames, emoji.skipped.length);
 * const gan = createGan({ architecture: 'dcgan', imageShape: [32, 32, 3] });
 * ```
 * @throws {@link DataFormatError} naming the file for a bad image (with `onBadImage: 'error'`), for
 * a folder that holds no image, or images beside class folders; {@link GanConfigError} for bad options.
 */
export async function openImageFolder(root: string, options: ImageFolderOptions = {}): Promise<StreamedImageSource> {
  checkOptions(options);
  const dir = path.resolve(root);
  let top: string[];
  try {
    top = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => !hidden(e.name) && e.isDirectory())
      .map((e) => e.name)
      .sort(byCodePoint);
  } catch (error) {
    throw new DataFormatError(
      `cannot be read as a folder (${error instanceof Error ? error.message : String(error)})`,
      root,
    );
  }
  const classOf = typeof options.labels === 'function' ? options.labels : null;
  const labelled = classOf !== null || (options.labels ?? (top.length > 0 ? 'folders' : 'none')) === 'folders';
  let entries: Entry[] = [];
  let classNames: string[] | null = null;
  if (classOf !== null) {
    const all: Entry[] = [];
    await listImages(dir, dir, -1, all);
    const named = all.map((entry) => {
      const name = classOf(entry.name.split(path.sep).join('/'));
      if (name !== null && typeof name !== 'string')
        throw new GanConfigError(
          'labels',
          `returned ${JSON.stringify(name)} for '${entry.name}'; expected a class name or null`,
        );
      return { entry, name };
    });
    classNames = [...new Set(named.flatMap(({ name }) => (name === null ? [] : [name])))].sort(byCodePoint);
    const index = new Map(classNames.map((name, i) => [name, i]));
    for (const { entry, name } of named)
      if (name !== null) entries.push({ ...entry, label: index.get(name) as number });
  } else if (labelled) {
    if (top.length === 0)
      throw new DataFormatError(
        "has no class sub-folders; labels: 'folders' takes one sub-folder of images per class (a flat folder is an unlabelled set)",
        root,
      );
    const loose = (await readdir(dir)).filter((name) => !hidden(name) && isImage(name));
    if (loose.length > 0) {
      throw new DataFormatError(
        `holds ${loose.length} image(s) (e.g. '${loose[0]}') beside the class folders ${top.map((t) => `'${t}'`).join(', ')}; move them into a class folder, or pass labels: 'none'`,
        root,
      );
    }
    classNames = top;
    for (const [label, name] of top.entries()) await listImages(path.join(dir, name), dir, label, entries);
  } else {
    await listImages(dir, dir, -1, entries);
  }
  if (options.limit !== undefined) entries = entries.slice(0, options.limit);
  if (entries.length === 0) {
    throw new DataFormatError(
      `holds no image (${IMAGE_EXTENSIONS.join(', ')})${classOf !== null ? ' that the labels function names a class for' : labelled ? ' in its class folders' : ''}`,
      root,
    );
  }
  const onBadImage = options.onBadImage ?? 'error';
  const skipped: SkippedImage[] = [];
  const listing = entries.map((e) => [e.name, e.size, e.mtimeMs, e.label]);

  let transform: ImageTransformOptions | null =
    options.imageShape === undefined ? null : { ...options, imageShape: options.imageShape };
  const cachePath = (t: ImageTransformOptions): string | null =>
    options.cache === true
      ? defaultCachePath(dir, true, t)
      : typeof options.cache === 'string'
        ? path.resolve(options.cache)
        : null;
  const fingerprint = (t: ImageTransformOptions): string =>
    fingerprintOf([
      listing,
      labelled,
      onBadImage,
      t.imageShape,
      t.crop ?? 'aspect',
      t.resize ?? 'area',
      t.background ?? 'white',
    ]);

  // A valid cache answers everything the probe would: which images were kept, and their pixels.
  const cached = (t: ImageTransformOptions): StreamedImageSource | null => {
    const file = cachePath(t);
    const cache =
      file === null ? null : PixelCacheFile.open(file, { imageShape: t.imageShape, fingerprint: fingerprint(t) });
    return cache === null ? null : fromCache(cache, dir, entries, classNames, labelled);
  };
  if (transform !== null) {
    const hit = cached(transform);
    if (hit !== null) return hit;
  }

  const probes = await probeAll(entries);
  const kept: Entry[] = [];
  let first: ImageProbe | null = null;
  for (const [i, probe] of probes.entries()) {
    if (probe instanceof DataFormatError) {
      if (onBadImage === 'error') throw probe;
      skipped.push({ source: entries[i].file, reason: probe.message });
    } else {
      first ??= probe;
      kept.push(entries[i]);
    }
  }
  if (first === null) throw new DataFormatError(`holds no readable image (${skipped.length} skipped)`, root);
  if (transform === null) {
    transform = { ...options, imageShape: [first.height, first.width, first.channels <= 2 ? 1 : 3] };
    const hit = cached(transform);
    if (hit !== null) return hit;
  }
  const t: ImageTransformOptions = transform;
  checkTransformOptions(t);
  const [h, w, c] = t.imageShape;
  const decode = (entry: Entry, out: Uint8Array, offset: number): void => {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(entry.file);
    } catch (error) {
      throw new DataFormatError(
        `cannot be read (${error instanceof Error ? error.message : String(error)})`,
        entry.file,
      );
    }
    transformImage(decodeImage(bytes, entry.file), t, out, offset);
  };

  const file = cachePath(t);
  if (file !== null || options.verify === true) {
    // One decoding pass: bad images are found (and skipped) before the first batch.
    const good: Entry[] = [];
    function* decoded(): Generator<Uint8Array | SkippedImage> {
      // The cache lists what was left out by name inside the folder, so it survives the folder moving.
      for (const bad of skipped) yield { source: path.relative(dir, bad.source), reason: bad.reason };
      for (const entry of kept) {
        const out = new Uint8Array(h * w * c);
        try {
          decode(entry, out, 0);
        } catch (error) {
          if (onBadImage === 'error' || !(error instanceof DataFormatError)) throw error;
          skipped.push({ source: entry.file, reason: error.message });
          yield { source: entry.name, reason: error.message };
          continue;
        }
        good.push(entry);
        yield out;
      }
    }
    if (file !== null) {
      PixelCacheFile.write(file, { imageShape: t.imageShape, fingerprint: fingerprint(t) }, decoded());
      const cache = PixelCacheFile.open(file, { imageShape: t.imageShape, fingerprint: fingerprint(t) });
      if (cache === null) throw new DataFormatError('was written but does not read back as a complete cache', file);
      return fromCache(cache, dir, entries, classNames, labelled);
    }
    for (const _ of decoded()) void _;
    kept.splice(0, kept.length, ...good);
  }
  if (kept.length === 0) throw new DataFormatError(`holds no readable image (${skipped.length} skipped)`, root);
  const reader: ImageReader = {
    count: kept.length,
    read: (index, out, offset) => decode(kept[index], out, offset),
    describe: (index) => kept[index].file,
  };
  return new StreamedImageSource(reader, {
    imageShape: t.imageShape,
    labels: labelled ? Int32Array.from(kept, (e) => e.label) : null,
    numClasses: classNames?.length,
    classNames,
    skipped,
  });
}

/** A source over a complete cache: the kept images are the listing minus the cache's skipped list. */
function fromCache(
  cache: PixelCacheFile,
  dir: string,
  entries: Entry[],
  classNames: string[] | null,
  labelled: boolean,
): StreamedImageSource {
  const left = new Set(cache.header.skipped.map((s) => s.source));
  const kept = entries.filter((e) => !left.has(e.name));
  if (kept.length !== cache.header.count) {
    cache.close();
    throw new DataFormatError(
      `holds ${cache.header.count} images where the folder has ${kept.length} to cache`,
      cache.file,
    );
  }
  const reader: ImageReader = {
    count: kept.length,
    read: (index, out, offset) => cache.read(index, out, offset),
    describe: (index) => `${kept[index].file} (cached in ${cache.file})`,
    close: () => cache.close(),
  };
  return new StreamedImageSource(reader, {
    imageShape: cache.header.imageShape,
    labels: labelled ? Int32Array.from(kept, (e) => e.label) : null,
    numClasses: classNames?.length,
    classNames,
    skipped: cache.header.skipped.map((s) => ({ source: path.join(dir, s.source), reason: s.reason })),
    cacheFile: cache.file,
  });
}
