import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { checkLabelValues, formatBytes } from '../core/checks';
import { tfSeed } from '../random';
import type { OutputActivation } from '../nets/common';
import type { AuxiliaryTask, LatentCodes } from '../losses/auxiliary';

/** Options of `generate()`: give `labels` (conditional GAN) or `count` (either), and optionally `z`, `codes` or `seed`. */
export interface GenerateOptions {
  /** Class of each image to generate (conditional GANs). Integers in [0, numClasses). */
  labels?: ArrayLike<number> | tf.Tensor;
  /** How many images (unconditional GANs; for a conditional GAN, labels are then drawn at random). */
  count?: number;
  /** Latent vectors to use, `[n, latentDim]` (default: drawn from N(0, 1)). */
  z?: tf.Tensor2D;
  /**
   * For a GAN whose auxiliary task gives G latent codes (InfoGAN): the codes to generate with,
   * as {@link losses.LatentCodes} (e.g. the categorical value of each image; parts left out are drawn with
   * `seed`) or as the raw code block `[n, codeDim]`. Default: all drawn from their prior with
   * `seed`; with `z` and no `seed`, drawn with a seed computed from z, so the same z gives the same
   * images (as sample grids and {@link quality.evaluateGan} expect).
   */
  codes?: LatentCodes | tf.Tensor2D;
  /** Seed for z (and random labels and codes), for repeatable samples. */
  seed?: number;
}

/** What {@link generateImages} needs to know about G. */
export interface GeneratorInfo {
  /** Size of z. */
  latentDim: number;
  /** Number of classes (0 when unconditional). */
  numClasses: number;
  /** G's output activation. */
  outputActivation: OutputActivation;
  /** The auxiliary task, when it gives G latent codes appended to z (InfoGAN); default none. */
  auxiliary?: AuxiliaryTask | null;
  /** Shape of one image G makes, `[height, width, channels]`, when known (what a metric checks before sampling). */
  imageShape?: readonly number[];
}

/** The shape of one image `generator` makes (its output's shape without the batch axis). */
export function generatedImageShape(generator: tfl.LayersModel): number[] {
  return generator.outputs[0].shape.slice(1) as number[];
}

/**
 * The largest output `generate()` returns, in bytes (512 MiB): `count × height × width ×
 * channels × 4`. A larger request is refused with its size, before anything is allocated: the
 * wasm backend's memory is at most a few GiB, and running out of it breaks the backend for every
 * later call. Generate in several calls instead (and save or reduce each part).
 */
export const MAX_GENERATE_BYTES = 512 * 2 ** 20;

/**
 * Images `generate()` runs through G at once: larger requests are split into batches of this
 * many (in inference mode each image depends on its own z and label only, so the images are the
 * same), so G's activations never need more than a batch's memory.
 */
export const GENERATE_BATCH = 256;

/** A 32-bit FNV-1a hash of float32 values' bits: a seed that is a function of the values. */
function hashValues(values: ArrayLike<number>): number {
  const bits = new Uint32Array(Float32Array.from(values).buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < bits.length; i++) {
    h = Math.imul(h ^ bits[i], 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Runs G in inference mode (batch norm uses its moving statistics, no dropout) and returns images
 * `[n, h, w, c]` in [-1, 1], owned by the caller.
 *
 * For a GAN whose auxiliary task has codes (InfoGAN), G's first input is `[z ; code]`: `z` stays
 * `[n, latentDim]` and the code comes from `codes` (or is drawn).
 *
 * Requests of more than {@link GENERATE_BATCH} images run through G in batches; requests whose
 * output would pass {@link MAX_GENERATE_BYTES} are refused.
 *
 * @throws {@link GanConfigError} when labels are missing, out of range or not integers, when `z`
 * has the wrong shape or a value that is not finite, when the output would be larger than
 * {@link MAX_GENERATE_BYTES} (the message gives the size), when `count` is not a positive integer, or when `codes` are given to a GAN
 * without codes or do not fit.
 *
 * @example
 * ```ts
 * const images = generateImages(generator, { latentDim: 100, numClasses: 10, outputActivation: 'tanh' }, { labels: [3, 3, 7], seed: 1 });
 * ```
 */
export function generateImages(generator: tfl.LayersModel, info: GeneratorInfo, options: GenerateOptions): tf.Tensor4D {
  return runGenerator(generator, info, options, false);
}

/**
 * {@link generateImages} with the mode to run G in: `training: true` runs batch norm on the
 * batch's own statistics (and moves its moving statistics towards them), as during a training
 * step. For {@link recomputeBatchNormStatistics}; sampling uses {@link generateImages}.
 *
 * @internal
 */
export function runGenerator(
  generator: tfl.LayersModel,
  info: GeneratorInfo,
  options: GenerateOptions,
  training: boolean,
): tf.Tensor4D {
  let labels: Int32Array | null = null;
  if (options.labels !== undefined) {
    if (info.numClasses === 0) throw new GanConfigError('labels', 'this GAN is unconditional; pass { count } instead');
    const values =
      options.labels instanceof tf.Tensor ? (options.labels.dataSync() as ArrayLike<number>) : options.labels;
    labels = checkLabelValues(values, info.numClasses);
  }
  const n = labels?.length ?? options.count ?? options.z?.shape[0];
  if (n === undefined)
    throw new GanConfigError('options', info.numClasses > 0 ? 'give labels (or count)' : 'give count (or z)');
  if (!Number.isInteger(n) || n <= 0)
    throw new GanConfigError(labels !== null ? 'labels' : 'count', `expected at least one image, got ${n}`);
  if (options.count !== undefined && labels !== null && options.count !== labels.length) {
    throw new GanConfigError('count', `is ${options.count} but ${labels.length} labels were given`);
  }
  if (
    options.z !== undefined &&
    (options.z.rank !== 2 || options.z.shape[0] !== n || options.z.shape[1] !== info.latentDim)
  ) {
    throw new GanConfigError('z', `expected shape [${n}, ${info.latentDim}], got [${options.z.shape.join(', ')}]`);
  }
  if (options.z !== undefined) {
    const values = options.z.dataSync();
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new GanConfigError(
        `z[${Math.floor(bad / info.latentDim)}][${bad % info.latentDim}]`,
        `expected a finite number, got ${values[bad]}`,
      );
  }
  const imageShape = generator.outputs[0].shape.slice(1);
  const bytes = n * 4 * imageShape.reduce((a: number, d) => a * (d ?? 1), 1);
  if (bytes > MAX_GENERATE_BYTES)
    throw new GanConfigError(
      labels !== null ? 'labels' : 'count',
      `${n} images of shape [${imageShape.join(', ')}] take ${formatBytes(bytes)}, more than generate() returns at once (${formatBytes(MAX_GENERATE_BYTES)}, MAX_GENERATE_BYTES); generate at most ${Math.floor(MAX_GENERATE_BYTES / (bytes / n))} per call`,
    );
  const task = info.auxiliary ?? null;
  const codeDim = task?.codeDim ?? 0;
  if (options.codes !== undefined) {
    if (codeDim === 0)
      throw new GanConfigError(
        'codes',
        'this GAN takes no latent codes (only a GAN with an auxiliary task that has codes, such as InfoGAN, does)',
      );
    if (options.codes instanceof tf.Tensor) {
      if (options.codes.rank !== 2 || options.codes.shape[0] !== n || options.codes.shape[1] !== codeDim) {
        throw new GanConfigError('codes', `expected shape [${n}, ${codeDim}], got [${options.codes.shape.join(', ')}]`);
      }
    } else if (typeof task?.encodeCodes !== 'function') {
      throw new GanConfigError(
        'codes',
        `the auxiliary task '${task?.name}' takes codes as a tensor [n, ${codeDim}] only`,
      );
    }
  }
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const count = n;
  return tf.tidy(() => {
    const noise = options.z ?? tf.randomNormal([count, info.latentDim], 0, 1, 'float32', tfSeed(seed));
    let z: tf.Tensor = noise;
    if (task !== null && codeDim > 0) {
      const given = options.codes;
      const codeSeed =
        options.seed === undefined && options.z !== undefined
          ? tfSeed(hashValues(options.z.dataSync()))
          : tfSeed(seed + 2);
      const code =
        given instanceof tf.Tensor
          ? given
          : given !== undefined
            ? (task.encodeCodes?.(given, count, codeSeed) as tf.Tensor2D)
            : (task.sampleCodes?.(count, codeSeed) as tf.Tensor2D);
      z = tf.concat([noise, code], 1);
    }
    const inputs: tf.Tensor[] = [z];
    if (info.numClasses > 0) {
      inputs.push(
        labels !== null
          ? tf.tensor2d(labels, [n as number, 1], 'int32')
          : tf.randomUniform([n as number, 1], 0, info.numClasses, 'int32', tfSeed(seed + 1)),
      );
    }
    const run = (part: tf.Tensor[]): tf.Tensor4D => {
      const images = generator.apply(part, { training }) as tf.Tensor4D;
      return (info.outputActivation === 'sigmoid' ? tf.sub(tf.mul(images, 2), 1) : images) as tf.Tensor4D;
    };
    // Training mode normalises over the whole batch, so only inference may be split.
    if (training || count <= GENERATE_BATCH) return run(inputs);
    const parts: tf.Tensor4D[] = [];
    for (let start = 0; start < count; start += GENERATE_BATCH) {
      const size = Math.min(GENERATE_BATCH, count - start);
      parts.push(tf.tidy(() => run(inputs.map((t) => tf.slice(t, [start, 0], [size, -1])))));
    }
    return tf.concat(parts, 0);
  });
}
