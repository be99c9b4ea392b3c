/**
 * pix2pix (Isola et al. 2017) on real images: from the edges of an emoji (Sobel edges of its
 * luminance, a dependency-free stand-in for the paper's HED edges) to the emoji in colour, on
 * the Noto Emoji set (npm `emoji-datasource-google`, Apache-2.0). A U-Net G, a conditional
 * PatchGAN D, the cGAN loss plus λ·L1. The recipe, its cost and what it gives are in
 * docs/examples.md.
 *
 *   npx tsx examples/pix2pix-emoji-edges.ts [--epochs 12] [--batch-size 16] [--lambda-l1 100]
 *       [--adversarial-weight 1] [--out out/pix2pix-emoji-edges] [--resume] [--seed 1]
 *
 * `--adversarial-weight 0` trains the same U-Net on L1 alone: the baseline pix2pix is measured
 * against. Writes into --out: samples/epoch-NNN.png (rows: edges, G's emoji, the real emoji, for
 * held-out emoji), losses.csv and losses.png (every step's losses; held-out L1, PSNR, SSIM and
 * edge energy on each epoch's last row), checkpoint/ (--resume continues it exactly) and
 * emoji-32px.cache (the decoded images).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Command, Option } from 'commander';
import * as path from 'node:path';
import {
  createPix2Pix,
  initBackend,
  loadImageToImageGan,
  type BackendName,
  type ImageToImageEpochLogs,
  type ImageToImageGan,
  type ImageToImageStepLogs,
  type TrainingCallback,
  callbacks,
  cli,
  datasets,
  quality,
} from '../src/index';
import { emojiSplit } from './emoji-data';

interface Args {
  epochs: number;
  batchSize: number;
  lambdaL1: number;
  adversarialWeight: number;
  filters: number;
  limit?: number;
  out: string;
  resume: boolean;
  backend?: BackendName;
  seed: number;
}

const nonNegativeNumber =
  (flag: string) =>
  (value: string): number => {
    const v = Number(value);
    if (!Number.isFinite(v) || v < 0) throw new Error(`${flag}: expected a non-negative number, got '${value}'`);
    return v;
  };

function parseArgs(): Args {
  const program = new Command('pix2pix-emoji-edges')
    .description('pix2pix on the Noto Emoji: Sobel edges → emoji, 32×32 RGB.')
    .option('--epochs <n>', 'epochs to reach (absolute when resuming)', cli.positiveIntegerFlag('--epochs'), 12)
    .option('--batch-size <n>', 'pairs per step', cli.positiveIntegerFlag('--batch-size'), 16)
    .option('--lambda-l1 <x>', 'weight of the L1 term (the paper: 100)', nonNegativeNumber('--lambda-l1'), 100)
    .option(
      '--adversarial-weight <x>',
      'weight of the cGAN term (0: the L1-only U-Net baseline)',
      nonNegativeNumber('--adversarial-weight'),
      1,
    )
    .option('--filters <n>', "width of G's first layer (the paper: 64)", cli.positiveIntegerFlag('--filters'), 32)
    .option('--limit <n>', 'use the first n emoji only (quick runs)', cli.positiveIntegerFlag('--limit'))
    .option('--out <dir>', 'output folder: samples/, losses.csv, checkpoint/', 'out/pix2pix-emoji-edges')
    .option('--resume', 'continue from <out>/checkpoint when it exists', false)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['tensorflow', 'wasm', 'cpu']))
    .option(
      '--seed <n>',
      'seed of the split, the weights, the shuffles and the dropout',
      cli.nonNegativeIntegerFlag('--seed'),
      1,
    );
  return cli.parseProgram(program).opts<Args>();
}

/** The input of a pair: the emoji's Sobel edges, dark lines on white as a sketch. */
const edgesOf = (images: tf.Tensor4D): tf.Tensor4D => datasets.sobelEdges(images, { invert: true });

/** Mean Sobel edge magnitude, a measure of how sharp images are (blurred outputs have less). */
function edgeEnergy(images: tf.Tensor4D): number {
  return tf.tidy(() => tf.mean(tf.add(datasets.sobelEdges(images, { invert: false }), 1)).dataSync()[0] / 2);
}

/** Held-out L1, PSNR, SSIM of G's outputs against the real emoji, and edge energy relative to the real ones. */
function heldOut(model: ImageToImageGan, inputs: tf.Tensor4D, targets: tf.Tensor4D): Record<string, number> {
  const outputs = model.translate(inputs);
  try {
    const q = quality.imageQuality(outputs, targets);
    return {
      heldout_l1: q.l1,
      heldout_psnr: q.psnr,
      heldout_ssim: q.ssim,
      heldout_edge_ratio: edgeEnergy(outputs) / edgeEnergy(targets),
    };
  } finally {
    outputs.dispose();
  }
}

function heldOutMetrics(
  model: ImageToImageGan,
  inputs: tf.Tensor4D,
  targets: tf.Tensor4D,
): TrainingCallback<ImageToImageStepLogs, ImageToImageEpochLogs> {
  const show = (m: Record<string, number>): string =>
    Object.entries(m)
      .map(([k, v]) => `${k.replace('heldout_', '')} ${v.toFixed(4)}`)
      .join('  ');
  return {
    onEpochEnd(logs) {
      const measured = heldOut(model, inputs, targets);
      logs.metrics = { ...logs.metrics, ...measured };
      console.log(`  held out: ${show(measured)}`);
    },
  };
}

cli.runScript(async () => {
  const args = parseArgs();
  await initBackend({ backend: args.backend });
  const { train, test } = await emojiSplit({
    side: 32,
    cache: path.join(args.out, 'emoji-32px.cache'),
    heldOut: 190,
    seed: args.seed,
    limit: args.limit,
  });
  const pairs = datasets.derivePairs(train, edgesOf);
  const testTargets = test.images;
  const testInputs = edgesOf(testTargets);
  console.log(`data: ${train.size} training pairs and ${test.size} held-out pairs of 32×32 edges → 32×32×3 emoji`);
  const gridInputs = tf.slice(testInputs, [0, 0, 0, 0], [Math.min(10, test.size), -1, -1, -1]) as tf.Tensor4D;
  const gridTargets = tf.slice(testTargets, [0, 0, 0, 0], [Math.min(10, test.size), -1, -1, -1]) as tf.Tensor4D;
  const { model } = await cli.runModel(args, {
    build: () =>
      createPix2Pix({
        inputShape: [32, 32, 1],
        targetShape: [32, 32, 3],
        generator: { filters: args.filters },
        discriminator: { filters: [32, 64, 128] },
        lambdaL1: args.lambdaL1,
        adversarialWeight: args.adversarialWeight,
        seed: args.seed,
      }),
    load: (dir, onSkip) => loadImageToImageGan(dir, { onSkip }),
    fit: (gan, options) => gan.fit(pairs, options),
    measure: (gan) => [heldOutMetrics(gan, testInputs, testTargets)],
    pictures: (_gan, dir) => callbacks.pairGrids({ dir, inputs: gridInputs, targets: gridTargets, scale: 3 }),
  });
  const final = heldOut(model, testInputs, testTargets);
  console.log(
    `held out (${test.size} emoji): L1 ${final.heldout_l1.toFixed(4)}, PSNR ${final.heldout_psnr.toFixed(2)} dB, SSIM ${final.heldout_ssim.toFixed(4)}, edge energy ${final.heldout_edge_ratio.toFixed(3)}× the real emoji's`,
  );
  tf.dispose([gridInputs, gridTargets, testInputs]);
  train.dispose();
  test.dispose();
  model.dispose();
});
