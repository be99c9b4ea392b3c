/**
 * `UnsortedSegmentSum` for the wasm backend (which lacks it): the gradient of an embedding
 * lookup (`gather`), i.e. every label-embedding CGAN's backward pass. A loop over views of the
 * wasm heap adds each row of `x` into its segment's row: no copy out to the cpu backend and back.
 *
 * @packageDocumentation
 * @internal
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './wasm-backend';

/** The wasm kernel config; shapes it does not cover go to `fallback` (the cpu delegate). @internal */
export function unsortedSegmentSumKernel(fallback: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const segmentIds = args.inputs.segmentIds as TensorInfo;
    const { numSegments } = args.attrs as unknown as { numSegments: number };
    const covered =
      (x.dtype === 'float32' || x.dtype === 'int32') &&
      segmentIds.dtype === 'int32' &&
      segmentIds.shape.length === 1 &&
      x.shape[0] === segmentIds.shape[0];
    if (!covered) return fallback.kernelFunc(args);
    const wasm = args.backend as unknown as WasmBackendLike;
    const rowSize = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const out = wasm.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
    // Views after makeOutput: allocating may move the heap. makeOutput's memory is not zeroed.
    const values = wasm.typedArrayFromHeap(x);
    const ids = wasm.typedArrayFromHeap(segmentIds);
    const sums = wasm.typedArrayFromHeap(out);
    sums.fill(0);
    for (let i = 0; i < ids.length; i++) {
      const segment = ids[i];
      if (segment < 0 || segment >= numSegments) continue; // as tfjs: out-of-range ids are dropped
      const from = i * rowSize;
      const to = segment * rowSize;
      for (let j = 0; j < rowSize; j++) sums[to + j] += values[from + j];
    }
    return out;
  };
  return { kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc };
}
