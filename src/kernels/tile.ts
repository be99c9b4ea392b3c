/**
 * `Tile` for the wasm backend by block copies. wasm's own kernel walks the output element by
 * element (~85 ns each here); batch norm's gradient tiles its scale to the input's shape every
 * step (a 64×14×14×64 tile took ~70 ms). Here the input's innermost rows are copied once and
 * every repetition is a `copyWithin` of a whole block: memory speed.
 *
 * @packageDocumentation
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './wasm-backend';

type Numeric = Float32Array | Int32Array | Uint8Array;

/** Writes `input` (shape `shape`) tiled `reps` times into `out`. @internal */
export function tileInto(input: Numeric, shape: number[], reps: number[], out: Numeric): void {
  const rank = shape.length;
  const outShape = shape.map((s, i) => s * reps[i]);
  const inStrides = new Array<number>(rank).fill(1);
  const outStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) {
    inStrides[d] = inStrides[d + 1] * shape[d + 1];
    outStrides[d] = outStrides[d + 1] * outShape[d + 1];
  }
  const fill = (dim: number, inOffset: number, outOffset: number): void => {
    if (dim === rank - 1) {
      out.set(input.subarray(inOffset, inOffset + shape[dim]), outOffset);
    } else {
      for (let i = 0; i < shape[dim]; i++)
        fill(dim + 1, inOffset + i * inStrides[dim], outOffset + i * outStrides[dim]);
    }
    const block = shape[dim] * outStrides[dim];
    for (let k = 1; k < reps[dim]; k++) out.copyWithin(outOffset + k * block, outOffset, outOffset + block);
  };
  if (rank === 0) out.set(input);
  else if (outShape.every((s) => s > 0)) fill(0, 0, 0);
}

/** The wasm kernel config; strings and other dtypes go to `fallback`. @internal */
export function tileKernel(fallback: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const { reps } = args.attrs as unknown as { reps: number[] };
    if (!['float32', 'int32', 'bool'].includes(x.dtype) || reps.length !== x.shape.length) {
      if (fallback === undefined) throw new Error(`gankit: wasm Tile cannot tile ${x.dtype}`);
      return fallback.kernelFunc(args);
    }
    const wasm = args.backend as unknown as WasmBackendLike;
    const out = wasm.makeOutput(
      x.shape.map((s, i) => s * reps[i]),
      x.dtype,
    );
    // Views after makeOutput: allocating may grow (and move) the heap.
    tileInto(wasm.typedArrayFromHeap(x) as Numeric, x.shape, reps, wasm.typedArrayFromHeap(out) as Numeric);
    return out;
  };
  return { kernelName: tf.Tile, backendName: 'wasm', kernelFunc };
}
