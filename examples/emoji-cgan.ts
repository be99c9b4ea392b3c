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
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import {
  GanConfigError,
  createCGAN,
  hingeLoss,
  initBackend,
  openImageFolder,
  parseTrainingArgs,
  runScript,
  runTraining,
} from '../src/index';

/** Where the emoji PNGs and their index are: the installed `emoji-datasource-google` package. */
function emojiPackage(): { images: string; index: string } {
  let root: string;
  try {
    root = path.dirname(
      createRequire(path.join(process.cwd(), 'noop.js')).resolve('emoji-datasource-google/package.json'),
    );
  } catch {
    throw new GanConfigError(
      'emoji-datasource-google',
      'is not installed; run `npm install` in the gankit checkout (it is a devDependency)',
    );
  }
  return { images: path.join(root, 'img', 'google', '64'), index: path.join(root, 'emoji.json') };
}

/** Each base emoji image's category, by file name (skin-tone variants are left out: they would swell one class). */
function categories(indexFile: string): Map<string, string> {
  const emoji = JSON.parse(readFileSync(indexFile, 'utf8')) as Array<{
    image: string;
    category: string;
    has_img_google: boolean;
  }>;
  return new Map(emoji.filter((e) => e.has_img_google && e.category !== 'Component').map((e) => [e.image, e.category]));
}

runScript(async () => {
  const args = parseTrainingArgs(
    'emoji-cgan',
    'A conditional DCGAN on the Noto Emoji images (32×32 RGB, one class per category).',
    { epochs: 30, batchSize: 32, out: 'out/emoji-cgan', ema: 0.99, evalSamples: 0 },
  );
  await initBackend({ backend: args.backend });
  const { images, index } = emojiPackage();
  const categoryOf = categories(index);
  const data = await openImageFolder(images, {
    labels: (name) => categoryOf.get(name) ?? null,
    imageShape: [32, 32, 3],
    background: [255, 255, 255],
    resize: 'area',
    cache: path.join(args.out, 'emoji-32px.cache'),
    limit: args.limit,
  });
  console.log(`data: ${data.size} emoji of 32×32×3 in ${data.numClasses} categories: ${data.classNames?.join(', ')}`);
  try {
    await runTraining(args, {
      data,
      build: () =>
        createCGAN({
          architecture: 'dcgan',
          imageShape: [32, 32, 3],
          numClasses: data.numClasses,
          latentDim: 64,
          generator: { width: 32 },
          discriminator: { width: 32 },
          discriminatorConditioning: 'projection',
          loss: hingeLoss(),
          optimizer: { learningRate: 2e-4, beta1: 0 },
          seed: args.seed,
        }),
    });
  } finally {
    data.close();
  }
});
