export { mlpGenerator, mlpDiscriminator, type MlpGeneratorArgs, type MlpDiscriminatorArgs } from './mlp';
export {
  dcganGenerator,
  dcganDiscriminator,
  type DcganGeneratorArgs,
  type DcganDiscriminatorArgs,
  type Padding,
} from './dcgan';
export type {
  ActivationName,
  OutputActivation,
  NetCommonArgs,
  BatchNormArgs,
  DiscriminatorExtraArgs,
  GeneratorNormArgs,
} from './common';
export { SeededDropout, withDropoutSeed, nextScopedSeed, type SeededDropoutArgs } from './seeded-dropout';
export {
  SpectralNormalization,
  SpectralDense,
  SpectralConv2D,
  spectralNorm,
  type SpectralNormOptions,
  type SpectralDenseArgs,
  type SpectralConv2DArgs,
  type InitializerSpec,
  type LayerInitializer,
} from './spectral-norm';
export { registerGankitLayers, GANKIT_LAYER_CLASSES } from './custom-layers';
export { ClassProjection, type ClassProjectionArgs, type ProjectionOptions } from './projection';
export { ConditionalBatchNorm, type ConditionalBatchNormArgs } from './conditional-batch-norm';
export { DiffAugment, type DiffAugmentArgs, type DiffAugmentPolicy } from './diff-augment';
