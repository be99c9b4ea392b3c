/**
 * `gankit train`: one command from a user's images to sample grids, a loss log and a checkpoint.
 * The data is a folder of PNG/JPEG images (class sub-folders as labels), an HDF5 file, or one of
 * the bundled sets (`mnist`, `fashion-mnist`); the GAN is an MLP or a DCGAN sized for the images,
 * conditional when the data has labels and `--conditional` asks for them.
 *
 * @packageDocumentation
 */
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { initBackend } from '../backend';
import type { ImageShape, ImageSource } from '../data/image-source';
import { openImageFolder } from '../data/image-folder';
import { openHdf5Images } from '../data/hdf5-source';
import { loadFashionMnist, loadMnist } from '../data/mnist';
import { GanConfigError } from '../errors';
import type { Gan } from '../models/gan/gan';
import { createCgan, createGan } from '../models/gan/create';
import type { GanLoss } from '../losses/types';
import { hingeLoss } from '../losses/hinge';
import { leastSquaresLoss } from '../losses/least-squares';
import { nonSaturatingLoss } from '../losses/non-saturating';
import { wassersteinLoss } from '../losses/wasserstein';
import { dcganPreset } from '../nets/dcgan';
import { runTraining, type TrainingResult } from './run-training';
import { addTrainingOptions, positiveIntegerFlag, trainingArgsFrom, type TrainingArgs } from './training-args';

/** The losses `--loss` names. */
export const TRAIN_LOSSES = ['non-saturating', 'hinge', 'least-squares', 'wgan-gp'] as const;

/** What `gankit train` was asked for: the common training flags plus the data and the model. */
export interface TrainCommandArgs extends TrainingArgs {
  /** `gan` (default), or an image-to-image family trained on pairs made from the images (see `runTranslationTraining`). */
  family: 'gan' | 'pix2pix' | 'super-resolution';
  /** pix2pix: a folder of input images matched to `--data`'s by name (default: their Sobel edges). */
  inputs?: string;
  /** Super-resolution: the upscaling factor, 2, 4 or 8 (default 4). */
  scale: 2 | 4 | 8;
  /** A folder of images, an `.h5`/`.hdf5` file, `mnist` or `fashion-mnist`. */
  data: string;
  /** Side of the square images the GAN makes (default: 28 for the bundled sets, 32 for others). */
  imageSize?: number;
  /** Channels of the images the GAN makes: 1 (gray) or 3 (RGB); default 3 (the bundled sets are gray). */
  channels?: 1 | 3;
  /** `mlp` or `dcgan` (default `dcgan`). */
  arch: 'mlp' | 'dcgan';
  /** Train a conditional GAN on the data's labels (class sub-folders, the HDF5 labels, the bundled sets' classes). */
  conditional: boolean;
  /** Size of z (default 100). */
  latentDim: number;
  /** The adversarial loss (default `non-saturating`). */
  loss: (typeof TRAIN_LOSSES)[number];
  /** Keep the decoded images in one file in `--out` so later epochs and runs do not decode again. */
  cache: boolean;
  /** Path of the images inside an HDF5 file (default `img_align_celeba`, the seed-003 layout). */
  h5Images: string;
  /** Path of the labels inside an HDF5 file, if any. */
  h5Labels?: string;
  /** A feature net (`gankit feature-net`) or classifier folder to measure the samples through after each epoch. */
  classifier?: string;
}

/** The flags that say which images to open and how (`--conditional`: with the class labels). */
export type OpenImagesArgs = Pick<
  TrainCommandArgs,
  'data' | 'imageSize' | 'channels' | 'limit' | 'cache' | 'out' | 'h5Images' | 'h5Labels' | 'conditional'
>;

const BUNDLED = ['mnist', 'fashion-mnist'] as const;

function scaleFactor(value: string): 2 | 4 | 8 {
  if (value !== '2' && value !== '4' && value !== '8')
    throw new InvalidArgumentError(`--scale must be 2, 4 or 8, got '${value}'.`);
  return Number(value) as 2 | 4 | 8;
}

function channelCount(value: string): 1 | 3 {
  if (value !== '1' && value !== '3') throw new InvalidArgumentError(`--channels must be 1 or 3, got '${value}'.`);
  return Number(value) as 1 | 3;
}

/**
 * Adds `gankit train`'s own flags (data and model) to `program`, beside the common training flags.
 * @internal
 */
export function addTrainCommandOptions(program: Command): Command {
  return program
    .requiredOption(
      '--data <source>',
      'a folder of PNG/JPEG images (class sub-folders = labels), a .h5 file, mnist or fashion-mnist',
    )
    .option(
      '--image-size <px>',
      'side of the square images the GAN makes (default: 28 for mnist, else 32)',
      positiveIntegerFlag('--image-size'),
    )
    .addOption(
      new Option('--channels <n>', '1 (gray) or 3 (RGB) (default: 3; the bundled sets are gray)').argParser(
        channelCount,
      ),
    )
    .addOption(
      new Option('--arch <name>', 'the nets: an MLP or a DCGAN sized for the images')
        .choices(['mlp', 'dcgan'])
        .default('dcgan'),
    )
    .option('--conditional', 'a conditional GAN on the labels (class sub-folders, HDF5 labels)', false)
    .option('--latent-dim <n>', 'size of z', positiveIntegerFlag('--latent-dim'), 100)
    .addOption(new Option('--loss <name>', 'adversarial loss').choices([...TRAIN_LOSSES]).default('non-saturating'))
    .option('--cache', 'keep the decoded images in one file in --out (later epochs and runs skip decoding)', false)
    .option(
      '--h5-images <path>',
      'images inside an HDF5 file: a dataset [n,h,w(,c)] or a group of per-image datasets',
      'img_align_celeba',
    )
    .option('--h5-labels <path>', 'class labels inside an HDF5 file')
    .option(
      '--classifier <dir>',
      'measure the samples after each epoch through this feature net (gankit feature-net) or classifier',
    )
    .addOption(
      new Option(
        '--family <name>',
        'gan; pix2pix (--data images from their edges, or from --inputs images of the same names); super-resolution (from the images shrunk --scale times)',
      )
        .choices(['gan', 'pix2pix', 'super-resolution'])
        .default('gan'),
    )
    .option('--inputs <folder>', 'pix2pix: input images matched to --data images by name')
    .addOption(
      new Option('--scale <n>', 'super-resolution: upscaling factor, 2, 4 or 8').argParser(scaleFactor).default(4),
    );
}

/**
 * Reads `gankit train`'s flags from a parsed `program` (see {@link addTrainCommandOptions}).
 * @internal
 */
export function trainCommandArgsFrom(program: Command): TrainCommandArgs {
  const o = program.opts<{
    data: string;
    imageSize?: number;
    channels?: 1 | 3;
    arch: 'mlp' | 'dcgan';
    conditional: boolean;
    latentDim: number;
    loss: TrainCommandArgs['loss'];
    cache: boolean;
    h5Images: string;
    h5Labels?: string;
    classifier?: string;
    family: TrainCommandArgs['family'];
    inputs?: string;
    scale: TrainCommandArgs['scale'];
  }>();
  return { ...trainingArgsFrom(program), ...o };
}

/**
 * Whether `dir` holds a visible sub-folder (true for a folder it cannot read: opening it then says what is wrong).
 * @internal
 */
export async function hasSubfolder(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir, { withFileTypes: true })).some((e) => e.isDirectory() && !e.name.startsWith('.'));
  } catch {
    return true;
  }
}

function lossNamed(name: TrainCommandArgs['loss']): GanLoss {
  switch (name) {
    case 'hinge':
      return hingeLoss();
    case 'least-squares':
      return leastSquaresLoss();
    case 'wgan-gp':
      return wassersteinLoss({ gradientPenalty: 10 });
    default:
      return nonSaturatingLoss();
  }
}

/**
 * Opens the training images `args.data` names, as the GAN will see them: bundled sets as they
 * are (28×28×1), folders and HDF5 files streamed and converted to `--image-size` and `--channels`.
 * @throws {@link GanConfigError} for a source that is none of these, or `--conditional` on unlabelled data.
 * @internal
 */
export async function openTrainingData(args: OpenImagesArgs): Promise<ImageSource> {
  const { data } = args;
  let source: ImageSource;
  if ((BUNDLED as readonly string[]).includes(data)) {
    if (args.imageSize !== undefined && args.imageSize !== 28)
      throw new GanConfigError('--image-size', `${data} images are 28×28; leave --image-size out`);
    const load = data === 'mnist' ? loadMnist : loadFashionMnist;
    source = await load({ split: 'train', limit: args.limit });
  } else {
    const size = args.imageSize ?? 32;
    const shape = (channels: number): ImageShape => [size, size, args.channels ?? channels];
    const cache = args.cache ? path.join(args.out, `images-${size}px.cache`) : false;
    if (/\.(h5|hdf5)$/i.test(data)) {
      source = await openHdf5Images(data, {
        images: args.h5Images,
        labels: args.h5Labels,
        limit: args.limit,
        imageShape: shape(3),
        cache,
      });
    } else {
      if (args.conditional && !(await hasSubfolder(data)))
        throw new GanConfigError(
          '--conditional',
          `${data} has no class labels: --conditional takes one sub-folder of images per class`,
        );
      // The channels default to RGB for a folder: a gray folder is asked for with --channels 1.
      source = await openImageFolder(data, {
        labels: args.conditional ? 'folders' : 'none',
        limit: args.limit,
        imageShape: shape(3),
        cache,
      });
    }
  }
  if (args.conditional && source.numClasses < 2)
    throw new GanConfigError(
      '--conditional',
      `${data} has no class labels (a folder needs one sub-folder per class; an HDF5 file --h5-labels)`,
    );
  return source;
}

/**
 * Builds the GAN `gankit train` trains on `data`: `--arch` nets for the data's image shape (a
 * DCGAN needs 28 px or one of the preset sizes 32, 64, 128), conditional on its classes with
 * `--conditional`.
 * @throws {@link GanConfigError} for a DCGAN at a size it has no layout for.
 * @internal
 */
export function buildTrainCommandGan(args: TrainCommandArgs, data: ImageSource): Gan {
  const imageShape = data.imageShape;
  if (args.arch === 'dcgan' && imageShape[0] !== 28 && dcganPreset(imageShape) === null)
    throw new GanConfigError(
      '--image-size',
      `a DCGAN is laid out for 28, 32, 64 or 128 px, not ${imageShape[0]}; pick one of those or --arch mlp`,
    );
  const options = {
    architecture: args.arch,
    imageShape,
    latentDim: args.latentDim,
    loss: lossNamed(args.loss),
    seed: args.seed,
  };
  return args.conditional ? createCgan({ ...options, numClasses: data.numClasses }) : createGan(options);
}

/**
 * Runs `gankit train` on parsed flags: starts the backend, opens the data, builds (or resumes) the
 * GAN and trains it with the standard outputs ({@link runTraining}); on MNIST it also measures the
 * samples after each epoch with the bundled classifier.
 *
 * @example
 * ```ts
 * const program = addTrainCommandOptions(addTrainingOptions(new Command('train'), { epochs: 5, batchSize: 64, out: 'out/train' }));
 * program.parse(['node', 'train', '--data', 'photos/', '--image-size', '32', '--conditional']);
 * await runTrainCommand(trainCommandArgsFrom(program));
 * ```
 */
export async function runTrainCommand(
  args: TrainCommandArgs,
  log: (message: string) => void = (m) => console.log(m),
): Promise<TrainingResult> {
  await initBackend({ backend: args.backend });
  const data = await openTrainingData(args);
  try {
    const [h, w, c] = data.imageShape;
    const classes = args.conditional ? `, ${data.numClasses} classes` : '';
    log(`data: ${args.data}: ${data.size} images of ${h}×${w}×${c}${classes}`);
    return await runTraining(args, {
      data,
      build: () => buildTrainCommandGan(args, data),
      evaluate: args.data === 'mnist',
      classifier: args.classifier,
      gridColumns: 10,
      log,
    });
  } finally {
    // Streamed sources hold a file open (HDF5) or a cache mapped; the bundled sets hold nothing.
    if ('close' in data && typeof data.close === 'function') data.close();
  }
}

/** The defaults of `gankit train`'s common flags. */
export const TRAIN_COMMAND_DEFAULTS = { epochs: 5, batchSize: 64, out: 'out/gankit-train', evalSamples: 1000 } as const;

/**
 * The `train` subcommand of the `gankit` binary.
 * @internal
 */
export function trainCommand(onArgs: (args: TrainCommandArgs) => Promise<void>): Command {
  const command = new Command('train').description(
    'train a GAN on your images (a folder, an HDF5 file) or MNIST, or pix2pix / super-resolution on a folder (--family), writing grids, losses and a checkpoint to --out',
  );
  addTrainCommandOptions(addTrainingOptions(command, TRAIN_COMMAND_DEFAULTS));
  command.action(async () => onArgs(trainCommandArgsFrom(command)));
  return command;
}
