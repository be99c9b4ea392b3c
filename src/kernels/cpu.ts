/**
 * Kernel fixes that gankit registers on TensorFlow.js's cpu backend (also the reference the wasm
 * kernels are tested against):
 *
 * - `ResizeNearestNeighborGrad` (the gradient of `UpSampling2D`): tfjs-backend-cpu 4.22's is
 *   wrong for batches of more than one image and ignores `halfPixelCenters`; replaced by a correct one.
 * - `LeakyRelu`'s gradient: one kernel (`GankitLeakyReluGrad`) instead of three, as on wasm.
 * - `GankitAdamUpdate` (new): one Adam step for one variable in one kernel, which gankit's Adam
 *   (`createAdam`) runs instead of the stock optimizer's 14 kernels per variable.
 *
 * @packageDocumentation
 */
import '@tensorflow/tfjs-backend-cpu';
import { resizeNearestNeighborGradCpuKernel } from './resize-nearest-neighbor-grad';
import { replaceKernel } from './replace-kernel';
import { leakyReluGradCpuKernel, registerLeakyReluGrad } from './leaky-relu-grad';
import { registerAdamUpdate } from './adam-update';

let patched = false;

/**
 * Registers gankit's kernel fixes on the cpu backend (idempotent). gankit calls it when it is
 * imported, so every cpu computation in a process that imports gankit uses them.
 *
 * @returns the names of the kernels replaced (empty on later calls).
 */
export function patchCpuKernels(): string[] {
  if (patched) return [];
  patched = true;
  const replacements = [resizeNearestNeighborGradCpuKernel()];
  for (const config of replacements) replaceKernel('cpu', config.kernelName, () => config);
  registerLeakyReluGrad(leakyReluGradCpuKernel());
  registerAdamUpdate('cpu');
  return replacements.map((config) => config.kernelName);
}
