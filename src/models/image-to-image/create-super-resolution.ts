/**
 * {@link createSuperResolutionGan}: an SRGAN-style upscaler, a residual generator with sub-pixel
 * upsampling against a PatchGAN discriminator, trained on a content loss plus a small
 * adversarial term.
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
import {
  superResolutionGenerator,
  type SuperResolutionGeneratorArgs,
  type SuperResolutionScale,
} from '../../nets/super-resolution-generator';
import { assembleImageToImage, type SharedImageToImageOptions } from './create-common';
import type { ImageToImageGan } from './image-to-image-gan';

/**
 * Options of {@link createSuperResolutionGan}.
 *
 * @example
 * ```ts
 * const options: CreateSuperResolutionOptions = { inputShape: [16, 16, 3], scale: 4, generator: { filters: 32, residualBlocks: 4 }, seed: 1 };
 * const upscaler = createSuperResolutionGan(options);
 * ```
 */
export interface CreateSuperResolutionOptions extends SharedImageToImageOptions {
  /** Shape of one low-resolution input (default [16, 16, 3]). */
  inputShape?: ImageShape;
  /** Upscaling factor: 2, 4 (default, the paper's) or 8. */
  scale?: SuperResolutionScale;
  /** Arguments of G's {@link superResolutionGenerator} (defaults: its own, the paper's 16 blocks of 64 filters). */
  generator?: Omit<SuperResolutionGeneratorArgs, 'inputShape' | 'scale' | 'seed' | 'name'>;
  /** Arguments of D's {@link nets.patchDiscriminator} (defaults: its own, with batch norm as SRGAN's D). */
  discriminator?: Omit<PatchDiscriminatorArgs, 'imageShape' | 'seed' | 'name'>;
  /** Your own G and D instead of the built ones. */
  models?: ImageToImageModels;
  /** The adversarial loss (default {@link losses.NonSaturatingLoss}, SRGAN's). */
  adversarial?: GanLoss;
  /** Weight of the adversarial term (default 10⁻³, the paper's; 0 trains the SRResNet content loss alone). */
  adversarialWeight?: number;
  /** Pixel distance of the content loss (default `l2`, SRResNet's MSE). */
  pixelLoss?: 'l1' | 'l2';
  /** Weight of the pixel term (default 1). */
  pixelWeight?: number;
  /** A feature (perceptual) term: SRGAN's VGG loss, in a feature net of yours (no pretrained VGG ships). */
  content?: ContentFeatures;
  /** Whether D also sees the (upscaled) input beside the image (default false: SRGAN's D sees the image alone). */
  conditionalDiscriminator?: boolean;
  /** Adam settings of both nets, or of G and D apart (default lr 1e-4, β1 0.9, the paper's). */
  optimizer?: AdamOptions | Partial<PerNet<AdamOptions>>;
  /** Seed of the weights and the shuffles (default: random). */
  seed?: number;
}

/**
 * Creates an SRGAN-style upscaler (Ledig et al. 2017, "Photo-Realistic Single Image
 * Super-Resolution Using a Generative Adversarial Network"): G a {@link superResolutionGenerator}
 * (SRResNet: residual blocks, sub-pixel upsampling), D a {@link nets.patchDiscriminator} on the
 * high-resolution image (SRGAN's D ends in dense layers on one size; a patch map works at any
 * size for the same role), G's loss `pixelWeight·MSE + content·features + 10⁻³·L_adv`, Adam
 * (1e-4, β1 0.9) for both. Train it on pairs of a downsampled image and the image
 * (e.g. {@link datasets.derivePairs} with a resize).
 *
 * @example
 * ```ts
 * await initBackend();
 * const upscaler = createSuperResolutionGan({ inputShape: [16, 16, 3], scale: 4, generator: { filters: 32, residualBlocks: 4 }, seed: 1 });
 * await upscaler.fit(derivePairs(images, (y) => tf.image.resizeBilinear(y, [16, 16])), { epochs: 5, batchSize: 16 });
 * ```
 * @throws {@link GanConfigError} for a bad option.
 */
export function createSuperResolutionGan(options: CreateSuperResolutionOptions = {}): ImageToImageGan {
  const inputShape = checkImageShape(options.inputShape ?? [16, 16, 3], 'inputShape');
  const scale = options.scale ?? 4;
  if (scale !== 2 && scale !== 4 && scale !== 8)
    throw new GanConfigError('scale', `expected 2, 4 or 8, got ${JSON.stringify(scale)}`);
  const targetShape: ImageShape = [inputShape[0] * scale, inputShape[1] * scale, inputShape[2]];
  const generatorArgs = { ...options.generator };
  return assembleImageToImage(
    {
      family: 'super-resolution',
      architecture: 'srresnet-patchgan',
      inputShape,
      targetShape,
      generatorConfig: { ...generatorArgs, scale } as Record<string, unknown>,
      buildGenerator: (seed) =>
        superResolutionGenerator({ ...generatorArgs, inputShape, scale, seed, name: 'generator' }),
      adversarialWeight: options.adversarialWeight ?? 1e-3,
      conditionalDiscriminator: options.conditionalDiscriminator ?? false,
      pixelLoss: options.pixelLoss ?? 'l2',
      pixelWeight: options.pixelWeight ?? 1,
      adamDefaults: { learningRate: 1e-4, beta1: 0.9 },
    },
    options,
  );
}
