import * as tf from '@tensorflow/tfjs-core';
import { initBackend, ImageDataset } from '../src/index';

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
