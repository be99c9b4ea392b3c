/**
 * Training a feature net on the user's images: a small CNN taught to classify a labelled set, or,
 * for an unlabelled one, to tell which of four rotations each image was turned by. It is saved as
 * a folder {@link loadMnistClassifier} reads back, with the real set's feature statistics and
 * vectors cached beside it, so that every metric (FD, KID, precision/recall, density/coverage, and
 * for a labelled set the class-histogram metrics) measures samples of that set as the bundled
 * classifier does MNIST's.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, GanConfigError } from '../errors';
import type { ImageSource } from '../data/image-source';
import { fileSystemHandler, writeFileAtomic } from '../io/file-system';
import { Rng } from '../random';
import { loadMnistClassifier, MnistClassifier, type FeatureNetTask } from './classifier';
import { FEATURE_NET_BASELINE, FEATURE_NET_KIND, FEATURE_NET_REFERENCE, type FeatureNetInfo } from './feature-net';
import { buildFeatureNet, measureImageSet, type MeasuredSet } from './feature-net-model';
import { featureStatistics } from './feature-statistics';
import { classDiversity } from './mode-collapse';
import { writeReferenceStatistics } from './reference-statistics';
import { writeReferenceVectors } from './reference-vectors';
import { ROTATION_DEGREES, rotationBatch } from './rotations';

/** One progress report of {@link trainFeatureNet}. */
export interface FeatureNetProgress {
  /** Steps done. */
  step: number;
  /** Steps in all. */
  steps: number;
  /** Mean cross-entropy over the steps since the last report. */
  loss: number;
  /** Mean training accuracy over the same steps (of the labels, or of the rotations). */
  accuracy: number;
}

/** Options of {@link trainFeatureNet}. */
export interface TrainFeatureNetOptions {
  /** The folder to save to; created if missing. A non-empty folder must hold an earlier feature net (replaced). */
  dir: string;
  /**
   * What the net learns to predict (default: `'labels'` for a labelled source, `'rotations'` for
   * an unlabelled one). `'rotations'` (Gidaris et al. 2018) needs square images and no labels:
   * every batch holds each of its images turned by 0°, 90°, 180° and 270°, and the net learns which.
   */
  task?: FeatureNetTask;
  /** Training steps (default 500). */
  steps?: number;
  /** Images of the source per step (default 64; the rotation task trains on four turns of each). */
  batchSize?: number;
  /** Length of the feature vectors: the units of the penultimate dense layer (default 64). */
  featureDim?: number;
  /** Adam's learning rate (default 1e-3). */
  learningRate?: number;
  /** Seed of the weights and the batch order (default 0). */
  seed?: number;
  /** Held-out images: the accuracy in `info.testAccuracy` (default: the training set, then it is training accuracy). */
  validation?: ImageSource;
  /** The real images whose features are cached as the reference (default `validation`, else the training set). */
  reference?: ImageSource;
  /** Names the reference in the cached statistics (default `'the reference set (n images)'`). */
  referenceName?: string;
  /**
   * Further real images of the same set, none of them in the reference (e.g. held-out training
   * images): their features are cached too, so that every measurement against the reference can
   * print a real-against-real row beside the samples' (see {@link loadFeatureNetBaseline}).
   */
  baseline?: ImageSource;
  /** Names the baseline (default `'the baseline set (n images)'`). */
  baselineName?: string;
  /** Called every `progressEvery` steps and at the end. */
  onProgress?: (progress: FeatureNetProgress) => void;
  /** Steps between progress reports (default 50). */
  progressEvery?: number;
}

function checkInteger(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new GanConfigError(`options.${name}`, `expected an integer ≥ ${min}, got ${value}`);
  return value;
}

function checkSource(source: ImageSource, argument: string, task: FeatureNetTask): void {
  if (source === null || typeof source !== 'object' || typeof source.batches !== 'function')
    throw new GanConfigError(argument, 'expected an ImageSource (an ImageDataset, image folder, HDF5 set, …)');
  if (task === 'labels' && (source.labels === null || source.numClasses < 2))
    throw new GanConfigError(
      argument,
      `expected labelled images of at least 2 classes, got ${source.labels === null ? 'no labels' : `${source.numClasses} class`} (task 'rotations' trains on unlabelled images)`,
    );
}

/** The task asked for, or the one the source allows. */
function chooseTask(source: ImageSource, task: FeatureNetTask | undefined): FeatureNetTask {
  if (task === undefined) return source.labels === null ? 'rotations' : 'labels';
  if (task !== 'labels' && task !== 'rotations')
    throw new GanConfigError('options.task', `expected 'labels' or 'rotations', got '${String(task)}'`);
  return task;
}

/** Refuses a non-empty `dir` that is not an earlier feature net (nothing of the user's is overwritten). */
async function checkDir(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return; // missing: created when saving
  }
  if (entries.length === 0) return;
  try {
    const info = JSON.parse(await fs.readFile(path.join(dir, 'info.json'), 'utf8')) as { kind?: string };
    if (info.kind === FEATURE_NET_KIND) return;
  } catch {
    // no readable info.json: not ours
  }
  throw new CheckpointError(dir, 'is not empty and holds no feature net written by gankit; choose another folder');
}

/** The sets beside the source, checked against it before any training. */
function otherSets(source: ImageSource, options: TrainFeatureNetOptions, task: FeatureNetTask) {
  const validation = options.validation ?? source;
  const reference = options.reference ?? options.validation ?? source;
  const named: Array<[string, ImageSource]> = [
    ['options.validation', validation],
    ['options.reference', reference],
  ];
  if (options.baseline !== undefined) named.push(['options.baseline', options.baseline]);
  for (const [name, other] of named) {
    checkSource(other, name, task);
    const shapeDiffers = other.imageShape.some((d, i) => d !== source.imageShape[i]);
    const classesDiffer = task === 'labels' && other.numClasses !== source.numClasses;
    if (shapeDiffers || classesDiffer)
      throw new GanConfigError(
        name,
        `has [${other.imageShape.join(', ')}] images of ${other.numClasses} classes; the source has [${source.imageShape.join(', ')}] of ${source.numClasses}`,
      );
  }
  return { validation, reference, baseline: options.baseline };
}

/**
 * Trains a small CNN (conv3×3-ReLU-maxpool stages, 16 filters doubling, until the map is at most
 * 7 pixels high; then a dense ReLU layer named `features`, of `featureDim` units, and a softmax
 * head) with Adam and sparse categorical cross-entropy, then saves it to `dir` with everything
 * {@link loadMnistClassifier} reads:
 *
 * - `model.json` + `weights.bin` (through {@link fileSystemHandler});
 * - `info.json` ({@link FeatureNetInfo}: task, held-out accuracy, settings, input shape, feature layer);
 * - `reference-features.json/.bin`: the mean, covariance and per-class diversity of the
 *   reference set's features (for the Fréchet distance and diversity ratio);
 * - `reference-features.vectors.json/.f32`: the reference features themselves with their labels
 *   (for KID, precision, recall, density and coverage; see {@link loadFeatureNetReference}).
 *
 * The head learns the source's labels (`task: 'labels'`) or, for unlabelled images, which of four
 * rotations each image was turned by (`task: 'rotations'`, self-supervised; Gidaris et al. 2018):
 * to tell a digit, a face or an emoji from its turned copies the net has to see its shapes, so its
 * features separate what the images show without a single label. A rotation net measures
 * features only (FD, KID, precision, recall, density, coverage); label accuracy, the classifier
 * score and the class histogram need a labels net. Its `info.testAccuracy` is the share of the
 * held-out images' four rotations it tells apart.
 *
 * Images are expected in [-1, 1], as gankit's sources give them. Returns the net loaded back from
 * `dir`, so what is returned is what a later `loadMnistClassifier({ dir })` gives.
 *
 * @throws {@link GanConfigError} for a bad option, an unlabelled source with `task: 'labels'`,
 * non-square images with `task: 'rotations'`; {@link CheckpointError} when `dir` holds files that
 * are not an earlier feature net.
 *
 * @example
 * ```ts
 * const train = await loadFashionMnist({ split: 'train' });
 * const test = await loadFashionMnist({ split: 'test' });
 * const net = await trainFeatureNet(train, { dir: 'out/fashion-net', validation: test, onProgress: console.log });
 * const m = await evaluateGan(gan, { classifier: net, real: await loadFeatureNetReference(net) });
 * // A folder of unlabelled images: the rotation task.
 * const faces = await openImageFolder('photos/', { imageShape: [64, 64, 3] });
 * const faceNet = await trainFeatureNet(faces, { dir: 'out/face-net', task: 'rotations' });
 * ```
 */
export async function trainFeatureNet(source: ImageSource, options: TrainFeatureNetOptions): Promise<MnistClassifier> {
  if (options === null || typeof options !== 'object' || typeof options.dir !== 'string' || options.dir === '')
    throw new GanConfigError('options.dir', 'expected the folder to save the feature net to');
  const task = chooseTask(source, options.task);
  checkSource(source, 'source', task);
  const [h, w, c] = source.imageShape;
  if (task === 'rotations' && h !== w)
    throw new GanConfigError(
      'source',
      `has ${h}×${w} images; the rotation task needs square ones (a quarter turn changes the shape)`,
    );
  const steps = checkInteger(options.steps ?? 500, 'steps', 1);
  const batchSize = checkInteger(options.batchSize ?? 64, 'batchSize', 1);
  const featureDim = checkInteger(options.featureDim ?? 64, 'featureDim', 1);
  const progressEvery = checkInteger(options.progressEvery ?? 50, 'progressEvery', 1);
  const seed = options.seed ?? 0;
  const learningRate = options.learningRate ?? 1e-3;
  if (!(learningRate > 0))
    throw new GanConfigError('options.learningRate', `expected a positive number, got ${learningRate}`);
  if (batchSize > source.size)
    throw new GanConfigError('options.batchSize', `${batchSize} is larger than the source (${source.size} images)`);
  const sets = otherSets(source, options, task);
  const dir = path.resolve(options.dir);
  await checkDir(dir);

  const classes = task === 'labels' ? source.numClasses : ROTATION_DEGREES.length;
  const rng = new Rng(seed);
  const { model, stages } = buildFeatureNet(source.imageShape, classes, featureDim, rng);
  const optimizer = tf.train.adam(learningRate);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  try {
    let step = 0;
    let loss = 0;
    let accuracy = 0;
    let since = 0;
    while (step < steps) {
      for (const batch of source.batches(batchSize, { rng })) {
        if (step >= steps) {
          tf.dispose([batch.images, batch.labels ?? []]);
          continue;
        }
        // tfjs-layers' sparse cross-entropy floors its targets, so they must be float32.
        const { images, targets } =
          task === 'labels'
            ? { images: batch.images, targets: tf.cast(batch.labels as tf.Tensor1D, 'float32') }
            : rotationBatch(batch.images as tf.Tensor4D);
        const [l, a] = (await model.trainOnBatch(images, targets)) as number[];
        tf.dispose([batch.images, batch.labels ?? [], images, targets]);
        step++;
        loss += l;
        accuracy += a;
        since++;
        if (step % progressEvery === 0 || step === steps) {
          options.onProgress?.({ step, steps, loss: loss / since, accuracy: accuracy / since });
          loss = 0;
          accuracy = 0;
          since = 0;
        }
      }
    }
    const head = task === 'labels' ? `${classes}, softmax` : `4 rotations (0°, 90°, 180°, 270°), softmax`;
    const info: FeatureNetInfo = {
      kind: FEATURE_NET_KIND,
      task,
      testAccuracy: NaN,
      epochs: (steps * batchSize) / source.size,
      batchSize,
      seed,
      parameters: model.countParams(),
      weightsBytes: 0,
      architecture: `${stages} × (conv3x3 same, ReLU, maxpool2; 16 filters doubling) - dense(${featureDim}, ReLU: the features) - dense(${head}); Adam ${learningRate}, sparse categorical cross-entropy`,
      date: new Date().toISOString(),
      tfjsVersion: tf.version_core,
      inputShape: [h, w, c],
      inputRange: [-1, 1],
      featureLayer: 'features',
      featureDim,
      numClasses: classes,
      referenceStatistics: FEATURE_NET_REFERENCE,
      steps,
      learningRate,
      referenceSource: '',
    };
    const net = new MnistClassifier(model, info, null, dir);
    const measure = (set: ImageSource, accuracy: boolean): Promise<MeasuredSet> =>
      measureImageSet(net, set, { batchSize: 500, task, accuracy });
    info.testAccuracy = (await measure(sets.validation, true)).accuracy;
    const real = await measure(sets.reference, false);
    const count = real.features.length / featureDim;
    const referenceSource = options.referenceName ?? `the reference set (${count} images)`;
    info.referenceSource = referenceSource;
    await fs.mkdir(dir, { recursive: true });
    await model.save(fileSystemHandler(dir));
    info.weightsBytes = (await fs.stat(path.join(dir, 'weights.bin'))).size;
    // The diversity the ratio compares with is per class of the head; a rotation net's is one figure over all images.
    const diversity =
      task === 'labels'
        ? classDiversity(real.features, featureDim, real.labels as Int32Array, classes)
        : classDiversity(real.features, featureDim, new Int32Array(count), 1);
    await writeReferenceStatistics(dir, FEATURE_NET_REFERENCE, {
      source: referenceSource,
      statistics: featureStatistics(real.features, featureDim),
      classDiversity: diversity,
    });
    await writeReferenceVectors(dir, FEATURE_NET_REFERENCE, {
      source: referenceSource,
      features: real.features,
      featureDim,
      labels: real.labels,
    });
    if (sets.baseline === undefined) {
      // A baseline of an earlier net in this folder (checkDir made sure it is one) would not match this net.
      for (const file of [`${FEATURE_NET_BASELINE}.vectors.json`, `${FEATURE_NET_BASELINE}.vectors.f32`])
        await fs.rm(path.join(dir, file), { force: true });
    } else {
      const baseline = await measure(sets.baseline, false);
      info.baselineSource =
        options.baselineName ?? `the baseline set (${baseline.features.length / featureDim} images)`;
      await writeReferenceVectors(dir, FEATURE_NET_BASELINE, {
        source: info.baselineSource,
        features: baseline.features,
        featureDim,
        labels: baseline.labels,
      });
    }
    await writeFileAtomic(path.join(dir, 'info.json'), JSON.stringify(info, null, 2) + '\n');
  } finally {
    model.dispose();
    optimizer.dispose();
  }
  return loadMnistClassifier({ dir });
}
