/**
 * TensorBoard logs of any training run, written by gankit itself (no TensorFlow or tfjs-node):
 * every logged value and metric as scalars, and a sample grid per epoch as an image.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { imageGrid } from '../image/grid';
import { encodePng } from '../image/png';
import { EventFileWriter, type EventFileWriterOptions } from '../io/tensorboard/event-file-writer';
import type { TrainingCallback } from '../train/callbacks';
import { logFormats, type NamedLogFormat } from '../train/log-format';
import { isSampler, type Sampler } from '../train/sampler';

/** Options of {@link tensorboard}. */
export interface TensorBoardOptions {
  /** The folder TensorBoard is pointed at (`tensorboard --logdir <logdir>`); created if missing. */
  logdir: string;
  /** Write the step values every this many steps (default 1). */
  everySteps?: number;
  /** Write a sample grid every this many epochs (default 1); 0 writes none. */
  imageEveryEpochs?: number;
  /** Images per row of the grid; a conditional model's row k is class k (default 10). */
  columns?: number;
  /** Rows of an unconditional model's grid (default 10). */
  rows?: number;
  /** Pixel scale of the grid (default 2). */
  scale?: number;
  /** Seed of the grid's fixed z (default 1234, as {@link sampleGrids}). */
  seed?: number;
  /** Draw the grid from this sampler (e.g. an averaged generator); default the model, when it is a {@link Sampler}. */
  from?: Sampler;
  /** The event file's clock and host name (for tests). */
  file?: EventFileWriterOptions;
}

/** The tag of a logged value: `step/d_loss` for a step's value, `epoch/d_loss` for an epoch's mean. */
export function tensorBoardTag(scope: 'step' | 'epoch' | 'metrics', column: string): string {
  return `${scope}/${column}`;
}

function checkCount(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new GanConfigError(`options.${name}`, `expected an integer ≥ ${min}, got ${value}`);
  return value;
}

/**
 * A callback writing a TensorBoard event file in `logdir` (see {@link EventFileWriter}), all at
 * the global step as x-axis:
 *
 * - after every `everySteps`-th step, each value the model logs, as `step/<column>` (the
 *   model's `logFormat` columns: a GAN's `d_loss`, `g_loss`, `d_real`, `d_fake`);
 * - after every epoch, the epoch's means as `epoch/<column>`, its wall time as `epoch/seconds`,
 *   and every metric callbacks before it added ({@link callbacks.evaluation}'s `fd`, `kid`, …) as
 *   `metrics/<key>`;
 * - every `imageEveryEpochs` epochs, a grid of samples from a fixed z as the image `samples`
 *   (when the model, or `from`, is a {@link Sampler}).
 *
 * Each run writes a new file, so a resumed run adds to the same logdir without touching the
 * earlier one.
 *
 * @throws {@link GanConfigError} for a bad option.
 *
 * @example
 * ```ts
 * await gan.fit(mnist, {
 *   epochs: 10,
 *   callbacks: [evaluation(gan, { samples: 1000 }), tensorboard({ logdir: 'out/tb' })],
 * });
 * // then: tensorboard --logdir out/tb
 * ```
 */
export function tensorboard(options: TensorBoardOptions): TrainingCallback {
  if (options === null || typeof options !== 'object' || typeof options.logdir !== 'string' || options.logdir === '')
    throw new GanConfigError('options.logdir', 'expected the folder to write the event file to');
  const everySteps = checkCount(options.everySteps ?? 1, 'everySteps', 1);
  const imageEveryEpochs = checkCount(options.imageEveryEpochs ?? 1, 'imageEveryEpochs', 0);
  const columns = checkCount(options.columns ?? 10, 'columns', 1);
  const rows = checkCount(options.rows ?? 10, 'rows', 1);
  const scale = checkCount(options.scale ?? 2, 'scale', 1);
  const seed = options.seed ?? 1234;
  let writer: EventFileWriter | null = null;
  let formats: NamedLogFormat[] = [];
  let sampler: Sampler | null = null;
  let z: tf.Tensor2D | null = null;
  let labels: number[] | undefined;
  const valuesOf = (logs: object, scope: 'step' | 'epoch'): Record<string, number> => {
    const record = logs as unknown as Record<string, unknown>;
    const out: Record<string, number> = {};
    for (const f of formats) {
      const v = record[f.name];
      if (typeof v === 'number') out[tensorBoardTag(scope, f.column)] = v;
    }
    return out;
  };
  return {
    async onTrainBegin(info) {
      await writer?.close();
      formats = logFormats(info.model);
      writer = await EventFileWriter.open(options.logdir, options.file);
      const candidate = options.from ?? info.model;
      sampler = imageEveryEpochs > 0 && isSampler(candidate) ? candidate : null;
      z?.dispose();
      z = null;
      if (sampler !== null) {
        const { numClasses, latentDim } = sampler.info;
        const count = (numClasses > 0 ? numClasses : rows) * columns;
        labels = numClasses > 0 ? Array.from({ length: count }, (_, i) => Math.floor(i / columns)) : undefined;
        z = tf.randomNormal([count, latentDim], 0, 1, 'float32', seed) as tf.Tensor2D;
      }
    },
    async onBatchEnd(logs) {
      if (writer === null || logs.step % everySteps !== 0) return;
      await writer.scalars(logs.step, valuesOf(logs, 'step'));
    },
    async onEpochEnd(logs) {
      if (writer === null) return;
      const scalars = { ...valuesOf(logs, 'epoch'), [tensorBoardTag('epoch', 'seconds')]: logs.seconds };
      for (const [key, value] of Object.entries(logs.metrics ?? {})) scalars[tensorBoardTag('metrics', key)] = value;
      await writer.scalars(logs.step, scalars);
      if (sampler !== null && z !== null && (logs.epoch + 1) % imageEveryEpochs === 0) {
        const images = sampler.generate({ z, labels });
        try {
          const grid = imageGrid(images, { columns, scale });
          await writer.image(logs.step, 'samples', { width: grid.width, height: grid.height, png: encodePng(grid) });
        } finally {
          images.dispose();
        }
      }
    },
    async onTrainEnd() {
      z?.dispose();
      z = null;
      const w = writer;
      writer = null;
      await w?.close();
    },
  };
}
