import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { tfSeed } from '../random';
import type { OutputActivation } from '../nets/common';

/** Options of `generate()`: give `labels` (conditional GAN) or `count` (either), and optionally `z` or `seed`. */
export interface GenerateOptions {
  /** Class of each image to generate (conditional GANs). Integers in [0, numClasses). */
  labels?: ArrayLike<number> | tf.Tensor;
  /** How many images (unconditional GANs; for a conditional GAN, labels are then drawn at random). */
  count?: number;
  /** Latent vectors to use, `[n, latentDim]` (default: drawn from N(0, 1)). */
  z?: tf.Tensor2D;
  /** Seed for z (and random labels), for repeatable samples. */
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
}

/** Checks that `labels` are integers in [0, numClasses) and returns them as an Int32Array. */
export function checkLabelValues(labels: ArrayLike<number>, numClasses: number, argument = 'labels'): Int32Array {
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!Number.isInteger(v)) throw new GanConfigError(`${argument}[${i}]`, `expected an integer class index, got ${v}`);
    if (v < 0 || v >= numClasses) throw new GanConfigError(`${argument}[${i}]`, `expected a class index in [0, ${numClasses}), got ${v}`);
    out[i] = v;
  }
  return out;
}

/**
 * Runs G in inference mode (batch norm uses its moving statistics, no dropout) and returns images
 * `[n, h, w, c]` in [-1, 1], owned by the caller.
 *
 * @throws {@link GanConfigError} when labels are missing, out of range or not integers, when `z`
 * has the wrong shape, or when `count` is not a positive integer.
 */
export function generateImages(generator: tfl.LayersModel, info: GeneratorInfo, options: GenerateOptions): tf.Tensor4D {
  let labels: Int32Array | null = null;
  if (options.labels !== undefined) {
    if (info.numClasses === 0) throw new GanConfigError('labels', 'this GAN is unconditional; pass { count } instead');
    const values = options.labels instanceof tf.Tensor ? (options.labels.dataSync() as ArrayLike<number>) : options.labels;
    labels = checkLabelValues(values, info.numClasses);
  }
  let n = labels?.length ?? options.count ?? options.z?.shape[0];
  if (n === undefined) throw new GanConfigError('options', info.numClasses > 0 ? 'give labels (or count)' : 'give count (or z)');
  if (!Number.isInteger(n) || n <= 0) throw new GanConfigError(labels !== null ? 'labels' : 'count', `expected at least one image, got ${n}`);
  if (options.count !== undefined && labels !== null && options.count !== labels.length) {
    throw new GanConfigError('count', `is ${options.count} but ${labels.length} labels were given`);
  }
  if (options.z !== undefined && (options.z.rank !== 2 || options.z.shape[0] !== n || options.z.shape[1] !== info.latentDim)) {
    throw new GanConfigError('z', `expected shape [${n}, ${info.latentDim}], got [${options.z.shape.join(', ')}]`);
  }
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  return tf.tidy(() => {
    const z = options.z ?? tf.randomNormal([n as number, info.latentDim], 0, 1, 'float32', tfSeed(seed));
    const inputs: tf.Tensor[] = [z];
    if (info.numClasses > 0) {
      inputs.push(labels !== null ? tf.tensor2d(labels, [n as number, 1], 'int32') : tf.randomUniform([n as number, 1], 0, info.numClasses, 'int32', tfSeed(seed + 1)));
    }
    const images = generator.apply(inputs, { training: false }) as tf.Tensor4D;
    return (info.outputActivation === 'sigmoid' ? tf.sub(tf.mul(images, 2), 1) : images) as tf.Tensor4D;
  });
}
