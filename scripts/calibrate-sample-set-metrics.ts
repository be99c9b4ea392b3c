/**
 * Prints the calibration table of the vector-by-vector metrics in docs/metrics.md: what FD, KID,
 * precision, recall, density and coverage give on inputs whose quality is known, with the bundled
 * MNIST classifier's features, at several sample counts.
 *
 *   npx tsx scripts/calibrate-sample-set-metrics.ts [--sizes 1000,5000] [--seed 0] [--classifier dir] [--backend wasm|cpu]
 *
 * At each n the reference is n MNIST test images (seeded choice, as `evaluateGan({ real: 'mnist' })`
 * draws them); each row is n images compared with it: real train images (the baseline: what a
 * perfect generator gets), real train images with Gaussian pixel noise σ = 0.3, uniform noise,
 * train images of one class only (digit 0), and of five classes (0–4). FD is against the 10,000
 * test images' cached statistics, as everywhere else. `--classifier` measures through another net
 * of MNIST images (e.g. a feature net trained without labels, on the rotation task), with FD
 * against that net's cached reference. (scripts/calibrate-metrics.ts prints the table of the
 * classifier metrics.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { Command, Option } from 'commander';
import { initBackend, Rng, type BackendName, datasets, quality } from '../src/index';

const opts = new Command('calibrate-sample-set-metrics')
  .description('Print the calibration table of the vector-by-vector metrics (docs/metrics.md).')
  .option('--sizes <list>', 'sample counts, comma-separated', (v: string) => v.split(',').map(Number), [1000, 5000])
  .option('--seed <n>', 'seed of the choices, the noise and the KID subsets', Number, 0)
  .option('--classifier <dir>', 'a net of 28×28 MNIST images to measure through (default: the bundled classifier)')
  .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['wasm', 'cpu', 'tensorflow']))
  .parse()
  .opts<{ sizes: number[]; seed: number; classifier?: string; backend?: BackendName }>();

/** `n` train images (seeded choice) among those whose label passes `keep`. */
function pick(train: datasets.ImageDataset, n: number, rng: Rng, keep: (label: number) => boolean): tf.Tensor4D {
  const labels = train.labels as Int32Array;
  const candidates = rng.shuffle(Int32Array.from(labels.keys()).filter((i) => keep(labels[i])));
  if (candidates.length < n) throw new Error(`only ${candidates.length} train images pass the filter; ${n} wanted`);
  const batch = train.gather(candidates.slice(0, n));
  batch.labels?.dispose();
  return batch.images;
}

async function main(): Promise<void> {
  await initBackend({ backend: opts.backend });
  const started = Date.now();
  const classifier = await quality.loadMnistClassifier({ dir: opts.classifier });
  console.error(`through ${classifier.dir} (FD against ${classifier.requireReference().source})`);
  const train = await datasets.loadMnist({ split: 'train' });
  const lines = [
    '| n | input | FD | KID ± std | precision | recall | density | coverage |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const n of opts.sizes) {
    const { reference } = await quality.loadMnistReference(classifier, n, opts.seed);
    const rng = new Rng(opts.seed + 1);
    const row = async (name: string, images: tf.Tensor4D): Promise<void> => {
      const m = await quality.evaluateImages(images, { classifier, real: reference, sampleSet: { seed: opts.seed } });
      images.dispose();
      const s = m.sampleSet;
      if (s === undefined) throw new Error('no sample-set metrics');
      lines.push(
        `| ${n} | ${name} | ${m.frechetDistance.toFixed(2)} | ${s.kid.toFixed(3)} ± ${s.kidStd.toFixed(3)} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.density.toFixed(3)} | ${s.coverage.toFixed(3)} |`,
      );
      console.error(`n ${n}: ${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    };
    await row(
      'real train images (the baseline)',
      pick(train, n, rng, () => true),
    );
    const clean = pick(train, n, rng, () => true);
    const noisy = tf.tidy(() =>
      tf.clipByValue(tf.add(clean, tf.randomNormal(clean.shape, 0, 0.3, 'float32', rng.nextSeed())), -1, 1),
    ) as tf.Tensor4D;
    clean.dispose();
    await row('real train images + pixel noise σ = 0.3', noisy);
    await row('uniform noise in [-1, 1]', tf.randomUniform([n, 28, 28, 1], -1, 1, 'float32', rng.nextSeed()));
    await row(
      'one class only (train images of digit 0)',
      pick(train, n, rng, (l) => l === 0),
    );
    await row(
      'five classes only (train images of digits 0–4)',
      pick(train, n, rng, (l) => l < 5),
    );
  }
  console.log(lines.join('\n'));
  console.error(`${((Date.now() - started) / 1000).toFixed(0)} s`);
  classifier.dispose();
  train.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
