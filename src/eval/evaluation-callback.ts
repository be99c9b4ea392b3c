/**
 * A trainer callback that measures sample quality while a GAN trains.
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';
import type { Sampler } from '../train/sampler';
import type { TrainerCallback } from '../train/trainer';
import { loadMnistClassifier, type MnistClassifier } from './classifier';
import { evaluateGan, samplerImageShape, type GanEvaluation } from './evaluate';
import { isFeatureNet, loadFeatureNetReference } from './feature-net';
import { formatMetricsLine, metricsRecord } from './format';
import { loadMnistReference, type MnistReference } from './real-reference';
import type { RealFeatures } from './sample-set-metrics';

/** Options of {@link callbacks.evaluation}. */
export interface EvaluationOptions {
  /** Evaluate after every N-th epoch (counting completed epochs: 1 = every epoch; default 1). */
  everyEpochs?: number;
  /** Samples per evaluation (default 1,000; see {@link EvaluateGanOptions.samples}). FD is only comparable at equal counts. */
  samples?: number;
  /** Seed of z, the same at every evaluation so that epochs are compared on the same z (default 0). */
  seed?: number;
  /**
   * The classifier, or the folder of one (a feature net of your images from
   * {@link quality.trainFeatureNet}: its cached real images are then the `real` default). A folder
   * and the default, the bundled one, are loaded when training begins and disposed when it ends.
   */
  classifier?: MnistClassifier | string;
  /** Where to print a one-line summary per evaluation (default `console.log`; `null` for silence). */
  log?: ((message: string) => void) | null;
  /**
   * Also measure KID, precision, recall, density and coverage against real images (see
   * {@link EvaluateGanOptions.real}; `'mnist'` loads them once, when training begins). Default none,
   * or for a feature net's folder given as `classifier`, the reference images it caches.
   */
  real?: 'mnist' | MnistReference | RealFeatures | null;
  /** Called with each evaluation and the number of epochs completed. */
  onEvaluate?: (metrics: GanEvaluation, epochsDone: number) => void | Promise<void>;
}

/**
 * A callback that measures the GAN's samples every `everyEpochs` epochs with {@link quality.evaluateGan}
 * (label accuracy for a conditional GAN, coverage, largest class share, entropy, diversity ratio,
 * classifier score, Fréchet distance), prints one line, and adds the numbers to the epoch's logs
 * as {@link EpochLogs.metrics} (keys of {@link metricsRecord}), so callbacks after it see them and
 * {@link callbacks.lossLog} writes them as CSV columns. Put it before `lossLog` in the list.
 *
 * It costs one generation and classification of `samples` images per evaluation (about a second
 * per 1,000 MLP samples on 2 cores), and leaves the trainer's random stream untouched.
 *
 * @throws {@link GanConfigError} for a bad option (at creation) or a GAN the classifier cannot
 * measure (when training begins).
 *
 * @example
 * ```ts
 * await cgan.fit(mnist, {
 *   epochs: 10,
 *   callbacks: [evaluation(cgan, { everyEpochs: 2, samples: 2000 }), lossLog({ file: 'out/losses.csv' })],
 * });
 * // epoch 2: acc 0.912  cov 10  max 0.108  H 2.301  div 0.88  CS 8.74  FD 6.12
 * ```
 */
export function evaluation(gan: Sampler, options: EvaluationOptions = {}): TrainerCallback {
  const everyEpochs = options.everyEpochs ?? 1;
  const samples = options.samples ?? 1000;
  if (!Number.isInteger(everyEpochs) || everyEpochs < 1)
    throw new GanConfigError('everyEpochs', `expected a positive integer, got ${everyEpochs}`);
  if (!Number.isInteger(samples) || samples < 2)
    throw new GanConfigError('samples', `expected an integer ≥ 2, got ${samples}`);
  const log = options.log === undefined ? (m: string) => console.log(m) : options.log;
  let classifier: MnistClassifier | null = typeof options.classifier === 'object' ? options.classifier : null;
  let owned = false;
  let real: MnistReference | RealFeatures | null = options.real === 'mnist' ? null : (options.real ?? null);
  return {
    async onTrainBegin() {
      if (classifier === null) {
        const dir = typeof options.classifier === 'string' ? options.classifier : undefined;
        classifier = await loadMnistClassifier({ dir });
        owned = true;
        if (dir !== undefined && options.real === undefined && isFeatureNet(classifier))
          real = await loadFeatureNetReference(classifier);
      }
      const { inputShape, numClasses } = classifier.info;
      let problem: string | null = null;
      const shape = samplerImageShape(gan);
      const { numClasses: classes } = gan.info;
      if (shape.length !== inputShape.length || shape.some((d, i) => d !== inputShape[i]))
        problem = `makes [${shape.join(', ')}] images; the classifier measures [${inputShape.join(', ')}] ones`;
      else if (classes > 0 && classifier.measuresClasses && classes !== numClasses)
        problem = `has ${classes} classes; the classifier knows ${numClasses}`;
      if (problem !== null) {
        if (owned) {
          classifier.dispose();
          classifier = null;
          owned = false;
        }
        throw new GanConfigError('gan', problem);
      }
      if (options.real === 'mnist' && real === null)
        real = await loadMnistReference(classifier, samples, options.seed ?? 0);
    },
    async onEpochEnd(logs) {
      const epochsDone = logs.epoch + 1;
      if (epochsDone % everyEpochs !== 0 || classifier === null) return;
      const metrics = await evaluateGan(gan, { classifier, samples, seed: options.seed ?? 0, real });
      logs.metrics = { ...logs.metrics, ...metricsRecord(metrics) };
      log?.(`epoch ${epochsDone}: ${formatMetricsLine(metrics)}`);
      await options.onEvaluate?.(metrics, epochsDone);
    },
    onTrainEnd() {
      if (owned && classifier !== null) {
        classifier.dispose();
        classifier = null;
        owned = false;
      }
    },
  };
}
