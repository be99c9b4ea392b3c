/**
 * `gankit train --family pix2pix | super-resolution`: trains an image-to-image GAN on a user's
 * images: pix2pix on pairs from two folders matched by name (`--inputs`), or on each image's
 * Sobel edges; super-resolution on each image and its copy shrunk `--scale` times.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend';
import { sobelEdges } from '../data/edges';
import { openImageFolder } from '../data/image-folder';
import type { ImageShape } from '../data/image-source';
import { openPairedImageFolders } from '../data/paired-folders';
import { derivePairs, type PairedImageSource } from '../data/paired-source';
import { GanConfigError } from '../errors';
import { createPix2Pix } from '../models/image-to-image/create-pix2pix';
import { createSuperResolutionGan } from '../models/image-to-image/create-super-resolution';
import type { ImageToImageGan } from '../models/image-to-image/image-to-image-gan';
import { loadImageToImageGan } from '../models/image-to-image/load';
import { pairGrids } from '../models/image-to-image/pair-grids';
import { Rng } from '../random';
import { runModel, type ModelRunResult } from './run-model';
import type { TrainingArgs } from './training-args';
import type { ImageToImageEpochLogs } from '../models/image-to-image/logs';

/** What `gankit train` needs to train an image-to-image family. */
export interface TranslationTrainingArgs extends TrainingArgs {
  /** The image-to-image family. */
  family: 'pix2pix' | 'super-resolution';
  /** The folder of target images. */
  data: string;
  /** pix2pix: a folder of input images matched to `data`'s by name (default: their Sobel edges). */
  inputs?: string;
  /** Side of the square target images (default 32). */
  imageSize?: number;
  /** Channels of the targets: 1 or 3 (default 3). */
  channels?: 1 | 3;
  /** Super-resolution: the upscaling factor (default 4). */
  scale: 2 | 4 | 8;
  /** Keep the decoded images in one file in `--out`. */
  cache: boolean;
}

/** The pairs `args` describe, and the model they train. */
async function pairsFor(
  args: TranslationTrainingArgs,
): Promise<{ pairs: PairedImageSource; build: () => ImageToImageGan; close: () => void }> {
  const size = args.imageSize ?? 32;
  const targetShape: ImageShape = [size, size, args.channels ?? 3];
  const cache = (name: string): string | false => (args.cache ? `${args.out}/${name}-${size}px.cache` : false);
  if (args.family === 'pix2pix') {
    const width = Math.min(64, Math.max(8, size));
    if (args.inputs !== undefined) {
      const pairs = await openPairedImageFolders(args.inputs, args.data, {
        inputShape: [size, size, targetShape[2]],
        targetShape,
        limit: args.limit,
      });
      const inputShape = pairs.inputShape;
      return {
        pairs,
        build: () => createPix2Pix({ inputShape, targetShape, generator: { filters: width }, seed: args.seed }),
        close: () => pairs.close(),
      };
    }
    const targets = await openImageFolder(args.data, {
      labels: 'none',
      imageShape: targetShape,
      limit: args.limit,
      cache: cache('images'),
    });
    return {
      pairs: derivePairs(targets, (y) => sobelEdges(y, { invert: true })),
      build: () =>
        createPix2Pix({ inputShape: [size, size, 1], targetShape, generator: { filters: width }, seed: args.seed }),
      close: () => targets.close(),
    };
  }
  if (args.inputs !== undefined)
    throw new GanConfigError(
      '--inputs',
      'super-resolution makes its inputs by shrinking the images; leave --inputs out',
    );
  if (size % args.scale !== 0)
    throw new GanConfigError(
      '--image-size',
      `${size} px does not shrink ${args.scale} times to whole pixels; pick a multiple of ${args.scale}`,
    );
  const small: ImageShape = [size / args.scale, size / args.scale, targetShape[2]];
  const targets = await openImageFolder(args.data, {
    labels: 'none',
    imageShape: targetShape,
    limit: args.limit,
    cache: cache('images'),
  });
  return {
    pairs: derivePairs(targets, (y) => tf.avgPool(y, args.scale, args.scale, 'valid') as tf.Tensor4D),
    build: () =>
      createSuperResolutionGan({
        inputShape: small,
        scale: args.scale,
        generator: { filters: 32, residualBlocks: 4 },
        discriminator: { filters: [32, 64, 128] },
        seed: args.seed,
      }),
    close: () => targets.close(),
  };
}

/**
 * Trains the image-to-image family `args.family` on the images of `args.data` with the standard
 * outputs (pair grids of the first pairs, losses, a checkpoint per epoch, `--resume`).
 *
 * @example
 * ```ts
 * await runTranslationTraining({ ...trainingArgs, family: 'super-resolution', data: 'photos/', imageSize: 64, scale: 4, cache: true });
 * ```
 * @throws {@link GanConfigError} for flags that do not fit the family; {@link DataFormatError} for unreadable or unpaired images.
 */
export async function runTranslationTraining(
  args: TranslationTrainingArgs,
  log: (message: string) => void = (m) => console.log(m),
): Promise<ModelRunResult<ImageToImageGan, ImageToImageEpochLogs>> {
  await initBackend({ backend: args.backend });
  const { pairs, build, close } = await pairsFor(args);
  try {
    log(`data: ${args.data}: ${pairs.size} pairs, [${pairs.inputShape}] → [${pairs.targetShape}] (${args.family})`);
    const shown = Math.min(8, pairs.size);
    const [first] = [...pairs.batches(shown, { rng: new Rng(args.seed) })];
    try {
      return await runModel(
        args,
        {
          build,
          load: (dir, onSkip) => loadImageToImageGan(dir, { onSkip }),
          fit: (model, options) => model.fit(pairs, options),
          pictures: (_model, dir) => pairGrids({ dir, inputs: first.inputs, targets: first.targets, scale: 2 }),
        },
        log,
      );
    } finally {
      tf.dispose([first.inputs, first.targets]);
    }
  } finally {
    close();
  }
}
