/**
 * What describes an image-to-image GAN (pix2pix, super-resolution): its nets by name, the
 * JSON-serialisable config its checkpoints store, and the data one step takes.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageShape } from '../../data/image-source';
import type { PairBatch, PairedImageSource } from '../../data/paired-source';
import type { NamedConfig, PerNet } from '../../core/types';
import type { AdamOptions } from '../../train/adam';

/**
 * The nets of an image-to-image GAN. G maps inputs `[n, ...inputShape]` to outputs
 * `[n, ...targetShape]` in [-1, 1]; D maps a target-shaped image (with the input beside it in the
 * channels, when D is conditional) to logits of any shape (a patch map, or `[n, 1]`).
 *
 * @example
 * ```ts
 * const models: ImageToImageModels = {
 *   generator: unetGenerator({ inputShape: [32, 32, 1], outputChannels: 3, seed: 1 }),
 *   discriminator: patchDiscriminator({ imageShape: [32, 32, 4], seed: 2 }),
 * };
 * const pix2pix = createPix2Pix({ inputShape: [32, 32, 1], targetShape: [32, 32, 3], models });
 * ```
 */
export interface ImageToImageModels {
  /** G: input → output. */
  generator: tfl.LayersModel;
  /** D: real targets against G's outputs. */
  discriminator: tfl.LayersModel;
}

/**
 * The content loss's feature net (a perceptual loss, Johnson et al. 2016; SRGAN's VGG loss): a
 * frozen net whose activations at `layers` are compared between G's output and the target.
 *
 * @example
 * ```ts
 * const content: ContentFeatures = { model: featureNet, layers: ['conv2'], weight: 0.1 };
 * ```
 */
export interface ContentFeatures {
  /** The feature net (never trained here; saved with the checkpoint as `features/`). */
  model: tfl.LayersModel;
  /** The names of the layers whose outputs are compared. */
  layers: string[];
  /** The weight of the feature term in G's loss. */
  weight: number;
  /** Distance between feature maps (default `l2`, the papers'). */
  distance?: 'l1' | 'l2';
}

/**
 * The JSON-serialisable description of an image-to-image GAN, stored in every checkpoint.
 *
 * @example
 * ```ts
 * const pix2pix = createPix2Pix({ inputShape: [32, 32, 1], targetShape: [32, 32, 3], seed: 1 });
 * console.log(pix2pix.config.pixelWeight); // 100, the paper's λ
 * ```
 */
export interface ImageToImageConfig {
  /** Which recipe built it: `pix2pix`, `super-resolution`, or `custom`. */
  family: 'pix2pix' | 'super-resolution' | 'custom';
  /** Shape of one input image. */
  inputShape: ImageShape;
  /** Shape of one target (and output) image. */
  targetShape: ImageShape;
  /** How the nets were built (e.g. `unet-patchgan`), or `custom` when passed in. */
  architecture: string;
  /** The arguments G was built with (informational; the saved model is what loads). */
  generator?: Record<string, unknown>;
  /** The arguments D was built with (informational). */
  discriminator?: Record<string, unknown>;
  /** The adversarial loss: its name plus options. */
  adversarial: NamedConfig;
  /** Weight of the adversarial term in G's loss (pix2pix 1, SRGAN 10⁻³). */
  adversarialWeight: number;
  /**
   * Whether D sees the input beside the image it judges (pix2pix's conditional D); the input is
   * resized to the target's size (nearest neighbour) and concatenated on the channels.
   */
  conditionalDiscriminator: boolean;
  /** The pixel distance of the content loss: `l1` (pix2pix) or `l2` (SRResNet's MSE). */
  pixelLoss: 'l1' | 'l2';
  /** Weight of the pixel term in G's loss (pix2pix's λ = 100; 0 turns it off). */
  pixelWeight: number;
  /** The feature term of the content loss, when there is one (its net is saved beside G and D). */
  content?: {
    /** The feature net's layers whose outputs are compared. */
    layers: string[];
    /** The weight of the feature term in G's loss. */
    weight: number;
    /** How the features are compared. */
    distance: 'l1' | 'l2';
  };
  /** Adam settings of G (`generator`) and D (`discriminator`). */
  optimizer: PerNet<AdamOptions>;
  /** Seed the model was created with. */
  seed: number;
}

/** What {@link ImageToImageGan} trains on through {@link fit}: image pairs. */
export type ImageToImageData = PairedImageSource;

/** One step's batch: inputs and their targets. */
export type ImageToImageBatch = PairBatch;

/** The Adam optimizers of G and D. */
export type ImageToImageOptimizers = Record<'generator' | 'discriminator', tf.Optimizer>;
