/**
 * `nets`: the generator and discriminator builders (MLP, DCGAN, ResNet, PatchGAN, U-Net,
 * super-resolution), each returning a tfjs `LayersModel`.
 *
 * @packageDocumentation
 */
export * from '../nets/index';
export { dcganPreset, DCGAN_PRESET_SIZES, type DcganPreset, type KernelInitializerName } from '../nets/dcgan';
export type { AuxiliaryHeadArgs } from '../nets/common';
export { MAX_LAYER_BYTES } from '../nets/common';
