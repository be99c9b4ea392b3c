/**
 * Pair grids: an image-to-image GAN's inputs, its outputs and the targets, row under row, as one
 * batch of tiles (pure tensor code; `pairGrids` writes them as PNGs in Node).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../../errors';
import type { ImageToImageGan } from './image-to-image-gan';

/** `images` at the target's size and channel count, for a grid: nearest-neighbour, grey repeated into colour. */
function asTargetTiles(images: tf.Tensor4D, [h, w, c]: readonly number[]): tf.Tensor4D {
  return tf.tidy(() => {
    let out: tf.Tensor4D =
      images.shape[1] === h && images.shape[2] === w ? images : tf.image.resizeNearestNeighbor(images, [h, w]);
    const channels = out.shape[3];
    if (channels !== c)
      out = channels === 1 ? (tf.tile(out, [1, 1, 1, c]) as tf.Tensor4D) : (tf.mean(out, 3, true) as tf.Tensor4D);
    return out;
  });
}

/**
 * The rows of a pair grid as one batch `[3n, ...targetShape]` in [-1, 1] (the caller disposes
 * it): the n inputs (scaled up by nearest neighbour to the target's size, a grey input repeated
 * into colour), G's outputs for them in inference mode, and the n targets. Save it with
 * `saveImageGrid(file, images, { columns: n })`.
 *
 * @example
 * ```ts
 * const rows = pairGridImages(upscaler, testInputs, testTargets); // 8 pairs → 24 tiles
 * await saveImageGrid('pairs.png', rows, { columns: 8 });
 * rows.dispose();
 * ```
 * @throws {@link GanConfigError} when `inputs` and `targets` hold different numbers of images.
 */
export function pairGridImages(model: ImageToImageGan, inputs: tf.Tensor4D, targets: tf.Tensor4D): tf.Tensor4D {
  if (inputs.shape[0] !== targets.shape[0])
    throw new GanConfigError(
      'targets',
      `expected as many images as inputs (${inputs.shape[0]}), got ${targets.shape[0]}`,
    );
  return tf.tidy(() => {
    const shape = model.config.targetShape;
    return tf.concat([
      asTargetTiles(inputs, shape),
      model.translate(inputs),
      asTargetTiles(targets, shape),
    ]) as tf.Tensor4D;
  });
}
