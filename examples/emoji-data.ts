/**
 * The Noto Emoji images of the `emoji-datasource-google` package (Apache-2.0) as a labelled image
 * set: 1,906 base emoji (64×64 RGBA PNGs) composited on white and resized, one class per category
 * (the five skin-tone swatches of "Component" and the skin-tone variants are left out). Shared by
 * the emoji example and the emoji metrics script.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError, Rng, datasets } from '../src/index';

/** Where the emoji PNGs and their index are: the installed `emoji-datasource-google` package. */
function emojiPackage(): { images: string; index: string } {
  let root: string;
  try {
    const require = createRequire(path.join(process.cwd(), 'noop.js'));
    root = path.dirname(require.resolve('emoji-datasource-google/package.json'));
  } catch {
    throw new GanConfigError(
      'emoji-datasource-google',
      'is not installed; run `npm install` in the gankit checkout (it is a devDependency)',
    );
  }
  return { images: path.join(root, 'img', 'google', '64'), index: path.join(root, 'emoji.json') };
}

/** Each base emoji image's category, by file name. */
function categories(indexFile: string): Map<string, string> {
  const emoji = JSON.parse(readFileSync(indexFile, 'utf8')) as Array<{
    image: string;
    category: string;
    has_img_google: boolean;
  }>;
  return new Map(emoji.filter((e) => e.has_img_google && e.category !== 'Component').map((e) => [e.image, e.category]));
}

/** Opens the emoji as `side`×`side` RGB images labelled by category, decoded once into `cache`. */
export async function openEmoji(options: {
  side: number;
  cache: string;
  limit?: number;
}): Promise<datasets.StreamedImageSource> {
  const { images, index } = emojiPackage();
  const categoryOf = categories(index);
  return datasets.openImageFolder(images, {
    labels: (name) => categoryOf.get(name) ?? null,
    imageShape: [options.side, options.side, 3],
    background: [255, 255, 255],
    resize: 'area',
    cache: options.cache,
    limit: options.limit,
  });
}

/**
 * The emoji in memory, in one seeded order, cut into a training set and a held-out set of
 * `heldOut` images (the paired examples measure on pairs they never trained on). Labels are kept.
 */
export async function emojiSplit(options: {
  side: number;
  cache: string;
  heldOut: number;
  seed: number;
  limit?: number;
}): Promise<{ train: datasets.ImageDataset; test: datasets.ImageDataset; numClasses: number }> {
  const source = await openEmoji({ side: options.side, cache: options.cache, limit: options.limit });
  const [batch] = [...source.batches(source.size, { rng: new Rng(options.seed), dropRemainder: false })];
  source.close();
  const heldOut = Math.min(options.heldOut, Math.floor(source.size / 2));
  const labels = Int32Array.from(await (batch.labels as tf.Tensor).data());
  const part = (from: number, to: number): datasets.ImageDataset =>
    datasets.ImageDataset.fromTensor(
      tf.slice(batch.images, [from, 0, 0, 0], [to - from, -1, -1, -1]),
      labels.slice(from, to),
      {
        numClasses: source.numClasses,
      },
    );
  const split = { train: part(heldOut, source.size), test: part(0, heldOut), numClasses: source.numClasses };
  tf.dispose([batch.images, batch.labels ?? []]);
  return split;
}
