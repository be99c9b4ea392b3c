/**
 * Prints the calibration table of docs/metrics.md: what the sample-quality metrics give on inputs
 * whose quality is known, measured with the bundled classifier.
 *
 *   npx tsx scripts/calibrate-metrics.ts [--samples 10000] [--seed 1] [--backend wasm|cpu]
 *
 * Rows: real test images (the reference itself: FD ≈ 0), real training images (the noise floor of
 * each metric; once more with only 1,000 of them, for FD's small-sample bias), uniform noise, copies of one real digit, real images with shuffled labels, and
 * real images with Gaussian pixel noise σ = 0.3 (clipped to [-1, 1]). The real rows use the first
 * `--samples` training images with their labels; noise gets labels i mod 10.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Command, Option } from 'commander';
import { initBackend, Rng, type BackendName, datasets, quality } from '../src/index';

const opts = new Command('calibrate-metrics')
  .description('Print the calibration table of docs/metrics.md.')
  .option('--samples <n>', 'images per row (the one-digit row always has 1,000)', Number, 10000)
  .option('--seed <n>', 'seed of the noise and of the label shuffle', Number, 1)
  .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['wasm', 'cpu', 'tensorflow']))
  .parse()
  .opts<{ samples: number; seed: number; backend?: BackendName }>();

interface Row {
  name: string;
  metrics: quality.GanMetrics;
}

async function main(): Promise<void> {
  await initBackend({ backend: opts.backend });
  const started = Date.now();
  const classifier = await quality.loadMnistClassifier();
  const train = await datasets.loadMnist({ split: 'train', limit: opts.samples });
  const test = await datasets.loadMnist({ split: 'test', limit: opts.samples });
  const n = train.size;
  const labels = train.labels as Int32Array;
  const rng = new Rng(opts.seed);
  const rows: Row[] = [];
  const measure = async (name: string, images: tf.Tensor, imageLabels: ArrayLike<number>): Promise<void> => {
    rows.push({ name, metrics: await quality.evaluateImages(images, { classifier, labels: imageLabels }) });
    console.error(`measured: ${name}`);
  };

  await measure(
    `real test images, true labels (the reference itself; ${test.size})`,
    test.images,
    test.labels as Int32Array,
  );
  await measure(`real train images, true labels (${n}): the noise floor`, train.images, labels);
  if (n > 1000) {
    const few = train.take(1000);
    await measure(
      "real train images, true labels, only 1,000 (FD's small-sample bias)",
      few.images,
      few.labels as Int32Array,
    );
    few.dispose();
  }
  const noise = tf.randomUniform([n, 28, 28, 1], -1, 1, 'float32', rng.nextSeed());
  await measure(
    `uniform noise in [-1, 1], labels i mod 10 (${n})`,
    noise,
    Int32Array.from({ length: n }, (_, i) => i % 10),
  );
  noise.dispose();
  const copies = tf.tidy(() => tf.tile(tf.slice(train.images, [0, 0, 0, 0], [1, -1, -1, -1]), [1000, 1, 1, 1]));
  await measure(
    `1,000 copies of one real digit (train image 0, a ${labels[0]}), its label`,
    copies,
    new Int32Array(1000).fill(labels[0]),
  );
  copies.dispose();
  await measure(`real train images, shuffled labels (${n})`, train.images, rng.shuffle(Int32Array.from(labels)));
  const noisy = tf.tidy(() =>
    tf.clipByValue(tf.add(train.images, tf.randomNormal(train.images.shape, 0, 0.3, 'float32', rng.nextSeed())), -1, 1),
  );
  await measure(`real train images + Gaussian noise σ = 0.3, true labels (${n})`, noisy, labels);
  noisy.dispose();

  const header = ['input', ...quality.METRIC_COLUMNS.map((c) => c.title)];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const { name, metrics } of rows) {
    const r = quality.metricsRecord(metrics);
    lines.push(
      `| ${name} | ${quality.METRIC_COLUMNS.map((c) => (r[c.key] === undefined ? '–' : r[c.key].toFixed(c.digits))).join(' | ')} |`,
    );
  }
  console.log(lines.join('\n'));
  console.error(
    `classifier: test accuracy ${(100 * classifier.info.testAccuracy).toFixed(2)}%; ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  classifier.dispose();
  train.dispose();
  test.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
