/**
 * The original GAN on MNIST, the seed-001 recipe (Goodfellow et al. 2014, TF1 version):
 * G z 128 → 256 ReLU → 784 sigmoid, D 784 → 256 ReLU → 1, Adam 2e-4, batch 100, losses
 * `L_D = −mean(log D(x) + log(1 − D(G(z))))` and `L_G = −mean(log D(G(z)))` (computed on logits).
 *
 *   npx tsx examples/gan-mnist.ts [--epochs 20] [--batch-size 100] [--out out/gan-mnist] [--resume]
 *                                 [--backend wasm|cpu|tensorflow] [--seed 1] [--workers 1] [--limit N]
 *
 * Cost of the defaults on 2 CPU cores (wasm backend with gankit's kernels; `npm run bench`):
 * ~40 ms per step, 600 steps per epoch, ~25 s per epoch, ~8 minutes for 20 epochs (the seed
 * trains 100). Writes samples/epoch-NNN.png (10×10, the same z every epoch), losses.csv,
 * losses.png and checkpoint/ into --out. Ctrl-C saves the checkpoint; --resume continues it.
 */
import { createGan, cli } from '../src/index';

cli.runScript(() =>
  cli.trainMnistScript({
    name: 'gan-mnist',
    description: 'The seed-001 GAN (MLP, unconditional) on MNIST.',
    defaults: { epochs: 20, batchSize: 100, out: 'out/gan-mnist' },
    build: (args) => createGan({ seed: args.seed, optimizer: { learningRate: 2e-4 } }),
  }),
);
