/**
 * The command line every gankit training script shares (the examples use it), parsed with
 * commander: `--epochs`, `--batch-size`, `--out`, `--backend`, `--seed`, `--workers`,
 * `--resume`, `--limit`, `--eval-samples`, `--ema`, `--ema-start`, `--ema-batch-norm`, `--help`.
 *
 * @packageDocumentation
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { BackendName } from '../backend';
import { GanConfigError } from '../errors';

/** A training script's defaults (what its header's time estimate is for). */
export interface TrainingDefaults {
  /** Epochs to train. */
  epochs: number;
  /** Images per batch. */
  batchSize: number;
  /** Output folder. */
  out: string;
  /** Default 1. */
  seed?: number;
  /** Data-parallel threads (default 1). */
  workers?: number;
  /** Train on the first N images only (default: all). */
  limit?: number;
  /** Samples the per-epoch evaluation measures (default 1,000; 0 to skip it). */
  evalSamples?: number;
  /**
   * Decay of an exponential moving average of G's weights ({@link training.emaGenerator}) that the run
   * samples, measures and saves instead of the raw G (default 0: none).
   */
  ema?: number;
  /** First step that averages; before it the average copies G (default 0; see {@link training.EmaOptions.startStep}). */
  emaStart?: number;
  /** The averaged G's batch-norm statistics: G's copied, or recomputed for the average after every epoch (default `copy`; see {@link training.EmaOptions.batchNormStatistics}). */
  emaBatchNorm?: 'copy' | 'recompute';
}

/** The parsed command line. */
export interface TrainingArgs {
  /** Epochs to reach (absolute: a resumed run at epoch 2 with `--epochs 3` trains one more). */
  epochs: number;
  /** Images per batch. */
  batchSize: number;
  /** Output folder. */
  out: string;
  /** Backend to force (default: the fastest, see {@link initBackend}). */
  backend?: BackendName;
  /** Seed of the weights, z, labels and shuffling. */
  seed: number;
  /** Data-parallel threads. */
  workers: number;
  /** Continue from the checkpoint in `<out>/checkpoint`, if there is one. */
  resume: boolean;
  /** Train on the first N images only (quick runs, tests). */
  limit?: number;
  /** Samples the per-epoch sample-quality evaluation measures (0: no evaluation). */
  evalSamples: number;
  /** Decay of the averaged generator the run samples, measures and saves (0 or absent: none, the raw G). */
  ema?: number;
  /** First step the average averages, copies of G before it (default 0). */
  emaStart?: number;
  /** The averaged G's batch-norm statistics: `copy` (G's) or `recompute` (re-estimated for the average after every epoch). */
  emaBatchNorm?: 'copy' | 'recompute';
}

/**
 * A commander argument parser for a positive integer flag: `--epochs 0` fails with
 * "--epochs must be a positive integer, got '0'.".
 *
 * @example
 * ```ts
 * program.option('--columns <n>', 'images per row', positiveIntegerFlag('--columns'), 10);
 * ```
 */
export function positiveIntegerFlag(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${name} must be a positive integer, got '${value}'.`);
    return n;
  };
}

/**
 * A commander argument parser for a non-negative integer flag (see {@link positiveIntegerFlag}).
 *
 * @example
 * ```ts
 * program.option('--warmup <n>', 'steps before averaging', nonNegativeIntegerFlag('--warmup'), 0);
 * ```
 */
export function nonNegativeIntegerFlag(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw new InvalidArgumentError(`${name} must be a non-negative integer, got '${value}'.`);
    return n;
  };
}

function decay(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1)
    throw new InvalidArgumentError(`--ema must be a number in [0, 1) (0: no average), got '${value}'.`);
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected an integer, got '${value}'.`);
  return n;
}

/**
 * Adds the common training flags (`--epochs`, `--batch-size`, `--out`, `--backend`, `--seed`,
 * `--workers`, `--resume`, `--limit`, `--eval-samples`, `--ema`, `--ema-start`,
 * `--ema-batch-norm`) to a commander `program`, with `defaults`; read them back with
 * {@link trainingArgsFrom}. For a command of your own that trains a GAN beside other flags.
 *
 * @example
 * ```ts
 * const program = addTrainingOptions(new Command('my-train'), { epochs: 5, batchSize: 64, out: 'out/mine' });
 * program.option('--data <dir>', 'images').parse();
 * const args = trainingArgsFrom(program);
 * ```
 */
export function addTrainingOptions(program: Command, defaults: TrainingDefaults): Command {
  return program
    .option(
      '--epochs <n>',
      'epochs to reach (absolute when resuming)',
      positiveIntegerFlag('--epochs'),
      defaults.epochs,
    )
    .option('--batch-size <n>', 'images per batch', positiveIntegerFlag('--batch-size'), defaults.batchSize)
    .option('--out <dir>', 'output folder: sample grids, losses.csv, losses.png, checkpoint/', defaults.out)
    .addOption(
      new Option('--backend <name>', 'TensorFlow.js backend (default: the fastest installed)').choices([
        'tensorflow',
        'wasm',
        'cpu',
      ]),
    )
    .option('--seed <n>', 'seed of the weights, z, labels and shuffling', integer, defaults.seed ?? 1)
    .option(
      '--workers <n>',
      'data-parallel threads (one per core pays on convolutional nets)',
      positiveIntegerFlag('--workers'),
      defaults.workers ?? 1,
    )
    .option('--resume', 'continue from <out>/checkpoint when it exists', false)
    .option(
      '--limit <n>',
      'train on the first n images only (quick runs)',
      positiveIntegerFlag('--limit'),
      defaults.limit,
    )
    .option(
      '--eval-samples <n>',
      'measure this many samples with the MNIST classifier after each epoch (0: skip)',
      nonNegativeIntegerFlag('--eval-samples'),
      defaults.evalSamples ?? 1000,
    )
    .option(
      '--ema <decay>',
      "sample, measure and save a moving average of G's weights with this decay (0: the raw G)",
      decay,
      defaults.ema ?? 0,
    )
    .option(
      '--ema-start <step>',
      'first step that averages (before it the average copies G)',
      nonNegativeIntegerFlag('--ema-start'),
      defaults.emaStart ?? 0,
    )
    .addOption(
      new Option(
        '--ema-batch-norm <how>',
        "the averaged G's batch-norm statistics: G's copied, or recomputed for the average after every epoch",
      )
        .choices(['copy', 'recompute'])
        .default(defaults.emaBatchNorm ?? 'copy'),
    );
}

/**
 * The common training flags of a parsed `program` (see {@link addTrainingOptions}).
 *
 * @example
 * ```ts
 * const { epochs, out } = trainingArgsFrom(program.parse());
 * ```
 */
export function trainingArgsFrom(program: Command): TrainingArgs {
  const o = program.opts<{
    epochs: number;
    batchSize: number;
    out: string;
    backend?: BackendName;
    seed: number;
    workers: number;
    resume: boolean;
    limit?: number;
    evalSamples: number;
    ema: number;
    emaStart: number;
    emaBatchNorm: 'copy' | 'recompute';
  }>();
  return {
    epochs: o.epochs,
    batchSize: o.batchSize,
    out: o.out,
    backend: o.backend,
    seed: o.seed,
    workers: o.workers,
    resume: o.resume,
    limit: o.limit,
    evalSamples: o.evalSamples,
    ema: o.ema,
    emaStart: o.emaStart,
    emaBatchNorm: o.emaBatchNorm,
  };
}

/**
 * Parses a training script's command line (`argv` as `process.argv`: node, script, arguments).
 * `--help` prints the usage and exits.
 *
 * @throws {@link GanConfigError} naming the flag and what it expected (after printing the usage).
 *
 * @example
 * ```ts
 * const args = parseTrainingArgs('cgan-mnist', 'Conditional GAN on MNIST (seed 002).', { epochs: 3, batchSize: 64, out: 'out/cgan-mnist' });
 * ```
 */
export function parseTrainingArgs(
  name: string,
  description: string,
  defaults: TrainingDefaults,
  argv: readonly string[] = process.argv,
): TrainingArgs {
  const program = addTrainingOptions(new Command(name).description(description), defaults);
  parseProgram(program, argv);
  return trainingArgsFrom(program);
}

/**
 * Parses `argv` (as `process.argv`: node, script, arguments) with a script's `program`: `--help`
 * prints the usage and exits; a bad flag prints the usage and throws. Returns the program.
 *
 * @throws {@link GanConfigError} naming the flag and what it expected.
 *
 * @example
 * ```ts
 * const program = new Command('pix2pix-emoji').option('--lambda-l1 <x>', 'L1 weight', Number, 100);
 * const { lambdaL1 } = parseProgram(program).opts<{ lambdaL1: number }>();
 * ```
 */
export function parseProgram(program: Command, argv: readonly string[] = process.argv): Command {
  program
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text), outputError: () => undefined });
  try {
    program.parse([...argv]);
  } catch (error) {
    if (
      error instanceof CommanderError &&
      (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
    )
      process.exit(0);
    const message = error instanceof Error ? error.message.replace(/^error: /, '') : String(error);
    throw new GanConfigError('argv', message);
  }
  return program;
}
