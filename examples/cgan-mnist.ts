/**
 * Conditional GAN on MNIST, the seed-002 recipe (Mirza & Osindero 2014, PyTorch version):
 * label embedding, G 100+10 → 128 → 256 BN → 512 BN → 1024 BN → 784 tanh (LeakyReLU 0.2),
 * D 784+10 → 512 → 512 Dropout 0.4 → 512 Dropout 0.4 → 1, Adam 2e-4 (β1 0.5), batch 64.
 *
 *   npx tsx examples/cgan-mnist.ts [--epochs 3] [--batch-size 64] [--out out/cgan-mnist]
 *                                  [--backend wasm|cpu|tensorflow] [--seed 1] [--limit N] [--workers 1]
 *
 * Cost with the defaults on 2 CPU cores (wasm backend with gankit's kernels, measured by
 * `npm run bench`: ~0.2 s per step, 937 steps per epoch): about 3 minutes per epoch, ~10 minutes
 * for 3 epochs. `--workers 2` trains data-parallel on two threads; for this MLP at batch 64 it
 * does not pay (the per-op cost does not halve with the batch); for the convolutional nets it does. Writes a sample grid after every epoch
 * (one row per digit 0–9, the same z every time), a CSV of the losses, and a checkpoint.
 */
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { createCGAN, initBackend, labelEmbedding, loadMnist, saveImageGrid, type BackendName, type TrainerCallback } from '../src/index';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '3' },
    'batch-size': { type: 'string', default: '64' },
    out: { type: 'string', default: 'out/cgan-mnist' },
    backend: { type: 'string' },
    seed: { type: 'string', default: '1' },
    limit: { type: 'string' },
    workers: { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('usage: npx tsx examples/cgan-mnist.ts [--epochs N] [--batch-size N] [--out DIR] [--backend wasm|cpu|tensorflow] [--seed N] [--limit N] [--workers N]');
  process.exit(0);
}

async function main(): Promise<void> {
  await initBackend({ backend: args.backend as BackendName | undefined });
  const epochs = Number(args.epochs);
  const batchSize = Number(args['batch-size']);
  const out = path.resolve(args.out as string);
  await fs.mkdir(out, { recursive: true });

  const mnist = await loadMnist({ split: 'train', limit: args.limit === undefined ? undefined : Number(args.limit) });
  const cgan = createCGAN({ numClasses: 10, latentDim: 100, conditioning: labelEmbedding({ dim: 10 }), seed: Number(args.seed), optimizer: { learningRate: 2e-4, beta1: 0.5 } });

  // One row per digit, ten columns, the same z at every epoch so grids are comparable.
  const labels = Array.from({ length: 100 }, (_, i) => Math.floor(i / 10));
  const fixedZ = tf.randomNormal([100, 100], 0, 1, 'float32', 1234) as tf.Tensor2D;
  const csv = [ 'epoch,step,d_loss,g_loss,d_real,d_fake' ];
  const started = Date.now();
  const report: TrainerCallback = {
    onBatchEnd: (l) => {
      csv.push([l.epoch, l.step, l.dLoss, l.gLoss, l.dRealMean, l.dFakeMean].join(','));
      if (l.step % 50 === 0) {
        const secs = (Date.now() - started) / 1000;
        process.stdout.write(`\repoch ${l.epoch + 1}/${epochs} step ${l.step}  D ${l.dLoss.toFixed(3)}  G ${l.gLoss.toFixed(3)}  D(x) ${l.dRealMean.toFixed(2)}  D(G(z)) ${l.dFakeMean.toFixed(2)}  ${(secs / l.step * 1000).toFixed(0)} ms/step   `);
      }
    },
    onEpochEnd: async (l) => {
      const grid = cgan.generate({ labels, z: fixedZ });
      const file = path.join(out, `epoch-${String(l.epoch + 1).padStart(3, '0')}.png`);
      await saveImageGrid(file, grid, { columns: 10, scale: 2 });
      grid.dispose();
      await fs.writeFile(path.join(out, 'losses.csv'), csv.join('\n') + '\n');
      await cgan.save(path.join(out, 'checkpoint'));
      console.log(`\nepoch ${l.epoch + 1}: D ${l.dLoss.toFixed(3)} G ${l.gLoss.toFixed(3)} (${l.seconds.toFixed(0)} s) -> ${file}`);
    },
  };
  await cgan.fit(mnist, { epochs, batchSize, workers: Number(args.workers), callbacks: [report] });
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; samples, losses.csv and checkpoint/ in ${out}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
