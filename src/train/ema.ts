/**
 * An exponential moving average of the generator's weights (Karras et al. 2018; Yazıcı et al.
 * 2019, "The Unusual Effectiveness of Averaging in GAN Training"): samples from the averaged G
 * are usually cleaner and steadier than from the G being trained.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { CheckpointError, GanConfigError } from '../errors';
import type { StepLogs } from './callbacks';
import type { TrainerCallback } from './trainer';
import { generateImages, generatedImageShape, type GenerateOptions, type GeneratorInfo } from './generate';
import { recomputeBatchNormStatistics, type BatchNormStatisticsOptions } from './batch-norm-statistics';
import { modelHandler } from '../platform';

/**
 * Options of {@link training.emaGenerator}.
 *
 * @example
 * ```ts
 * const ema = emaGenerator(gan, { decay: 0.9999, startStep: 2000 }); // average from step 2000 on
 * ```
 */
export interface EmaOptions {
  /** Weight of the old average at each update: `shadow ← decay·shadow + (1 − decay)·G` (default 0.999). */
  decay?: number;
  /**
   * First trainer step (1-based, as {@link StepLogs.step}) whose update averages. Before it, each
   * update copies G into the shadow, so the average starts from a G that has left its random
   * start (default 0: average from the first step on).
   */
  startStep?: number;
  /**
   * Where the shadow's batch-norm moving statistics come from: `copy` (default) copies G's at
   * every update; `recompute` also re-estimates them for the averaged weights
   * ({@link recomputeBatchNormStatistics}) at the end of every epoch and of training, before the
   * callbacks after this one sample, measure or save the shadow. The copies go on at each update,
   * so recomputing changes neither the average nor the run: only what is drawn from the shadow.
   */
  batchNormStatistics?: 'copy' | 'recompute';
  /** How the statistics are recomputed with `batchNormStatistics: 'recompute'` (default 2,048 samples, seed 0). */
  recomputeOptions?: BatchNormStatisticsOptions;
}

/**
 * A shadow copy of a generator that follows its weights as an exponential moving average. It is
 * a {@link TrainerCallback}: pass it in `callbacks` and it updates after every training step.
 * Sample from it with {@link EmaGenerator.generate}.
 *
 * What is averaged: G's trainable weights. G's non-trainable weights (batch norm's moving mean and
 * variance, a spectral norm's `u`) are **copied** from G at every update, not averaged: they
 * belong to G's current weights, and averaging moving statistics would average them twice. (The
 * copied statistics were measured on G, not on the averaged weights: `batchNormStatistics:
 * 'recompute'` re-estimates them for the averaged weights after every epoch, and
 * {@link EmaGenerator.recomputeBatchNormStatistics} does it on demand. On the seed-002 MLP CGAN
 * that took the averaged G's Fréchet distance after 5 epochs from 24.5 to 14.6.)
 *
 * The trainer reports steps to callbacks when it reads the losses back: with `readbackEvery: k`,
 * the k updates of a readback all see G as it is after the k-th step.
 *
 * @example
 * ```ts
 * const ema = emaGenerator(gan, { decay: 0.999 });
 * await gan.fit(data, { epochs: 10, callbacks: [ema] });
 * const images = ema.generate({ labels: [0, 1, 2, 3], seed: 1 }); // from the averaged G
 * ema.dispose();
 * ```
 */
export class EmaGenerator implements TrainerCallback {
  /** The generator being followed. */
  readonly source: tfl.LayersModel;
  /** The averaged copy (same architecture; its weights are the moving average). */
  readonly shadow: tfl.LayersModel;
  /** What {@link generateImages} needs: z size, classes, output range. */
  readonly info: GeneratorInfo;
  /** Weight of the old average at each update. */
  readonly decay: number;
  /** First step that averages (see {@link training.EmaOptions.startStep}). */
  readonly startStep: number;
  /** Where the shadow's batch-norm statistics come from (see {@link training.EmaOptions.batchNormStatistics}). */
  readonly batchNormStatistics: 'copy' | 'recompute';
  /** The options it was made with, as a checkpoint stores them. */
  get options(): EmaOptions {
    return {
      decay: this.decay,
      startStep: this.startStep,
      batchNormStatistics: this.batchNormStatistics,
      recomputeOptions: { ...this.recomputeOptions },
    };
  }

  /** Updates that averaged so far (copies before `startStep` do not count). */
  updates = 0;
  private readonly recomputeOptions: BatchNormStatisticsOptions;
  /** True when the shadow's batch-norm statistics are G's copies (recomputed ones are fresh until the next update). */
  private statisticsCopied = true;
  private readonly pairs: Array<{ shadow: tfl.LayerVariable; source: tfl.LayerVariable; trainable: boolean }>;
  private disposed = false;

  /**
   * Builds the shadow from G's config (same layers, same names) and copies G's weights into it.
   * Prefer {@link training.emaGenerator}.
   */
  constructor(generator: tfl.LayersModel, info: GeneratorInfo, options: EmaOptions = {}) {
    const decay = options.decay ?? 0.999;
    if (!(typeof decay === 'number' && decay >= 0 && decay < 1))
      throw new GanConfigError('decay', `expected a number in [0, 1), got ${decay}`);
    const startStep = options.startStep ?? 0;
    if (!Number.isInteger(startStep) || startStep < 0)
      throw new GanConfigError('startStep', `expected a non-negative integer, got ${startStep}`);
    const statistics = options.batchNormStatistics ?? 'copy';
    if (statistics !== 'copy' && statistics !== 'recompute')
      throw new GanConfigError('batchNormStatistics', `expected 'copy' or 'recompute', got '${String(statistics)}'`);
    this.batchNormStatistics = statistics;
    this.recomputeOptions = { ...options.recomputeOptions };
    this.source = generator;
    this.info = {
      latentDim: info.latentDim,
      numClasses: info.numClasses,
      outputActivation: info.outputActivation,
      auxiliary: info.auxiliary ?? null,
      imageShape: generatedImageShape(generator),
    };
    this.decay = decay;
    this.startStep = startStep;
    this.shadow = cloneModel(generator);
    const from = generator.weights;
    const to = this.shadow.weights;
    const trainable = new Set(generator.trainableWeights);
    if (from.length !== to.length || from.some((w, i) => w.shape.join() !== to[i].shape.join())) {
      this.shadow.dispose();
      throw new GanConfigError(
        'generator',
        'its copy rebuilt from its config has other weights (a layer that does not serialise its weights?)',
      );
    }
    this.pairs = from.map((source, i) => ({ source, shadow: to[i], trainable: trainable.has(source) }));
    this.copy();
  }

  /** Sets every shadow weight to G's (as at the start, and at each step before `startStep`). */
  copy(): void {
    this.checkLive();
    tf.tidy(() => {
      for (const { source, shadow } of this.pairs) shadow.write(source.read());
    });
    this.statisticsCopied = true;
  }

  /**
   * One averaging update: `shadow ← decay·shadow + (1 − decay)·G` for the trainable weights,
   * a copy for the others. Runs inside `tf.tidy`; no tensor is left behind.
   */
  update(): void {
    this.checkLive();
    const rate = 1 - this.decay;
    tf.tidy(() => {
      for (const { source, shadow, trainable } of this.pairs) {
        if (!trainable) {
          shadow.write(source.read());
          continue;
        }
        const s = shadow.read();
        // s − (1 − decay)(s − g): the same value as decay·s + (1 − decay)·g, with less rounding when s ≈ g.
        shadow.write(tf.sub(s, tf.mul(tf.sub(s, source.read()), rate)));
      }
    });
    this.updates++;
    this.statisticsCopied = true;
  }

  /** The trainer hook: copies before `startStep`, averages from it on. */
  onBatchEnd(logs: StepLogs): void {
    if (logs.step < this.startStep) this.copy();
    else this.update();
  }

  /** The trainer hook: with `batchNormStatistics: 'recompute'`, re-estimates the shadow's statistics. */
  onEpochEnd(): void {
    this.refreshStatistics();
  }

  /** The trainer hook: as {@link EmaGenerator.onEpochEnd}, for a run that stops mid-epoch (Ctrl-C). */
  onTrainEnd(): void {
    if (!this.disposed) this.refreshStatistics();
  }

  /**
   * Re-estimates the shadow's batch-norm moving statistics for its averaged weights (see
   * {@link recomputeBatchNormStatistics}); they last until the next update copies G's again.
   *
   * @returns the number of batch-norm layers recomputed (0 when G has none).
   *
   * @example
   * ```ts
   * await gan.fit(data, { epochs: 5, callbacks: [ema] });
   * ema.recomputeBatchNormStatistics({ samples: 4096 });
   * const images = ema.generate({ labels: [7, 7, 7], seed: 1 });
   * ```
   */
  recomputeBatchNormStatistics(options: BatchNormStatisticsOptions = this.recomputeOptions): number {
    this.checkLive();
    const layers = recomputeBatchNormStatistics(this.shadow, this.info, options);
    this.statisticsCopied = false;
    return layers;
  }

  private refreshStatistics(): void {
    if (this.batchNormStatistics === 'recompute' && this.statisticsCopied) this.recomputeBatchNormStatistics();
  }

  /**
   * Generates images `[n, h, w, c]` in [-1, 1] from the averaged generator, in inference mode
   * (see {@link generateImages}); the caller disposes them.
   *
   * @example
   * ```ts
   * const grid = ema.generate({ count: 16, seed: 7 });
   * await saveImageGrid('ema.png', grid);
   * grid.dispose();
   * ```
   */
  generate(options: GenerateOptions): tf.Tensor4D {
    this.checkLive();
    return generateImages(this.shadow, this.info, options);
  }

  /**
   * Saves the averaged generator as a TensorFlow.js model: into a folder (`model.json` +
   * `weights.bin`, Node only; load it with `tf.loadLayersModel(fileSystemHandler(dir))`), to a
   * tfjs URL such as `'indexeddb://ema'` or `'downloads://ema'`, or through any tfjs IO handler.
   * Put it back into an {@link EmaGenerator} with {@link EmaGenerator.restore}.
   *
   * @example
   * ```ts
   * await ema.save('out/ema-generator');   // Node
   * await ema.save('indexeddb://ema');     // a web page
   * ```
   * @throws {@link NodeOnlyError} for a folder path in the browser.
   */
  async save(target: string | tf.io.IOHandler): Promise<void> {
    this.checkLive();
    await this.shadow.save(modelHandler(target, 'save', 'EmaGenerator.save(folder)'));
  }

  /**
   * Loads the weights saved by {@link EmaGenerator.save} into the shadow (e.g. after resuming a
   * run from a checkpoint).
   *
   * @example
   * ```ts
   * const gan = await loadGan('out/ckpt');
   * const ema = emaGenerator(gan);
   * await ema.restore('out/ema-generator');
   * ```
   * @throws {@link CheckpointError} when the saved model does not load or has other weights.
   * @throws {@link NodeOnlyError} for a folder path in the browser.
   */
  async restore(source: string | tf.io.IOHandler): Promise<void> {
    this.checkLive();
    const where = typeof source === 'string' ? source : 'the given IO handler';
    const handler = modelHandler(source, 'load', 'EmaGenerator.restore(folder)');
    let saved: tfl.LayersModel;
    try {
      saved = await tfl.loadLayersModel(handler);
    } catch (error) {
      if (error instanceof CheckpointError) throw error;
      throw new CheckpointError(where, `cannot load the averaged generator (${(error as Error).message})`);
    }
    try {
      this.setAverage(
        saved.weights.map((w) => w.read()),
        where,
      );
    } finally {
      saved.dispose();
    }
  }

  /**
   * Sets the shadow's weights to `weights` (in the order of `shadow.weights`; they stay the
   * caller's), as a checkpoint saved them: what {@link EmaGenerator.restore} and `Gan.restore` do.
   * @throws {@link CheckpointError} naming `where` when they are not as many or not of the shapes.
   * @internal
   */
  setAverage(weights: readonly tf.Tensor[], where: string): void {
    this.checkLive();
    if (
      weights.length !== this.pairs.length ||
      weights.some((w, i) => w.shape.join() !== this.pairs[i].shadow.shape.join())
    ) {
      throw new CheckpointError(where, 'holds a generator with other weights than this one');
    }
    tf.tidy(() => weights.forEach((w, i) => this.pairs[i].shadow.write(w)));
    this.statisticsCopied = false; // whatever statistics were saved with the average
  }

  /** Frees the shadow's weights (G is left alone). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.shadow.dispose();
  }

  private checkLive(): void {
    if (this.disposed) throw new GanConfigError('ema', 'this EmaGenerator has been disposed');
  }
}

/** A new model with `model`'s architecture (rebuilt from its config, synchronously), weights not yet copied. */
function cloneModel(model: tfl.LayersModel): tfl.LayersModel {
  const className = model.getClassName();
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) throw new GanConfigError('generator', `cannot rebuild a model of class '${className}'`);
  const [cls, fromConfig] = entry as unknown as [
    tf.serialization.SerializableConstructor<tfl.LayersModel>,
    (
      cls: unknown,
      config: tf.serialization.ConfigDict,
      customObjects: tf.serialization.ConfigDict,
      fastWeightInit: boolean,
    ) => tfl.LayersModel,
  ];
  const config = JSON.parse(JSON.stringify(model.getConfig())) as tf.serialization.ConfigDict;
  // fastWeightInit: the layers start at zeros instead of drawing random weights that are overwritten at once.
  return fromConfig(cls, config, {}, true);
}

/** What {@link training.emaGenerator} follows: a generator and what it takes (a {@link Gan} or a {@link training.GanTrainer}). */
export interface AveragedSource {
  /** The generator whose weights are averaged. */
  readonly generator: tfl.LayersModel;
  /** Its z size, classes, output range and codes. */
  readonly info: GeneratorInfo;
}

/**
 * Creates an {@link EmaGenerator} that follows `gan`'s generator (a {@link Gan} or a
 * {@link training.GanTrainer}): pass it to `fit` in `callbacks`, then sample the averaged G with
 * `ema.generate(...)`. (`gan.averageWeights(options)` makes one that the GAN itself trains, samples
 * from and saves in its checkpoints.)
 *
 * @example
 * ```ts
 * const gan = createCgan({ seed: 1 });
 * const ema = emaGenerator(gan, { decay: 0.999, startStep: 1000 });
 * await gan.fit(mnist, { epochs: 5, callbacks: [ema, sampleGrids(gan, { dir: 'out' })] });
 * const sevens = ema.generate({ labels: [7, 7, 7, 7] });
 * ```
 */
export function emaGenerator(gan: AveragedSource, options: EmaOptions = {}): EmaGenerator {
  return new EmaGenerator(gan.generator, gan.info, options);
}
