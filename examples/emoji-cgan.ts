/**
 * A conditional DCGAN on real color images: the Noto Emoji set (npm `emoji-datasource-google`,
 * Apache-2.0), 1,906 RGBA images of 64×64 composited on white and resized to 32×32 RGB, one class
 * per emoji category (9: smileys, people, animals and nature, food, travel, activities, objects,
 * symbols, flags; the 5 skin-tone swatches of "Component" are left out). The recipe, its cost and
 * what its grid shows are in docs/examples.md.
 *
 *   npx tsx examples/emoji-cgan.ts [--epochs 30] [--batch-size 32] [--out out/emoji-cgan] [--resume]
 *                                  [--ema 0.99] [--backend wasm|cpu|tensorflow] [--seed 1] [--workers 1]
 *
 * Writes into --out: samples/epoch-NNN.png (one row per category, the same z every epoch),
 * losses.csv, losses.png, checkpoint/ (with the averaged G) and emoji-32px.cache (the decoded
 * images, so later epochs and runs do not decode the PNGs again). `gankit sample <out>/checkpoint`
 * draws from it.
 */
import * as path from 'node:path';
import { createCgan, initBackend, cli, losses } from '../src/index';
import { openEmoji } from './emoji-data';

cli.runScript(async () => {
  const args = cli.parseTrainingArgs(
    'emoji-cgan',
    'A conditional DCGAN on the Noto Emoji images (32×32 RGB, one class per category).',
    { epochs: 30, batchSize: 32, out: 'out/emoji-cgan', ema: 0.99, evalSamples: 0 },
  );
  await initBackend({ backend: args.backend });
  const data = await openEmoji({ side: 32, cache: path.join(args.out, 'emoji-32px.cache'), limit: args.limit });
  console.log(`data: ${data.size} emoji of 32×32×3 in ${data.numClasses} categories: ${data.classNames?.join(', ')}`);
  try {
    await cli.runTraining(args, {
      data,
      build: () =>
        createCgan({
          architecture: 'dcgan',
          imageShape: [32, 32, 3],
          numClasses: data.numClasses,
          latentDim: 64,
          generator: { width: 32 },
          discriminator: { width: 32 },
          discriminatorConditioning: 'projection',
          loss: losses.hingeLoss(),
          optimizer: { learningRate: 2e-4, beta1: 0 },
          seed: args.seed,
        }),
    });
  } finally {
    data.close();
  }
});
