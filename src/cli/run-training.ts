/**
 * A training run with the outputs a user expects, as the examples run it: progress bar, a sample
 * grid per epoch, the losses as CSV and as a chart, a checkpoint per epoch, Ctrl-C saving a
 * checkpoint, and `--resume` from it.
 *
 * @packageDocumentation
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkpoints, saveOnInterrupt } from '../callbacks/checkpoints';
import { lossLog } from '../callbacks/loss-log';
import { evaluation } from '../eval/evaluation-callback';
import { progressBar } from '../callbacks/progress-bar';
import { gridFile, sampleGrids } from '../callbacks/sample-grids';
import type { ImageSource } from '../data/image-source';
import type { Gan } from '../gan';
import { loadGAN } from '../gan-checkpoint';
import type { TrainerCallback } from '../train/trainer';
import type { TrainHistory } from '../train/trainer';
import type { EmaGenerator } from '../train/ema';
import { AVERAGED_GENERATOR_DIR } from '../train/checkpoint';
import type { TrainingArgs } from './training-args';

/** Where {@link runTraining} writes, inside `out`. */
export interface TrainingOutputs {
  /** Folder of the sample grids, `epoch-NNN.png`. */
  samples: string;
  /** The per-step losses, CSV. */
  lossCsv: string;
  /** The loss chart, PNG. */
  lossPlot: string;
  /** The checkpoint folder (see {@link loadGAN}). */
  checkpoint: string;
}

/** What {@link runTraining} returns. */
export interface TrainingResult {
  /** The GAN trained (new or resumed). */
  gan: Gan;
  /** The averaged generator when `args.ema` is set (what the grids, the evaluation and `ema-generator/` show), else `null`; the caller disposes it. */
  ema: EmaGenerator | null;
  /** One row per epoch run. */
  history: TrainHistory;
  /** Where the outputs went. */
  outputs: TrainingOutputs;
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

/** What {@link runTraining} trains. */
export interface TrainingJob {
  /** Builds a new GAN (not called when resuming from a checkpoint). */
  build(): Gan;
  /** The training images (labelled for a conditional GAN). */
  data: ImageSource;
  /** Sample-grid columns (default 10: for a CGAN, ten samples of each class per row). */
  gridColumns?: number;
  /**
   * Measure sample quality after each epoch with the bundled MNIST classifier (see
   * {@link evaluation}; `args.evalSamples` samples, 0 to skip): for 28×28×1 images of 10 classes or
   * unconditional GANs of that shape. The numbers are printed and written to `losses.csv`.
   */
  evaluate?: boolean;
  /** More callbacks, run after the standard ones. */
  callbacks?: TrainerCallback[];
  /** Where messages go (default `console.log`). */
  log?: (message: string) => void;
}

/**
 * Trains `job` as `args` say (see {@link parseTrainingArgs}), writing into `args.out`:
 * `samples/epoch-NNN.png` (fixed z; one row per class for a CGAN), `losses.csv`, `losses.png`
 * (with the ln 2 equilibrium lines) and `checkpoint/` after every epoch. With `args.resume` it
 * continues from `checkpoint/` when there is one (weights, optimizer state, epoch, RNG). Ctrl-C
 * stops after the current step and saves the checkpoint.
 *
 * With `args.ema` (a decay in (0, 1)) the run also keeps an exponential moving average of G's
 * weights ({@link Gan.averageWeights}, averaging from step `args.emaStart`, its batch-norm
 * statistics copied from G or, with `args.emaBatchNorm: 'recompute'`, re-estimated for the
 * average after every epoch): the sample grids and the per-epoch evaluation show the averaged G,
 * and each checkpoint holds it (`ema-generator/`, inside the manifest), which `--resume` restores
 * and `gankit eval` measures.
 *
 * @returns the GAN (new or resumed), the averaged generator (or `null`) and the epochs run.
 */
export async function runTraining(args: TrainingArgs, job: TrainingJob): Promise<TrainingResult> {
  const log = job.log ?? ((m: string) => console.log(m));
  const outputs = trainingOutputs(args.out);
  const resumable = existsSync(outputs.checkpoint);
  let gan: Gan;
  if (args.resume && resumable) {
    gan = await loadGAN(outputs.checkpoint, { onSkip: (dir, error) => log(`skipping ${dir}: ${error.message}`) });
    const within =
      gan.trainer.epochProgress === null ? '' : ` and ${gan.trainer.epochProgress.steps} step(s) of the next`;
    log(`resuming from ${outputs.checkpoint}: ${gan.trainer.epoch} epoch(s)${within} done, step ${gan.trainer.step}`);
  } else {
    if (args.resume) log(`no checkpoint in ${outputs.checkpoint}: starting a new run`);
    else if (resumable) {
      // A new run must not mix its checkpoints with an old run's; the old ones are kept aside, not deleted.
      const previous = `${outputs.checkpoint}.previous`;
      await fs.rm(previous, { recursive: true, force: true });
      await fs.rename(outputs.checkpoint, previous);
      log(`note: starting a new run; the previous checkpoints moved to ${previous} (--resume continues them instead)`);
    }
    gan = job.build();
  }
  let ema = gan.averaged;
  if (ema !== null) {
    log(`averaged generator restored (${AVERAGED_GENERATOR_DIR}/, decay ${ema.decay})`);
  } else if (args.ema !== undefined && args.ema > 0) {
    ema = gan.averageWeights({
      decay: args.ema,
      startStep: args.emaStart ?? 0,
      batchNormStatistics: args.emaBatchNorm,
    });
    if (gan.trainer.step > 0) log('note: the checkpoint holds no averaged generator; the average starts again from G');
  }
  if (gan.trainer.epoch >= args.epochs) {
    log(`already trained ${gan.trainer.epoch} epoch(s); raise --epochs to train more`);
    return { gan, ema, history: [], outputs };
  }
  const history = await gan.fit(job.data, {
    epochs: args.epochs,
    batchSize: args.batchSize,
    workers: args.workers,
    callbacks: [
      progressBar(),
      // The GAN samples from its averaged generator when it keeps one: the grids and the evaluation show it.
      ...(job.evaluate === true && args.evalSamples > 0 ? [evaluation(gan, { samples: args.evalSamples, log })] : []),
      sampleGrids({ dir: outputs.samples, columns: job.gridColumns ?? 10, seed: 1234, from: gan }),
      lossLog({ file: outputs.lossCsv, plot: outputs.lossPlot }),
      checkpoints(gan, { dir: outputs.checkpoint }),
      saveOnInterrupt(gan, { dir: outputs.checkpoint }),
      ...(job.callbacks ?? []),
    ],
  });
  const last = history.at(-1);
  if (last !== undefined) {
    log(
      `epoch ${last.epoch + 1}: D ${last.dLoss.toFixed(3)} G ${last.gLoss.toFixed(3)}; ${history.reduce((s, h) => s + h.seconds, 0).toFixed(0)} s for ${history.length} epoch(s)`,
    );
    log(
      `samples: ${gridFile(outputs.samples, last.epoch + 1)}  losses: ${outputs.lossCsv}, ${outputs.lossPlot}  checkpoint: ${outputs.checkpoint}`,
    );
  }
  return { gan, ema, history, outputs };
}
