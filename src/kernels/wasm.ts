/**
 * Kernel patches that gankit registers on TensorFlow.js's wasm backend, so that the fastest
 * backend installable from the npm registry alone can train every gankit net.
 *
 * - `BatchMatMul` with a transposed operand (every backward pass of a dense layer) runs ~20×
 *   slower than the plain product on wasm; it is replaced by an explicit `Transpose` followed by
 *   the plain kernel.
 * - Kernels the wasm backend lacks (e.g. `UnsortedSegmentSum`, the gradient of an embedding, and
 *   `Conv2DBackpropFilter`, the filter gradient of a convolution) are delegated to the cpu
 *   backend's implementation: inputs are copied out of the wasm heap, the cpu kernel runs, and the
 *   result is copied back. Correct for every kernel, fast only where the kernel is cheap.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo, DataId } from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's `BackendWasm` the patches use. */
interface WasmBackendLike {
  readSync(dataId: DataId): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

/** The parts of tfjs-backend-cpu's `MathBackendCPU` the patches use. */
interface CpuBackendLike {
  write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): DataId;
  readSync(dataId: DataId): tf.backend_util.BackendValues;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

function copyValues(values: tf.backend_util.BackendValues): tf.backend_util.BackendValues {
  return ArrayBuffer.isView(values) ? (values as tf.TypedArray).slice() : values;
}

/** Wraps a cpu kernel so that it runs on wasm tensors (copying in and out of the wasm heap). */
function cpuDelegate(kernelName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const wasm = backend as unknown as WasmBackendLike;
    const cpu = tf.findBackend('cpu') as unknown as CpuBackendLike & { firstUse?: boolean };
    // The cpu backend greets its first write in Node with advice to install tfjs-node; here it is
    // only a helper of the wasm backend, whose choice initBackend already reported.
    cpu.firstUse = false;
    const cpuKernel = tf.getKernel(kernelName, 'cpu');
    const cpuInputs: NamedTensorInfoMap = {};
    const written: DataId[] = [];
    try {
      for (const [name, info] of Object.entries(inputs)) {
        if (info == null) continue;
        const dataId = cpu.write(copyValues(wasm.readSync(info.dataId)), info.shape, info.dtype);
        written.push(dataId);
        cpuInputs[name] = { dataId, shape: info.shape, dtype: info.dtype };
      }
      const result = cpuKernel.kernelFunc({ inputs: cpuInputs, backend: cpu as unknown as tf.KernelBackend, attrs });
      const outputs = Array.isArray(result) ? result : [result];
      const moved = outputs.map((out) => {
        const values = copyValues(cpu.readSync(out.dataId));
        cpu.disposeData(out.dataId, true);
        return wasm.makeOutput(out.shape, out.dtype, undefined, values);
      });
      return Array.isArray(result) ? moved : moved[0];
    } finally {
      for (const id of written) cpu.disposeData(id, true);
    }
  };
  return { kernelName, backendName: 'wasm', kernelFunc };
}

/** `BatchMatMul` that transposes explicitly first: the wasm kernel's transposed forms are slow. */
function fastTransposedMatMul(original: KernelConfig): KernelConfig {
  const transpose = tf.getKernel('Transpose', 'wasm');
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original.kernelFunc(args);
    const swapLast = (x: TensorInfo): TensorInfo => {
      const rank = x.shape.length;
      const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
      return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
    };
    const wasm = backend as unknown as WasmBackendLike;
    const a = transposeA ? swapLast(inputs.a as TensorInfo) : (inputs.a as TensorInfo);
    const b = transposeB ? swapLast(inputs.b as TensorInfo) : (inputs.b as TensorInfo);
    try {
      return original.kernelFunc({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      if (transposeA) wasm.disposeData(a.dataId);
      if (transposeB) wasm.disposeData(b.dataId);
    }
  };
  return { ...original, kernelFunc };
}

let patched = false;

/**
 * Registers gankit's kernel patches on the wasm backend (idempotent). Call it after importing
 * both `@tensorflow/tfjs-backend-wasm` and `@tensorflow/tfjs-backend-cpu`, before or after the
 * wasm backend is initialised. {@link initBackend} calls it for you.
 *
 * @returns the names of the kernels that were delegated to the cpu backend.
 */
export function patchWasmKernels(): string[] {
  const delegated: string[] = [];
  if (patched) return delegated;
  const wasmKernels = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  if (wasmKernels.size === 0) return delegated;
  patched = true;
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  if (matMul !== undefined) {
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel(fastTransposedMatMul(matMul));
  }
  for (const kernel of tf.getKernelsForBackend('cpu')) {
    if (!wasmKernels.has(kernel.kernelName)) {
      tf.registerKernel(cpuDelegate(kernel.kernelName));
      delegated.push(kernel.kernelName);
    }
  }
  return delegated;
}
