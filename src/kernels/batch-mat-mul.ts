/**
 * `BatchMatMul` for the wasm backend that transposes explicitly first. wasm's kernel runs the
 * transposed forms (`a·bᵀ`, `aᵀ·b`: every backward pass of a dense layer) ~20× slower than the
 * plain product; a `Transpose` followed by the plain product is a few percent over it.
 *
 * @packageDocumentation
 * @internal
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { withScope } from './wasm-backend';

/** Wraps wasm's own `BatchMatMul` (`original`, whose setup it keeps). @internal */
export function batchMatMulKernel(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original.kernelFunc(args);
    return withScope(backend, (scope) => {
      const swapLast = (x: TensorInfo): TensorInfo => {
        const rank = x.shape.length;
        return scope.transpose(x, [...Array(rank - 2).keys(), rank - 1, rank - 2]);
      };
      const a = transposeA ? swapLast(inputs.a as TensorInfo) : (inputs.a as TensorInfo);
      const b = transposeB ? swapLast(inputs.b as TensorInfo) : (inputs.b as TensorInfo);
      return original.kernelFunc({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as TensorInfo;
    });
  };
  return { ...original, kernelFunc };
}
