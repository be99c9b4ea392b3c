/**
 * Edge maps of images: the one-channel sketches that pix2pix-style models translate from
 * (edges → images). The pix2pix paper's edges2shoes and edges2handbags used HED edges (Xie & Tu
 * 2015), which need a trained net; the Sobel operator here is the dependency-free stand-in.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { describeValue } from '../core/checks';
import { checkImageBatch } from '../core/tensor-checks';

/** The options of {@link sobelEdges}. */
export interface SobelEdgesOptions {
  /**
   * When given, a number in (0, 1]: pixels whose normalised magnitude (`G / max(G)`, in [0, 1])
   * is at least `threshold` become edges (1), the others background (−1), for the binary line
   * drawings of edges2shoes-like data. Default: none, the magnitude itself.
   */
  threshold?: number;
  /**
   * `true`: edges −1 (black) on a background of 1 (white), as the pix2pix datasets draw them.
   * Default `false`: edges bright (1) on −1.
   */
  invert?: boolean;
}

/** The largest edge, relative to the largest |luminance|, below which an image counts as flat. */
const FLAT = 1e-5;

/** ITU-R BT.601 luma weights (R, G, B), as PIL's `convert('L')`. */
const LUMA = [0.299, 0.587, 0.114];

/**
 * The `[3, 3, 1, 2]` filter of the two Sobel kernels: channel 0 the horizontal derivative
 * `Gx = [[−1, 0, 1], [−2, 0, 2], [−1, 0, 1]]`, channel 1 the vertical `Gy = Gxᵀ`.
 */
function sobelFilter(): tf.Tensor4D {
  const gx = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
  const gy = [-1, -2, -1, 0, 0, 0, 1, 2, 1];
  return tf.tensor4d(
    gx.flatMap((x, i) => [x, gy[i]]),
    [3, 3, 1, 2],
  );
}

/**
 * The edge map of each image: the gradient magnitude of the Sobel operator (Sobel & Feldman 1968)
 * on the image's luminance,
 *
 * `Y = 0.299 R + 0.587 G + 0.114 B` (ITU-R BT.601; a one-channel image is its own luminance),
 * `G = √((Gx ∗ Y)² + (Gy ∗ Y)²)`,
 *
 * with `Gx = [[−1, 0, 1], [−2, 0, 2], [−1, 0, 1]]` and `Gy = Gxᵀ`, Y reflect-padded by one pixel
 * (`[a, b, c] → [b, a, b, c, b]`) so the map keeps the image's size, then normalised per image to
 * [-1, 1]: `2 · G / max(G) − 1`, the image's strongest edge 1 and flat regions −1. A constant image
 * has no edge: −1 everywhere (as has any image whose strongest edge is below 10⁻⁵ of its largest
 * |Y|, which float rounding could otherwise inflate to full-strength edges; and a side of 2
 * pixels, which the reflection makes flat along it). Normalising per image makes faint and strong images' maps alike;
 * compare magnitudes across images before it if that matters.
 *
 * It is a data transform, not meant to be differentiated (`√` has no gradient at flat pixels).
 *
 * @param images - float images `[n, h, w, c]` with c = 1 or 3, h and w at least 2 (the reflection
 *   needs a neighbour); any range.
 * @param options - binarisation and inversion.
 * @returns the edge maps `[n, h, w, 1]` in [-1, 1].
 * @example
 * ```ts
 * // edges → shoes pairs: the input sketch of each photo, dark lines on white.
 * const sketches = sobelEdges(photos, { threshold: 0.25, invert: true });
 * ```
 * @throws {@link GanConfigError} when images is not a non-empty float32 `[n, h, w, c]` tensor with
 *   1 or 3 channels and sides of at least 2, threshold is not in (0, 1], or invert is not a boolean.
 */
export function sobelEdges(images: tf.Tensor4D, options: SobelEdgesOptions = {}): tf.Tensor4D {
  const input = checkImageBatch(images, 'images');
  const [, h, w, c] = input.shape;
  if (c !== 1 && c !== 3)
    throw new GanConfigError('images', `expected 1 (gray) or 3 (RGB) channels, got shape [${input.shape.join(', ')}]`);
  if (h < 2 || w < 2)
    throw new GanConfigError(
      'images',
      `expected height and width of at least 2, got shape [${input.shape.join(', ')}]`,
    );
  const threshold = options?.threshold;
  if (threshold !== undefined && !(typeof threshold === 'number' && threshold > 0 && threshold <= 1))
    throw new GanConfigError('options.threshold', `expected a number in (0, 1], got ${describeValue(threshold)}`);
  const invert = options?.invert ?? false;
  if (typeof invert !== 'boolean')
    throw new GanConfigError('options.invert', `expected a boolean, got ${describeValue(invert)}`);
  return tf.tidy(() => {
    const luminance = c === 3 ? tf.sum(tf.mul(input, tf.tensor1d(LUMA)), 3, true) : input;
    const padded = tf.mirrorPad(
      luminance,
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
      'reflect',
    );
    const derivatives = tf.conv2d(padded as tf.Tensor4D, sobelFilter(), 1, 'valid');
    const magnitude = tf.sqrt(tf.sum(tf.square(derivatives), 3, true));
    // A flat image's magnitudes are float rounding (≲ 2·10⁻⁶ · max|Y|), which normalising would
    // blow up to full-strength edges: below FLAT · max|Y| the image counts as having none.
    const peak = tf.max(magnitude, [1, 2, 3], true);
    const flat = tf.lessEqual(peak, tf.mul(tf.max(tf.abs(luminance), [1, 2, 3], true), FLAT));
    const normalised = tf.where(
      tf.broadcastTo(flat, magnitude.shape),
      tf.zerosLike(magnitude),
      tf.div(magnitude, tf.maximum(peak, Number.MIN_VALUE)),
    );
    const unit = threshold === undefined ? normalised : tf.cast(tf.greaterEqual(normalised, threshold), 'float32');
    const edges = tf.sub(tf.mul(unit, 2), 1);
    return (invert ? tf.neg(edges) : edges) as tf.Tensor4D;
  });
}
