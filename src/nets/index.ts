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
export { spectralNorm } from './spectral-norm';
export { resnetGenerator, type ResnetGeneratorArgs } from './resnet-generator';
export { patchDiscriminator, type PatchDiscriminatorArgs } from './patch-discriminator';
export type { CycleNormalization } from './conv-blocks';
export { unetGenerator, type UnetGeneratorArgs } from './unet-generator';
export {
  superResolutionGenerator,
  type SuperResolutionGeneratorArgs,
  type SuperResolutionScale,
  type SuperResolutionNormalization,
} from './super-resolution-generator';
