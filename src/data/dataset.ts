import * as tf from '@tensorflow/tfjs-core';
import { DataFormatError, DisposedError, GanConfigError } from '../errors';
import {
  type BatchOptions,
  type DataBatch,
  type ImageShape,
  type ImageSource,
  batchIndices,
  countBatches,
  pixelsToImages,
} from './image-source';

export type { BatchOptions, DataBatch, ImageShape } from './image-source';

/** Options shared by the {@link ImageDataset} constructors. */
export interface ImageDatasetOptions {
  /** Number of classes; labels must lie in [0, numClasses). Inferred as max label + 1 when omitted. */
  numClasses?: number;
  /** Where the data came from (a file path or a name), used in error messages. */
  source?: string;
}

function checkLabels(
  labels: ArrayLike<number>,
  count: number,
  numClasses: number | undefined,
  source: string,
): { labels: Int32Array; numClasses: number } {
  if (labels.length !== count) {
    throw new DataFormatError(`has ${labels.length} labels for ${count} images; expected one label per image`, source);
  }
  const out = new Int32Array(count);
  let max = -1;
  for (let i = 0; i < count; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0) {
      throw new GanConfigError(`labels[${i}]`, `expected a non-negative integer class index, got ${v}`);
    }
    if (numClasses !== undefined && v >= numClasses) {
      throw new GanConfigError(`labels[${i}]`, `expected a class index in [0, ${numClasses}), got ${v}`);
    }
    if (v > max) max = v;
    out[i] = v;
  }
  return { labels: out, numClasses: numClasses ?? max + 1 };
}

let warnedUnitRange = false;

/** One line, once per process: images in [0, 1] pass the range check but are not gankit's [-1, 1]. */
function warnUnitRange(source: string, max: number): void {
  if (warnedUnitRange) return;
  warnedUnitRange = true;
  console.warn(
    `gankit: ${source} lie in [0, ${max}], with no negative value; gankit's images are in [-1, 1] (map [0, 1] images with x * 2 - 1)`,
  );
}

function checkShape(shape: readonly number[], argument: string): void {
  if (shape.length !== 4 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new GanConfigError(
      argument,
      `expected a shape [count, height, width, channels] of positive integers, got [${shape.join(', ')}]`,
    );
  }
}

/**
 * An in-memory image dataset: a float32 tensor of images in [-1, 1] (gankit's convention inside
 * the library) plus optional integer class labels. Construct it from raw 8-bit pixels
 * ({@link ImageDataset.fromPixels}, as loaders do) or from a tensor ({@link ImageDataset.fromTensor}).
 *
 * @example
 * ```ts
 * const data = ImageDataset.fromPixels(pixels, [n, 28, 28, 1], labels, { numClasses: 10 });
 * for (const batch of data.batches(64, { rng: new Rng(1) })) { ...; tf.dispose([batch.images, batch.labels]); }
 * ```
 */
export class ImageDataset implements ImageSource {
  /** All images, `[count, height, width, channels]`, float32 in [-1, 1]. Owned by the dataset. */
  readonly images: tf.Tensor4D;
  /** Class labels (one per image), or `null` for an unlabelled dataset. */
  readonly labels: Int32Array | null;
  /** Number of classes (0 for an unlabelled dataset). */
  readonly numClasses: number;
  private labelTensor: tf.Tensor1D | null = null;

  private constructor(images: tf.Tensor4D, labels: Int32Array | null, numClasses: number) {
    this.images = images;
    this.labels = labels;
    this.numClasses = numClasses;
  }

  /**
   * Builds a dataset from 8-bit pixels (0–255, row-major `[count, height, width, channels]`),
   * scaling them to [-1, 1].
   *
   * @throws {@link GanConfigError} when `pixels` is not a `Uint8Array` (or `Uint8ClampedArray`, as
   * canvas `ImageData` holds), e.g. a `Float32Array` (floats in [-1, 1] go through
   * {@link ImageDataset.fromTensor}), for a bad shape or a label outside [0, numClasses);
   * {@link DataFormatError} when the lengths do not match the shape.
   */
  static fromPixels(
    pixels: Uint8Array | Uint8ClampedArray,
    shape: readonly [number, number, number, number],
    labels?: ArrayLike<number> | null,
    options: ImageDatasetOptions = {},
  ): ImageDataset {
    const source = options.source ?? 'pixels';
    if (!(pixels instanceof Uint8Array || pixels instanceof Uint8ClampedArray)) {
      const given: unknown = pixels;
      const kind = ArrayBuffer.isView(given)
        ? `a ${given.constructor.name}`
        : Array.isArray(given)
          ? 'an array'
          : typeof given;
      throw new GanConfigError(
        'pixels',
        `expected 8-bit pixels in a Uint8Array (0–255), got ${kind}; for float images in [-1, 1] use ImageDataset.fromTensor(tf.tensor4d(values, shape))`,
      );
    }
    checkShape(shape, 'shape');
    const size = shape[0] * shape[1] * shape[2] * shape[3];
    if (pixels.length !== size) {
      throw new DataFormatError(`has ${pixels.length} pixel values; shape [${shape.join(', ')}] needs ${size}`, source);
    }
    const checked = labels == null ? null : checkLabels(labels, shape[0], options.numClasses, source);
    const images = pixelsToImages(pixels, shape);
    return new ImageDataset(images, checked?.labels ?? null, checked?.numClasses ?? 0);
  }

  /**
   * Builds a dataset from a float tensor already in [-1, 1]. The dataset takes a copy, so the
   * caller may dispose `images` afterwards. Images with no negative value (a set in [0, 1], the
   * range many pipelines use) are accepted with a one-line warning, printed once per process:
   * in [-1, 1] they train as if every image were washed out; map them with `x * 2 - 1`.
   *
   * @throws {@link GanConfigError} when `images` is not rank 4; {@link DataFormatError} when it holds
   * NaN or values outside [-1, 1].
   */
  static fromTensor(
    images: tf.Tensor,
    labels?: ArrayLike<number> | null,
    options: ImageDatasetOptions = {},
  ): ImageDataset {
    const source = options.source ?? 'images';
    checkShape(images.shape, 'images.shape');
    const stats = tf.tidy(() =>
      tf.stack([tf.min(images), tf.max(images), tf.sum(tf.cast(tf.isNaN(images), 'float32'))]),
    );
    const [min, max, nan] = stats.dataSync() as Float32Array;
    stats.dispose();
    if (nan > 0) throw new DataFormatError(`contains ${nan} NaN values`, source);
    if (min < -1 - 1e-6 || max > 1 + 1e-6) {
      throw new DataFormatError(
        `has values in [${min}, ${max}]; expected [-1, 1] (use ImageDataset.fromPixels for 0-255 pixels)`,
        source,
      );
    }
    if (min >= 0 && max > 0) warnUnitRange(source, max);
    const checked = labels == null ? null : checkLabels(labels, images.shape[0], options.numClasses, source);
    const copy = tf.tidy(() => tf.cast(images, 'float32').clone() as tf.Tensor4D);
    return new ImageDataset(copy, checked?.labels ?? null, checked?.numClasses ?? 0);
  }

  /** Number of images. */
  get size(): number {
    return this.images.shape[0];
  }

  /** Shape of one image, `[height, width, channels]`. */
  get imageShape(): ImageShape {
    const [, h, w, c] = this.images.shape;
    return [h, w, c];
  }

  /** Number of batches {@link ImageDataset.batches} yields for `batchSize`. */
  batchCount(batchSize: number, dropRemainder = true): number {
    return countBatches(this.size, batchSize, dropRemainder);
  }

  /**
   * Yields batches in a (seeded) shuffled order. Each batch's tensors belong to the caller.
   *
   * @throws {@link GanConfigError} when `batchSize` is not a positive integer, when no full batch
   * fits, or when `skipBatches` exceeds the epoch's batch count.
   */
  *batches(batchSize: number, options: BatchOptions = {}): Generator<DataBatch> {
    for (const indices of batchIndices(this.size, batchSize, options)) yield this.gather(indices);
  }

  /** The images (and labels) at `indices`, as new tensors owned by the caller. */
  gather(indices: Int32Array | number[]): DataBatch {
    this.checkUsable('ImageDataset.gather');
    const labelTensor = this.labels === null ? null : this.getLabelTensor();
    const idx = tf.tensor1d(indices instanceof Int32Array ? indices : Int32Array.from(indices), 'int32');
    try {
      const images = tf.gather(this.images, idx) as tf.Tensor4D;
      const labels = labelTensor === null ? null : (tf.gather(labelTensor, idx) as tf.Tensor1D);
      return { images, labels };
    } finally {
      idx.dispose();
    }
  }

  /** A new dataset holding the first `count` images (and labels). */
  take(count: number): ImageDataset {
    this.checkUsable('ImageDataset.take');
    if (!Number.isInteger(count) || count <= 0)
      throw new GanConfigError('count', `expected a positive integer, got ${count}`);
    const n = Math.min(count, this.size);
    const images = tf.slice(this.images, [0, 0, 0, 0], [n, -1, -1, -1]) as tf.Tensor4D;
    return new ImageDataset(images, this.labels === null ? null : this.labels.slice(0, n), this.numClasses);
  }

  /** True once {@link ImageDataset.dispose} has freed the images: the dataset cannot be used any more. */
  get isDisposed(): boolean {
    return this.images.isDisposed;
  }

  /** Refuses `operation` on a disposed dataset, with a typed error instead of TensorFlow.js's. */
  private checkUsable(operation: string): void {
    if (this.images.isDisposed) throw new DisposedError(operation, 'dataset');
  }

  /** Frees the dataset's tensors; using it afterwards is a {@link DisposedError}. */
  dispose(): void {
    this.images.dispose();
    this.labelTensor?.dispose();
    this.labelTensor = null;
  }

  private getLabelTensor(): tf.Tensor1D {
    if (this.labelTensor === null) this.labelTensor = tf.tensor1d(this.labels as Int32Array, 'int32');
    return this.labelTensor;
  }
}
