/**
 * `BatchMatMul` for the wasm backend that never runs wasm's transposed forms. wasm runs the plain
 * product on XNNPACK (~24 GFLOP/s here) but `a·bᵀ` and `aᵀ·b` (every backward pass of a dense
 * layer) in plain loops, 10–20× slower. Each transposed product becomes explicit transposes plus
 * the plain kernel, in whichever of two equivalent forms moves fewer elements through wasm's
 * (slowish) `Transpose`:
 *
 * - direct: `op(a)·op(b)`, transposing the operands that need it;
 * - swapped: `(op(b)ᵀ·op(a)ᵀ)ᵀ`, transposing the operands that do *not* need it and the result.
 *
 * For `dy·Wᵀ` (a batch of 64 against a 1024×784 weight) the swapped form transposes two small
 * batch-sized matrices instead of the whole weight, ~3× faster.
 *
 * @packageDocumentation
 * @internal
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { withScope, type KernelScope } from './wasm-backend';

const size = (x: TensorInfo): number => x.shape.reduce((a, b) => a * b, 1);

function swapLast(scope: KernelScope, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  return scope.transpose(x, [...Array(rank - 2).keys(), rank - 1, rank - 2]);
}

/** Wraps wasm's own `BatchMatMul` (`original`, whose setup it keeps). @internal */
export function batchMatMulKernel(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original.kernelFunc(args);
    const a = inputs.a as TensorInfo;
    const b = inputs.b as TensorInfo;
    const plain = { ...attrs, transposeA: false, transposeB: false };
    const rows = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
    const cols = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
    const batch = Math.max(
      size(a) / (a.shape[a.shape.length - 1] * a.shape[a.shape.length - 2]),
      size(b) / (b.shape[b.shape.length - 1] * b.shape[b.shape.length - 2]),
    );
    const directCost = (transposeA ? size(a) : 0) + (transposeB ? size(b) : 0);
    const swappedCost = (transposeA ? 0 : size(a)) + (transposeB ? 0 : size(b)) + batch * rows * cols;
    return withScope(backend, (scope) => {
      if (directCost <= swappedCost) {
        const left = transposeA ? swapLast(scope, a) : a;
        const right = transposeB ? swapLast(scope, b) : b;
        return original.kernelFunc({ inputs: { a: left, b: right }, backend, attrs: plain }) as TensorInfo;
      }
      const left = transposeB ? b : swapLast(scope, b); // op(b)ᵀ
      const right = transposeA ? a : swapLast(scope, a); // op(a)ᵀ
      const product = original.kernelFunc({ inputs: { a: left, b: right }, backend, attrs: plain }) as TensorInfo;
      scope.adopt(product);
      return swapLast(scope, product);
    });
  };
  return { ...original, kernelFunc };
}
