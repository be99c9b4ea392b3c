/**
 * `gankit translate <checkpoint> <images>`: runs a trained image-to-image GAN (pix2pix,
 * super-resolution) over a folder of images and writes one PNG per image, under the same
 * relative name, plus an optional grid of inputs, outputs (and the originals, when the inputs are
 * derived from them).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { Command, Option } from 'commander';
import * as path from 'node:path';
import { initBackend, type BackendName } from '../backend';
import { sobelEdges } from '../data/edges';
import { openImageFolder } from '../data/image-folder';
import { GanConfigError } from '../errors';
import { checkPngTarget, saveImageGrid } from '../image/png';
import { checkOutputFolder } from '../io/output-path';
import { loadImageToImageGan } from '../models/image-to-image/load';
import { pairGridImages } from '../models/image-to-image/pair-grid-images';
import { positiveIntegerFlag } from './training-args';

/** How `gankit translate` makes a model's inputs from the images given. */
export type TranslateInputs = 'as-is' | 'edges' | 'downsample';

/** What `gankit translate` was asked for. */
export interface TranslateCommandArgs {
  /** The checkpoint folder (or a folder of `step-NNNNNNNNN` checkpoints: the newest that verifies). */
  checkpoint: string;
  /** The folder of images to translate (searched recursively). */
  images: string;
  /** The folder the outputs are written into. */
  out: string;
  /**
   * `as-is` (default): each image, resized to the model's input shape, is an input; `edges`: its
   * Sobel edges are (as `pix2pix-emoji-edges` trains); `downsample`: it is resized to the model's
   * output size and area-averaged down to the input size (to see what an upscaler restores).
   */
  inputs: TranslateInputs;
  /** Also write a grid of the first images (inputs, outputs, and the originals when derived) to this PNG. */
  grid?: string;
  /** Images per grid row. */
  columns: number;
  /** Translate this many images at a time. */
  batchSize: number;
  /** TensorFlow.js backend to force. */
  backend?: BackendName;
}

/** What {@link runTranslateCommand} wrote. */
export interface TranslateCommandResult {
  /** The PNGs written, one per image. */
  files: string[];
  /** The grid written, if one was asked for. */
  grid: string | null;
}

/** The output PNG of the image file `file` of the folder `root`: the same relative path, `.png`. */
function outputFile(root: string, out: string, file: string): string {
  const relative = path.relative(root, file);
  return path.join(out, relative.slice(0, relative.length - path.extname(relative).length) + '.png');
}

/**
 * Translates every image of `args.images` with the checkpoint's generator (inference mode) and
 * writes the outputs; refuses, before any work, a PNG already there that gankit did not write.
 *
 * @example
 * ```ts
 * await runTranslateCommand({ checkpoint: 'out/pix2pix-emoji-edges/checkpoint', images: 'sketches', out: 'out/made', inputs: 'as-is', columns: 8, batchSize: 32 });
 * ```
 * @throws {@link GanConfigError} for a bad flag or `--inputs` that does not fit the model;
 * {@link CheckpointError} for a folder that holds no image-to-image checkpoint that verifies;
 * {@link DataFormatError} for an image that cannot be read.
 */
export async function runTranslateCommand(args: TranslateCommandArgs): Promise<TranslateCommandResult> {
  if (!['as-is', 'edges', 'downsample'].includes(args.inputs))
    throw new GanConfigError('--inputs', `expected as-is, edges or downsample, got '${String(args.inputs)}'`);
  await initBackend({ backend: args.backend, log: null });
  const model = await loadImageToImageGan(args.checkpoint);
  const { inputShape, targetShape } = model.config;
  const derived = args.inputs !== 'as-is';
  try {
    if (args.inputs === 'edges' && inputShape[2] !== 1)
      throw new GanConfigError('--inputs', `edges are one channel, but the model takes [${inputShape}] inputs`);
    if (args.inputs === 'downsample' && inputShape[2] !== targetShape[2])
      throw new GanConfigError(
        '--inputs',
        `downsample keeps the channels, but the model maps [${inputShape}] to [${targetShape}]`,
      );
    // A derived input starts from the image at the model's output size (its "original").
    const readShape = derived ? targetShape : inputShape;
    const root = path.resolve(args.images);
    const source = await openImageFolder(root, {
      labels: 'none',
      imageShape: readShape,
      background: [255, 255, 255],
    });
    try {
      await checkOutputFolder(args.out, '--out');
      const files = Array.from({ length: source.size }, (_, i) => outputFile(root, args.out, source.describeImage(i)));
      for (const file of files) await checkPngTarget(file, '--out');
      if (args.grid !== undefined) await checkPngTarget(args.grid, '--grid');
      const toInputs = (images: tf.Tensor4D): tf.Tensor4D =>
        tf.tidy(() => {
          if (args.inputs === 'edges') return sobelEdges(images, { invert: true });
          if (args.inputs === 'downsample') {
            const factor = targetShape[0] / inputShape[0];
            return tf.avgPool(images, factor, factor, 'valid') as tf.Tensor4D;
          }
          return images.clone();
        });
      let gridDone = args.grid === undefined;
      for (let start = 0; start < source.size; start += args.batchSize) {
        const indices = Array.from({ length: Math.min(args.batchSize, source.size - start) }, (_, i) => start + i);
        const batch = source.gather(indices);
        const inputs = toInputs(batch.images);
        const outputs = model.translate(inputs);
        try {
          for (const [i, index] of indices.entries()) {
            const one = tf.slice(outputs, [i, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
            try {
              await saveImageGrid(files[index], one, { columns: 1, padding: 0 });
            } finally {
              one.dispose();
            }
          }
          if (!gridDone) {
            const n = Math.min(args.columns, indices.length);
            const take = (t: tf.Tensor4D): tf.Tensor4D => tf.slice(t, [0, 0, 0, 0], [n, -1, -1, -1]) as tf.Tensor4D;
            const shown = tf.tidy(() => {
              const rows = pairGridImages(model, take(inputs), derived ? take(batch.images) : take(outputs));
              // Without originals, the third row would repeat the outputs: keep inputs and outputs.
              return derived ? rows : (tf.slice(rows, [0, 0, 0, 0], [2 * n, -1, -1, -1]) as tf.Tensor4D);
            });
            try {
              await saveImageGrid(args.grid as string, shown, { columns: n, scale: 2 });
            } finally {
              shown.dispose();
            }
            gridDone = true;
          }
        } finally {
          tf.dispose([batch.images, batch.labels ?? [], inputs, outputs]);
        }
      }
      return { files, grid: args.grid ?? null };
    } finally {
      source.close();
    }
  } finally {
    model.dispose();
  }
}

/**
 * The `translate` subcommand of the `gankit` binary.
 * @internal
 */
export function translateCommand(onArgs: (args: TranslateCommandArgs) => Promise<void>): Command {
  const command = new Command('translate')
    .description(
      'run a trained image-to-image GAN (pix2pix, super-resolution) over a folder of images, one PNG out per image',
    )
    .argument('<checkpoint>', 'an image-to-image checkpoint folder (e.g. out/pix2pix-emoji-edges/checkpoint)')
    .argument('<images>', 'a folder of images (PNG, JPEG), searched recursively')
    .option('--out <dir>', 'the folder of the outputs (same relative names, .png)', 'translated')
    .addOption(
      new Option(
        '--inputs <how>',
        "as-is: the images are the inputs; edges: their Sobel edges are; downsample: they are shrunk to the model's input size",
      )
        .choices(['as-is', 'edges', 'downsample'])
        .default('as-is'),
    )
    .option('--grid <file>', 'also write a PNG grid of the first images: inputs, outputs (, originals)')
    .option('--columns <n>', 'images per grid row', positiveIntegerFlag('--columns'), 8)
    .option('--batch-size <n>', 'images translated at a time', positiveIntegerFlag('--batch-size'), 32)
    .addOption(
      new Option('--backend <name>', 'TensorFlow.js backend (default: the fastest installed)').choices([
        'tensorflow',
        'wasm',
        'cpu',
      ]),
    );
  command.action(async (checkpoint: string, images: string) => {
    const o = command.opts<Omit<TranslateCommandArgs, 'checkpoint' | 'images'>>();
    await onArgs({ ...o, checkpoint, images });
  });
  return command;
}
