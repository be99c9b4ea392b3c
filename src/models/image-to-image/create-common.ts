/**
 * What the image-to-image factories share: the assembly of a model from a recipe's decisions (its generator, its loss weights and defaults) with the PatchGAN D, the
 * config every checkpoint records and the optional feature term.
 *
 * @packageDocumentation
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { PerNet } from '../../core/types';
import type { ImageShape } from '../../data/image-source';
import { checkSeed } from '../../core/checks';
import { lossConfig } from '../../losses/registry';
import { NonSaturatingLoss } from '../../losses/non-saturating';
import type { GanLoss } from '../../losses/types';
import { patchDiscriminator, type PatchDiscriminatorArgs } from '../../nets/patch-discriminator';
import { Rng } from '../../random';
import { perNetAdam, type AdamOptions } from '../../train/adam';
import { judgedShape } from './check-parts';
import type { ContentFeatures, ImageToImageConfig, ImageToImageModels } from './config';
import { ImageToImageGan } from './image-to-image-gan';

/** The options every image-to-image factory takes in the same sense. */
export interface SharedImageToImageOptions {
  /** Arguments of D's patch discriminator (batch norm unless they say otherwise). */
  discriminator?: Omit<PatchDiscriminatorArgs, 'imageShape' | 'seed' | 'name'>;
  /** The user's own G and D instead of the built ones. */
  models?: ImageToImageModels;
  /** The adversarial loss (default non-saturating). */
  adversarial?: GanLoss;
  /** A feature (perceptual) term. */
  content?: ContentFeatures;
  /** Adam settings of both nets, or of G and D apart. */
  optimizer?: AdamOptions | Partial<PerNet<AdamOptions>>;
  /** Seed of the weights, shuffles and dropout (default: random). */
  seed?: number;
}

/**
 * What a factory decides; {@link assembleImageToImage} does the rest.
 * @internal
 */
export interface ImageToImageRecipe {
  family: ImageToImageConfig['family'];
  /** The built-in nets' name in the config (`custom` when the user brings the models). */
  architecture: string;
  inputShape: ImageShape;
  targetShape: ImageShape;
  /** G's arguments as the config records them. */
  generatorConfig: Record<string, unknown>;
  /** Builds G from a seed of the model's stream (not called for the user's own models). */
  buildGenerator: (seed: number) => tfl.LayersModel;
  adversarialWeight: number;
  conditionalDiscriminator: boolean;
  pixelLoss: ImageToImageConfig['pixelLoss'];
  pixelWeight: number;
  /** The recipe's Adam settings where the options give none. */
  adamDefaults?: AdamOptions;
}

/**
 * The model of `recipe` and the shared `options`: the config, G (the recipe's, seeded first), a
 * patch discriminator on what D judges (seeded second), the adversarial loss and the feature term.
 * @internal
 */
export function assembleImageToImage(recipe: ImageToImageRecipe, options: SharedImageToImageOptions): ImageToImageGan {
  const seed = options.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : checkSeed(options.seed);
  const adversarial = options.adversarial ?? new NonSaturatingLoss();
  const custom = options.models !== undefined;
  const dArgs = { normalization: 'batch' as const, ...options.discriminator };
  const content = options.content;
  const config: ImageToImageConfig = {
    family: recipe.family,
    inputShape: recipe.inputShape,
    targetShape: recipe.targetShape,
    architecture: custom ? 'custom' : recipe.architecture,
    ...(custom ? {} : { generator: recipe.generatorConfig, discriminator: dArgs as Record<string, unknown> }),
    adversarial: lossConfig(adversarial),
    adversarialWeight: recipe.adversarialWeight,
    conditionalDiscriminator: recipe.conditionalDiscriminator,
    pixelLoss: recipe.pixelLoss,
    pixelWeight: recipe.pixelWeight,
    ...(content === undefined
      ? {}
      : { content: { layers: [...content.layers], weight: content.weight, distance: content.distance ?? 'l2' } }),
    optimizer: perNetAdam(options.optimizer, recipe.adamDefaults),
    seed,
  };
  const seeds = new Rng(seed);
  const models: ImageToImageModels = options.models ?? {
    generator: recipe.buildGenerator(seeds.nextSeed()),
    discriminator: patchDiscriminator({
      ...dArgs,
      imageShape: judgedShape(config),
      seed: seeds.nextSeed(),
      name: 'discriminator',
    }),
  };
  return new ImageToImageGan(models, adversarial, config, content ?? null);
}
