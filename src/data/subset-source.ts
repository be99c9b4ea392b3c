/**
 * Part of an image source as a source of its own, and a seeded split of one into parts: how a
 * folder of the user's images gets a held-out reference and baseline beside its training images
 * without reading the whole folder into memory.
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';
import { Rng } from '../random';
import { batchIndices, countBatches, type BatchOptions, type DataBatch, type ImageSource } from './image-source';

/** An {@link ImageSource} that reads any images by index (an `ImageDataset`, an image folder, an HDF5 set). */
export interface IndexedImageSource extends ImageSource {
  /** The images (and labels) at `indices`, as new tensors owned by the caller. */
  gather(indices: Int32Array | number[]): DataBatch;
}

/**
 * The images of `parent` at `indices`, in that order, as an {@link ImageSource}: batches are read
 * from the parent a batch at a time, shuffled and resumed as every gankit source is. The parent
 * stays open (and owned by the caller) while the subset is used.
 *
 * @example
 * ```ts
 * const folder = await openImageFolder('photos', { imageShape: [64, 64, 3] });
 * const firstHundred = new SubsetImageSource(folder, Int32Array.from({ length: 100 }, (_, i) => i));
 * ```
 */
export class SubsetImageSource implements IndexedImageSource {
  /** The source the images are read from. */
  readonly parent: IndexedImageSource;
  /** Which images of the parent, in the subset's index order. */
  readonly indices: Int32Array;
  /** The class of each image of the subset, or `null`. */
  readonly labels: Int32Array | null;

  /**
   * @throws {@link GanConfigError} for an index outside the parent, or no index at all.
   */
  constructor(parent: IndexedImageSource, indices: ArrayLike<number>) {
    this.parent = parent;
    if (indices.length === 0) throw new GanConfigError('indices', 'expected at least one image of the parent');
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i];
      if (!Number.isInteger(k) || k < 0 || k >= parent.size)
        throw new GanConfigError('indices', `expected integers in [0, ${parent.size}), got ${k} at ${i}`);
    }
    this.indices = Int32Array.from(indices);
    const labels = parent.labels;
    this.labels = labels === null ? null : Int32Array.from(this.indices, (k) => labels[k]);
  }

  /** Number of images. */
  get size(): number {
    return this.indices.length;
  }

  /** The parent's image shape. */
  get imageShape(): ImageSource['imageShape'] {
    return this.parent.imageShape;
  }

  /** The parent's number of classes (a subset may miss some). */
  get numClasses(): number {
    return this.parent.numClasses;
  }

  /** See {@link ImageSource.batchCount}. */
  batchCount(batchSize: number, dropRemainder = true): number {
    return countBatches(this.size, batchSize, dropRemainder);
  }

  /** See {@link ImageSource.batches}. */
  *batches(batchSize: number, options: BatchOptions = {}): Generator<DataBatch> {
    for (const local of batchIndices(this.size, batchSize, options)) yield this.gather(local);
  }

  /** The images (and labels) at the subset's `indices`. */
  gather(indices: Int32Array | number[]): DataBatch {
    const local = indices instanceof Int32Array ? indices : Int32Array.from(indices);
    const mapped = new Int32Array(local.length);
    for (let i = 0; i < local.length; i++) {
      const k = local[i];
      if (!Number.isInteger(k) || k < 0 || k >= this.size)
        throw new GanConfigError('indices', `expected integers in [0, ${this.size}), got ${k}`);
      mapped[i] = this.indices[k];
    }
    return this.parent.gather(mapped);
  }
}

/**
 * Splits `source` into disjoint parts of the given sizes, drawn in one seeded shuffle (the rest
 * of the images, if any, in none of them); each part keeps its images in index order.
 *
 * @param sizes - images per part; their sum at most `source.size`.
 * @throws {@link GanConfigError} for a size that is not a positive integer, or more images than the source has.
 *
 * @example
 * ```ts
 * const [train, reference, baseline] = splitImageSource(folder, [folder.size - 2000, 1000, 1000], 0);
 * ```
 */
export function splitImageSource(
  source: IndexedImageSource,
  sizes: readonly number[],
  seed: number,
): SubsetImageSource[] {
  for (const [i, n] of sizes.entries())
    if (!Number.isInteger(n) || n < 1) throw new GanConfigError(`sizes[${i}]`, `expected a positive integer, got ${n}`);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > source.size) throw new GanConfigError('sizes', `ask for ${total} images; the source has ${source.size}`);
  const order = new Rng(seed).shuffle(Int32Array.from({ length: source.size }, (_, i) => i));
  let start = 0;
  return sizes.map((n) => {
    const part = order.slice(start, start + n).sort();
    start += n;
    return new SubsetImageSource(source, part);
  });
}
