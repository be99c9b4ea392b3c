/**
 * pix2pix's U-Net generator (Isola et al. 2017): an encoder–decoder whose mirrored layers are
 * joined by skip connections.
 *
 * @packageDocumentation
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import type { ImageShape } from '../data/dataset';
import { buildContext, checkImageShape, checkPositiveInt, type NetCommonArgs } from './common';
import {
  checkNormalization,
  checkStddev,
  conv,
  normalize,
  type CycleBuild,
  type CycleNormalization,
} from './conv-blocks';
import { SeededDropout } from '../layers/seeded-dropout';

/** The most stride-2 levels a U-Net gets by default: the paper's 8, for 256×256 images. */
const MAX_DEFAULT_DEPTH = 8;

/**
 * Arguments of {@link unetGenerator}. The defaults, for 32×32×1 images: five levels,
 * `C64-C128-C256-C512-C512` down to 1×1 and back, batch norm, dropout 0.5 in the three innermost
 * decoder blocks.
 *
 * @example
 * ```ts
 * const args: UnetGeneratorArgs = { inputShape: [64, 64, 3], filters: 32, depth: 4 };
 * const g = unetGenerator(args); // 64×64×3 → 64×64×3, bottleneck 4×4×256
 * ```
 */
export interface UnetGeneratorArgs extends NetCommonArgs {
  /** Shape of the input image, `[h, w, c]` (default [32, 32, 1]); h and w must be divisible by 2^`depth`. */
  inputShape?: ImageShape;
  /** Channels of the output image (default: the input's). */
  outputChannels?: number;
  /** k: filters of the first encoder layer; level i has k·2^(i−1), capped at 8k as in the paper (default 64). */
  filters?: number;
  /**
   * Number of stride-2 levels, each halving the height and width (default: as many as both can
   * be halved exactly, at most 8: 5 for 32×32 (a 1×1 bottleneck), 8 for 256×256 (the paper's), 2
   * for 28×28 (7×7)).
   */
  depth?: number;
  /** Dropout rate of the innermost decoder blocks while training, in [0, 1) (default 0.5; 0 turns it off). */
  dropout?: number;
  /** How many decoder blocks, from the innermost, have dropout (default 3, as the paper's). */
  dropoutBlocks?: number;
  /** `batch` (default, the paper's), `instance` or `none` (see {@link CycleNormalization}). */
  normalization?: CycleNormalization;
  /** Standard deviation of the normal weight initialisation (default 0.02, as the paper's code). */
  initStddev?: number;
}

function activation(x: SymbolicTensor, kind: 'relu' | 'leaky'): SymbolicTensor {
  const layer = kind === 'relu' ? tfl.layers.reLU() : tfl.layers.leakyReLU({ alpha: 0.2 });
  return layer.apply(x) as SymbolicTensor;
}

/** How many times h and w can both be halved exactly, at most {@link MAX_DEFAULT_DEPTH}. */
function defaultDepth(h: number, w: number): number {
  let depth = 0;
  while (depth < MAX_DEFAULT_DEPTH && h % 2 ** (depth + 1) === 0 && w % 2 ** (depth + 1) === 0) depth++;
  return depth;
}

/**
 * Builds pix2pix's U-Net generator (Isola et al. 2017, "Image-to-Image Translation with
 * Conditional Adversarial Networks", appendix 6.1.1), with k = `filters` and n = `depth`:
 *
 * - encoder: n 4×4 convolutions of stride 2, `C64-C128-C256-C512-C512-…` (level i has
 *   k·min(2^(i−1), 8) filters), each followed by normalisation and LeakyReLU(0.2), except the
 *   first (no normalisation, as the paper) and the innermost, the bottleneck (no normalisation, as
 *   the paper's code: at 1×1 batch norm of one image, or instance norm, would output zeros);
 * - decoder: n − 1 4×4 transposed convolutions of stride 2, each on the ReLU of its input, with
 *   normalisation and, in the `dropoutBlocks` innermost ones, dropout; block j's output has the
 *   width of encoder level n − j and is concatenated with it (the skip connection), so the next
 *   block sees both (the skip's channels first, as in the paper's code);
 * - a last 4×4 transposed convolution of stride 2 to `outputChannels`, then tanh (images in
 *   [-1, 1]).
 *
 * Convolutions followed by a normalisation have no bias; weights are drawn from N(0, 0.02),
 * seeded by `seed`. The defaults of the paper's 256×256 net are `filters: 64, depth: 8`.
 *
 * Dropout is gankit's {@link SeededDropout}: it is pix2pix's only noise source, and its masks
 * come from the trainer's seeded stream ({@link layers.withDropoutSeed}), so training repeats exactly.
 * Like every tfjs-layers dropout it is off when `training` is false (`predict`, `apply` without
 * `training: true`). The paper keeps dropout on at test time, and normalises with the test
 * batch's statistics; `model.apply(x, { training: true })` does both (and, with batch norm, also
 * updates its moving statistics).
 *
 * @example A pix2pix generator for 32×32 grey images to colour:
 * ```ts
 * const g = unetGenerator({ inputShape: [32, 32, 1], outputChannels: 3, seed: 1 });
 * const x = tf.zeros([2, 32, 32, 1]);
 * g.predict(x); // [2, 32, 32, 3] in [-1, 1], dropout off
 * withDropoutSeed(7, () => g.apply(x, { training: true })); // the paper's noisy output, repeatable
 * ```
 * @throws {@link GanConfigError} for a bad option, or (naming `depth`, or `inputShape` for the
 * default depth) a height or width not divisible by 2^depth.
 */
export function unetGenerator(args: UnetGeneratorArgs = {}): tfl.LayersModel {
  const inputShape = checkImageShape(args.inputShape ?? [32, 32, 1], 'inputShape');
  const [h, w, c] = inputShape;
  const outputChannels = checkPositiveInt(args.outputChannels ?? c, 'outputChannels');
  const k = checkPositiveInt(args.filters ?? 64, 'filters');
  let depth: number;
  if (args.depth === undefined) {
    depth = defaultDepth(h, w);
    if (depth === 0)
      throw new GanConfigError('inputShape', `a U-Net needs an even height and width to halve, got ${h}×${w}`);
  } else {
    depth = checkPositiveInt(args.depth, 'depth');
    if (h % 2 ** depth !== 0 || w % 2 ** depth !== 0)
      throw new GanConfigError(
        'depth',
        `${depth} stride-2 levels need a height and width divisible by ${2 ** depth}, got inputShape ${h}×${w}`,
      );
  }
  const rate = args.dropout ?? 0.5;
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1))
    throw new GanConfigError('dropout', `expected a dropout rate in [0, 1), got ${String(rate)}`);
  const dropoutBlocks = args.dropoutBlocks ?? 3;
  if (!Number.isInteger(dropoutBlocks) || dropoutBlocks < 0)
    throw new GanConfigError('dropoutBlocks', `expected a non-negative integer, got ${String(dropoutBlocks)}`);
  const build: CycleBuild = {
    context: buildContext(args.seed),
    normalization: checkNormalization(args.normalization ?? 'batch'),
    initStddev: checkStddev(args.initStddev ?? 0.02),
  };
  const width = (level: number): number => k * Math.min(2 ** (level - 1), 8);

  const image = tfl.input({ shape: [...inputShape], name: 'image' });
  // encoder[i] is level i + 1's output, the tensor the decoder's skip connection takes.
  const encoder: SymbolicTensor[] = [];
  let x: SymbolicTensor = image;
  for (let level = 1; level <= depth; level++) {
    const outer = level === 1;
    const innermost = level === depth;
    x = conv(build, x, width(level), 4, 2, 'same', outer || innermost);
    if (!outer && !innermost) x = normalize(build, x);
    if (!innermost) x = activation(x, 'leaky');
    encoder.push(x);
  }
  for (let block = 1; block < depth; block++) {
    x = conv(build, activation(x, 'relu'), width(depth - block), 4, 2, 'same', false, true);
    x = normalize(build, x);
    if (block <= dropoutBlocks && rate > 0) x = new SeededDropout({ rate }).apply(x) as SymbolicTensor;
    // The skip first, as the paper's code concatenates them (so its weights map over channel for channel).
    x = tfl.layers.concatenate({ axis: -1 }).apply([encoder[depth - block - 1], x]) as SymbolicTensor;
  }
  x = conv(build, activation(x, 'relu'), outputChannels, 4, 2, 'same', true, true);
  x = tfl.layers.activation({ activation: 'tanh' }).apply(x) as SymbolicTensor;
  // Every layer is `same`-padded and h, w are checked, so no layer can come out empty.
  return tfl.model({ inputs: image, outputs: x, name: args.name ?? 'generator' });
}
