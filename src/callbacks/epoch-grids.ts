/**
 * The shell every per-epoch picture callback shares (translation grids, pair grids): options
 * checked at creation, the folder and every PNG the run will write checked before the first
 * step, one grid written after every N-th epoch, and the callback's own tensors freed at the end.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { checkPngTarget, saveImageGrid } from '../image/png';
import { checkOutputFolder } from '../io/output-path';
import type { TrainingCallback, TrainingEpochLogs, TrainingLogs, TrainingModel } from '../train/callbacks';
import { gridFile } from './sample-grids';

/** What {@link epochGrids} draws and where. @internal */
export interface EpochGridsOptions<M> {
  /** Folder of the PNGs (created if missing): `epoch-001.png`, … */
  dir: string;
  /** A grid every this many epochs (default 1). */
  everyEpochs?: number;
  /** Pixel scale of the PNG (default 2). */
  scale?: number;
  /** What messages call the folder, e.g. `pairGrids({ dir })`. */
  argument: string;
  /** Images per grid row. */
  columns: number;
  /** The grid's tiles for the model as it is now (the callback disposes them). */
  draw(model: M): tf.Tensor4D;
  /** Frees what `draw` reads (the callback's copies of the images shown), once training ends. */
  release(): void;
}

/**
 * A callback that writes `draw(model)` as a PNG grid after every `everyEpochs` epochs.
 * @throws {@link GanConfigError} for a bad `everyEpochs` or `scale`.
 * @internal
 */
export function epochGrids<S extends TrainingLogs, E extends TrainingEpochLogs, M extends TrainingModel>(
  options: EpochGridsOptions<M>,
): TrainingCallback<S, E, M> {
  const { dir, everyEpochs = 1, scale = 2, argument } = options;
  for (const [name, v] of [
    ['everyEpochs', everyEpochs],
    ['scale', scale],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new GanConfigError(`options.${name}`, `expected a positive integer, got ${v}`);
  }
  let model: M | null = null;
  let released = false;
  return {
    async onTrainBegin(info) {
      // Before any training time is spent: the folder, and every grid file this run will write.
      await checkOutputFolder(dir, argument);
      for (let epoch = info.initialEpoch + 1; epoch <= info.epochs; epoch++)
        if (epoch % everyEpochs === 0) await checkPngTarget(gridFile(dir, epoch), argument);
      model = info.model;
    },
    async onEpochEnd(logs) {
      if (model === null || released || (logs.epoch + 1) % everyEpochs !== 0) return;
      const rows = options.draw(model);
      try {
        await saveImageGrid(gridFile(dir, logs.epoch + 1), rows, { columns: options.columns, scale });
      } finally {
        rows.dispose();
      }
    },
    onTrainEnd() {
      if (released) return;
      released = true;
      options.release();
    },
  };
}
