/**
 * `latent`: walks through a generator's latent space (linear or spherical interpolation, arithmetic).
 *
 * @packageDocumentation
 */
export { interpolateLatents, latentArithmetic, type InterpolateOptions } from '../latent/interpolate';
