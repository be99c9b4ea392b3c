/**
 * What a CycleGAN's steps and epochs log: one generator loss for G and F together with its three
 * parts, and one loss per discriminator, named as {@link CycleGan.logNames} lists them.
 *
 * @packageDocumentation
 */
import type { TrainingEpochLogs, TrainingLogs } from '../../train/callbacks';
import type { LogFormat } from '../../train/log-format';
import type { LossNets } from '../../train/trainable';

/**
 * What {@link CycleGan.fit} reports after each step (one G/F update, then one D_Y and one D_X update).
 *
 * @example
 * ```ts
 * const log: CycleGanCallback = { onBatchEnd: (l: CycleGanStepLogs) => console.log(l.step, l.cycleLoss) };
 * ```
 */
export interface CycleGanStepLogs extends TrainingLogs {
  /** G and F's loss: `adversarialLoss + cycleLoss + identityLoss`. */
  generatorLoss: number;
  /** The adversarial part, both directions: `L_adv(G; D_Y) + L_adv(F; D_X)`. */
  adversarialLoss: number;
  /** The cycle-consistency part, λ_cyc included (see {@link losses.cycleConsistencyLoss}). */
  cycleLoss: number;
  /** The identity part, λ_id included (0 when λ_id is 0; see {@link identityLoss}). */
  identityLoss: number;
  /** D_X's loss (real X against F(y)). */
  discriminatorXLoss: number;
  /** D_Y's loss (real Y against G(x)). */
  discriminatorYLoss: number;
}

/**
 * What {@link CycleGan.fit} reports after each epoch: the means of its step logs.
 *
 * @example
 * ```ts
 * const history: CycleGanEpochLogs[] = await cycle.fit(mnist, fashion, { epochs: 2 });
 * console.log(history.map((h) => h.seconds));
 * ```
 */
export interface CycleGanEpochLogs extends CycleGanStepLogs, TrainingEpochLogs {}

/** Names of the six values a CycleGAN step logs, in the order {@link CycleGan.trainStep} returns them. */
export const CYCLE_LOG_NAMES = [
  'generatorLoss',
  'adversarialLoss',
  'cycleLoss',
  'identityLoss',
  'discriminatorXLoss',
  'discriminatorYLoss',
] as const;

/** The logged losses, with the nets they train (for the divergence check and the loss chart). */
export const CYCLE_LOSS_NETS: LossNets = {
  generatorLoss: 'generator',
  discriminatorXLoss: 'discriminator',
  discriminatorYLoss: 'discriminator',
};

/** How the shared callbacks (progress bar, loss log, loss chart) show a CycleGAN's six values. */
export const CYCLE_LOG_FORMAT: Readonly<Record<string, LogFormat>> = {
  generatorLoss: { label: 'G+F', column: 'generator_loss' },
  adversarialLoss: { label: 'adv', column: 'adversarial_loss', loss: false },
  cycleLoss: { label: 'cyc', column: 'cycle_loss', loss: false },
  identityLoss: { label: 'id', column: 'identity_loss', loss: false },
  discriminatorXLoss: { label: 'D_X', column: 'discriminator_x_loss' },
  discriminatorYLoss: { label: 'D_Y', column: 'discriminator_y_loss' },
};
