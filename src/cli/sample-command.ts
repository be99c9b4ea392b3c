/**
 * `gankit sample <checkpoint>`: draws a trained GAN's samples as a PNG grid (one row per chosen
 * class for a conditional GAN), from the averaged generator when the checkpoint holds one, and
 * optionally a latent interpolation: rows that walk from one z to another.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { Command, InvalidArgumentError, Option } from 'commander';
import { initBackend, type BackendName } from '../backend';
import { GanConfigError } from '../errors';
import { saveImageGrid } from '../image/png';
import { interpolateLatents } from '../latent/interpolate';
import { loadGan } from '../models/gan/load';
import { Rng } from '../random';
import { positiveIntegerFlag } from './training-args';

/** What `gankit sample` was asked for. */
export interface SampleCommandArgs {
  /** The checkpoint folder (or a folder of `step-NNNNNNNNN` checkpoints: the newest that verifies). */
  checkpoint: string;
  /** The PNG to write. */
  out: string;
  /** Classes to draw, one row each (conditional GANs; default: every class). */
  labels?: number[];
  /** Images per row. */
  columns: number;
  /** Rows of an unconditional GAN. */
  rows: number;
  /** Seed of z. */
  seed: number;
  /** Rows of a latent walk instead of independent samples: each row goes from one z to another in `columns` steps. */
  interpolate: boolean;
  /** Pixel scale of the PNG. */
  scale: number;
  /** Sample the trained G even when the checkpoint holds an averaged one. */
  raw: boolean;
  /** TensorFlow.js backend to force. */
  backend?: BackendName;
}

/** What {@link runSampleCommand} wrote. */
export interface SampleCommandResult {
  /** The PNG written. */
  file: string;
  /** Images in it. */
  count: number;
  /** `averaged` when the samples come from the averaged G, else `raw`. */
  generator: 'averaged' | 'raw';
}

function labelList(value: string): number[] {
  const labels = value.split(',').map((v) => Number(v.trim()));
  if (labels.length === 0 || labels.some((l) => !Number.isInteger(l) || l < 0))
    throw new InvalidArgumentError(`--labels must be class indices separated by commas (e.g. 0,3,7), got '${value}'.`);
  return labels;
}

/**
 * Draws the grid {@link SampleCommandArgs} asks for and writes it to `args.out`.
 *
 * @example
 * ```ts
 * await runSampleCommand({ checkpoint: 'out/gankit-train/checkpoint', out: 'samples.png', columns: 8, rows: 8, seed: 1, interpolate: false, scale: 2, raw: false });
 * ```
 * @throws {@link GanConfigError} for labels outside the GAN's classes, or labels for an unconditional GAN;
 * {@link CheckpointError} for a folder that holds no checkpoint that verifies.
 */
export async function runSampleCommand(args: SampleCommandArgs): Promise<SampleCommandResult> {
  await initBackend({ backend: args.backend, log: null });
  const gan = await loadGan(args.checkpoint, { averagedGenerator: !args.raw });
  try {
    const { numClasses, latentDim } = gan.config;
    if (args.labels !== undefined && numClasses === 0)
      throw new GanConfigError('--labels', 'the checkpoint holds an unconditional GAN; leave --labels out');
    for (const label of args.labels ?? [])
      if (label >= numClasses)
        throw new GanConfigError(
          '--labels',
          `class ${label} is not one of the GAN's ${numClasses} classes (0–${numClasses - 1})`,
        );
    const rowLabels = numClasses > 0 ? (args.labels ?? Array.from({ length: numClasses }, (_, i) => i)) : null;
    const rows = rowLabels?.length ?? args.rows;
    const labels = rowLabels === null ? undefined : rowLabels.flatMap((l) => new Array<number>(args.columns).fill(l));
    const count = rows * args.columns;
    let z: tf.Tensor2D | undefined;
    if (args.interpolate) {
      // Each row walks between two z of its own; a conditional row keeps its class along the walk.
      const rng = new Rng(args.seed);
      z = tf.tidy(() =>
        tf.concat(
          Array.from({ length: rows }, () =>
            interpolateLatents(
              tf.randomNormal([latentDim], 0, 1, 'float32', rng.nextSeed()),
              tf.randomNormal([latentDim], 0, 1, 'float32', rng.nextSeed()),
              args.columns,
            ),
          ),
        ),
      ) as tf.Tensor2D;
    }
    const images = gan.generate({ count: labels === undefined ? count : undefined, labels, z, seed: args.seed });
    try {
      await saveImageGrid(args.out, images, { columns: args.columns, scale: args.scale });
    } finally {
      images.dispose();
      z?.dispose();
    }
    return { file: args.out, count, generator: gan.averaged !== null ? 'averaged' : 'raw' };
  } finally {
    gan.dispose();
  }
}

/**
 * The `sample` subcommand of the `gankit` binary.
 * @internal
 */
export function sampleCommand(onArgs: (args: SampleCommandArgs) => Promise<void>): Command {
  const command = new Command('sample')
    .description(
      "draw a trained GAN's samples as a PNG grid (one row per class for a conditional GAN), from its averaged generator when the checkpoint holds one",
    )
    .argument('<checkpoint>', 'a checkpoint folder (e.g. out/gankit-train/checkpoint)')
    .option('--out <file>', 'the PNG to write', 'samples.png')
    .option('--labels <list>', 'classes to draw, one row each, e.g. 0,3,7 (default: every class)', labelList)
    .option('--columns <n>', 'images per row', positiveIntegerFlag('--columns'), 10)
    .option('--rows <n>', 'rows of an unconditional GAN', positiveIntegerFlag('--rows'), 10)
    .option('--seed <n>', 'seed of z', positiveIntegerFlag('--seed'), 1)
    .option('--interpolate', 'each row walks from one z to another (spherical interpolation)', false)
    .option('--scale <n>', 'pixel scale of the PNG', positiveIntegerFlag('--scale'), 2)
    .option('--raw', 'sample the trained G even when the checkpoint holds an averaged one', false)
    .addOption(
      new Option('--backend <name>', 'TensorFlow.js backend (default: the fastest installed)').choices([
        'tensorflow',
        'wasm',
        'cpu',
      ]),
    );
  command.action(async (checkpoint: string) => {
    const o = command.opts<Omit<SampleCommandArgs, 'checkpoint'>>();
    await onArgs({ ...o, checkpoint });
  });
  return command;
}
