/**
 * The losses after the first three: hinge, least squares (LSGAN), Wasserstein with gradient
 * penalty (WGAN-GP) and the R1 penalty, and the trainer's penalty hook they need. Each loss
 * against its formula on hand-computed numbers; the penalties against closed forms on a linear D
 * and against finite differences on small nonlinear Ds on both backends (their gradient with
 * respect to D's weights is a second-order gradient); registry and checkpoint round trips; and
 * short trainings on real MNIST that fail when a loss is wrong.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as path from 'node:path';
import { GanConfigError } from '../../src/errors';
import { GanTrainer } from '../../src/train/trainer';
import { ImageDataset } from '../../src/data/dataset';
import { channelConcat } from '../../src/conditioning/channel-concat';
import { createAdam } from '../../src/train/adam';
import { createCgan, createGan } from '../../src/models/gan/create';
import { dcganDiscriminator } from '../../src/nets/dcgan';
import {
  discriminatorInputGradients,
  enableSecondOrderGradients,
  gradientPenalty,
  r1Penalty,
} from '../../src/losses/penalty';
import { hingeLoss, HingeLoss } from '../../src/losses/hinge';
import { labelEmbedding } from '../../src/conditioning/label-embedding';
import { leastSquaresLoss, LeastSquaresLoss } from '../../src/losses/least-squares';
import { loadGan } from '../../src/models/gan/load';
import { loadMnist } from '../../src/data/mnist';
import { mlpDiscriminator, mlpGenerator } from '../../src/nets/mlp';
import { nonSaturatingLoss } from '../../src/losses/non-saturating';
import { R1PenaltyLoss, withR1Penalty } from '../../src/losses/r1';
import { wassersteinLoss, WassersteinLoss } from '../../src/losses/wasserstein';
import { type DataBatch } from '../../src/data/image-source';
import { type GanLoss, type PenaltyContext } from '../../src/losses/types';
import { type StepLogs } from '../../src/train/callbacks';
import { lossConfig, lossFromConfig } from '../../src/losses/registry';
import { DataParallelSession } from '../../src/parallel/data-parallel';
import { Rng } from '../../src/random';
import { randomDataset, scalar, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const REAL = [2.0, -0.5, 0.3, 4.0];
const FAKE = [-1.5, 0.7, -3.0, 0.0];

const tempDir = useTempDir('losses-extra');
let mnist: ImageDataset;

beforeAll(async () => {
  expect(await useDefaultBackend()).toBe('wasm');
  mnist = await loadMnist({ split: 'train', limit: 640 });
});
afterAll(async () => {
  mnist.dispose();
  await tf.setBackend('wasm');
});

const col = (xs: number[]): tf.Tensor2D => tf.tensor2d(xs, [xs.length, 1]);
const dLoss = (loss: GanLoss, real: number[], fake: number[]): number =>
  scalar(tf.tidy(() => loss.discriminatorLoss(col(real), col(fake))));
const gLoss = (loss: GanLoss, fake: number[]): number => scalar(tf.tidy(() => loss.generatorLoss(col(fake))));

/** A penalty context as the trainer builds it, for an unconditional D used directly. */
function contextFor(d: tfl.LayersModel, real: tf.Tensor, fake: tf.Tensor, seed = 7): PenaltyContext {
  return {
    real,
    fake,
    labels: null,
    fakeLabels: null,
    seed,
    discriminate: (images) => d.apply(images, { training: true }) as tf.Tensor,
  };
}

/** D(x) = w·x + bias on 2×2×1 images: its input gradient is w everywhere. */
function linearD(w: number[], bias = 0.3): tfl.LayersModel {
  const d = mlpDiscriminator({ imageShape: [2, 2, 1], hiddenUnits: [], seed: 1 });
  d.layers[d.layers.length - 1].setWeights([tf.tensor2d(w, [4, 1]), tf.tensor1d([bias])]);
  return d;
}
const W = [0.5, 1, -1, 2]; // ‖w‖ = 2.5

describe('each loss equals its formula on known logits (hand-computed)', () => {
  // REAL = [2, -0.5, 0.3, 4], FAKE = [-1.5, 0.7, -3, 0]
  test('hinge: L_D = mean(relu(1 − l_r)) + mean(relu(1 + l_f)), L_G = −mean(l_f)', () => {
    // relu(1 − l_r) = [0, 1.5, 0.7, 0] → 0.55; relu(1 + l_f) = [0, 1.7, 0, 1] → 0.675
    expect(dLoss(hingeLoss(), REAL, FAKE)).toBeCloseTo(1.225, 6);
    expect(gLoss(hingeLoss(), FAKE)).toBeCloseTo(0.95, 6);
    // Only reals inside the margin (l_r < 1) get a gradient, −1/n each.
    const grad = tf.tidy(() => tf.grad((r: tf.Tensor) => hingeLoss().discriminatorLoss(r, col(FAKE)))(col(REAL)));
    expect(Array.from(grad.dataSync()).map((v) => v + 0)).toEqual([0, -0.25, -0.25, 0]); // + 0: −0 → 0
    grad.dispose();
  });

  test('least squares (a=0, b=1, c=1): L_D = ½ mean((l_r − 1)²) + ½ mean(l_f²), L_G = ½ mean((l_f − 1)²)', () => {
    // (l_r − 1)² = [1, 2.25, 0.49, 9] → 3.185; l_f² = [2.25, 0.49, 9, 0] → 2.935; (l_f − 1)² = [6.25, 0.09, 16, 1] → 5.835
    expect(dLoss(leastSquaresLoss(), REAL, FAKE)).toBeCloseTo(3.06, 5);
    expect(gLoss(leastSquaresLoss(), FAKE)).toBeCloseTo(2.9175, 5);
  });

  test('least squares with a=−1, b=1, c=0 (the χ² coding)', () => {
    // (l_f + 1)² = [0.25, 2.89, 4, 1] → 2.035
    const loss = leastSquaresLoss({ fakeLabel: -1, realLabel: 1, generatorTarget: 0 });
    expect(dLoss(loss, REAL, FAKE)).toBeCloseTo(0.5 * 3.185 + 0.5 * 2.035, 5);
    expect(gLoss(loss, FAKE)).toBeCloseTo(0.5 * 2.935, 5);
  });

  test('wasserstein: L_D = mean(l_f) − mean(l_r) (plus the penalty), L_G = −mean(l_f)', () => {
    expect(dLoss(wassersteinLoss(), REAL, FAKE)).toBeCloseTo(-0.95 - 1.45, 6);
    expect(gLoss(wassersteinLoss(), FAKE)).toBeCloseTo(0.95, 6);
  });

  test("R1 keeps the wrapped loss's L_D and L_G and names itself after it", () => {
    const loss = withR1Penalty(hingeLoss(), { gamma: 3 });
    expect(loss.name).toBe('hinge+r1');
    expect(String(loss)).toBe('hinge+r1');
    expect(dLoss(loss, REAL, FAKE)).toBeCloseTo(1.225, 6);
    expect(gLoss(loss, FAKE)).toBeCloseTo(0.95, 6);
  });

  test('bad options are GanConfigErrors naming the option', () => {
    expect(() => leastSquaresLoss({ realLabel: Number.NaN })).toThrow(/realLabel/);
    expect(() => leastSquaresLoss({ realLabel: 0.5, fakeLabel: 0.5 })).toThrow(GanConfigError);
    expect(() => wassersteinLoss({ gradientPenalty: -1 })).toThrow(/gradientPenalty/);
    expect(() => withR1Penalty(hingeLoss(), { gamma: Infinity })).toThrow(/gamma/);
    expect(() => withR1Penalty({ name: 'half' } as unknown as GanLoss)).toThrow(/discriminatorLoss/);
  });
});

describe('the penalties on a linear D (D(x) = w·x + b, so ∇x D = w and ‖∇‖ = ‖w‖ = 2.5)', () => {
  test('WGAN-GP: λ(‖w‖ − 1)² for any interpolates; R1: γ/2 ‖w‖²', () => {
    const d = linearD(W);
    const real = tf.randomUniform([5, 2, 2, 1], -1, 1, 'float32', 1);
    const fake = tf.randomUniform([5, 2, 2, 1], -1, 1, 'float32', 2);
    for (const seed of [1, 2]) {
      const ctx = contextFor(d, real, fake, seed);
      expect(scalar(tf.tidy(() => wassersteinLoss({ gradientPenalty: 10 }).discriminatorPenalty(ctx)))).toBeCloseTo(
        10 * 1.5 ** 2,
        4,
      ); // 22.5
      expect(scalar(tf.tidy(() => wassersteinLoss({ gradientPenalty: 0 }).discriminatorPenalty(ctx)))).toBe(0);
      expect(scalar(tf.tidy(() => withR1Penalty(hingeLoss(), { gamma: 10 }).discriminatorPenalty(ctx)))).toBeCloseTo(
        (10 / 2) * 6.25,
        4,
      ); // 31.25
      // R1 around WGAN-GP adds both.
      expect(
        scalar(tf.tidy(() => withR1Penalty(wassersteinLoss(), { gamma: 2 }).discriminatorPenalty(ctx))),
      ).toBeCloseTo(22.5 + 6.25, 4);
      // The per-image input gradients are w.
      const grads = tf.tidy(() => discriminatorInputGradients(ctx, real));
      expect(Array.from(grads.dataSync())).toEqual(Array.from({ length: 5 }, () => W).flat());
      grads.dispose();
    }
    d.dispose();
    tf.dispose([real, fake]);
  });

  /** One trainer step with a zero D loss plus `penalty` and SGD (lr η) on D; returns D's kernel after it. */
  function stepWithPenalty(penalty: (ctx: PenaltyContext) => tf.Scalar, lr: number): number[] {
    const zero: GanLoss = {
      name: 'zero',
      discriminatorLoss: (r, f) => tf.mul(0, tf.add(tf.sum(r), tf.sum(f))) as tf.Scalar,
      generatorLoss: (f) => tf.mean(f) as tf.Scalar,
      discriminatorPenalty: penalty,
    };
    const d = linearD(W);
    const g = mlpGenerator({
      latentDim: 2,
      imageShape: [2, 2, 1],
      hiddenUnits: [3],
      outputActivation: 'tanh',
      seed: 2,
    });
    const trainer = new GanTrainer({
      generator: g,
      discriminator: d,
      loss: zero,
      discriminatorOptimizer: tf.train.sgd(lr),
      seed: 3,
    });
    const batch: DataBatch = {
      images: tf.randomUniform([6, 2, 2, 1], -1, 1, 'float32', 4) as tf.Tensor4D,
      labels: null,
    };
    tf.dispose([trainer.trainStep([batch]), batch.images]);
    const kernel = Array.from(d.layers[d.layers.length - 1].getWeights()[0].dataSync());
    d.dispose();
    g.dispose();
    return kernel;
  }

  test("through the trainer, the penalty's second-order gradient reaches D's weights: one SGD step moves w by −η ∂penalty/∂w", () => {
    const close = (got: number[], want: number[]): void => got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    // R1 = γ/2 ‖w‖² → ∂/∂w = γ w: with γ = 10, η = 0.01, w ← 0.9 w.
    close(
      stepWithPenalty((ctx) => r1Penalty(ctx, 10), 0.01),
      W.map((v) => 0.9 * v),
    );
    // GP = λ(‖w‖ − 1)² → ∂/∂w = 2λ(‖w‖ − 1) w/‖w‖ = 12 w: with η = 0.01, w ← 0.88 w.
    close(
      stepWithPenalty((ctx) => gradientPenalty(ctx, 10), 0.01),
      W.map((v) => 0.88 * v),
    );
    // Without the penalty nothing moves D (its loss is zero): the change above is the penalty's.
    close(
      stepWithPenalty(() => tf.scalar(0), 0.01),
      W,
    );
  });
});

describe("the penalty's gradient with respect to D's weights matches finite differences", () => {
  const nets: Record<string, () => tfl.LayersModel> = {
    'MLP D, LeakyReLU': () =>
      mlpDiscriminator({ imageShape: [6, 6, 1], hiddenUnits: [12, 8], activation: 'leakyRelu', seed: 5 }),
    'conv D, LeakyReLU': () =>
      dcganDiscriminator({
        imageShape: [8, 8, 1],
        convFilters: [4, 6],
        kernelSize: 3,
        denseUnits: [8],
        dropout: 0,
        seed: 5,
      }),
    'conv D, ELU': () =>
      dcganDiscriminator({
        imageShape: [8, 8, 1],
        convFilters: [4, 6],
        kernelSize: 3,
        denseUnits: [8],
        dropout: 0,
        activation: 'elu',
        seed: 5,
      }),
  };
  const SEED = 3;
  const penalties: Record<
    string,
    { penalty: (ctx: PenaltyContext) => tf.Scalar; inputs: (real: tf.Tensor, fake: tf.Tensor) => tf.Tensor }
  > = {
    // D is evaluated at x̂ = fake + ε(real − fake), ε ~ U[0, 1] from the context's seed.
    'WGAN-GP': {
      penalty: (ctx) => wassersteinLoss({ gradientPenalty: 10 }).discriminatorPenalty(ctx),
      inputs: (real, fake) =>
        tf.add(fake, tf.mul(tf.randomUniform([real.shape[0], 1, 1, 1], 0, 1, 'float32', SEED), tf.sub(real, fake))),
    },
    R1: {
      penalty: (ctx) => withR1Penalty(nonSaturatingLoss(), { gamma: 10 }).discriminatorPenalty(ctx),
      inputs: (real) => real.clone(),
    },
  };

  /**
   * The side of 0 each unit of every LeakyReLU and ELU of `d` is on, for `inputs`. A LeakyReLU
   * net's input gradient jumps where a unit changes sides (an ELU net's second derivative
   * does): a finite difference is only valid when both of its points lie in the region of the
   * weights being checked.
   */
  function activationPattern(d: tfl.LayersModel, inputs: tf.Tensor): string {
    const relus = d.layers.filter((l) => ['LeakyReLU', 'ELU'].includes(l.getClassName()));
    if (relus.length === 0) return '';
    const probe = tfl.model({ inputs: d.inputs, outputs: relus.map((l) => l.input as tfl.SymbolicTensor) });
    return tf.tidy(() => {
      const pre = probe.predict(inputs) as tf.Tensor | tf.Tensor[];
      return (Array.isArray(pre) ? pre : [pre]).map((t) => Array.from(tf.greater(t, 0).dataSync()).join('')).join('|');
    });
  }

  const report: string[] = [];
  afterAll(() => console.log(`penalty gradient w.r.t. D's weights vs central differences:\n${report.join('\n')}`));

  describe.each(['cpu', 'wasm'])('on %s', (backend) => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });
    test.each(Object.keys(nets))('%s', (netName) => {
      const d = nets[netName]();
      const shape = d.inputs[0].shape.slice(1) as number[];
      const real = tf.randomUniform([4, ...shape], -1, 1, 'float32', 11);
      const fake = tf.randomUniform([4, ...shape], -1, 1, 'float32', 12);
      const variables = d.trainableWeights.map((w) => w.read() as tf.Variable);
      for (const [penaltyName, { penalty, inputs }] of Object.entries(penalties)) {
        const f = (): tf.Scalar => penalty(contextFor(d, real, fake, SEED));
        const { value, grads } = tf.variableGrads(f, variables);
        const value0 = scalar(value);
        expect(value0).toBeGreaterThan(0);
        const x = inputs(real, fake);
        const pattern = activationPattern(d, x);
        let worst = 0; // |numeric − analytic| / allowed, must stay ≤ 1
        let worstRelative = 0; // |numeric − analytic| / |analytic| over entries with |analytic| ≥ ¼ of the largest
        const largest = Math.max(...Object.values(grads).map((t) => tf.max(tf.abs(t)).dataSync()[0]));
        let checked = 0;
        let crossing = 0;
        for (const v of variables) {
          const g = grads[v.name]?.dataSync() ?? new Float32Array(v.size); // the last bias cannot change an input gradient
          const original = v.dataSync().slice();
          expect(original.length).toBe(v.size);
          const at = (i: number, delta: number): [number, string] => {
            const moved = original.slice();
            moved[i] += delta;
            v.assign(tf.tensor(moved, v.shape));
            return [scalar(tf.tidy(f)), activationPattern(d, x)];
          };
          // The entries with the largest analytic gradient, each with the largest h ∈ {1e-3, 1e-4} whose ±h points stay
          // in the same linear region (biases shift every unit of a channel, so they often need the smaller h).
          let here = 0;
          for (const i of Array.from(g.keys()).sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]))) {
            let done = false;
            for (const h of [1e-3, 1e-4]) {
              const [plus, plusPattern] = at(i, h);
              const [minus, minusPattern] = at(i, -h);
              v.assign(tf.tensor(original, v.shape));
              if (plusPattern !== pattern || minusPattern !== pattern) {
                crossing++;
                continue;
              }
              const numeric = (plus - minus) / (2 * h);
              // 1% of the gradient, plus what float32 rounding of the two values can cost (a few ulps of the penalty, over 2h).
              const allowed = 1e-2 * Math.abs(g[i]) + (8 * 2 ** -23 * value0) / (2 * h);
              worst = Math.max(worst, Math.abs(numeric - g[i]) / allowed);
              if (Math.abs(g[i]) >= 0.25 * largest)
                worstRelative = Math.max(worstRelative, Math.abs(numeric - g[i]) / Math.abs(g[i]));
              checked++;
              done = true;
              break;
            }
            if (done && ++here === 3) break;
          }
          expect(here).toBe(Math.min(3, v.size));
        }
        tf.dispose([grads as unknown as tf.Tensor[], x].flat());
        report.push(
          `  ${backend}, ${netName}, ${penaltyName}: penalty ${value0.toPrecision(4)}; ${checked} entries; worst relative error ${worstRelative.toExponential(1)}; worst error / tolerance ${worst.toFixed(2)} (${crossing} ±h pairs crossed a kink and were retried or passed over)`,
        );
        expect(worst).toBeLessThanOrEqual(1);
        expect(worstRelative).toBeLessThan(1e-2);
      }
      d.dispose();
      tf.dispose([real, fake]);
    });
  });

  test('second-order gradients tfjs-core 4.22 lacks (Greater, EluGrad) or gets wrong (ops that save their output) are fixed, exactly', () => {
    enableSecondOrderGradients();
    const x = tf.tensor1d([-1, 0.5]);
    const second = (f: (t: tf.Tensor) => tf.Tensor): number[] =>
      Array.from(
        tf
          .tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, tf.grad((u: tf.Tensor) => tf.sum(f(u)))(t))))(x))
          .dataSync(),
      );
    // d/dx [x · f'(x)] = f'(x) + x · f''(x); tfjs-core alone gives f'(x) for tanh, sigmoid and exp (the x · f'' path is lost).
    const cases: Array<[string, (t: tf.Tensor) => tf.Tensor, (v: number) => number, (v: number) => number]> = [
      ['leakyRelu', (t) => tf.leakyRelu(t, 0.2), (v) => (v > 0 ? 1 : 0.2), () => 0],
      ['elu', tf.elu, (v) => (v > 0 ? 1 : Math.exp(v)), (v) => (v > 0 ? 0 : Math.exp(v))],
      ['tanh', tf.tanh, (v) => 1 - Math.tanh(v) ** 2, (v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)],
      ['sigmoid', tf.sigmoid, (v) => sig(v) * (1 - sig(v)), (v) => sig(v) * (1 - sig(v)) * (1 - 2 * sig(v))],
      ['exp', tf.exp, Math.exp, Math.exp],
    ];
    for (const [name, f, d1, d2] of cases) {
      const got = second(f);
      [-1, 0.5].forEach((v, i) => expect([name, got[i]]).toEqual([name, expect.closeTo(d1(v) + v * d2(v), 5)]));
    }
    x.dispose();
  });
});

describe('registry: built-in losses rebuild from their config, options included', () => {
  const losses: GanLoss[] = [
    hingeLoss(),
    leastSquaresLoss(),
    leastSquaresLoss({ fakeLabel: -1, realLabel: 1, generatorTarget: 0 }),
    wassersteinLoss(),
    wassersteinLoss({ gradientPenalty: 2.5 }),
    withR1Penalty(nonSaturatingLoss(), { gamma: 0.1 }),
    withR1Penalty(leastSquaresLoss({ realLabel: 0.9 })),
    withR1Penalty(wassersteinLoss({ gradientPenalty: 5 }), { gamma: 3 }),
  ];
  test.each(losses.map((l) => [l.name, l] as const))('%s', (_name, loss) => {
    const config = JSON.parse(JSON.stringify(lossConfig(loss))); // as a checkpoint stores it
    const rebuilt = lossFromConfig(config) as GanLoss;
    expect(rebuilt).not.toBeNull();
    expect(rebuilt).not.toBe(loss);
    expect(rebuilt.constructor).toBe(loss.constructor);
    expect(lossConfig(rebuilt)).toEqual(lossConfig(loss));
    expect(rebuilt.name).toBe(loss.name);
    expect(dLoss(rebuilt, REAL, FAKE)).toBe(dLoss(loss, REAL, FAKE));
    expect(gLoss(rebuilt, FAKE)).toBe(gLoss(loss, FAKE));
    if (loss instanceof R1PenaltyLoss) expect((rebuilt as R1PenaltyLoss).base.constructor).toBe(loss.base.constructor);
  });

  test('configs carry the options', () => {
    expect(lossConfig(leastSquaresLoss({ fakeLabel: -1, realLabel: 1, generatorTarget: 0 }))).toMatchObject({
      className: 'LeastSquaresLoss',
      config: { fakeLabel: -1, realLabel: 1, generatorTarget: 0 },
    });
    expect(
      (lossFromConfig(lossConfig(wassersteinLoss({ gradientPenalty: 2.5 }))) as WassersteinLoss).gradientPenalty,
    ).toBe(2.5);
    const r1 = lossFromConfig(
      lossConfig(withR1Penalty(leastSquaresLoss({ realLabel: 0.9 }), { gamma: 4 })),
    ) as R1PenaltyLoss;
    expect(r1.gamma).toBe(4);
    expect((r1.base as LeastSquaresLoss).realLabel).toBe(0.9);
  });

  test("user-written losses sharing a built-in's name are not mistaken for it; R1 around one is not rebuildable either", () => {
    const custom: GanLoss = {
      name: 'least-squares',
      discriminatorLoss: (r) => tf.mean(r) as tf.Scalar,
      generatorLoss: (f) => tf.mean(f) as tf.Scalar,
    };
    expect(lossFromConfig(lossConfig(custom))).toBeNull();
    expect(lossFromConfig(lossConfig({ ...custom, name: 'hinge' }))).toBeNull();
    expect(lossFromConfig(lossConfig(withR1Penalty(custom)))).toBeNull();
    expect(lossFromConfig(lossConfig(hingeLoss()))).toBeInstanceOf(HingeLoss);
  });

  test('a GAN saved with WGAN-GP + R1 loads with the same loss', async () => {
    const gan = createGan({
      latentDim: 4,
      imageShape: [8, 8, 1],
      seed: 1,
      loss: withR1Penalty(wassersteinLoss({ gradientPenalty: 3 }), { gamma: 0.5 }),
      generator: { hiddenUnits: [8] },
      discriminator: { hiddenUnits: [8] },
    });
    const dir = path.join(tempDir(), 'wgan-r1');
    await gan.save(dir);
    const loaded = await loadGan(dir);
    expect(loaded.trainer.loss).toBeInstanceOf(R1PenaltyLoss);
    expect(lossConfig(loaded.trainer.loss)).toEqual(lossConfig(gan.trainer.loss));
    [gan, loaded].forEach((g) => g.dispose());
  });
});

describe("the trainer's penalty hook", () => {
  const small = (loss: GanLoss, seed = 1) =>
    createGan({
      latentDim: 4,
      imageShape: [8, 8, 1],
      seed,
      loss,
      discriminatorSteps: 2,
      generator: { hiddenUnits: [8] },
      discriminator: { hiddenUnits: [8], activation: 'leakyRelu', dropout: 0.3 },
    });
  const losses = async (gan: ReturnType<typeof small>, data: ImageDataset, epochs: number): Promise<number[][]> => {
    const rows: number[][] = [];
    await gan.fit(data, {
      epochs,
      batchSize: 10,
      callbacks: [{ onBatchEnd: (l: StepLogs) => void rows.push([l.dLoss, l.gLoss, l.dRealMean, l.dFakeMean]) }],
    });
    return rows;
  };

  test('a user-written loss without a penalty trains exactly as before: bit-identical to the built-in it copies', async () => {
    const data = randomDataset(40, 8);
    const copy: GanLoss = {
      name: 'my-non-saturating',
      discriminatorLoss: (r, f) => nonSaturatingLoss().discriminatorLoss(r, f),
      generatorLoss: (f) => nonSaturatingLoss().generatorLoss(f),
    };
    const a = small(nonSaturatingLoss());
    const b = small(copy);
    expect(await losses(b, data, 2)).toEqual(await losses(a, data, 2));
    expect(b.trainer.rng.getState()).toBe(a.trainer.rng.getState()); // no extra draws from the stream
    [a, b].forEach((g) => g.dispose());
    data.dispose();
  });

  test('with a penalty: repeatable, no tensor left behind, and the random stream saved with a checkpoint resumes exactly', async () => {
    const data = randomDataset(40, 8);
    const a = small(wassersteinLoss());
    await losses(a, data, 1); // warm-up: optimizer slots exist
    const before = tf.memory().numTensors;
    const rowsA = await losses(a, data, 3);
    expect(tf.memory().numTensors).toBe(before);
    const b = small(wassersteinLoss());
    await losses(b, data, 1);
    const dir = path.join(tempDir(), 'wgan-resume');
    await b.save(dir);
    b.dispose();
    const resumed = await loadGan(dir);
    const rowsB = await losses(resumed, data, 3);
    expect(rowsB).toHaveLength(4);
    // wasm, one thread: the same arithmetic in the same order, so the same bits.
    expect(rowsB).toEqual(rowsA);
    expect(rowsA.flat().every(Number.isFinite)).toBe(true);
    [a, resumed].forEach((g) => g.dispose());
    data.dispose();
  });

  test("conditional GANs: the context binds the batch's labels (MLP with label embedding, conv D with channel concat)", async () => {
    const data = randomDataset(40, 8);
    const seen: Array<[number, number | null, number]> = [];
    const spy = (inner: GanLoss): GanLoss => ({
      name: 'spy',
      discriminatorLoss: (r, f) => inner.discriminatorLoss(r, f),
      generatorLoss: (f) => inner.generatorLoss(f),
      discriminatorPenalty: (ctx) => {
        seen.push([ctx.labels?.shape[0] ?? -1, ctx.fakeLabels?.shape[0] ?? null, ctx.discriminate(ctx.real).shape[0]]);
        return inner.discriminatorPenalty!(ctx);
      },
    });
    const mlp = createCgan({
      latentDim: 4,
      imageShape: [8, 8, 1],
      seed: 2,
      conditioning: labelEmbedding({ dim: 3 }),
      loss: spy(wassersteinLoss()),
      generator: { hiddenUnits: [8] },
      discriminator: { hiddenUnits: [8] },
    });
    const conv = createCgan({
      architecture: 'dcgan',
      latentDim: 4,
      imageShape: [8, 8, 1],
      seed: 3,
      conditioning: channelConcat({ numClasses: 10 }),
      loss: spy(withR1Penalty(hingeLoss())),
      generator: { denseUnits: [8], baseShape: [2, 2, 4], convFilters: [4] },
      discriminator: { convFilters: [4, 4], kernelSize: 3, denseUnits: [8], dropout: 0 },
    });
    for (const gan of [mlp, conv]) {
      const history = await gan.fit(data, { epochs: 1, batchSize: 10, stepsPerEpoch: 2 });
      expect(Number.isFinite(history[0].dLoss)).toBe(true);
      gan.dispose();
    }
    expect(seen).toEqual(Array.from({ length: 4 }, () => [10, 10, 10]));
    data.dispose();
  });

  test('a loss whose discriminatorPenalty is not a function is refused, naming the loss', () => {
    const g = mlpGenerator({ latentDim: 2, imageShape: [2, 2, 1], hiddenUnits: [3], seed: 1 });
    const d = linearD(W);
    const bad = {
      ...hingeLoss(),
      name: 'hinge',
      discriminatorLoss: hingeLoss().discriminatorLoss,
      generatorLoss: hingeLoss().generatorLoss,
      discriminatorPenalty: 3,
    } as unknown as GanLoss;
    expect(() => new GanTrainer({ generator: g, discriminator: d, loss: bad })).toThrow(/^loss: discriminatorPenalty/);
    [g, d].forEach((m) => m.dispose());
  });

  test('data-parallel: the worker rebuilds WGAN-GP + R1 from its config, and the replicas stay bit-identical', async () => {
    const data = randomDataset(80, 8);
    const gan = small(withR1Penalty(wassersteinLoss(), { gamma: 1 }), 4);
    const session = await DataParallelSession.start(gan.trainer, 2, 16);
    try {
      const start = session.checksums();
      const batches = data.batches(16, { rng: new Rng(1) });
      for (let i = 0; i < 2; i++) {
        const real = [batches.next().value as DataBatch, batches.next().value as DataBatch]; // k = 2
        const stats = session.trainStep(real);
        expect(Array.from(stats.dataSync()).every(Number.isFinite)).toBe(true);
        tf.dispose([stats, ...real.flatMap((b) => [b.images, b.labels ?? []])]);
        const sums = session.checksums();
        expect(sums[1]).toBe(sums[0]);
      }
      expect(session.checksums()[0]).not.toBe(start[0]);
      batches.return(undefined);
    } finally {
      await session.stop();
    }
    gan.dispose();
    data.dispose();
  });
});

describe('short trainings on real MNIST (512 training images, 64 held out)', () => {
  let train: ImageDataset;
  let heldOut: tf.Tensor;
  beforeAll(() => {
    train = mnist.take(512);
    heldOut = mnist.gather(Array.from({ length: 64 }, (_, i) => 576 + i)).images;
  });
  afterAll(() => {
    train.dispose();
    heldOut.dispose();
  });

  const mlpPair = (seed: number) => ({
    generator: mlpGenerator({ latentDim: 16, hiddenUnits: [64], outputActivation: 'tanh', seed }),
    discriminator: mlpDiscriminator({ hiddenUnits: [64, 64], activation: 'leakyRelu', seed: seed + 1 }),
  });

  /** Mean ‖∇ D(x̂)‖ over fixed interpolates between the held-out images and G's samples for a fixed z. */
  function meanGradientNorm(trainer: GanTrainer): number {
    return tf.tidy(() => {
      const fake = trainer.generator.apply(tf.randomNormal([64, 16], 0, 1, 'float32', 5), {
        training: false,
      }) as tf.Tensor;
      const eps = tf.randomUniform([64, 1, 1, 1], 0, 1, 'float32', 6);
      const interpolates = tf.add(fake, tf.mul(eps, tf.sub(heldOut, fake)));
      const grads = discriminatorInputGradients(contextFor(trainer.discriminator, heldOut, fake), interpolates);
      return tf.mean(tf.sqrt(tf.sum(tf.square(grads), [1, 2, 3]))).dataSync()[0];
    });
  }

  /** Mean D score on the held-out real images minus on G's samples (inference mode). */
  function separation(trainer: GanTrainer): number {
    return tf.tidy(() => {
      const fake = trainer.generator.apply(tf.randomNormal([64, 16], 0, 1, 'float32', 8), {
        training: false,
      }) as tf.Tensor;
      const d = (x: tf.Tensor): tf.Tensor => tf.mean(trainer.discriminator.apply(x, { training: false }) as tf.Tensor);
      return tf.sub(d(heldOut), d(fake)).dataSync()[0];
    });
  }

  const wganTrainer = (gradientPenalty: number): GanTrainer => {
    const { generator, discriminator } = mlpPair(20);
    // The critic's last layer starts 5× larger, so that its gradient norm starts far from 1 (≈ 4.4).
    const last = discriminator.layers[discriminator.layers.length - 1];
    const [kernel, bias] = last.getWeights(); // the layer's own variables: not to be disposed
    const scaled = tf.mul(kernel, 5);
    last.setWeights([scaled, bias]);
    scaled.dispose();
    const adam = () => createAdam({ learningRate: 1e-4, beta1: 0.5, beta2: 0.9 });
    return new GanTrainer({
      generator,
      discriminator,
      loss: wassersteinLoss({ gradientPenalty }),
      discriminatorSteps: 5,
      generatorOptimizer: adam(),
      discriminatorOptimizer: adam(),
      seed: 21,
    });
  };

  test("WGAN-GP drives the critic's mean gradient norm at interpolates towards 1; without the penalty it grows", async () => {
    const results: Record<string, [number, number]> = {};
    for (const lambda of [10, 0]) {
      const trainer = wganTrainer(lambda);
      const before = meanGradientNorm(trainer);
      const history = await trainer.fit(train, { epochs: 10, batchSize: 32 }); // 3 steps of 5 critic updates per epoch
      expect(history.every((h) => Number.isFinite(h.dLoss) && Number.isFinite(h.gLoss))).toBe(true);
      results[lambda] = [before, meanGradientNorm(trainer)];
      trainer.generator.dispose();
      trainer.discriminator.dispose();
    }
    console.log(
      `WGAN-GP on MNIST, mean ‖∇D(x̂)‖ before → after 30 steps (150 critic updates): λ=10 ${results[10].map((v) => v.toFixed(3)).join(' → ')}; λ=0 ${results[0].map((v) => v.toFixed(3)).join(' → ')}`,
    );
    const [before, after] = results[10];
    expect(before).toBeGreaterThan(3);
    expect(Math.abs(after - 1)).toBeLessThan(0.5 * Math.abs(before - 1));
    const [beforeNoGp, afterNoGp] = results[0];
    expect(beforeNoGp).toBeCloseTo(before, 5); // the same critic at the start
    expect(afterNoGp).toBeGreaterThan(beforeNoGp);
  });

  test.each([
    ['hinge', hingeLoss()],
    ['least squares', leastSquaresLoss()],
  ])('%s trains a small GAN without diverging, and D separates real from fake', async (_name, loss) => {
    const { generator, discriminator } = mlpPair(30);
    // D's last layer starts at zero: D scores every image 0, so it starts separating nothing.
    const lastLayer = discriminator.layers[discriminator.layers.length - 1];
    const zeros = lastLayer.getWeights().map((w) => tf.zerosLike(w));
    lastLayer.setWeights(zeros);
    tf.dispose(zeros);
    const trainer = new GanTrainer({ generator, discriminator, loss, seed: 31 });
    const before = separation(trainer);
    const steps: StepLogs[] = [];
    await trainer.fit(train, { epochs: 2, batchSize: 32, callbacks: [{ onBatchEnd: (l) => void steps.push(l) }] });
    const after = separation(trainer);
    console.log(
      `${loss.name} on MNIST: D(real) − D(fake) on held-out images ${before.toFixed(3)} → ${after.toFixed(3)} after ${steps.length} steps; last dLoss ${steps.at(-1)?.dLoss.toFixed(3)}`,
    );
    expect(steps).toHaveLength(32);
    expect(steps.every((s) => Number.isFinite(s.dLoss) && Number.isFinite(s.gLoss))).toBe(true);
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(0.5);
    // In the logs, too: over the last 8 steps D scores the real batches above the fake ones.
    const last = steps.slice(-8);
    expect(last.every((s) => s.dRealMean > s.dFakeMean)).toBe(true);
    generator.dispose();
    discriminator.dispose();
  });
});
