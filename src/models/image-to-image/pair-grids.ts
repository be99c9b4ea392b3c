/**
 * A callback that writes a pair grid (see {@link pairGridImages}) every few epochs.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../../errors';
import { checkPngTarget, saveImageGrid } from '../../image/png';
import { gridFile } from '../../callbacks/sample-grids';
import { checkOutputFolder } from '../../io/output-path';
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
  const { dir, everyEpochs = 1, scale = 2 } = options;
  for (const [name, v] of [
    ['everyEpochs', everyEpochs],
    ['scale', scale],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new GanConfigError(`options.${name}`, `expected a positive integer, got ${v}`);
  }
  if (!(options.inputs instanceof tf.Tensor) || !(options.targets instanceof tf.Tensor))
    throw new GanConfigError('options.inputs', 'expected inputs and targets as [n, height, width, channels] tensors');
  if (options.inputs.shape[0] !== options.targets.shape[0])
    throw new GanConfigError(
      'options.targets',
      `expected as many images as options.inputs (${options.inputs.shape[0]}), got ${options.targets.shape[0]}`,
    );
  const inputs = tf.keep(options.inputs.clone());
  const targets = tf.keep(options.targets.clone());
  let model: ImageToImageGan | null = null;
  return {
    async onTrainBegin(info) {
      // Before any training time is spent: the folder, and every grid file this run will write.
      await checkOutputFolder(dir, 'pairGrids({ dir })');
      for (let epoch = info.initialEpoch + 1; epoch <= info.epochs; epoch++)
        if (epoch % everyEpochs === 0) await checkPngTarget(gridFile(dir, epoch), 'pairGrids({ dir })');
      model = info.model;
    },
    async onEpochEnd(logs) {
      if (model === null || inputs.isDisposed || (logs.epoch + 1) % everyEpochs !== 0) return;
      const rows = pairGridImages(model, inputs, targets);
      try {
        await saveImageGrid(gridFile(dir, logs.epoch + 1), rows, { columns: inputs.shape[0], scale });
      } finally {
        rows.dispose();
      }
    },
    onTrainEnd() {
      inputs.dispose();
      targets.dispose();
    },
  };
}
