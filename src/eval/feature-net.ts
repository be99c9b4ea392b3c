/**
 * A feature net for any labelled image set: a small CNN trained to classify it, saved as a folder
 * that {@link loadMnistClassifier} reads back, with the real set's feature statistics and vectors
 * cached beside it, so that every metric (FD, KID, precision/recall, density/coverage, the
 * class-histogram metrics) can measure samples of that set as the bundled classifier does MNIST's.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, GanConfigError } from '../errors';
import type { ImageSource } from '../data/image-source';
import { fileSystemHandler, writeFileAtomic } from '../io/file-system';
import { Rng } from '../random';
import { loadMnistClassifier, MnistClassifier, type MnistClassifierInfo } from './classifier';
import { featureStatistics } from './feature-statistics';
import { classDiversity } from './mode-collapse';
import { writeReferenceStatistics } from './reference-statistics';
import { readReferenceVectors, writeReferenceVectors } from './reference-vectors';
import type { RealFeatures } from './sample-set-metrics';

/** Base name of the cached statistics and vectors of the real set. */
export const FEATURE_NET_REFERENCE = 'reference-features';
/** The name of the real-against-real baseline a feature net's folder may cache beside the reference. */
export const FEATURE_NET_BASELINE = 'baseline-features';
/** What `info.json` of a trained feature net says it is (so a later run may replace it, and nothing else). */
export const FEATURE_NET_KIND = 'gankit-feature-net';

/** What {@link trainFeatureNet} writes to `info.json`: the classifier's fields and how it was trained. */
export interface FeatureNetInfo extends MnistClassifierInfo {
  /** Always {@link FEATURE_NET_KIND}. */
  kind: typeof FEATURE_NET_KIND;
  /** Training steps (batches). */
  steps: number;
  /** Adam's learning rate. */
  learningRate: number;
  /** What the reference statistics were taken over. */
  referenceSource: string;
  /** What the cached baseline features were taken over (absent when none was cached). */
  baselineSource?: string;
}

/** One progress report of {@link trainFeatureNet}. */
export interface FeatureNetProgress {
  /** Steps done. */
  step: number;
  /** Steps in all. */
  steps: number;
  /** Mean cross-entropy over the steps since the last report. */
  loss: number;
  /** Mean training accuracy over the same steps. */
  accuracy: number;
}

/** Options of {@link trainFeatureNet}. */
export interface TrainFeatureNetOptions {
  /** The folder to save to; created if missing. A non-empty folder must hold an earlier feature net (replaced). */
  dir: string;
  /** Training steps (default 500). */
  steps?: number;
  /** Images per step (default 64). */
  batchSize?: number;
  /** Length of the feature vectors: the units of the penultimate dense layer (default 64). */
  featureDim?: number;
  /** Adam's learning rate (default 1e-3). */
  learningRate?: number;
  /** Seed of the weights and the batch order (default 0). */
  seed?: number;
  /** Held-out labelled images: the accuracy in `info.testAccuracy` (default: the training set, then it is training accuracy). */
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

function checkLabelled(source: ImageSource, argument: string): void {
  if (source === null || typeof source !== 'object' || typeof source.batches !== 'function')
    throw new GanConfigError(argument, 'expected an ImageSource (an ImageDataset, image folder, HDF5 set, …)');
  if (source.labels === null || source.numClasses < 2)
    throw new GanConfigError(argument, `expected labelled images of at least 2 classes, got ${source.numClasses}`);
}

/** conv3×3-ReLU-maxpool stages until the map is at most 7 pixels high, then the features and the class head. */
function buildNet(shape: readonly [number, number, number], classes: number, featureDim: number, rng: Rng) {
  const layers: tfl.layers.Layer[] = [];
  let side = Math.min(shape[0], shape[1]);
  let filters = 16;
  do {
    layers.push(
      tfl.layers.conv2d({
        ...(layers.length === 0 ? { inputShape: [...shape] } : {}),
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tfl.initializers.heNormal({ seed: rng.nextSeed() }),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
    );
    side = Math.floor(side / 2);
    filters = Math.min(128, filters * 2);
  } while (side > 7);
  layers.push(
    tfl.layers.flatten(),
    tfl.layers.dense({
      units: featureDim,
      activation: 'relu',
      name: 'features',
      kernelInitializer: tfl.initializers.heNormal({ seed: rng.nextSeed() }),
    }),
    tfl.layers.dense({
      units: classes,
      activation: 'softmax',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: rng.nextSeed() }),
    }),
  );
  return { model: tfl.sequential({ name: 'feature_net', layers }), stages: (layers.length - 3) / 2 };
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

/** Features, probabilities and labels of every image of `source`, in index order. */
async function measure(net: MnistClassifier, source: ImageSource, batchSize: number) {
  const features: Float32Array[] = [];
  const labels: number[] = [];
  let hits = 0;
  for (const batch of source.batches(batchSize, { shuffle: false, dropRemainder: false })) {
    try {
      const out = await net.classify(batch.images);
      const truth = batch.labels === null ? [] : Array.from(await batch.labels.data());
      features.push(out.features);
      for (let i = 0; i < out.count; i++) {
        let best = 0;
        for (let j = 1; j < out.numClasses; j++)
          if (out.probabilities[i * out.numClasses + j] > out.probabilities[i * out.numClasses + best]) best = j;
        if (best === truth[i]) hits++;
        labels.push(truth[i]);
      }
    } finally {
      batch.images.dispose();
      batch.labels?.dispose();
    }
  }
  const all = new Float32Array(features.reduce((s, f) => s + f.length, 0));
  let offset = 0;
  for (const f of features) {
    all.set(f, offset);
    offset += f.length;
  }
  return { features: all, labels: Int32Array.from(labels), accuracy: hits / labels.length };
}

/**
 * Trains a small CNN (conv3×3-ReLU-maxpool stages, 16 filters doubling, until the map is at most
 * 7 pixels high; then a dense ReLU layer named `features`, of `featureDim` units, and a softmax
 * class head) with Adam and sparse categorical cross-entropy on a labelled image set, then saves
 * it to `dir` with everything {@link loadMnistClassifier} reads:
 *
 * - `model.json` + `weights.bin` (through {@link fileSystemHandler});
 * - `info.json` ({@link FeatureNetInfo}: held-out accuracy, settings, input shape, feature layer);
 * - `reference-features.json/.bin`: the mean, covariance and per-class diversity of the
 *   reference set's features (for the Fréchet distance and diversity ratio);
 * - `reference-features.vectors.json/.f32`: the reference features themselves with their labels
 *   (for KID, precision, recall, density and coverage; see {@link loadFeatureNetReference}).
 *
 * Images are expected in [-1, 1], as gankit's sources give them. Returns the net loaded back from
 * `dir`, so what is returned is what a later `loadMnistClassifier({ dir })` gives.
 *
 * @throws {@link GanConfigError} for an unlabelled source or a bad option; {@link CheckpointError}
 * when `dir` holds files that are not an earlier feature net.
 *
 * @example
 * ```ts
 * const train = await loadFashionMnist({ split: 'train' });
 * const test = await loadFashionMnist({ split: 'test' });
 * const net = await trainFeatureNet(train, { dir: 'out/fashion-net', validation: test, onProgress: console.log });
 * const m = await evaluateGan(gan, { classifier: net, real: await loadFeatureNetReference(net) });
 * ```
 */
export async function trainFeatureNet(source: ImageSource, options: TrainFeatureNetOptions): Promise<MnistClassifier> {
  checkLabelled(source, 'source');
  if (options === null || typeof options !== 'object' || typeof options.dir !== 'string' || options.dir === '')
    throw new GanConfigError('options.dir', 'expected the folder to save the feature net to');
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
  const validation = options.validation ?? source;
  const reference = options.reference ?? options.validation ?? source;
  checkLabelled(validation, 'options.validation');
  checkLabelled(reference, 'options.reference');
  if (options.baseline !== undefined) checkLabelled(options.baseline, 'options.baseline');
  for (const [name, other] of [
    ['options.validation', validation],
    ['options.reference', reference],
    ...(options.baseline === undefined ? [] : ([['options.baseline', options.baseline]] as const)),
  ] as const) {
    if (other.imageShape.some((d, i) => d !== source.imageShape[i]) || other.numClasses !== source.numClasses)
      throw new GanConfigError(
        name,
        `has [${other.imageShape.join(', ')}] images of ${other.numClasses} classes; the source has [${source.imageShape.join(', ')}] of ${source.numClasses}`,
      );
  }
  const dir = path.resolve(options.dir);
  await checkDir(dir);

  const rng = new Rng(seed);
  const { model, stages } = buildNet(source.imageShape, source.numClasses, featureDim, rng);
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
        const targets = tf.cast(batch.labels as tf.Tensor1D, 'float32');
        const [l, a] = (await model.trainOnBatch(batch.images, targets)) as number[];
        tf.dispose([batch.images, batch.labels ?? [], targets]);
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
    const [h, w, c] = source.imageShape;
    const info: FeatureNetInfo = {
      kind: FEATURE_NET_KIND,
      testAccuracy: NaN,
      epochs: (steps * batchSize) / source.size,
      batchSize,
      seed,
      parameters: model.countParams(),
      weightsBytes: 0,
      architecture: `${stages} × (conv3x3 same, ReLU, maxpool2; 16 filters doubling) - dense(${featureDim}, ReLU: the features) - dense(${source.numClasses}, softmax); Adam ${learningRate}, sparse categorical cross-entropy`,
      date: new Date().toISOString(),
      tfjsVersion: tf.version_core,
      inputShape: [h, w, c],
      inputRange: [-1, 1],
      featureLayer: 'features',
      featureDim,
      numClasses: source.numClasses,
      referenceStatistics: FEATURE_NET_REFERENCE,
      steps,
      learningRate,
      referenceSource: '',
    };
    const net = new MnistClassifier(model, info, null, dir);
    info.testAccuracy = (await measure(net, validation, 500)).accuracy;
    const real = await measure(net, reference, 500);
    const referenceSource = options.referenceName ?? `the reference set (${real.labels.length} images)`;
    info.referenceSource = referenceSource;
    await fs.mkdir(dir, { recursive: true });
    await model.save(fileSystemHandler(dir));
    info.weightsBytes = (await fs.stat(path.join(dir, 'weights.bin'))).size;
    await writeReferenceStatistics(dir, FEATURE_NET_REFERENCE, {
      source: referenceSource,
      statistics: featureStatistics(real.features, featureDim),
      classDiversity: classDiversity(real.features, featureDim, real.labels, source.numClasses),
    });
    await writeReferenceVectors(dir, FEATURE_NET_REFERENCE, {
      source: referenceSource,
      features: real.features,
      featureDim,
      labels: real.labels,
    });
    if (options.baseline === undefined) {
      // A baseline of an earlier net in this folder (checkDir made sure it is one) would not match this net.
      for (const file of [`${FEATURE_NET_BASELINE}.vectors.json`, `${FEATURE_NET_BASELINE}.vectors.f32`])
        await fs.rm(path.join(dir, file), { force: true });
    } else {
      const baseline = await measure(net, options.baseline, 500);
      info.baselineSource = options.baselineName ?? `the baseline set (${baseline.labels.length} images)`;
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

/**
 * The reference features a feature net's folder caches (written by {@link trainFeatureNet}), as
 * the `real` of {@link quality.evaluateGan} or {@link computeMetrics} take it (with no baseline row:
 * pass `{ reference, baseline }` with features of further real images for one).
 *
 * @throws {@link CheckpointError} when the files are missing or malformed.
 *
 * @example
 * ```ts
 * const real = await loadFeatureNetReference(net);
 * const metrics = computeMetrics(await net.classify(images), { classifier: net, real });
 * ```
 */
export async function loadFeatureNetReference(net: MnistClassifier | string): Promise<RealFeatures> {
  return readReferenceVectors(typeof net === 'string' ? net : net.dir, FEATURE_NET_REFERENCE);
}

/**
 * The baseline features a feature net's folder caches (trained with `baseline`), or `null` when it
 * caches none: with {@link loadFeatureNetReference}, the `real` of {@link quality.evaluateGan} that prints a
 * real-against-real row beside the samples'.
 *
 * @throws {@link CheckpointError} when the files are there but malformed.
 *
 * @example
 * ```ts
 * const baseline = await loadFeatureNetBaseline(net);
 * const real = { reference: await loadFeatureNetReference(net), baseline };
 * const metrics = await evaluateGan(gan, { classifier: net, real });
 * ```
 */
export async function loadFeatureNetBaseline(net: MnistClassifier | string): Promise<RealFeatures | null> {
  const dir = typeof net === 'string' ? net : net.dir;
  try {
    await fs.access(path.join(dir, `${FEATURE_NET_BASELINE}.vectors.json`));
  } catch {
    return null;
  }
  return readReferenceVectors(dir, FEATURE_NET_BASELINE);
}

/** Whether `net` was trained by {@link trainFeatureNet} (its `info.json` says so). */
export function isFeatureNet(net: MnistClassifier): boolean {
  return (net.info as Partial<FeatureNetInfo>).kind === FEATURE_NET_KIND;
}
