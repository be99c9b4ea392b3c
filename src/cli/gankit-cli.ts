/**
 * The `gankit` command line: `gankit train`, `gankit sample` and `gankit eval`, one commander
 * program whose errors all end the same way (one line for a gankit error, the stack for a bug).
 *
 * @packageDocumentation
 */
import { Command, CommanderError } from 'commander';
import { errorReport } from '../core/error-report';
import { evalCommand, runEvalCommand } from './eval-command';
import { featureNetCommand, runFeatureNetCommand } from './feature-net-command';
import { runSampleCommand, sampleCommand } from './sample-command';
import { runTrainCommand, trainCommand } from './train-command';
import { runTranslateCommand, translateCommand } from './translate-command';
import { runTranslationTraining } from './train-translation';
import { GanConfigError } from '../errors';

/** Where {@link runGankitCli} writes (default: the process's stdout and stderr). */
export interface CliOutput {
  /** Normal output (the tables, progress, JSON). */
  out?: (text: string) => void;
  /** Messages and errors. */
  err?: (text: string) => void;
}

/**
 * Runs the `gankit` command line on `argv`:
 *
 * - `gankit train --data <folder | file.h5 | mnist | fashion-mnist> [...]`: trains a GAN (see `runTrainCommand` in cli/train-command.ts);
 * - `gankit sample <checkpoint> [...]`: draws a grid from it (see `runSampleCommand` in cli/sample-command.ts);
 * - `gankit eval <checkpoint> [...]`: measures its samples (see {@link quality.evaluateGan});
 * - `gankit feature-net --data <folder | file.h5 | mnist | fashion-mnist> [...]`: trains a feature net on those images for `gankit eval --classifier` (see {@link quality.trainFeatureNet});
 * - `gankit translate <checkpoint> <images> [...]`: runs an image-to-image GAN over a folder of images (see `runTranslateCommand` in cli/translate-command.ts).
 *
 * `gankit <command> --help` lists each one's flags.
 *
 * @param argv - as `process.argv` (node, script, arguments).
 * @returns the exit code: 0 on success and for `--help`, 1 on an error (printed to `err` in one
 * line for a {@link GankitError}, with its stack for anything else).
 *
 * @example
 * ```ts
 * const code = await runGankitCli(['node', 'gankit', 'eval', 'out/cgan-mnist/checkpoint', '--samples', '2000']);
 * ```
 */
export async function runGankitCli(argv: readonly string[], output: CliOutput = {}): Promise<number> {
  const out = output.out ?? ((t: string) => void process.stdout.write(t));
  const err = output.err ?? ((t: string) => void process.stderr.write(t));
  let failure: unknown = null;
  // Commander awaits the actions; a failure is kept here so that it is reported once, in one way.
  const caught =
    <A extends unknown[]>(run: (...args: A) => Promise<unknown>) =>
    async (...args: A): Promise<void> => {
      try {
        await run(...args);
      } catch (error) {
        failure = error;
      }
    };
  const program = new Command('gankit')
    .description(
      'gankit command line: train a GAN on your images, sample it, measure it (through a feature net of your images), translate images with pix2pix or super-resolution',
    )
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .showHelpAfterError();
  const commands = [
    trainCommand(
      caught((args) => {
        const log = (message: string): void => out(`${message}\n`);
        if (args.family === 'gan') return runTrainCommand(args, log);
        if (args.conditional)
          throw new GanConfigError('--conditional', `is for GANs; ${args.family} learns from pairs, not labels`);
        if (/\.(h5|hdf5)$/i.test(args.data) || args.data === 'mnist' || args.data === 'fashion-mnist')
          throw new GanConfigError('--data', `${args.family} trains on a folder of images; got ${args.data}`);
        return runTranslationTraining({ ...args, family: args.family }, log);
      }),
    ),
    sampleCommand(
      caught(async (args) => {
        const result = await runSampleCommand(args);
        out(`${result.file}: ${result.count} samples from the ${result.generator} generator\n`);
      }),
    ),
    evalCommand(caught((checkpoint, flags) => runEvalCommand(checkpoint, flags, out, err))),
    featureNetCommand(caught((args) => runFeatureNetCommand(args, (line) => out(`${line}\n`)))),
    translateCommand(
      caught(async (args) => {
        const result = await runTranslateCommand(args);
        out(
          `${args.out}: ${result.files.length} image(s) translated${result.grid === null ? '' : `; grid ${result.grid}`}\n`,
        );
      }),
    ),
  ];
  for (const command of commands)
    program.addCommand(command.exitOverride().configureOutput({ writeOut: out, writeErr: err }).showHelpAfterError());
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    failure = error;
  }
  if (failure !== null) {
    err(`gankit: ${errorReport(failure)}\n`);
    return 1;
  }
  return 0;
}
