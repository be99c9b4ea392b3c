/**
 * Convolutional conditional GAN on MNIST, the seed-000 recipe (Keras DCGAN with channel concat):
 * G [z 100 ; onehot 10] → 1024 BN ReLU → 128·7·7 BN ReLU → up 2× → conv 64 5×5 BN ReLU → up 2×
 * → conv 1 5×5 tanh; D: image + 10 label planes (28×28×11) → conv 64 5×5/2 LReLU → conv 128 5×5/2
 * LReLU → 256 LReLU → Dropout 0.5 → 1. Adam 2e-4 (β1 0.5), batch 32 (the seed names no batch size).
 *
 *   npx tsx examples/cgan-dcgan-mnist.ts [--epochs 2] [--batch-size 32] [--limit 15000] [--workers 2]
 *                                        [--out out/cgan-dcgan-mnist] [--resume] [--backend …] [--seed 1]
 *
 * Cost of the defaults on 2 CPU cores (wasm backend with gankit's kernels, data-parallel on both
 * cores; `npm run bench -- --nets dcgan --batch-size 32`): ~0.72 s per step; 2 epochs over the
 * first 15,000 training images are 936 steps, about 11 minutes. Batch 32 rather than 64: a step
 * costs 0.72 s instead of 1.23 s, so the same minutes buy 1.7× the updates, and at this length the
 * number of updates is what decides whether each row shows its digit (at batch 64, 468 steps gave
 * clear digits in 4 rows of 10; at batch 32, 936 steps give all 10). `--limit 60000` trains on all
 * of MNIST (~22 minutes per epoch).
 * Writes samples/epoch-NNN.png (one row per digit), losses.csv, losses.png and checkpoint/.
 */
import { createCGAN, runScript, trainMnistScript } from '../src/index';

runScript(() =>
  trainMnistScript({
    name: 'cgan-dcgan-mnist',
    description: 'The seed-000 convolutional conditional GAN (channel concat) on MNIST.',
    defaults: { epochs: 2, batchSize: 32, out: 'out/cgan-dcgan-mnist', workers: 2, limit: 15000 },
    build: (args) => createCGAN({ architecture: 'dcgan', seed: args.seed, optimizer: { learningRate: 2e-4, beta1: 0.5 } }),
  }),
);
