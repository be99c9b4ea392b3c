import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../../src/errors';
import { Rng } from '../../src/random';
import { SubsetImageSource, splitImageSource } from '../../src/data/subset-source';
import { randomDataset, useDefaultBackend } from '../helpers';

beforeAll(async () => {
  await useDefaultBackend();
});

describe('SubsetImageSource and splitImageSource', () => {
  test('a seeded split: disjoint parts of the asked sizes, in index order, the same for the same seed', () => {
    const data = randomDataset(30, 4, 3);
    const parts = splitImageSource(data, [20, 6, 4], 7);
    expect(parts.map((p) => p.size)).toEqual([20, 6, 4]);
    const all = parts.flatMap((p) => Array.from(p.indices));
    expect(new Set(all).size).toBe(30);
    for (const p of parts) expect(Array.from(p.indices)).toEqual(Array.from(p.indices).sort((a, b) => a - b));
    expect(splitImageSource(data, [20, 6, 4], 7).map((p) => Array.from(p.indices))).toEqual(
      parts.map((p) => Array.from(p.indices)),
    );
    expect(Array.from(splitImageSource(data, [20, 6, 4], 8)[1].indices)).not.toEqual(Array.from(parts[1].indices));
    // A split may leave images out.
    expect(splitImageSource(data, [5, 5], 0).reduce((n, p) => n + p.size, 0)).toBe(10);
    data.dispose();
  });

  test("batches are the parent's images and labels at the subset's indices, shuffled and resumed as any source", async () => {
    const data = randomDataset(12, 4, 3);
    const subset = new SubsetImageSource(data, [9, 2, 5, 11, 0]);
    expect(subset.labels && Array.from(subset.labels)).toEqual([9 % 3, 2 % 3, 5 % 3, 11 % 3, 0]);
    expect([subset.numClasses, subset.imageShape, subset.batchCount(2), subset.batchCount(2, false)]).toEqual([
      3,
      [4, 4, 1],
      2,
      3,
    ]);
    // The dataset keeps its label tensor once a batch is drawn: draw one first, so the count sees only the subset.
    const warm = data.gather([0]);
    tf.dispose([warm.images, warm.labels ?? []]);
    const before = tf.memory().numTensors;
    const seen: number[][] = [];
    for (const batch of subset.batches(2, { rng: new Rng(3), dropRemainder: false })) {
      const labels = Array.from(await (batch.labels as tf.Tensor1D).data());
      seen.push(labels);
      tf.dispose([batch.images, batch.labels ?? []]);
    }
    expect(seen.flat().sort()).toEqual([0, 0, 2, 2, 2]);
    const [a, b] = [subset.gather([3, 1]), data.gather([11, 2])];
    expect(Array.from(await a.images.data())).toEqual(Array.from(await b.images.data()));
    expect(Array.from(await (a.labels as tf.Tensor1D).data())).toEqual([2, 2]);
    tf.dispose([a.images, a.labels ?? [], b.images, b.labels ?? []]);
    // Resumed: skipping the first batch yields the rest of the same order.
    const order = (skip: number): number[] => {
      const out: number[] = [];
      for (const batch of subset.batches(1, { rng: new Rng(4), skipBatches: skip })) {
        out.push(batch.images.dataSync()[0]);
        tf.dispose([batch.images, batch.labels ?? []]);
      }
      return out;
    };
    expect(order(2)).toEqual(order(0).slice(2));
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });

  test('bad indices and sizes are typed errors naming the argument', () => {
    const data = randomDataset(6, 4, 2);
    expect(() => new SubsetImageSource(data, [0, 6])).toThrow(/^indices: expected integers in \[0, 6\), got 6 at 1$/);
    expect(() => new SubsetImageSource(data, [])).toThrow(GanConfigError);
    expect(() => new SubsetImageSource(data, [1]).gather([1])).toThrow(
      /^indices: expected integers in \[0, 1\), got 1$/,
    );
    expect(() => splitImageSource(data, [4, 3], 0)).toThrow(/^sizes: ask for 7 images; the source has 6$/);
    expect(() => splitImageSource(data, [4, 0], 0)).toThrow(/^sizes\[1\]: expected a positive integer, got 0$/);
    data.dispose();
  });
});
