/**
 * CycleGAN's ResNet generator (Zhu et al. 2017, after Johnson et al. 2016): an image-to-image
 * net, encoder → residual blocks → decoder.
 *
 * @packageDocumentation
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import type { ImageShape } from '../data/dataset';
import { buildContext, checkImageShape, checkPositiveInt, type NetCommonArgs, type OutputActivation } from './common';
import {
  checkNormalization,
  checkStddev,
  conv,
  normalize,
  type CycleBuild,
  type CycleNormalization,
} from './conv-blocks';
import { ReflectionPadding2D } from '../layers/reflection-padding';

/**
 * Arguments of {@link resnetGenerator}. The defaults are the paper's generator for small images
 * ("6 blocks"), sized for 28×28: `c7s1-64, d128, d256, R256 ×6, u128, u64, c7s1-c`.
 *
 * @example
 * ```ts
 * const args: ResnetGeneratorArgs = { imageShape: [28, 28, 1], filters: 32, residualBlocks: 3 };
 * const g = resnetGenerator(args);
 * ```
 */
export interface ResnetGeneratorArgs extends NetCommonArgs {
  /** Shape of the input image, `[h, w, c]` (default [28, 28, 1]); h and w must be divisible by 4. */
  imageShape?: ImageShape;
  /** Channels of the output image (default: the input's). */
  outputChannels?: number;
  /** k: filters of the first layer; the two downsampling convolutions have 2k and 4k (default 64). */
  filters?: number;
  /** Residual blocks at a quarter of the resolution (default 6; the paper uses 9 for 256×256 images). */
  residualBlocks?: number;
  /** `transposed` (a 3×3 stride-2 transposed conv, the paper's) or `upsample` (nearest 2× then a 3×3 conv, no checkerboard). Default `transposed`. */
  upsampling?: 'transposed' | 'upsample';
  /** `reflect` (the paper's: {@link ReflectionPadding2D} before the 7×7 and the residual convolutions) or `zero` (`same` padding). Default `reflect`. */
  padding?: 'reflect' | 'zero';
  /** `instance` (default, {@link layers.InstanceNormalization}), `batch` or `none` (see {@link CycleNormalization}). */
  normalization?: CycleNormalization;
  /** Standard deviation of the normal weight initialisation (default 0.02, as the paper's code). */
  initStddev?: number;
  /** Last activation (default `tanh`: images in [-1, 1]). */
  outputActivation?: OutputActivation;
}

function relu(x: SymbolicTensor): SymbolicTensor {
  return tfl.layers.activation({ activation: 'relu' }).apply(x) as SymbolicTensor;
}

/**
 * Builds CycleGAN's ResNet generator, an image-to-image net (Zhu et al. 2017, appendix 7.2),
 * with k = `filters` and n = `residualBlocks`:
 *
 * `c7s1-k → d2k → d4k → R4k × n → u2k → uk → c7s1-c (tanh)`
 *
 * - `c7s1-k`: 7×7 convolution, stride 1, k filters, normalisation, ReLU (reflection-padded by 3).
 * - `dk`: 3×3 convolution, stride 2, normalisation, ReLU: halves height and width (28 → 14 → 7).
 * - `Rk`: residual block, `x + (conv 3×3 → norm → ReLU → conv 3×3 → norm)(x)` (each conv
 *   reflection-padded by 1).
 * - `uk`: 3×3 transposed convolution, stride 2 (or nearest 2× upsampling + 3×3 conv), norm,
 *   ReLU: doubles height and width (7 → 14 → 28).
 * - the last `c7s1` has the output's channels, a bias and no normalisation, then `tanh`.
 *
 * Normalisation is instance norm ({@link layers.InstanceNormalization}) by default, or batch norm;
 * convolutions followed by a normalisation have no bias (it would be subtracted again). Weights
 * are drawn from N(0, 0.02), seeded by `seed`. With `padding: 'zero'` every convolution pads
 * with zeros (`same`) instead of by reflection.
 *
 * @example A small generator for MNIST-sized images:
 * ```ts
 * const g = resnetGenerator({ imageShape: [28, 28, 1], filters: 32, residualBlocks: 3, seed: 1 });
 * g.predict(tf.zeros([2, 28, 28, 1])); // [2, 28, 28, 1] in [-1, 1]
 * ```
 * @throws {@link GanConfigError} for a bad option, or a height or width not divisible by 4.
 */
export function resnetGenerator(args: ResnetGeneratorArgs = {}): tfl.LayersModel {
  const imageShape = checkImageShape(args.imageShape ?? [28, 28, 1]);
  const [h, w, c] = imageShape;
  if (h % 4 !== 0 || w % 4 !== 0)
    throw new GanConfigError(
      'imageShape',
      `two stride-2 downsamplings need a height and width divisible by 4, got ${h}×${w}`,
    );
  const outputChannels = checkPositiveInt(args.outputChannels ?? c, 'outputChannels');
  const k = checkPositiveInt(args.filters ?? 64, 'filters');
  const blocks = args.residualBlocks ?? 6;
  if (!Number.isInteger(blocks) || blocks < 0)
    throw new GanConfigError('residualBlocks', `expected a non-negative integer, got ${blocks}`);
  const upsampling = args.upsampling ?? 'transposed';
  if (upsampling !== 'transposed' && upsampling !== 'upsample')
    throw new GanConfigError('upsampling', `expected 'transposed' or 'upsample', got '${String(upsampling)}'`);
  const padding = args.padding ?? 'reflect';
  if (padding !== 'reflect' && padding !== 'zero')
    throw new GanConfigError('padding', `expected 'reflect' or 'zero', got '${String(padding)}'`);
  const outputActivation = args.outputActivation ?? 'tanh';
  if (outputActivation !== 'tanh' && outputActivation !== 'sigmoid')
    throw new GanConfigError('outputActivation', `expected 'tanh' or 'sigmoid', got '${String(outputActivation)}'`);
  if (h / 4 <= 1 && padding === 'reflect' && blocks > 0)
    throw new GanConfigError(
      'imageShape',
      `reflection padding needs at least 2×2 at a quarter of the resolution, got ${h / 4}×${w / 4}`,
    );
  const build: CycleBuild = {
    context: buildContext(args.seed),
    normalization: checkNormalization(args.normalization ?? 'instance'),
    initStddev: checkStddev(args.initStddev ?? 0.02),
  };

  // A stride-1 convolution that keeps the size: reflection padding + `valid`, or `same`.
  const keepSize = (x: SymbolicTensor, filters: number, kernelSize: number, useBias: boolean): SymbolicTensor => {
    if (padding === 'zero') return conv(build, x, filters, kernelSize, 1, 'same', useBias);
    const padded = new ReflectionPadding2D({ padding: (kernelSize - 1) / 2 }).apply(x) as SymbolicTensor;
    return conv(build, padded, filters, kernelSize, 1, 'valid', useBias);
  };

  const image = tfl.input({ shape: [...imageShape], name: 'image' });
  let x = relu(normalize(build, keepSize(image, k, 7, false)));
  for (const filters of [2 * k, 4 * k]) x = relu(normalize(build, conv(build, x, filters, 3, 2, 'same', false)));
  for (let i = 0; i < blocks; i++) {
    let y = relu(normalize(build, keepSize(x, 4 * k, 3, false)));
    y = normalize(build, keepSize(y, 4 * k, 3, false));
    x = tfl.layers.add().apply([x, y]) as SymbolicTensor;
  }
  for (const filters of [2 * k, k]) {
    if (upsampling === 'transposed') {
      x = conv(build, x, filters, 3, 2, 'same', false, true);
    } else {
      x = tfl.layers.upSampling2d({ size: [2, 2] }).apply(x) as SymbolicTensor;
      x = conv(build, x, filters, 3, 1, 'same', false);
    }
    x = relu(normalize(build, x));
  }
  x = keepSize(x, outputChannels, 7, true);
  x = tfl.layers.activation({ activation: outputActivation }).apply(x) as SymbolicTensor;
  return tfl.model({ inputs: image, outputs: x, name: args.name ?? 'generator' });
}
