/**
 * Kernel patches that gankit registers on TensorFlow.js's wasm backend, so that the fastest
 * backend installable from the npm registry alone trains every gankit net, and fast:
 *
 * - `BatchMatMul`: the transposed forms (every dense backward pass) run as an explicit
 *   `Transpose` plus the plain product, ~20× faster than wasm's own.
 * - `Conv2DBackpropFilter` (missing on wasm): a dilated convolution over transposed inputs,
 *   on wasm's XNNPACK convolution.
 * - `Conv2DBackpropInput`: a sub-pixel decomposition into one stride-1 convolution plus
 *   `DepthToSpace`, ~10× faster than wasm's own loop.
 * - `Tile` (batch norm's gradient tiles every step): block copies instead of an element loop.
 * - `UnsortedSegmentSum` (missing on wasm; the gradient of an embedding): a loop on the heap.
 * - `Identity` (the tape's saved copies): the input's buffer shared, not copied.
 * - `LeakyRelu`'s gradient: one kernel (`GankitLeakyReluGrad`) instead of three.
 * - `ResizeNearestNeighborGrad` with `halfPixelCenters`, which wasm's own ignores: the scatter of
 *   the forward pass's mapping (wasm's own kernel otherwise).
 * - `GankitAdamUpdate` (new, on cpu too): one Adam step for one variable in one loop on the heap,
 *   which gankit's Adam runs instead of the stock optimizer's 14 kernels per variable.
 * - Every other kernel the cpu backend has and wasm lacks is delegated to the cpu implementation.
 *
 * Each is tested against the cpu backend (test/kernels/kernels.test.ts).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { batchMatMulKernel } from './batch-mat-mul';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter';
import { conv2dBackpropInputKernel } from './conv2d-backprop-input';
import { cpuDelegate } from './cpu-delegate';
import { identityKernel } from './identity';
import { leakyReluGradWasmKernel, registerLeakyReluGrad } from './leaky-relu-grad';
import { tileKernel } from './tile';
import { unsortedSegmentSumKernel } from './unsorted-segment-sum';
import { replaceKernel } from './replace-kernel';
import { resizeNearestNeighborGradWasmKernel } from './resize-nearest-neighbor-grad';
import { registerAdamUpdate } from './adam-update';

let patched = false;

const replace = (kernelName: string, make: (original: KernelConfig | undefined) => KernelConfig): void =>
  replaceKernel('wasm', kernelName, make);

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
  if (matMul !== undefined) replace('BatchMatMul', () => batchMatMulKernel(matMul));
  replace('Conv2DBackpropFilter', (original) => conv2dBackpropFilterKernel(original));
  replace('Conv2DBackpropInput', (original) => conv2dBackpropInputKernel(original));
  replace('Tile', (original) => tileKernel(original));
  replace('Identity', (original) => identityKernel(original));
  registerLeakyReluGrad(leakyReluGradWasmKernel());
  replace('ResizeNearestNeighborGrad', (original) => resizeNearestNeighborGradWasmKernel(original));
  replace('UnsortedSegmentSum', (original) => unsortedSegmentSumKernel(original ?? cpuDelegate('UnsortedSegmentSum')));
  // Before the delegation below, which would otherwise route the cpu kernel through a copy.
  registerAdamUpdate('wasm');
  for (const kernel of tf.getKernelsForBackend('cpu')) {
    if (!wasmKernels.has(kernel.kernelName) && tf.getKernel(kernel.kernelName, 'wasm') === undefined) {
      tf.registerKernel(cpuDelegate(kernel.kernelName));
      delegated.push(kernel.kernelName);
    }
  }
  return delegated;
}
