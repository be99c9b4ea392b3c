import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../src/backend';
import { ImageDataset } from '../src/data/dataset';
import '../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

/** Starts gankit's default backend (wasm here) silently, as a user would. */
export async function useDefaultBackend(): Promise<string> {
  tf.env().set('PROD', true);
  return (await initBackend({ log: null })).name;
}

/** A small random labelled dataset of `count` images `[h, w, 1]`. */
export function randomDataset(count: number, size = 8, numClasses = 10, seed = 1): ImageDataset {
  let s = seed;
  const next = (): number => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s;
  };
  const pixels = new Uint8Array(count * size * size).map(() => next() % 256);
  const labels = Array.from({ length: count }, (_, i) => i % numClasses);
  return ImageDataset.fromPixels(pixels, [count, size, size, 1], labels, { numClasses });
}

/** Reads a scalar tensor and disposes it. */
export function scalar(t: tf.Tensor): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

/**
 * A fresh temporary folder for the calling test file, made before its tests and removed after.
 * Returns a getter (the folder exists once `beforeAll` has run).
 */
export function useTempDir(prefix: string): () => string {
  let dir = '';
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), `gankit-${prefix}-`));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
  return () => dir;
}

/** What `fn` throws (fails the test when it throws nothing). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** The bytes of an IDX file: the header for `typeByte` and `shape`, then `payload` (a byte count means zeros). */
export function idxBytes(typeByte: number, shape: number[], payload: number | ArrayLike<number> = 0): Uint8Array {
  const data = typeof payload === 'number' ? new Uint8Array(payload) : Uint8Array.from(payload);
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = typeByte;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}
