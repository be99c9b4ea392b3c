/**
 * Pairs from two folders of images matched by file name: `inputs/shoes/12.png` with
 * `targets/shoes/12.jpg`, as paired image-to-image datasets are usually laid out (pix2pix's
 * facades, edges2shoes).
 *
 * @packageDocumentation
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DataFormatError } from '../errors';
import { openImageFolder, type ImageFolderOptions } from './image-folder';
import { batchIndices, countBatches, type BatchOptions, type ImageShape } from './image-source';
import type { PairBatch, PairedImageSource } from './paired-source';
import type { StreamedImageSource } from './streamed-source';

/**
 * Options of {@link openPairedImageFolders}: each folder's shape, and what both share.
 *
 * @example
 * ```ts
 * const options: PairedImageFoldersOptions = { inputShape: [64, 64, 1], targetShape: [64, 64, 3] };
 * ```
 */
export interface PairedImageFoldersOptions extends Omit<ImageFolderOptions, 'imageShape' | 'labels' | 'cache'> {
  /** Shape the inputs are converted to. */
  inputShape: ImageShape;
  /** Shape the targets are converted to. */
  targetShape: ImageShape;
}

/** Pairs read from two folders: a {@link datasets.PairedImageSource} holding files open until `close()`. */
export interface PairedImageFolders extends PairedImageSource {
  /** Closes both folders' readers (and caches). */
  close(): void;
}

/** A paired source over two opened folders, with the target index of each input. */
class PairedFolders implements PairedImageFolders {
  readonly inputShape: ImageShape;
  readonly targetShape: ImageShape;

  constructor(
    private readonly inputs: StreamedImageSource,
    private readonly targets: StreamedImageSource,
    private readonly targetOf: Int32Array,
  ) {
    this.inputShape = [...inputs.imageShape];
    this.targetShape = [...targets.imageShape];
  }

  get size(): number {
    return this.inputs.size;
  }

  batchCount(batchSize: number, dropRemainder = true): number {
    return countBatches(this.size, batchSize, dropRemainder);
  }

  *batches(batchSize: number, options: BatchOptions = {}): Generator<PairBatch> {
    for (const indices of batchIndices(this.size, batchSize, options)) {
      const a = this.inputs.gather(indices);
      let b;
      try {
        b = this.targets.gather(indices.map((i) => this.targetOf[i]));
      } catch (error) {
        tf.dispose([a.images, a.labels ?? []]);
        throw error;
      }
      tf.dispose([a.labels ?? [], b.labels ?? []]);
      yield { inputs: a.images, targets: b.images };
    }
  }

  close(): void {
    this.inputs.close();
    this.targets.close();
  }
}

/** An image's name within its folder, without its extension (`shoes/12` for `shoes/12.png`). */
function stem(root: string, file: string): string {
  const relative = path.relative(root, file).split(path.sep).join('/');
  return relative.slice(0, relative.length - path.extname(relative).length);
}

/**
 * Opens two folders of images (searched recursively) as pairs matched by their names without the
 * extension: each input image with the target image of the same relative name. Both are streamed
 * and converted as {@link openImageFolder} does; call `close()` when done.
 *
 * @example
 * ```ts
 * const pairs = await openPairedImageFolders('data/edges', 'data/photos', { inputShape: [64, 64, 1], targetShape: [64, 64, 3] });
 * await pix2pix.fit(pairs, { epochs: 10 });
 * pairs.close();
 * ```
 * @throws {@link DataFormatError} naming an image that has no partner in the other folder (or two
 * images of one name), or a folder that cannot be read; {@link GanConfigError} for a bad option.
 */
export async function openPairedImageFolders(
  inputDir: string,
  targetDir: string,
  options: PairedImageFoldersOptions,
): Promise<PairedImageFolders> {
  const { inputShape, targetShape, ...shared } = options;
  const inputs = await openImageFolder(inputDir, { ...shared, labels: 'none', imageShape: inputShape });
  let targets: StreamedImageSource;
  try {
    targets = await openImageFolder(targetDir, { ...shared, labels: 'none', imageShape: targetShape });
  } catch (error) {
    inputs.close();
    throw error;
  }
  try {
    const [inputRoot, targetRoot] = [path.resolve(inputDir), path.resolve(targetDir)];
    const byName = new Map<string, number>();
    for (let i = 0; i < targets.size; i++) {
      const name = stem(targetRoot, targets.describeImage(i));
      if (byName.has(name))
        throw new DataFormatError(
          `holds two images named '${name}' (with different extensions); pairs need one`,
          targetDir,
        );
      byName.set(name, i);
    }
    const targetOf = new Int32Array(inputs.size);
    const used = new Set<number>();
    for (let i = 0; i < inputs.size; i++) {
      const file = inputs.describeImage(i);
      const j = byName.get(stem(inputRoot, file));
      if (j === undefined || used.has(j))
        throw new DataFormatError(`has no image named '${stem(inputRoot, file)}' to pair with ${file}`, targetDir);
      used.add(j);
      targetOf[i] = j;
    }
    if (used.size !== targets.size) {
      const unpaired = [...byName.entries()].find(([, j]) => !used.has(j))?.[0] ?? '';
      throw new DataFormatError(`has no image named '${unpaired}' to pair with ${targetDir}'s`, inputDir);
    }
    return new PairedFolders(inputs, targets, targetOf);
  } catch (error) {
    inputs.close();
    targets.close();
    throw error;
  }
}
