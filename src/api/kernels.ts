/**
 * `kernels`: the replacement kernels gankit installs on the wasm and cpu backends (the backend
 * choosers call these; call them yourself only when you set a backend up by hand).
 *
 * @packageDocumentation
 */
export { patchWasmKernels } from '../kernels/wasm';
export { patchCpuKernels } from '../kernels/cpu';
