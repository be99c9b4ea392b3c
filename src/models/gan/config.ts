/**
 * The JSON-serialisable description of a GAN that every checkpoint stores, and the options of loading one.
 *
 * @packageDocumentation
 */
import { CheckpointError } from '../../errors';
import type { ImageShape } from '../../data/dataset';
import type { GanLoss } from '../../losses/types';
import type { AuxiliaryTask } from '../../losses/auxiliary';
import { type OutputActivation } from '../../nets/common';
import { type AdamOptions } from '../../train/trainer';
import type { NamedConfig, PerNet } from '../../core/types';

/** Built-in architectures: fully connected (`mlp`) or convolutional (`dcgan`); `custom` when you pass your own models. */
export type Architecture = 'mlp' | 'dcgan' | 'custom';

/** The JSON-serialisable description of a GAN, stored in every checkpoint. */
export interface GanConfig {
  /** Size of z. */
  latentDim: number;
  /** Shape of one image. */
  imageShape: ImageShape;
  /** Number of classes (0 for an unconditional GAN). */
  numClasses: number;
  /** Architecture the nets were built with. */
  architecture: Architecture;
  /** G's output activation. */
  outputActivation: OutputActivation;
  /** The loss: its name plus options (e.g. label smoothing). */
  loss: NamedConfig;
  /** The conditioning strategy's name and options (conditional GANs). */
  conditioning?: NamedConfig;
  /** The auxiliary task's name and options (ACGAN, InfoGAN); absent for none. For InfoGAN, G's first input is `latentDim` plus the task's code. */
  auxiliary?: NamedConfig;
  /** `projection` when D takes the labels through a projection head instead of `conditioning` (see {@link CreateCganOptions.discriminatorConditioning}). */
  discriminatorConditioning?: 'projection';
  /** Optimizer settings of G and D. */
  optimizer: PerNet<AdamOptions>;
  /** D updates per G update. */
  discriminatorSteps: number;
  /** Seed the GAN was created with. */
  seed: number;
}

/** Options of {@link loadGan}. */
export interface LoadGanOptions {
  /** The loss to continue training with, required when the checkpoint used a custom loss. */
  loss?: GanLoss;
  /** The auxiliary task, required when the checkpoint used a user-written one (built-in ones are rebuilt from the config). */
  auxiliary?: AuxiliaryTask;
  /**
   * Load the averaged generator the checkpoint holds (`ema-generator/`), which the GAN then samples
   * from (default true); `false` leaves it out, so that `generate()` draws from G.
   */
  averagedGenerator?: boolean;
  /** Called for each newer checkpoint of a folder that failed to verify and was passed over. */
  onSkip?(dir: string, error: CheckpointError): void;
}
