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
import { HingeLoss } from './hinge';
import { LeastSquaresLoss } from './least-squares';
import { WassersteinLoss } from './wasserstein';
import { R1PenaltyLoss } from './r1';
import type { AuxiliaryTask } from './auxiliary';
import { AcganTask } from './acgan';
import { InfoGanTask, type ContinuousCodeLoss } from './infogan';

/** A loss's name plus its options. @internal */
export interface LossConfig {
  name: string;
  [option: string]: unknown;
}

/**
 * The config that {@link lossFromConfig} rebuilds `loss` from. The configs of the losses added
 * after the first three carry `builtin: true`, so that a user-written loss that happens to share
 * a name (the README's custom `least-squares`, say) is never rebuilt as the built-in one.
 * @internal
 */
export function lossConfig(loss: GanLoss): LossConfig {
  if (loss instanceof BceLoss) return { name: loss.name, realLabel: loss.realLabel, fakeLabel: loss.fakeLabel };
  if (loss instanceof HingeLoss) return { name: loss.name, builtin: true };
  if (loss instanceof LeastSquaresLoss) {
    return {
      name: loss.name,
      builtin: true,
      realLabel: loss.realLabel,
      fakeLabel: loss.fakeLabel,
      generatorTarget: loss.generatorTarget,
    };
  }
  if (loss instanceof WassersteinLoss) return { name: loss.name, builtin: true, gradientPenalty: loss.gradientPenalty };
  if (loss instanceof R1PenaltyLoss)
    return { name: loss.name, builtin: true, penalty: 'r1', gamma: loss.gamma, base: lossConfig(loss.base) };
  return { name: loss.name };
}

function isLossConfig(x: unknown): x is LossConfig {
  return typeof x === 'object' && x !== null && typeof (x as LossConfig).name === 'string';
}

/** The built-in loss named by `config`, or `null` for a user-written one. @internal */
export function lossFromConfig(config: LossConfig): GanLoss | null {
  if (config.builtin === true) {
    if (config.penalty === 'r1') {
      const base = isLossConfig(config.base) ? lossFromConfig(config.base) : null;
      return base === null ? null : new R1PenaltyLoss(base, { gamma: config.gamma as number });
    }
    switch (config.name) {
      case 'hinge':
        return new HingeLoss();
      case 'least-squares':
        return new LeastSquaresLoss({
          realLabel: config.realLabel as number,
          fakeLabel: config.fakeLabel as number,
          generatorTarget: config.generatorTarget as number,
        });
      case 'wasserstein':
        return new WassersteinLoss({ gradientPenalty: config.gradientPenalty as number });
      default:
        return null;
    }
  }
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

// Auxiliary tasks (ACGAN, InfoGAN): how a task is written into a checkpoint's config and rebuilt.

/** The config that {@link auxiliaryFromConfig} rebuilds `task` from. @internal */
export function auxiliaryConfig(task: AuxiliaryTask): LossConfig {
  if (task instanceof AcganTask || task instanceof InfoGanTask)
    return { name: task.name, builtin: true, ...task.toConfig() };
  // A user-written task's options never mark it built-in (it would be rebuilt as the built-in one).
  const { builtin: _builtin, ...options } = task.toConfig?.() ?? {};
  return { ...options, name: task.name };
}

/** The built-in auxiliary task described by `config`, or `null` for a user-written one. @internal */
export function auxiliaryFromConfig(config: LossConfig): AuxiliaryTask | null {
  if (config.builtin !== true) return null;
  switch (config.name) {
    case 'acgan':
      return new AcganTask({
        numClasses: config.numClasses as number,
        weight: config.weight as number,
        generatorWeight: config.generatorWeight as number,
      });
    case 'infogan':
      return new InfoGanTask({
        categorical: config.categorical as number,
        continuous: config.continuous as number,
        weight: config.weight as number,
        continuousWeight: config.continuousWeight as number,
        continuousLoss: config.continuousLoss as ContinuousCodeLoss,
      });
    default:
      return null;
  }
}
