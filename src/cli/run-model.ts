/**
 * A training run of any model with the outputs a user expects: progress bar, pictures after each
 * epoch, the logged values as CSV and as a chart, a checkpoint per epoch, Ctrl-C saving one, and
 * `--resume` from it. The GAN examples and the CycleGAN example are each a recipe plus one call.
 *
 * @packageDocumentation
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkpoints, saveOnInterrupt } from '../callbacks/checkpoints';
import { lossLog } from '../callbacks/loss-log';
import { progressBar } from '../callbacks/progress-bar';
import type { CheckpointError } from '../errors';
import type { TrainingCallback, TrainingEpochLogs, TrainingModel } from '../train/callbacks';
import { logFormats } from '../train/log-format';

/** Where a run writes, inside its `out` folder. */
export interface TrainingOutputs {
  /** Folder of the pictures, `epoch-NNN.png`. */
  samples: string;
  /** The per-step logged values, CSV. */
  lossCsv: string;
  /** The loss chart, PNG. */
  lossPlot: string;
  /** The checkpoint folder. */
  checkpoint: string;
}

/** The output paths of a run writing into `out`. */
export function trainingOutputs(out: string): TrainingOutputs {
  return {
    samples: path.join(out, 'samples'),
    lossCsv: path.join(out, 'losses.csv'),
    lossPlot: path.join(out, 'losses.png'),
    checkpoint: path.join(out, 'checkpoint'),
  };
}

/** A model {@link runModel} can train: it logs, checkpoints and frees itself. */
export interface RunnableModel extends TrainingModel {
  /** Saves the whole training state into one directory (as `Checkpointable` asks). */
  save(dir: string): Promise<void>;
  /** Frees its tensors. */
  dispose(): void;
}

/** The settings of a run that every model shares. */
export interface ModelRunArgs {
  /** Epochs to reach (absolute when resuming). */
  epochs: number;
  /** Batch size. */
  batchSize: number;
  /** The output folder. */
  out: string;
  /** Continue from `out/checkpoint` when there is one. */
  resume: boolean;
}

/** What {@link runModel} trains, and how. */
export interface ModelRecipe<M extends RunnableModel, E extends TrainingEpochLogs> {
  /** A new model (not called when resuming from a checkpoint). */
  build(): M;
  /** The model saved in the checkpoint folder `dir` (the newest checkpoint that verifies). */
  load(dir: string, onSkip: (dir: string, error: CheckpointError) => void): Promise<M>;
  /** Trains `model` with these settings and callbacks (e.g. `model.fit(data, options)`). */
  fit(model: M, options: { epochs: number; batchSize: number; callbacks: TrainingCallback[] }): Promise<E[]>;
  /** The callback that draws the pictures into `dir` after each epoch (sample grids, translation grids). */
  pictures(model: M, dir: string): TrainingCallback;
  /** Called once the model is built or loaded, before training (e.g. to start averaging G). */
  prepare?(model: M, log: (message: string) => void): void | Promise<void>;
  /** Callbacks that measure (their per-epoch metrics reach the CSV): run before the pictures and the writers. */
  measure?(model: M): TrainingCallback[];
  /** More callbacks, run after the standard ones. */
  callbacks?: TrainingCallback[];
}

/** What {@link runModel} returns. */
export interface ModelRunResult<M, E> {
  /** The model trained (new or resumed); the caller disposes it. */
  model: M;
  /** One row per epoch run. */
  history: E[];
  /** Where the outputs went. */
  outputs: TrainingOutputs;
}

/**
 * Trains `recipe`'s model as `args` say, writing into `args.out`: `samples/epoch-NNN.png`,
 * `losses.csv` (a column per logged value, then the metrics), `losses.png` and `checkpoint/`
 * after every epoch. With `args.resume` it continues from `checkpoint/` when there is one,
 * exactly where it stopped (inside an epoch too). A new run keeps an earlier run's checkpoints
 * as `checkpoint.previous/` instead of mixing them. Ctrl-C stops after the current step and
 * saves a checkpoint.
 *
 * @example
 * ```ts
 * const { model } = await runModel({ epochs: 2, batchSize: 8, out: 'out/cycle', resume: true }, {
 *   build: () => createCycleGan({ seed: 1 }),
 *   load: (dir) => loadCycleGan(dir),
 *   fit: (cycle, options) => cycle.fit(mnist, fashion, options),
 *   pictures: (cycle, dir) => translationGrids({ dir, x: someDigits, y: someClothes }),
 * });
 * ```
 */
export async function runModel<M extends RunnableModel, E extends TrainingEpochLogs>(
  args: ModelRunArgs,
  recipe: ModelRecipe<M, E>,
  log: (message: string) => void = (m) => console.log(m),
): Promise<ModelRunResult<M, E>> {
  const outputs = trainingOutputs(args.out);
  const resumable = existsSync(outputs.checkpoint);
  let model: M;
  if (args.resume && resumable) {
    model = await recipe.load(outputs.checkpoint, (dir, error) => log(`skipping ${dir}: ${error.message}`));
    const { progress, epoch, step } = model.state;
    const within = progress === null ? '' : ` and ${progress.steps} step(s) of the next`;
    log(`resuming from ${outputs.checkpoint}: ${epoch} epoch(s)${within} done, step ${step}`);
  } else {
    if (args.resume) log(`no checkpoint in ${outputs.checkpoint}: starting a new run`);
    else if (resumable) {
      // A new run must not mix its checkpoints with an old run's; the old ones are kept aside, not deleted.
      const previous = `${outputs.checkpoint}.previous`;
      await fs.rm(previous, { recursive: true, force: true });
      await fs.rename(outputs.checkpoint, previous);
      log(`note: starting a new run; the previous checkpoints moved to ${previous} (--resume continues them instead)`);
    }
    model = recipe.build();
  }
  await recipe.prepare?.(model, log);
  if (model.state.epoch >= args.epochs) {
    log(`already trained ${model.state.epoch} epoch(s); raise --epochs to train more`);
    return { model, history: [], outputs };
  }
  const history = await recipe.fit(model, {
    epochs: args.epochs,
    batchSize: args.batchSize,
    callbacks: [
      progressBar(),
      ...(recipe.measure?.(model) ?? []),
      recipe.pictures(model, outputs.samples),
      lossLog({ file: outputs.lossCsv, plot: outputs.lossPlot }),
      checkpoints(model, { dir: outputs.checkpoint }),
      saveOnInterrupt(model, { dir: outputs.checkpoint }),
      ...(recipe.callbacks ?? []),
    ],
  });
  const last = history.at(-1);
  if (last !== undefined) {
    const values = logFormats(model)
      .filter((f) => f.loss)
      .map((f) => `${f.label} ${(last as unknown as Record<string, number>)[f.name].toFixed(f.digits)}`)
      .join(' ');
    const seconds = history.reduce((s, h) => s + h.seconds, 0).toFixed(0);
    log(`epoch ${last.epoch + 1}: ${values}; ${seconds} s for ${history.length} epoch(s)`);
    log(
      `samples: ${path.join(outputs.samples, `epoch-${String(last.epoch + 1).padStart(3, '0')}.png`)}  losses: ${outputs.lossCsv}, ${outputs.lossPlot}  checkpoint: ${outputs.checkpoint}`,
    );
  }
  return { model, history, outputs };
}
