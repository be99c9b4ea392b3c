/**
 * WGAN-GP on MNIST (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs", with the
 * settings of their gan_mnist.py): the Wasserstein loss with gradient penalty λ = 10, 5 critic
 * updates per generator update, Adam lr 1e-4, β1 0.5, β2 0.9. Unconditional, as in the paper: the
 * penalty is taken at interpolates between real and generated images, and in a conditional GAN
 * the two would carry different labels.
 *
 * - G: z 100 → 256 BN → 512 BN → 1024 BN → 784 tanh (LeakyReLU 0.2).
 * - Critic: 784 → 256 → 256 → 1 (LeakyReLU 0.2), a score, no sigmoid. No batch norm (it mixes the
 *   images of a batch, and the penalty is per image) and no dropout. Fully connected rather than
 *   DCGAN-style because of the CPU budget: the penalty's gradient is second order, and a small
 *   convolutional critic (conv 32 and 64, 5×5, stride 2) measured ~4 s per step against ~0.6 s for
 *   an MLP critic, i.e. ~150 steps in 10 minutes, too few for digits.
 *
 *   npx tsx examples/wgan-gp-mnist.ts [--epochs 8] [--batch-size 32] [--out out/wgan-gp-mnist] [--resume]
 *                                     [--backend wasm|cpu|tensorflow] [--seed 1] [--workers 1] [--limit N]
 *                                     [--eval-samples 1000]
 *
 * Cost of the defaults on 2 CPU cores (wasm backend, measured on a busy machine): ~0.2 s per step
 * (5 critic updates, each with the penalty, and 1 generator update), 375 steps per epoch, ~75 s
 * per epoch; the 8 epochs (3,000 steps) took 591 s, about 10 minutes, and end with every digit
 * drawn, roughly half of the samples clearly readable and the rest rough strokes (FD 114 against
 * the test set with 10,000 samples, classifier score 5.7, 3s over-drawn at 25 %; `npx gankit eval`).
 * Batch 32 and the 256-unit critic buy steps: at batch 64 with a 512-256 critic a step cost ~0.5 s
 * and 10 minutes reached FD 131. The penalty makes a step ~1.6× as expensive as without it.
 * Writes into --out: samples/epoch-NNN.png (the same z every epoch), losses.csv, losses.png (its
 * axis reaches below zero for WGAN's scores, and has no ln 2 lines) and checkpoint/.
 * The D loss in the logs includes the penalty, and −dLoss estimates the Wasserstein distance (the
 * logs' D(x) and D(G(z)) are sigmoids of the critic's scores, not probabilities). Ctrl-C saves the
 * checkpoint; --resume continues it.
 */
import { createGan, cli, losses } from '../src/index';

cli.runScript(() =>
  cli.trainMnistScript({
    name: 'wgan-gp-mnist',
    description: 'WGAN-GP (Wasserstein loss, gradient penalty 10, 5 critic updates per G update) on MNIST.',
    defaults: { epochs: 8, batchSize: 32, out: 'out/wgan-gp-mnist' },
    build: (args) =>
      createGan({
        architecture: 'mlp',
        latentDim: 100,
        loss: losses.wassersteinLoss({ gradientPenalty: 10 }),
        discriminatorSteps: 5,
        optimizer: { learningRate: 1e-4, beta1: 0.5, beta2: 0.9 },
        generator: {
          hiddenUnits: [256, 512, 1024],
          batchNorm: true,
          activation: 'leakyRelu',
          outputActivation: 'tanh',
        },
        discriminator: { hiddenUnits: [256, 256], activation: 'leakyRelu', dropout: 0 },
        seed: args.seed,
      }),
  }),
);
