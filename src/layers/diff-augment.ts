/**
 * DiffAugment (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN Training"):
 * the same random, differentiable augmentations applied to every image D sees, real and fake, in
 * both D's and G's update, and to none at inference. As a layer at the front of D, it needs no
 * change to the trainer.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { Rng } from '../random';
import { nextScopedSeed } from './seeded-dropout';

/**
 * A DiffAugment policy:
 * - `color`: per image, brightness (add U[−0.5, 0.5)), saturation (scale each pixel's deviation
 *   from its channel mean by U[0, 2); nothing for one channel), contrast (scale the deviation from
 *   the image mean by U[0.5, 1.5)), in that order.
 * - `translation`: per image, shift by whole pixels, up to `round(translationRatio · size)` (1/8
 *   by default) in each axis, filling with zeros.
 * - `cutout`: per image, zero a square of `round(cutoutRatio · size)` (half by default) at a
 *   uniform random centre; the part outside the image is cut off.
 *
 * @example
 * ```ts
 * const policies: DiffAugmentPolicy[] = ['color', 'translation', 'cutout']; // the paper's choice for limited data
 * ```
 */
export type DiffAugmentPolicy = 'color' | 'translation' | 'cutout';

const POLICIES: readonly DiffAugmentPolicy[] = ['color', 'translation', 'cutout'];

/**
 * Arguments of {@link DiffAugment}, and the `diffAugment` option of the discriminator builders
 * (which also takes the list of policies alone).
 *
 * @example
 * ```ts
 * const d = mlpDiscriminator({ diffAugment: { policies: ['translation'], translationRatio: 0.25 } });
 * ```
 */
export interface DiffAugmentArgs {
  /** Augmentations, applied in this order (default `['color', 'translation', 'cutout']`). */
  policies?: DiffAugmentPolicy[];
  /** Largest shift as a fraction of the height and width (default 0.125). */
  translationRatio?: number;
  /** Side of the cut-out square as a fraction of the height and width (default 0.5). */
  cutoutRatio?: number;
  /** Layer name. */
  name?: string;
}

/**
 * The DiffAugment layer: images `[batch, h, w, c]` in, the same shape out.
 *
 * - **Training** (`training: true`, as gankit's trainer calls D on real and on fake images, in
 *   D's update and in G's): each call augments every image with its own random parameters (see
 *   {@link DiffAugmentPolicy}), drawn from one seed of the trainer's per-step stream
 *   ({@link nextScopedSeed}, the stream {@link SeededDropout} uses), so training stays exactly
 *   repeatable and resumable; the parameters are drawn on the CPU, so cpu and wasm augment alike.
 * - **Inference** (`predict`): the identity.
 *
 * Every augmentation is differentiable in the image: translation and cut-out are linear (a gather
 * and a mask; their Jacobian moves or zeroes the gradient), colour is affine per image. So G's
 * gradient flows through it. It has no weights. Registered for serialisation and listed in
 * {@link GANKIT_LAYER_CLASSES}. With a conditional D, the builders put it on the image input
 * before the conditioning, so label planes ({@link conditioning.channelConcat}) are never shifted or cut.
 *
 * @example
 * ```ts
 * const image = tf.input({ shape: [28, 28, 1] });
 * const x = new DiffAugment({ policies: ['translation', 'cutout'] }).apply(image); // then D's body
 * // or simply: dcganDiscriminator({ diffAugment: ['translation', 'cutout'] })
 * ```
 */
export class DiffAugment extends tfl.layers.Layer {
  /** Serialisation name. */
  static className = 'GankitDiffAugment';
  /** The augmentations, in the order applied. */
  readonly policies: DiffAugmentPolicy[];
  /** Largest shift as a fraction of the size. */
  readonly translationRatio: number;
  /** Side of the cut-out square as a fraction of the size. */
  readonly cutoutRatio: number;

  constructor(args: DiffAugmentArgs = {}) {
    super({ name: args.name, trainable: false });
    const policies = args.policies ?? ['color', 'translation', 'cutout'];
    if (!Array.isArray(policies) || policies.some((p) => !POLICIES.includes(p))) {
      throw new GanConfigError(
        'policies',
        `expected a list of 'color', 'translation', 'cutout', got ${JSON.stringify(policies)}`,
      );
    }
    this.policies = [...policies];
    this.translationRatio = args.translationRatio ?? 0.125;
    this.cutoutRatio = args.cutoutRatio ?? 0.5;
    for (const [name, value] of [
      ['translationRatio', this.translationRatio],
      ['cutoutRatio', this.cutoutRatio],
    ] as const) {
      if (!(typeof value === 'number' && value >= 0 && value <= 1))
        throw new GanConfigError(name, `expected a fraction in [0, 1], got ${value}`);
    }
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    if (shape.length !== 4)
      throw new GanConfigError(this.name, `expects images [batch, h, w, c], got [${shape.join(', ')}]`);
    return shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    if (kwargs.training !== true || this.policies.length === 0) return x;
    const rng = new Rng(nextScopedSeed());
    return tf.tidy(() => {
      let y: tf.Tensor4D = x;
      for (const policy of this.policies) {
        if (policy === 'color') y = color(y, rng);
        else if (policy === 'translation') y = translate(y, rng, this.translationRatio);
        else y = cutout(y, rng, this.cutoutRatio);
      }
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      policies: [...this.policies],
      translationRatio: this.translationRatio,
      cutoutRatio: this.cutoutRatio,
    };
  }
}
tf.serialization.registerClass(DiffAugment);

/** `[batch, 1, 1, 1]` values `offset + scale · U[0, 1)`, one per image. */
function perImage(rng: Rng, batch: number, scale: number, offset: number): tf.Tensor4D {
  return tf.tensor4d(
    Float32Array.from({ length: batch }, () => offset + scale * rng.nextFloat()),
    [batch, 1, 1, 1],
  );
}

function color(x: tf.Tensor4D, rng: Rng): tf.Tensor4D {
  const batch = x.shape[0];
  let y: tf.Tensor4D = tf.add(x, perImage(rng, batch, 1, -0.5)); // brightness
  const saturation = perImage(rng, batch, 2, 0);
  if (x.shape[3] > 1) {
    const mean = tf.mean(y, 3, true);
    y = tf.add(tf.mul(tf.sub(y, mean), saturation), mean);
  }
  const contrast = perImage(rng, batch, 1, 0.5);
  const mean = tf.mean(y, [1, 2, 3], true);
  return tf.add(tf.mul(tf.sub(y, mean), contrast), mean);
}

/** An integer uniform in [lo, hi]. */
function uniformInt(rng: Rng, lo: number, hi: number): number {
  return lo + rng.nextInt(hi - lo + 1);
}

function translate(x: tf.Tensor4D, rng: Rng, ratio: number): tf.Tensor4D {
  const [batch, h, w, c] = x.shape;
  const [maxY, maxX] = [Math.floor(h * ratio + 0.5), Math.floor(w * ratio + 0.5)];
  if (maxY === 0 && maxX === 0) return x;
  const shifts = Array.from({ length: batch }, () => [uniformInt(rng, -maxY, maxY), uniformInt(rng, -maxX, maxX)]);
  // out[n, i, j] = x[n, i + dy, j + dx] inside the image, else the zero row appended at index n·h·w.
  const zeroRow = batch * h * w;
  const indices = new Int32Array(batch * h * w);
  for (let n = 0; n < batch; n++) {
    const [dy, dx] = shifts[n];
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const [si, sj] = [i + dy, j + dx];
        indices[(n * h + i) * w + j] = si >= 0 && si < h && sj >= 0 && sj < w ? (n * h + si) * w + sj : zeroRow;
      }
    }
  }
  const rows = tf.concat([tf.reshape(x, [batch * h * w, c]), tf.zeros([1, c])]);
  return tf.reshape(tf.gather(rows, tf.tensor1d(indices, 'int32')), [batch, h, w, c]);
}

function cutout(x: tf.Tensor4D, rng: Rng, ratio: number): tf.Tensor4D {
  const [batch, h, w] = x.shape;
  const [sizeY, sizeX] = [Math.floor(h * ratio + 0.5), Math.floor(w * ratio + 0.5)];
  if (sizeY === 0 || sizeX === 0) return x;
  const mask = new Float32Array(batch * h * w).fill(1);
  for (let n = 0; n < batch; n++) {
    // As the authors' code: centre uniform in [0, size + (1 − side mod 2)), square from centre − ⌊side/2⌋.
    const top = rng.nextInt(h + 1 - (sizeY % 2)) - Math.floor(sizeY / 2);
    const left = rng.nextInt(w + 1 - (sizeX % 2)) - Math.floor(sizeX / 2);
    for (let i = Math.max(top, 0); i < Math.min(top + sizeY, h); i++) {
      for (let j = Math.max(left, 0); j < Math.min(left + sizeX, w); j++) mask[(n * h + i) * w + j] = 0;
    }
  }
  return tf.mul(x, tf.tensor4d(mask, [batch, h, w, 1]));
}
