/**
 * How a loss or an auxiliary task is written into a checkpoint's config and rebuilt from it (by
 * {@link loadGan}, {@link loadCycleGan} and data-parallel workers): through the serialization
 * registry (`{ name, className, config }`, see {@link registerSerializable}) for every registered
 * class, built-in or user-written; the forms older checkpoints hold (`{ name, builtin, ...options }`)
 * are still read.
 *
 * @packageDocumentation
 * @internal
 */
import type { GanLoss } from './types';
import { deserializeObject, isSerializedObject, serializeObject } from '../core/serialization';
import { BceLoss } from './bce';
import { MinimaxLoss, minimaxLoss } from './minimax';
import { NonSaturatingLoss, nonSaturatingLoss } from './non-saturating';
import { HingeLoss } from './hinge';
import { LeastSquaresLoss } from './least-squares';
import { WassersteinLoss } from './wasserstein';
import { R1PenaltyLoss } from './r1';
import type { AuxiliaryTask } from './auxiliary';
import { AcganTask } from './acgan';
import { InfoGanTask, type ContinuousCodeLoss } from './infogan';
import { CycleLeastSquaresLoss } from './cycle';

/** A loss's name plus its options. @internal */
export interface LossConfig {
  name: string;
  [option: string]: unknown;
}

/**
 * The config that {@link lossFromConfig} rebuilds `loss` from: `{ name, className, config }` for a
 * registered class, else `{ name }` alone (a plain-object loss: the loader must be given it).
 * @internal
 */
export function lossConfig(loss: GanLoss): LossConfig {
  return (serializeObject('loss', loss) as LossConfig | null) ?? { name: loss.name };
}

function isLossConfig(x: unknown): x is LossConfig {
  return typeof x === 'object' && x !== null && typeof (x as LossConfig).name === 'string';
}

/** The loss `config` describes, or `null` for one whose class is not registered. @internal */
export function lossFromConfig(config: LossConfig): GanLoss | null {
  if (isSerializedObject(config)) return deserializeObject<GanLoss>('loss', config);
  return legacyLossFromConfig(config);
}

/** The built-in loss a config written before the serialization registry names, or `null`. */
function legacyLossFromConfig(config: LossConfig): GanLoss | null {
  if (config.builtin === true) {
    if (config.penalty === 'r1') {
      const base = isLossConfig(config.base) ? legacyLossFromConfig(config.base) : null;
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

/**
 * The config that {@link auxiliaryFromConfig} rebuilds `task` from: `{ name, className, config }`
 * for a registered class, else its name and `toConfig()` options (the loader must be given it).
 * @internal
 */
export function auxiliaryConfig(task: AuxiliaryTask): LossConfig {
  const serialized = serializeObject('auxiliary-task', task) as LossConfig | null;
  if (serialized !== null) return serialized;
  // A user-written task's options never mark it built-in (it would be rebuilt as the built-in one).
  const { builtin: _builtin, className: _className, ...options } = task.toConfig?.() ?? {};
  return { ...options, name: task.name };
}

/** The auxiliary task `config` describes, or `null` for one whose class is not registered. @internal */
export function auxiliaryFromConfig(config: LossConfig): AuxiliaryTask | null {
  if (isSerializedObject(config)) return deserializeObject<AuxiliaryTask>('auxiliary-task', config);
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

/** The loss classes gankit itself registers (a worker thread, which runs no user code, knows these). */
const BUILT_IN_LOSSES = new Set(
  [
    BceLoss,
    NonSaturatingLoss,
    MinimaxLoss,
    HingeLoss,
    LeastSquaresLoss,
    WassersteinLoss,
    R1PenaltyLoss,
    CycleLeastSquaresLoss,
  ].map((cls) => cls.className),
);
const BUILT_IN_TASKS = new Set([AcganTask.className, InfoGanTask.className]);

/**
 * Whether the loss `config` describes is one of gankit's own (R1 over one of them included), so
 * that a data-parallel worker, which has not run the user's registrations, can rebuild it.
 * @internal
 */
export function isBuiltInLoss(config: LossConfig): boolean {
  if (!isSerializedObject(config)) return legacyLossFromConfig(config) !== null;
  if (!BUILT_IN_LOSSES.has(config.className)) return false;
  const base = config.config.base;
  return config.className !== R1PenaltyLoss.className || (isLossConfig(base) && isBuiltInLoss(base));
}

/** Whether the auxiliary task `config` describes is one of gankit's own (see {@link isBuiltInLoss}). @internal */
export function isBuiltInAuxiliary(config: LossConfig): boolean {
  return isSerializedObject(config) ? BUILT_IN_TASKS.has(config.className) : auxiliaryFromConfig(config) !== null;
}
