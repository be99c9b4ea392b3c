/**
 * What CycleGAN's nets share while they are built: seeded N(0, σ) convolutions and the choice of
 * normalisation.
 *
 * @packageDocumentation
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import type { BuildContext } from '../conditioning/types';
import { batchNorm } from './common';
import { InstanceNormalization } from '../layers/instance-norm';

/**
 * The normalisation of CycleGAN's nets: `instance` ({@link layers.InstanceNormalization}, the paper's),
 * `batch` (batch norm with PyTorch's defaults: momentum 0.1 there, 0.9 here; ε 1e-5) or `none`.
 * Instance and batch norm subtract a mean over the image (or the batch), which makes a
 * discriminator with them less sensitive to an image's overall brightness; `none` keeps it (and
 * gives every convolution a bias).
 *
 * @example
 * ```ts
 * const normalization: CycleNormalization = 'batch';
 * const g = resnetGenerator({ normalization });
 * ```
 */
export type CycleNormalization = 'instance' | 'batch' | 'none';

/** The pieces CycleGAN's nets share while they are built. */
export interface CycleBuild {
  context: BuildContext;
  normalization: CycleNormalization;
  initStddev: number;
}

export function checkNormalization(value: unknown): CycleNormalization {
  if (value !== 'instance' && value !== 'batch' && value !== 'none')
    throw new GanConfigError('normalization', `expected 'instance', 'batch' or 'none', got '${String(value)}'`);
  return value;
}

export function checkStddev(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new GanConfigError('initStddev', `expected a positive number, got ${String(value)}`);
  return value;
}

/** A convolution (or a transposed one) with seeded N(0, σ) weights; `useBias` false drops the bias when a normalisation follows (kept with `none`). */
export function conv(
  build: CycleBuild,
  x: SymbolicTensor,
  filters: number,
  kernelSize: number,
  strides: number,
  padding: 'same' | 'valid',
  useBias: boolean,
  transposed = false,
): SymbolicTensor {
  const args = {
    filters,
    kernelSize,
    strides,
    padding,
    useBias: useBias || build.normalization === 'none',
    kernelInitializer: tfl.initializers.randomNormal({
      mean: 0,
      stddev: build.initStddev,
      seed: build.context.nextSeed(),
    }),
  };
  return (transposed ? tfl.layers.conv2dTranspose(args) : tfl.layers.conv2d(args)).apply(x) as SymbolicTensor;
}

/** The chosen normalisation applied to `x`. */
export function normalize(build: CycleBuild, x: SymbolicTensor): SymbolicTensor {
  if (build.normalization === 'none') return x;
  if (build.normalization === 'batch') return batchNorm(x, { batchNormMomentum: 0.9, batchNormEpsilon: 1e-5 });
  return new InstanceNormalization().apply(x) as SymbolicTensor;
}
