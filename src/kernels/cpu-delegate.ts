/**
 * Runs a cpu-backend kernel on wasm tensors: inputs are copied out of the wasm heap, the cpu
 * kernel runs, the result is copied back. Correct for every kernel; fast only where the kernel is
 * cheap, so gankit uses it only for kernels the wasm backend lacks and has no faster form of.
 *
 * @packageDocumentation
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DataId, KernelConfig, KernelFunc, NamedTensorInfoMap } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './wasm-backend';

/** The parts of tfjs-backend-cpu's `MathBackendCPU` the delegation uses. */
interface CpuBackendLike {
  write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): DataId;
  readSync(dataId: DataId): tf.backend_util.BackendValues;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

function copyValues(values: tf.backend_util.BackendValues): tf.backend_util.BackendValues {
  return ArrayBuffer.isView(values) ? (values as tf.TypedArray).slice() : values;
}

/** Wraps the cpu kernel `kernelName` so that it runs on wasm tensors. @internal */
export function cpuDelegate(kernelName: string): KernelConfig {
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
