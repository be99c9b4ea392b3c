/**
 * Measures pix2pix-emoji-edges checkpoints on the 190 held-out emoji of the example's split, in
 * pixels and in a feature net the library trains on the training emoji (their categories):
 *
 * - L1, PSNR and SSIM to the real emoji: pixel fidelity, which an L1-trained U-Net optimises
 *   directly and which rewards the blurred mean of the plausible colourings;
 * - KID, FD, precision/recall and density/coverage of the outputs against the real held-out
 *   emoji, and the feature net's category accuracy on the outputs: whether the outputs look like
 *   emoji of their kind, what the adversarial term is for (the paper measures this with human
 *   studies and a segmentation net's scores, "FCN-score"; this feature net is our stand-in);
 * - edge energy relative to the real emoji (blur lowers it).
 *
 * A real-against-real row (190 training emoji against the 190 held-out ones) gives the floor.
 *
 *   npx tsx scripts/pix2pix-metrics.ts --checkpoint out/pix2pix-emoji-edges/checkpoint \
 *       --checkpoint out/pix2pix-l1/checkpoint [--seed 1] [--steps 600] [--out out/pix2pix-feature-net]
 */
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import * as path from 'node:path';
import { initBackend, loadImageToImageGan, datasets, quality } from '../src/index';
import { emojiSplit } from '../examples/emoji-data';

const opts = new Command('pix2pix-metrics')
  .description('Held-out pixel and feature-net measures of pix2pix-emoji-edges checkpoints.')
  .option('--checkpoint <dir>', 'a checkpoint (repeat for several)', (v: string, all: string[]) => [...all, v], [])
  .option('--seed <n>', "the example's --seed (its split)", Number, 1)
  .option('--steps <n>', 'feature net training steps', Number, 600)
  .option('--out <dir>', 'where the feature net is saved', 'out/pix2pix-feature-net')
  .parse()
  .opts<{ checkpoint: string[]; seed: number; steps: number; out: string }>();

const edgeEnergy = (images: tf.Tensor4D): number =>
  tf.tidy(() => tf.mean(tf.add(datasets.sobelEdges(images), 1)).dataSync()[0] / 2);

async function main(): Promise<void> {
  await initBackend();
  const { train, test } = await emojiSplit({
    side: 32,
    cache: path.join(path.dirname(opts.out), 'emoji-32px.cache'), // beside the net: its folder holds the net alone
    heldOut: 190,
    seed: opts.seed,
  });
  const net: quality.MnistClassifier = await quality.trainFeatureNet(train, {
    dir: opts.out,
    steps: opts.steps,
    seed: opts.seed,
    validation: test,
  });
  const real = await net.classify(test.images);
  const reference = {
    source: `held-out emoji (${test.size})`,
    features: real.features,
    featureDim: real.featureDim,
    labels: null,
  };
  const labels = Int32Array.from(test.labels ?? []);
  const row = async (name: string, images: tf.Tensor4D, classes: Int32Array = labels): Promise<string> => {
    const out = await net.classify(images);
    const set = quality.sampleSetMetrics(reference, out.features, null, { seed: 0 });
    const fd = quality.frechetDistanceOfFeatures(real.features, out.features, real.featureDim);
    const predicted = quality.argmaxRows(out.probabilities, out.numClasses);
    const accuracy = predicted.filter((p, i) => p === classes[i]).length / classes.length;
    const q = quality.imageQuality(images, test.images);
    const cells = [
      q.l1.toFixed(4),
      q.psnr.toFixed(2),
      q.ssim.toFixed(3),
      (edgeEnergy(images) / edgeEnergy(test.images)).toFixed(3),
      accuracy.toFixed(3),
      `${set.kid.toFixed(3)} ± ${set.kidStd.toFixed(3)}`,
      fd.toFixed(2),
      set.precision.toFixed(3),
      set.recall.toFixed(3),
      set.density.toFixed(3),
      set.coverage.toFixed(3),
    ];
    return `| ${name} | ${cells.join(' | ')} |`;
  };
  const rows = [
    '| outputs | L1 | PSNR | SSIM | edge energy | category accuracy | KID | FD | precision | recall | density | coverage |',
  ];
  rows.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const realTrain = tf.slice(train.images, [0, 0, 0, 0], [test.size, -1, -1, -1]) as tf.Tensor4D;
  const realRow = await row(
    `real: ${test.size} training emoji (not their pairs)`,
    realTrain,
    Int32Array.from(train.labels ?? []).slice(0, test.size),
  );
  realTrain.dispose();
  const edges = datasets.sobelEdges(test.images, { invert: true });
  for (const dir of opts.checkpoint) {
    const model = await loadImageToImageGan(dir);
    const outputs = model.translate(edges);
    rows.push(await row(`${dir} (adversarial weight ${model.config.adversarialWeight}, step ${model.step})`, outputs));
    outputs.dispose();
    model.dispose();
  }
  rows.push(realRow);
  console.log(
    `feature net: ${opts.steps} steps on ${train.size} training emoji, ${real.featureDim} features, saved to ${opts.out}`,
  );
  console.log(rows.join('\n'));
  edges.dispose();
  net.dispose();
  train.dispose();
  test.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
