import * as tf from '@tensorflow/tfjs-core';
import { densityCoverage } from '../../src/eval/density-coverage';
import { GanConfigError } from '../../src/errors';
import { kernelInceptionDistance } from '../../src/eval/kernel-inception-distance';
import {
  perClassDensityCoverage,
  perClassKernelInceptionDistance,
  perClassPrecisionRecall,
} from '../../src/eval/per-class-metrics';
import { precisionRecall } from '../../src/eval/precision-recall';
import { Rng } from '../../src/random';
import { thrownBy, useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  await useDefaultBackend();
});

/** `n × d` seeded normal values (Box–Muller), shifted by `offset`, in float32 as features are. */
function normalFeatures(n: number, d: number, seed: number, offset = 0, scale = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from(
    { length: n * d },
    () => offset + scale * Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat()),
  );
}

// Reference implementations: plain loops in float64, straight from the papers' formulas.
function rows(values: Float32Array, d: number): number[][] {
  return Array.from({ length: values.length / d }, (_, i) => Array.from(values.subarray(i * d, (i + 1) * d)));
}
const dist2 = (x: number[], y: number[]): number => x.reduce((s, v, i) => s + (v - y[i]) ** 2, 0);
function kthRadii(set: number[][], k: number): number[] {
  return set.map((x) => set.map((y) => dist2(x, y)).sort((p, q) => p - q)[k]); // [0] is itself
}
function refPrecisionRecall(real: number[][], fake: number[][], k: number): [number, number] {
  const inside = (points: number[][], centres: number[][]): number => {
    const r = kthRadii(centres, k);
    return points.filter((p) => centres.some((c, i) => dist2(p, c) <= r[i])).length / points.length;
  };
  return [inside(fake, real), inside(real, fake)];
}
function refDensityCoverage(real: number[][], fake: number[][], k: number): [number, number] {
  const r = kthRadii(real, k);
  let count = 0;
  for (const y of fake) real.forEach((x, i) => (count += dist2(x, y) <= r[i] ? 1 : 0));
  const covered = real.filter((x, i) => Math.min(...fake.map((y) => dist2(x, y))) <= r[i]).length;
  return [count / (k * fake.length), covered / real.length];
}
function refMmd2(x: number[][], y: number[][]): number {
  const d = x[0].length;
  const k = (a: number[], b: number[]): number => (a.reduce((s, v, i) => s + v * b[i], 0) / d + 1) ** 3;
  const m = x.length;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      if (i !== j) {
        xx += k(x[i], x[j]);
        yy += k(y[i], y[j]);
      }
      xy += k(x[i], y[j]);
    }
  return (xx + yy) / (m * (m - 1)) - (2 * xy) / (m * m);
}

describe('hand-worked 1-D cases', () => {
  // Real 0 1 2 3 6 50 51 and generated 0.5 10 2.9 4.5, k = 1. Real radii: 1 1 1 1 3 1 1;
  // generated radii 2.4 1.6 1.6 5.5. Inside the real balls: 0.5 (of 0), 2.9 (of 2), 4.5 (of 6), not
  // 10: precision 3/4. Inside the generated balls: all real points but 50 and 51: recall 5/7.
  // Real balls holding each generated point: 0.5 → 0, 1; 10 → none; 2.9 → 2, 3; 4.5 → 6: density
  // 5 / (1 · 4). Real points with a generated point in their ball: all but 50, 51: coverage 5/7.
  const real = [0, 1, 2, 3, 6, 50, 51];
  const fake = [0.5, 10, 2.9, 4.5];
  test('precision, recall, density and coverage', () => {
    const pr = precisionRecall(real, fake, { dim: 1, k: 1 });
    expect(pr.precision).toBeCloseTo(3 / 4, 12);
    expect(pr.recall).toBeCloseTo(5 / 7, 12);
    const swapped = precisionRecall(fake, real, { dim: 1, k: 1 });
    expect(swapped).toEqual({ precision: pr.recall, recall: pr.precision });
    const dc = densityCoverage(real, fake, { dim: 1, k: 1 });
    expect(dc.density).toBeCloseTo(5 / 4, 12);
    expect(dc.coverage).toBeCloseTo(5 / 7, 12);
  });

  test('KID of {0, 1} against {1, 2} in 1-D: k(x, y) = (xy + 1)³ gives 2/2 + 54/2 − 2·37/4 = 9.5', () => {
    // Off-diagonal sums: XX 2·k(0,1) = 2, YY 2·k(1,2) = 54; XY k(0,1) + k(0,2) + k(1,1) + k(1,2) = 1 + 1 + 8 + 27.
    const kid = kernelInceptionDistance([0, 1], [1, 2], { dim: 1, subsets: 5 });
    expect(kid.mean).toBeCloseTo(9.5, 5);
    expect(kid.std).toBeCloseTo(0, 5); // every subset is the whole set
    expect(kid.subsetSize).toBe(2);
    expect(kid.subsets).toBe(5);
  });
});

describe('against the reference loops on seeded random features', () => {
  test.each([
    ['n > d', 60, 50, 8],
    ['n < d', 10, 12, 32],
  ])('precision, recall, density, coverage (%s)', (_, nReal, nFake, d) => {
    const a = normalFeatures(nReal, d, 1);
    const b = normalFeatures(nFake, d, 2, 0.3, 1.2);
    const before = tf.memory().numTensors;
    for (const k of [1, 3, 5]) {
      const pr = precisionRecall(a, b, { dim: d, k });
      const [p, r] = refPrecisionRecall(rows(a, d), rows(b, d), k);
      expect(pr.precision).toBeCloseTo(p, 12);
      expect(pr.recall).toBeCloseTo(r, 12);
      const dc = densityCoverage(a, b, { dim: d, k });
      const [density, coverage] = refDensityCoverage(rows(a, d), rows(b, d), k);
      expect(dc.density).toBeCloseTo(density, 12);
      expect(dc.coverage).toBeCloseTo(coverage, 12);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  test('sets large enough to be split into several blocks of distances give the reference values too', () => {
    // 2,100 × 2,100 pairs exceed one block (2²² pairs), so rows are visited in two blocks.
    const d = 4;
    const a = normalFeatures(2100, d, 21);
    const b = normalFeatures(2100, d, 22, 0.2, 1.1);
    const [p, r] = refPrecisionRecall(rows(a, d), rows(b, d), 3);
    expect(precisionRecall(a, b, { dim: d })).toEqual({
      precision: expect.closeTo(p, 12),
      recall: expect.closeTo(r, 12),
    });
    const [density, coverage] = refDensityCoverage(rows(a, d), rows(b, d), 5);
    expect(densityCoverage(a, b, { dim: d })).toEqual({
      density: expect.closeTo(density, 12),
      coverage: expect.closeTo(coverage, 12),
    });
  });

  test('KID with the whole set as the subset equals the unbiased MMD²; subsets are seeded', () => {
    const d = 16;
    const a = normalFeatures(40, d, 3);
    const b = normalFeatures(40, d, 4, 0.5);
    const before = tf.memory().numTensors;
    const whole = kernelInceptionDistance(a, b, { dim: d, subsets: 3, subsetSize: 40 });
    expect(whole.mean).toBeCloseTo(refMmd2(rows(a, d), rows(b, d)), 4);
    expect(whole.std).toBeLessThan(1e-5);
    const s1 = kernelInceptionDistance(a, b, { dim: d, subsets: 20, subsetSize: 10, seed: 7 });
    const s2 = kernelInceptionDistance(a, b, { dim: d, subsets: 20, subsetSize: 10, seed: 7 });
    const s3 = kernelInceptionDistance(a, b, { dim: d, subsets: 20, subsetSize: 10, seed: 8 });
    expect(s2).toEqual(s1);
    expect(s3.mean).not.toBe(s1.mean);
    expect(s1.std).toBeGreaterThan(0);
    // The default subset size, 1000, is capped at the smaller set.
    expect(kernelInceptionDistance(a, b.subarray(0, 30 * d), { dim: d, subsets: 1 }).subsetSize).toBe(30);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('a tf.Tensor2D gives the same values as its plain values, and is not disposed', () => {
    const d = 8;
    const a = normalFeatures(30, d, 5);
    const b = normalFeatures(30, d, 6, 0.2);
    const ta = tf.tensor2d(a, [30, d]);
    const tb = tf.tensor2d(b, [30, d]);
    expect(precisionRecall(ta, tb)).toEqual(precisionRecall(a, b, { dim: d }));
    expect(densityCoverage(ta, tb)).toEqual(densityCoverage(a, b, { dim: d }));
    expect(kernelInceptionDistance(ta, tb, { subsets: 4, subsetSize: 10 })).toEqual(
      kernelInceptionDistance(a, b, { dim: d, subsets: 4, subsetSize: 10 }),
    );
    expect(ta.isDisposed || tb.isDisposed).toBe(false);
    tf.dispose([ta, tb]);
  });
});

describe('edge cases', () => {
  test('identical sets: precision = recall = coverage = 1, KID ≈ 0 next to a shifted set', () => {
    const d = 16;
    const a = normalFeatures(200, d, 9, 3); // an offset, so rounding in ‖a‖² + ‖b‖² − 2a·b matters
    expect(precisionRecall(a, a, { dim: d })).toEqual({ precision: 1, recall: 1 });
    expect(densityCoverage(a, a, { dim: d }).coverage).toBe(1);
    const same = kernelInceptionDistance(a, a, { dim: d, subsets: 10, subsetSize: 100 });
    const shifted = kernelInceptionDistance(
      a,
      a.map((v) => v + 0.5),
      { dim: d, subsets: 10, subsetSize: 100 },
    );
    expect(Math.abs(same.mean)).toBeLessThan(0.02 * shifted.mean);
  });

  test('duplicate points: a point repeated k + 1 times has a ball of radius 0 that still holds its copies', () => {
    const d = 32;
    const base = normalFeatures(20, d, 10, 5);
    const repeated = new Float32Array(base.length * 4);
    for (let c = 0; c < 4; c++) repeated.set(base, c * base.length); // every point 4 times: radius 0 for k = 3
    expect(precisionRecall(repeated, base, { dim: d, k: 3 })).toEqual({ precision: 1, recall: 1 });
    const dc = densityCoverage(repeated, base, { dim: d, k: 3 });
    expect(dc.coverage).toBe(1);
    expect(dc.density).toBeCloseTo(4 / 3, 12); // each generated point lies in the 4 zero balls of its copies
    const moved = base.map((v, i) => (i % d === 0 ? v + 1e-2 : v)); // off the zero-radius balls
    expect(precisionRecall(repeated, moved, { dim: d, k: 3 }).precision).toBe(0);
  });

  test('far-apart sets: precision = recall = density = coverage = 0, KID large', () => {
    const d = 8;
    const a = normalFeatures(50, d, 11);
    const b = normalFeatures(50, d, 12, 100);
    expect(precisionRecall(a, b, { dim: d })).toEqual({ precision: 0, recall: 0 });
    expect(densityCoverage(a, b, { dim: d })).toEqual({ density: 0, coverage: 0 });
    expect(kernelInceptionDistance(a, b, { dim: d, subsets: 5, subsetSize: 20 }).mean).toBeGreaterThan(1e3);
  });

  test('bad input is a GanConfigError naming the argument', () => {
    const a = normalFeatures(10, 4, 13);
    const err = (fn: () => unknown): GanConfigError => {
      const e = thrownBy(fn);
      expect(e).toBeInstanceOf(GanConfigError);
      return e as GanConfigError;
    };
    expect(err(() => precisionRecall(a, a.subarray(0, 9 * 3), { dim: 3 })).argument).toBe('real'); // 40 values
    expect(err(() => precisionRecall(a, a)).argument).toBe('dim');
    const [t4, t3] = [tf.zeros([5, 4]) as tf.Tensor2D, tf.zeros([5, 3]) as tf.Tensor2D];
    expect(err(() => precisionRecall(t4, t3)).message).toBe('generated: has 3 features per vector but real has 4');
    tf.dispose([t4, t3]);
    expect(err(() => precisionRecall(a.subarray(0, 12), a, { dim: 4 })).message).toMatch(
      /^real: has 3 vectors; k = 3 nearest neighbours need at least 4$/,
    );
    expect(err(() => precisionRecall(a, a.subarray(0, 12), { dim: 4 })).argument).toBe('generated');
    expect(err(() => densityCoverage(a, a, { dim: 4, k: 10 })).argument).toBe('real');
    expect(err(() => densityCoverage(a, a, { dim: 4, k: 0 })).argument).toBe('k');
    expect(err(() => kernelInceptionDistance(a, a.subarray(0, 4), { dim: 4 })).argument).toBe('generated');
    expect(err(() => kernelInceptionDistance(a, a, { dim: 4, subsets: 0 })).argument).toBe('subsets');
    const nan = a.slice();
    nan[5] = NaN;
    expect(err(() => kernelInceptionDistance(a, nan, { dim: 4 })).argument).toBe('generated[5]');
  });
});

describe('per class', () => {
  const d = 8;
  const real = normalFeatures(60, d, 14);
  const fake = normalFeatures(45, d, 15, 0.4);
  const realLabels = Array.from({ length: 60 }, (_, i) => i % 3); // classes 0, 1, 2
  const fakeLabels = Array.from({ length: 45 }, (_, i) => (i % 3 === 2 ? 3 : i % 3)); // 0, 1, 3: no 2
  const pick = (values: Float32Array, labels: number[], c: number): Float32Array =>
    Float32Array.from(
      rows(values, d)
        .filter((_, i) => labels[i] === c)
        .flat(),
    );

  test('each class measured alone, the mean over measured classes; a missing class is reported, not NaN', () => {
    const before = tf.memory().numTensors;
    const pr = perClassPrecisionRecall(real, fake, { realLabels, generatedLabels: fakeLabels, dim: d });
    expect(pr.classes.map((c) => [c.label, c.realCount, c.generatedCount, c.skipped])).toEqual([
      [0, 20, 15, null],
      [1, 20, 15, null],
      [2, 20, 0, 'missing in generated'],
      [3, 0, 15, 'missing in real'],
    ]);
    expect(pr.skippedClasses).toEqual([2, 3]);
    const byHand = [0, 1].map((c) => precisionRecall(pick(real, realLabels, c), pick(fake, fakeLabels, c), { dim: d }));
    expect(pr.classes[0].value).toEqual(byHand[0]);
    expect(pr.mean?.precision).toBeCloseTo((byHand[0].precision + byHand[1].precision) / 2, 12);
    expect(pr.mean?.recall).toBeCloseTo((byHand[0].recall + byHand[1].recall) / 2, 12);
    const dc = perClassDensityCoverage(real, fake, {
      realLabels,
      generatedLabels: fakeLabels,
      dim: d,
      numClasses: 5,
    });
    expect(dc.skippedClasses).toEqual([2, 3, 4]);
    expect(dc.classes[4].skipped).toBe('missing in both');
    expect(dc.classes[1].value).toEqual(
      densityCoverage(pick(real, realLabels, 1), pick(fake, fakeLabels, 1), { dim: d }),
    );
    const kid = perClassKernelInceptionDistance(real, fake, {
      realLabels,
      generatedLabels: fakeLabels,
      dim: d,
      subsets: 3,
      subsetSize: 10,
    });
    expect(kid.mean?.mean).toBeCloseTo(
      ((kid.classes[0].value?.mean ?? NaN) + (kid.classes[1].value?.mean ?? NaN)) / 2,
      12,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  test('too few vectors in a class is a skip with the counts; labels that do not match are errors', () => {
    const few = [...realLabels];
    few[0] = 4; // class 4: one real vector, none generated
    const fakeFew = [...fakeLabels];
    fakeFew[0] = 4;
    fakeFew[3] = 4; // class 4: two generated vectors
    const pr = perClassPrecisionRecall(real, fake, { realLabels: few, generatedLabels: fakeFew, dim: d });
    expect(pr.classes[4].skipped).toBe('too few vectors (1 real, 2 generated; needs 4 and 4)');
    expect(
      (
        thrownBy(() =>
          perClassPrecisionRecall(real, fake, { realLabels: [0], generatedLabels: fakeLabels, dim: d }),
        ) as GanConfigError
      ).argument,
    ).toBe('realLabels');
    const bad = [...fakeLabels];
    bad[2] = 1.5;
    expect(
      (
        thrownBy(() =>
          perClassPrecisionRecall(real, fake, { realLabels, generatedLabels: bad, dim: d }),
        ) as GanConfigError
      ).argument,
    ).toBe('generatedLabels[2]');
  });
});
