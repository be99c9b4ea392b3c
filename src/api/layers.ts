/**
 * `layers`: gankit's tfjs `Layer` subclasses (spectral normalization, conditional batch norm,
 * class projection, DiffAugment, instance norm, reflection padding, depth-to-space, one-hot, seeded
 * dropout), registered with tfjs serialization by {@link registerGankitLayers}.
 *
 * @packageDocumentation
 */
export * from '../layers/index';
