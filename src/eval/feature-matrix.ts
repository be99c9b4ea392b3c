/**
 * One set of feature vectors as every sample-set metric takes it: a `tf.Tensor2D` `[n, d]`, or
 * row-major values with their length `dim` (as {@link frechetDistanceOfFeatures} takes them).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { checkFeatures } from './feature-statistics';

/** Feature vectors: `[n, d]` as a tensor (not disposed), or `n × d` row-major values (then `dim` is needed). */
export type FeatureSet = tf.Tensor2D | ArrayLike<number>;

/** A checked feature set as plain values. */
export interface FeatureMatrix {
  /** `count × dim` values, row-major. */
  values: Float32Array;
  /** Number of vectors. */
  count: number;
  /** Length of one vector. */
  dim: number;
}

/**
 * Reads `features` into a {@link FeatureMatrix}, checking it holds whole, finite vectors.
 *
 * @param dim - length of one vector; needed for plain values, checked against a tensor's width.
 * @throws {@link GanConfigError} naming `argument` (or `dim`) when the shape, length or a value is wrong.
 */
export function toFeatureMatrix(features: FeatureSet, dim: number | undefined, argument: string): FeatureMatrix {
  if (features instanceof tf.Tensor) {
    if (features.rank !== 2)
      throw new GanConfigError(argument, `expected a [n, d] tensor, got shape [${features.shape.join(', ')}]`);
    const width = features.shape[1];
    if (dim !== undefined && dim !== width)
      throw new GanConfigError('dim', `is ${dim} but ${argument} has ${width} features per vector`);
    const values = Float32Array.from(features.dataSync());
    const count = checkFeatures(values, width, argument);
    return { values, count, dim: width };
  }
  if (features === null || typeof features !== 'object' || typeof features.length !== 'number')
    throw new GanConfigError(argument, 'expected a tf.Tensor2D or an array of numbers');
  if (dim === undefined)
    throw new GanConfigError('dim', `is needed with plain values for ${argument} (the length of one vector)`);
  const count = checkFeatures(features, dim, argument);
  const values = features instanceof Float32Array ? features : Float32Array.from(features);
  return { values, count, dim };
}

/** Both sets read and checked to have the same dimension. */
export function toFeaturePair(
  real: FeatureSet,
  generated: FeatureSet,
  dim: number | undefined,
): [FeatureMatrix, FeatureMatrix] {
  const a = toFeatureMatrix(real, dim, 'real');
  const b = toFeatureMatrix(generated, generated instanceof tf.Tensor ? dim : a.dim, 'generated');
  if (a.dim !== b.dim) throw new GanConfigError('generated', `has ${b.dim} features per vector but real has ${a.dim}`);
  return [a, b];
}

/** The rows `indices` of `m` (for subsets and classes). */
export function selectRows(m: FeatureMatrix, indices: ArrayLike<number>): FeatureMatrix {
  const values = new Float32Array(indices.length * m.dim);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i];
    values.set(m.values.subarray(row * m.dim, (row + 1) * m.dim), i * m.dim);
  }
  return { values, count: indices.length, dim: m.dim };
}
