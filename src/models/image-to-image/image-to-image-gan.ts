/**
 * A GAN that learns a mapping between paired images: pix2pix (Isola et al. 2017) and SRGAN-style
 * super-resolution (Ledig et al. 2017) are two recipes of it.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { DisposedError } from '../../errors';
import { checkScalarLoss } from '../../losses/check-scalar-loss';
import { featureExtractor, featureLoss, meanAbsoluteError, meanSquaredError } from '../../losses/content';
import type { GanLoss } from '../../losses/types';
import { withDropoutSeed } from '../../layers/seeded-dropout';
import { Rng } from '../../random';
import { createAdam } from '../../train/adam';
import { checkModelIdle, whileSaving } from '../../train/busy';
import type { TrainingCallback } from '../../train/callbacks';
import { discriminatorUpdate } from '../../train/discriminator-update';
import { fit, type FitLoopOptions } from '../../train/fit';
import type { CheckpointNet, NetsCheckpointContents } from '../../train/checkpoint-net';
import { nodeService } from '../../platform';
import { initialTrainingState, type StepData, type Trainable, type TrainingState } from '../../train/trainable';
import { variableGradsClosingTape } from '../../train/variable-grads';
import { checkImageToImageParts } from './check-parts';
import type {
  ContentFeatures,
  ImageToImageBatch,
  ImageToImageConfig,
  ImageToImageData,
  ImageToImageModels,
  ImageToImageOptimizers,
} from './config';
import {
  IMAGE_TO_IMAGE_LOG_FORMAT,
  IMAGE_TO_IMAGE_LOG_NAMES,
  IMAGE_TO_IMAGE_LOSS_NETS,
  type ImageToImageEpochLogs,
  type ImageToImageStepLogs,
} from './logs';
import { pairedStepData } from './step-data';
import { TrainingCounters } from '../../train/training-counters';

declare module '../../platform' {
  interface NodeServices {
    /** Writes a named-nets checkpoint folder (see `ImageToImageGan.save`). */
    saveNetsCheckpoint(contents: NetsCheckpointContents<unknown>, dir: string): Promise<void>;
  }
}

/** The family name image-to-image checkpoints carry. @internal */
export const IMAGE_TO_IMAGE_FAMILY = 'image-to-image';

/**
 * Options of {@link ImageToImageGan.fit}: those of the shared loop {@link fit}.
 *
 * @example
 * ```ts
 * const options: ImageToImageFitOptions = { epochs: 10, batchSize: 16, callbacks: [progressBar()] };
 * await pix2pix.fit(pairs, options);
 * ```
 */
export type ImageToImageFitOptions = Omit<
  FitLoopOptions<ImageToImageStepLogs, ImageToImageEpochLogs, ImageToImageGan>,
  'runner'
>;

/**
 * An image-to-image GAN's training callback (see {@link TrainingCallback}).
 *
 * @example
 * ```ts
 * const announce: ImageToImageCallback = { onEpochEnd: (logs) => console.log(logs.epoch, logs.pixelLoss) };
 * ```
 */
export type ImageToImageCallback = TrainingCallback<ImageToImageStepLogs, ImageToImageEpochLogs, ImageToImageGan>;

const trainableVariables = (model: tfl.LayersModel): tf.Variable[] =>
  model.trainableWeights.map((w) => w.read() as tf.Variable);

/**
 * A GAN over paired images: a generator G from inputs to outputs, a discriminator D, their Adam
 * optimizers and a seeded random stream, with `fit()`, `translate()` and `save()`. Build one with
 * {@link createPix2Pix} or {@link createSuperResolutionGan}; restore one with {@link loadImageToImageGan}.
 *
 * One training step on a batch of inputs x and targets y:
 *
 * 1. **G**, D's weights fixed, on
 *    `L_G = w_adv · L_adv(D(x, G(x))) + w_pix · ‖G(x) − y‖ + w_feat · Σ_l ‖φ_l(G(x)) − φ_l(y)‖²`:
 *    the adversarial term of the loss given (pix2pix's cGAN term with w_adv = 1; SRGAN's with
 *    10⁻³), the pixel distance (L1 with pix2pix's λ = 100, or SRResNet's mean squared error) and,
 *    with a feature net φ, the perceptual term (see {@link featureLoss}).
 * 2. **D** on real pairs (x, y) against (x, G(x)), with this step's G(x) held constant. A
 *    conditional D (pix2pix) sees the input beside the image, on the channels; an unconditional
 *    one (SRGAN) sees the image alone.
 *
 * G is run once per step and its output serves both updates (the paper's code updates D first
 * on the same output; the order changes only which D the G update sees). Dropout in G (pix2pix's
 * noise) is drawn from the checkpointed random stream, so a resumed run repeats an uninterrupted
 * one. Each step runs inside `tf.tidy`.
 *
 * @example
 * ```ts
 * await initBackend();
 * const pix2pix = createPix2Pix({ inputShape: [32, 32, 1], targetShape: [32, 32, 3], seed: 1 });
 * await pix2pix.fit(derivePairs(images, (y) => sobelEdges(y)), { epochs: 5, batchSize: 16 });
 * const made = pix2pix.translate(edges);
 * await pix2pix.save('out/pix2pix');
 * ```
 */
export class ImageToImageGan extends TrainingCounters implements Trainable<ImageToImageData, ImageToImageBatch> {
  /** G: input → output. */
  readonly generator: tfl.LayersModel;
  /** D: real targets against G's outputs. */
  readonly discriminator: tfl.LayersModel;
  /** The Adam optimizers of G and D. */
  readonly optimizers: ImageToImageOptimizers;
  /** The adversarial loss. */
  readonly adversarial: GanLoss;
  /** The feature term of the content loss, or `null`. */
  readonly content: ContentFeatures | null;
  /** The description stored in checkpoints. */
  readonly config: ImageToImageConfig;
  /** Step, epoch, position inside an unfinished epoch and random stream (see {@link TrainingState}). */
  readonly state: TrainingState;
  /** Names of the five values each step logs (see {@link ImageToImageStepLogs}). */
  readonly logNames = IMAGE_TO_IMAGE_LOG_NAMES;
  /** The logged losses, with the nets they train. */
  readonly lossNets = IMAGE_TO_IMAGE_LOSS_NETS;
  /** How the shared callbacks show the five values. */
  readonly logFormat = IMAGE_TO_IMAGE_LOG_FORMAT;
  private readonly generatorVariables: tf.Variable[];
  private readonly discriminatorVariables: tf.Variable[];
  private readonly features: ((images: tf.Tensor4D) => tf.Tensor[]) | null;
  private disposed = false;

  /** Prefer {@link createPix2Pix} / {@link createSuperResolutionGan} / {@link loadImageToImageGan}; this wires built parts together. */
  constructor(
    models: ImageToImageModels,
    adversarial: GanLoss,
    config: ImageToImageConfig,
    content: ContentFeatures | null = null,
  ) {
    super();
    checkImageToImageParts(models, adversarial, config, content);
    this.generator = models.generator;
    this.discriminator = models.discriminator;
    this.adversarial = adversarial;
    this.config = config;
    this.content = content;
    this.features = content === null ? null : featureExtractor(content.model, content.layers);
    this.optimizers = {
      generator: createAdam(config.optimizer.generator),
      discriminator: createAdam(config.optimizer.discriminator),
    };
    this.generatorVariables = trainableVariables(models.generator);
    this.discriminatorVariables = trainableVariables(models.discriminator);
    this.state = initialTrainingState(new Rng(config.seed));
  }

  /** The nets as checkpoints name them: `generator`, `discriminator` and, with a feature net, `features`. */
  get nets(): Readonly<Record<string, CheckpointNet>> {
    return {
      generator: { model: this.generator, optimizer: this.optimizers.generator },
      discriminator: { model: this.discriminator, optimizer: this.optimizers.discriminator },
      ...(this.content === null ? {} : { features: { model: this.content.model, optimizer: null } }),
    };
  }

  /**
   * G's outputs for `inputs` (`[n, ...inputShape]` in [-1, 1]), in inference mode (no dropout,
   * batch norm's moving statistics). Returns a new tensor the caller disposes.
   *
   * @example
   * ```ts
   * const large = upscaler.translate(small); // [n, 64, 64, 3] from [n, 16, 16, 3]
   * ```
   */
  translate(inputs: tf.Tensor4D): tf.Tensor4D {
    this.checkUsable('ImageToImageGan.translate');
    return tf.tidy(() => this.generator.apply(inputs, { training: false }) as tf.Tensor4D);
  }

  /** What D judges: `images`, with `inputs` resized to their size beside them when D is conditional. */
  private judged(inputs: tf.Tensor4D, images: tf.Tensor): tf.Tensor {
    if (!this.config.conditionalDiscriminator) return images;
    const [h, w] = this.config.targetShape;
    const resized =
      inputs.shape[1] === h && inputs.shape[2] === w ? inputs : tf.image.resizeNearestNeighbor(inputs, [h, w]);
    return tf.concat([resized, images], 3);
  }

  /**
   * One training step on a batch of pairs: the G update, then D's (see {@link ImageToImageGan}).
   * Returns a kept tensor of the five losses in {@link ImageToImageStepLogs} order that the caller
   * disposes; nothing else survives. Does not advance {@link ImageToImageGan.step}.
   *
   * @example
   * ```ts
   * const losses = pix2pix.trainStep({ inputs, targets });
   * console.log(await losses.data());
   * losses.dispose();
   * ```
   */
  trainStep({ inputs, targets }: ImageToImageBatch): tf.Tensor1D {
    return withDropoutSeed(this.state.rng.nextSeed(), () =>
      tf.tidy(() => {
        const { adversarialWeight, pixelWeight, pixelLoss } = this.config;
        let parts: tf.Tensor | null = null;
        let fake: tf.Tensor | null = null;
        const { value: generatorLoss, grads } = variableGradsClosingTape(() => {
          const made = this.generator.apply(inputs, { training: true }) as tf.Tensor4D;
          const logits = this.discriminator.apply(this.judged(inputs, made), { training: true }) as tf.Tensor;
          const adversarial = tf.mul(
            checkScalarLoss(
              this.adversarial.generatorLoss(logits),
              `adversarial '${this.adversarial.name}'.generatorLoss`,
            ),
            adversarialWeight,
          );
          const pixel =
            pixelWeight === 0
              ? tf.scalar(0)
              : tf.mul(
                  pixelLoss === 'l1' ? meanAbsoluteError(made, targets) : meanSquaredError(made, targets),
                  pixelWeight,
                );
          const content = this.content;
          const feature =
            content === null || this.features === null || content.weight === 0
              ? tf.scalar(0)
              : tf.mul(
                  featureLoss(this.features, made, targets, { distance: content.distance ?? 'l2' }),
                  content.weight,
                );
          parts = tf.keep(tf.stack([adversarial, pixel, feature]));
          fake = tf.keep(made);
          return tf.addN([adversarial, pixel, feature]) as tf.Scalar;
        }, this.generatorVariables);
        this.optimizers.generator.applyGradients(grads);
        tf.dispose(Object.values(grads));
        // Tensors kept inside variableGrads survive every tidy: they are disposed here by hand.
        const kept = [fake, parts] as unknown as [tf.Tensor, tf.Tensor];
        try {
          const discriminatorLoss = discriminatorUpdate(
            this.discriminator,
            this.discriminatorVariables,
            this.optimizers.discriminator,
            this.adversarial,
            this.judged(inputs, targets),
            this.judged(inputs, kept[0]),
          );
          return tf.concat([
            tf.reshape(generatorLoss, [1]),
            kept[1],
            tf.reshape(discriminatorLoss, [1]),
          ]) as tf.Tensor1D;
        } finally {
          tf.dispose(kept);
        }
      }),
    );
  }

  /**
   * This model's view of `data` at `batchSize` (see {@link Trainable.stepData}).
   * @throws {@link GanConfigError} for pairs of other shapes than the model's, or a batch larger than the set.
   */
  stepData(data: ImageToImageData, batchSize: number): StepData<ImageToImageBatch> {
    return pairedStepData(this.config.inputShape, this.config.targetShape, data, batchSize);
  }

  /**
   * Trains on image pairs until `epochs` epochs are complete (counting from
   * {@link ImageToImageGan.epoch}, so a resumed model continues where it stopped), through the
   * one training loop {@link fit}.
   *
   * @example
   * ```ts
   * const history = await pix2pix.fit(pairs, { epochs: 3, batchSize: 16, callbacks: [progressBar()] });
   * ```
   * @returns one {@link ImageToImageEpochLogs} per epoch run.
   * @throws {@link GanConfigError} for a bad option or pairs of the wrong shapes;
   * {@link TrainingDivergedError} when a loss becomes NaN or infinite.
   */
  async fit(data: ImageToImageData, options: ImageToImageFitOptions = {}): Promise<ImageToImageEpochLogs[]> {
    this.checkUsable('ImageToImageGan.fit');
    return fit<ImageToImageData, ImageToImageBatch, ImageToImageStepLogs, ImageToImageEpochLogs, ImageToImageGan>(
      this,
      data,
      options,
    );
  }

  /**
   * Saves the whole training state into the checkpoint directory `dir`: G, D (and the feature
   * net), both optimizers' state, step, epoch, position inside the epoch, random stream and config
   * (`state.json`), written into a temporary sibling, listed with SHA-256 checksums and renamed
   * into place, so a crash leaves the old checkpoint or the new one. For a folder that keeps the
   * last K, see {@link io.saveCheckpoint}.
   *
   * @example
   * ```ts
   * await pix2pix.save('out/pix2pix');
   * const again = await loadImageToImageGan('out/pix2pix');
   * ```
   * @throws {@link CheckpointError} when a weight or optimizer value is NaN or infinite (nothing is
   * written), or when writing fails.
   */
  async save(dir: string): Promise<void> {
    this.checkUsable('ImageToImageGan.save');
    const write = nodeService('saveNetsCheckpoint', 'ImageToImageGan.save');
    await whileSaving(this.state, 'ImageToImageGan.save', () =>
      write({ family: IMAGE_TO_IMAGE_FAMILY, config: this.config, state: this.state, nets: this.nets }, dir),
    );
  }

  private checkUsable(operation: string): void {
    if (this.disposed) throw new DisposedError(operation, 'image-to-image GAN');
  }

  /** Frees the nets' and optimizers' tensors once (a {@link ModelBusyError} while it trains or saves). */
  dispose(): void {
    if (this.disposed) return;
    checkModelIdle(this.state, 'ImageToImageGan.dispose');
    this.disposed = true;
    this.generator.dispose();
    this.discriminator.dispose();
    this.content?.model.dispose();
    this.optimizers.generator.dispose();
    this.optimizers.discriminator.dispose();
  }
}
