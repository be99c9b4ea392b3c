/**
 * The pretext task of a feature net for unlabelled images: which of four rotations an image was
 * turned by (Gidaris et al. 2018, "Unsupervised Representation Learning by Predicting Image
 * Rotations"). Telling 0° from 90°, 180° and 270° needs the shapes and their orientation, not
 * labels, so the net learns features of what the images show.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';

/** The rotations the task tells apart, counter-clockwise, in class order. */
export const ROTATION_DEGREES = Object.freeze([0, 90, 180, 270] as const);

/**
 * `images` turned by `quarterTurns` × 90° counter-clockwise (each image in its own plane).
 *
 * @param images - `[n, s, s, c]`: square images (a quarter turn of a non-square one changes its shape).
 *
 * @example
 * ```ts
 * rotateQuarterTurns(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), 1); // [[2, 4], [1, 3]]
 * ```
 * @internal
 */
export function rotateQuarterTurns(images: tf.Tensor4D, quarterTurns: number): tf.Tensor4D {
  return tf.tidy(() => {
    const turns = ((quarterTurns % 4) + 4) % 4;
    if (turns === 0) return tf.clone(images);
    if (turns === 2) return tf.reverse(images, [1, 2]);
    // A counter-clockwise quarter turn: transpose the plane, then flip it upside down; clockwise flips the columns.
    const transposed = tf.transpose(images, [0, 2, 1, 3]);
    return tf.reverse(transposed, turns === 1 ? 1 : 2);
  });
}

/**
 * The four rotations of every image, as one batch for the rotation task: `[4n, s, s, c]` images
 * (all of them unturned, then all turned 90°, 180°, 270°) and their class (0–3, the index into
 * {@link ROTATION_DEGREES}) as float32, as tfjs-layers' sparse cross-entropy takes its targets.
 * Each batch holds all four rotations of its images, as the paper found best.
 *
 * @param images - `[n, s, s, c]` square images (not disposed).
 * @internal
 */
export function rotationBatch(images: tf.Tensor4D): { images: tf.Tensor4D; targets: tf.Tensor1D } {
  return tf.tidy(() => {
    const n = images.shape[0];
    const turned = ROTATION_DEGREES.map((_, k) => rotateQuarterTurns(images, k));
    const targets = tf.tensor1d(
      Float32Array.from({ length: 4 * n }, (_, i) => Math.floor(i / n)),
      'float32',
    );
    return { images: tf.concat(turned) as tf.Tensor4D, targets };
  });
}
