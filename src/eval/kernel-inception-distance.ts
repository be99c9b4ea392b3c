/**
 * The kernel inception distance (KID) between real and generated feature sets: an unbiased
 * estimate of the squared maximum mean discrepancy, averaged over random subsets.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { Rng } from '../random';
import { selectRows, toFeaturePair, type FeatureMatrix, type FeatureSet } from './feature-matrix';

/** Options of {@link kernelInceptionDistance}. */
export interface KernelInceptionDistanceOptions {
  /** Length of one vector; needed when the sets are plain values. */
  dim?: number;
  /** Number of random subsets the estimate is averaged over (default 100, as torch-fidelity). */
  subsets?: number;
  /** Vectors drawn (without replacement) from each set per subset (default 1000, capped at the smaller set). */
  subsetSize?: number;
  /** Seed of the subset choice (default 0): the same seed gives the same value. */
  seed?: number;
}

/** What {@link kernelInceptionDistance} returns. */
export interface KernelInceptionDistance {
  /** Mean of the per-subset MMD² estimates: the KID. Near 0 (it can be slightly negative) for sets from one distribution. */
  mean: number;
  /** Standard deviation (population, as torch-fidelity's `np.std`) of the per-subset estimates. */
  std: number;
  /** Subsets used. */
  subsets: number;
  /** Vectors per subset and set. */
  subsetSize: number;
}

function positiveInteger(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new GanConfigError(name, `expected an integer ≥ ${min}, got ${value}`);
  return value;
}

/** `count` distinct indices in [0, n), seeded (a partial Fisher–Yates shuffle). */
function sampleWithoutReplacement(n: number, count: number, rng: Rng): Int32Array {
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.nextInt(n - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, count);
}

/** Σ of the kernel matrix entries of x against y, and (same = true) its trace; row sums in float32, the rest in float64. */
function kernelSums(x: FeatureMatrix, y: FeatureMatrix, same: boolean): { sum: number; trace: number } {
  const [rowSums, diagonal] = tf.tidy(() => {
    const tx = tf.tensor2d(x.values, [x.count, x.dim]);
    const ty = same ? tx : tf.tensor2d(y.values, [y.count, y.dim]);
    const k = tf.pow(tf.add(tf.div(tf.matMul(tx, ty, false, true), x.dim), 1), 3);
    return [tf.sum(k, 1), same ? tf.pow(tf.add(tf.div(tf.sum(tf.square(tx), 1), x.dim), 1), 3) : tf.zeros([1])];
  });
  const rows = rowSums.dataSync();
  const diag = diagonal.dataSync();
  tf.dispose([rowSums, diagonal]);
  let sum = 0;
  for (let i = 0; i < rows.length; i++) sum += rows[i];
  let trace = 0;
  for (let i = 0; i < diag.length; i++) trace += diag[i];
  return { sum, trace: same ? trace : 0 };
}

/**
 * The unbiased MMD² of one pair of equally sized sets X, Y of m vectors with the cubic polynomial
 * kernel `k(x, y) = (x·y / d + 1)³`:
 *
 * `MMD² = [Σ_{i≠j} k(xᵢ, xⱼ) + Σ_{i≠j} k(yᵢ, yⱼ)] / (m(m − 1)) − 2 Σ_{i,j} k(xᵢ, yⱼ) / m²`
 */
function unbiasedMmd2(x: FeatureMatrix, y: FeatureMatrix): number {
  const m = x.count;
  const xx = kernelSums(x, x, true);
  const yy = kernelSums(y, y, true);
  const xy = kernelSums(x, y, false);
  return (xx.sum - xx.trace + yy.sum - yy.trace) / (m * (m - 1)) - (2 * xy.sum) / (m * m);
}

/**
 * The kernel inception distance (Bińkowski, Sutherland, Arbel and Gretton, "Demystifying MMD
 * GANs", ICLR 2018): for each of `subsets` random subsets of `subsetSize` vectors drawn without
 * replacement from each set, the unbiased estimate of the squared maximum mean discrepancy with
 * the cubic polynomial kernel `k(x, y) = (x·y / d + 1)³`,
 *
 * `MMD² = [Σ_{i≠j} k(xᵢ, xⱼ) + Σ_{i≠j} k(yᵢ, yⱼ)] / (m(m − 1)) − 2 Σ_{i,j} k(xᵢ, yⱼ) / m²`,
 *
 * and their mean and standard deviation. Unlike the Fréchet distance it is unbiased, so values at
 * different sample counts compare, and sets from one distribution give ≈ 0 (± std). The defaults
 * (100 subsets of 1000) are torch-fidelity's; with features of another network than Inception the
 * numbers are comparable only with that network.
 *
 * @param real - the real features, `[n, d]`.
 * @param generated - the generated features, `[n', d]`.
 * @throws {@link GanConfigError} naming the argument when the dimensions differ, a set has fewer
 * than 2 vectors, a value is not finite, or an option is not a valid integer.
 *
 * @example
 * ```ts
 * const kid = kernelInceptionDistance(realFeatures, fakeFeatures, { dim: 128 });
 * console.log(`KID ${kid.mean.toFixed(4)} ± ${kid.std.toFixed(4)}`);
 * ```
 */
export function kernelInceptionDistance(
  real: FeatureSet,
  generated: FeatureSet,
  options: KernelInceptionDistanceOptions = {},
): KernelInceptionDistance {
  const subsets = positiveInteger(options.subsets ?? 100, 'subsets', 1);
  const requested = positiveInteger(options.subsetSize ?? 1000, 'subsetSize', 2);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new GanConfigError('seed', `expected an integer, got ${seed}`);
  const [a, b] = toFeaturePair(real, generated, options.dim);
  if (a.count < 2) throw new GanConfigError('real', `KID needs at least 2 vectors, got ${a.count}`);
  if (b.count < 2) throw new GanConfigError('generated', `KID needs at least 2 vectors, got ${b.count}`);
  const subsetSize = Math.min(requested, a.count, b.count);
  const rng = new Rng(seed);
  const estimates = new Float64Array(subsets);
  for (let s = 0; s < subsets; s++) {
    const x = selectRows(a, sampleWithoutReplacement(a.count, subsetSize, rng));
    const y = selectRows(b, sampleWithoutReplacement(b.count, subsetSize, rng));
    estimates[s] = unbiasedMmd2(x, y);
  }
  const mean = estimates.reduce((s, v) => s + v, 0) / subsets;
  const variance = estimates.reduce((s, v) => s + (v - mean) * (v - mean), 0) / subsets;
  return { mean, std: Math.sqrt(variance), subsets, subsetSize };
}
