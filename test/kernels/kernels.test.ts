import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { patchWasmKernels } from '../../src/kernels/wasm';
import { createCgan } from '../../src/models/gan/create';
import { randomDataset } from '../helpers';
import { Rng } from '../../src/random';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

/**
 * gankit's wasm kernels must compute what the cpu backend computes. Each case runs the same op on
 * both backends (gradients included) and compares to 1e-4, relative to the values' scale.
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
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(1, ...a[i].map(Math.abs));
    let worst = 0;
    for (let j = 0; j < a[i].length; j++) worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
    expect(worst / scale).toBeLessThanOrEqual(1e-4);
  }
}

beforeAll(async () => {
  expect((await initBackend({ log: null })).name).toBe('wasm');
  expect(patchWasmKernels()).toEqual([]); // idempotent
});

afterAll(async () => {
  await tf.setBackend('wasm');
});

test.each([
  [false, false],
  [true, false],
  [false, true],
  [true, true],
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

test('UnsortedSegmentSum on int32 and 3-D inputs, with ids out of range (dropped), matches cpu', async () => {
  const [cpu, wasm] = await onBoth(() => {
    const ids = tf.tensor1d([2, -1, 0, 7, 2, 1], 'int32');
    const ints = tf.tensor2d(
      [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
        [9, 10],
        [11, 12],
      ],
      [6, 2],
      'int32',
    );
    const floats = tf.randomNormal([6, 2, 3], 0, 1, 'float32', 11);
    return [tf.cast(tf.unsortedSegmentSum(ints, ids, 4), 'float32'), tf.unsortedSegmentSum(floats, ids, 3)];
  });
  expect(wasm).toEqual(cpu);
  expect(cpu[0]).toEqual([5, 6, 11, 12, 10, 12, 0, 0]);
});

test('UnsortedSegmentSum (embedding gradient), missing on stock wasm, matches cpu', async () => {
  const [cpu, wasm] = await onBoth(() => {
    const table = tf.randomNormal([5, 3], 0, 1, 'float32', 5);
    const ids = tf.tensor1d([4, 0, 4, 2, 4], 'int32');
    return [
      tf.unsortedSegmentSum(tf.randomNormal([5, 3], 0, 1, 'float32', 6), ids, 5),
      tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, ids))))(table),
    ];
  });
  expectClose(cpu, wasm);
});

type Pad = 'same' | 'valid' | number;
interface ConvCase {
  batch: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  kh: number;
  kw: number;
  stride: number;
  pad: Pad;
}

/** The seed nets' convolutions, edge cases, and random shapes (odd sizes, batch 1, strides 1–3, every padding). */
function convCases(): ConvCase[] {
  const cases: ConvCase[] = [
    { batch: 2, h: 28, w: 28, ci: 11, co: 8, kh: 5, kw: 5, stride: 2, pad: 'same' }, // D conv 1 (narrowed)
    { batch: 2, h: 14, w: 14, ci: 8, co: 16, kh: 5, kw: 5, stride: 2, pad: 'valid' }, // D conv 2 (input gradient by matrix product + col2im)
    { batch: 2, h: 14, w: 14, ci: 16, co: 8, kh: 5, kw: 5, stride: 1, pad: 'same' }, // G conv 1
    { batch: 1, h: 28, w: 28, ci: 8, co: 1, kh: 5, kw: 5, stride: 1, pad: 'same' }, // G conv 2
    { batch: 1, h: 1, w: 1, ci: 3, co: 2, kh: 1, kw: 1, stride: 1, pad: 'valid' },
    { batch: 3, h: 8, w: 8, ci: 4, co: 5, kh: 4, kw: 4, stride: 2, pad: 1 }, // the DCGAN 4×4/2 with pad 1
    { batch: 1, h: 7, w: 9, ci: 2, co: 3, kh: 3, kw: 5, stride: 3, pad: 'same' },
    { batch: 2, h: 10, w: 6, ci: 1, co: 4, kh: 2, kw: 3, stride: 2, pad: 'valid' },
  ];
  const rng = new Rng(20261123);
  const pads: Pad[] = ['same', 'valid', 0, 1, 2];
  while (cases.length < 24) {
    const kh = 1 + rng.nextInt(5);
    const stride = 1 + rng.nextInt(3);
    const pad = pads[rng.nextInt(pads.length)];
    // tfjs-core sizes a numeric padding's output with the filter height in both dimensions, so
    // numeric pads are only well defined for square filters (on every backend).
    const kw = typeof pad === 'number' ? kh : 1 + rng.nextInt(5);
    const padAmount = typeof pad === 'number' ? pad : 0;
    const h = Math.max(kh - 2 * padAmount, 1) + rng.nextInt(9);
    const w = Math.max(kw - 2 * padAmount, 1) + rng.nextInt(9);
    if (pad === 'valid' && (h < kh || w < kw)) continue;
    if (typeof pad === 'number' && (h + 2 * pad < kh || w + 2 * pad < kw)) continue;
    cases.push({
      batch: 1 + rng.nextInt(3),
      h,
      w,
      ci: 1 + rng.nextInt(6),
      co: 1 + rng.nextInt(6),
      kh,
      kw,
      stride,
      pad,
    });
  }
  return cases;
}

test.each(
  convCases().map(
    (c) => [`${c.batch}×${c.h}×${c.w}×${c.ci} * ${c.kh}×${c.kw}→${c.co} stride ${c.stride} pad ${c.pad}`, c] as const,
  ),
)('Conv2D gradients (Conv2DBackpropFilter, Conv2DBackpropInput) match cpu: %s', async (_name, c) => {
  const [cpu, wasm] = await onBoth(() => {
    const x = tf.randomNormal([c.batch, c.h, c.w, c.ci], 0, 1, 'float32', 7) as tf.Tensor4D;
    const f = tf.randomNormal([c.kh, c.kw, c.ci, c.co], 0, 1, 'float32', 8) as tf.Tensor4D;
    const y = tf.conv2d(x, f, c.stride, c.pad);
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 9) as tf.Tensor4D;
    return [
      y,
      tf.conv2dTranspose(dy, f, [c.batch, c.h, c.w, c.ci], c.stride, c.pad),
      ...tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.stride, c.pad), dy)),
      )([x, f]),
    ];
  });
  expectClose(cpu, wasm);
});

test('the conv kernels free every intermediate they make', async () => {
  await tf.setBackend('wasm');
  const x = tf.randomNormal([2, 9, 9, 3]) as tf.Tensor4D;
  const f = tf.randomNormal([5, 5, 3, 4]) as tf.Tensor4D;
  const step = (): void =>
    tf.tidy(() => {
      tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, 2, 'same')))([
        x,
        f,
      ]).forEach((g) => g.dataSync());
    });
  step();
  const before = tf.memory();
  for (let i = 0; i < 5; i++) step();
  const after = tf.memory();
  expect(after.numTensors).toBe(before.numTensors);
  expect(after.numBytes).toBe(before.numBytes);
  expect((tf.backend() as unknown as { dataIdMap: { numDataIds(): number } }).dataIdMap.numDataIds()).toBe(
    (tf.engine().backend as unknown as { dataIdMap: { numDataIds(): number } }).dataIdMap.numDataIds(),
  );
  tf.dispose([x, f]);
});

test('the seed-000 DCGAN CGAN (narrowed) trains step for step as on cpu, to 1e-3', async () => {
  const lossesOn = async (backend: string): Promise<number[]> => {
    await tf.setBackend(backend);
    const cgan = createCgan({
      architecture: 'dcgan',
      seed: 5,
      generator: { denseUnits: [32], baseShape: [7, 7, 8], convFilters: [8] },
      discriminator: { convFilters: [8, 16], denseUnits: [16], dropout: 0 },
    });
    const data = randomDataset(32, 28, 10, 3);
    const losses: number[] = [];
    await cgan.fit(data, {
      epochs: 1,
      batchSize: 8,
      callbacks: [{ onBatchEnd: (l) => void losses.push(l.dLoss, l.gLoss) }],
    });
    cgan.dispose();
    data.dispose();
    return losses;
  };
  const cpu = await lossesOn('cpu');
  const wasm = await lossesOn('wasm');
  expect(cpu).toHaveLength(8);
  expect(cpu.every(Number.isFinite)).toBe(true);
  wasm.forEach((loss, i) => expect(Math.abs(loss - cpu[i])).toBeLessThanOrEqual(1e-3));
  // The steps really train: the losses move.
  expect(new Set(cpu.map((l) => l.toFixed(4))).size).toBeGreaterThan(4);
});

test('ResizeNearestNeighborGrad (UpSampling2D gradient) sums each block, on cpu and wasm, for every image of a batch', async () => {
  // dy is 0, 1, 2, … over [2, 4, 4, 1]; each input pixel's gradient is the sum of its 2×2 block.
  const [cpu, wasm] = await onBoth(() => {
    const x = tf.zeros([2, 2, 2, 1]) as tf.Tensor4D;
    const dy = tf.tensor4d(
      Array.from({ length: 32 }, (_, i) => i),
      [2, 4, 4, 1],
    );
    return tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(xx as tf.Tensor4D, [4, 4]), dy)))(x);
  });
  expect(cpu).toEqual([[10, 18, 42, 50, 74, 82, 106, 114]]); // stock tfjs-backend-cpu 4.22 gives 26, 34, 58, 66 for the second image
  expect(wasm).toEqual(cpu);
});

// Source pixel of each of the 6 output pixels of a 4 → 6 px resize, by hand: floor(r·4/6) without
// half-pixel centres; floor((r + ½)·4/6) with them (as PyTorch's nearest-exact and TF's
// half_pixel_centers); round(r·3/5) with aligned corners.
test.each([
  [false, false, [0, 0, 1, 2, 2, 3]],
  [false, true, [0, 1, 1, 2, 3, 3]],
  [true, false, [0, 1, 1, 2, 2, 3]],
] as const)(
  'ResizeNearestNeighborGrad 4 → 6 px, batch 2 (alignCorners %s, halfPixelCenters %s) equals the hand-computed sums, on cpu and wasm',
  async (alignCorners, halfPixelCenters, source) => {
    const dyValues = Array.from({ length: 2 * 6 * 6 * 2 }, (_, i) => ((i * 7) % 23) - 11);
    const [cpu, wasm] = await onBoth(() => {
      const x = tf.zeros([2, 4, 4, 2]) as tf.Tensor4D;
      const dy = tf.tensor4d(dyValues, [2, 6, 6, 2]);
      const grad = tf.grad((xx: tf.Tensor) =>
        tf.sum(tf.mul(tf.image.resizeNearestNeighbor(xx as tf.Tensor4D, [6, 6], alignCorners, halfPixelCenters), dy)),
      )(x);
      // The forward pass with x = its pixel's index shows the mapping the gradient must follow.
      const index = tf.tensor4d(
        Array.from({ length: 2 * 4 * 4 * 2 }, (_, i) => i),
        [2, 4, 4, 2],
      );
      return [grad, tf.image.resizeNearestNeighbor(index, [6, 6], alignCorners, halfPixelCenters)];
    });
    const expected = new Array<number>(2 * 4 * 4 * 2).fill(0);
    const forward: number[] = [];
    for (let b = 0; b < 2; b++)
      for (let r = 0; r < 6; r++)
        for (let c = 0; c < 6; c++)
          for (let d = 0; d < 2; d++) {
            const at = ((b * 4 + source[r]) * 4 + source[c]) * 2 + d;
            expected[at] += dyValues[((b * 6 + r) * 6 + c) * 2 + d];
            forward.push(at);
          }
    expect(cpu[1]).toEqual(forward);
    expect(wasm[1]).toEqual(forward);
    expect(cpu[0]).toEqual(expected);
    expect(wasm[0]).toEqual(expected);
  },
);

test.each([
  [[3, 5], [7, 8], false],
  [[4, 4], [6, 10], true],
  [[5, 3], [5, 3], false],
])(
  'ResizeNearestNeighborGrad matches between cpu and wasm for %j → %j (alignCorners %s)',
  async (from, to, alignCorners) => {
    const [cpu, wasm] = await onBoth(() => {
      const x = tf.randomNormal([3, from[0], from[1], 2], 0, 1, 'float32', 1) as tf.Tensor4D;
      const dy = tf.randomNormal([3, to[0], to[1], 2], 0, 1, 'float32', 2);
      return tf.grad((xx: tf.Tensor) =>
        tf.sum(tf.mul(tf.image.resizeNearestNeighbor(xx as tf.Tensor4D, to as [number, number], alignCorners), dy)),
      )(x);
    });
    expectClose(cpu, wasm);
  },
);

test.each([
  [[1, 1, 1, 5], [4, 3, 2, 1], 'float32'],
  [[2, 3], [3, 2], 'int32'],
  [[3], [4], 'bool'],
  [[2, 1, 3], [1, 5, 2], 'float32'],
  [[4, 2], [1, 1], 'float32'],
  [[2, 2], [0, 3], 'float32'],
] as const)('Tile %j by %j (%s) matches cpu', async (shape, reps, dtype) => {
  const [cpu, wasm] = await onBoth(() => {
    const n = (shape as readonly number[]).reduce((a, b) => a * b, 1);
    const x = tf.tensor(
      Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 2 : i * 1.5 - 3)),
      [...shape],
      dtype,
    );
    return tf.cast(tf.tile(x, [...reps]), 'float32');
  });
  expect(wasm).toEqual(cpu);
});

test('Identity on wasm shares the buffer (no copy) and keeps it alive until both tensors are gone; gradients through it match cpu', async () => {
  await tf.setBackend('wasm');
  const x = tf.tensor2d([
    [1, -2, 3],
    [4, 5, -6],
  ]);
  const buffers = tf.memory().numDataBuffers;
  const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
  expect(y.dataId).toBe(x.dataId); // stock wasm makes a new buffer and copies into it
  expect(tf.memory().numDataBuffers).toBe(buffers);
  expect(y.shape).toEqual([2, 3]);
  x.dispose();
  expect(Array.from(await y.data())).toEqual([1, -2, 3, 4, 5, -6]);
  y.dispose();
  const i = tf.tensor1d([3, 1], 'int32');
  const j = tf.engine().runKernel('Identity', { x: i }) as tf.Tensor;
  expect(j.dtype).toBe('int32');
  expect(Array.from(await j.data())).toEqual([3, 1]);
  tf.dispose([i, j]);
  // The tape saves Identity copies of what the backward pass reads: a multi-layer gradient must come out as on cpu.
  const [cpu, wasm] = await onBoth(() => {
    const w1 = tf.randomNormal([5, 7], 0, 1, 'float32', 3);
    const w2 = tf.randomNormal([7, 2], 0, 1, 'float32', 4);
    const input = tf.randomNormal([4, 5], 0, 1, 'float32', 5);
    const f = (a: tf.Tensor, b: tf.Tensor): tf.Tensor =>
      tf.sum(tf.square(tf.matMul(tf.leakyRelu(tf.matMul(input, a), 0.2), b)));
    return tf.grads(f)([w1, w2]);
  });
  expectClose(cpu, wasm);
});
