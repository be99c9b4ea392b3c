/**
 * The MNIST classifier gankit ships in `assets/mnist-classifier/` (trained by
 * `scripts/train-classifier.ts`), which the sample-quality metrics look through: its class
 * probabilities give label accuracy, class coverage and the classifier score; its penultimate
 * layer's activations are the features of the Fréchet distance and of the diversity measure.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, GanConfigError } from '../errors';
import { fileSystemHandler } from '../io/file-system';
import { packageAssetDir } from './asset-dir';
import { readReferenceStatistics, type ReferenceStatistics } from './reference-statistics';

/**
 * What a classifier's class head predicts: the images' labels, or (a feature net of an unlabelled
 * set) which of four rotations an image was turned by, a self-supervised task whose probabilities
 * say nothing about the classes a sample shows.
 */
export type FeatureNetTask = 'labels' | 'rotations';

/** What `info.json` beside the classifier says about it. */
export interface MnistClassifierInfo {
  /** Accuracy on the 10,000 MNIST test images. */
  testAccuracy: number;
  /** Training epochs over the 60,000 training images. */
  epochs: number;
  /** Batch size of training. */
  batchSize: number;
  /** Seed of the initialisation, dropout and shuffling. */
  seed: number;
  /** Number of weights. */
  parameters: number;
  /** Size of `weights.bin` in bytes (float32). */
  weightsBytes: number;
  /** The layers, in words. */
  architecture: string;
  /** When it was trained (ISO 8601). */
  date: string;
  /** TensorFlow.js version it was trained with. */
  tfjsVersion: string;
  /** Shape of one input image. */
  inputShape: [number, number, number];
  /** The range the classifier expects pixels in: `[-1, 1]`, as gankit's datasets and `Gan.generate` use. */
  inputRange: [number, number];
  /** Name of the penultimate layer whose activations are the features. */
  featureLayer: string;
  /** Length of a feature vector. */
  featureDim: number;
  /** Number of classes (of the rotation task: 4). */
  numClasses: number;
  /**
   * What the class head predicts (absent: `'labels'`). A `'rotations'` net measures features only:
   * label accuracy, the classifier score and the class histogram are then not measured.
   */
  task?: FeatureNetTask;
  /** Base name of the cached real-data statistics (`<name>.json` + `<name>.bin`). */
  referenceStatistics: string;
  /** The metrics of 10,000 real training images, measured by `scripts/train-classifier.ts` (the noise floor of each metric). */
  realTrainMetrics?: Record<string, number>;
}

/** Options of {@link loadMnistClassifier}. */
export interface LoadClassifierOptions {
  /**
   * The folder holding `model.json`, `weights.bin`, `info.json` and the reference statistics.
   * Default: the `assets/mnist-classifier` folder of the installed gankit package.
   */
  dir?: string;
}

/** Options of {@link MnistClassifier.classify}. */
export interface ClassifyOptions {
  /** Images per forward pass (default 500). */
  batchSize?: number;
}

/** What {@link MnistClassifier.classify} returns for `count` images, as plain arrays. */
export interface ClassifierOutputs {
  /** Number of images. */
  count: number;
  /** Length of one feature vector. */
  featureDim: number;
  /** Number of classes. */
  numClasses: number;
  /** Penultimate-layer activations, row-major `count × featureDim`. */
  features: Float32Array;
  /** Class probabilities p(y | x), row-major `count × numClasses`; each row sums to 1. */
  probabilities: Float32Array;
}

/** Allowed slack on the [-1, 1] range check (float rounding in generators). */
const RANGE_SLACK = 1e-3;

/**
 * A loaded MNIST classifier: the model, its feature extractor, its `info.json` and the real test
 * set's statistics. Get one with {@link loadMnistClassifier}; {@link MnistClassifier.dispose} it
 * when done.
 *
 * @example
 * ```ts
 * const classifier = await loadMnistClassifier();
 * const classes = await classifier.predictClasses(cgan.generate({ labels: [0, 1, 2], seed: 1 }));
 * console.log(classes, classifier.info.testAccuracy, classifier.reference?.source);
 * classifier.dispose();
 * ```
 */
export class MnistClassifier {
  /** The classifier (input `[n, 28, 28, 1]` in [-1, 1], output class probabilities). */
  readonly model: tfl.LayersModel;
  /** What `info.json` says. */
  readonly info: MnistClassifierInfo;
  /**
   * The real data's statistics (MNIST test set) that the Fréchet distance and diversity compare
   * with; `null` only for a classifier wired without them (as `scripts/train-classifier.ts` does
   * before it has measured them).
   */
  readonly reference: ReferenceStatistics | null;
  /** The folder it was loaded from. */
  readonly dir: string;
  private readonly twoHeads: tfl.LayersModel;

  /** Prefer {@link loadMnistClassifier}; this wires an already-loaded model. */
  constructor(model: tfl.LayersModel, info: MnistClassifierInfo, reference: ReferenceStatistics | null, dir: string) {
    this.model = model;
    this.info = info;
    this.reference = reference;
    this.dir = dir;
    let featureLayer: tfl.layers.Layer;
    try {
      featureLayer = model.getLayer(info.featureLayer);
    } catch {
      throw new CheckpointError(
        dir,
        `the classifier has no layer named '${info.featureLayer}' (info.json's featureLayer)`,
      );
    }
    this.twoHeads = tfl.model({
      inputs: model.inputs,
      outputs: [featureLayer.output as tfl.SymbolicTensor, model.outputs[0]],
    });
  }

  /** Number of classes. */
  get numClasses(): number {
    return this.info.numClasses;
  }

  /**
   * Whether the class probabilities are the images' classes (label accuracy, classifier score and
   * the class histogram mean something): false for a feature net of the rotation task.
   */
  get measuresClasses(): boolean {
    return this.info.task !== 'rotations';
  }

  /**
   * {@link MnistClassifier.reference}, which the Fréchet distance and the diversity ratio need.
   *
   * @throws {@link GanConfigError} (argument `classifier`) when the classifier has none.
   */
  requireReference(): ReferenceStatistics {
    if (this.reference === null)
      throw new GanConfigError(
        'classifier',
        `has no reference statistics (load it with loadMnistClassifier from a folder that has ${this.info.referenceStatistics}.json)`,
      );
    return this.reference;
  }

  /**
   * Checks `images` (shape `[n, ...inputShape]`, finite, in [-1, 1]).
   *
   * @throws {@link GanConfigError} naming `argument` otherwise.
   */
  checkImages(images: tf.Tensor, argument = 'images'): void {
    if (!(images instanceof tf.Tensor)) throw new GanConfigError(argument, 'expected a tf.Tensor of images');
    const [h, w, c] = this.info.inputShape;
    const s = images.shape;
    if (s.length !== 4 || s[1] !== h || s[2] !== w || s[3] !== c || s[0] < 1) {
      throw new GanConfigError(argument, `expected a shape [n, ${h}, ${w}, ${c}] with n ≥ 1, got [${s.join(', ')}]`);
    }
    const summary = tf.tidy(() =>
      tf.stack([tf.min(images), tf.max(images), tf.sum(tf.cast(tf.isNaN(images), 'float32'))]),
    );
    const [min, max, nan] = summary.dataSync();
    summary.dispose();
    if (nan > 0) throw new GanConfigError(argument, `contains ${nan} NaN values`);
    const [lo, hi] = this.info.inputRange;
    if (min < lo - RANGE_SLACK || max > hi + RANGE_SLACK) {
      throw new GanConfigError(
        argument,
        `has values in [${min}, ${max}]; expected [${lo}, ${hi}] as Gan.generate returns (map [0, 1] images with x * 2 - 1)`,
      );
    }
  }

  /**
   * Runs the classifier over `images` in batches (each inside `tf.tidy`; nothing is left behind)
   * and returns the penultimate features and the class probabilities as plain arrays.
   *
   * @param images - `[n, 28, 28, 1]`, values in [-1, 1] (what `Gan.generate` returns). Not disposed.
   * @throws {@link GanConfigError} for a wrong shape, NaN, values outside [-1, 1] or a bad `batchSize`.
   *
   * @example
   * ```ts
   * const classifier = await loadMnistClassifier();
   * const images = cgan.generate({ labels: [3, 3, 3], seed: 1 });
   * const { probabilities, features } = await classifier.classify(images); // 3 × 10 and 3 × 128
   * images.dispose();
   * ```
   */
  async classify(images: tf.Tensor, options: ClassifyOptions = {}): Promise<ClassifierOutputs> {
    const batchSize = options.batchSize ?? 500;
    if (!Number.isInteger(batchSize) || batchSize <= 0)
      throw new GanConfigError('batchSize', `expected a positive integer, got ${batchSize}`);
    this.checkImages(images);
    const count = images.shape[0];
    const { featureDim, numClasses } = this.info;
    const features = new Float32Array(count * featureDim);
    const probabilities = new Float32Array(count * numClasses);
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const [f, p] = tf.tidy(() => {
        const batch = tf.slice(images, [start, 0, 0, 0], [n, -1, -1, -1]);
        return this.twoHeads.apply(tf.cast(batch, 'float32'), { training: false }) as tf.Tensor[];
      });
      try {
        features.set(await f.data(), start * featureDim);
        probabilities.set(await p.data(), start * numClasses);
      } finally {
        tf.dispose([f, p]);
      }
    }
    return { count, featureDim, numClasses, features, probabilities };
  }

  /**
   * The most probable class of each image.
   *
   * @throws the errors of {@link MnistClassifier.classify}.
   *
   * @example
   * ```ts
   * const classes = await classifier.predictClasses(images); // Int32Array, one class per image
   * ```
   */
  async predictClasses(images: tf.Tensor, options: ClassifyOptions = {}): Promise<Int32Array> {
    const { probabilities, numClasses } = await this.classify(images, options);
    return argmaxRows(probabilities, numClasses);
  }

  /** Frees the model's weights. */
  dispose(): void {
    this.model.dispose();
  }
}

/**
 * The index of the largest value of each row of a row-major `rows × columns` array (the first one
 * on ties): the predicted class of each row of class probabilities.
 *
 * @throws {@link GanConfigError} when the length is not a multiple of `columns`.
 *
 * @example
 * ```ts
 * argmaxRows(new Float32Array([0.1, 0.9, 0.8, 0.2]), 2); // Int32Array [1, 0]
 * ```
 */
export function argmaxRows(values: ArrayLike<number>, columns: number): Int32Array {
  if (!Number.isInteger(columns) || columns <= 0 || values.length % columns !== 0) {
    throw new GanConfigError('columns', `expected a positive integer dividing ${values.length}, got ${columns}`);
  }
  const out = new Int32Array(values.length / columns);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let j = 1; j < columns; j++) if (values[i * columns + j] > values[i * columns + best]) best = j;
    out[i] = best;
  }
  return out;
}

/**
 * The folder of the MNIST classifier gankit ships: `assets/mnist-classifier` in the installed
 * package (found from `dist/` or, when run from source, `src/`).
 *
 * @throws {@link GanConfigError} when it cannot be found.
 *
 * @example
 * ```ts
 * mnistClassifierDir(); // '/my/app/node_modules/gankit/assets/mnist-classifier'
 * ```
 */
export function mnistClassifierDir(): string {
  return packageAssetDir('mnist-classifier');
}

/**
 * Loads the MNIST classifier gankit ships (or the one in `options.dir`), with its `info.json` and
 * the cached real test-set statistics; no dataset and no network are needed. Call
 * {@link initBackend} first so the weights live on the backend you evaluate on.
 *
 * @throws {@link CheckpointError} when a file is missing or malformed; {@link GanConfigError} when
 * no `dir` is given and the bundled folder cannot be found.
 *
 * @example
 * ```ts
 * await initBackend();
 * const classifier = await loadMnistClassifier();
 * console.log(classifier.info.testAccuracy); // e.g. 0.992
 * classifier.dispose();
 * ```
 */
export async function loadMnistClassifier(options: LoadClassifierOptions = {}): Promise<MnistClassifier> {
  const dir = path.resolve(options.dir ?? mnistClassifierDir());
  const infoFile = path.join(dir, 'info.json');
  let info: MnistClassifierInfo;
  try {
    info = JSON.parse(await fs.readFile(infoFile, 'utf8')) as MnistClassifierInfo;
  } catch (error) {
    throw new CheckpointError(infoFile, `cannot read the classifier's description (${(error as Error).message})`);
  }
  if (
    info === null ||
    typeof info !== 'object' ||
    typeof info.featureLayer !== 'string' ||
    !Number.isInteger(info.featureDim) ||
    !Number.isInteger(info.numClasses) ||
    !Array.isArray(info.inputShape) ||
    !Array.isArray(info.inputRange) ||
    typeof info.referenceStatistics !== 'string'
  ) {
    throw new CheckpointError(
      infoFile,
      'expected featureLayer, featureDim, numClasses, inputShape, inputRange and referenceStatistics',
    );
  }
  if (info.task !== undefined && info.task !== 'labels' && info.task !== 'rotations')
    throw new CheckpointError(infoFile, `has task '${String(info.task)}'; expected 'labels' or 'rotations'`);
  const reference = await readReferenceStatistics(dir, info.referenceStatistics);
  // A rotation net's real set has no classes of its own: its diversity is one figure over all images.
  const groups = info.task === 'rotations' ? 1 : info.numClasses;
  if (reference.statistics.dim !== info.featureDim || reference.classDiversity.length !== groups) {
    throw new CheckpointError(
      dir,
      `the reference statistics (dim ${reference.statistics.dim}, ${reference.classDiversity.length} classes) do not match info.json (featureDim ${info.featureDim}, ${groups} classes)`,
    );
  }
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(fileSystemHandler(dir));
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(dir, `cannot rebuild the classifier (${(error as Error).message})`);
  }
  try {
    return new MnistClassifier(model, info, reference, dir);
  } catch (error) {
    model.dispose();
    throw error;
  }
}
