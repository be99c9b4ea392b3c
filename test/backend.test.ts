import * as tf from '@tensorflow/tfjs-core';
import { initBackend, backendChoice, patchWasmKernels, GanConfigError } from '../src/index';

/**
 * gankit's wasm kernel patches must compute what the cpu backend computes. Each case runs the same
 * op on both backends (gradients included) and compares to 1e-4.
 */
async function onBoth<T extends tf.Tensor | tf.Tensor[]>(f: () => T): Promise<[number[][], number[][]]> {
  const run = (): number[][] => {
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const values = list.map((t) => Array.from(t.dataSync() as Float32Array));
    tf.dispose(list);
    return values;
  };
  await tf.setBackend('cpu');
  const cpu = run();
  await tf.setBackend('wasm');
  const wasm = run();
  return [cpu, wasm];
}

function expectClose(a: number[][], b: number[][]): void {
  expect(b.map((x) => x.length)).toEqual(a.map((x) => x.length));
  a.forEach((xs, i) => xs.forEach((x, j) => expect(Math.abs(x - b[i][j])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(x)))));
}

beforeAll(async () => {
  const choice = await initBackend({ log: null });
  expect(choice.name).toBe('wasm'); // no tfjs-node here: the fastest registry backend
});

afterAll(async () => {
  await tf.setBackend('wasm');
});

test('initBackend reports its choice once and validates names', async () => {
  expect(backendChoice()?.name).toBe('wasm');
  expect((await initBackend()).name).toBe('wasm');
  expect(patchWasmKernels()).toEqual([]); // idempotent
});

test.each([
  [false, false], [true, false], [false, true], [true, true],
])('BatchMatMul transposeA=%s transposeB=%s (odd sizes, batched)', async (ta, tb) => {
  const [cpu, wasm] = await onBoth(() => {
    const a = tf.randomNormal(ta ? [3, 7, 5] : [3, 5, 7], 0, 1, 'float32', 1);
    const b = tf.randomNormal(tb ? [3, 9, 7] : [3, 7, 9], 0, 1, 'float32', 2);
    return tf.matMul(a, b, ta, tb);
  });
  expectClose(cpu, wasm);
});

test('dense-layer gradients (the transposed matmuls of backprop) match cpu', async () => {
  const [cpu, wasm] = await onBoth(() => {
    const x = tf.randomNormal([1, 13], 0, 1, 'float32', 3);
    const w = tf.randomNormal([13, 6], 0, 1, 'float32', 4);
    return tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.matMul(xx, ww))))([x, w]);
  });
  expectClose(cpu, wasm);
});

test('UnsortedSegmentSum (embedding gradient), missing on stock wasm, matches cpu', async () => {
  const [cpu, wasm] = await onBoth(() => {
    const table = tf.randomNormal([5, 3], 0, 1, 'float32', 5);
    const ids = tf.tensor1d([4, 0, 4, 2, 4], 'int32');
    return [tf.unsortedSegmentSum(tf.randomNormal([5, 3], 0, 1, 'float32', 6), ids, 5), tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, ids))))(table)];
  });
  expectClose(cpu, wasm);
});

test.each([
  ['same', 2, 1], ['valid', 2, 3], ['same', 1, 2],
])('Conv2D gradients (Conv2DBackpropFilter missing on stock wasm) padding=%s stride=%s batch=%s', async (pad, stride, batch) => {
  const [cpu, wasm] = await onBoth(() => {
    const x = tf.randomNormal([batch as number, 9, 7, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const f = tf.randomNormal([5, 3, 3, 4], 0, 1, 'float32', 8) as tf.Tensor4D;
    return tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, stride as number, pad as 'same' | 'valid'))))([x, f]);
  });
  expectClose(cpu, wasm);
});

test('an unknown backend name is a GanConfigError naming the argument', async () => {
  await expect(initBackend({ backend: 'webgl' as 'cpu', log: null })).rejects.toThrow(GanConfigError);
  await expect(initBackend({ backend: 'webgl' as 'cpu', log: null })).rejects.toThrow(/backend: expected one of tensorflow, wasm, cpu, got 'webgl'/);
});
