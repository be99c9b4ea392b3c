/**
 * SRGAN's generator, SRResNet (Ledig et al. 2017): residual blocks at the low resolution, then
 * sub-pixel convolutions that upsample 2× each.
 *
 * @packageDocumentation
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import type { ImageShape } from '../data/dataset';
import { buildContext, checkImageShape, checkPositiveInt, type NetCommonArgs } from './common';
import { checkStddev, conv, normalize, type CycleBuild } from './conv-blocks';
import { DepthToSpace } from '../layers/depth-to-space';

/** Upsampling factors {@link superResolutionGenerator} builds: one 2× sub-pixel block per factor of 2. */
export type SuperResolutionScale = 2 | 4 | 8;

/**
 * The normalisation of {@link superResolutionGenerator}'s residual trunk: `batch` (SRResNet's) or
 * `none` (ESRGAN's choice, Wang et al. 2018: without batch norm, fewer artefacts and the same
 * output whatever the batch).
 *
 * @example
 * ```ts
 * const normalization: SuperResolutionNormalization = 'none';
 * const g = superResolutionGenerator({ inputShape: [16, 16, 3], normalization });
 * ```
 */
export type SuperResolutionNormalization = 'batch' | 'none';

/**
 * Arguments of {@link superResolutionGenerator}. The defaults are the paper's generator (B = 16
 * residual blocks of 64 filters, 4× upsampling), for 7×7×1 inputs (MNIST shrunk 4 times) → 28×28×1.
 *
 * @example
 * ```ts
 * const args: SuperResolutionGeneratorArgs = { inputShape: [16, 16, 3], scale: 4, filters: 32, residualBlocks: 4 };
 * const g = superResolutionGenerator(args); // 16×16×3 → 64×64×3
 * ```
 */
export interface SuperResolutionGeneratorArgs extends NetCommonArgs {
  /** Shape of the low-resolution input image, `[h, w, c]` (default [7, 7, 1]). */
  inputShape?: ImageShape;
  /** The upsampling factor of height and width: 2, 4 or 8 (default 4, the paper's). */
  scale?: SuperResolutionScale;
  /** Width of every hidden convolution (default 64). */
  filters?: number;
  /** B: residual blocks at the input's resolution (default 16). */
  residualBlocks?: number;
  /** `batch` (default, the paper's) or `none` (ESRGAN's, see {@link SuperResolutionNormalization}). */
  normalization?: SuperResolutionNormalization;
  /** Channels of the output image (default: the input's). */
  outputChannels?: number;
  /** Standard deviation of the normal weight initialisation (default 0.02). */
  initStddev?: number;
}

/** PReLU with one slope per channel, shared over height and width as the paper's; slopes start at 0.25 (PyTorch's default). */
function prelu(x: SymbolicTensor): SymbolicTensor {
  return tfl.layers
    .prelu({ sharedAxes: [1, 2], alphaInitializer: tfl.initializers.constant({ value: 0.25 }) })
    .apply(x) as SymbolicTensor;
}

function add(a: SymbolicTensor, b: SymbolicTensor): SymbolicTensor {
  return tfl.layers.add().apply([a, b]) as SymbolicTensor;
}

/**
 * Builds SRResNet, SRGAN's generator (Ledig et al. 2017, "Photo-Realistic Single Image
 * Super-Resolution Using a Generative Adversarial Network", fig. 4), with f = `filters` and
 * B = `residualBlocks`:
 *
 * - a 9×9 convolution to f channels, PReLU;
 * - B residual blocks, `x + (conv 3×3 → BN → PReLU → conv 3×3 → BN)(x)`;
 * - a 3×3 convolution, BN, and the sum with the first layer's output (the long skip);
 * - log2(`scale`) upsampling blocks: a 3×3 convolution to 4f channels, {@link DepthToSpace}(2)
 *   (the sub-pixel convolution, Shi et al. 2016: 2× the height and width, f channels), PReLU;
 * - a 9×9 convolution to `outputChannels`, then tanh (images in [-1, 1]; the paper's
 *   generator maps to [-1, 1] as well).
 *
 * The input is `[n, h, w, c]`, the output `[n, h·scale, w·scale, outputChannels]`. PReLU has a
 * slope per channel, shared over the image (`sharedAxes: [1, 2]`), starting at 0.25. Every
 * convolution is `same`-padded; those followed by batch norm have no bias. Weights are drawn from
 * N(0, `initStddev`), seeded by `seed`. With `normalization: 'none'` (ESRGAN's trunk, without its
 * dense blocks) there is no batch norm and every convolution has a bias.
 *
 * @example 4× super-resolution of 16×16 colour images:
 * ```ts
 * const g = superResolutionGenerator({ inputShape: [16, 16, 3], scale: 4, seed: 1 });
 * g.predict(tf.zeros([2, 16, 16, 3])); // [2, 64, 64, 3] in [-1, 1]
 * ```
 * @throws {@link GanConfigError} for a bad option (a scale other than 2, 4 or 8, say).
 */
export function superResolutionGenerator(args: SuperResolutionGeneratorArgs = {}): tfl.LayersModel {
  const inputShape = checkImageShape(args.inputShape ?? [7, 7, 1], 'inputShape');
  const scale = args.scale ?? 4;
  if (scale !== 2 && scale !== 4 && scale !== 8)
    throw new GanConfigError('scale', `expected 2, 4 or 8, got ${String(scale)}`);
  const f = checkPositiveInt(args.filters ?? 64, 'filters');
  const blocks = args.residualBlocks ?? 16;
  if (!Number.isInteger(blocks) || blocks < 0)
    throw new GanConfigError('residualBlocks', `expected a non-negative integer, got ${String(blocks)}`);
  const normalization = args.normalization ?? 'batch';
  if (normalization !== 'batch' && normalization !== 'none')
    throw new GanConfigError('normalization', `expected 'batch' or 'none', got '${String(normalization)}'`);
  const outputChannels = checkPositiveInt(args.outputChannels ?? inputShape[2], 'outputChannels');
  const build: CycleBuild = {
    context: buildContext(args.seed),
    normalization,
    initStddev: checkStddev(args.initStddev ?? 0.02),
  };
  const same = (x: SymbolicTensor, filters: number, kernelSize: number, useBias: boolean): SymbolicTensor =>
    conv(build, x, filters, kernelSize, 1, 'same', useBias);

  const image = tfl.input({ shape: [...inputShape], name: 'image' });
  const head = prelu(same(image, f, 9, true));
  let x = head;
  for (let i = 0; i < blocks; i++) {
    let y = prelu(normalize(build, same(x, f, 3, false)));
    y = normalize(build, same(y, f, 3, false));
    x = add(x, y);
  }
  x = add(head, normalize(build, same(x, f, 3, false)));
  for (let i = 0; i < Math.log2(scale); i++)
    x = prelu(new DepthToSpace({ blockSize: 2 }).apply(same(x, 4 * f, 3, true)) as SymbolicTensor);
  x = same(x, outputChannels, 9, true);
  x = tfl.layers.activation({ activation: 'tanh' }).apply(x) as SymbolicTensor;
  // Every layer is `same`-padded and h, w are checked, so no layer can come out empty.
  return tfl.model({ inputs: image, outputs: x, name: args.name ?? 'generator' });
}
