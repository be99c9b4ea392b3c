/**
 * An {@link ImageSource} over an {@link ImageReader}: only the batch being built is in memory.
 * Image folders, HDF5 files and the decoded cache are readers; this class gives them the one
 * shuffle, resume and batch conversion every gankit source shares.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import {
  type BatchOptions,
  type DataBatch,
  type ImageShape,
  type ImageSource,
  batchIndices,
  countBatches,
  pixelsToImages,
} from './image-source';

/**
 * Reads one image at a time, already at the source's image shape (8-bit pixels). Reads are
 * synchronous: a batch is built in one go, between two training steps.
 *
 * @example
 * ```ts
 * const reader: ImageReader = {
 *   count: 100,
 *   read: (index, out, offset) => out.fill(index % 256, offset, offset + 32 * 32 * 3),
 *   describe: (index) => `image ${index}`,
 * };
 * ```
 */
export interface ImageReader {
  /** Number of images. */
  readonly count: number;
  /** Writes image `index` (`height · width · channels` bytes) into `out` at `offset`. */
  read(index: number, out: Uint8Array, offset: number): void;
  /** A name for image `index` in messages (its file, or its dataset). */
  describe(index: number): string;
  /** Frees what the reader holds open (files). */
  close?(): void;
}

/** An image the source left out, and why. */
export interface SkippedImage {
  /** The image's file (or dataset) name. */
  source: string;
  /** Why it was left out. */
  reason: string;
}

/** What a {@link StreamedImageSource} holds besides its reader. */
export interface StreamedImageSourceArgs {
  /** Shape of every image the reader writes. */
  imageShape: ImageShape;
  /** One label per image, or null. */
  labels?: Int32Array | null;
  /** Number of classes; default the largest label + 1 (0 when unlabelled). */
  numClasses?: number;
  /** Class names, index `k` naming class `k` (e.g. an image folder's sub-folders). */
  classNames?: readonly string[] | null;
  /** Images left out when the source was opened. */
  skipped?: readonly SkippedImage[];
  /** The decoded cache in use, if any. */
  cacheFile?: string | null;
}

/**
 * A dataset read a batch at a time (see {@link ImageSource}): seeded, shuffled batches in [-1, 1],
 * with `skipBatches` to resume mid-epoch, in the same order as an {@link ImageDataset} of the same
 * images and seed. Built by {@link openImageFolder} and {@link openHdf5Images}, or over a reader of your own.
 *
 * @example
 * ```ts
 * const faces = await openImageFolder('data/faces', { imageShape: [64, 64, 3] });
 * for (const batch of faces.batches(64, { rng: new Rng(1) })) { ...; tf.dispose([batch.images, batch.labels]); }
 * faces.close();
 * ```
 */
export class StreamedImageSource implements ImageSource {
  /** Shape of one image, `[height, width, channels]`. */
  readonly imageShape: ImageShape;
  /** One class index per image, or `null` for an unlabelled source. */
  readonly labels: Int32Array | null;
  /** Number of classes (0 for an unlabelled source). */
  readonly numClasses: number;
  /** Class names (index `k` names class `k`), when the source has them. */
  readonly classNames: readonly string[] | null;
  /** Images left out when the source was opened (`onBadImage: 'skip'`), with the reason. */
  readonly skipped: readonly SkippedImage[];
  /** The decoded cache file the images are read from, or `null` when they are decoded each time. */
  readonly cacheFile: string | null;
  private readonly reader: ImageReader;

  constructor(reader: ImageReader, args: StreamedImageSourceArgs) {
    this.reader = reader;
    this.imageShape = [...args.imageShape];
    this.labels = args.labels ?? null;
    if (this.labels !== null && this.labels.length !== reader.count) {
      throw new GanConfigError('labels', `has ${this.labels.length} labels for ${reader.count} images`);
    }
    let max = -1;
    for (const label of this.labels ?? []) max = Math.max(max, label);
    this.numClasses = this.labels === null ? 0 : (args.numClasses ?? max + 1);
    if (max >= this.numClasses && this.labels !== null) {
      throw new GanConfigError('numClasses', `is ${this.numClasses}, but the labels go up to ${max}`);
    }
    this.classNames = args.classNames ?? null;
    this.skipped = args.skipped ?? [];
    this.cacheFile = args.cacheFile ?? null;
  }

  /** Number of images. */
  get size(): number {
    return this.reader.count;
  }

  /**
   * Where image `index` comes from, as its reader names it (an image folder: the file's path,
   * plus the cache it is read from when there is one; an HDF5 file: the dataset and row).
   */
  describeImage(index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= this.size)
      throw new GanConfigError('index', `expected an image index in [0, ${this.size}), got ${index}`);
    return this.reader.describe(index);
  }

  /** Number of batches {@link StreamedImageSource.batches} yields for `batchSize`. */
  batchCount(batchSize: number, dropRemainder = true): number {
    return countBatches(this.size, batchSize, dropRemainder);
  }

  /**
   * Yields batches in a (seeded) shuffled order, reading each batch's images when it is asked for.
   * Each batch's tensors belong to the caller.
   *
   * @throws {@link GanConfigError} as {@link batchIndices}; {@link DataFormatError} naming the
   * file when an image cannot be read.
   */
  *batches(batchSize: number, options: BatchOptions = {}): Generator<DataBatch> {
    const [h, w, c] = this.imageShape;
    const bytes = h * w * c;
    let buffer: Uint8Array | null = null;
    for (const indices of batchIndices(this.size, batchSize, options)) {
      if (buffer === null || buffer.length !== indices.length * bytes) buffer = new Uint8Array(indices.length * bytes);
      yield this.build(indices, buffer);
    }
  }

  /** The images (and labels) at `indices`, as new tensors owned by the caller. */
  gather(indices: Int32Array | number[]): DataBatch {
    const list = indices instanceof Int32Array ? indices : Int32Array.from(indices);
    const [h, w, c] = this.imageShape;
    return this.build(list, new Uint8Array(list.length * h * w * c));
  }

  /** One image's 8-bit pixels, `[height, width, channels]`, as the batches see it before scaling. */
  pixels(index: number): Uint8Array {
    const [h, w, c] = this.imageShape;
    const out = new Uint8Array(h * w * c);
    this.read(index, out, 0);
    return out;
  }

  /** Closes the files the source holds open. */
  close(): void {
    this.reader.close?.();
  }

  private read(index: number, out: Uint8Array, offset: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new GanConfigError('index', `expected an integer in [0, ${this.size}), got ${index}`);
    }
    this.reader.read(index, out, offset);
  }

  private build(indices: Int32Array, buffer: Uint8Array): DataBatch {
    const [h, w, c] = this.imageShape;
    const bytes = h * w * c;
    // Read in index order (files and HDF5 rows are faster read forwards), each into its batch slot.
    const slots = Array.from(indices.keys()).sort((a, b) => indices[a] - indices[b]);
    for (const slot of slots) this.read(indices[slot], buffer, slot * bytes);
    const images = pixelsToImages(buffer, [indices.length, h, w, c]);
    const labels =
      this.labels === null
        ? null
        : tf.tensor1d(
            Int32Array.from(indices, (i) => (this.labels as Int32Array)[i]),
            'int32',
          );
    return { images, labels };
  }
}
