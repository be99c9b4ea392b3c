/**
 * Conditional GAN on MNIST, the seed-002 recipe (Mirza & Osindero 2014, PyTorch version):
 * label embedding, G 100+10 → 128 → 256 BN → 512 BN → 1024 BN → 784 tanh (LeakyReLU 0.2),
 * D 784+10 → 512 → 512 Dropout 0.4 → 512 Dropout 0.4 → 1, Adam 2e-4 (β1 0.5), batch 64.
 *
 *   npx tsx examples/cgan-mnist.ts [--epochs 3] [--batch-size 64] [--out out/cgan-mnist] [--resume]
 *                                  [--backend wasm|cpu|tensorflow] [--seed 1] [--workers 1] [--limit N]
 *
 * Cost of the defaults on 2 CPU cores (wasm backend with gankit's kernels; `npm run bench`):
 * ~0.14 s per step, 937 steps per epoch, about 2.2 minutes per epoch, ~7 minutes for 3 epochs.
 * `--workers 2` (data-parallel on both cores) gains little on this small MLP.
 * Writes into --out: samples/epoch-NNN.png (one row per digit 0–9, the same z every epoch),
 * losses.csv, losses.png and checkpoint/. Ctrl-C saves the checkpoint; --resume continues it.
 */
import { createCGAN, labelEmbedding, runScript, trainMnistScript } from '../src/index';

runScript(() =>
  trainMnistScript({
    name: 'cgan-mnist',
    description: 'The seed-002 conditional GAN (MLP, label embedding) on MNIST.',
    defaults: { epochs: 3, batchSize: 64, out: 'out/cgan-mnist' },
    build: (args) =>
      createCGAN({ architecture: 'mlp', numClasses: 10, latentDim: 100, conditioning: labelEmbedding({ dim: 10 }), seed: args.seed, optimizer: { learningRate: 2e-4, beta1: 0.5 } }),
  }),
);
