/**
 * `gankit feature-net --data <images> --out <dir>`: trains a feature net on the user's images
 * (their labels, or without labels the rotation task), holding out a seeded reference and
 * baseline, so that `gankit eval <checkpoint> --classifier <dir>` measures a GAN of those images.
 *
 * @packageDocumentation
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { initBackend, type BackendName } from '../backend';
import { GanConfigError } from '../errors';
import type { ImageSource } from '../data/image-source';
import { splitImageSource, type IndexedImageSource } from '../data/subset-source';
import type { FeatureNetTask } from '../eval/classifier';
import { computeMetrics } from '../eval/evaluate';
import { loadFeatureNetReference } from '../eval/feature-net';
import { formatMetricsLine } from '../eval/format';
import { trainFeatureNet } from '../eval/train-feature-net';
import { hasSubfolder, openTrainingData } from './train-command';
import { nonNegativeIntegerFlag, positiveIntegerFlag } from './training-args';

/** What `gankit feature-net` was asked for (its flags). */
export interface FeatureNetCommandArgs {
  /** A folder of images (class sub-folders = labels), an `.h5`/`.hdf5` file, `mnist` or `fashion-mnist`. */
  data: string;
  /** Where the net is saved. */
  out: string;
  /** `labels` or `rotations` (default: `labels` when the data has labels, else `rotations`). */
  task?: FeatureNetTask;
  /** Side of the square images (default: 28 for the bundled sets, 32 for others). */
  imageSize?: number;
  /** 1 (gray) or 3 (RGB) channels (default 3; the bundled sets are gray). */
  channels?: 1 | 3;
  /** Images held out as the reference (and to measure the accuracy on); default a fifth of the images, at most 10,000. */
  reference?: number;
  /** Further held-out images, the real-against-real baseline (default: as many as the reference). */
  baseline?: number;
  /** Training steps. */
  steps: number;
  /** Images per step. */
  batchSize: number;
  /** Length of the feature vectors. */
  featureDim: number;
  /** Seed of the split, the weights and the batch order. */
  seed: number;
  /** Use only the first N images. */
  limit?: number;
  /** Images inside an HDF5 file. */
  h5Images: string;
  /** Labels inside an HDF5 file. */
  h5Labels?: string;
  /** Backend to force. */
  backend?: BackendName;
}

function channelCount(value: string): 1 | 3 {
  if (value !== '1' && value !== '3') throw new InvalidArgumentError(`--channels must be 1 or 3, got '${value}'.`);
  return Number(value) as 1 | 3;
}

/** The task asked for, or the one the data allows: labels when it has them. */
async function chooseTask(args: FeatureNetCommandArgs): Promise<FeatureNetTask> {
  if (args.task !== undefined) return args.task;
  if (args.data === 'mnist' || args.data === 'fashion-mnist') return 'labels';
  if (/\.(h5|hdf5)$/i.test(args.data)) return args.h5Labels === undefined ? 'rotations' : 'labels';
  return (await hasSubfolder(args.data)) ? 'labels' : 'rotations';
}

/**
 * Runs `gankit feature-net` on parsed flags: opens the images, splits off a seeded reference and
 * baseline, trains the net on the rest with {@link trainFeatureNet} and reports its accuracy and
 * the baseline's metrics against the reference.
 * @internal
 */
export async function runFeatureNetCommand(args: FeatureNetCommandArgs, log: (line: string) => void): Promise<void> {
  await initBackend({ backend: args.backend, log });
  const task = await chooseTask(args);
  const source = (await openTrainingData({
    ...args,
    cache: false,
    conditional: task === 'labels',
  })) as ImageSource & Partial<IndexedImageSource> & { close?(): void };
  try {
    if (typeof source.gather !== 'function')
      throw new GanConfigError('--data', `${args.data} cannot be read by index, so no images can be held out`);
    const reference = args.reference ?? Math.min(10000, Math.floor(source.size / 5));
    const baseline = args.baseline ?? reference;
    const train = source.size - reference - baseline;
    if (reference < 2 || train < args.batchSize)
      throw new GanConfigError(
        '--data',
        `${args.data} has ${source.size} images: too few to hold out ${reference} + ${baseline} and train on batches of ${args.batchSize}`,
      );
    const [trainSet, referenceSet, baselineSet] = splitImageSource(
      source as IndexedImageSource,
      [train, reference, baseline],
      args.seed,
    );
    const split = `seeded split of ${source.size} images, seed ${args.seed}`;
    log(`${args.data}: ${source.size} images of ${source.imageShape.join('×')}; task ${task}; training on ${train}`);
    const started = Date.now();
    const net = await trainFeatureNet(trainSet, {
      dir: args.out,
      task,
      steps: args.steps,
      batchSize: args.batchSize,
      featureDim: args.featureDim,
      seed: args.seed,
      validation: referenceSet,
      reference: referenceSet,
      referenceName: `${args.data}: ${reference} held-out images (${split})`,
      baseline: baselineSet,
      baselineName: `${args.data}: ${baseline} other held-out images (${split})`,
      onProgress: (p) =>
        log(`step ${p.step}/${p.steps}: loss ${p.loss.toFixed(3)}, training accuracy ${p.accuracy.toFixed(3)}`),
    });
    try {
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      const what = task === 'labels' ? 'label' : 'rotation';
      log(
        `${net.dir}: ${what} accuracy ${net.info.testAccuracy.toFixed(3)} on the ${reference} held-out images (${seconds} s)`,
      );
      const real = await loadFeatureNetReference(net);
      const held = baselineSet.gather(Int32Array.from({ length: baseline }, (_, i) => i));
      try {
        const outputs = await net.classify(held.images);
        const labels = held.labels === null || task !== 'labels' ? null : Int32Array.from(await held.labels.data());
        const m = computeMetrics(outputs, { classifier: net, real, labels, sampleSet: { seed: args.seed } });
        log(`real baseline (${baseline} other held-out images) against the reference: ${formatMetricsLine(m)}`);
      } finally {
        held.images.dispose();
        held.labels?.dispose();
      }
      log(`measure a GAN of these images: gankit eval <checkpoint> --classifier ${args.out}`);
    } finally {
      net.dispose();
    }
  } finally {
    source.close?.();
    (source as { dispose?(): void }).dispose?.();
  }
}

/**
 * The `feature-net` subcommand of the `gankit` binary.
 * @internal
 */
export function featureNetCommand(onArgs: (args: FeatureNetCommandArgs) => Promise<void>): Command {
  const command = new Command('feature-net')
    .description(
      'train a feature net on your images (their labels, or without labels which of four rotations each was turned by), for gankit eval --classifier',
    )
    .requiredOption(
      '--data <source>',
      'a folder of PNG/JPEG images (class sub-folders = labels), a .h5 file, mnist or fashion-mnist',
    )
    .option('--out <dir>', 'where the net is saved', 'out/feature-net')
    .addOption(
      new Option(
        '--task <name>',
        'what the net learns (default: labels when the data has them, else rotations)',
      ).choices(['labels', 'rotations']),
    )
    .option(
      '--image-size <px>',
      'side of the square images (default: 28 for mnist, else 32)',
      positiveIntegerFlag('--image-size'),
    )
    .addOption(
      new Option('--channels <n>', '1 (gray) or 3 (RGB) (default: 3; the bundled sets are gray)').argParser(
        channelCount,
      ),
    )
    .option(
      '--reference <n>',
      'held-out images cached as the reference (default: a fifth, at most 10,000)',
      positiveIntegerFlag('--reference'),
    )
    .option(
      '--baseline <n>',
      'other held-out images, the real baseline (default: as many as --reference)',
      positiveIntegerFlag('--baseline'),
    )
    .option('--steps <n>', 'training steps', positiveIntegerFlag('--steps'), 1000)
    .option('--batch-size <n>', 'images per step', positiveIntegerFlag('--batch-size'), 64)
    .option('--feature-dim <n>', 'length of the feature vectors', positiveIntegerFlag('--feature-dim'), 64)
    .option('--seed <n>', 'seed of the split, the weights and the batch order', nonNegativeIntegerFlag('--seed'), 0)
    .option('--limit <n>', 'use only the first n images', positiveIntegerFlag('--limit'))
    .option('--h5-images <path>', 'images inside an HDF5 file', 'img_align_celeba')
    .option('--h5-labels <path>', 'class labels inside an HDF5 file')
    .addOption(
      new Option('--backend <name>', 'TensorFlow.js backend (default: the fastest installed)').choices([
        'tensorflow',
        'wasm',
        'cpu',
      ]),
    );
  command.action(async () => onArgs(command.opts<FeatureNetCommandArgs>()));
  return command;
}
