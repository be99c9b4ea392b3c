/**
 * Trains a feature net (trainFeatureNet) on the first --train images of MNIST or Fashion-MNIST,
 * prints its progress and its accuracy on the whole test split, caches --samples test images (a
 * seeded choice) as the reference, then measures as many train images it was not trained on (a
 * seeded choice) against that reference: the baseline a GAN of that dataset is read against.
 *
 * `--task rotations` trains it without the labels (which of four rotations each image was turned
 * by); the labels are then only kept beside the cached features.
 *
 *   npx tsx scripts/train-feature-net.ts [--dataset mnist|fashion] [--task labels|rotations] [--steps 500] [--train 10000] [--out out/feature-net]
 */
import { Command, Option } from 'commander';
import { initBackend, Rng, type BackendName, datasets, quality } from '../src/index';

const opts = new Command('train-feature-net')
  .description('Train a feature net on MNIST or Fashion-MNIST and print its accuracy and real-vs-real metrics.')
  .addOption(new Option('--dataset <name>', 'which dataset').choices(['mnist', 'fashion']).default('mnist'))
  .addOption(
    new Option('--task <name>', 'what the net learns to predict').choices(['labels', 'rotations']).default('labels'),
  )
  .option('--steps <n>', 'training steps', Number, 500)
  .option('--train <n>', 'training images (the first n)', Number, 10000)
  .option(
    '--samples <n>',
    'real test images cached as the reference, and train images measured against it',
    Number,
    2000,
  )
  .option('--seed <n>', 'seed', Number, 0)
  .option('--out <dir>', 'output folder', 'out/feature-net')
  .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['wasm', 'cpu', 'tensorflow']))
  .parse()
  .opts<{
    dataset: 'mnist' | 'fashion';
    task: 'labels' | 'rotations';
    steps: number;
    train: number;
    samples: number;
    seed: number;
    out: string;
    backend?: BackendName;
  }>();

async function main(): Promise<void> {
  await initBackend({ backend: opts.backend });
  const load = opts.dataset === 'fashion' ? datasets.loadFashionMnist : datasets.loadMnist;
  const train = await load({ split: 'train', limit: opts.train });
  const test = await load({ split: 'test' });
  const rng = new Rng(opts.seed);
  const pick = async (data: datasets.ImageDataset, from: number, n: number): Promise<datasets.ImageDataset> => {
    const order = rng.shuffle(Int32Array.from({ length: data.size - from }, (_, i) => from + i));
    const batch = data.gather(order.slice(0, n).sort());
    const labels = Int32Array.from(await (batch.labels ?? batch.images).data());
    batch.labels?.dispose();
    return datasets.ImageDataset.fromTensor(batch.images, labels, { numClasses: data.numClasses });
  };
  const reference = await pick(test, 0, opts.samples);
  // The baseline: as many train images the net is not trained on, cached beside the reference so
  // that `gankit eval --classifier <out>` prints a real-against-real row.
  const all = await load({ split: 'train' });
  const unseen = await pick(all, opts.train, opts.samples);
  all.dispose();
  const started = Date.now();
  const net = await quality.trainFeatureNet(train, {
    dir: opts.out,
    task: opts.task,
    steps: opts.steps,
    seed: opts.seed,
    validation: test,
    reference,
    referenceName: `${opts.dataset} test: ${reference.size} of ${test.size} (seeded choice, seed ${opts.seed})`,
    baseline: unseen,
    baselineName: `${opts.dataset} train: ${unseen.size} images after the first ${opts.train} (seeded choice, seed ${opts.seed})`,
    onProgress: (p) =>
      console.error(`step ${p.step}/${p.steps}: loss ${p.loss.toFixed(3)}, train accuracy ${p.accuracy.toFixed(3)}`),
  });
  console.log(
    `${opts.dataset}, task ${opts.task}: ${opts.steps} steps of ${net.info.batchSize} on ${train.size} images, ${((Date.now() - started) / 1000).toFixed(0)} s; held-out accuracy ${net.info.testAccuracy.toFixed(4)} on ${test.size}; saved to ${net.dir}`,
  );
  const outputs = await net.classify(unseen.images);
  const m = quality.computeMetrics(outputs, {
    classifier: net,
    labels: unseen.labels,
    real: await quality.loadFeatureNetReference(net),
    sampleSet: { seed: opts.seed },
  });
  console.log(
    `real train (${opts.samples} unseen, seeded choice) vs the reference: label accuracy ${m.labelAccuracy?.toFixed(3) ?? '–'}, FD ${m.frechetDistance.toFixed(2)}, KID ${m.sampleSet?.kid.toFixed(3)} ± ${m.sampleSet?.kidStd.toFixed(3)}, precision ${m.sampleSet?.precision.toFixed(3)}, recall ${m.sampleSet?.recall.toFixed(3)}, density ${m.sampleSet?.density.toFixed(3)}, coverage ${m.sampleSet?.coverage.toFixed(3)}`,
  );
  unseen.dispose();
  reference.dispose();
  net.dispose();
  train.dispose();
  test.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
