/**
 * What every MNIST training example shares: parse the common flags, start the backend, load MNIST,
 * train with the standard outputs and the per-epoch evaluation, and report errors as one line.
 *
 * @packageDocumentation
 */
import { initBackend } from '../backend';
import { loadMnist } from '../data/mnist';
import { errorReport } from '../core/error-report';
import type { Gan } from '../models/gan/gan';
import type { TrainerCallback } from '../train/trainer';
import { runTraining, type TrainingResult } from './run-training';
import { parseTrainingArgs, type TrainingArgs, type TrainingDefaults } from './training-args';

/** An MNIST training script: its name, flags' defaults and the GAN it builds. */
export interface MnistTrainingScript {
  /** Command name, shown by `--help`. */
  name: string;
  /** One-line description, shown by `--help`. */
  description: string;
  /** The defaults of the common flags (see {@link parseTrainingArgs}). */
  defaults: TrainingDefaults;
  /** Builds a new GAN from the parsed flags (not called when resuming from a checkpoint). */
  build(args: TrainingArgs): Gan;
  /** More callbacks after the standard ones (given the parsed flags and the message sink). */
  callbacks?(args: TrainingArgs, log: (message: string) => void): TrainerCallback[];
}

/**
 * Runs an MNIST training script as the examples do: {@link parseTrainingArgs} on `argv`,
 * `initBackend`, `loadMnist({ split: 'train', limit })`, then {@link runTraining} with the sample
 * grids, loss log and chart, checkpoints, Ctrl-C handling and the per-epoch sample-quality
 * evaluation.
 *
 * @example
 * ```ts
 * await trainMnistScript({
 *   name: 'my-cgan', description: 'A CGAN on MNIST.', defaults: { epochs: 3, batchSize: 64, out: 'out/my-cgan' },
 *   build: (args) => createCgan({ seed: args.seed }),
 * });
 * ```
 */
export async function trainMnistScript(
  script: MnistTrainingScript,
  argv: readonly string[] = process.argv,
): Promise<TrainingResult> {
  const args = parseTrainingArgs(script.name, script.description, script.defaults, argv);
  await initBackend({ backend: args.backend });
  const data = await loadMnist({ split: 'train', limit: args.limit });
  const log = (message: string): void => console.log(message);
  return runTraining(args, {
    data,
    evaluate: true,
    log,
    callbacks: script.callbacks?.(args, log),
    build: () => script.build(args),
  });
}

/**
 * Runs a script's `main`, turning a failure into exit code 1 and, on stderr, one line for every
 * gankit error (a bad flag, a refused path, a checkpoint that does not load), the stack for
 * anything else (see {@link errorReport}).
 *
 * @example
 * ```ts
 * runScript(() => trainMnistScript({ ... }));
 * ```
 */
export function runScript(main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    console.error(errorReport(error));
    process.exit(1);
  });
}
