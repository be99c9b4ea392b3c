/**
 * CycleGAN (Zhu, Park, Isola & Efros 2017, "Unpaired Image-to-Image Translation using
 * Cycle-Consistent Adversarial Networks"): two generators G: X → Y and F: Y → X, two
 * discriminators D_X and D_Y, trained on unpaired images of two domains.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { DisposedError, GanConfigError } from '../../errors';
import { checkScalarLoss } from '../../losses/check-scalar-loss';
import { checkModelIdle, whileSaving } from '../../train/busy';
import { variableGradsClosingTape } from '../../train/variable-grads';
import { discriminatorUpdate } from '../../train/discriminator-update';
import type { ImageSource } from '../../data/image-source';
import type { GanLoss } from '../../losses/types';
import { withDropoutSeed } from '../../layers/seeded-dropout';
import { Rng } from '../../random';
import { createAdam } from '../../train/adam';
import type { TrainingCallback } from '../../train/callbacks';
import { fit, type FitLoopOptions } from '../../train/fit';
import { initialTrainingState, type StepData, type Trainable, type TrainingState } from '../../train/trainable';
import { checkCycleGanParts } from './check-parts';
import { writeCycleCheckpoint } from './checkpoint';
import {
  CYCLE_NETS,
  type CycleEpochProgress,
  type CycleGanBatch,
  type CycleGanConfig,
  type CycleGanData,
  type CycleGanModels,
  type CycleGanOptimizers,
  type CycleNet,
  type TranslationDirection,
} from './config';
import { ImagePool } from '../../train/image-pool';
import { cycleConsistencyLoss, identityLoss } from '../../losses/cycle';
import {
  CYCLE_LOG_FORMAT,
  CYCLE_LOG_NAMES,
  CYCLE_LOSS_NETS,
  type CycleGanEpochLogs,
  type CycleGanStepLogs,
} from './logs';
import { cycleStepData } from './step-data';
import { TrainingCounters } from '../../train/training-counters';

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
 * A CycleGAN's training callback (see {@link TrainingCallback}).
 *
 * @example
 * ```ts
 * const announce: CycleGanCallback = { onTrainBegin: (info) => console.log(`${info.stepsPerEpoch} steps per epoch`) };
 * ```
 */
export type CycleGanCallback = TrainingCallback<CycleGanStepLogs, CycleGanEpochLogs, CycleGan>;

function trainableVariables(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * A CycleGAN: G: X → Y and F: Y → X, D_X and D_Y, their four Adam optimizers, two history
 * buffers of generated images and a seeded random stream, with `fit()`, `translate()` and
 * `save()`. Build one with {@link createCycleGan}; restore one with {@link loadCycleGan}.
 *
 * One training step, on a batch x of X and a batch y of Y (the paper's §3–4, its code's order):
 *
 * 1. **G and F together**, one gradient over both nets' weights, of
 *    `L_adv(G; D_Y) + L_adv(F; D_X) + λ_cyc·(|F(G(x)) − x| + |G(F(y)) − y|) + λ_id·(|G(y) − y| + |F(x) − x|)`
 *    (see {@link losses.cycleConsistencyLoss}, {@link identityLoss}; the adversarial loss is
 *    {@link losses.cycleLeastSquaresLoss} unless another is given), D's weights fixed.
 * 2. **D_Y** on real y against G(x), and **D_X** on real x against F(y), where G(x) and F(y) are
 *    this step's fakes, passed through each discriminator's {@link training.ImagePool} of 50 earlier fakes.
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
 * const cycle = createCycleGan({ generator: { filters: 32, residualBlocks: 3 }, seed: 1 });
 * await cycle.fit(await loadMnist({ limit: 4000 }), await loadFashionMnist({ limit: 4000 }), { epochs: 2, batchSize: 8 });
 * const asClothes = cycle.translate(digits, 'xToY');
 * await cycle.save('out/cyclegan');
 * ```
 */
export class CycleGan extends TrainingCounters implements Trainable<CycleGanData, CycleGanBatch> {
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
  readonly logNames = CYCLE_LOG_NAMES;
  /** The logged losses, with the nets they train. */
  readonly lossNets = CYCLE_LOSS_NETS;
  /** How the shared callbacks show the six values. */
  readonly logFormat = CYCLE_LOG_FORMAT;
  private readonly variables: Record<CycleNet, tf.Variable[]>;
  private disposed = false;

  /** Prefer {@link createCycleGan} / {@link loadCycleGan}; this wires already-built parts together. */
  constructor(models: CycleGanModels, adversarial: GanLoss, config: CycleGanConfig) {
    super();
    const imageShape = checkCycleGanParts(models, adversarial, config);
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

  /** Where training stands inside an unfinished epoch (`null` between epochs), as CycleGAN checkpoints store it. */
  get epochProgress(): CycleEpochProgress | null {
    const p = this.state.progress;
    if (p === null) return null;
    const [shuffleSeedX, shuffleSeedY] = p.shuffleSeeds;
    return { steps: p.steps, shuffleSeedX, shuffleSeedY, totals: [...p.totals] as CycleEpochProgress['totals'] };
  }

  /** Sets the position inside an unfinished epoch (restoring a checkpoint). */
  set epochProgress(value: CycleEpochProgress | null) {
    this.state.progress =
      value === null
        ? null
        : { steps: value.steps, shuffleSeeds: [value.shuffleSeedX, value.shuffleSeedY], totals: [...value.totals] };
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
    this.checkUsable('CycleGan.translate');
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
        const { value: generatorLoss, grads } = variableGradsClosingTape(() => {
          const gx = G.apply(x, { training: true }) as tf.Tensor;
          const fy = F.apply(y, { training: true }) as tf.Tensor;
          const generatorLossOf = (logits: tf.Tensor): tf.Scalar =>
            checkScalarLoss(
              this.adversarial.generatorLoss(logits),
              `adversarial '${this.adversarial.name}'.generatorLoss`,
            );
          const adversarial = tf.add(
            generatorLossOf(DY.apply(gx, { training: true }) as tf.Tensor),
            generatorLossOf(DX.apply(fy, { training: true }) as tf.Tensor),
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
          const update = (net: 'discriminatorX' | 'discriminatorY', real: tf.Tensor, fake: tf.Tensor): tf.Scalar => {
            const own = [this.models[net], this.variables[net], this.optimizers[net]] as const;
            return discriminatorUpdate(...own, this.adversarial, real, fake);
          };
          const dY = update('discriminatorY', y, this.poolY.query(kept[0], this.rng));
          const dX = update('discriminatorX', x, this.poolX.query(kept[1], this.rng));
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

  /**
   * This CycleGAN's view of the two domains at `batchSize` (see {@link Trainable.stepData}): a
   * step takes one batch of each, from two streams shuffled independently (labels are ignored).
   * @throws {@link GanConfigError} for data of the wrong shape, or a batch larger than a domain.
   */
  stepData(data: CycleGanData, batchSize: number): StepData<CycleGanBatch> {
    return cycleStepData(this.config.imageShape, data, batchSize);
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
    this.checkUsable('CycleGan.fit');
    return fit<CycleGanData, CycleGanBatch, CycleGanStepLogs, CycleGanEpochLogs, CycleGan>(this, [dataX, dataY], {
      ...options,
      batchSize: options.batchSize ?? 1,
    });
  }

  /**
   * Saves the whole training state into the checkpoint directory `dir`: the four models
   * (`generatorXY/`, `generatorYX/`, `discriminatorX/`, `discriminatorY/`), the four optimizers'
   * state, both image pools (`pool-x.bin`, `pool-y.bin`), step, epoch, position inside the epoch,
   * random stream and config (`state.json`, a named-nets checkpoint of the family `cycle-gan`).
   * As for a GAN's checkpoints, everything is written into a temporary
   * sibling, flushed, listed with SHA-256 checksums in `manifest.json` and renamed into place, so
   * a crash leaves the old checkpoint or the new one. For a folder that keeps the last K, see
   * {@link io.saveCycleCheckpoint}.
   *
   * @example
   * ```ts
   * await cycle.save('out/cyclegan');
   * const again = await loadCycleGan('out/cyclegan');
   * ```
   * @throws {@link CheckpointError} when a weight or optimizer value is NaN or infinite (nothing is
   * written), or when writing fails.
   */
  async save(dir: string): Promise<void> {
    this.checkUsable('CycleGan.save');
    await whileSaving(this.state, 'CycleGan.save', () => writeCycleCheckpoint(this, dir));
  }

  /** Refuses `operation` on a disposed CycleGAN, whose tensors are gone. */
  private checkUsable(operation: string): void {
    if (this.disposed) throw new DisposedError(operation, 'CycleGAN');
  }

  /** Frees the models', optimizers' and pools' tensors once (a {@link ModelBusyError} while it trains or saves). */
  dispose(): void {
    if (this.disposed) return;
    checkModelIdle(this.state, 'CycleGan.dispose');
    this.disposed = true;
    for (const name of CYCLE_NETS) {
      this.models[name].dispose();
      this.optimizers[name].dispose();
    }
    this.poolX.dispose();
    this.poolY.dispose();
  }
}
