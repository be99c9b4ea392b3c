/**
 * {@link createPix2Pix}: paired image-to-image translation with a U-Net generator and a
 * conditional PatchGAN discriminator, the paper's losses and settings.
 *
 * @packageDocumentation
 */
import type { PerNet } from '../../core/types';
import type { ImageShape } from '../../data/image-source';
import type { GanLoss } from '../../losses/types';
import type { PatchDiscriminatorArgs } from '../../nets/patch-discriminator';
import type { AdamOptions } from '../../train/adam';
import type { ContentFeatures, ImageToImageModels } from './config';
import { GanConfigError } from '../../errors';
import { checkImageShape } from '../../nets/common';
import { unetGenerator, type UnetGeneratorArgs } from '../../nets/unet-generator';
import { assembleImageToImage, type SharedImageToImageOptions } from './create-common';
import type { ImageToImageGan } from './image-to-image-gan';

/**
 * Options of {@link createPix2Pix}.
 *
 * @example
 * ```ts
 * const options: CreatePix2PixOptions = { inputShape: [32, 32, 1], targetShape: [32, 32, 3], generator: { filters: 32 }, seed: 1 };
 * const pix2pix = createPix2Pix(options);
 * ```
 */
export interface CreatePix2PixOptions extends SharedImageToImageOptions {
  /** Shape of one input image (default [32, 32, 1]). */
  inputShape?: ImageShape;
  /** Shape of one target image (default: the input's size, 3 channels). Its size must be the input's. */
  targetShape?: ImageShape;
  /** Arguments of G's {@link unetGenerator} (defaults: its own, the paper's k = 64 and dropout 0.5). */
  generator?: Omit<UnetGeneratorArgs, 'inputShape' | 'outputChannels' | 'seed' | 'name'>;
  /** Arguments of D's {@link nets.patchDiscriminator} (defaults: its own, with batch norm as the paper's). */
  discriminator?: Omit<PatchDiscriminatorArgs, 'imageShape' | 'seed' | 'name'>;
  /** Your own G and D instead of the built ones (`generator` and `discriminator` are then ignored). */
  models?: ImageToImageModels;
  /** The adversarial loss (default {@link losses.NonSaturatingLoss}, the paper's cGAN objective on patch logits). */
  adversarial?: GanLoss;
  /** λ, the weight of the L1 term (default 100, the paper's; 0 trains the cGAN term alone). */
  lambdaL1?: number;
  /** Weight of the cGAN term (default 1; 0 trains the U-Net on L1 alone, the paper's baseline). */
  adversarialWeight?: number;
  /** Whether D sees the input beside the image (default true, the paper's conditional D). */
  conditionalDiscriminator?: boolean;
  /** A perceptual term on top (not in the paper; off by default). */
  content?: ContentFeatures;
  /** Adam settings of both nets, or of G and D apart (default lr 2e-4, β1 0.5, the paper's). */
  optimizer?: AdamOptions | Partial<PerNet<AdamOptions>>;
  /** Seed of the weights, the shuffles and the dropout (default: random). */
  seed?: number;
}

/**
 * Creates a pix2pix model (Isola, Zhu, Zhou & Efros 2017, "Image-to-Image Translation with
 * Conditional Adversarial Networks"): G a {@link unetGenerator} whose dropout is the noise, D a
 * conditional {@link nets.patchDiscriminator} that judges (input, image) pairs patch by patch, G's
 * loss the cGAN term plus λ·‖G(x) − y‖₁ with λ = 100, Adam (2e-4, β1 0.5) for both. D's loss is
 * not halved as in the paper (which slows D relative to G); halve D's learning rate for that.
 * Train it with `fit(pairs)` on a {@link datasets.PairedImageSource}.
 *
 * @example
 * ```ts
 * await initBackend();
 * const pix2pix = createPix2Pix({ inputShape: [32, 32, 1], targetShape: [32, 32, 3], generator: { filters: 32 }, seed: 1 });
 * await pix2pix.fit(derivePairs(images, (y) => sobelEdges(y)), { epochs: 10, batchSize: 16 });
 * ```
 * @throws {@link GanConfigError} for a bad option (e.g. a target of another size than the input).
 */
export function createPix2Pix(options: CreatePix2PixOptions = {}): ImageToImageGan {
  const inputShape = checkImageShape(options.inputShape ?? [32, 32, 1], 'inputShape');
  const targetShape = checkImageShape(options.targetShape ?? [inputShape[0], inputShape[1], 3], 'targetShape');
  if (targetShape[0] !== inputShape[0] || targetShape[1] !== inputShape[1])
    throw new GanConfigError(
      'targetShape',
      `is [${targetShape}], but pix2pix's U-Net keeps the input's size [${inputShape[0]}, ${inputShape[1]}]; for another size use createSuperResolutionGan or your own models`,
    );
  const generatorArgs = { ...options.generator };
  return assembleImageToImage(
    {
      family: 'pix2pix',
      architecture: 'unet-patchgan',
      inputShape,
      targetShape,
      generatorConfig: generatorArgs as Record<string, unknown>,
      buildGenerator: (seed) =>
        unetGenerator({ ...generatorArgs, inputShape, outputChannels: targetShape[2], seed, name: 'generator' }),
      adversarialWeight: options.adversarialWeight ?? 1,
      conditionalDiscriminator: options.conditionalDiscriminator ?? true,
      pixelLoss: 'l1',
      pixelWeight: options.lambdaL1 ?? 100,
    },
    options,
  );
}
