/**
 * CycleGAN (Zhu et al. 2017) on unpaired MNIST ↔ Fashion-MNIST: G turns handwritten digits into
 * clothing-like images and F clothing into digits, learned from two piles of images that were
 * never paired. The recipe, its cost and what it gives are in docs/examples.md.
 *
 *   npx tsx examples/cyclegan-mnist-fashion.ts [--epochs 2] [--batch-size 8] [--limit 3000]
 *                                              [--pairing fashion|inverted] [--out out/cyclegan-mnist-fashion]
 *                                              [--resume] [--backend wasm|cpu|tensorflow] [--seed 1]
 *
 * Without Fashion-MNIST (Debian's `dataset-fashion-mnist`), or with `--pairing inverted`, Y is
 * other MNIST digits inverted, so the right translation is known (G(x) = −x) and its held-out
 * error is logged too. Writes into --out: samples/epoch-NNN.png (rows x, G(x), F(G(x)), y, F(y),
 * G(F(y)) for held-out images), losses.csv and losses.png (every step's six losses, the held-out
 * cycle errors on each epoch's last row) and checkpoint/ (--resume continues it exactly).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Command, Option } from 'commander';
import {
  GanConfigError,
  createCycleGan,
  initBackend,
  loadCycleGan,
  type BackendName,
  type CycleGan,
  type CycleGanEpochLogs,
  type CycleGanStepLogs,
  type TrainingCallback,
  callbacks,
  cli,
  datasets,
} from '../src/index';

interface Args {
  epochs: number;
  batchSize: number;
  limit: number;
  pairing: 'fashion' | 'inverted';
  out: string;
  resume: boolean;
  backend?: BackendName;
  seed: number;
}

function parseArgs(argv: readonly string[]): Args {
  const program = new Command('cyclegan-mnist-fashion')
    .description('CycleGAN on unpaired MNIST ↔ Fashion-MNIST (or MNIST ↔ inverted MNIST).')
    .option('--epochs <n>', 'epochs to reach (absolute when resuming)', cli.positiveIntegerFlag('--epochs'), 2)
    .option('--batch-size <n>', 'images of each domain per step', cli.positiveIntegerFlag('--batch-size'), 8)
    .option('--limit <n>', 'training images of each domain', cli.positiveIntegerFlag('--limit'), 3000)
    .addOption(
      new Option(
        '--pairing <name>',
        'fashion: MNIST ↔ Fashion-MNIST (falls back to inverted when absent); inverted: MNIST ↔ inverted MNIST',
      )
        .choices(['fashion', 'inverted'])
        .default('fashion'),
    )
    .option('--out <dir>', 'output folder: samples/, losses.csv, checkpoint/', 'out/cyclegan-mnist-fashion')
    .option('--resume', 'continue from <out>/checkpoint when it exists', false)
    .addOption(
      new Option('--backend <name>', 'TensorFlow.js backend (default: the fastest installed)').choices([
        'tensorflow',
        'wasm',
        'cpu',
      ]),
    )
    .option(
      '--seed <n>',
      'seed of the weights, the shuffles and the history buffers',
      cli.nonNegativeIntegerFlag('--seed'),
      1,
    );
  return cli.parseProgram(program, argv).opts<Args>();
}

/** The two domains' training sets and ten held-out images of each, as `--pairing` asks and the data allows. */
async function loadDomains(args: Args): Promise<{
  dataX: datasets.ImageDataset;
  dataY: datasets.ImageDataset;
  testX: tf.Tensor4D;
  testY: tf.Tensor4D;
  pairing: Args['pairing'];
}> {
  const mnistTest = await datasets.loadMnist({ split: 'test', limit: 266 });
  if (args.pairing === 'fashion') {
    try {
      const dataY = await datasets.loadFashionMnist({ split: 'train', limit: args.limit });
      const fashionTest = await datasets.loadFashionMnist({ split: 'test', limit: 256 });
      const dataX = await datasets.loadMnist({ split: 'train', limit: args.limit });
      const testX = tf.slice(mnistTest.images, [0, 0, 0, 0], [256, -1, -1, -1]) as tf.Tensor4D;
      const testY = fashionTest.images.clone();
      mnistTest.dispose();
      fashionTest.dispose();
      return { dataX, dataY, testX, testY, pairing: 'fashion' };
    } catch (error) {
      console.log(
        `note: Fashion-MNIST is not available (${(error as Error).message.split('\n')[0].slice(0, 160)}); falling back to MNIST ↔ inverted MNIST (apt-get install dataset-fashion-mnist for the real pairing)`,
      );
    }
  }
  // X: the first `limit` digits; Y: the next `limit` digits, inverted. No digit appears on both sides.
  const mnist = await datasets.loadMnist({ split: 'train', limit: 2 * args.limit });
  if (mnist.size < 2 * args.limit)
    throw new GanConfigError(
      '--limit',
      `the inverted pairing needs 2 × ${args.limit} MNIST training images; there are ${mnist.size}`,
    );
  const dataX = mnist.take(args.limit);
  const inverted = tf.tidy(() => tf.neg(tf.slice(mnist.images, [args.limit, 0, 0, 0], [args.limit, -1, -1, -1])));
  const dataY = datasets.ImageDataset.fromTensor(inverted, null, { source: 'inverted MNIST' });
  inverted.dispose();
  mnist.dispose();
  // Held out: test digits 0-255 for X, test digits 10-265 inverted for Y (the grid's two halves show different digits).
  const testX = tf.slice(mnistTest.images, [0, 0, 0, 0], [256, -1, -1, -1]) as tf.Tensor4D;
  const testY = tf.tidy(() => tf.neg(tf.slice(mnistTest.images, [10, 0, 0, 0], [256, -1, -1, -1])) as tf.Tensor4D);
  mnistTest.dispose();
  return { dataX, dataY, testX, testY, pairing: 'inverted' };
}

/** Held-out errors: mean |F(G(x)) − x|, mean |G(F(y)) − y|, and for the inverted pairing mean |G(x) − (−x)|. */
function heldOut(cycle: CycleGan, testX: tf.Tensor4D, testY: tf.Tensor4D, inverted: boolean): Record<string, number> {
  return tf.tidy(() => {
    const gx = cycle.translate(testX, 'xToY');
    const fy = cycle.translate(testY, 'yToX');
    const mae = (a: tf.Tensor, b: tf.Tensor): number => tf.mean(tf.abs(tf.sub(a, b))).dataSync()[0];
    const out: Record<string, number> = {
      heldout_cycle_x: mae(cycle.translate(gx, 'yToX'), testX),
      heldout_cycle_y: mae(cycle.translate(fy, 'xToY'), testY),
    };
    if (inverted) out.heldout_translation_x = mae(gx, tf.neg(testX));
    return out;
  });
}

/** The held-out errors as per-epoch metrics: they reach losses.csv as columns, and the log. */
function heldOutMetrics(
  cycle: CycleGan,
  testX: tf.Tensor4D,
  testY: tf.Tensor4D,
  inverted: boolean,
): TrainingCallback<CycleGanStepLogs, CycleGanEpochLogs> {
  const show = (m: Record<string, number>): string =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
      .join('  ');
  return {
    onTrainBegin: () => console.log(`held out before: ${show(heldOut(cycle, testX, testY, inverted))}`),
    onEpochEnd(logs) {
      const measured = heldOut(cycle, testX, testY, inverted);
      logs.metrics = { ...logs.metrics, ...measured };
      console.log(`  held out: ${show(measured)}`);
    },
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv);
  await initBackend({ backend: args.backend });
  const { dataX, dataY, testX, testY, pairing } = await loadDomains(args);
  const inverted = pairing === 'inverted';
  console.log(
    `X: ${dataX.size} MNIST digits; Y: ${dataY.size} ${inverted ? "inverted MNIST digits (other images than X's)" : 'Fashion-MNIST images'}; unpaired, shuffled independently`,
  );
  const gridX = tf.slice(testX, [0, 0, 0, 0], [10, -1, -1, -1]) as tf.Tensor4D;
  const gridY = tf.slice(testY, [0, 0, 0, 0], [10, -1, -1, -1]) as tf.Tensor4D;
  const { model } = await cli.runModel(args, {
    build: () =>
      createCycleGan({
        imageShape: [28, 28, 1],
        generator: { filters: 16, residualBlocks: 3 },
        discriminator: { filters: [32, 64, 128] },
        lambdaCycle: 10,
        lambdaIdentity: 0,
        poolSize: 50,
        optimizer: { learningRate: 2e-4, beta1: 0.5 },
        seed: args.seed,
      }),
    load: (dir, onSkip) => loadCycleGan(dir, { onSkip }),
    fit: (cycle, options) => cycle.fit(dataX, dataY, options),
    measure: (cycle) => [heldOutMetrics(cycle, testX, testY, inverted)],
    pictures: (_cycle, dir) => callbacks.translationGrids({ dir, x: gridX, y: gridY, scale: 2 }),
  });
  tf.dispose([gridX, gridY, testX, testY]);
  dataX.dispose();
  dataY.dispose();
  model.dispose();
}

main().catch((error: unknown) => {
  console.error(cli.errorReport(error));
  process.exit(1);
});
