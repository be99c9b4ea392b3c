/**
 * ImageDataset's input checks: the wrong typed array for pixels, float images in [0, 1], and a
 * resumed skipBatches that does not fit the epoch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../../src/errors';
import { ImageDataset } from '../../src/data/dataset';
import { Rng } from '../../src/random';
import { batchIndices } from '../../src/data/image-source';
import { thrownBy, useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  await useDefaultBackend();
});

describe('ImageDataset.fromPixels takes 8-bit pixels only', () => {
  test('a Float32Array (even of 0–255 values) is a GanConfigError naming the argument and fromTensor', () => {
    const floats = new Float32Array(2 * 3 * 3).fill(0.5);
    const error = thrownBy(() => ImageDataset.fromPixels(floats as unknown as Uint8Array, [2, 3, 3, 1]));
    expect(error).toBeInstanceOf(GanConfigError);
    expect((error as GanConfigError).argument).toBe('pixels');
    expect((error as Error).message).toMatch(/Uint8Array.*got a Float32Array.*fromTensor/);
    expect(() => ImageDataset.fromPixels([0, 255] as unknown as Uint8Array, [1, 1, 2, 1])).toThrow(/got an array/);
  });

  test('Uint8Array, Buffer and Uint8ClampedArray pixels map 0 → -1 and 255 → 1', () => {
    for (const pixels of [
      new Uint8Array([0, 255, 51]),
      Buffer.from([0, 255, 51]),
      new Uint8ClampedArray([0, 255, 51]),
    ]) {
      const data = ImageDataset.fromPixels(pixels, [1, 1, 3, 1]);
      const values = Array.from(data.images.dataSync());
      expect(values[0]).toBe(-1);
      expect(values[1]).toBe(1);
      expect(values[2]).toBeCloseTo(51 / 127.5 - 1, 6);
      data.dispose();
    }
  });
});

describe('ImageDataset.fromTensor warns once about images with no negative value', () => {
  test('[0, 1] images: one line, once; [-1, 1] images: nothing', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const signed = tf.tensor4d([-1, 0, 0.5, 1], [1, 2, 2, 1]);
      ImageDataset.fromTensor(signed).dispose();
      expect(warn).not.toHaveBeenCalled();
      const unit = tf.tensor4d([0, 0.25, 0.5, 1], [1, 2, 2, 1]);
      ImageDataset.fromTensor(unit, null, { source: 'my images' }).dispose();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/my images lie in \[0, 1\].*\[-1, 1\].*x \* 2 - 1/);
      expect(String(warn.mock.calls[0][0])).not.toMatch(/\n/);
      ImageDataset.fromTensor(unit).dispose();
      expect(warn).toHaveBeenCalledTimes(1);
      tf.dispose([signed, unit]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('skipBatches that does not fit the epoch', () => {
  test('more batches skipped than the epoch holds is a GanConfigError that names the counts', () => {
    const data = ImageDataset.fromPixels(new Uint8Array(10 * 4), [10, 2, 2, 1]);
    // 10 images hold 5 batches of 2 but 2 batches of 4: a resume at batch 3 with batch size 4 does not fit.
    const error = thrownBy(() => [...data.batches(4, { rng: new Rng(1), skipBatches: 3 })]);
    expect(error).toBeInstanceOf(GanConfigError);
    expect((error as GanConfigError).argument).toBe('skipBatches');
    expect((error as Error).message).toMatch(/3 batches to skip.*10 images holds 2 batches of 4/);
    // The end of an epoch exactly is a resume with nothing left, not an error.
    expect([...data.batches(4, { rng: new Rng(1), skipBatches: 2 })]).toHaveLength(0);
    data.dispose();
  });

  test('skipBatches resumes exactly: the batches after k are those of the full epoch', () => {
    const data = ImageDataset.fromPixels(
      Uint8Array.from({ length: 12 }, (_, i) => i * 20),
      [12, 1, 1, 1],
      Array.from({ length: 12 }, (_, i) => i % 3),
    );
    const read = (skip: number): number[][] =>
      [...data.batches(3, { rng: new Rng(7), skipBatches: skip })].map((b) => {
        const values = Array.from(b.images.dataSync());
        tf.dispose([b.images, b.labels ?? []]);
        return values;
      });
    const full = read(0);
    expect(full).toHaveLength(4);
    expect(read(1)).toEqual(full.slice(1));
    expect(read(3)).toEqual(full.slice(3));
    // The order is batchIndices' order, which any source can reproduce.
    const order = [...batchIndices(12, 3, { rng: new Rng(7) })].map((i) => Array.from(i, (k) => (k * 20) / 127.5 - 1));
    full.forEach((batch, b) => batch.forEach((v, i) => expect(v).toBeCloseTo(order[b][i], 5)));
    data.dispose();
  });
});
