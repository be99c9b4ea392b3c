/**
 * What an image-to-image GAN's steps and epochs log: G's loss with its three parts, and D's loss,
 * named as {@link ImageToImageGan.logNames} lists them.
 *
 * @packageDocumentation
 */
import type { TrainingEpochLogs, TrainingLogs } from '../../train/callbacks';
import type { LogFormat } from '../../train/log-format';
import type { LossNets } from '../../train/trainable';

/**
 * What {@link ImageToImageGan.fit} reports after each step (one G update, then one D update).
 *
 * @example
 * ```ts
 * const log: ImageToImageCallback = { onBatchEnd: (l: ImageToImageStepLogs) => console.log(l.step, l.pixelLoss) };
 * ```
 */
export interface ImageToImageStepLogs extends TrainingLogs {
  /** G's loss: `adversarialLoss + pixelLoss + featureLoss`. */
  generatorLoss: number;
  /** The adversarial part, its weight included. */
  adversarialLoss: number;
  /** The pixel part (L1 or L2 to the target), its weight included. */
  pixelLoss: number;
  /** The feature part of the content loss, its weight included (0 without a feature net). */
  featureLoss: number;
  /** D's loss (real pairs against G's). */
  discriminatorLoss: number;
}

/**
 * What {@link ImageToImageGan.fit} reports after each epoch: the means of its step logs.
 *
 * @example
 * ```ts
 * const history: ImageToImageEpochLogs[] = await pix2pix.fit(pairs, { epochs: 2 });
 * console.log(history.map((h) => h.pixelLoss));
 * ```
 */
export interface ImageToImageEpochLogs extends ImageToImageStepLogs, TrainingEpochLogs {}

/** Names of the five values an image-to-image step logs, in the order {@link ImageToImageGan.trainStep} returns them. */
export const IMAGE_TO_IMAGE_LOG_NAMES = [
  'generatorLoss',
  'adversarialLoss',
  'pixelLoss',
  'featureLoss',
  'discriminatorLoss',
] as const;

/** The logged losses, with the nets they train (for the divergence check and the loss chart). */
export const IMAGE_TO_IMAGE_LOSS_NETS: LossNets = { generatorLoss: 'generator', discriminatorLoss: 'discriminator' };

/** How the shared callbacks (progress bar, loss log, loss chart) show the five values. */
export const IMAGE_TO_IMAGE_LOG_FORMAT: Readonly<Record<string, LogFormat>> = {
  generatorLoss: { label: 'G', column: 'generator_loss' },
  adversarialLoss: { label: 'adv', column: 'adversarial_loss', loss: false },
  pixelLoss: { label: 'pix', column: 'pixel_loss', loss: false },
  featureLoss: { label: 'feat', column: 'feature_loss', loss: false },
  discriminatorLoss: { label: 'D', column: 'discriminator_loss' },
};
