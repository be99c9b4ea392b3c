/**
 * `Identity` for the wasm backend without the copy. The gradient tape keeps an `Identity` of
 * every tensor a gradient needs (about 340 per step of the MLP CGAN, a fifth of its kernels), and
 * wasm's own kernel copies the whole buffer each time. Here the output shares the input's buffer
 * and the backend counts one more reference to it, as wasm's own `Reshape` and the cpu backend's
 * `Identity` already do; that is safe because no kernel writes into its inputs (a variable's
 * `assign` takes a new buffer).
 *
 * @packageDocumentation
 * @internal
 */
import type { DataId, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** The wasm kernel config; strings go to `fallback` (wasm keeps them outside its heap). @internal */
export function identityKernel(fallback: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string' && fallback !== undefined) return fallback.kernelFunc(args);
    (args.backend as { incRef(dataId: DataId): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { kernelName: 'Identity', backendName: 'wasm', kernelFunc };
}
