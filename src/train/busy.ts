/**
 * One operation at a time per model: `fit`, `save`, `restore` and `dispose` claim the model's
 * training state while they run, so a second one is refused with a {@link ModelBusyError}
 * instead of interleaving with the first (two loops sharing one step counter, a checkpoint that
 * records one step and holds the weights of another). The training loop marks the moments it
 * waits for its callbacks: a save from a callback runs at a step boundary, while the loop waits,
 * and so writes one consistent step.
 *
 * @packageDocumentation
 */
import { ModelBusyError } from '../errors';

/** What holds a model. */
interface Operation {
  /** Its name, for messages, e.g. `fit`. */
  name: string;
  /** How many callback calls the loop is waiting for (nested awaits count once each). */
  inCallbacks: number;
  /** Whether a training loop may run inside it (`Gan.fit`, whose loop may restart after a rollback). */
  holdsFit: boolean;
  /** Whether that inner loop runs now. */
  innerFit: boolean;
  /** Saves started at the current step boundary, which the loop waits for before the next step. */
  saves: Array<Promise<unknown>>;
}

const running = new WeakMap<object, Operation>();

/** Ends an operation. */
export type Release = () => void;

/**
 * Claims `model` (its training state object) for `operation`.
 *
 * @param model - The object that identifies the model: its training state.
 * @param operation - The call, for messages, e.g. `Gan.save`.
 * @param name - What it is, for messages of later refusals, e.g. `fit`.
 * @param options - `holdsFit`: a training loop may run inside this operation.
 * @returns the release, to call when the operation ends.
 * @throws {@link ModelBusyError} when another operation holds the model.
 */
export function claimModel(
  model: object,
  operation: string,
  name: string,
  options: { holdsFit?: boolean } = {},
): Release {
  const held = running.get(model);
  if (held !== undefined) {
    if (name === 'fit' && held.holdsFit && !held.innerFit) {
      held.innerFit = true;
      return () => {
        held.innerFit = false;
      };
    }
    throw busy(operation, held);
  }
  const op: Operation = { name, inCallbacks: 0, holdsFit: options.holdsFit === true, innerFit: false, saves: [] };
  running.set(model, op);
  return () => {
    if (running.get(model) === op) running.delete(model);
  };
}

function busy(operation: string, held: Operation): ModelBusyError {
  return new ModelBusyError(
    operation,
    held.name,
    held.name === 'fit'
      ? 'await fit() first, or save from a training callback (e.g. checkpoints()), which runs at a step boundary'
      : `await ${held.name}() first`,
  );
}

/**
 * Runs `save` on `model` when nothing else holds it, or at a step boundary of its training loop
 * (from a callback): the loop then waits for the save before its next step, so the checkpoint is
 * one step. Else refuses. The check is made when called, before any await.
 *
 * @throws {@link ModelBusyError} when another operation holds the model.
 */
export async function whileSaving<T>(model: object, operation: string, save: () => Promise<T>): Promise<T> {
  const held = running.get(model);
  if (held !== undefined && held.name === 'fit' && held.inCallbacks > 0) {
    const saving = save();
    held.saves.push(saving.catch(() => undefined));
    return saving;
  }
  const release = claimModel(model, operation, 'save');
  try {
    return await save();
  } finally {
    release();
  }
}

/**
 * Refuses `operation` (e.g. `dispose`) on a model that any operation holds.
 *
 * @throws {@link ModelBusyError}.
 */
export function checkModelIdle(model: object, operation: string): void {
  const held = running.get(model);
  if (held !== undefined) throw busy(operation, held);
}

/**
 * Runs the training loop's callback calls `calls` as a step boundary of `model`: saves are
 * allowed meanwhile, and the boundary ends only when every save started in it has ended.
 */
export async function atStepBoundary<T>(model: object, calls: () => Promise<T>): Promise<T> {
  const held = running.get(model);
  if (held === undefined) return calls();
  held.inCallbacks++;
  try {
    return await calls();
  } finally {
    while (held.saves.length > 0) await Promise.all(held.saves.splice(0));
    held.inCallbacks--;
  }
}
