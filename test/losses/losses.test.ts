import * as tf from '@tensorflow/tfjs-core';
import { bceLoss } from '../../src/losses/bce';
import { minimaxLoss } from '../../src/losses/minimax';
import { nonSaturatingLoss } from '../../src/losses/non-saturating';
import { GanLossBase, type GanLoss } from '../../src/losses/types';
import { GanConfigError } from '../../src/errors';
import { scalar, useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
/** -[y log σ(l) + (1-y) log(1-σ(l))], written with softplus so it is exact for large |l|. */
const bce = (l: number, y: number): number => y * softplus(-l) + (1 - y) * softplus(l);

const REAL = [2.0, -0.5, 0.3, 4.0];
const FAKE = [-1.5, 0.7, -3.0, 0.0];
const EXTREME_REAL = [50, -50, 30, -30];
const EXTREME_FAKE = [-50, 50, 0, 45];

beforeAll(async () => {
  await useDefaultBackend();
});

function dLoss(loss: GanLoss, real: number[], fake: number[]): number {
  return scalar(
    tf.tidy(() => loss.discriminatorLoss(tf.tensor2d(real, [real.length, 1]), tf.tensor2d(fake, [fake.length, 1]))),
  );
}
function gLoss(loss: GanLoss, fake: number[]): number {
  return scalar(tf.tidy(() => loss.generatorLoss(tf.tensor2d(fake, [fake.length, 1]))));
}
function gGrad(loss: GanLoss, fake: number[]): number[] {
  return Array.from(
    tf.tidy(() => tf.grad((l: tf.Tensor) => loss.generatorLoss(l))(tf.tensor2d(fake, [fake.length, 1]))).dataSync(),
  );
}

describe('losses equal their formulas', () => {
  test.each([
    ['hand-chosen', REAL, FAKE],
    ['extreme ±50', EXTREME_REAL, EXTREME_FAKE],
  ])('non-saturating on %s logits', (_name, real, fake) => {
    const loss = nonSaturatingLoss();
    const d = dLoss(loss, real, fake);
    const g = gLoss(loss, fake);
    expect(d).toBeCloseTo(mean(real.map((l) => bce(l, 1))) + mean(fake.map((l) => bce(l, 0))), 5);
    expect(g).toBeCloseTo(mean(fake.map((l) => softplus(-l))), 5);
    expect(Number.isFinite(d) && Number.isFinite(g)).toBe(true);
  });

  test.each([
    ['hand-chosen', REAL, FAKE],
    ['extreme ±50', EXTREME_REAL, EXTREME_FAKE],
  ])('minimax on %s logits', (_name, real, fake) => {
    const loss = minimaxLoss();
    expect(dLoss(loss, real, fake)).toBeCloseTo(mean(real.map((l) => bce(l, 1))) + mean(fake.map((l) => bce(l, 0))), 5);
    // L_G = mean(log(1 - σ(l))) = -mean(softplus(l))
    const g = gLoss(loss, fake);
    expect(g).toBeCloseTo(-mean(fake.map(softplus)), 5);
    expect(Number.isFinite(g)).toBe(true);
  });

  test('minimax G loss matches log(1 - D(G(z))) where that is representable', () => {
    const fake = [-2, -0.5, 0.5, 1];
    expect(gLoss(minimaxLoss(), fake)).toBeCloseTo(mean(fake.map((l) => Math.log(1 - sigmoid(l)))), 5);
  });

  test.each([
    [{ realLabel: 0.9 }, REAL, FAKE],
    [{ realLabel: 0.9, fakeLabel: 0.1 }, EXTREME_REAL, EXTREME_FAKE],
  ])('bce with label smoothing %j', (opts, real, fake) => {
    const loss = bceLoss(opts);
    const r = opts.realLabel;
    const f = (opts as { fakeLabel?: number }).fakeLabel ?? 0;
    expect(dLoss(loss, real, fake)).toBeCloseTo(mean(real.map((l) => bce(l, r))) + mean(fake.map((l) => bce(l, f))), 4);
    expect(gLoss(loss, fake)).toBeCloseTo(mean(fake.map((l) => bce(l, 1))), 4);
  });

  test('at the equilibrium (logit 0) L_D = 2 ln 2 and L_G = ln 2', () => {
    const zeros = [0, 0, 0];
    expect(dLoss(nonSaturatingLoss(), zeros, zeros)).toBeCloseTo(2 * Math.LN2, 6);
    expect(gLoss(nonSaturatingLoss(), zeros)).toBeCloseTo(Math.LN2, 6);
    expect(gLoss(minimaxLoss(), zeros)).toBeCloseTo(-Math.LN2, 6);
  });

  test('bce rejects a label outside [0, 1], naming it', () => {
    expect(() => bceLoss({ realLabel: 1.5 })).toThrow(GanConfigError);
    expect(() => bceLoss({ realLabel: 1.5 })).toThrow(/realLabel/);
    expect(() => bceLoss({ fakeLabel: Number.NaN })).toThrow(/fakeLabel/);
  });
});

describe('generator gradients behave as the literature says', () => {
  test('minimax saturates where D(G(z)) -> 0; non-saturating does not', () => {
    const n = 2;
    const rejected = [-10, -20]; // D is sure these are fake
    const mm = gGrad(minimaxLoss(), rejected);
    const ns = gGrad(nonSaturatingLoss(), rejected);
    for (let i = 0; i < n; i++) {
      expect(mm[i]).toBeCloseTo(-sigmoid(rejected[i]) / n, 8); // ≈ -2e-5: vanishing
      expect(Math.abs(mm[i])).toBeLessThan(1e-4);
      expect(ns[i]).toBeCloseTo(-(1 - sigmoid(rejected[i])) / n, 5); // ≈ -1/n: strong
      expect(ns[i]).toBeLessThan(-0.49);
    }
  });

  test('both push fake logits up (negative gradient) everywhere', () => {
    const logits = [-5, -1, 0, 1, 5];
    for (const loss of [minimaxLoss(), nonSaturatingLoss()]) {
      for (const g of gGrad(loss, logits)) expect(g).toBeLessThan(0);
    }
  });

  test('non-saturating gradient fades where D is fooled; minimax does not', () => {
    const fooled = [10];
    expect(Math.abs(gGrad(nonSaturatingLoss(), fooled)[0])).toBeLessThan(1e-4);
    expect(gGrad(minimaxLoss(), fooled)[0]).toBeCloseTo(-1, 3);
  });

  test('gradients stay finite at ±50', () => {
    for (const loss of [minimaxLoss(), nonSaturatingLoss(), bceLoss({ realLabel: 0.9 })]) {
      for (const g of gGrad(loss, [50, -50])) expect(Number.isFinite(g)).toBe(true);
      const dGrad = tf.tidy(() =>
        tf
          .grads((r: tf.Tensor, f: tf.Tensor) => loss.discriminatorLoss(r, f))([
            tf.tensor2d([50, -50], [2, 1]),
            tf.tensor2d([-50, 50], [2, 1]),
          ])
          .map((t) => Array.from(t.dataSync())),
      );
      for (const g of dGrad.flat()) expect(Number.isFinite(g)).toBe(true);
    }
  });
});

describe('custom losses', () => {
  class LeastSquaresLoss extends GanLossBase {
    constructor() {
      super('least-squares');
    }
    discriminatorLoss(real: tf.Tensor, fake: tf.Tensor): tf.Scalar {
      return tf.tidy(() => tf.add(tf.mean(tf.square(tf.sub(real, 1))), tf.mean(tf.square(fake))) as tf.Scalar);
    }
    generatorLoss(fake: tf.Tensor): tf.Scalar {
      return tf.tidy(() => tf.mean(tf.square(tf.sub(fake, 1))) as tf.Scalar);
    }
  }

  test('a subclass of GanLossBase computes its own formula and names itself', () => {
    const loss = new LeastSquaresLoss();
    expect(String(loss)).toBe('least-squares');
    expect(dLoss(loss, [1, 3], [0, 2])).toBeCloseTo((0 + 4) / 2 + (0 + 4) / 2, 6);
    expect(gLoss(loss, [1, -1])).toBeCloseTo((0 + 4) / 2, 6);
  });
});
