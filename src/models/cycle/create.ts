/**
 * {@link createCycleGan}: a CycleGAN of ResNet generators and PatchGAN discriminators (or your own
 * four nets) with the paper's losses and settings.
 *
 * @packageDocumentation
 */
import type { ImageShape } from '../../data/image-source';
import { GanConfigError } from '../../errors';
import type { GanLoss } from '../../losses/types';
import { lossConfig } from '../../losses/registry';
import type { PerNet } from '../../core/types';
import { checkImageShape } from '../../nets/common';
import { Rng } from '../../random';
import { perNetAdam, type AdamOptions } from '../../train/adam';
import type { CycleGanConfig, CycleGanModels } from './config';
import { CycleGan } from './cycle-gan';
import { CycleLeastSquaresLoss } from '../../losses/cycle';
import { patchDiscriminator, type PatchDiscriminatorArgs } from '../../nets/patch-discriminator';
import { resnetGenerator, type ResnetGeneratorArgs } from '../../nets/resnet-generator';

/**
 * Options of {@link createCycleGan}.
 *
 * @example
 * ```ts
 * const options: CreateCycleGanOptions = { generator: { filters: 16, residualBlocks: 3 }, lambdaIdentity: 0, seed: 1 };
 * const cycle = createCycleGan(options);
 * ```
 */
export interface CreateCycleGanOptions {
  /** Shape of one image of either domain (default [28, 28, 1]). */
  imageShape?: ImageShape;
  /** Arguments of G and F's {@link resnetGenerator} (defaults: its own). */
  generator?: Omit<ResnetGeneratorArgs, 'imageShape' | 'seed' | 'name'>;
  /** Arguments of D_X and D_Y's {@link nets.patchDiscriminator} (defaults: its own). */
  discriminator?: Omit<PatchDiscriminatorArgs, 'imageShape' | 'seed' | 'name'>;
  /** Your own four nets instead of the built ones (`generator` and `discriminator` are then ignored). */
  models?: CycleGanModels;
  /** The adversarial loss on D's logits (default {@link losses.cycleLeastSquaresLoss}, the paper's LSGAN loss). */
  adversarial?: GanLoss;
  /** λ_cyc, the weight of the cycle-consistency loss (default 10). */
  lambdaCycle?: number;
  /** λ_id, the weight of the identity loss (default `0.5 · lambdaCycle`, as the paper's code; 0 skips it). */
  lambdaIdentity?: number;
  /** Generated images each discriminator's history buffer holds (default 50, the paper's; 0 turns it off). See {@link training.ImagePool}. */
  poolSize?: number;
  /** Adam settings of all four nets, or of the generators and the discriminators apart (default lr 2e-4, β1 0.5, β2 0.999). */
  optimizer?: AdamOptions | Partial<PerNet<AdamOptions>>;
  /** Seed of the weights, the shuffles and the history buffers (default: random). */
  seed?: number;
}

/**
 * Creates a CycleGAN (Zhu et al. 2017) for images of `imageShape` in both domains: G and F are
 * {@link resnetGenerator}s, D_X and D_Y {@link nets.patchDiscriminator}s (or your own `models`), the
 * adversarial loss is the paper's least squares on patch maps ({@link losses.cycleLeastSquaresLoss}),
 * λ_cyc = 10, λ_id = 5, history buffers of 50 images, Adam (2e-4, β1 0.5) for all four nets. The
 * defaults of the nets are the paper's 6-block generator and a 3-layer PatchGAN, sized for
 * 28×28; pass smaller `filters` and `residualBlocks` for CPU budgets.
 *
 * @example
 * ```ts
 * await initBackend();
 * const cycle = createCycleGan({
 *   imageShape: [28, 28, 1],
 *   generator: { filters: 32, residualBlocks: 3 },
 *   discriminator: { filters: [32, 64, 128] },
 *   lambdaIdentity: 0,
 *   seed: 1,
 * });
 * ```
 * @throws {@link GanConfigError} for a bad option.
 */
export function createCycleGan(options: CreateCycleGanOptions = {}): CycleGan {
  const imageShape = checkImageShape(options.imageShape ?? [28, 28, 1]);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new GanConfigError('seed', `expected a non-negative integer, got ${seed}`);
  const lambdaCycle = options.lambdaCycle ?? 10;
  const lambdaIdentity = options.lambdaIdentity ?? 0.5 * lambdaCycle;
  const poolSize = options.poolSize ?? 50;
  if (!Number.isInteger(poolSize) || poolSize < 0)
    throw new GanConfigError('poolSize', `expected a non-negative integer, got ${poolSize}`);
  const adversarial = options.adversarial ?? new CycleLeastSquaresLoss();
  const seeds = new Rng(seed);
  const custom = options.models !== undefined;
  const gArgs = { ...options.generator };
  const dArgs = { ...options.discriminator };
  const models: CycleGanModels = options.models ?? {
    generatorXY: resnetGenerator({ ...gArgs, imageShape, seed: seeds.nextSeed(), name: 'generatorXY' }),
    generatorYX: resnetGenerator({ ...gArgs, imageShape, seed: seeds.nextSeed(), name: 'generatorYX' }),
    discriminatorX: patchDiscriminator({ ...dArgs, imageShape, seed: seeds.nextSeed(), name: 'discriminatorX' }),
    discriminatorY: patchDiscriminator({ ...dArgs, imageShape, seed: seeds.nextSeed(), name: 'discriminatorY' }),
  };
  const config: CycleGanConfig = {
    imageShape,
    architecture: custom ? 'custom' : 'resnet-patchgan',
    ...(custom ? {} : { generator: gArgs as Record<string, unknown>, discriminator: dArgs as Record<string, unknown> }),
    adversarial: lossConfig(adversarial),
    lambdaCycle,
    lambdaIdentity,
    poolSize,
    optimizer: perNetAdam(options.optimizer),
    seed,
  };
  return new CycleGan(models, adversarial, config);
}
