/**
 * The PatchGAN discriminator (Isola et al. 2017; CycleGAN's D): a fully convolutional net whose
 * output is a map of logits, one per overlapping image patch.
 *
 * @packageDocumentation
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import type { ImageShape } from '../data/dataset';
import { buildContext, checkImageShape, checkNoEmptyLayer, checkPositiveInt, type NetCommonArgs } from './common';
import {
  checkNormalization,
  checkStddev,
  conv,
  normalize,
  type CycleBuild,
  type CycleNormalization,
} from './conv-blocks';

/**
 * Arguments of {@link nets.patchDiscriminator}. The defaults, for 28×28 images: `C64 (stride 2) →
 * C128 (stride 2) → C256 (stride 1) → conv 1`, a 7×7 map of logits whose patches are 34×34
 * pixels (with the padding) wide.
 *
 * @example
 * ```ts
 * const args: PatchDiscriminatorArgs = { imageShape: [28, 28, 1], filters: [32, 64], strides: [2, 2] };
 * const d = patchDiscriminator(args); // a 7×7 map of 22×22 patches
 * ```
 */
export interface PatchDiscriminatorArgs extends NetCommonArgs {
  /** Shape of an input image (default [28, 28, 1]). */
  imageShape?: ImageShape;
  /** Filters of each 4×4 convolution before the output (default [64, 128, 256]). */
  filters?: number[];
  /** Stride of each of those convolutions (default: 2 for all but the last, which has 1, as the paper's 70×70 PatchGAN). */
  strides?: number[];
  /** Kernel size of every convolution (default 4). */
  kernelSize?: number;
  /** `instance` (default), `batch` or `none`, after every convolution but the first and the output (see {@link CycleNormalization}). */
  normalization?: CycleNormalization;
  /** Slope of LeakyReLU's negative part (default 0.2). */
  leakyReluAlpha?: number;
  /** Standard deviation of the normal weight initialisation (default 0.02). */
  initStddev?: number;
}

/**
 * Builds a PatchGAN discriminator: 4×4 convolutions (`same` padding) with LeakyReLU(0.2),
 * normalisation after every one but the first, then a 4×4 convolution to one channel: a map
 * `[batch, h', w', 1]` of raw logits, each scoring one patch of the input (its receptive field).
 * The adversarial loss is taken over every patch ({@link losses.cycleLeastSquaresLoss} by default):
 * D judges local texture and structure, which suits translation, where G's output must look
 * real everywhere, not just globally. For 256×256 images the paper's `C64-C128-C256-C512`
 * (strides 2, 2, 2, 1) sees 70×70 patches; the default here (`C64-C128-C256`, strides 2, 2, 1)
 * gives 28×28 images a 7×7 map of 34×34 patches.
 *
 * @example
 * ```ts
 * const d = patchDiscriminator({ imageShape: [28, 28, 1], filters: [32, 64, 128], seed: 1 });
 * d.predict(tf.zeros([2, 28, 28, 1])); // [2, 7, 7, 1] patch logits
 * ```
 * @throws {@link GanConfigError} for a bad option.
 */
export function patchDiscriminator(args: PatchDiscriminatorArgs = {}): tfl.LayersModel {
  const imageShape = checkImageShape(args.imageShape ?? [28, 28, 1]);
  const filters = args.filters ?? [64, 128, 256];
  if (!Array.isArray(filters) || filters.length === 0)
    throw new GanConfigError('filters', `expected a non-empty list of filter counts, got ${JSON.stringify(filters)}`);
  filters.forEach((f, i) => checkPositiveInt(f, `filters[${i}]`));
  const strides = args.strides ?? filters.map((_, i) => (i === filters.length - 1 && filters.length > 1 ? 1 : 2));
  if (!Array.isArray(strides) || strides.length !== filters.length) {
    throw new GanConfigError(
      'strides',
      `expected ${filters.length} strides (one per filters entry), got ${JSON.stringify(strides)}`,
    );
  }
  strides.forEach((s, i) => checkPositiveInt(s, `strides[${i}]`));
  const kernelSize = checkPositiveInt(args.kernelSize ?? 4, 'kernelSize');
  const alpha = args.leakyReluAlpha ?? 0.2;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0)
    throw new GanConfigError('leakyReluAlpha', `expected a non-negative number, got ${alpha}`);
  const build: CycleBuild = {
    context: buildContext(args.seed),
    normalization: checkNormalization(args.normalization ?? 'instance'),
    initStddev: checkStddev(args.initStddev ?? 0.02),
  };
  const image = tfl.input({ shape: [...imageShape], name: 'image' });
  let x: SymbolicTensor = image;
  filters.forEach((f, i) => {
    x = conv(build, x, f, kernelSize, strides[i], 'same', i === 0);
    if (i > 0) x = normalize(build, x);
    x = tfl.layers.leakyReLU({ alpha }).apply(x) as SymbolicTensor;
  });
  x = conv(build, x, 1, kernelSize, 1, 'same', true);
  return checkNoEmptyLayer(tfl.model({ inputs: image, outputs: x, name: args.name ?? 'discriminator' }), imageShape);
}
