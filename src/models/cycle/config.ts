/**
 * What describes a CycleGAN: its four nets by name, the JSON-serialisable config its checkpoints
 * store, where training stands inside an epoch, and the data one step takes.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageShape, ImageSource } from '../../data/image-source';
import type { NamedConfig, PerNet } from '../../core/types';
import type { AdamOptions } from '../../train/adam';

/**
 * The four nets of a CycleGAN, by the names their checkpoint folders, optimizers and
 * {@link CycleGan.models} use.
 *
 * @example
 * ```ts
 * for (const name of CYCLE_NETS) console.log(name, cycle.models[name].countParams());
 * ```
 */
export const CYCLE_NETS = ['generatorXY', 'generatorYX', 'discriminatorX', 'discriminatorY'] as const;
/**
 * One of {@link CYCLE_NETS}.
 *
 * @example
 * ```ts
 * const net: CycleNet = 'discriminatorY';
 * const optimizer = cycle.optimizers[net];
 * ```
 */
export type CycleNet = (typeof CYCLE_NETS)[number];

/**
 * The four nets of a CycleGAN. Generators map `[n, h, w, c]` images in [-1, 1] to images of the
 * same shape; discriminators map images to logits of any shape (a patch map, or `[n, 1]`).
 *
 * @example
 * ```ts
 * const models: CycleGanModels = {
 *   generatorXY: resnetGenerator({ seed: 1 }), generatorYX: resnetGenerator({ seed: 2 }),
 *   discriminatorX: patchDiscriminator({ seed: 3 }), discriminatorY: patchDiscriminator({ seed: 4 }),
 * };
 * const cycle = createCycleGan({ models });
 * ```
 */
export interface CycleGanModels {
  /** G: X → Y. */
  generatorXY: tfl.LayersModel;
  /** F: Y → X. */
  generatorYX: tfl.LayersModel;
  /** D_X: tells real X from F(y). */
  discriminatorX: tfl.LayersModel;
  /** D_Y: tells real Y from G(x). */
  discriminatorY: tfl.LayersModel;
}

/**
 * The four Adam optimizers of a CycleGAN, one per net (G and F share one gradient computation;
 * Adam being per-weight, two optimizers with the same settings are one optimizer over both).
 *
 * @example
 * ```ts
 * const lr = (cycle.optimizers.discriminatorY as tf.AdamOptimizer).getConfig().learningRate;
 * ```
 */
export type CycleGanOptimizers = Record<CycleNet, tf.Optimizer>;

/**
 * The JSON-serialisable description of a CycleGAN, stored in every checkpoint.
 *
 * @example
 * ```ts
 * const cycle = createCycleGan({ seed: 1 });
 * console.log(cycle.config.lambdaCycle, cycle.config.adversarial.name); // 10 'cycle-least-squares'
 * ```
 */
export interface CycleGanConfig {
  /** Shape of one image of either domain. */
  imageShape: ImageShape;
  /** `resnet-patchgan` when the nets were built by {@link createCycleGan}, `custom` when passed in. */
  architecture: 'resnet-patchgan' | 'custom';
  /** The arguments G and F were built with (informational; the saved models are what loads). */
  generator?: Record<string, unknown>;
  /** The arguments D_X and D_Y were built with (informational). */
  discriminator?: Record<string, unknown>;
  /** The adversarial loss: its name plus options. */
  adversarial: NamedConfig;
  /** λ_cyc. */
  lambdaCycle: number;
  /** λ_id. */
  lambdaIdentity: number;
  /** Images each history buffer holds (0: none). */
  poolSize: number;
  /** Adam settings of G and F (`generator`) and of D_X and D_Y (`discriminator`). */
  optimizer: PerNet<AdamOptions>;
  /** Seed the CycleGAN was created with. */
  seed: number;
}

/**
 * Where training stands inside an unfinished epoch (saved in checkpoints, so a run stopped in the
 * middle of an epoch resumes with the same two shuffles, at the same batch).
 *
 * @example
 * ```ts
 * const progress: CycleEpochProgress | null = cycle.epochProgress; // null between epochs
 * ```
 */
export interface CycleEpochProgress {
  /** Steps already done in this epoch. */
  steps: number;
  /** Seed of this epoch's shuffle of domain X. */
  shuffleSeedX: number;
  /** Seed of this epoch's shuffle of domain Y. */
  shuffleSeedY: number;
  /** Sums of the six step losses (in {@link CycleGanStepLogs} order, from `generatorLoss`) over those steps. */
  totals: number[];
}

/**
 * Which way {@link CycleGan.translate} goes: `xToY` with G, `yToX` with F.
 *
 * @example
 * ```ts
 * const direction: TranslationDirection = 'yToX';
 * const digits = cycle.translate(clothes, direction);
 * ```
 */
export type TranslationDirection = 'xToY' | 'yToX';

/** What {@link CycleGan} trains on through {@link fit}: the images of domain X and of domain Y. */
export type CycleGanData = readonly [ImageSource, ImageSource];

/** One CycleGAN step's batch: images `[n, h, w, c]` in [-1, 1] of each domain (the sizes may differ). */
export interface CycleGanBatch {
  /** Images of domain X. */
  x: tf.Tensor;
  /** Images of domain Y. */
  y: tf.Tensor;
}
