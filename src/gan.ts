/**
 * The GAN model, its config and its factories (src/models/gan/), under their former module path.
 *
 * @packageDocumentation
 */
export type { NamedConfig, PerNet } from './core/types';
export type { Architecture, GanConfig, LoadGanOptions } from './models/gan/config';
export { Gan, namedOptimizers, type GanFitOptions, type RollbackInfo, type RollbackOptions } from './models/gan/gan';
export { createGAN, createCGAN, type CreateGanOptions, type CreateCganOptions } from './models/gan/create';
export {
  createACGAN,
  createInfoGAN,
  type CreateAcganOptions,
  type CreateInfoGanOptions,
} from './models/gan/create-auxiliary';
