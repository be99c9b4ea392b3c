/**
 * InfoGAN on MNIST (Chen et al. 2016, "InfoGAN: Interpretable Representation Learning by
 * Information Maximizing Generative Adversarial Nets"), unconditional: G gets 62 noise values plus
 * a 10-way categorical code (one-hot) and 2 continuous codes (uniform on [-1, 1]); D has a Q head
 * predicting the codes from the image, and the mutual-information loss λ·(CE(categorical) +
 * ½‖c − ĉ‖²), λ = 1, is added to G's and D's losses. No labels are used: whether the categorical
 * code comes to pick the digit is what the run shows.
 *
 * - G: [z 62 ; code 12] → 128 → 256 BN → 512 BN → 1024 BN → 784 tanh (LeakyReLU 0.2).
 * - D: 784 → 512 → 512 Dropout 0.4 → 512 Dropout 0.4 (LeakyReLU 0.2) → [logit 1, Q 12].
 * - Non-saturating loss, Adam 2e-4 (β1 0.5), batch 64.
 *
 *   npx tsx examples/infogan-mnist.ts [--epochs 4] [--batch-size 64] [--out out/infogan-mnist] [--resume]
 *                                     [--backend wasm|cpu|tensorflow] [--seed 1] [--workers 1] [--limit N]
 *                                     [--eval-samples 1000]
 *
 * Cost of the defaults on 2 CPU cores (wasm backend): a step costs about what a cgan-mnist step
 * does, ~0.14 s on idle cores, 937 steps per epoch, ~9 minutes for the 4 epochs. Measured here with
 * the cores shared with other jobs: 613 s of training, 10.5 minutes wall time. What the codes
 * learned in that run (500 samples per value): the ten values map to 8 distinct digits, the most
 * frequent digit taking 39–92 % of a value's samples (mean 59 %): two values draw 1s (upright and
 * slanted, 88 % and 92 %), one 6s (69 %), others mixtures such as 7/9/4 or 3/5/8; the continuous
 * codes change stroke width and openness (a 4 closing into a 9, a 5 into a 3). Unconditional
 * quality (`npx gankit eval`, 10,000 samples): all 10 classes drawn, classifier score 6.98, FD 93.4.
 * Writes into --out: samples/epoch-NNN.png (random codes, the same z every epoch), codes/epoch-NNN.png
 * (row k: categorical code k, the same ten z in every row, continuous codes 0), at the end
 * codes/continuous-1.png and codes/continuous-2.png (row k: code k, one z everywhere; columns:
 * that continuous code from −1 to 1) and codes/report.json; losses.csv, losses.png and checkpoint/. After every epoch
 * it prints which digit each categorical value draws, as the bundled MNIST classifier sees 500
 * samples of it: the most frequent class and its share, and how many distinct digits the ten
 * values map to. Ctrl-C saves the checkpoint; --resume continues it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createInfoGan, cli, pictures, quality, training } from '../src/index';

const CATEGORIES = 10;
const PER_CODE = 500;

/** What the classifier sees in `PER_CODE` samples of each categorical value. */
interface CodeReport {
  /** Per value: its most frequent class, that class's share, and the class histogram. */
  codes: Array<{ code: number; digit: number; share: number; histogram: number[] }>;
  /** Number of distinct digits the values' most frequent classes cover. */
  distinctDigits: number;
  /** Mean share of the most frequent class. */
  meanShare: number;
}

async function codeReport(trainer: training.GanTrainer, classifier: quality.MnistClassifier): Promise<CodeReport> {
  const codes: CodeReport['codes'] = [];
  for (let code = 0; code < CATEGORIES; code++) {
    const images = trainer.generate({
      count: PER_CODE,
      codes: { categorical: new Array<number>(PER_CODE).fill(code) },
      seed: 1000 + code,
    });
    try {
      const { probabilities, numClasses } = await classifier.classify(images);
      const histogram = new Array<number>(numClasses).fill(0);
      for (const k of quality.argmaxRows(probabilities, numClasses)) histogram[k]++;
      const digit = histogram.indexOf(Math.max(...histogram));
      codes.push({ code, digit, share: histogram[digit] / PER_CODE, histogram });
    } finally {
      images.dispose();
    }
  }
  return {
    codes,
    distinctDigits: new Set(codes.map((c) => c.digit)).size,
    meanShare: codes.reduce((s, c) => s + c.share, 0) / CATEGORIES,
  };
}

/**
 * A 10 × 10 grid, row k drawn with categorical value k: `sweep` null: the columns are ten z (the
 * same in every row), continuous codes 0; `sweep` j: one z everywhere, continuous code j going
 * from −1 to 1 along the columns (the other 0).
 */
function codeGrid(trainer: training.GanTrainer, z: tf.Tensor2D, sweep: number | null): tf.Tensor4D {
  const n = CATEGORIES * 10;
  const categorical = Array.from({ length: n }, (_, i) => Math.floor(i / 10));
  const continuous = Array.from({ length: n }, (_, i) => {
    const row = [0, 0];
    if (sweep !== null) row[sweep] = -1 + (2 * (i % 10)) / 9;
    return row;
  });
  if (sweep === null) return trainer.generate({ z, codes: { categorical, continuous } });
  const single = tf.tidy(() => tf.tile(tf.slice(z, [0, 0], [1, -1]), [n, 1]) as tf.Tensor2D);
  try {
    return trainer.generate({ z: single, codes: { categorical, continuous } });
  } finally {
    single.dispose();
  }
}

/** Code grids after every epoch, the report printed, and the sweeps and report.json at the end. */
function codeCallbacks(out: string, log: (m: string) => void): training.TrainerCallback {
  let trainer: training.GanTrainer | null = null;
  let classifier: quality.MnistClassifier | null = null;
  let z: tf.Tensor2D | null = null;
  let last: CodeReport | null = null;
  const dir = path.join(out, 'codes');
  return {
    async onTrainBegin(info) {
      trainer = info.model;
      classifier = await quality.loadMnistClassifier();
      // Ten z, repeated in every row: columns differ by z, rows by the categorical code only.
      z = tf.tidy(
        () =>
          tf.tile(tf.randomNormal([10, info.model.latentDim], 0, 1, 'float32', 4321), [CATEGORIES, 1]) as tf.Tensor2D,
      );
    },
    async onEpochEnd(logs) {
      if (trainer === null || classifier === null || z === null) return;
      const grid = codeGrid(trainer, z, null);
      await pictures
        .saveImageGrid(path.join(dir, `epoch-${String(logs.epoch + 1).padStart(3, '0')}.png`), grid, {
          columns: 10,
          scale: 2,
        })
        .finally(() => grid.dispose());
      last = await codeReport(trainer, classifier);
      log(
        `codes → digits: ${last.codes.map((c) => `${c.code}→${c.digit} ${c.share.toFixed(2)}`).join('  ')}; ${last.distinctDigits} distinct digits, mean share ${last.meanShare.toFixed(3)}`,
      );
    },
    async onTrainEnd() {
      try {
        if (trainer !== null && z !== null && last !== null) {
          for (const sweep of [0, 1]) {
            const grid = codeGrid(trainer, z, sweep);
            await pictures
              .saveImageGrid(path.join(dir, `continuous-${sweep + 1}.png`), grid, { columns: 10, scale: 2 })
              .finally(() => grid.dispose());
          }
          await fs.writeFile(
            path.join(dir, 'report.json'),
            `${JSON.stringify({ epoch: trainer.epoch, step: trainer.step, samplesPerCode: PER_CODE, ...last }, null, 2)}\n`,
          );
        }
      } finally {
        z?.dispose();
        classifier?.dispose();
        z = null;
        classifier = null;
      }
    },
  };
}

cli.runScript(() =>
  cli.trainMnistScript({
    name: 'infogan-mnist',
    description:
      'InfoGAN (a 10-way categorical and 2 continuous latent codes, recovered by a Q head) on MNIST, MLP nets.',
    defaults: { epochs: 4, batchSize: 64, out: 'out/infogan-mnist' },
    callbacks: (args, log) => [codeCallbacks(args.out, log)],
    build: (args) =>
      createInfoGan({
        architecture: 'mlp',
        latentDim: 62,
        categorical: CATEGORIES,
        continuous: 2,
        infoWeight: 1,
        seed: args.seed,
        optimizer: { learningRate: 2e-4, beta1: 0.5 },
      }),
  }),
);
