/**
 * Translation grids: what a CycleGAN's two generators make of the same images, as one picture,
 * and a callback that writes one every few epochs.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../../errors';
import { epochGrids } from '../../callbacks/epoch-grids';
import type { CycleGan, CycleGanCallback } from './cycle-gan';

/**
 * The rows of a translation grid, as one batch `[6n, h, w, c]` in [-1, 1] (the caller disposes
 * it): `x`, `G(x)`, `F(G(x))`, `y`, `F(y)`, `G(F(y))`, each row the n images given, translated
 * in inference mode. Save it with `saveImageGrid(file, images, { columns: n })`.
 *
 * @example
 * ```ts
 * const rows = translationGridImages(cycle, testX, testY); // 8 + 8 images → 48 tiles
 * await saveImageGrid('translation.png', rows, { columns: 8, scale: 2 });
 * rows.dispose();
 * ```
 * @throws {@link GanConfigError} when `x` and `y` hold different numbers of images.
 */
export function translationGridImages(cycleGan: CycleGan, x: tf.Tensor4D, y: tf.Tensor4D): tf.Tensor4D {
  if (x.shape[0] !== y.shape[0])
    throw new GanConfigError('y', `expected as many images as x (${x.shape[0]}), got ${y.shape[0]}`);
  return tf.tidy(() => {
    const gx = cycleGan.translate(x, 'xToY');
    const fgx = cycleGan.translate(gx, 'yToX');
    const fy = cycleGan.translate(y, 'yToX');
    const gfy = cycleGan.translate(fy, 'xToY');
    return tf.concat([x, gx, fgx, y, fy, gfy]) as tf.Tensor4D;
  });
}

/**
 * Options of {@link translationGrids}.
 *
 * @example
 * ```ts
 * const options: TranslationGridsOptions = { dir: 'out/grids', x: testDigits, y: testClothes, everyEpochs: 1, scale: 2 };
 * ```
 */
export interface TranslationGridsOptions {
  /** Folder of the PNGs (created if missing): `epoch-001.png`, `epoch-002.png`, … */
  dir: string;
  /** Images of domain X shown in every grid, `[n, h, w, c]` in [-1, 1] (the callback copies them). */
  x: tf.Tensor4D;
  /** Images of domain Y, as many as `x`. */
  y: tf.Tensor4D;
  /** A grid every this many epochs (default 1). */
  everyEpochs?: number;
  /** Pixel scale of the PNG (default 2). */
  scale?: number;
}

/**
 * A callback that writes a translation grid after every `everyEpochs` epochs (see
 * {@link translationGridImages}): six rows, `x`, `G(x)`, `F(G(x))`, `y`, `F(y)`, `G(F(y))`, for
 * the same images every time, so successive grids show how the translations change.
 *
 * @example
 * ```ts
 * const grids = translationGrids({ dir: 'out/grids', x: testX, y: testY });
 * await cycle.fit(dataX, dataY, { epochs: 3, callbacks: [grids] });
 * ```
 */
export function translationGrids(options: TranslationGridsOptions): CycleGanCallback {
  if (options.x.shape[0] !== options.y.shape[0])
    throw new GanConfigError(
      'options.y',
      `expected as many images as options.x (${options.x.shape[0]}), got ${options.y.shape[0]}`,
    );
  const x = tf.keep(options.x.clone());
  const y = tf.keep(options.y.clone());
  try {
    return epochGrids({
      ...options,
      argument: 'translationGrids({ dir })',
      columns: x.shape[0],
      draw: (cycleGan: CycleGan) => translationGridImages(cycleGan, x, y),
      release: () => tf.dispose([x, y]),
    });
  } catch (error) {
    tf.dispose([x, y]);
    throw error;
  }
}
