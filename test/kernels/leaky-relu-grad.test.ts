import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { LEAKY_RELU_GRAD, leakyReluGradSimdModule } from '../../src/kernels/leaky-relu-grad';
import { simdFunctionFor } from '../../src/kernels/simd-module';
import { enableSecondOrderGradients } from '../../src/losses/penalty';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

/** LeakyReLU written without the LeakyRelu kernel, so its gradients take TensorFlow.js's stock ops. */
function stockLeakyRelu(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.where(tf.greater(x, 0), x, tf.mul(x, alpha));
}

beforeAll(async () => {
  expect((await initBackend({ log: null })).name).toBe('wasm');
});

afterAll(async () => {
  await tf.setBackend('wasm');
});

test('the SIMD module validates, plain and shared, and is built once over the wasm heap', async () => {
  await tf.setBackend('wasm');
  expect(WebAssembly.validate(leakyReluGradSimdModule(false))).toBe(true);
  expect(WebAssembly.validate(leakyReluGradSimdModule(true))).toBe(true);
  const memory = (tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } }).wasm.asm.memory;
  const fn = simdFunctionFor('leakyReluGrad', memory, leakyReluGradSimdModule);
  expect(fn).toBeInstanceOf(Function);
  expect(simdFunctionFor('leakyReluGrad', memory, leakyReluGradSimdModule)).toBe(fn);
});

describe.each(['cpu', 'wasm'])('the fused LeakyRelu gradient on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  test("is TensorFlow.js's where(x > 0, dy, α·dy) bit for bit, zeros and negative α included, in one kernel", async () => {
    for (const alpha of [0.2, 0.01, -0.3, 1.7]) {
      const [fused, stock] = tf.tidy(() => {
        const x = tf.concat([tf.randomNormal([5, 7], 0, 1, 'float32', 1), tf.zeros([1, 7])]);
        const dy = tf.randomNormal([6, 7], 0, 3, 'float32', 2);
        const viaKernel = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(v, alpha), dy)))(x);
        return [viaKernel, tf.where(tf.greater(x, 0), dy, tf.mul(dy, alpha))];
      });
      expect(Array.from(await fused.data())).toEqual(Array.from(await stock.data()));
      tf.dispose([fused, stock]);
    }
    const profile = await tf.profile(() => {
      const x = tf.randomNormal([4, 3], 0, 1, 'float32', 3);
      tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(tf.leakyRelu(v, 0.2)))(x));
      x.dispose();
    });
    const names = profile.kernels.map((k) => k.name);
    expect(names).toContain(LEAKY_RELU_GRAD);
    expect(names).not.toContain('Select');
    expect(names).not.toContain('Greater');
  });

  test('bit for bit at every length around the four-lane loop, on zeros, -0, NaN, infinities and subnormals', async () => {
    const special = [0, -0, NaN, Infinity, -Infinity, 1e-40, -1e-40, 3.4e38, -3.4e38, 1, -1];
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16, 1003]) {
      const xs = Float32Array.from({ length: n }, (_, i) =>
        i % 3 === 0 ? special[i % special.length] : Math.sin(i) * 5,
      );
      const dys = Float32Array.from({ length: n }, (_, i) =>
        i % 5 === 1 ? special[(i + 4) % special.length] : Math.cos(i) * 2,
      );
      const [fused, stock] = tf.tidy(() => {
        const [x, dy] = [tf.tensor1d(xs), tf.tensor1d(dys)];
        return [
          tf.engine().runKernel(LEAKY_RELU_GRAD, { dy, x }, { alpha: 0.2 } as unknown as tf.NamedAttrMap) as tf.Tensor,
          tf.where(tf.greater(x, 0), dy, tf.mul(dy, 0.2)),
        ];
      });
      // toEqual tells NaN from NaN as equal and 0 from -0 as different: the bits, as far as they can differ.
      expect(Array.from(await fused.data())).toEqual(Array.from(await stock.data()));
      tf.dispose([fused, stock]);
    }
  });

  test('a gradient penalty (the gradient of the gradient) through it matches the stock ops to 1e-5', async () => {
    enableSecondOrderGradients(); // what the trainer does for a loss with a penalty: Greater's zero gradient
    const penaltyGrads = (leaky: (x: tf.Tensor, alpha: number) => tf.Tensor): Float32Array[] =>
      tf.tidy(() => {
        const w1 = tf.randomNormal([5, 8], 0, 0.5, 'float32', 4);
        const w2 = tf.randomNormal([8, 1], 0, 0.5, 'float32', 5);
        const input = tf.randomNormal([6, 5], 0, 1, 'float32', 6);
        const penalty = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => {
          const d = (x: tf.Tensor): tf.Tensor => tf.sum(tf.matMul(leaky(tf.matMul(x, a), 0.2), b));
          return tf.sum(tf.square(tf.grad(d)(input)));
        };
        return tf
          .grads(penalty)([w1, w2])
          .map((g) => g.dataSync() as Float32Array);
      });
    const fused = penaltyGrads((x, alpha) => tf.leakyRelu(x, alpha));
    const stock = penaltyGrads(stockLeakyRelu);
    for (let k = 0; k < 2; k++) {
      const scale = Math.max(...Array.from(stock[k], Math.abs));
      expect(scale).toBeGreaterThan(0);
      const worst = Math.max(...Array.from(fused[k], (v, i) => Math.abs(v - stock[k][i])));
      expect(worst / scale).toBeLessThanOrEqual(1e-5);
    }
  });
});
