/**
 * Paired image sets: each example is an input image and the target image a model should make of
 * it (an edge map and the photo, a small image and the large one). What pix2pix and
 * super-resolution train on.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { Rng } from '../random';
import { countBatches, type BatchOptions, type DataBatch, type ImageShape, type ImageSource } from './image-source';

/** One batch of pairs drawn from a {@link datasets.PairedImageSource}. The caller owns (and disposes) both tensors. */
export interface PairBatch {
  /** The inputs, `[batch, ...inputShape]`, float32 in [-1, 1]. */
  inputs: tf.Tensor4D;
  /** The targets, `[batch, ...targetShape]`, float32 in [-1, 1], in the same order. */
  targets: tf.Tensor4D;
}

/**
 * A dataset of (input, target) image pairs with seeded, shuffled batches that can resume
 * mid-epoch, with the contract of {@link ImageSource.batches}: the same seed gives the same
 * batches, and `skipBatches: k` yields exactly the batches after the first `k`.
 *
 * @example
 * ```ts
 * function describe(pairs: PairedImageSource): string {
 *   return `${pairs.size} pairs, [${pairs.inputShape}] → [${pairs.targetShape}]`;
 * }
 * ```
 */
export interface PairedImageSource {
  /** Number of pairs. */
  readonly size: number;
  /** Shape of one input image, `[height, width, channels]`. */
  readonly inputShape: ImageShape;
  /** Shape of one target image. */
  readonly targetShape: ImageShape;
  /** Number of batches {@link PairedImageSource.batches} yields for `batchSize` (default `dropRemainder` true). */
  batchCount(batchSize: number, dropRemainder?: boolean): number;
  /**
   * Yields batches of pairs in a seeded shuffled order; the caller disposes each batch's tensors.
   *
   * @throws {@link GanConfigError} for a bad `batchSize` or `skipBatches`, or a missing `rng`.
   */
  batches(batchSize: number, options?: BatchOptions): Generator<PairBatch>;
}

function checkSource(source: unknown, argument: string): ImageSource {
  if (source === null || typeof source !== 'object' || typeof (source as ImageSource).batches !== 'function')
    throw new GanConfigError(
      argument,
      'expected an image set (an ImageSource: ImageDataset.fromPixels, loadMnist, openImageFolder, openHdf5Images)',
    );
  return source as ImageSource;
}

/** The generator of one draw: a copy of `rng`'s state, so two sources shuffled by copies visit the same order. */
function copyOf(rng: Rng | undefined): Rng | undefined {
  if (rng === undefined) return undefined;
  const copy = new Rng(0);
  copy.setState(rng.getState());
  return copy;
}

/**
 * Pairs two image sets index by index: image i of `inputs` with image i of `targets` (e.g. two
 * folders of the same file names, opened with {@link openImageFolder}, or a set and a transformed
 * copy of it). Both are shuffled by the same seed, so they stay aligned in every batch; labels
 * are dropped.
 *
 * @example
 * ```ts
 * const pairs = pairImageSets(await openImageFolder('data/edges'), await openImageFolder('data/photos'));
 * ```
 * @throws {@link GanConfigError} when an argument is not an image set or the two differ in size.
 */
export function pairImageSets(inputs: ImageSource, targets: ImageSource): PairedImageSource {
  checkSource(inputs, 'inputs');
  checkSource(targets, 'targets');
  if (inputs.size !== targets.size)
    throw new GanConfigError(
      'targets',
      `holds ${targets.size} images, but inputs holds ${inputs.size}; pairs need as many`,
    );
  return {
    size: inputs.size,
    inputShape: [...inputs.imageShape],
    targetShape: [...targets.imageShape],
    batchCount: (batchSize, dropRemainder = true) => countBatches(inputs.size, batchSize, dropRemainder),
    *batches(batchSize: number, options: BatchOptions = {}): Generator<PairBatch> {
      const a = inputs.batches(batchSize, { ...options, rng: copyOf(options.rng) });
      const b = targets.batches(batchSize, { ...options, rng: options.rng });
      try {
        for (;;) {
          const x = a.next();
          if (x.done === true) return;
          let y: IteratorResult<DataBatch>;
          try {
            y = b.next();
          } catch (error) {
            tf.dispose([x.value.images, x.value.labels ?? []]);
            throw error;
          }
          tf.dispose([x.value.labels ?? [], y.done === true ? [] : (y.value.labels ?? [])]);
          if (y.done === true) {
            x.value.images.dispose();
            return;
          }
          yield { inputs: x.value.images, targets: y.value.images };
        }
      } finally {
        a.return(undefined);
        b.return(undefined);
      }
    },
  };
}

/**
 * Pairs derived from one image set: each image is a target, and its input is what `makeInputs`
 * makes of a batch of targets (edges of a photo for pix2pix, a downsampled copy for
 * super-resolution). `makeInputs` runs on every batch, inside `tf.tidy`; it must map
 * `[n, ...targetShape]` to `[n, ...inputShape]` images in [-1, 1] and be deterministic, so a
 * resumed epoch sees the same pairs.
 *
 * @example
 * ```ts
 * const pairs = derivePairs(emoji, (images) => tf.image.resizeBilinear(images, [16, 16]) as tf.Tensor4D);
 * console.log(pairs.inputShape); // [16, 16, 3]
 * ```
 * @throws {@link GanConfigError} when `targets` is not an image set, `makeInputs` is not a function,
 * or it does not keep the batch size or returns something else than images.
 */
export function derivePairs(
  targets: ImageSource,
  makeInputs: (targets: tf.Tensor4D) => tf.Tensor4D,
): PairedImageSource {
  checkSource(targets, 'targets');
  if (typeof makeInputs !== 'function')
    throw new GanConfigError('makeInputs', 'expected a function from a batch of targets to a batch of inputs');
  const make = (images: tf.Tensor4D): tf.Tensor4D =>
    tf.tidy(() => {
      const out = makeInputs(images);
      if (!(out instanceof tf.Tensor) || out.rank !== 4 || out.shape[0] !== images.shape[0])
        throw new GanConfigError(
          'makeInputs',
          `expected [${images.shape[0]}, height, width, channels] images, got ${out instanceof tf.Tensor ? `a tensor of shape [${out.shape}]` : typeof out}`,
        );
      return tf.cast(out, 'float32') as tf.Tensor4D;
    });
  const probe = tf.zeros([1, ...targets.imageShape]) as tf.Tensor4D;
  let inputShape: ImageShape;
  try {
    const made = make(probe);
    inputShape = made.shape.slice(1) as ImageShape;
    made.dispose();
  } finally {
    probe.dispose();
  }
  return {
    size: targets.size,
    inputShape,
    targetShape: [...targets.imageShape],
    batchCount: (batchSize, dropRemainder = true) => countBatches(targets.size, batchSize, dropRemainder),
    *batches(batchSize: number, options: BatchOptions = {}): Generator<PairBatch> {
      for (const batch of targets.batches(batchSize, options)) {
        batch.labels?.dispose();
        let inputs: tf.Tensor4D;
        try {
          inputs = make(batch.images);
        } catch (error) {
          batch.images.dispose();
          throw error;
        }
        yield { inputs, targets: batch.images };
      }
    },
  };
}
