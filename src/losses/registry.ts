/**
 * Built-in losses by name: how a loss is written into a checkpoint's config and rebuilt from it
 * (by {@link loadGAN} and by data-parallel workers).
 *
 * @packageDocumentation
 * @internal
 */
import type { GanLoss } from './types';
import { BceLoss } from './bce';
import { minimaxLoss } from './minimax';
import { nonSaturatingLoss } from './non-saturating';

/** A loss's name plus its options. @internal */
export interface LossConfig {
  name: string;
  [option: string]: unknown;
}

/** The config that {@link lossFromConfig} rebuilds `loss` from. @internal */
export function lossConfig(loss: GanLoss): LossConfig {
  if (loss instanceof BceLoss) return { name: loss.name, realLabel: loss.realLabel, fakeLabel: loss.fakeLabel };
  return { name: loss.name };
}

/** The built-in loss named by `config`, or `null` for a user-written one. @internal */
export function lossFromConfig(config: LossConfig): GanLoss | null {
  switch (config.name) {
    case 'non-saturating':
      return nonSaturatingLoss();
    case 'minimax':
      return minimaxLoss();
    case 'bce':
      return new BceLoss({ realLabel: config.realLabel as number, fakeLabel: config.fakeLabel as number });
    default:
      return null;
  }
}
