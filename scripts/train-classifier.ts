/**
 * Trains the MNIST classifier gankit ships in `assets/mnist-classifier/`, through which the
 * sample-quality metrics (src/eval/) look: a small CNN, conv16-conv16-pool-conv32-conv32-pool-
 * dense128-dropout-dense10, on the 60,000 training images, with Adam and a decaying learning rate.
 * Then it writes, beside `model.json` + `weights.bin`:
 *   - `test-features.json` + `test-features.bin`: mean and covariance of the penultimate features
 *     over the 10,000 test images, and each class's within-class diversity, so evaluation needs no
 *     dataset at run time;
 *   - `info.json`: test accuracy, training settings, parameter count, date, tfjs version, the input
 *     convention (images in [-1, 1], as gankit's datasets and Gan.generate use), and the metrics of
 *     10,000 real training images (the noise floor).
 *
 *   nice -n 10 npx tsx scripts/train-classifier.ts            # ~15 min on 2 cores (wasm)
 *   npx tsx scripts/train-classifier.ts --stats-only          # keep the model, redo the statistics
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Command, Option } from 'commander';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { initBackend, Rng, type BackendName, datasets, io, quality } from '../src/index';

const program = new Command('train-classifier')
  .description(
    "Train the MNIST classifier behind gankit's sample-quality metrics and cache the real test set's feature statistics.",
  )
  .option('--epochs <n>', 'epochs over the 60,000 training images', Number, 8)
  .option('--batch-size <n>', 'images per batch', Number, 128)
  .option('--seed <n>', 'seed of the initial weights and the shuffling', Number, 1)
  .option('--out <dir>', 'output folder', 'assets/mnist-classifier')
  .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['wasm', 'cpu', 'tensorflow']))
  .option('--stats-only', 'keep the saved model; recompute the statistics and info.json', false)
  .parse();
const opts = program.opts<{
  epochs: number;
  batchSize: number;
  seed: number;
  out: string;
  backend?: BackendName;
  statsOnly: boolean;
}>();

const ARCHITECTURE =
  'conv3x3(16)-conv3x3(16)-maxpool2-conv3x3(32)-conv3x3(32)-maxpool2-dense(128, relu: the features)-dropout(0.4)-dense(10, softmax); valid padding, ReLU';
const FEATURE_LAYER = 'features';
const REFERENCE = 'test-features';
const BASE_LR = 1e-3;
const LR_DECAY = 0.7;

function buildModel(seed: number): tfl.Sequential {
  const rng = new Rng(seed);
  const init = () => tfl.initializers.heNormal({ seed: rng.nextSeed() });
  const conv = (filters: number, first = false) =>
    tfl.layers.conv2d({
      ...(first ? { inputShape: [28, 28, 1] } : {}),
      filters,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: init(),
    });
  return tfl.sequential({
    name: 'mnist_classifier',
    layers: [
      conv(16, true),
      conv(16),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      conv(32),
      conv(32),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(), name: FEATURE_LAYER }),
      tfl.layers.dropout({ rate: 0.4 }),
      tfl.layers.dense({
        units: 10,
        activation: 'softmax',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: rng.nextSeed() }),
      }),
    ],
  });
}

async function accuracy(model: tfl.LayersModel, images: tf.Tensor4D, labels: Int32Array): Promise<number> {
  let hits = 0;
  for (let start = 0; start < labels.length; start += 1000) {
    const n = Math.min(1000, labels.length - start);
    const predicted = tf.tidy(() =>
      tf.argMax(model.apply(tf.slice(images, [start, 0, 0, 0], [n, -1, -1, -1]), { training: false }) as tf.Tensor, 1),
    );
    const values = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < n; i++) if (values[i] === labels[start + i]) hits++;
  }
  return hits / labels.length;
}

async function train(model: tfl.Sequential, trainSet: Awaited<ReturnType<typeof datasets.loadMnist>>): Promise<number> {
  const optimizer = tf.train.adam(BASE_LR);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const rng = new Rng(opts.seed + 1);
  const started = Date.now();
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    // Adam's learning rate is read at every update; tfjs has no public setter for it.
    const lr = BASE_LR * LR_DECAY ** epoch;
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
    const t0 = Date.now();
    let loss = 0;
    let acc = 0;
    let steps = 0;
    for (const batch of trainSet.batches(opts.batchSize, { rng, dropRemainder: false })) {
      // tfjs-layers' sparse cross-entropy floors its targets, so they must be float32.
      const targets = tf.cast(batch.labels as tf.Tensor1D, 'float32');
      const [l, a] = (await model.trainOnBatch(batch.images, targets)) as number[];
      tf.dispose([batch.images, batch.labels ?? [], targets]);
      loss += l;
      acc += a;
      steps++;
    }
    console.log(
      `epoch ${epoch + 1}/${opts.epochs}: lr ${lr.toExponential(2)}  loss ${(loss / steps).toFixed(4)}  train acc ${(acc / steps).toFixed(4)}  ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );
  }
  return (Date.now() - started) / 1000;
}

async function main(): Promise<void> {
  const backend = await initBackend({ backend: opts.backend });
  const out = path.resolve(opts.out);
  const [trainSet, testSet] = await Promise.all([
    datasets.loadMnist({ split: 'train' }),
    datasets.loadMnist({ split: 'test' }),
  ]);
  const testLabels = testSet.labels as Int32Array;

  let model: tfl.LayersModel;
  let info: quality.MnistClassifierInfo;
  if (opts.statsOnly) {
    model = await tfl.loadLayersModel(io.fileSystemHandler(out));
    info = JSON.parse(await fs.readFile(path.join(out, 'info.json'), 'utf8')) as quality.MnistClassifierInfo;
  } else {
    const sequential = buildModel(opts.seed);
    sequential.summary(undefined, undefined, (line: string) => console.log(line));
    const seconds = await train(sequential, trainSet);
    model = sequential;
    await fs.mkdir(out, { recursive: true });
    await model.save(io.fileSystemHandler(out));
    const weightsBytes = (await fs.stat(path.join(out, 'weights.bin'))).size;
    info = {
      testAccuracy: NaN,
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      seed: opts.seed,
      parameters: model.countParams(),
      weightsBytes,
      architecture: `${ARCHITECTURE}; Adam, learning rate ${BASE_LR} × ${LR_DECAY}^epoch, sparse categorical cross-entropy; ${seconds.toFixed(0)} s on ${backend.name}`,
      date: new Date().toISOString(),
      tfjsVersion: tf.version_core,
      inputShape: [28, 28, 1],
      inputRange: [-1, 1],
      featureLayer: FEATURE_LAYER,
      featureDim: 128,
      numClasses: 10,
      referenceStatistics: REFERENCE,
    };
  }
  info.testAccuracy = await accuracy(model, testSet.images, testLabels);
  console.log(
    `test accuracy ${(100 * info.testAccuracy).toFixed(2)}% (${info.parameters} parameters, weights.bin ${(info.weightsBytes / 1024).toFixed(0)} kB)`,
  );

  // The real test set's statistics, through the same feature extractor the metrics use.
  const extractor = new quality.MnistClassifier(model, info, null, out);
  const outputs = await extractor.classify(testSet.images);
  await quality.writeReferenceStatistics(out, REFERENCE, {
    source: `MNIST test set (${outputs.count} images)`,
    statistics: quality.featureStatistics(outputs.features, outputs.featureDim),
    classDiversity: quality.classDiversity(outputs.features, outputs.featureDim, testLabels, info.numClasses),
  });
  delete info.realTrainMetrics;
  await io.writeFileAtomic(path.join(out, 'info.json'), JSON.stringify(info, null, 2) + '\n');

  // The noise floor: 10,000 real training images (not seen by the reference statistics).
  const classifier = await quality.loadMnistClassifier({ dir: out });
  const real = trainSet.take(10000);
  const metrics = await quality.evaluateImages(real.images, { classifier, labels: real.labels });
  info.realTrainMetrics = quality.metricsRecord(metrics);
  await io.writeFileAtomic(path.join(out, 'info.json'), JSON.stringify(info, null, 2) + '\n');
  console.log(quality.formatMetricsTable({ 'real train (10k)': metrics }));
  const sizes = await Promise.all(
    ['model.json', 'weights.bin', 'info.json', `${REFERENCE}.json`, `${REFERENCE}.bin`].map(
      async (f) => `${f} ${((await fs.stat(path.join(out, f))).size / 1024).toFixed(1)} kB`,
    ),
  );
  console.log(`wrote ${out}: ${sizes.join(', ')}`);
  tf.dispose([real.images]);
  real.dispose();
  classifier.dispose();
  model.dispose();
  trainSet.dispose();
  testSet.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
