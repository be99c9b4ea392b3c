/**
 * The history of generated images CycleGAN's discriminators are trained on (Shrivastava et al.
 * 2017; Zhu et al. 2017, §4).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import type { ImageShape } from '../data/dataset';
import type { Rng } from '../random';

/**
 * A buffer of up to `capacity` previously generated images. D is updated on a mix of the newest
 * fakes and older ones, so it does not forget what G used to make and G cannot oscillate between
 * modes D has forgotten. The rule is the paper's code's (`ImagePool`), applied image by image:
 *
 * - while the buffer is not full, the new image is stored and returned;
 * - then, with probability ½, a random stored image is returned and the new one takes its
 *   place; otherwise the new image is returned and the buffer is unchanged.
 *
 * The draws come from the {@link Rng} passed to {@link ImagePool.query}, and the buffer is a
 * non-trainable variable whose contents a checkpoint stores ({@link ImagePool.read} /
 * {@link ImagePool.write}), so a resumed run repeats an uninterrupted one. Capacity 0 turns the
 * pool off (every query returns its input).
 *
 * @example
 * ```ts
 * const pool = new ImagePool(50, [28, 28, 1]);
 * const forD = pool.query(fakes, rng); // same shape as fakes; some images from earlier steps
 * ```
 */
export class ImagePool {
  /** Most images held. */
  readonly capacity: number;
  /** Shape of one image. */
  readonly imageShape: ImageShape;
  /** Images held so far (at most {@link ImagePool.capacity}). */
  size = 0;
  private buffer: tf.Variable | null;

  constructor(capacity: number, imageShape: ImageShape) {
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new GanConfigError('poolSize', `expected a non-negative integer, got ${capacity}`);
    this.capacity = capacity;
    this.imageShape = [...imageShape];
    // Inside tidy: the zeros the variable starts from would otherwise outlive it.
    this.buffer = capacity === 0 ? null : tf.tidy(() => tf.variable(tf.zeros([capacity, ...imageShape]), false));
  }

  /**
   * The images D should see for the generated batch `images` `[n, h, w, c]`: a new tensor of the
   * same shape (the caller owns it), mixing new and stored images as described above. Updates the
   * buffer. No gradient flows through it; pass images that are constants for D's update.
   */
  query(images: tf.Tensor, rng: Rng): tf.Tensor {
    const buffer = this.buffer;
    if (buffer === null) return images.clone();
    const n = images.shape[0];
    const cap = this.capacity;
    // Indices into concat([buffer, images]): slot[j] is what slot j holds after each image.
    const slot = Array.from({ length: cap }, (_, j) => j);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const fresh = cap + i;
      if (this.size < cap) {
        slot[this.size++] = fresh;
        out.push(fresh);
      } else if (rng.nextFloat() > 0.5) {
        const j = rng.nextInt(cap);
        out.push(slot[j]);
        slot[j] = fresh;
      } else {
        out.push(fresh);
      }
    }
    return tf.tidy(() => {
      const all = tf.concat([buffer, images]);
      buffer.assign(tf.gather(all, tf.tensor1d(slot, 'int32')));
      return tf.gather(all, tf.tensor1d(out, 'int32'));
    });
  }

  /** The buffer's contents (`[capacity, h, w, c]`, float32, zeros past `size`) for a checkpoint. */
  read(): Float32Array {
    return this.buffer === null ? new Float32Array(0) : (this.buffer.dataSync() as Float32Array).slice();
  }

  /** Restores contents saved with {@link ImagePool.read} and the `size` saved with them. */
  write(values: Float32Array, size: number): void {
    const expected = this.buffer === null ? 0 : this.buffer.size;
    if (values.length !== expected)
      throw new GanConfigError('pool', `expected ${expected} values, got ${values.length}`);
    if (!Number.isInteger(size) || size < 0 || size > this.capacity)
      throw new GanConfigError('pool.size', `expected an integer in [0, ${this.capacity}], got ${size}`);
    const buffer = this.buffer;
    if (buffer !== null) tf.tidy(() => buffer.assign(tf.tensor(values, buffer.shape)));
    this.size = size;
  }

  /** Frees the buffer. */
  dispose(): void {
    this.buffer?.dispose();
    this.buffer = null;
  }
}
