/**
 * A training run with the outputs a user expects, as the examples run it: progress bar, a sample
 * grid per epoch, the losses as CSV and as a chart, a checkpoint per epoch, Ctrl-C saving a
 * checkpoint, and `--resume` from it.
 *
 * @packageDocumentation
 */
import { evaluation } from '../eval/evaluation-callback';
import { sampleGrids } from '../callbacks/sample-grids';
import type { EpochLogs, TrainingCallback } from '../train/callbacks';
import { runModel, type TrainingOutputs } from './run-model';
import type { ImageSource } from '../data/image-source';
import type { Gan } from '../models/gan/gan';
import { CheckpointError } from '../errors';
import { loadGan } from '../models/gan/load';
import type { TrainerCallback } from '../train/trainer';
import type { TrainHistory } from '../train/trainer';
import type { EmaGenerator } from '../train/ema';
import { AVERAGED_GENERATOR_DIR } from '../train/checkpoint';
import type { TrainingArgs } from './training-args';

export { trainingOutputs, type TrainingOutputs } from './run-model';

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
   * {@link callbacks.evaluation}; `args.evalSamples` samples, 0 to skip): for 28×28×1 images of 10 classes or
   * unconditional GANs of that shape. The numbers are printed and written to `losses.csv`.
   */
  evaluate?: boolean;
  /**
   * A classifier or feature net folder to measure through after each epoch instead (see
   * {@link callbacks.evaluation}; its own real images when it is a feature net): for GANs of any images.
   */
  classifier?: string;
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
  let ema: EmaGenerator | null = null;
  const { model, history, outputs } = await runModel<Gan, EpochLogs>(
    args,
    {
      build: () => job.build(),
      load: async (dir, onSkip) => {
        const gan = await loadGan(dir, { onSkip });
        try {
          checkSameKind(gan, job, dir);
        } catch (error) {
          gan.dispose();
          throw error;
        }
        return gan;
      },
      prepare: (gan) => {
        ema = gan.averaged;
        if (ema !== null) {
          log(`averaged generator restored (${AVERAGED_GENERATOR_DIR}/, decay ${ema.decay})`);
        } else if (args.ema !== undefined && args.ema > 0) {
          ema = gan.averageWeights({
            decay: args.ema,
            startStep: args.emaStart ?? 0,
            batchNormStatistics: args.emaBatchNorm,
          });
          if (gan.trainer.step > 0)
            log('note: the checkpoint holds no averaged generator; the average starts again from G');
        }
      },
      fit: (gan, options) =>
        gan.fit(job.data, { ...options, workers: args.workers, callbacks: options.callbacks as TrainerCallback[] }),
      // The GAN samples from its averaged generator when it keeps one: the grids and the evaluation show it.
      measure: (gan) =>
        (job.evaluate === true || job.classifier !== undefined) && args.evalSamples > 0
          ? [evaluation(gan, { samples: args.evalSamples, log, classifier: job.classifier })]
          : [],
      pictures: (gan, dir) => sampleGrids({ dir, columns: job.gridColumns ?? 10, seed: 1234, from: gan }),
      callbacks: job.callbacks as TrainingCallback[] | undefined,
    },
    log,
  );
  return { gan: model, ema, history, outputs };
}

/** The config fields that make a GAN the model a script trains (not its training settings). */
const KIND_FIELDS = [
  'architecture',
  'latentDim',
  'imageShape',
  'numClasses',
  'outputActivation',
  'loss',
  'conditioning',
  'auxiliary',
  'discriminatorConditioning',
] as const;

/**
 * Refuses a checkpoint of another model than `job` builds (`--resume` on another example's
 * output folder would go on training that model under this script's name): a new GAN is built
 * and the config fields of {@link KIND_FIELDS} compared (a loss or task by name only).
 *
 * @throws {@link CheckpointError} naming the checkpoint and the first field that differs.
 */
function checkSameKind(loaded: Gan, job: TrainingJob, dir: string): void {
  const expected = job.build();
  try {
    for (const field of KIND_FIELDS) {
      const show = (v: unknown): string =>
        JSON.stringify(v !== null && typeof v === 'object' && 'name' in v ? (v as { name: unknown }).name : v) ??
        'none';
      const [have, want] = [show(loaded.config[field]), show(expected.config[field])];
      if (have !== want)
        throw new CheckpointError(
          dir,
          `holds another model than this script trains (config.${field} is ${have}, this script's is ${want}); resume it with the script that wrote it, or give this one another --out`,
        );
    }
  } finally {
    expected.dispose();
  }
}
