export { SeededDropout, withDropoutSeed, nextScopedSeed, type SeededDropoutArgs } from './seeded-dropout';
export {
  SpectralNormalization,
  type SpectralNormOptions,
  type SpectralDenseArgs,
  type SpectralConv2DArgs,
  type InitializerSpec,
  type LayerInitializer,
} from './spectral-normalization';
export { SpectralDense } from './spectral-dense';
export { SpectralConv2D } from './spectral-conv2d';
export { registerGankitLayers, GANKIT_LAYER_CLASSES } from './register';
export { ClassProjection, type ClassProjectionArgs, type ProjectionOptions } from './class-projection';
export { ConditionalBatchNorm, type ConditionalBatchNormArgs } from './conditional-batch-norm';
export { DiffAugment, type DiffAugmentArgs, type DiffAugmentPolicy } from './diff-augment';
export { InstanceNormalization, type InstanceNormalizationArgs } from './instance-norm';
export { ReflectionPadding2D, type ReflectionPadding2DArgs } from './reflection-padding';
export { DepthToSpace, type DepthToSpaceArgs } from './depth-to-space';
export { OneHot, type OneHotArgs } from './one-hot';
