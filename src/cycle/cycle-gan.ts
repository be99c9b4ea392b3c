/**
 * CycleGAN (Zhu, Park, Isola & Efros 2017, "Unpaired Image-to-Image Translation using
 * Cycle-Consistent Adversarial Networks"): two generators G: X → Y and F: Y → X, two
 * discriminators D_X and D_Y, trained on unpaired images of two domains.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError, TrainingDivergedError } from '../errors';
import type { DataBatch, ImageDataset, ImageShape } from '../data/dataset';
import type { GanLoss } from '../losses/types';
import { lossConfig } from '../losses/registry';
import type { NamedConfig, PerNet } from '../gan';
import { checkImageShape } from '../nets/common';
import { withDropoutSeed } from '../nets/seeded-dropout';
import { Rng } from '../random';
import { createAdam, type AdamOptions } from '../train/trainer';
import { endTraining } from '../train/callbacks';
import { ImagePool } from './image-pool';
import { CycleLeastSquaresLoss, cycleConsistencyLoss, identityLoss } from './losses';
import { resnetGenerator, type ResnetGeneratorArgs } from './resnet-generator';
import { patchDiscriminator, type PatchDiscriminatorArgs } from './patch-discriminator';
import {
  CYCLE_NETS,
  writeCycleGanCheckpoint,
  type CycleEpochProgress,
  type CycleGanConfig,
  type CycleNet,
} from './checkpoint';
import type { CycleGanCallback, CycleGanEpochLogs, CycleGanStepLogs } from './callbacks';

/**
 * The four nets of a CycleGAN. Generators map `[n, h, w, c]` images in [-1, 1] to images of the
 * same shape; discriminators map images to logits of any shape (a patch map, or `[n, 1]`).
 *
 * @example
 * ```ts
 * const models: CycleGanModels = {
 *   generatorXY: resnetGenerator({ seed: 1 }), generatorYX: resnetGenerator({ seed: 2 }),
 *   discriminatorX: patchDiscriminator({ seed: 3 }), discriminatorY: patchDiscriminator({ seed: 4 }),
 * };
 * const cycle = createCycleGAN({ models });
 * ```
 */
export interface CycleGanModels {
  /** G: X → Y. */
  generatorXY: tfl.LayersModel;
  /** F: Y → X. */
  generatorYX: tfl.LayersModel;
  /** D_X: tells real X from F(y). */
  discriminatorX: tfl.LayersModel;
  /** D_Y: tells real Y from G(x). */
  discriminatorY: tfl.LayersModel;
}

/**
 * The four Adam optimizers of a CycleGAN, one per net (G and F share one gradient computation;
 * Adam being per-weight, two optimizers with the same settings are one optimizer over both).
 *
 * @example
 * ```ts
 * const lr = (cycle.optimizers.discriminatorY as tf.AdamOptimizer).getConfig().learningRate;
 * ```
 */
export type CycleGanOptimizers = Record<CycleNet, tf.Optimizer>;

/**
 * Options of {@link createCycleGAN}.
 *
 * @example
 * ```ts
 * const options: CreateCycleGanOptions = { generator: { filters: 16, residualBlocks: 3 }, lambdaIdentity: 0, seed: 1 };
 * const cycle = createCycleGAN(options);
 * ```
 */
export interface CreateCycleGanOptions {
  /** Shape of one image of either domain (default [28, 28, 1]). */
  imageShape?: ImageShape;
  /** Arguments of G and F's {@link resnetGenerator} (defaults: its own). */
  generator?: Omit<ResnetGeneratorArgs, 'imageShape' | 'seed' | 'name'>;
  /** Arguments of D_X and D_Y's {@link patchDiscriminator} (defaults: its own). */
  discriminator?: Omit<PatchDiscriminatorArgs, 'imageShape' | 'seed' | 'name'>;
  /** Your own four nets instead of the built ones (`generator` and `discriminator` are then ignored). */
  models?: CycleGanModels;
  /** The adversarial loss on D's logits (default {@link cycleLeastSquaresLoss}, the paper's LSGAN loss). */
  adversarial?: GanLoss;
  /** λ_cyc, the weight of the cycle-consistency loss (default 10). */
  lambdaCycle?: number;
  /** λ_id, the weight of the identity loss (default `0.5 · lambdaCycle`, as the paper's code; 0 skips it). */
  lambdaIdentity?: number;
  /** Generated images each discriminator's history buffer holds (default 50, the paper's; 0 turns it off). See {@link ImagePool}. */
  poolSize?: number;
  /** Adam settings of all four nets, or of the generators and the discriminators apart (default lr 2e-4, β1 0.5, β2 0.999). */
  optimizer?: AdamOptions | Partial<PerNet<AdamOptions>>;
  /** Seed of the weights, the shuffles and the history buffers (default: random). */
  seed?: number;
}

/**
 * Options of {@link CycleGan.fit}.
 *
 * @example
 * ```ts
 * const options: CycleGanFitOptions = { epochs: 2, batchSize: 8, callbacks: [cycleGanProgress()] };
 * await cycle.fit(mnist, fashion, options);
 * ```
 */
export interface CycleGanFitOptions {
  /** Number of epochs to reach (absolute: resuming at epoch 3 with epochs 5 runs 2 more). Default 1. */
  epochs?: number;
  /** Images of each domain per step (default 1, the paper's). */
  batchSize?: number;
  /** Callbacks, called in order (see {@link CycleGanCallback}). */
  callbacks?: CycleGanCallback[];
  /** Steps per epoch (default and maximum: full batches of the smaller domain). */
  stepsPerEpoch?: number;
}

/**
 * Which way {@link CycleGan.translate} goes: `xToY` with G, `yToX` with F.
 *
 * @example
 * ```ts
 * const direction: TranslationDirection = 'yToX';
 * const digits = cycle.translate(clothes, direction);
 * ```
 */
export type TranslationDirection = 'xToY' | 'yToX';

const LOSS_KEYS = [
  'generatorLoss',
  'adversarialLoss',
  'cycleLoss',
  'identityLoss',
  'discriminatorXLoss',
  'discriminatorYLoss',
] as const;

function splitOptimizer(optimizer: CreateCycleGanOptions['optimizer']): PerNet<AdamOptions> {
  if (optimizer !== undefined && ('generator' in optimizer || 'discriminator' in optimizer)) {
    const o = optimizer as Partial<PerNet<AdamOptions>>;
    return { generator: { ...o.generator }, discriminator: { ...o.discriminator } };
  }
  return { generator: { ...(optimizer as AdamOptions) }, discriminator: { ...(optimizer as AdamOptions) } };
}

function trainableVariables(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * A CycleGAN: G: X → Y and F: Y → X, D_X and D_Y, their four Adam optimizers, two history
 * buffers of generated images and a seeded random stream, with `fit()`, `translate()` and
 * `save()`. Build one with {@link createCycleGAN}; restore one with {@link loadCycleGAN}.
 *
 * One training step, on a batch x of X and a batch y of Y (the paper's §3–4, its code's order):
 *
 * 1. **G and F together**, one gradient over both nets' weights, of
 *    `L_adv(G; D_Y) + L_adv(F; D_X) + λ_cyc·(|F(G(x)) − x| + |G(F(y)) − y|) + λ_id·(|G(y) − y| + |F(x) − x|)`
 *    (see {@link cycleConsistencyLoss}, {@link identityLoss}; the adversarial loss is
 *    {@link cycleLeastSquaresLoss} unless another is given), D's weights fixed.
 * 2. **D_Y** on real y against G(x), and **D_X** on real x against F(y), where G(x) and F(y) are
 *    this step's fakes, passed through each discriminator's {@link ImagePool} of 50 earlier fakes.
 *
 * Each step runs inside `tf.tidy`; its six losses are read back after the step and a NaN or
 * infinite one stops training with a {@link TrainingDivergedError}. The shuffles of both domains
 * and the pools' draws come from {@link CycleGan.rng}, whose state checkpoints store with the
 * weights, optimizer moments, pools, step, epoch and position in the epoch, so a resumed run
 * repeats an uninterrupted one. The paper's learning-rate decay (linear to 0 over the second
 * half of training) is not built in.
 *
 * @example
 * ```ts
 * await initBackend();
 * const cycle = createCycleGAN({ generator: { filters: 32, residualBlocks: 3 }, seed: 1 });
 * await cycle.fit(await loadMnist({ limit: 4000 }), await loadFashionMnist({ limit: 4000 }), { epochs: 2, batchSize: 8 });
 * const asClothes = cycle.translate(digits, 'xToY');
 * await cycle.save('out/cyclegan');
 * ```
 */
export class CycleGan {
  /** G: X → Y. */
  readonly generatorXY: tfl.LayersModel;
  /** F: Y → X. */
  readonly generatorYX: tfl.LayersModel;
  /** D_X (real X against F(y)). */
  readonly discriminatorX: tfl.LayersModel;
  /** D_Y (real Y against G(x)). */
  readonly discriminatorY: tfl.LayersModel;
  /** The four nets by name. */
  readonly models: CycleGanModels;
  /** The four Adam optimizers, one per net. */
  readonly optimizers: CycleGanOptimizers;
  /** The adversarial loss. */
  readonly adversarial: GanLoss;
  /** The description stored in checkpoints. */
  readonly config: CycleGanConfig;
  /** The random stream of the shuffles and the pools; its state goes into checkpoints. */
  readonly rng: Rng;
  /** History of F(y), the fakes D_X is trained on. */
  readonly poolX: ImagePool;
  /** History of G(x), the fakes D_Y is trained on. */
  readonly poolY: ImagePool;
  /** Steps done so far. */
  step = 0;
  /** Epochs completed so far. */
  epoch = 0;
  /** Where training stands inside an unfinished epoch (`null` between epochs); saved in checkpoints. */
  epochProgress: CycleEpochProgress | null = null;
  private readonly variables: Record<CycleNet, tf.Variable[]>;
  private stopRequested = false;

  /** Prefer {@link createCycleGAN} / {@link loadCycleGAN}; this wires already-built parts together. */
  constructor(models: CycleGanModels, adversarial: GanLoss, config: CycleGanConfig) {
    const imageShape = checkImageShape(config.imageShape);
    for (const name of CYCLE_NETS) {
      const model = models[name];
      if (!(model instanceof tfl.LayersModel))
        throw new GanConfigError(`models.${name}`, 'expected a tfjs-layers model');
      const input = model.inputs[0].shape.slice(1);
      if (model.inputs.length !== 1 || input.some((d, i) => d !== imageShape[i])) {
        throw new GanConfigError(
          `models.${name}`,
          `takes [${model.inputs.map((t) => `[${t.shape.slice(1)}]`).join(', ')}]; expected one image input of shape [${imageShape}]`,
        );
      }
    }
    for (const name of ['generatorXY', 'generatorYX'] as const) {
      const out = models[name].outputs[0].shape.slice(1);
      if (models[name].outputs.length !== 1 || out.some((d, i) => d !== imageShape[i])) {
        throw new GanConfigError(
          `models.${name}`,
          `outputs [${out}]; a CycleGAN generator must output images of the input's shape [${imageShape}]`,
        );
      }
    }
    for (const key of ['discriminatorLoss', 'generatorLoss'] as const) {
      if (typeof (adversarial as unknown as Record<string, unknown>)?.[key] !== 'function')
        throw new GanConfigError('adversarial', `expected a GanLoss with a ${key}() method`);
    }
    if (adversarial.discriminatorPenalty !== undefined)
      throw new GanConfigError(
        'adversarial',
        `the loss '${adversarial.name}' has a discriminator penalty, which CycleGan does not apply; use a loss without one`,
      );
    for (const key of ['lambdaCycle', 'lambdaIdentity'] as const) {
      const v = config[key];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new GanConfigError(key, `expected a non-negative number, got ${String(v)}`);
    }
    this.models = { ...models };
    this.generatorXY = models.generatorXY;
    this.generatorYX = models.generatorYX;
    this.discriminatorX = models.discriminatorX;
    this.discriminatorY = models.discriminatorY;
    this.adversarial = adversarial;
    this.config = config;
    this.optimizers = {
      generatorXY: createAdam(config.optimizer.generator),
      generatorYX: createAdam(config.optimizer.generator),
      discriminatorX: createAdam(config.optimizer.discriminator),
      discriminatorY: createAdam(config.optimizer.discriminator),
    };
    this.variables = {
      generatorXY: trainableVariables(models.generatorXY),
      generatorYX: trainableVariables(models.generatorYX),
      discriminatorX: trainableVariables(models.discriminatorX),
      discriminatorY: trainableVariables(models.discriminatorY),
    };
    this.rng = new Rng(config.seed);
    this.poolX = new ImagePool(config.poolSize, imageShape);
    this.poolY = new ImagePool(config.poolSize, imageShape);
  }

  /** Asks a running {@link CycleGan.fit} to stop after the current step. */
  stopTraining(): void {
    this.stopRequested = true;
  }

  /**
   * Translates images `[n, h, w, c]` in [-1, 1]: X → Y with G (`xToY`) or Y → X with F (`yToX`),
   * in inference mode. Returns a new tensor (the caller disposes it).
   *
   * @example
   * ```ts
   * const clothes = cycle.translate(digits, 'xToY');
   * const back = cycle.translate(clothes, 'yToX');
   * ```
   */
  translate(images: tf.Tensor, direction: TranslationDirection): tf.Tensor4D {
    if (direction !== 'xToY' && direction !== 'yToX')
      throw new GanConfigError('direction', `expected 'xToY' or 'yToX', got '${String(direction)}'`);
    const model = direction === 'xToY' ? this.generatorXY : this.generatorYX;
    return tf.tidy(() => model.apply(images, { training: false }) as tf.Tensor4D);
  }

  /**
   * One training step on a batch of each domain (`[n, h, w, c]` in [-1, 1]; the two batches
   * may differ in size): the G/F update, then D_Y's and D_X's (see {@link CycleGan}). Returns a
   * kept tensor of the six losses in {@link CycleGanStepLogs} order (`generatorLoss`,
   * `adversarialLoss`, `cycleLoss`, `identityLoss`, `discriminatorXLoss`, `discriminatorYLoss`)
   * that the caller disposes; nothing else survives. Does not advance {@link CycleGan.step}.
   *
   * @example
   * ```ts
   * const losses = cycle.trainStep(xBatch, yBatch);
   * console.log(await losses.data());
   * losses.dispose();
   * ```
   */
  trainStep(x: tf.Tensor, y: tf.Tensor): tf.Tensor1D {
    return withDropoutSeed(this.rng.nextSeed(), () =>
      tf.tidy(() => {
        const { lambdaCycle, lambdaIdentity } = this.config;
        const [G, F, DX, DY] = [this.generatorXY, this.generatorYX, this.discriminatorX, this.discriminatorY];
        let parts: tf.Tensor | null = null;
        let fakeY: tf.Tensor | null = null;
        let fakeX: tf.Tensor | null = null;
        const generatorVariables = [...this.variables.generatorXY, ...this.variables.generatorYX];
        const { value: generatorLoss, grads } = tf.variableGrads(() => {
          const gx = G.apply(x, { training: true }) as tf.Tensor;
          const fy = F.apply(y, { training: true }) as tf.Tensor;
          const adversarial = tf.add(
            this.adversarial.generatorLoss(DY.apply(gx, { training: true }) as tf.Tensor),
            this.adversarial.generatorLoss(DX.apply(fy, { training: true }) as tf.Tensor),
          );
          const cycle =
            lambdaCycle === 0
              ? tf.scalar(0)
              : cycleConsistencyLoss(
                  {
                    x,
                    reconstructedX: F.apply(gx, { training: true }) as tf.Tensor,
                    y,
                    reconstructedY: G.apply(fy, { training: true }) as tf.Tensor,
                  },
                  lambdaCycle,
                );
          const identity =
            lambdaIdentity === 0
              ? tf.scalar(0)
              : identityLoss(
                  {
                    x,
                    fOfX: F.apply(x, { training: true }) as tf.Tensor,
                    y,
                    gOfY: G.apply(y, { training: true }) as tf.Tensor,
                  },
                  lambdaIdentity,
                );
          parts = tf.keep(tf.stack([adversarial, cycle, identity]));
          fakeY = tf.keep(gx);
          fakeX = tf.keep(fy);
          return tf.add(tf.add(adversarial, cycle), identity) as tf.Scalar;
        }, generatorVariables);
        this.apply('generatorXY', grads);
        this.apply('generatorYX', grads);
        tf.dispose(Object.values(grads));
        // D_Y on y against G(x), D_X on x against F(y): this step's fakes (constants here), through the pools.
        // (Tensors kept inside variableGrads survive every tidy: they are disposed here by hand.)
        const kept = [fakeY, fakeX, parts] as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
        try {
          const dY = this.discriminatorUpdate('discriminatorY', y, this.poolY.query(kept[0], this.rng));
          const dX = this.discriminatorUpdate('discriminatorX', x, this.poolX.query(kept[1], this.rng));
          return tf.concat([
            tf.reshape(generatorLoss, [1]),
            kept[2],
            tf.reshape(dX, [1]),
            tf.reshape(dY, [1]),
          ]) as tf.Tensor1D;
        } finally {
          tf.dispose(kept);
        }
      }),
    );
  }

  /** Applies the gradients of `net`'s variables (those in `grads`) with its optimizer. */
  private apply(net: CycleNet, grads: tf.NamedTensorMap): void {
    const own: tf.NamedTensorMap = {};
    for (const v of this.variables[net]) if (grads[v.name] !== undefined) own[v.name] = grads[v.name];
    this.optimizers[net].applyGradients(own);
  }

  /** One update of D_X or D_Y on real images against (pooled) fakes; returns its loss. */
  private discriminatorUpdate(net: 'discriminatorX' | 'discriminatorY', real: tf.Tensor, fake: tf.Tensor): tf.Scalar {
    const model = this.models[net];
    const { value, grads } = tf.variableGrads(
      () =>
        this.adversarial.discriminatorLoss(
          model.apply(real, { training: true }) as tf.Tensor,
          model.apply(fake, { training: true }) as tf.Tensor,
        ),
      this.variables[net],
    );
    this.optimizers[net].applyGradients(grads);
    tf.dispose(Object.values(grads));
    return value;
  }

  /**
   * Trains on unpaired images of the two domains until `epochs` epochs are complete (counting
   * from {@link CycleGan.epoch}, so a resumed CycleGAN continues where it stopped). Each epoch
   * shuffles both datasets independently (labels, if any, are ignored) and runs `stepsPerEpoch`
   * steps, by default as many as the smaller domain has full batches.
   *
   * @example
   * ```ts
   * const history = await cycle.fit(mnist, fashion, { epochs: 3, batchSize: 8, callbacks: [cycleGanProgress()] });
   * ```
   * @returns one {@link CycleGanEpochLogs} per epoch run.
   * @throws {@link GanConfigError} for a bad option or images of the wrong shape;
   * {@link TrainingDivergedError} when a loss becomes NaN or infinite.
   */
  async fit(dataX: ImageDataset, dataY: ImageDataset, options: CycleGanFitOptions = {}): Promise<CycleGanEpochLogs[]> {
    const { epochs = 1, batchSize = 1, callbacks = [] } = options;
    for (const [name, data] of [
      ['dataX', dataX],
      ['dataY', dataY],
    ] as const) {
      if (data === null || typeof data !== 'object' || typeof (data as ImageDataset).batches !== 'function')
        throw new GanConfigError(name, 'expected an ImageDataset (see ImageDataset.fromPixels / loadMnist)');
      const shape = data.imageShape;
      if (shape.some((d, i) => d !== this.config.imageShape[i]))
        throw new GanConfigError(name, `images are [${shape}] but the CycleGAN takes [${this.config.imageShape}]`);
    }
    if (!Number.isInteger(epochs) || epochs < 0)
      throw new GanConfigError('epochs', `expected a non-negative integer, got ${epochs}`);
    if (!Number.isInteger(batchSize) || batchSize <= 0)
      throw new GanConfigError('batchSize', `expected a positive integer, got ${batchSize}`);
    const smaller = Math.min(dataX.size, dataY.size);
    if (batchSize > smaller)
      throw new GanConfigError('batchSize', `${batchSize} is larger than the smaller dataset (${smaller} images)`);
    const fullSteps = Math.min(dataX.batchCount(batchSize), dataY.batchCount(batchSize));
    const stepsPerEpoch = Math.min(fullSteps, options.stepsPerEpoch ?? fullSteps);
    if (!Number.isInteger(stepsPerEpoch) || stepsPerEpoch <= 0)
      throw new GanConfigError('stepsPerEpoch', `expected a positive integer, got ${options.stepsPerEpoch}`);
    this.stopRequested = false;
    const history: CycleGanEpochLogs[] = [];
    let failure: unknown;
    try {
      for (const cb of callbacks)
        await cb.onTrainBegin?.({ cycleGan: this, initialEpoch: this.epoch, epochs, stepsPerEpoch, batchSize });
      while (this.epoch < epochs && !this.stopRequested) {
        const logs = await this.runEpoch(dataX, dataY, batchSize, stepsPerEpoch, callbacks);
        if (logs === null) break;
        history.push(logs);
        for (const cb of callbacks) await cb.onEpochEnd?.(logs);
      }
    } catch (error) {
      failure = error;
    }
    await endTraining(
      callbacks,
      { step: this.step, epoch: this.epoch, stopped: this.stopRequested || failure !== undefined },
      failure,
    );
    return history;
  }

  /** Runs (the rest of) one epoch; returns its logs, or `null` when stopped inside it. */
  private async runEpoch(
    dataX: ImageDataset,
    dataY: ImageDataset,
    batchSize: number,
    stepsPerEpoch: number,
    callbacks: CycleGanCallback[],
  ): Promise<CycleGanEpochLogs | null> {
    const started = Date.now();
    // A fresh epoch draws its two shuffle seeds; a resumed one continues the saved epoch where it stopped.
    const progress: CycleEpochProgress = this.epochProgress ?? {
      steps: 0,
      shuffleSeedX: this.rng.nextSeed(),
      shuffleSeedY: this.rng.nextSeed(),
      totals: [0, 0, 0, 0, 0, 0],
    };
    this.epochProgress = progress;
    const batchesX = dataX.batches(batchSize, { rng: new Rng(progress.shuffleSeedX), skipBatches: progress.steps });
    const batchesY = dataY.batches(batchSize, { rng: new Rng(progress.shuffleSeedY), skipBatches: progress.steps });
    try {
      while (progress.steps < stepsPerEpoch && !this.stopRequested) {
        const batch: DataBatch[] = [];
        let losses: Float32Array;
        try {
          batch.push(batchesX.next().value as DataBatch, batchesY.next().value as DataBatch);
          const stats = this.trainStep(batch[0].images, batch[1].images);
          try {
            losses = (await stats.data()) as Float32Array;
          } finally {
            stats.dispose();
          }
        } finally {
          for (const b of batch) tf.dispose([b.images, b.labels ?? []]);
        }
        this.step++;
        progress.steps++;
        const logs = { epoch: this.epoch, step: this.step } as CycleGanStepLogs;
        LOSS_KEYS.forEach((key, i) => {
          logs[key] = losses[i];
        });
        for (const [key, net] of [
          ['generatorLoss', 'generator'],
          ['discriminatorXLoss', 'discriminator'],
          ['discriminatorYLoss', 'discriminator'],
        ] as const) {
          if (!Number.isFinite(logs[key])) throw new TrainingDivergedError(this.step, net, logs[key]);
        }
        LOSS_KEYS.forEach((key, i) => {
          progress.totals[i] += logs[key];
        });
        for (const cb of callbacks) await cb.onBatchEnd?.(logs);
      }
    } finally {
      batchesX.return(undefined);
      batchesY.return(undefined);
    }
    if (progress.steps < stepsPerEpoch) return null; // stopped mid-epoch: the progress stays for a resume
    const n = progress.steps;
    const logs = {
      epoch: this.epoch,
      step: this.step,
      steps: n,
      seconds: (Date.now() - started) / 1000,
    } as CycleGanEpochLogs;
    LOSS_KEYS.forEach((key, i) => {
      logs[key] = progress.totals[i] / n;
    });
    this.epoch++;
    this.epochProgress = null;
    return logs;
  }

  /**
   * Saves the whole training state into the checkpoint directory `dir`: the four models
   * (`generatorXY/`, `generatorYX/`, `discriminatorX/`, `discriminatorY/`), the four optimizers'
   * state, both image pools, step, epoch, position inside the epoch, random stream and config
   * (`cyclegan.json`). As for a GAN's checkpoints, everything is written into a temporary
   * sibling, flushed, listed with SHA-256 checksums in `manifest.json` and renamed into place, so
   * a crash leaves the old checkpoint or the new one. For a folder that keeps the last K, see
   * {@link saveCycleCheckpoint}.
   *
   * @example
   * ```ts
   * await cycle.save('out/cyclegan');
   * const again = await loadCycleGAN('out/cyclegan');
   * ```
   * @throws {@link CheckpointError} when a weight or optimizer value is NaN or infinite (nothing is
   * written), or when writing fails.
   */
  async save(dir: string): Promise<void> {
    await writeCycleGanCheckpoint(this, dir);
  }

  /** Frees the models', optimizers' and pools' tensors. */
  dispose(): void {
    for (const name of CYCLE_NETS) {
      this.models[name].dispose();
      this.optimizers[name].dispose();
    }
    this.poolX.dispose();
    this.poolY.dispose();
  }
}

/** The config entry of an adversarial loss: CycleGAN's own, or a GAN loss's (see `lossConfig`). */
export function adversarialConfig(loss: GanLoss): NamedConfig {
  if (loss instanceof CycleLeastSquaresLoss) return { name: loss.name, builtin: true };
  return lossConfig(loss);
}

/**
 * Creates a CycleGAN (Zhu et al. 2017) for images of `imageShape` in both domains: G and F are
 * {@link resnetGenerator}s, D_X and D_Y {@link patchDiscriminator}s (or your own `models`), the
 * adversarial loss is the paper's least squares on patch maps ({@link cycleLeastSquaresLoss}),
 * λ_cyc = 10, λ_id = 5, history buffers of 50 images, Adam (2e-4, β1 0.5) for all four nets. The
 * defaults of the nets are the paper's 6-block generator and a 3-layer PatchGAN, sized for
 * 28×28; pass smaller `filters` and `residualBlocks` for CPU budgets.
 *
 * @example
 * ```ts
 * await initBackend();
 * const cycle = createCycleGAN({
 *   imageShape: [28, 28, 1],
 *   generator: { filters: 32, residualBlocks: 3 },
 *   discriminator: { filters: [32, 64, 128] },
 *   lambdaIdentity: 0,
 *   seed: 1,
 * });
 * ```
 * @throws {@link GanConfigError} for a bad option.
 */
export function createCycleGAN(options: CreateCycleGanOptions = {}): CycleGan {
  const imageShape = checkImageShape(options.imageShape ?? [28, 28, 1]);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new GanConfigError('seed', `expected a non-negative integer, got ${seed}`);
  const lambdaCycle = options.lambdaCycle ?? 10;
  const lambdaIdentity = options.lambdaIdentity ?? 0.5 * lambdaCycle;
  const poolSize = options.poolSize ?? 50;
  if (!Number.isInteger(poolSize) || poolSize < 0)
    throw new GanConfigError('poolSize', `expected a non-negative integer, got ${poolSize}`);
  const adversarial = options.adversarial ?? new CycleLeastSquaresLoss();
  const seeds = new Rng(seed);
  const custom = options.models !== undefined;
  const gArgs = { ...options.generator };
  const dArgs = { ...options.discriminator };
  const models: CycleGanModels = options.models ?? {
    generatorXY: resnetGenerator({ ...gArgs, imageShape, seed: seeds.nextSeed(), name: 'generatorXY' }),
    generatorYX: resnetGenerator({ ...gArgs, imageShape, seed: seeds.nextSeed(), name: 'generatorYX' }),
    discriminatorX: patchDiscriminator({ ...dArgs, imageShape, seed: seeds.nextSeed(), name: 'discriminatorX' }),
    discriminatorY: patchDiscriminator({ ...dArgs, imageShape, seed: seeds.nextSeed(), name: 'discriminatorY' }),
  };
  const config: CycleGanConfig = {
    imageShape,
    architecture: custom ? 'custom' : 'resnet-patchgan',
    ...(custom ? {} : { generator: gArgs as Record<string, unknown>, discriminator: dArgs as Record<string, unknown> }),
    adversarial: adversarialConfig(adversarial),
    lambdaCycle,
    lambdaIdentity,
    poolSize,
    optimizer: splitOptimizer(options.optimizer),
    seed,
  };
  return new CycleGan(models, adversarial, config);
}
