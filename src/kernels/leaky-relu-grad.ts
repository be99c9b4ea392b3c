/**
 * The gradient of `LeakyRelu` in one kernel. TensorFlow.js writes it as
 * `where(x > 0, dy, dy · α)`: three kernels (`Greater`, `Multiply`, `Select`) and their saved
 * copies for every LeakyReLU of every backward pass, each a full pass over the activations, and
 * each paying the per-kernel dispatch cost that dominates a small net's step. Here it is one pass:
 * `dx = x > 0 ? dy : α · dy`, on the cpu backend's arrays, or on the wasm heap as a WebAssembly
 * SIMD loop (src/kernels/simd-module.ts; a JavaScript loop is slower than the stock kernels there).
 *
 * The kernel's own gradient (a gradient penalty differentiates D's gradient again) is the same
 * kernel on the upstream gradient: `d(dx)/d(dy)` is the same mask, and `d(dx)/dx` is 0 almost
 * everywhere, as in the stock formula.
 *
 * @packageDocumentation
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers registers tfjs-core's stock gradients when it loads (its CJS bundle carries a copy):
// loaded first, so that the gradient below replaces the stock one and is not replaced by it.
import '@tensorflow/tfjs-layers';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { OP, SIMD, address, load, loopOverLanes, simdFunctionFor, simdModule } from './simd-module';
import type { CpuBackendLike } from './cpu-backend';
import type { WasmBackendLike } from './wasm-backend';

/** Name of the fused kernel. @internal */
export const LEAKY_RELU_GRAD = 'GankitLeakyReluGrad';

function leakyReluGrad(dy: ArrayLike<number>, x: ArrayLike<number>, alpha: number, out: Float32Array): void {
  // α as float32, and a product of two float32 values rounded once to float32: bit for bit the stock `Multiply`.
  const a = Math.fround(alpha);
  for (let i = 0; i < out.length; i++) out[i] = x[i] > 0 ? dy[i] : a * dy[i];
}

/** The SIMD loop: `n` float32s at byte addresses `dy`, `x`, `out` of the heap it was built for. @internal */
export type LeakyReluGradSimd = (dy: number, x: number, out: number, n: number, alpha: number) => void;

/** `out = bitselect(dy, dy·α, x > 0)`, four lanes at a time (a local v128 starts as zeros). @internal */
export function leakyReluGradSimdModule(shared: boolean): Uint8Array<ArrayBuffer> {
  const { GET, SET, I32_CONST, I32_SHL, I32, F32, V128 } = OP;
  const [DY, X, OUT, N, ALPHA, AT, STOP, A, ZERO, D] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const code = [
    ...[GET, ALPHA, ...SIMD.SPLAT, SET, A],
    ...[GET, N, I32_CONST, 2, I32_SHL, SET, STOP],
    ...[I32_CONST, 0, SET, AT],
    ...loopOverLanes(AT, STOP, [
      ...address(OUT, AT),
      ...[...load(DY, AT), SET, D],
      ...[GET, D, GET, D, GET, A, ...SIMD.MUL],
      ...[...load(X, AT), GET, ZERO, ...SIMD.GT, ...SIMD.BITSELECT, ...SIMD.STORE],
    ]),
  ];
  return simdModule(
    'leakyReluGrad',
    [I32, I32, I32, I32, F32],
    [
      [2, I32],
      [3, V128],
    ],
    code,
    shared,
  );
}

/** Float32 inputs of one shape: what the kernel covers (anything else takes the stock formula). */
function covered(dy: TensorInfo, x: TensorInfo): boolean {
  return (
    dy.dtype === 'float32' &&
    x.dtype === 'float32' &&
    dy.shape.length === x.shape.length &&
    dy.shape.every((d, i) => d === x.shape[i])
  );
}

/** The kernel on the wasm backend: one loop over views of the heap. @internal */
export function leakyReluGradWasmKernel(): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
    const wasm = backend as unknown as WasmBackendLike;
    const { alpha } = attrs as unknown as { alpha: number };
    const out = wasm.makeOutput([...x.shape], 'float32');
    // Views after makeOutput: allocating may move the heap.
    const [dyView, xView, outView] = [dy, x, out].map((info) => wasm.typedArrayFromHeap(info) as Float32Array);
    const simd = simdFunctionFor<LeakyReluGradSimd>('leakyReluGrad', wasm.wasm?.asm?.memory, leakyReluGradSimdModule);
    const done = simd === null ? 0 : outView.length - (outView.length % 4);
    if (simd !== null && done > 0) simd(dyView.byteOffset, xView.byteOffset, outView.byteOffset, done, alpha);
    if (done < outView.length)
      leakyReluGrad(dyView.subarray(done), xView.subarray(done), alpha, outView.subarray(done));
    return out;
  };
  return { kernelName: LEAKY_RELU_GRAD, backendName: 'wasm', kernelFunc };
}

/** The kernel on the cpu backend. @internal */
export function leakyReluGradCpuKernel(): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
    const cpu = backend as unknown as CpuBackendLike;
    const out = new Float32Array(x.shape.reduce((a, b) => a * b, 1));
    leakyReluGrad(
      cpu.data.get(dy.dataId).values as Float32Array,
      cpu.data.get(x.dataId).values as Float32Array,
      (attrs as unknown as { alpha: number }).alpha,
      out,
    );
    return cpu.makeTensorInfo([...x.shape], 'float32', out);
  };
  return { kernelName: LEAKY_RELU_GRAD, backendName: 'cpu', kernelFunc };
}

/** `dx` for `dy` at `x`: the fused kernel where the backend has it, else TensorFlow.js's own formula. */
function gradient(dy: tf.Tensor, x: tf.Tensor, alpha: number): tf.Tensor {
  if (covered(dy, x) && tf.getKernel(LEAKY_RELU_GRAD, tf.getBackend()) !== undefined)
    return tf.engine().runKernel(LEAKY_RELU_GRAD, { dy, x }, { alpha } as unknown as NamedAttrMap) as tf.Tensor;
  return tf.where(tf.greater(x, 0), dy, tf.mul(dy, alpha));
}

/** `LeakyRelu`'s gradient through the fused kernel (registered once, for every backend). @internal */
export const leakyReluGradConfig: GradConfig = {
  kernelName: 'LeakyRelu',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { alpha } = attrs as unknown as { alpha: number };
    return { x: () => gradient(dy as tf.Tensor, x, alpha) };
  },
};

/** The fused kernel's own gradient: the same mask on the upstream gradient; none through `x`. @internal */
export const leakyReluGradGradConfig: GradConfig = {
  kernelName: LEAKY_RELU_GRAD,
  inputsToSave: ['x'],
  gradFunc: (upstream, saved, attrs) => {
    const [x] = saved;
    const { alpha } = attrs as unknown as { alpha: number };
    return { dy: () => gradient(upstream as tf.Tensor, x, alpha), x: () => tf.zerosLike(x) };
  },
};

/**
 * Registers the kernel on its backend and, unless they are in place, the gradients that use it
 * (a later copy of tfjs's stock gradients, e.g. from the `@tensorflow/tfjs` bundle, replaces
 * them: {@link initBackend} calls this again). Idempotent. @internal
 */
export function registerLeakyReluGrad(config?: KernelConfig): void {
  if (config !== undefined && tf.getKernel(config.kernelName, config.backendName) === undefined)
    tf.registerKernel(config);
  if (tf.getGradient('LeakyRelu') !== leakyReluGradConfig) tf.registerGradient(leakyReluGradConfig);
  if (tf.getGradient(LEAKY_RELU_GRAD) !== leakyReluGradGradConfig) tf.registerGradient(leakyReluGradGradConfig);
}
