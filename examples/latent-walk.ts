/**
 * Walks in a trained CGAN's latent space (seed 003): interpolation between two latent points,
 * and latent arithmetic, written as PNG strips. Train a CGAN first (`npx tsx examples/cgan-mnist.ts`).
 *
 *   npx tsx examples/latent-walk.ts [--checkpoint out/cgan-mnist/checkpoint] [--out out/latent-walk]
 *                                   [--steps 10] [--seed 3] [--backend wasm|cpu|tensorflow] [--raw]
 *
 * It draws from the averaged generator when the checkpoint holds one (`ema-generator/`, written
 * by runs with `--ema`, as cgan-mnist's default), else from G; `--raw` takes G in any case.
 *
 * Writes (in a few seconds):
 * - interpolation.png: one row per digit, the same two z at the ends of every row. The label
 *   fixes the digit and z the style, so each column shows one style in every class.
 * - arithmetic.png: for each digit, G(z_a), G(z_b), G(z_c) and G(z_a − z_b + z_c).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Command, Option } from 'commander';
import * as path from 'node:path';
import { initBackend, loadGan, type BackendName, cli, latent, pictures } from '../src/index';

async function main(): Promise<void> {
  const program = new Command('latent-walk')
    .description("Interpolation and arithmetic in a trained CGAN's latent space.")
    .option('--checkpoint <dir>', 'a CGAN checkpoint', 'out/cgan-mnist/checkpoint')
    .option('--out <dir>', 'output folder', 'out/latent-walk')
    .option('--steps <n>', 'images per interpolation row', (v) => Number(v), 10)
    .option('--seed <n>', 'seed of the latent points', (v) => Number(v), 3)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['tensorflow', 'wasm', 'cpu']))
    .option(
      '--raw',
      'draw from the trained G even when the checkpoint holds a moving average of it (ema-generator/)',
      false,
    )
    .parse();
  const o = program.opts<{
    checkpoint: string;
    out: string;
    steps: number;
    seed: number;
    backend?: BackendName;
    raw: boolean;
  }>();
  await initBackend({ backend: o.backend });
  // A run with --ema (cgan-mnist's default) saved the averaged G beside G: its grids show that one, and so does this walk.
  const gan = await loadGan(o.checkpoint, { averagedGenerator: !o.raw });
  console.log(
    `drawing from ${gan.averaged === null ? 'the trained G (generator/)' : "the moving average of G's weights (ema-generator/; --raw for G)"}`,
  );
  const classes = gan.numClasses;
  if (classes === 0) throw new Error(`${o.checkpoint} holds an unconditional GAN; this example walks a CGAN`);
  const latentDim = gan.config.latentDim;
  const [za, zb, zc] = [0, 1, 2].map((i) => tf.randomNormal([latentDim], 0, 1, 'float32', o.seed * 10 + i));

  const path_ = latent.interpolateLatents(za, zb, o.steps);
  const zRows = tf.tile(path_, [classes, 1]) as tf.Tensor2D;
  const rowLabels = Array.from({ length: classes * o.steps }, (_, i) => Math.floor(i / o.steps));
  const strip = gan.generate({ z: zRows, labels: rowLabels });
  await pictures.saveImageGrid(path.join(o.out, 'interpolation.png'), strip, { columns: o.steps, scale: 2 });

  const sum = latent.latentArithmetic(za, zb, zc);
  const quad = tf.concat([tf.stack([za, zb, zc]), sum]) as tf.Tensor2D;
  const zArith = tf.tile(quad, [classes, 1]) as tf.Tensor2D;
  const arithLabels = Array.from({ length: classes * 4 }, (_, i) => Math.floor(i / 4));
  const arith = gan.generate({ z: zArith, labels: arithLabels });
  await pictures.saveImageGrid(path.join(o.out, 'arithmetic.png'), arith, { columns: 4, scale: 2 });
  tf.dispose([za, zb, zc, path_, zRows, strip, sum, quad, zArith, arith]);

  gan.dispose();
  console.log(`wrote ${path.join(o.out, 'interpolation.png')} and ${path.join(o.out, 'arithmetic.png')}`);
}

cli.runScript(main);
