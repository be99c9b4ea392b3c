import * as tf from '@tensorflow/tfjs-core';
import { profileKernels, profileSteps } from '../../bench/profile';
import { createCgan } from '../../src/models/gan/create';
import { type DataBatch } from '../../src/data/image-source';
import { useDefaultBackend } from '../helpers';

beforeAll(async () => {
  await useDefaultBackend();
});

test('a function of an add and a matMul dispatches exactly those two kernels, at top level, under their ops', async () => {
  const a = tf.tensor2d([
    [1, 2],
    [3, 4],
  ]);
  const b = tf.tensor2d([
    [5, 6],
    [7, 8],
  ]);
  const profile = await profileKernels(() => tf.matMul(tf.add(a, b), b));
  expect(profile.calls.map((c) => [c.name, c.registered, c.parent, c.origin, c.op])).toEqual([
    ['Add', true, -1, 'other', 'add'],
    ['BatchMatMul', true, -1, 'other', 'matMul'],
  ]);
  // The work's result comes back with its values.
  expect(Array.from((profile.result as tf.Tensor).dataSync())).toEqual([86, 100, 134, 156]);
  tf.dispose([a, b, profile.result as tf.Tensor]);
});

test('under a tape: forward and backward origins, tape copies nested in their kernel, gradients labelled, self times that add up', async () => {
  const v = tf.variable(tf.tensor1d([1, 2, 3]));
  const before = tf.memory().numTensors;
  let kept: tf.Tensor[] = [];
  const profile = await profileKernels(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(v, v)), [v]);
    kept = [value, grads[v.name]];
    return kept;
  });
  expect(Array.from(kept[1].dataSync())).toEqual([2, 4, 6]);
  const forward = profile.calls.filter((c) => c.origin === 'forward');
  // Multiply saves both inputs for its gradient, Sum its input: three Identity copies inside them.
  expect(forward.map((c) => [c.name, c.parent >= 0 ? profile.calls[c.parent].name : null])).toEqual([
    ['Multiply', null],
    ['Identity', 'Multiply'],
    ['Identity', 'Multiply'],
    ['Sum', null],
    ['Identity', 'Sum'],
  ]);
  // Each backward kernel is labelled with the forward kernel it differentiates; the last Add sums
  // the two gradients that reach v (v * v), outside any one kernel's gradient.
  expect(profile.calls.filter((c) => c.origin === 'backward').map((c) => [c.name, c.op])).toEqual([
    ['Reshape', 'grad(Sum)'],
    ['Multiply', 'grad(Sum)'],
    ['Cast', 'grad(Multiply)'],
    ['Multiply', 'grad(Multiply)'],
    ['Cast', 'grad(Multiply)'],
    ['Multiply', 'grad(Multiply)'],
    ['Add', ''],
  ]);
  expect(profile.calls.filter((c) => c.origin === 'other')).toEqual([]);
  // Self times: each parent's time less its children's, so the sum is the top-level calls' time.
  const selfSum = profile.calls.reduce((s, c) => s + c.selfMs, 0);
  const topSum = profile.calls.filter((c) => c.parent < 0).reduce((s, c) => s + c.ms, 0);
  expect(selfSum).toBeCloseTo(topSum, 6);
  tf.dispose(kept);
  expect(tf.memory().numTensors).toBe(before);
  v.dispose();
});

test('a tiny GAN step: the same kernels every step, the optimizer marked and removed afterwards', async () => {
  const gan = createCgan({
    numClasses: 4,
    latentDim: 4,
    imageShape: [4, 4, 1],
    seed: 3,
    generator: { hiddenUnits: [8] },
    discriminator: { hiddenUnits: [8] },
  });
  const batch: DataBatch = {
    images: tf.randomUniform([6, 4, 4, 1], -1, 1, 'float32', 1) as tf.Tensor4D,
    labels: tf.tensor1d([0, 1, 2, 3, 0, 1], 'int32'),
  };
  const batches = Array.from({ length: gan.config.discriminatorSteps }, () => batch);
  const step = (): void => gan.trainer.trainStep(batches).dispose();
  step(); // warm-up: the optimizers create their moments on their first update
  const optimizers = [gan.trainer.generatorOptimizer, gan.trainer.discriminatorOptimizer];
  const marked = optimizers.map((target) => ({ target, method: 'applyGradients', origin: 'optimizer' as const }));
  const before = tf.memory().numTensors;
  const one = await profileSteps(step, 1, marked);
  const again = await profileSteps(step, 1, marked);
  const two = await profileSteps(step, 2, marked);
  expect(tf.memory().numTensors).toBe(before);
  expect(one.kernelsPerStep).toBeGreaterThan(50);
  expect(again.kernelsPerStep).toBe(one.kernelsPerStep);
  expect(two.kernelsPerStep).toBe(one.kernelsPerStep);
  const calls = (p: typeof one): Record<string, number> =>
    Object.fromEntries(p.byKernel.map((g) => [g.key, Math.round(g.callsPerStep * p.steps)]));
  expect(calls(again)).toEqual(calls(one));
  const byOrigin = Object.fromEntries(one.byOrigin.map((g) => [g.key, g.callsPerStep]));
  for (const origin of ['forward', 'backward', 'optimizer']) expect(byOrigin[origin]).toBeGreaterThan(0);
  expect(Object.values(byOrigin).reduce((s, n) => s + n, 0)).toBe(one.kernelsPerStep);
  // The wrappers are gone: the optimizers' and the engine's own methods again.
  for (const o of optimizers) expect(Object.prototype.hasOwnProperty.call(o, 'applyGradients')).toBe(false);
  expect(Object.prototype.hasOwnProperty.call(tf.engine(), 'addTapeNode')).toBe(false);
  tf.dispose([batch.images, batch.labels as tf.Tensor]);
  gan.dispose();
});

test('work that throws: the error reaches the caller and the engine is left as it was', async () => {
  const engine = tf.engine() as unknown as { profiler: { profileKernel: unknown }; state: { profiling: boolean } };
  const profileKernel = engine.profiler.profileKernel;
  const a = tf.tensor1d([1, 2]);
  await expect(
    profileKernels(() => {
      tf.add(a, a);
      throw new Error('boom');
    }),
  ).rejects.toThrow('boom');
  expect(engine.profiler.profileKernel).toBe(profileKernel);
  expect(engine.state.profiling).toBe(false);
  expect(Object.prototype.hasOwnProperty.call(tf.engine(), 'addTapeNode')).toBe(false);
  // Profiling still works afterwards, and does not nest.
  const again = await profileKernels(async () => {
    await expect(profileKernels(() => tf.add(a, a))).rejects.toThrow(/already profiling/);
    return tf.add(a, a);
  });
  expect(again.calls.map((c) => c.name)).toEqual(['Add']);
  tf.dispose([a, again.result as tf.Tensor]);
});
