/**
 * What a trainer needs of a dataset: its size, its image shape, whether it is labelled, and
 * seeded, shuffled batches that can resume mid-epoch. {@link ImageDataset} (in memory) and the
 * streamed sources (image folders, HDF5) implement it with the same shuffle, so one seed gives
 * one order whichever holds the images.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import type { Rng } from '../random';

/** The shape of one image, `[height, width, channels]`. */
export type ImageShape = [number, number, number];

/** One batch drawn from an {@link ImageSource}. The caller owns (and must dispose) both tensors. */
export interface DataBatch {
  /** Images, `[batch, height, width, channels]`, float32 in [-1, 1]. */
  images: tf.Tensor4D;
  /** Class labels, `[batch]`, int32; `null` when the source has no labels. */
  labels: tf.Tensor1D | null;
}

/** Options of {@link ImageSource.batches}. */
export interface BatchOptions {
  /** Random generator used to shuffle; required when `shuffle` is true (the default). */
  rng?: Rng;
  /** Shuffle the order before batching (default true). */
  shuffle?: boolean;
  /** Drop a last batch smaller than `batchSize` (default true: batch norm dislikes tiny batches). */
  dropRemainder?: boolean;
  /**
   * Skip this many batches of the (shuffled) order without building them: how a resumed epoch
   * continues (default 0). More batches than an epoch holds is an error (a resume with another
   * batch size or dataset).
   */
  skipBatches?: number;
}

/**
 * A dataset of images (and optional class labels) that yields seeded, shuffled batches. The
 * images need not be in memory: a source may read and decode each batch when it is asked for.
 *
 * Contract, shared by every implementation:
 * - `batches(n, { rng })` visits the indices `0 … size-1` in the order `rng.shuffle` gives an
 *   `Int32Array` of them (see {@link batchIndices}); the same seed gives the same batches.
 * - `batches(n, { rng, skipBatches: k })` with a generator in the same state yields exactly the
 *   batches after the first `k`, so an interrupted epoch resumes where it stopped.
 * - Labelled when `labels !== null`; then every label lies in `[0, numClasses)`.
 *
 * @example
 * ```ts
 * function describe(data: ImageSource): string {
 *   const kind = data.labels === null ? 'unlabelled' : `${data.numClasses} classes`;
 *   return `${data.size} images of ${data.imageShape.join('×')}, ${kind}, ${data.batchCount(64)} batches of 64`;
 * }
 * ```
 */
export interface ImageSource {
  /** Number of images. */
  readonly size: number;
  /** Shape of one image as batches yield it, `[height, width, channels]`. */
  readonly imageShape: ImageShape;
  /** The class index of each image (index order), or `null` for an unlabelled source. */
  readonly labels: ArrayLike<number> | null;
  /** Number of classes (0 for an unlabelled source). */
  readonly numClasses: number;
  /** Number of batches {@link ImageSource.batches} yields for `batchSize` (default `dropRemainder` true). */
  batchCount(batchSize: number, dropRemainder?: boolean): number;
  /**
   * Yields batches in a seeded shuffled order; the caller disposes each batch's tensors.
   *
   * @throws {@link GanConfigError} for a bad `batchSize` or `skipBatches`, or a missing `rng`.
   */
  batches(batchSize: number, options?: BatchOptions): Generator<DataBatch>;
}

/**
 * The index lists of one epoch of batches, as every gankit source draws them: `0 … size-1`
 * shuffled in place by `rng.shuffle` (Fisher–Yates), cut into `batchSize` runs, the first
 * `skipBatches` runs left out. A source of your own that yields its images in this order keeps
 * gankit's resume semantics.
 *
 * @example
 * ```ts
 * for (const indices of batchIndices(10, 4, { rng: new Rng(1) })) console.log(Array.from(indices)); // two runs of 4
 * ```
 * @throws {@link GanConfigError} when `batchSize` is not a positive integer or exceeds `size`
 * (with `dropRemainder`), when `skipBatches` is not a non-negative integer or exceeds the epoch's
 * batch count, or when shuffling without `rng`.
 */
export function* batchIndices(size: number, batchSize: number, options: BatchOptions = {}): Generator<Int32Array> {
  const count = checkBatches(size, batchSize, options);
  const order = new Int32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  if (options.shuffle ?? true) options.rng!.shuffle(order);
  for (let b = options.skipBatches ?? 0; b < count; b++) {
    yield order.subarray(b * batchSize, Math.min((b + 1) * batchSize, size));
  }
}

/** The number of batches of `batchSize` in `size` images. */
export function countBatches(size: number, batchSize: number, dropRemainder = true): number {
  return dropRemainder ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
}

/** Checks the arguments of a `batches` call before any work, and returns the epoch's batch count. */
function checkBatches(size: number, batchSize: number, options: BatchOptions): number {
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new GanConfigError('batchSize', `expected a positive integer, got ${batchSize}`);
  }
  const { shuffle = true, dropRemainder = true, skipBatches = 0 } = options;
  if (!Number.isInteger(skipBatches) || skipBatches < 0) {
    throw new GanConfigError('skipBatches', `expected a non-negative integer, got ${skipBatches}`);
  }
  if (dropRemainder && batchSize > size) {
    throw new GanConfigError(
      'batchSize',
      `${batchSize} is larger than the dataset (${size} images); no full batch fits`,
    );
  }
  const count = countBatches(size, batchSize, dropRemainder);
  if (skipBatches > count) {
    throw new GanConfigError(
      'skipBatches',
      `${skipBatches} batches to skip, but an epoch of ${size} images holds ${count} batches of ${batchSize}; was the run resumed with another batch size or dataset?`,
    );
  }
  if (shuffle && options.rng === undefined) {
    throw new GanConfigError('rng', 'a random generator is needed to shuffle (pass { rng } or { shuffle: false })');
  }
  return count;
}

/**
 * 8-bit pixels (0–255, `[count, height, width, channels]`) as a float32 tensor in [-1, 1], the
 * one conversion every gankit source uses (`p / 127.5 - 1`).
 *
 * @example
 * ```ts
 * const images = pixelsToImages(new Uint8Array([0, 255]), [1, 1, 2, 1]); // [[-1], [1]]
 * ```
 */
export function pixelsToImages(
  pixels: Uint8Array | Uint8ClampedArray,
  shape: readonly [number, number, number, number],
): tf.Tensor4D {
  return tf.tidy(() => tf.sub(tf.div(tf.tensor4d(pixels as Uint8Array, [...shape], 'int32'), 127.5), 1) as tf.Tensor4D);
}
