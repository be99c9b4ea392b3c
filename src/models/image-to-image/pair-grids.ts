/**
 * A callback that writes a pair grid (see {@link pairGridImages}) every few epochs.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../../errors';
import { epochGrids } from '../../callbacks/epoch-grids';
import type { ImageToImageCallback, ImageToImageGan } from './image-to-image-gan';
import { pairGridImages } from './pair-grid-images';

/**
 * Options of {@link pairGrids}.
 *
 * @example
 * ```ts
 * const options: PairGridsOptions = { dir: 'out/samples', inputs: testEdges, targets: testImages, scale: 2 };
 * ```
 */
export interface PairGridsOptions {
  /** Folder of the PNGs (created if missing): `epoch-001.png`, `epoch-002.png`, … */
  dir: string;
  /** Inputs shown in every grid, `[n, ...inputShape]` in [-1, 1] (the callback copies them). */
  inputs: tf.Tensor4D;
  /** Their targets, as many as `inputs`. */
  targets: tf.Tensor4D;
  /** A grid every this many epochs (default 1). */
  everyEpochs?: number;
  /** Pixel scale of the PNG (default 2). */
  scale?: number;
}

/**
 * A callback that writes a pair grid after every `everyEpochs` epochs (see
 * {@link pairGridImages}): three rows, inputs, outputs and targets, for the same held-out pairs
 * every time, so successive grids show how the outputs change.
 *
 * @example
 * ```ts
 * const grids = pairGrids({ dir: 'out/samples', inputs: testEdges, targets: testImages });
 * await pix2pix.fit(pairs, { epochs: 10, callbacks: [grids] });
 * ```
 * @throws {@link GanConfigError} for a bad option.
 */
export function pairGrids(options: PairGridsOptions): ImageToImageCallback {
  if (!(options.inputs instanceof tf.Tensor) || !(options.targets instanceof tf.Tensor))
    throw new GanConfigError('options.inputs', 'expected inputs and targets as [n, height, width, channels] tensors');
  if (options.inputs.shape[0] !== options.targets.shape[0])
    throw new GanConfigError(
      'options.targets',
      `expected as many images as options.inputs (${options.inputs.shape[0]}), got ${options.targets.shape[0]}`,
    );
  const inputs = tf.keep(options.inputs.clone());
  const targets = tf.keep(options.targets.clone());
  try {
    return epochGrids({
      ...options,
      argument: 'pairGrids({ dir })',
      columns: inputs.shape[0],
      draw: (model: ImageToImageGan) => pairGridImages(model, inputs, targets),
      release: () => tf.dispose([inputs, targets]),
    });
  } catch (error) {
    tf.dispose([inputs, targets]);
    throw error;
  }
}
