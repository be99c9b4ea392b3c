/**
 * The contract every built-in GAN loss keeps, checked the same way for each: both losses are
 * float32 scalars, finite with finite gradients even at extreme logits (|l| = 1e4, where a naive
 * log(sigmoid) overflows), they leak no tensor, the penalty (when there is one) is a finite scalar
 * whose gradient reaches D's weights, and the loss survives its config round trip with the same values.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { BceLoss } from '../../src/losses/bce';
import { CycleLeastSquaresLoss } from '../../src/losses/cycle';
import { HingeLoss } from '../../src/losses/hinge';
import { LeastSquaresLoss } from '../../src/losses/least-squares';
import { MinimaxLoss } from '../../src/losses/minimax';
import { NonSaturatingLoss } from '../../src/losses/non-saturating';
import { R1PenaltyLoss } from '../../src/losses/r1';
import { WassersteinLoss } from '../../src/losses/wasserstein';
import { mlpDiscriminator } from '../../src/nets/mlp';
import { type GanLoss, type PenaltyContext } from '../../src/losses/types';
import { lossConfig, lossFromConfig } from '../../src/losses/registry';
import { useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  await useDefaultBackend();
});

const LOSSES: Array<[string, () => GanLoss]> = [
  ['bce (smoothed)', () => new BceLoss({ realLabel: 0.9 })],
  ['non-saturating', () => new NonSaturatingLoss()],
  ['minimax', () => new MinimaxLoss()],
  ['hinge', () => new HingeLoss()],
  ['least-squares', () => new LeastSquaresLoss()],
  ['wasserstein (gp 10)', () => new WassersteinLoss({ gradientPenalty: 10 })],
  ['non-saturating + r1', () => new R1PenaltyLoss(new NonSaturatingLoss(), { gamma: 10 })],
  ['wasserstein + r1', () => new R1PenaltyLoss(new WassersteinLoss(), { gamma: 1 })],
  ['cycle least squares', () => new CycleLeastSquaresLoss()],
];

const LOGITS: Array<[string, number[], number[]]> = [
  ['moderate', [2, -0.5, 0.3, 4], [-1.5, 0.7, -3, 0]],
  ['extreme, D right', [1e4, 1e4, 5e3, 1e4], [-1e4, -1e4, -5e3, -1e4]],
  ['extreme, D wrong', [-1e4, -1e4, -5e3, -1e4], [1e4, 1e4, 5e3, 1e4]],
];

const col = (xs: number[]): tf.Tensor2D => tf.tensor2d(xs, [xs.length, 1]);

/** A scalar's value, after checking it is a float32 scalar. */
function scalarValue(t: tf.Tensor): number {
  expect(t.rank).toBe(0);
  expect(t.dtype).toBe('float32');
  return t.dataSync()[0];
}

describe.each(LOSSES)('%s', (_name, make) => {
  test.each(LOGITS)(
    'both losses are finite float32 scalars with finite gradients (%s logits), leaking nothing',
    (_case, real, fake) => {
      const loss = make();
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const [r, f] = [col(real), col(fake)];
        expect(Number.isFinite(scalarValue(loss.discriminatorLoss(r, f)))).toBe(true);
        expect(Number.isFinite(scalarValue(loss.generatorLoss(f)))).toBe(true);
        const [gReal, gFake] = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss.discriminatorLoss(a, b))([r, f]);
        const gGenerator = tf.grad((b: tf.Tensor) => loss.generatorLoss(b))(f);
        for (const g of [gReal, gFake, gGenerator]) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
      });
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  test('its config round trip gives a loss with the same values', () => {
    const loss = make();
    const again = lossFromConfig(JSON.parse(JSON.stringify(lossConfig(loss))));
    expect(again).not.toBeNull();
    const [real, fake] = [LOGITS[0][1], LOGITS[0][2]];
    const values = (l: GanLoss): number[] =>
      tf.tidy(() => [scalarValue(l.discriminatorLoss(col(real), col(fake))), scalarValue(l.generatorLoss(col(fake)))]);
    expect(values(again!)).toEqual(values(loss));
    expect(again!.name).toBe(loss.name);
  });
});

const PENALISED = LOSSES.filter(([, make]) => make().discriminatorPenalty !== undefined);

test('the losses with a penalty are the gradient-penalty ones', () => {
  expect(PENALISED.map(([name]) => name)).toEqual(['wasserstein (gp 10)', 'non-saturating + r1', 'wasserstein + r1']);
});

describe.each(PENALISED)('%s', (_name, make) => {
  test("its penalty is a finite scalar whose gradient reaches every kernel of D (through D's input gradient), leaking nothing", () => {
    const loss = make();
    const d: tfl.LayersModel = mlpDiscriminator({ imageShape: [2, 2, 1], hiddenUnits: [3], dropout: 0, seed: 2 });
    const real = tf.tensor4d([0.5, -0.2, 0.1, 0.9, -0.7, 0.3, 0.2, -0.1], [2, 2, 2, 1]);
    const fake = tf.tensor4d([0.1, 0.2, -0.3, 0.4, 0.6, -0.5, -0.9, 0.8], [2, 2, 2, 1]);
    const context: PenaltyContext = {
      real,
      fake,
      labels: null,
      fakeLabels: null,
      seed: 11,
      discriminate: (images) => d.apply(images, { training: true }) as tf.Tensor,
    };
    const before = tf.memory().numTensors;
    const weights = d.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => loss.discriminatorPenalty!(context), weights);
    expect(Number.isFinite(scalarValue(value))).toBe(true);
    // A penalty on ∇x D depends on every kernel (second order); the output bias does not move ∇x D.
    const kernels = weights.filter((w) => w.name.endsWith('kernel')).map((w) => w.name);
    expect(kernels).toHaveLength(2);
    expect(Object.keys(grads)).toEqual(expect.arrayContaining(kernels));
    for (const name of kernels) expect(tf.tidy(() => tf.sum(tf.abs(grads[name])).dataSync()[0])).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([real, fake]);
    d.dispose();
  });
});
