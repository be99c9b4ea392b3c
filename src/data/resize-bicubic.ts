/**
 * Bicubic resizing of a batch of float images, which tfjs lacks (it has nearest-neighbour and
 * bilinear only): the baseline of super-resolution (an upscaled low-resolution image, against
 * which a super-resolution generator is measured) and the usual way to make low-resolution
 * training inputs from high-resolution images.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { describeValue } from '../core/checks';
import { checkImageBatch } from '../core/tensor-checks';

/** The options of {@link resizeBicubic}. */
export interface ResizeBicubicOptions {
  /**
   * `false` (default): half-pixel centres, output pixel `o` sampled at source position
   * `(o + ½) · in/out − ½` (TensorFlow 2's `tf.image.resize`, PIL). `true`: the corner pixels of
   * input and output are aligned, `o · (in − 1)/(out − 1)` (TensorFlow 1's `align_corners=True`).
   */
  alignCorners?: boolean;
}

/** Keys' cubic convolution kernel with a = −0.5, the one that reproduces quadratics. */
function keysCubic(distance: number): number {
  const a = -0.5;
  const t = Math.abs(distance);
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

/**
 * The `[outSize, inSize]` matrix taking one axis of an image to its resized axis: row `o` holds the
 * four cubic weights of the source pixels around output `o`'s sample position, a tap outside the
 * image adding its weight to the border pixel (clamping).
 */
function axisWeights(inSize: number, outSize: number, alignCorners: boolean): Float32Array {
  const weights = new Float64Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    const position = alignCorners
      ? outSize > 1
        ? (o * (inSize - 1)) / (outSize - 1)
        : 0
      : ((o + 0.5) * inSize) / outSize - 0.5;
    const base = Math.floor(position);
    const fraction = position - base;
    for (let k = -1; k <= 2; k++) {
      const source = Math.min(inSize - 1, Math.max(0, base + k));
      weights[o * inSize + source] += keysCubic(fraction - k);
    }
  }
  return Float32Array.from(weights);
}

function checkSize(size: unknown): [number, number] {
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0))
    throw new GanConfigError('size', `expected [height, width], two positive integers, got ${describeValue(size)}`);
  return size as [number, number];
}

/**
 * Resizes a batch of images to `size` by bicubic interpolation: Keys' cubic convolution
 * (R. Keys 1981, "Cubic Convolution Interpolation for Digital Image Processing", IEEE TASSP) with
 * a = −0.5, the kernel of TensorFlow 2's `tf.image.resize(…, 'bicubic')`, PIL's `BICUBIC` and
 * MATLAB's `imresize`:
 *
 * `W(t) = 1.5|t|³ − 2.5|t|² + 1` for `|t| ≤ 1`, `−0.5|t|³ + 2.5|t|² − 4|t| + 2` for `1 < |t| < 2`, else 0,
 *
 * each output pixel the weighted sum of the 4 × 4 source pixels around its sample position
 * (half-pixel centres unless `alignCorners`), computed separably: rows, then columns. The kernel
 * reproduces constant, linear and quadratic images exactly away from the border; it overshoots at
 * sharp edges, so outputs of [-1, 1] images can leave [-1, 1] slightly (clip them when that
 * matters).
 *
 * At the border, taps that fall outside the image take the border pixel's value (clamping, as
 * PyTorch's `interpolate(…, 'bicubic')` and OpenCV's `INTER_CUBIC`, which however use a = −0.75).
 * TensorFlow 2 and PIL instead drop those taps and renormalise the rest, so the outermost one or
 * two output pixels of each side differ slightly from theirs; all agree inside.
 *
 * Downscaling samples, without antialiasing: the kernel keeps its width of 4 source pixels, as
 * `tf.image.resize(…, 'bicubic', antialias=False)` (TensorFlow's default), so shrinking by more
 * than 2× skips pixels and aliases. To shrink a sharp image, blur it first or resize in steps of 2×.
 *
 * Each pass is one matrix product with a precomputed `[out, in]` weight matrix, `O(out · in)` per
 * line rather than `O(4 · out)`: simple, fast on every backend for image sizes, and differentiable.
 *
 * @param images - float images `[n, h, w, c]`, any range.
 * @param size - the output `[height, width]`.
 * @param options - corner alignment.
 * @returns `[n, size[0], size[1], c]`.
 * @example
 * ```ts
 * const lowRes = resizeBicubic(highRes, [24, 24]);   // 96×96 → 24×24, SRGAN's 4× inputs
 * const baseline = resizeBicubic(lowRes, [96, 96]);  // the bicubic baseline to beat
 * ```
 * @throws {@link GanConfigError} when images is not a non-empty float32 `[n, h, w, c]` tensor or
 *   size is not two positive integers.
 */
export function resizeBicubic(
  images: tf.Tensor4D,
  size: [number, number],
  options: ResizeBicubicOptions = {},
): tf.Tensor4D {
  const input = checkImageBatch(images, 'images');
  const [outHeight, outWidth] = checkSize(size);
  const alignCorners = options?.alignCorners ?? false;
  if (typeof alignCorners !== 'boolean')
    throw new GanConfigError('options.alignCorners', `expected a boolean, got ${describeValue(alignCorners)}`);
  const [n, h, w, c] = input.shape;
  return tf.tidy(() => {
    const rows = tf.tensor2d(axisWeights(h, outHeight, alignCorners), [outHeight, h]);
    const columns = tf.tensor2d(axisWeights(w, outWidth, alignCorners), [outWidth, w]);
    // Rows: [h, n·w·c] → [outHeight, n·w·c], i.e. [outHeight, n, w, c].
    const byRow = tf.reshape(tf.transpose(input, [1, 0, 2, 3]), [h, n * w * c]);
    const resizedRows = tf.reshape(tf.matMul(rows, byRow), [outHeight, n, w, c]);
    // Columns: [w, outHeight·n·c] → [outWidth, outHeight, n, c].
    const byColumn = tf.reshape(tf.transpose(resizedRows, [2, 0, 1, 3]), [w, outHeight * n * c]);
    const resized = tf.reshape(tf.matMul(columns, byColumn), [outWidth, outHeight, n, c]);
    return tf.transpose(resized, [2, 1, 0, 3]) as tf.Tensor4D;
  });
}
