import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { GanConfigError } from '../../src/errors';
import { adamSimdFor, adamSimdModule } from '../../src/kernels/adam-simd';
import { ADAM_UPDATE, adamScalars, adamUpdateValues, registerAdamUpdate } from '../../src/kernels/adam-update';
import { createAdam } from '../../src/train/adam';
import { readAdamPowers, setLearningRate, writeAdamPowers } from '../../src/train/adam-powers';
import { FusedAdamOptimizer } from '../../src/train/fused-adam';
import { thrownBy } from '../helpers';

/**
 * gankit's Adam must be TensorFlow.js's Adam: the same variables, moments and running powers,
 * to the bit, on both backends that run the fused kernel, through every path the stock class
 * offers (array and map gradients, null gradients, frozen variables, a learning-rate change,
 * getWeights/setWeights).
 */

type Settings = [learningRate: number, beta1: number, beta2: number, epsilon: number];

const SETTINGS: Settings[] = [
  [2e-4, 0.5, 0.999, 1e-8], // gankit's defaults
  [0.37, 0, 0.3, 1e-3], // no momentum, a short second-moment memory
  [1e-6, 0.99999, 0.123456789, 1e-7],
];

// A scalar, sizes that are no multiple of any SIMD width, and a 4-D kernel.
const SHAPES: number[][] = [[], [7], [3, 5], [2, 3, 5, 7]];

let run = 0;

interface Net {
  variables: tf.Variable[];
  frozen: tf.Variable;
  dispose(): void;
}

/** The same starting values on every call, under fresh names. */
function makeNet(): Net {
  run++;
  const variables = SHAPES.map((shape, i) =>
    tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 10 + i), true, `fused-adam-${run}-${i}`),
  );
  const frozen = tf.variable(tf.randomNormal([4], 0, 1, 'float32', 9), false, `fused-adam-${run}-frozen`);
  return { variables, frozen, dispose: () => tf.dispose([...variables, frozen]) };
}

/** Step `step`'s gradients: seeded (never with 0, which randomNormal takes for no seed), of scales from 1e-6 to 1e3, one null now and then. */
function gradients(net: Net, step: number): Array<{ name: string; tensor: tf.Tensor }> {
  return net.variables.map((v, i) => {
    const scale = [1e-6, 1, 1e3, 0.01][(step + i) % 4];
    const tensor = (step + i) % 7 === 3 ? null : tf.randomNormal(v.shape, 0, scale, 'float32', 1000 * step + i + 1);
    return { name: v.name, tensor: tensor as tf.Tensor };
  });
}

/** One step, alternating between the three ways a caller hands gradients over. */
function step(optimizer: tf.AdamOptimizer, net: Net, t: number): void {
  if (t % 3 === 2) {
    // minimize differentiates by the trainable variables only: the frozen one gets no gradient.
    optimizer.minimize(
      () => {
        const terms = [...net.variables, net.frozen].map((v, i) => tf.mul(tf.sum(tf.sin(v)), i + 1));
        return tf.addN(terms) as tf.Scalar;
      },
      false,
      [...net.variables, net.frozen],
    );
    return;
  }
  const grads = gradients(net, t);
  if (t % 3 === 0) optimizer.applyGradients(grads);
  // The map keeps the null entries: the stock optimizer finds each variable's moments by position.
  // (tfjs types the map as one of variables; any tensors do.)
  else
    optimizer.applyGradients(Object.fromEntries(grads.map((g) => [g.name, g.tensor])) as Record<string, tf.Variable>);
  tf.dispose(grads.map((g) => g.tensor));
}

interface Snapshot {
  variables: number[][];
  frozen: number[];
  weights: Array<{ name: string; values: number[] }>;
  powers: unknown;
  iterations: number;
}

async function snapshot(optimizer: tf.AdamOptimizer, net: Net): Promise<Snapshot> {
  const weights = await optimizer.getWeights();
  const result = {
    variables: net.variables.map((v) => Array.from(v.dataSync())),
    frozen: Array.from(net.frozen.dataSync()),
    // names without the run number, which differs between the two runs compared
    weights: weights.map(({ name, tensor }) => ({
      name: name.replace(/^fused-adam-\d+-/, ''),
      values: Array.from(tensor.dataSync()),
    })),
    powers: readAdamPowers(optimizer),
    iterations: optimizer.iterations,
  };
  tf.dispose(weights[0].tensor); // the iteration count is a fresh tensor; the rest are the optimizer's
  return result;
}

/** `steps` steps of `make()` from the shared start, with the learning rate changed halfway. */
async function train(make: () => tf.AdamOptimizer, steps: number): Promise<Snapshot> {
  const net = makeNet();
  const optimizer = make();
  for (let t = 0; t < steps; t++) {
    if (t === Math.floor(steps / 2)) setLearningRate(optimizer, 3e-3);
    step(optimizer, net, t);
  }
  const result = await snapshot(optimizer, net);
  optimizer.dispose();
  net.dispose();
  return result;
}

beforeAll(async () => {
  tf.env().set('PROD', true);
  expect((await initBackend({ log: null })).name).toBe('wasm');
});

afterAll(async () => {
  await tf.setBackend('wasm');
});

describe.each(['wasm', 'cpu'])('on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
    expect(tf.getKernel(ADAM_UPDATE, backend)).toBeDefined();
  });

  test.each(SETTINGS)('20 steps at lr %s, β1 %s, β2 %s, ε %s equal stock Adam to the bit', async (...settings) => {
    const stock = await train(() => tf.train.adam(...settings), 20);
    const fused = await train(() => new FusedAdamOptimizer(...settings), 20);
    expect(fused).toEqual(stock);
    expect(fused.iterations).toBe(20);
    // minimize also hands the frozen variable over (with a null gradient): it gets moments, never used
    const slots = [...SHAPES.map((_, i) => `${i}`), 'frozen'];
    expect(fused.weights.map((w) => w.name)).toEqual([
      'iter',
      ...slots.map((s) => `${s}/m`),
      ...slots.map((s) => `${s}/v`),
    ]);
    expect(fused.weights.slice(-1)[0].values).toEqual([0, 0, 0, 0]);
    // sanity: the variables moved, and the frozen one did not
    const start = makeNet();
    expect(fused.variables[3]).not.toEqual(Array.from(start.variables[3].dataSync()));
    expect(fused.frozen).toEqual(Array.from(start.frozen.dataSync()));
    start.dispose();
  });

  test('one kernel per variable update, and no tensor left behind over 30 steps', async () => {
    const net = makeNet();
    const optimizer = createAdam();
    expect(optimizer).toBeInstanceOf(FusedAdamOptimizer);
    for (let t = 0; t < 3; t++) step(optimizer, net, t); // moments made
    const grads = gradients(net, 3);
    const given = grads.filter((g) => g.tensor !== null).length;
    const profile = await tf.profile(() => optimizer.applyGradients(grads));
    expect(profile.kernels.map((k) => k.name)).toEqual(Array(given).fill(ADAM_UPDATE));
    tf.dispose(grads.map((g) => g.tensor));
    const before = tf.memory().numTensors;
    for (let t = 4; t < 34; t++) step(optimizer, net, t);
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    net.dispose();
  });

  test('getWeights/setWeights: a restored optimizer continues as an uninterrupted stock one', async () => {
    const settings: Settings = [1e-2, 0.8, 0.95, 1e-6];
    const uninterrupted = await train(() => tf.train.adam(...settings), 12);

    const net = makeNet();
    let optimizer: tf.AdamOptimizer = new FusedAdamOptimizer(...settings);
    for (let t = 0; t < 7; t++) {
      if (t === 6) setLearningRate(optimizer, 3e-3); // as train() does halfway
      step(optimizer, net, t);
    }
    const saved = (await optimizer.getWeights()).map(({ name, tensor }) => ({ name, tensor: tf.clone(tensor) }));
    const powers = readAdamPowers(optimizer);
    optimizer.dispose();
    optimizer = new FusedAdamOptimizer(...settings);
    await optimizer.setWeights(saved);
    writeAdamPowers(optimizer, powers!); // setWeights rebuilds the powers with pow(), not bit-exact
    tf.dispose(saved.map((s) => s.tensor));
    setLearningRate(optimizer, 3e-3); // a checkpoint restores the learning rate too
    for (let t = 7; t < 12; t++) step(optimizer, net, t);
    const resumed = await snapshot(optimizer, net);
    optimizer.dispose();
    net.dispose();
    expect(resumed).toEqual(uninterrupted);
  });

  test('setWeights without the saved powers is stock setWeights too', async () => {
    const resume = async (make: () => tf.AdamOptimizer): Promise<Snapshot> => {
      const net = makeNet();
      const first = make();
      for (let t = 0; t < 5; t++) step(first, net, t);
      const saved = (await first.getWeights()).map(({ name, tensor }) => ({ name, tensor: tf.clone(tensor) }));
      first.dispose();
      const second = make();
      await second.setWeights(saved);
      tf.dispose(saved.map((s) => s.tensor));
      for (let t = 5; t < 9; t++) step(second, net, t);
      const result = await snapshot(second, net);
      second.dispose();
      net.dispose();
      return result;
    };
    const settings: Settings = [5e-3, 0.6, 0.9, 1e-8];
    expect(await resume(() => new FusedAdamOptimizer(...settings))).toEqual(
      await resume(() => tf.train.adam(...settings)),
    );
  });
});

test('serialises as the stock Adam', () => {
  const fused = createAdam({ learningRate: 1e-3, beta1: 0.7, beta2: 0.9, epsilon: 1e-6 });
  const stock = tf.train.adam(1e-3, 0.7, 0.9, 1e-6);
  expect(fused).toBeInstanceOf(tf.AdamOptimizer);
  expect(fused.getClassName()).toBe('Adam');
  expect((fused.constructor as unknown as { className: string }).className).toBe('Adam');
  expect(fused.getConfig()).toEqual(stock.getConfig());
  fused.dispose();
  stock.dispose();
});

test('without the kernel (another backend) the stock path runs, with the same result', async () => {
  await tf.setBackend('cpu');
  const stock = await train(() => tf.train.adam(0.05, 0.9, 0.99, 1e-8), 6);
  tf.unregisterKernel(ADAM_UPDATE, 'cpu');
  try {
    const net = makeNet();
    const optimizer = new FusedAdamOptimizer(0.05, 0.9, 0.99, 1e-8);
    for (let t = 0; t < 3; t++) step(optimizer, net, t);
    const grads = gradients(net, 3);
    const profile = await tf.profile(() => optimizer.applyGradients(grads));
    expect(profile.kernels.some((k) => k.name === 'Multiply')).toBe(true);
    tf.dispose(grads.map((g) => g.tensor));
    optimizer.dispose();
    net.dispose();
    expect(await train(() => new FusedAdamOptimizer(0.05, 0.9, 0.99, 1e-8), 6)).toEqual(stock);
  } finally {
    registerAdamUpdate('cpu');
  }
  expect(tf.getKernel(ADAM_UPDATE, 'cpu')).toBeDefined();
});

describe.each(['wasm', 'cpu'])('the %s kernel', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  test('returns three new buffers and leaves its inputs alone', () => {
    const inputs = {
      variable: tf.tensor1d([1, -2, 3]),
      gradient: tf.tensor1d([0.5, 0.25, -4]),
      firstMoment: tf.tensor1d([0.1, 0, -0.2]),
      secondMoment: tf.tensor1d([0.01, 0.5, 2]),
    };
    const before = Object.values(inputs).map((t) => Array.from(t.dataSync()));
    const attrs = { learningRate: 0.1, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, accBeta1: 0.9, accBeta2: 0.99 };
    const out = tf.engine().runKernel(ADAM_UPDATE, inputs, attrs) as tf.Tensor[];
    expect(Object.values(inputs).map((t) => Array.from(t.dataSync()))).toEqual(before);
    const ids = new Set([...Object.values(inputs), ...out].map((t) => t.dataId));
    expect(ids.size).toBe(7);
    // m' = 0.9·0.1 + 0.1·0.5 = 0.14, v' = 0.99·0.01 + 0.01·0.25 = 0.0124: var' = 1 − 0.1·1.4/(√1.24 + ε)
    expect(out[1].dataSync()[0]).toBeCloseTo(0.14, 6);
    expect(out[2].dataSync()[0]).toBeCloseTo(0.0124, 6);
    expect(out[0].dataSync()[0]).toBeCloseTo(1 - (0.1 * 1.4) / Math.sqrt(1.24), 5);
    tf.dispose([...Object.values(inputs), ...out]);
  });

  test('refuses inputs of different shapes or dtypes, naming them', () => {
    const x = tf.zeros([3]);
    const four = tf.zeros([4]);
    const ints = tf.zeros([3], 'int32');
    const attrs = { learningRate: 0.1, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, accBeta1: 0.9, accBeta2: 0.99 };
    const wrongShape = thrownBy(() =>
      tf.engine().runKernel(ADAM_UPDATE, { variable: x, gradient: four, firstMoment: x, secondMoment: x }, attrs),
    );
    expect(wrongShape).toBeInstanceOf(GanConfigError);
    expect((wrongShape as GanConfigError).message).toMatch(/\[4\] and \[3\]/);
    const wrongType = thrownBy(() =>
      tf.engine().runKernel(ADAM_UPDATE, { variable: x, gradient: ints, firstMoment: x, secondMoment: x }, attrs),
    );
    expect((wrongType as GanConfigError).argument).toBe(`${ADAM_UPDATE}.gradient`);
    tf.dispose([x, four, ints]);
  });
});

test('the wasm kernel runs its SIMD function, and it computes what the cpu kernel computes to the bit', async () => {
  await tf.setBackend('wasm');
  const memory = (tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } }).wasm.asm.memory;
  expect(WebAssembly.validate(adamSimdModule(false))).toBe(true);
  expect(WebAssembly.validate(adamSimdModule(true))).toBe(true);
  expect(adamSimdFor(memory)).toBeInstanceOf(Function);
  expect(adamSimdFor(memory)).toBe(adamSimdFor(memory)); // built once per heap
  expect(adamSimdFor(undefined)).toBeNull();

  // 1,003 values (250 groups of four and a tail of three) of every kind: zeros, subnormals, huge
  // gradients whose square overflows, negative moments the stock kernels would take as they come.
  const size = 1003;
  const special = [0, -0, 1e-45, -3e-42, 1e-30, 3e38, -1e20, 1, -1, 0.1];
  const values = (seed: number): Float32Array =>
    Float32Array.from({ length: size }, (_, i) =>
      i % 5 === 0
        ? special[(i / 5 + seed) % special.length]
        : Math.sin(i * 12.9898 + seed * 78.233) * 10 ** ((i % 7) - 3),
    );
  const attrs = { learningRate: 0.013, beta1: 0.81, beta2: 0.97, epsilon: 1e-7, accBeta1: 0.5314, accBeta2: 0.9127 };
  const outputs = async (backend: string): Promise<number[][]> => {
    await tf.setBackend(backend);
    const inputs = {
      variable: tf.tensor1d(values(1)),
      gradient: tf.tensor1d(values(2)),
      firstMoment: tf.tensor1d(values(3)),
      secondMoment: tf.tensor1d(values(4).map(Math.abs)),
    };
    const out = tf.engine().runKernel(ADAM_UPDATE, inputs, attrs) as tf.Tensor[];
    const result = out.map((t) => Array.from(t.dataSync()));
    tf.dispose([...Object.values(inputs), ...out]);
    return result;
  };
  const cpu = await outputs('cpu');
  const wasm = await outputs('wasm');
  expect(wasm).toEqual(cpu);
  expect(cpu[0].filter((x) => Number.isFinite(x)).length).toBeGreaterThan(size / 2);

  // The function alone, in a plain memory and in a shared one (a multi-threaded backend's heap),
  // against the JavaScript loop: seven arrays of 1,000 floats, 4,000 bytes apart.
  const expected = [new Float32Array(1000), new Float32Array(1000), new Float32Array(1000)];
  const ins = [1, 2, 3, 4].map((seed) =>
    values(seed)
      .subarray(0, 1000)
      .map((x) => (seed === 4 ? Math.abs(x) : x)),
  );
  adamUpdateValues(ins[0], ins[1], ins[2], ins[3], attrs, expected[0], expected[1], expected[2]);
  for (const shared of [false, true]) {
    const heap = new WebAssembly.Memory({ initial: 1, maximum: 2, shared });
    const fn = adamSimdFor(heap);
    expect(fn).toBeInstanceOf(Function);
    const at = (k: number): Float32Array => new Float32Array(heap.buffer, k * 4000, 1000);
    ins.forEach((values, k) => at(k).set(values));
    fn!(
      0,
      4000,
      8000,
      12000,
      16000,
      20000,
      24000,
      1000,
      ...(adamScalars(attrs) as [number, number, number, number, number, number, number, number]),
    );
    expect([at(4), at(5), at(6)].map((a) => Array.from(a))).toEqual(expected.map((a) => Array.from(a)));
  }
});
