/**
 * Full-reference image quality: how close each output image is to its target, for paired tasks
 * (pix2pix translation, super-resolution) where every output has a ground truth. Peak
 * signal-to-noise ratio, structural similarity (SSIM) and their summary with the mean absolute
 * error. Pure tensor code, in both entries.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { describeValue } from '../core/checks';
import { checkImageBatch, checkSameShape } from '../core/tensor-checks';
import { meanAbsoluteError } from '../losses/content';

/** The options of {@link peakSignalToNoiseRatio}, {@link structuralSimilarity} and {@link imageQuality}. */
export interface ImageQualityOptions {
  /**
   * The dynamic range of the pixel values, max − min: 2 (default) for gankit's [-1, 1] images, 1
   * for [0, 1], 255 for 8-bit pixels. PSNR's peak and SSIM's L.
   */
  range?: number;
}

function checkRange(options: ImageQualityOptions | undefined): number {
  const range = options?.range ?? 2;
  if (typeof range !== 'number' || !Number.isFinite(range) || range <= 0)
    throw new GanConfigError('options.range', `expected a positive number, got ${describeValue(range)}`);
  return range;
}

function checkPair(a: unknown, b: unknown): [tf.Tensor4D, tf.Tensor4D] {
  const first = checkImageBatch(a, 'a');
  const second = checkImageBatch(b, 'b');
  checkSameShape(first, 'a', second, 'b');
  return [first, second];
}

/**
 * The peak signal-to-noise ratio of each image pair, in decibels:
 *
 * `PSNR = 10 · log₁₀(range² / MSE)`, `MSE = mean((a − b)²)` over the image's pixels and channels,
 *
 * higher is closer (each halving of the RMS error adds ≈ 6 dB). Identical images have MSE 0 and a
 * PSNR of `Infinity`. Values outside the range are not clipped: clip outputs first for the
 * usual convention.
 *
 * @param a - images `[n, h, w, c]` (e.g. outputs).
 * @param b - images of the same shape (e.g. targets); the measure is symmetric.
 * @param options - the pixel range (default 2, for [-1, 1]).
 * @returns n values, one per image.
 * @example
 * ```ts
 * peakSignalToNoiseRatio(tf.zeros([1, 8, 8, 1]), tf.fill([1, 8, 8, 1], 0.1)); // 10·log₁₀(4 / 0.01) ≈ [26.02]
 * ```
 * @throws {@link GanConfigError} when a or b is not a non-empty float32 `[n, h, w, c]` tensor,
 *   their shapes differ, or range is not a positive number.
 */
export function peakSignalToNoiseRatio(a: tf.Tensor4D, b: tf.Tensor4D, options?: ImageQualityOptions): Float32Array {
  const [first, second] = checkPair(a, b);
  const range = checkRange(options);
  const errors = tf.tidy(() => tf.mean(tf.squaredDifference(first, second), [1, 2, 3]));
  const mse = errors.dataSync();
  errors.dispose();
  return Float32Array.from(mse, (e) => 10 * Math.log10((range * range) / e));
}

/** SSIM's window side (11), Gaussian σ (1.5) and stabilising constants K1, K2, as Wang et al. 2004. */
const WINDOW = 11;
const SIGMA = 1.5;
const K1 = 0.01;
const K2 = 0.03;

/** The normalised 11-tap Gaussian (σ = 1.5); the 2-D window is its outer product with itself. */
function gaussianTaps(): Float32Array {
  const centre = (WINDOW - 1) / 2;
  const taps = Array.from({ length: WINDOW }, (_, i) => Math.exp(-((i - centre) ** 2) / (2 * SIGMA * SIGMA)));
  const total = taps.reduce((s, t) => s + t, 0);
  return Float32Array.from(taps, (t) => t / total);
}

/**
 * The structural similarity index (SSIM) of each image pair, Wang, Bovik, Sheikh & Simoncelli
 * 2004 ("Image Quality Assessment: From Error Visibility to Structural Similarity", IEEE TIP):
 * at each position of an 11 × 11 Gaussian window (σ = 1.5), from the window's weighted means μ,
 * variances σ² and covariance σ_ab,
 *
 * `SSIM = ((2 μ_a μ_b + C₁)(2 σ_ab + C₂)) / ((μ_a² + μ_b² + C₁)(σ_a² + σ_b² + C₂))`,
 * `C₁ = (K₁ L)²`, `C₂ = (K₂ L)²`, K₁ = 0.01, K₂ = 0.03, L = `range`,
 *
 * averaged over the window positions that lie wholly inside the image ('valid', no padding) and
 * over the channels, each channel measured on its own. This is the paper's reference
 * implementation's convention, and scikit-image's `structural_similarity(…, gaussian_weights=True,
 * sigma=1.5, use_sample_covariance=False, data_range=L, channel_axis=-1)`. 1 for identical images;
 * symmetric; at most 1, and below 0 for anti-correlated ones. The variances are the window's
 * biased moments, `E[a²] − μ_a²`. Images are measured at their own scale: there is no automatic
 * downsampling (which the authors' later `ssim.m` applies to images larger than 256 pixels).
 *
 * @param a - images `[n, h, w, c]`, h and w at least 11 (the window).
 * @param b - images of the same shape; the measure is symmetric.
 * @param options - the pixel range L (default 2, for [-1, 1]).
 * @returns n values, one per image.
 * @example
 * ```ts
 * const ssim = structuralSimilarity(generator.predict(inputs) as tf.Tensor4D, targets); // one value per pair
 * ```
 * @throws {@link GanConfigError} when a or b is not a non-empty float32 `[n, h, w, c]` tensor,
 *   their shapes differ, the images are smaller than 11 × 11, or range is not a positive number.
 */
export function structuralSimilarity(a: tf.Tensor4D, b: tf.Tensor4D, options?: ImageQualityOptions): Float32Array {
  const [first, second] = checkPair(a, b);
  const range = checkRange(options);
  const [, h, w, c] = first.shape;
  if (h < WINDOW || w < WINDOW) {
    throw new GanConfigError(
      'a',
      `expected images of at least ${WINDOW} × ${WINDOW} pixels (SSIM's Gaussian window), got ${h} × ${w}; resize them up, or compare with PSNR`,
    );
  }
  const c1 = (K1 * range) ** 2;
  const c2 = (K2 * range) ** 2;
  const result = tf.tidy(() => {
    // The five local moments of every channel in one pass: a, b, a², b², ab stacked on channels,
    // each filtered by the separable window (a column pass, then a row pass).
    const moments = tf.concat4d(
      [first, second, tf.square(first), tf.square(second), tf.mul<tf.Tensor4D>(first, second)],
      3,
    );
    const taps = gaussianTaps();
    const channels = 5 * c;
    const column = tf.tile(tf.tensor4d(taps, [WINDOW, 1, 1, 1]), [1, 1, channels, 1]) as tf.Tensor4D;
    const row = tf.reshape(column, [1, WINDOW, channels, 1]) as tf.Tensor4D;
    const filtered = tf.depthwiseConv2d(tf.depthwiseConv2d(moments, column, 1, 'valid'), row, 1, 'valid');
    const [meanA, meanB, squareA, squareB, product] = tf.split(filtered, 5, 3);
    const meanProduct = tf.mul(meanA, meanB);
    const meanSquares = tf.add(tf.square(meanA), tf.square(meanB));
    const variances = tf.sub(tf.add(squareA, squareB), meanSquares);
    const covariance = tf.sub(product, meanProduct);
    const numerator = tf.mul(tf.add(tf.mul(meanProduct, 2), c1), tf.add(tf.mul(covariance, 2), c2));
    const denominator = tf.mul(tf.add(meanSquares, c1), tf.add(variances, c2));
    return tf.mean(tf.div(numerator, denominator), [1, 2, 3]);
  });
  const values = result.dataSync() as Float32Array;
  result.dispose();
  return Float32Array.from(values);
}

/** The means of {@link imageQuality} over a batch of image pairs. */
export interface ImageQualitySummary {
  /** Mean absolute error over every pixel and channel (in pixel units: [-1, 1] images give 0–2). */
  l1: number;
  /** Mean PSNR (dB) over the pairs whose PSNR is finite; `Infinity` when every pair is identical. */
  psnr: number;
  /** Mean SSIM over the pairs. */
  ssim: number;
  /** The number of pairs. */
  n: number;
}

/**
 * A paired task's quality summary: mean absolute error (pix2pix's L1), mean PSNR and mean SSIM
 * of outputs against their targets (see {@link peakSignalToNoiseRatio}, {@link structuralSimilarity}).
 * The PSNR mean skips pairs that are identical (PSNR `Infinity`), which would otherwise make the
 * mean infinite whatever the others are; it is `Infinity` only when every pair is identical.
 *
 * @param outputs - generated images `[n, h, w, c]`, h and w at least 11.
 * @param targets - their ground truth, the same shape.
 * @param options - the pixel range (default 2, for [-1, 1]).
 * @example
 * ```ts
 * const { l1, psnr, ssim } = imageQuality(resizeBicubic(lowRes, [96, 96]), highRes); // the bicubic baseline
 * ```
 * @throws {@link GanConfigError} as {@link structuralSimilarity}, naming outputs or targets.
 */
export function imageQuality(
  outputs: tf.Tensor4D,
  targets: tf.Tensor4D,
  options?: ImageQualityOptions,
): ImageQualitySummary {
  const generated = checkImageBatch(outputs, 'outputs');
  const truth = checkImageBatch(targets, 'targets');
  checkSameShape(generated, 'outputs', truth, 'targets');
  const [, h, w] = generated.shape;
  if (h < WINDOW || w < WINDOW)
    throw new GanConfigError(
      'outputs',
      `expected images of at least ${WINDOW} × ${WINDOW} pixels (for SSIM), got ${h} × ${w}`,
    );
  checkRange(options);
  const l1Tensor = meanAbsoluteError(generated, truth);
  const l1 = l1Tensor.dataSync()[0];
  l1Tensor.dispose();
  const psnrs = Array.from(peakSignalToNoiseRatio(generated, truth, options)).filter(Number.isFinite);
  const ssims = structuralSimilarity(generated, truth, options);
  const mean = (values: ArrayLike<number>): number => Array.from(values).reduce((s, v) => s + v, 0) / values.length;
  return {
    l1,
    psnr: psnrs.length === 0 ? Infinity : mean(psnrs),
    ssim: mean(ssims),
    n: generated.shape[0],
  };
}
