/**
 * CycleGAN (Zhu, Park, Isola & Efros 2017, "Unpaired Image-to-Image Translation using
 * Cycle-Consistent Adversarial Networks"): two generators G: X → Y and F: Y → X, two
 * discriminators D_X and D_Y, trained on unpaired images of two domains.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { checkPositiveInteger } from '../core/checks';
import type { DataBatch, ImageSource, ImageShape } from '../data/image-source';
import type { GanLoss } from '../losses/types';
import { lossConfig } from '../losses/registry';
import type { NamedConfig, PerNet } from '../gan';
import { checkImageShape } from '../nets/common';
import { withDropoutSeed } from '../nets/seeded-dropout';
import { Rng } from '../random';
import { createAdam, type AdamOptions } from '../train/trainer';
import type { TrainingCallback } from '../train/callbacks';
import { fit, type FitLoopOptions } from '../train/fit';
import type { LogFormat } from '../train/log-format';
import { initialTrainingState, type StepData, type Trainable, type TrainingState } from '../train/trainable';
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
import type { CycleGanEpochLogs, CycleGanStepLogs } from './logs';

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
export interface CycleGanFitOptions extends Omit<
  FitLoopOptions<CycleGanStepLogs, CycleGanEpochLogs, CycleGan>,
  'runner'
> {
  /** Images of each domain per step (default 1, the paper's). */
  batchSize?: number;
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

const CYCLE_LOSS_NETS = {
  generatorLoss: 'generator',
  discriminatorXLoss: 'discriminator',
  discriminatorYLoss: 'discriminator',
} as const;

const CYCLE_LOG_FORMAT: Readonly<Record<string, LogFormat>> = {
  generatorLoss: { label: 'G+F', column: 'generator_loss' },
  adversarialLoss: { label: 'adv', column: 'adversarial_loss', loss: false },
  cycleLoss: { label: 'cyc', column: 'cycle_loss', loss: false },
  identityLoss: { label: 'id', column: 'identity_loss', loss: false },
  discriminatorXLoss: { label: 'D_X', column: 'discriminator_x_loss' },
  discriminatorYLoss: { label: 'D_Y', column: 'discriminator_y_loss' },
};

/** What {@link CycleGan} trains on through {@link fit}: the images of domain X and of domain Y. */
export type CycleGanData = readonly [ImageSource, ImageSource];

/** One CycleGAN step's batch: images `[n, h, w, c]` in [-1, 1] of each domain (the sizes may differ). */
export interface CycleGanBatch {
  /** Images of domain X. */
  x: tf.Tensor;
  /** Images of domain Y. */
  y: tf.Tensor;
}

/**
 * A CycleGAN's training callback (see {@link TrainingCallback}).
 *
 * @example
 * ```ts
 * const announce: CycleGanCallback = { onTrainBegin: (info) => console.log(`${info.stepsPerEpoch} steps per epoch`) };
 * ```
 */
export type CycleGanCallback = TrainingCallback<CycleGanStepLogs, CycleGanEpochLogs, CycleGan>;

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
export class CycleGan implements Trainable<CycleGanData, CycleGanBatch> {
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
  /** History of F(y), the fakes D_X is trained on. */
  readonly poolX: ImagePool;
  /** History of G(x), the fakes D_Y is trained on. */
  readonly poolY: ImagePool;
  /** Step, epoch, position inside an unfinished epoch and random stream (see {@link TrainingState}). */
  readonly state: TrainingState;
  /** Names of the six values each step logs (see {@link CycleGanStepLogs}). */
  readonly logNames = LOSS_KEYS;
  /** The logged losses, with the nets they train. */
  readonly lossNets = CYCLE_LOSS_NETS;
  /** How the shared callbacks show the six values. */
  readonly logFormat = CYCLE_LOG_FORMAT;
  private readonly variables: Record<CycleNet, tf.Variable[]>;

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
    this.state = initialTrainingState(new Rng(config.seed));
    this.poolX = new ImagePool(config.poolSize, imageShape);
    this.poolY = new ImagePool(config.poolSize, imageShape);
  }

  /** The random stream of the shuffles and the pools; its state goes into checkpoints. */
  get rng(): Rng {
    return this.state.rng;
  }

  /** Steps done so far. */
  get step(): number {
    return this.state.step;
  }

  set step(value: number) {
    this.state.step = value;
  }

  /** Epochs completed so far. */
  get epoch(): number {
    return this.state.epoch;
  }

  set epoch(value: number) {
    this.state.epoch = value;
  }

  /** Where training stands inside an unfinished epoch (`null` between epochs), as CycleGAN checkpoints store it. */
  get epochProgress(): CycleEpochProgress | null {
    const p = this.state.progress;
    if (p === null) return null;
    const [shuffleSeedX, shuffleSeedY] = p.shuffleSeeds;
    return { steps: p.steps, shuffleSeedX, shuffleSeedY, totals: [...p.totals] as CycleEpochProgress['totals'] };
  }

  set epochProgress(value: CycleEpochProgress | null) {
    this.state.progress =
      value === null
        ? null
        : { steps: value.steps, shuffleSeeds: [value.shuffleSeedX, value.shuffleSeedY], totals: [...value.totals] };
  }

  /** Asks a running {@link CycleGan.fit} to stop after the current step. */
  stopTraining(): void {
    this.state.stopRequested = true;
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
   * const losses = cycle.trainStep({ x: xBatch, y: yBatch });
   * console.log(await losses.data());
   * losses.dispose();
   * ```
   */
  trainStep({ x, y }: CycleGanBatch): tf.Tensor1D {
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
   * This CycleGAN's view of the two domains at `batchSize` (see {@link Trainable.stepData}): a
   * step takes one batch of each, from two streams shuffled independently (labels are ignored).
   * @throws {@link GanConfigError} for data of the wrong shape, or a batch larger than a domain.
   */
  stepData(data: CycleGanData, batchSize: number): StepData<CycleGanBatch> {
    if (!Array.isArray(data) || data.length !== 2)
      throw new GanConfigError('data', 'expected the two domains, [dataX, dataY]');
    const [dataX, dataY] = data;
    for (const [name, d] of [
      ['dataX', dataX],
      ['dataY', dataY],
    ] as const) {
      if (d === null || typeof d !== 'object' || typeof (d as ImageSource).batches !== 'function')
        throw new GanConfigError(
          name,
          'expected an image set (an ImageSource: ImageDataset.fromPixels, loadMnist, openImageFolder, openHdf5Images)',
        );
      const shape = d.imageShape;
      if (shape.some((v, i) => v !== this.config.imageShape[i]))
        throw new GanConfigError(name, `images are [${shape}] but the CycleGAN takes [${this.config.imageShape}]`);
    }
    checkPositiveInteger(batchSize, 'batchSize');
    const smaller = Math.min(dataX.size, dataY.size);
    if (batchSize > smaller)
      throw new GanConfigError('batchSize', `${batchSize} is larger than the smaller dataset (${smaller} images)`);
    const free = (batch: DataBatch): void => tf.dispose([batch.images, batch.labels ?? []]);
    return {
      fullSteps: Math.min(dataX.batchCount(batchSize), dataY.batchCount(batchSize)),
      streams: 2,
      open: ([seedX, seedY], skipSteps) => {
        const batchesX = dataX.batches(batchSize, { rng: new Rng(seedX), skipBatches: skipSteps });
        const batchesY = dataY.batches(batchSize, { rng: new Rng(seedY), skipBatches: skipSteps });
        return {
          next: () => {
            const x = batchesX.next().value as DataBatch;
            let y: DataBatch;
            try {
              y = batchesY.next().value as DataBatch;
            } catch (error) {
              free(x);
              throw error;
            }
            if (x.labels !== null) x.labels.dispose();
            if (y.labels !== null) y.labels.dispose();
            return { x: x.images, y: y.images };
          },
          close: () => {
            batchesX.return(undefined);
            batchesY.return(undefined);
          },
        };
      },
      dispose: (batch) => tf.dispose([batch.x, batch.y]),
    };
  }

  /**
   * Trains on unpaired images of the two domains until `epochs` epochs are complete (counting
   * from {@link CycleGan.epoch}, so a resumed CycleGAN continues where it stopped), through the
   * one training loop {@link fit}. Each epoch shuffles both datasets independently (labels, if
   * any, are ignored) and runs `stepsPerEpoch` steps, by default as many as the smaller domain
   * has full batches.
   *
   * @example
   * ```ts
   * const history = await cycle.fit(mnist, fashion, { epochs: 3, batchSize: 8, callbacks: [cycleGanProgress()] });
   * ```
   * @returns one {@link CycleGanEpochLogs} per epoch run.
   * @throws {@link GanConfigError} for a bad option or images of the wrong shape;
   * {@link TrainingDivergedError} when a loss becomes NaN or infinite.
   */
  async fit(dataX: ImageSource, dataY: ImageSource, options: CycleGanFitOptions = {}): Promise<CycleGanEpochLogs[]> {
    return fit<CycleGanData, CycleGanBatch, CycleGanStepLogs, CycleGanEpochLogs, CycleGan>(this, [dataX, dataY], {
      ...options,
      batchSize: options.batchSize ?? 1,
    });
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
