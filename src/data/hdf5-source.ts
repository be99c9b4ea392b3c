/**
 * HDF5 image sets as a streamed {@link ImageSource}, read an image at a time, never whole: a 3-D
 * or 4-D uint8 dataset (`[n, h, w]` or `[n, h, w, c]`, one slice per image), or a group holding
 * one uint8 dataset per image (the seed-003 CelebA layout: a group `img_align_celeba` with
 * datasets `0.jpg`, `1.jpg`, …, each `[218, 178, 3]`). Needs the optional package `h5wasm`.
 *
 * @packageDocumentation
 */
import * as path from 'node:path';
import { stat } from 'node:fs/promises';
import { DataFormatError, GanConfigError } from '../errors';
import {
  H5T_INTEGER,
  type H5Dataset,
  type H5File,
  type H5Group,
  describeType,
  getEntity,
  openHdf5File,
  readLabels,
  reason,
} from './hdf5-file';
import type { ImageShape } from './image-source';
import { PixelCacheFile, defaultCachePath, fingerprintOf } from './pixel-cache';
import { type ImageReader, type SkippedImage, StreamedImageSource } from './streamed-source';
import { type ImageTransformOptions, type RawImage, checkTransformOptions, transformImage } from './transforms';

/**
 * Options of {@link openHdf5Images}.
 *
 * @example
 * ```ts
 * const options: Hdf5SourceOptions = { images: 'img_align_celeba', imageShape: [64, 64, 3], cache: true };
 * ```
 */
export interface Hdf5SourceOptions extends Partial<ImageTransformOptions> {
  /** Path inside the file of a uint8 dataset `[n, h, w]` / `[n, h, w, c]`, or of a group of per-image uint8 datasets. */
  images: string;
  /** Path of a class labels dataset (integers `[n]` or `[n, 1]`, in image order), when the set is labelled. */
  labels?: string;
  /** Number of classes; labels must lie in [0, numClasses). Default: the largest label + 1. */
  numClasses?: number;
  /** Use only the first `limit` images (a positive integer). Default: all. */
  limit?: number;
  /** The shape batches have; each image is converted, cropped and resized to it. Default: the stored (first) image's shape. */
  imageShape?: ImageShape;
  /**
   * For a group: what a member that is not a uint8 image does, `'error'` (default) or `'skip'`
   * (left out, listed in `skipped`). Members are checked when read, or all at open with `verify` or `cache`.
   */
  onBadImage?: 'error' | 'skip';
  /** Check (for a group) and read every image once at open (default false; implied by `cache`). */
  verify?: boolean;
  /**
   * Keep the transformed pixels in one file (`true`: a hidden file beside the HDF5 file, or a
   * path), rebuilt when the HDF5 file's size or modification time, or the transforms, change.
   * Default false.
   */
  cache?: boolean | string;
}

/** How the stored images are laid out. */
interface Layout {
  count: number;
  /** Image `index` as stored (a new array), or a DataFormatError for a bad member. */
  read(index: number): RawImage;
  describe(index: number): string;
  /** Image `index`'s name inside the file (how a cache lists what it left out, wherever the file is opened from). */
  key(index: number): string;
}

/** Group member names in index order: `0.jpg, 1.jpg, …, 10.jpg` by their leading number, others by code point after them. */
function naturalOrder(names: string[]): string[] {
  const key = (name: string): number => {
    const match = /^(\d+)/.exec(name);
    return match === null ? Infinity : Number(match[1]);
  };
  return names.sort((a, b) => key(a) - key(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function imageShapeOf(shape: number[], source: string, perImage: boolean): [number, number, number] {
  const rank = perImage ? shape.length : shape.length - 1;
  const dims = perImage ? shape : shape.slice(1);
  if ((rank !== 2 && rank !== 3) || dims.some((d) => !Number.isInteger(d) || d <= 0) || (rank === 3 && dims[2] > 4)) {
    throw new DataFormatError(
      `has shape [${shape.join(', ')}]; expected ${perImage ? '[h, w] or [h, w, c]' : '[n, h, w] or [n, h, w, c]'} with 1–4 channels last (channels-first data: loadHdf5Images with channelsFirst)`,
      source,
    );
  }
  return [dims[0], dims[1], dims[2] ?? 1];
}

function checkUint8(dataset: H5Dataset, source: string): void {
  const meta = dataset.metadata;
  if (!(meta.type === H5T_INTEGER && meta.size === 1 && !meta.signed)) {
    throw new DataFormatError(
      `holds ${describeType(meta)} values; the streamed source reads uint8 images (loadHdf5Images reads other types into memory)`,
      source,
    );
  }
}

function rowsLayout(dataset: H5Dataset, file: string, imagesPath: string, limit: number | undefined): Layout {
  const source = `${file}, dataset '${imagesPath}'`;
  checkUint8(dataset, source);
  const shape = dataset.shape ?? [];
  const [h, w, c] = imageShapeOf(shape, source, false);
  const rest = shape.slice(1).map((): [] => []);
  return {
    count: Math.min(shape[0], limit ?? Infinity),
    read(index) {
      let values: unknown;
      try {
        values = dataset.slice([[index, index + 1], ...rest]);
      } catch (error) {
        throw new DataFormatError(`row ${index} cannot be read (${reason(error)})`, source);
      }
      if (!(values instanceof Uint8Array) || values.length !== h * w * c) {
        throw new DataFormatError(`row ${index} read back as something other than ${h * w * c} bytes`, source);
      }
      return { data: values, height: h, width: w, channels: c };
    },
    describe: (index) => `${source}, row ${index}`,
    key: (index) => `row ${index}`,
  };
}

function groupLayout(group: H5Group, file: string, imagesPath: string, limit: number | undefined): Layout {
  const names = naturalOrder(group.keys()).slice(0, limit);
  const prefix = imagesPath.replace(/\/+$/, '');
  const sourceOf = (name: string): string => `${file}, dataset '${prefix}/${name}'`;
  return {
    count: names.length,
    read(index) {
      const source = sourceOf(names[index]);
      let member: H5Dataset | null;
      try {
        member = group.get(names[index]) as H5Dataset | null;
      } catch (error) {
        throw new DataFormatError(`cannot be read (${reason(error)})`, source);
      }
      if (member === null || member.type !== 'Dataset') throw new DataFormatError('is not a dataset', source);
      checkUint8(member, source);
      const [h, w, c] = imageShapeOf(member.shape ?? [], source, true);
      let values: unknown;
      try {
        values = member.value;
      } catch (error) {
        throw new DataFormatError(`cannot be read (${reason(error)})`, source);
      }
      if (!(values instanceof Uint8Array) || values.length !== h * w * c) {
        throw new DataFormatError(`read back as something other than ${h * w * c} bytes`, source);
      }
      return { data: values, height: h, width: w, channels: c };
    },
    describe: (index) => sourceOf(names[index]),
    key: (index) => names[index],
  };
}

function checkOptions(options: Hdf5SourceOptions): void {
  if (options === null || typeof options !== 'object' || typeof options.images !== 'string' || options.images === '') {
    throw new GanConfigError(
      'images',
      'expected the path of the images dataset or group, e.g. { images: "img_align_celeba" }',
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
  if (options.onBadImage !== undefined && options.onBadImage !== 'error' && options.onBadImage !== 'skip') {
    throw new GanConfigError('onBadImage', `expected 'error' or 'skip', got ${JSON.stringify(options.onBadImage)}`);
  }
  const cache = options.cache;
  if (cache !== undefined && typeof cache !== 'boolean' && (typeof cache !== 'string' || cache === '')) {
    throw new GanConfigError('cache', `expected true, false or a file path, got ${JSON.stringify(cache)}`);
  }
  if (options.imageShape !== undefined) checkTransformOptions({ ...options, imageShape: options.imageShape });
}

/**
 * Opens an HDF5 image set as a streamed {@link StreamedImageSource}: each batch reads its images
 * from the file (one slice or one dataset per image) and converts them to `imageShape`; memory
 * holds the batch, not the set. Close it with `close()` when done.
 *
 * @example
 * ```ts
 * // The seed-003 CelebA file: one dataset per image in the group img_align_celeba.
 * const faces = await openHdf5Images('celeba.h5', { images: 'img_align_celeba', imageShape: [64, 64, 3] });
 * const gan = createGan({ architecture: 'dcgan', imageShape: [64, 64, 3] });
 * await gan.fit(faces, { epochs: 5, batchSize: 64 });
 * faces.close();
 * ```
 * @throws {@link DataFormatError} naming the file and dataset for a missing path, a non-uint8 or
 * badly shaped dataset, bad labels, or (with `onBadImage: 'error'`) a bad group member;
 * {@link GanConfigError} for a bad option; {@link GankitError} when `h5wasm` is not installed.
 */
export async function openHdf5Images(file: string, options: Hdf5SourceOptions): Promise<StreamedImageSource> {
  checkOptions(options);
  const root = await openHdf5File(file);
  let handedOver = false;
  try {
    const source = await openSource(root, file, options);
    handedOver = source.cacheFile === null;
    return source;
  } finally {
    if (!handedOver) root.close();
  }
}

async function openSource(root: H5File, file: string, options: Hdf5SourceOptions): Promise<StreamedImageSource> {
  const entity = getEntity(root, options.images, file, 'images');
  let layout: Layout;
  let storedCount: number;
  if (entity.type === 'Group') {
    const group = entity as H5Group;
    storedCount = group.keys().length;
    layout = groupLayout(group, file, options.images, options.limit);
  } else if (entity.type === 'Dataset') {
    const dataset = entity as H5Dataset;
    storedCount = dataset.shape?.[0] ?? 0;
    layout = rowsLayout(dataset, file, options.images, options.limit);
  } else {
    throw new DataFormatError(
      `is a ${String(entity.type).toLowerCase()}, not a dataset or group`,
      `${file}, '${options.images}'`,
    );
  }
  if (layout.count === 0) throw new DataFormatError('holds no image', `${file}, '${options.images}'`);
  const labels =
    options.labels === undefined
      ? null
      : readLabels(root, file, options.labels, options.images, storedCount, layout.count, options.numClasses);
  const onBadImage = options.onBadImage ?? 'error';
  const skipped: SkippedImage[] = [];
  // Indices of the stored images in use (all of them unless some are skipped).
  let kept: Int32Array = Int32Array.from({ length: layout.count }, (_, i) => i);

  let firstShape: [number, number, number] | null = null;
  for (let i = 0; i < layout.count && firstShape === null; i++) {
    try {
      const first = layout.read(i);
      firstShape = [first.height, first.width, first.channels];
    } catch (error) {
      if (onBadImage === 'error' || !(error instanceof DataFormatError)) throw error;
    }
  }
  if (firstShape === null) throw new DataFormatError('holds no readable image', `${file}, '${options.images}'`);
  const [fh, fw, fc] = firstShape;
  const t: ImageTransformOptions = {
    ...options,
    imageShape: options.imageShape ?? [fh, fw, fc === 2 ? 1 : fc === 4 ? 3 : fc],
  };
  checkTransformOptions(t);
  const [h, w, c] = t.imageShape;
  const read = (index: number, out: Uint8Array, offset: number): void => {
    transformImage(layout.read(index), t, out, offset);
  };

  const cacheFile =
    options.cache === true
      ? defaultCachePath(path.resolve(file), false, t)
      : typeof options.cache === 'string'
        ? path.resolve(options.cache)
        : null;
  if (cacheFile !== null || options.verify === true) {
    const info = await stat(file);
    const fingerprint = fingerprintOf([
      info.size,
      info.mtimeMs,
      options.images,
      options.limit ?? null,
      onBadImage,
      t.imageShape,
      t.crop ?? 'aspect',
      t.resize ?? 'area',
      t.background ?? 'white',
    ]);
    const good: number[] = [];
    function* decoded(): Generator<Uint8Array | SkippedImage> {
      for (let i = 0; i < layout.count; i++) {
        const out = new Uint8Array(h * w * c);
        try {
          read(i, out, 0);
        } catch (error) {
          if (onBadImage === 'error' || !(error instanceof DataFormatError)) throw error;
          skipped.push({ source: layout.describe(i), reason: error.message });
          yield { source: layout.key(i), reason: error.message };
          continue;
        }
        good.push(i);
        yield out;
      }
    }
    if (cacheFile !== null) {
      let cache = PixelCacheFile.open(cacheFile, { imageShape: t.imageShape, fingerprint });
      if (cache === null) {
        PixelCacheFile.write(cacheFile, { imageShape: t.imageShape, fingerprint }, decoded());
        cache = PixelCacheFile.open(cacheFile, { imageShape: t.imageShape, fingerprint });
        if (cache === null)
          throw new DataFormatError('was written but does not read back as a complete cache', cacheFile);
      }
      return cachedSource(cache, layout, labels, options.numClasses);
    }
    for (const _ of decoded()) void _;
    kept = Int32Array.from(good);
  }
  const reader: ImageReader = {
    count: kept.length,
    read: (index, out, offset) => read(kept[index], out, offset),
    describe: (index) => layout.describe(kept[index]),
    close: () => root.close(),
  };
  return new StreamedImageSource(reader, {
    imageShape: t.imageShape,
    labels: labels === null ? null : Int32Array.from(kept, (i) => labels[i]),
    numClasses: options.numClasses,
    skipped,
  });
}

/** A source over a complete cache; the kept images are the stored ones minus the cache's skipped list. */
function cachedSource(
  cache: PixelCacheFile,
  layout: Layout,
  labels: Int32Array | null,
  numClasses: number | undefined,
): StreamedImageSource {
  const left = new Set(cache.header.skipped.map((s) => s.source));
  const kept = Int32Array.from({ length: layout.count }, (_, i) => i).filter((i) => !left.has(layout.key(i)));
  if (kept.length !== cache.header.count) {
    cache.close();
    throw new DataFormatError(`holds ${cache.header.count} images where the source has ${kept.length}`, cache.file);
  }
  const reader: ImageReader = {
    count: kept.length,
    read: (index, out, offset) => cache.read(index, out, offset),
    describe: (index) => `${layout.describe(kept[index])} (cached in ${cache.file})`,
    close: () => cache.close(),
  };
  return new StreamedImageSource(reader, {
    imageShape: cache.header.imageShape,
    labels: labels === null ? null : Int32Array.from(kept, (i) => labels[i]),
    numClasses,
    skipped: cache.header.skipped.map((skip) => ({ source: `${cache.file}: ${skip.source}`, reason: skip.reason })),
    cacheFile: cache.file,
  });
}
