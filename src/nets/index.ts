export { mlpGenerator, mlpDiscriminator, type MlpGeneratorArgs, type MlpDiscriminatorArgs } from './mlp';
export { dcganGenerator, dcganDiscriminator, type DcganGeneratorArgs, type DcganDiscriminatorArgs, type Padding } from './dcgan';
export type { ActivationName, OutputActivation, NetCommonArgs, BatchNormArgs } from './common';
export { SeededDropout, withDropoutSeed, type SeededDropoutArgs } from './seeded-dropout';
