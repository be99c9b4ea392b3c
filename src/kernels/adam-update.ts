/**
 * `GankitAdamUpdate`, one Adam step for one variable in a single kernel, for the cpu and wasm
 * backends. TensorFlow.js's `AdamOptimizer` spends 14 kernels per variable and step (5
 * `Multiply`, 4 `Add`, 3 `RealDiv`, `Sqrt`, `Square`), a quarter of a small net's kernel calls,
 * each with its fixed dispatch cost and its own pass over the weights; this is one loop.
 *
 * The loop repeats the stock optimizer's arithmetic operation by operation, each result rounded
 * to float32 as the stock kernels store it: for float32 operands, a float64 sum, product,
 * quotient or square root rounded once to float32 is the correctly rounded float32 result, so
 * the values are the stock optimizer's to the bit (on both backends, whose own kernels round
 * correctly too).
 *
 * On wasm the bulk runs as WebAssembly SIMD (src/kernels/adam-simd.ts), the same operations on
 * four lanes at once.
 *
 * The three outputs are new buffers: no input is written, since wasm's `Identity` (and cpu's)
 * shares buffers between tensors, so a gradient or a moment may be another tensor's storage too.
 *
 * @packageDocumentation
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { adamSimdFor } from './adam-simd';
import type { CpuBackendLike } from './cpu-backend';
import type { WasmBackendLike } from './wasm-backend';

/** The kernel's name (`tf.engine().runKernel(ADAM_UPDATE, …)`). @internal */
export const ADAM_UPDATE = 'GankitAdamUpdate';

/**
 * The kernel's attributes: the optimizer's settings and its running powers β1ᵗ and β2ᵗ (the
 * float32 values its `accBeta1` and `accBeta2` variables hold before this step).
 * @internal
 */
export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: number;
  accBeta2: number;
}

/** The four inputs, checked: float32, one shape. */
function adamInputs(inputs: tf.NamedTensorInfoMap): TensorInfo[] {
  const named = ['variable', 'gradient', 'firstMoment', 'secondMoment'].map((name) => {
    const info = inputs[name];
    if (info === undefined) throw new GanConfigError(`${ADAM_UPDATE}.${name}`, 'expected a tensor, got none');
    if (info.dtype !== 'float32') {
      throw new GanConfigError(`${ADAM_UPDATE}.${name}`, `expected a float32 tensor, got ${info.dtype}`);
    }
    return info;
  });
  const shape = named[0].shape;
  for (const info of named) {
    if (!tf.util.arraysEqual(info.shape, shape)) {
      throw new GanConfigError(
        `${ADAM_UPDATE}.inputs`,
        `expected one shape for all four, got [${info.shape}] and [${shape}]`,
      );
    }
  }
  return named;
}

/**
 * The eight float32 scalars of a step, as the stock optimizer makes them (float32 tensors of
 * float64 expressions): β1, 1−β1, β2, 1−β2, 1−β1ᵗ, 1−β2ᵗ, ε and −lr.
 * @internal
 */
export function adamScalars(attrs: AdamUpdateAttrs): number[] {
  const f = Math.fround;
  return [
    f(attrs.beta1),
    f(1 - attrs.beta1),
    f(attrs.beta2),
    f(1 - attrs.beta2),
    f(1 - f(attrs.accBeta1)),
    f(1 - f(attrs.accBeta2)),
    f(attrs.epsilon),
    f(-attrs.learningRate),
  ];
}

/**
 * Writes one Adam step into `outVariable`, `outFirst` and `outSecond` (all of the inputs'
 * length). The operations and their order are `AdamOptimizer.applyGradients`'s in
 * tfjs-core 4.22, each rounded to float32 where the stock optimizer stores a tensor.
 * @internal
 */
export function adamUpdateValues(
  variable: ArrayLike<number>,
  gradient: ArrayLike<number>,
  firstMoment: ArrayLike<number>,
  secondMoment: ArrayLike<number>,
  attrs: AdamUpdateAttrs,
  outVariable: Float32Array,
  outFirst: Float32Array,
  outSecond: Float32Array,
): void {
  const f = Math.fround;
  const [beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, minusLearningRate] =
    adamScalars(attrs);
  for (let i = 0; i < variable.length; i++) {
    const g = gradient[i];
    const m = f(f(firstMoment[i] * beta1) + f(g * oneMinusBeta1));
    const v = f(f(secondMoment[i] * beta2) + f(f(g * g) * oneMinusBeta2));
    const mHat = f(m / oneMinusAccBeta1);
    const vHat = f(v / oneMinusAccBeta2);
    const step = f(f(mHat / f(f(Math.sqrt(vHat)) + epsilon)) * minusLearningRate);
    outVariable[i] = step + variable[i]; // the Float32Array store rounds, as the stock `add` does
    outFirst[i] = m;
    outSecond[i] = v;
  }
}

/** The cpu kernel config. @internal */
export function adamUpdateCpuKernel(): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const cpu = backend as unknown as CpuBackendLike;
    const [variable, gradient, first, second] = adamInputs(inputs);
    const read = (info: TensorInfo) => cpu.data.get(info.dataId).values as Float32Array;
    const size = tf.util.sizeFromShape(variable.shape);
    const out = [new Float32Array(size), new Float32Array(size), new Float32Array(size)];
    adamUpdateValues(
      read(variable),
      read(gradient),
      read(first),
      read(second),
      attrs as unknown as AdamUpdateAttrs,
      out[0],
      out[1],
      out[2],
    );
    return out.map((values) => cpu.makeTensorInfo([...variable.shape], 'float32', values));
  };
  return { kernelName: ADAM_UPDATE, backendName: 'cpu', kernelFunc };
}

/**
 * The wasm kernel config: the SIMD function ({@link adamSimdFor}) over the heap for every whole
 * group of four, the JavaScript loop over views of the heap for the rest (or for all, where the
 * SIMD function cannot run). @internal
 */
export function adamUpdateWasmKernel(): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const wasm = backend as unknown as WasmBackendLike;
    const [variable, gradient, first, second] = adamInputs(inputs);
    const outputs = [0, 1, 2].map(() => wasm.makeOutput([...variable.shape], 'float32'));
    // Views only after every makeOutput: allocating may grow the heap and detach earlier views.
    const views = [variable, gradient, first, second, ...outputs].map(
      (info) => wasm.typedArrayFromHeap(info) as Float32Array,
    );
    const adamAttrs = attrs as unknown as AdamUpdateAttrs;
    const size = views[0].length;
    const simd = adamSimdFor(wasm.wasm?.asm?.memory);
    const done = simd === null ? 0 : size - (size % 4);
    if (simd !== null && done > 0) {
      const [v, g, m, s, outV, outM, outS] = views.map((view) => view.byteOffset);
      simd(v, g, m, s, outV, outM, outS, done, ...(adamScalars(adamAttrs) as Eight));
    }
    if (done < size) {
      const [v, g, m, s, outV, outM, outS] = views.map((view) => view.subarray(done));
      adamUpdateValues(v, g, m, s, adamAttrs, outV, outM, outS);
    }
    return outputs;
  };
  return { kernelName: ADAM_UPDATE, backendName: 'wasm', kernelFunc };
}

type Eight = [number, number, number, number, number, number, number, number];

/**
 * Registers the kernel on `backendName` (`'cpu'` or `'wasm'`) unless it is registered already:
 * unlike the patches, it replaces no stock kernel, and registering a name twice throws.
 * @internal
 */
export function registerAdamUpdate(backendName: 'cpu' | 'wasm'): void {
  if (tf.getKernel(ADAM_UPDATE, backendName) !== undefined) return;
  tf.registerKernel(backendName === 'cpu' ? adamUpdateCpuKernel() : adamUpdateWasmKernel());
}
