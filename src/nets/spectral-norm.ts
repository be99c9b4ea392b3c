/**
 * {@link nets.spectralNorm}: spectral normalisation (Miyato et al. 2018) for an unbuilt
 * `tf.layers.dense(...)` or `tf.layers.conv2d(...)`, which becomes a {@link SpectralDense} or a
 * {@link SpectralConv2D} with the same settings.
 *
 * @packageDocumentation
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import {
  SpectralNormalization,
  type SpectralConv2DArgs,
  type SpectralDenseArgs,
  type SpectralNormOptions,
} from '../layers/spectral-normalization';
import { SpectralDense } from '../layers/spectral-dense';
import { SpectralConv2D } from '../layers/spectral-conv2d';

const AUTO_NAME = /^(dense_Dense|conv2d_Conv2D)\d+$/;

/**
 * Spectral normalisation for a layer: turns an unbuilt `tf.layers.dense(...)` into a
 * {@link SpectralDense} and a `tf.layers.conv2d(...)` into a {@link SpectralConv2D} with the same
 * settings (units or filters, kernel size, strides, padding, activation, bias, initializers, and
 * the name when you gave one). Regularizers and constraints are not supported.
 *
 * @example
 * ```ts
 * const d = tf.sequential({ layers: [
 *   spectralNorm(tf.layers.conv2d({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', inputShape: [28, 28, 1] })),
 *   tf.layers.leakyReLU({ alpha: 0.2 }), tf.layers.flatten(),
 *   spectralNorm(tf.layers.dense({ units: 1 })),
 * ] });
 * ```
 * @throws {@link GanConfigError} for another kind of layer, a layer already built (it owns its
 * weights), or a regularizer, constraint or channels-first setting.
 */
export function spectralNorm(
  layer: tfl.layers.Layer,
  options: SpectralNormOptions = {},
): SpectralDense | SpectralConv2D {
  if (layer instanceof SpectralNormalization) return layer as SpectralDense | SpectralConv2D;
  const kind = layer?.getClassName?.();
  if (kind !== 'Dense' && kind !== 'Conv2D') {
    throw new GanConfigError(
      'layer',
      `spectralNorm() takes a Dense or Conv2D layer, got ${kind === undefined ? String(layer) : `a ${kind}`}`,
    );
  }
  if (layer.built)
    throw new GanConfigError(
      'layer',
      `'${layer.name}' is already built; pass a fresh tf.layers.${kind === 'Dense' ? 'dense' : 'conv2d'}(...)`,
    );
  const config = layer.getConfig() as Record<string, unknown>;
  for (const key of [
    'kernelRegularizer',
    'biasRegularizer',
    'activityRegularizer',
    'kernelConstraint',
    'biasConstraint',
  ]) {
    if (config[key] != null) throw new GanConfigError(key, 'is not supported with spectral normalisation');
  }
  const { name, kernelRegularizer, biasRegularizer, activityRegularizer, kernelConstraint, biasConstraint, ...rest } =
    config;
  void kernelRegularizer;
  void biasRegularizer;
  void activityRegularizer;
  void kernelConstraint;
  void biasConstraint;
  const named = typeof name === 'string' && !AUTO_NAME.test(name) ? { name } : {};
  const args = { ...rest, ...named, ...options };
  return kind === 'Dense'
    ? new SpectralDense(args as unknown as SpectralDenseArgs)
    : new SpectralConv2D(args as unknown as SpectralConv2DArgs);
}
