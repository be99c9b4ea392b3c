/**
 * Stabilisers: spectral normalisation (SpectralDense / SpectralConv2D / spectralNorm and the
 * builders' `spectralNorm` option) and the EMA of G's weights (EmaGenerator).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as path from 'node:path';
import { SpectralConv2D } from '../../src/layers/spectral-conv2d';
import { SpectralDense } from '../../src/layers/spectral-dense';
import { SpectralNormalization } from '../../src/layers/spectral-normalization';
import { spectralNorm } from '../../src/nets/spectral-norm';
import { mlpDiscriminator, mlpGenerator } from '../../src/nets/mlp';
import { dcganDiscriminator } from '../../src/nets/dcgan';
import { createGan, createCgan } from '../../src/models/gan/create';
import { loadGan } from '../../src/models/gan/load';
import { labelEmbedding } from '../../src/conditioning/label-embedding';
import { fileSystemHandler } from '../../src/io/file-system';
import { generateImages } from '../../src/train/generate';
import { EmaGenerator, emaGenerator } from '../../src/train/ema';
import { GanConfigError } from '../../src/errors';
import { randomDataset, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tmp = useTempDir('stabilisers');

beforeAll(async () => {
  await useDefaultBackend();
});

/** Seeded N(0, 1) values (Box–Muller on an LCG). */
function gaussian(count: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

/**
 * The largest singular value of a row-major `rows × cols` matrix, in float64 and independently of
 * the layer: power iteration on MᵀM until it stops moving.
 */
function largestSingularValue(m: ArrayLike<number>, rows: number, cols: number): number {
  let v = new Float64Array(cols).map((_, i) => 1 + i / cols);
  let sigma = 0;
  for (let iter = 0; iter < 20000; iter++) {
    const mv = new Float64Array(rows);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mv[r] += m[r * cols + c] * v[c];
    const next = new Float64Array(cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) next[c] += m[r * cols + c] * mv[r];
    const norm = Math.hypot(...next);
    const estimate = Math.sqrt(norm); // ‖MᵀM v‖ → σ² for unit v
    v = next.map((x) => x / norm);
    if (Math.abs(estimate - sigma) < 1e-14 * estimate) return estimate;
    sigma = estimate;
  }
  return sigma;
}

function relError(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

/** Replaces a spectral layer's kernel with `values`, keeping bias and u. */
function setKernel(layer: tfl.layers.Layer, values: Float32Array, shape: number[]): void {
  const [, ...rest] = layer.getWeights();
  layer.setWeights([tf.tensor(values, shape), ...rest]);
}

/** Builds a layer the way a model does (by applying it once, in inference mode), so that it can be disposed. */
function build<L extends tfl.layers.Layer>(layer: L, inputShape: number[]): L {
  tf.tidy(() => {
    layer.apply(tf.zeros(inputShape));
  });
  return layer;
}

function trainingCalls(layer: tfl.layers.Layer, input: tf.Tensor, count: number): void {
  for (let i = 0; i < count; i++) {
    tf.tidy(() => {
      layer.apply(input, { training: true });
    });
  }
}

function uOf(layer: tfl.layers.Layer): Float32Array {
  const u = layer.weights.find((w) => w.originalName.endsWith('/u'));
  if (u === undefined) throw new Error('no u weight');
  return u.read().dataSync() as Float32Array;
}

describe.each(['cpu', 'wasm'])('spectral normalisation on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  test('σ estimate converges to the largest singular value of a random kernel; W/σ has spectral norm 1', () => {
    const [fanIn, units] = [24, 10];
    const values = gaussian(fanIn * units, 7);
    const truth = largestSingularValue(values, fanIn, units);
    const layer = build(new SpectralDense({ units, seed: 3 }), [1, fanIn]);
    setKernel(layer, values, [fanIn, units]);
    const x = tf.zeros([1, fanIn]);
    trainingCalls(layer, x, 1);
    const afterOne = layer.sigma();
    trainingCalls(layer, x, 299);
    const estimate = layer.sigma();
    console.info(
      `[${backend}] σ: true ${truth.toFixed(6)}, after 1 training call ${afterOne.toFixed(6)}, after 300 ${estimate.toFixed(6)} (rel. error ${relError(estimate, truth).toExponential(2)})`,
    );
    expect(afterOne).toBeLessThanOrEqual(truth * (1 + 1e-5)); // power iteration bounds σ from below
    expect(relError(estimate, truth)).toBeLessThan(1e-3);
    const normalized = layer.normalizedKernelValue();
    const snNorm = largestSingularValue(normalized.dataSync(), fanIn, units);
    normalized.dispose();
    expect(Math.abs(snNorm - 1)).toBeLessThan(1e-3);
    x.dispose();
    layer.dispose();
  });

  test('a known diagonal kernel: σ = 3 and W/σ = diag(1, 2/3, 1/3, 1/6)', () => {
    const layer = build(new SpectralDense({ units: 4, seed: 1 }), [1, 4]);
    setKernel(layer, Float32Array.from([3, 0, 0, 0, 0, -2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0.5]), [4, 4]);
    layer.powerIterate(100);
    expect(relError(layer.sigma(), 3)).toBeLessThan(1e-4);
    const w = layer.normalizedKernelValue();
    const diag = [0, 5, 10, 15].map((i) => w.dataSync()[i]);
    w.dispose();
    [1, -2 / 3, 1 / 3, 1 / 6].forEach((v, i) => expect(diag[i]).toBeCloseTo(v, 4));
    layer.dispose();
  });

  test('u moves only in training calls; inference uses the stored u', () => {
    const layer = new SpectralDense({ units: 3, seed: 5 });
    const x = tf.tensor2d(gaussian(10, 2), [2, 5]);
    tf.dispose(layer.apply(x) as tf.Tensor); // builds it
    const before = uOf(layer).slice();
    tf.dispose(layer.apply(x, { training: false }) as tf.Tensor);
    expect(uOf(layer)).toEqual(before);
    const y1 = tf.tidy(() => layer.apply(x) as tf.Tensor);
    const y2 = tf.tidy(() => layer.apply(x) as tf.Tensor);
    expect(y1.arraySync()).toEqual(y2.arraySync()); // deterministic inference
    trainingCalls(layer, x, 1);
    expect(uOf(layer)).not.toEqual(before);
    tf.dispose([x, y1, y2]);
    layer.dispose();
  });

  test('outputs equal Dense / Conv2D with the kernel W/σ', () => {
    const dense = new SpectralDense({
      units: 3,
      activation: 'tanh',
      seed: 2,
      biasInitializer: tfl.initializers.constant({ value: 0.25 }),
    });
    const x = tf.tensor2d(gaussian(8, 4), [2, 4]);
    const y = dense.apply(x) as tf.Tensor;
    const w = dense.normalizedKernelValue();
    const expected = tf.tanh(tf.add(tf.matMul(x, w), 0.25));
    expect(tf.max(tf.abs(tf.sub(y, expected))).dataSync()[0]).toBeLessThan(1e-5);
    const conv = new SpectralConv2D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', seed: 3 });
    const img = tf.tensor4d(gaussian(2 * 6 * 6 * 2, 9), [2, 6, 6, 2]);
    const out = conv.apply(img) as tf.Tensor;
    expect(out.shape).toEqual([2, 3, 3, 4]);
    expect(conv.computeOutputShape([null, 6, 6, 2])).toEqual([null, 3, 3, 4]);
    const k = conv.normalizedKernelValue() as tf.Tensor4D;
    const ref = tf.conv2d(img, k, 2, 'same');
    expect(tf.max(tf.abs(tf.sub(out, ref))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([x, y, w, expected, img, out, k, ref]);
    dense.dispose();
    conv.dispose();
  });

  test('the custom gradient equals autodiff of the explicit formula (double backprop too), and a training step changes the kernel', () => {
    const layer = build(new SpectralDense({ units: 3, seed: 11 }), [1, 5]);
    const x = tf.tensor2d(gaussian(10, 12), [2, 5]);
    const c = tf.tensor2d(gaussian(6, 13), [2, 3]);
    const [kernelVar, biasVar, uVar] = layer.weights;
    // Inference mode: σ = ‖W û‖ with û the stored u, so treating u and v as constants is exact.
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(layer.apply(x, { training: false }) as tf.Tensor, c)) as tf.Scalar,
      [kernelVar.read() as tf.Variable],
    );
    const custom = grads[(kernelVar.read() as tf.Variable).name];
    const uHat = tf.tidy(() => tf.div(uVar.read(), tf.norm(uVar.read())));
    const reference = tf.grad((k: tf.Tensor) => {
      const sigma = tf.norm(tf.matMul(k, uHat, false, true));
      return tf.sum(tf.mul(tf.add(tf.matMul(x, tf.div(k, sigma)), biasVar.read()), c));
    })(kernelVar.read());
    const scale = tf.max(tf.abs(reference)).dataSync()[0];
    expect(tf.max(tf.abs(tf.sub(custom, reference))).dataSync()[0] / scale).toBeLessThan(1e-4);
    tf.dispose(custom);
    tf.dispose(reference);

    // Double backprop, as gradient penalties (WGAN-GP, R1) need: ∂/∂W of ‖∂D/∂x‖².
    const penalty = (apply: (input: tf.Tensor) => tf.Tensor) => (): tf.Scalar => {
      const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(apply(input), c)))(x);
      return tf.sum(tf.square(dx)) as tf.Scalar;
    };
    const viaLayer = tf.variableGrads(
      penalty((input) => layer.apply(input, { training: false }) as tf.Tensor),
      [kernelVar.read() as tf.Variable],
    );
    const kernelValue = kernelVar.read();
    const viaFormula = tf.grad((k: tf.Tensor) =>
      penalty((input) =>
        tf.add(tf.matMul(input, tf.div(k, tf.norm(tf.matMul(k, uHat, false, true)))), biasVar.read()),
      )(),
    )(kernelValue);
    const penaltyGrad = viaLayer.grads[(kernelValue as tf.Variable).name];
    const penaltyScale = tf.max(tf.abs(viaFormula)).dataSync()[0];
    expect(penaltyScale).toBeGreaterThan(0);
    expect(tf.max(tf.abs(tf.sub(penaltyGrad, viaFormula))).dataSync()[0] / penaltyScale).toBeLessThan(1e-4);
    tf.dispose([penaltyGrad, viaFormula, viaLayer.value]);

    const before = kernelVar.read().dataSync().slice();
    const optimizer = tf.train.sgd(0.1);
    tf.tidy(() => {
      optimizer.minimize(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, c)) as tf.Scalar);
    });
    const after = kernelVar.read().dataSync();
    expect(Math.max(...after.map((v, i) => Math.abs(v - before[i])))).toBeGreaterThan(1e-4);
    expect(layer.trainableWeights.map((w) => w.originalName.split('/').pop())).toEqual(['kernel', 'bias']);
    expect(layer.nonTrainableWeights.map((w) => w.originalName.split('/').pop())).toEqual(['u']);
    optimizer.dispose();
    tf.dispose([x, c, uHat]);
    layer.dispose();
  });

  test('save → load round trip (tfjs-layers serialisation) gives identical outputs', async () => {
    const input = tfl.input({ shape: [8, 8, 1] });
    let h = new SpectralConv2D({
      filters: 4,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      seed: 1,
    }).apply(input) as tfl.SymbolicTensor;
    h = tfl.layers.flatten().apply(h) as tfl.SymbolicTensor;
    const out = spectralNorm(tfl.layers.dense({ units: 1 }), { powerIterations: 2, seed: 2 }).apply(
      h,
    ) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const x = tf.tensor4d(gaussian(3 * 64, 21), [3, 8, 8, 1]);
    for (let i = 0; i < 5; i++) tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    const dir = path.join(tmp(), `roundtrip-${backend}`);
    await model.save(fileSystemHandler(dir));
    const loaded = await tfl.loadLayersModel(fileSystemHandler(dir));
    expect(loaded.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'GankitSpectralConv2D',
      'Flatten',
      'GankitSpectralDense',
    ]);
    expect((loaded.layers[3] as SpectralDense).powerIterations).toBe(2);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(b.dataSync()).toEqual(a.dataSync());
    loaded.weights.forEach((w, i) => expect(w.read().dataSync()).toEqual(model.weights[i].read().dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });
});

describe('spectralNorm() and the builders', () => {
  test('spectralNorm() converts Dense and Conv2D with their settings, and refuses the rest', () => {
    const d = spectralNorm(tfl.layers.dense({ units: 7, activation: 'relu', useBias: false, name: 'critic_out' }));
    expect(d).toBeInstanceOf(SpectralDense);
    expect(d).toBeInstanceOf(SpectralNormalization);
    expect(d.name).toBe('critic_out');
    expect(d.getConfig()).toMatchObject({ units: 7, activation: 'relu', useBias: false, powerIterations: 1 });
    const c = spectralNorm(tfl.layers.conv2d({ filters: 5, kernelSize: [3, 2], strides: 2, padding: 'same' }));
    expect(c).toBeInstanceOf(SpectralConv2D);
    expect(c.getConfig()).toMatchObject({ filters: 5, kernelSize: [3, 2], strides: [2, 2], padding: 'same' });
    expect(() => spectralNorm(tfl.layers.batchNormalization({}))).toThrow(GanConfigError);
    const built = tfl.layers.dense({ units: 2 });
    built.build([null, 3]);
    expect(() => spectralNorm(built)).toThrow(/already built/);
    expect(() => spectralNorm(tfl.layers.dense({ units: 2, kernelRegularizer: tfl.regularizers.l2() }))).toThrow(
      /kernelRegularizer/,
    );
    expect(() => new SpectralDense({ units: 2, powerIterations: 0 })).toThrow(GanConfigError);
    built.weights.forEach((w) => w.dispose());
  });

  test('mlpDiscriminator and dcganDiscriminator take spectralNorm: true (every weight layer, the logit included)', () => {
    const kinds = (m: tfl.LayersModel): string[] =>
      m.layers.map((l) => l.getClassName()).filter((n) => /Dense|Conv/.test(n));
    const mlp = mlpDiscriminator({ hiddenUnits: [16, 8], spectralNorm: true, seed: 1, imageShape: [4, 4, 1] });
    expect(kinds(mlp)).toEqual(['GankitSpectralDense', 'GankitSpectralDense', 'GankitSpectralDense']);
    const again = mlpDiscriminator({ hiddenUnits: [16, 8], spectralNorm: true, seed: 1, imageShape: [4, 4, 1] });
    again.weights.forEach((w, i) => expect(w.read().dataSync()).toEqual(mlp.weights[i].read().dataSync())); // seeded, u included
    const plain = mlpDiscriminator({ hiddenUnits: [16, 8], seed: 1, imageShape: [4, 4, 1] });
    expect(kinds(plain)).toEqual(['Dense', 'Dense', 'Dense']);
    // 12×12 → conv 3×3 stride 2 same → 6×6 → conv 3×3 stride 2 valid → 2×2
    const conv = dcganDiscriminator({
      imageShape: [12, 12, 1],
      convFilters: [4, 8],
      kernelSize: 3,
      denseUnits: [16],
      spectralNorm: true,
      seed: 1,
    });
    expect(kinds(conv)).toEqual([
      'GankitSpectralConv2D',
      'GankitSpectralConv2D',
      'GankitSpectralDense',
      'GankitSpectralDense',
    ]);
    expect(conv.outputs[0].shape).toEqual([null, 1]);
    // One optimizer step through the conv D (custom gradient into the fused conv's filter gradient).
    const x = tf.tensor4d(gaussian(4 * 144, 8), [4, 12, 12, 1]);
    const kernel = conv.layers.find((l) => l instanceof SpectralConv2D)!.weights[0];
    const before = kernel.read().dataSync().slice();
    const sgd = tf.train.sgd(0.1);
    tf.tidy(() => {
      sgd.minimize(() => tf.mean(conv.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
    });
    const after = kernel.read().dataSync();
    expect(after.every(Number.isFinite)).toBe(true);
    expect(Math.max(...after.map((v, i) => Math.abs(v - before[i])))).toBeGreaterThan(1e-6);
    sgd.dispose();
    x.dispose();
    // A valid 5×5 conv on 4×4 maps would leave nothing: refused at build time (a plain Conv2D builds a 0×0 layer).
    expect(() => dcganDiscriminator({ imageShape: [8, 8, 1], convFilters: [4, 8], spectralNorm: true })).toThrow(
      /leaves nothing/,
    );
    [mlp, again, plain, conv].forEach((m) => m.dispose());
  });

  test('a GAN with a spectrally normalised D trains without leaking, and survives gan.save / loadGan', async () => {
    const gan = createGan({
      seed: 3,
      imageShape: [8, 8, 1],
      latentDim: 8,
      generator: { hiddenUnits: [16] },
      discriminator: { hiddenUnits: [16], spectralNorm: true },
    });
    const data = randomDataset(64, 8);
    const dLayer = gan.discriminator.layers.find((l) => l instanceof SpectralDense) as SpectralDense;
    const u0 = uOf(dLayer).slice();
    await gan.fit(data, { epochs: 1, batchSize: 16, stepsPerEpoch: 2 });
    expect(uOf(dLayer)).not.toEqual(u0);
    const tensors = tf.memory().numTensors;
    await gan.fit(data, { epochs: 2, batchSize: 16, stepsPerEpoch: 2 });
    expect(tf.memory().numTensors).toBe(tensors);
    const dir = path.join(tmp(), 'sn-gan');
    await gan.save(dir);
    const loaded = await loadGan(dir);
    const images = tf.tensor4d(gaussian(4 * 64, 5), [4, 8, 8, 1]);
    const a = gan.discriminator.predict(images) as tf.Tensor;
    const b = loaded.discriminator.predict(images) as tf.Tensor;
    expect(b.dataSync()).toEqual(a.dataSync());
    await loaded.fit(data, { epochs: 3, batchSize: 16, stepsPerEpoch: 2 }); // and trains on
    tf.dispose([images, a, b]);
    loaded.dispose();
    gan.dispose();
    data.dispose();
  });
});

describe('EMA of the generator', () => {
  const info = { latentDim: 4, numClasses: 0, outputActivation: 'tanh' as const };
  const smallG = (): tfl.LayersModel =>
    mlpGenerator({
      latentDim: 4,
      imageShape: [2, 2, 1],
      hiddenUnits: [6],
      batchNorm: true,
      outputActivation: 'tanh',
      seed: 1,
    });
  const setAll = (model: tfl.LayersModel, seed: number): Float32Array[] => {
    const values = model.weights.map((w, i) =>
      gaussian(w.shape.reduce((a, b) => (a as number) * (b as number), 1) as number, seed + i).map(Math.abs),
    );
    model.setWeights(values.map((v, i) => tf.tensor(v, model.weights[i].shape as number[])));
    return values;
  };

  test('after n updates with G held at w1, shadow = w1 + (w0 − w1)·decayⁿ; batch-norm statistics are copied', () => {
    const g = smallG();
    const w0 = setAll(g, 100);
    const ema = new EmaGenerator(g, info, { decay: 0.9 });
    const w1 = setAll(g, 200);
    const n = 25;
    for (let i = 0; i < n; i++) ema.update();
    expect(ema.updates).toBe(n);
    const factor = 0.9 ** n;
    let worst = 0;
    g.weights.forEach((w, i) => {
      const shadow = ema.shadow.weights[i].read().dataSync();
      const trainable = g.trainableWeights.includes(w);
      w1[i].forEach((v, k) => {
        const expected = trainable ? v + (w0[i][k] - v) * factor : v; // moving mean / variance: G's, copied
        worst = Math.max(worst, Math.abs(shadow[k] - expected));
      });
    });
    console.info(
      `EMA closed form (decay 0.9, n ${n}, decayⁿ ${factor.toFixed(6)}): worst |shadow − (w1 + (w0 − w1)·decayⁿ)| = ${worst.toExponential(2)}`,
    );
    expect(worst).toBeLessThan(1e-6);
    expect(g.nonTrainableWeights.length).toBe(2);
    ema.dispose();
    g.dispose();
  });

  test('no tensor leaks across many updates, and dispose frees everything it made', () => {
    const g = smallG();
    const before = tf.memory().numTensors;
    const ema = new EmaGenerator(g, info, { decay: 0.99 });
    ema.update();
    const during = tf.memory().numTensors;
    for (let i = 0; i < 300; i++) ema.update();
    expect(tf.memory().numTensors).toBe(during);
    ema.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => ema.generate({ count: 1 })).toThrow(GanConfigError);
    g.dispose();
  });

  test('startStep: steps before it copy G, later steps average', () => {
    const g = smallG();
    setAll(g, 1);
    const ema = new EmaGenerator(g, info, { decay: 0.5, startStep: 3 });
    const w1 = setAll(g, 2);
    ema.onBatchEnd({ epoch: 0, step: 2, dLoss: 0, gLoss: 0, dRealMean: 0, dFakeMean: 0 });
    expect(ema.updates).toBe(0);
    expect(ema.shadow.weights[0].read().dataSync()).toEqual(w1[0]);
    const w2 = setAll(g, 3);
    ema.onBatchEnd({ epoch: 0, step: 3, dLoss: 0, gLoss: 0, dRealMean: 0, dFakeMean: 0 });
    expect(ema.updates).toBe(1);
    const s = ema.shadow.weights[0].read().dataSync();
    w1[0].forEach((v, k) => expect(s[k]).toBeCloseTo((v + w2[0][k]) / 2, 6));
    expect(() => new EmaGenerator(g, info, { decay: 1 })).toThrow(GanConfigError);
    expect(() => new EmaGenerator(g, info, { startStep: -1 })).toThrow(GanConfigError);
    ema.dispose();
    g.dispose();
  });

  test('sampling: a fresh shadow samples exactly as G; shapes and range; a CGAN trains with it as a callback', async () => {
    const g = smallG();
    const ema = new EmaGenerator(g, info);
    const fromG = generateImages(g, info, { count: 5, seed: 9 });
    const fromEma = ema.generate({ count: 5, seed: 9 });
    expect(fromEma.shape).toEqual([5, 2, 2, 1]);
    expect(fromEma.dataSync()).toEqual(fromG.dataSync());
    tf.dispose([fromG, fromEma]);
    ema.dispose();
    g.dispose();

    const cgan = createCgan({
      seed: 2,
      numClasses: 3,
      imageShape: [8, 8, 1],
      latentDim: 6,
      conditioning: labelEmbedding({ numClasses: 3, dim: 3 }),
      generator: { hiddenUnits: [8, 16] },
      discriminator: { hiddenUnits: [16, 16] },
    });
    const averaged = emaGenerator(cgan, { decay: 0.5 });
    const data = randomDataset(48, 8, 3);
    await cgan.fit(data, { epochs: 1, batchSize: 16, stepsPerEpoch: 3, callbacks: [averaged] });
    expect(averaged.updates).toBe(3);
    const images = averaged.generate({ labels: [0, 1, 2, 2], seed: 4 });
    expect(images.shape).toEqual([4, 8, 8, 1]);
    const values = images.dataSync();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    const trained = cgan.generate({ labels: [0, 1, 2, 2], seed: 4 });
    expect(Array.from(trained.dataSync())).not.toEqual(Array.from(values)); // the average lags behind G

    const dir = path.join(tmp(), 'ema');
    await averaged.save(dir);
    const restored = emaGenerator(cgan);
    await restored.restore(dir);
    restored.shadow.weights.forEach((w, i) =>
      expect(w.read().dataSync()).toEqual(averaged.shadow.weights[i].read().dataSync()),
    );
    tf.dispose([images, trained]);
    restored.dispose();
    averaged.dispose();
    cgan.dispose();
    data.dispose();
  });
});
