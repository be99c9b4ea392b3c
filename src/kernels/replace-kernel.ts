/**
 * Replacing a registered TensorFlow.js kernel.
 *
 * @packageDocumentation
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';

/**
 * Replaces (or adds) `kernelName` on `backendName` with `make(original)`, keeping the original's
 * setup and dispose functions (on wasm they create the bindings the original kernels call).
 * @internal
 */
export function replaceKernel(
  backendName: string,
  kernelName: string,
  make: (original: KernelConfig | undefined) => KernelConfig,
): void {
  const original = tf.getKernel(kernelName, backendName);
  if (original !== undefined) tf.unregisterKernel(kernelName, backendName);
  const config = make(original);
  tf.registerKernel(
    original?.setupFunc !== undefined
      ? { ...config, setupFunc: original.setupFunc, disposeFunc: original.disposeFunc }
      : config,
  );
}
