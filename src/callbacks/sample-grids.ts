/**
 * Sample grids during training: the same z every time, so grids of successive epochs show how G
 * changes, not how the noise does.
 *
 * @packageDocumentation
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { checkPngTarget, saveImageGrid } from '../image/png';
import { checkOutputFolder } from '../io/output-path';
import { samplerOf, type Sampler } from '../train/sampler';
import type { TrainerCallback } from '../train/trainer';

/** Options of {@link sampleGrids}. */
export interface SampleGridsOptions {
  /**
   * Folder the PNGs go to (created if missing): `epoch-001.png`, `epoch-002.png`, … A file of
   * those names that gankit did not write is refused when training begins (an {@link OutputPathError}).
   */
  dir: string;
  /** A grid every this many epochs (default 1). */
  everyEpochs?: number;
  /** Images per row; for a conditional GAN each row is one class, 0 to numClasses − 1 (default 10). */
  columns?: number;
  /** Rows of an unconditional GAN's grid (default 10). */
  rows?: number;
  /** Pixel scale of the PNG (default 2). */
  scale?: number;
  /** Seed of the fixed z (default 1234). */
  seed?: number;
  /**
   * Draw from this sampler instead of the model being trained, e.g. an averaged generator
   * (default: the trained model itself, which must be a {@link Sampler}).
   */
  from?: Sampler;
}

/** The PNG file of epoch `epoch` (1-based) in `dir`. */
export function gridFile(dir: string, epoch: number): string {
  return path.join(dir, `epoch-${String(epoch).padStart(3, '0')}.png`);
}

/**
 * A callback that writes a sample grid after every `everyEpochs` epochs from a fixed z. For a
 * conditional GAN, row k shows class k, so each row must come to show its own digit.
 *
 * @example
 * ```ts
 * await cgan.fit(mnist, { epochs: 3, callbacks: [sampleGrids({ dir: 'out/samples' })] });
 * ```
 */
export function sampleGrids(options: SampleGridsOptions): TrainerCallback {
  const { dir, everyEpochs = 1, columns = 10, rows = 10, scale = 2, seed = 1234 } = options;
  for (const [name, v] of [
    ['everyEpochs', everyEpochs],
    ['columns', columns],
    ['rows', rows],
    ['scale', scale],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new GanConfigError(`options.${name}`, `expected a positive integer, got ${v}`);
  }
  let sampler: Sampler | null = null;
  let z: tf.Tensor2D | null = null;
  let labels: number[] | undefined;
  return {
    async onTrainBegin(info) {
      // Before any training time is spent: the folder, and every grid file this run will write.
      await checkOutputFolder(dir, 'sampleGrids({ dir })');
      for (let epoch = info.initialEpoch + 1; epoch <= info.epochs; epoch++)
        if (epoch % everyEpochs === 0) await checkPngTarget(gridFile(dir, epoch), 'sampleGrids({ dir })');
      sampler = options.from ?? samplerOf(info.model, 'sampleGrids');
      const { numClasses, latentDim } = sampler.info;
      const count = (numClasses > 0 ? numClasses : rows) * columns;
      labels = numClasses > 0 ? Array.from({ length: count }, (_, i) => Math.floor(i / columns)) : undefined;
      z?.dispose();
      z = tf.randomNormal([count, latentDim], 0, 1, 'float32', seed) as tf.Tensor2D;
    },
    async onEpochEnd(logs) {
      if (sampler === null || z === null || (logs.epoch + 1) % everyEpochs !== 0) return;
      const images = sampler.generate({ z, labels });
      try {
        await saveImageGrid(gridFile(dir, logs.epoch + 1), images, { columns, scale });
      } finally {
        images.dispose();
      }
    },
    onTrainEnd() {
      z?.dispose();
      z = null;
    },
  };
}
