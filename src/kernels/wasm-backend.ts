/**
 * What gankit's wasm kernels need from TensorFlow.js's wasm backend, and a small scope that runs
 * other registered kernels and frees their intermediate results.
 *
 * @packageDocumentation
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DataId, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's `BackendWasm` the kernels use. @internal */
export interface WasmBackendLike {
  readSync(dataId: DataId): tf.backend_util.BackendValues;
  makeOutput(
    shape: number[],
    dtype: tf.DataType,
    memoryOffset?: number,
    values?: tf.backend_util.BackendValues,
  ): TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
  /** A view of the tensor's bytes inside the wasm heap (valid until the heap next grows). */
  typedArrayFromHeap(info: TensorInfo): tf.TypedArray;
  /** The Emscripten module; its `asm.memory` is the heap itself (what a kernel's own WebAssembly imports). */
  wasm?: { asm?: { memory?: WebAssembly.Memory } };
}

/**
 * Runs registered wasm kernels and remembers their outputs, so that a composite kernel can free
 * every intermediate in one `dispose()` while keeping the result it returns.
 * @internal
 */
export class KernelScope {
  private readonly temporaries: TensorInfo[] = [];

  constructor(readonly backend: object) {}

  get wasm(): WasmBackendLike {
    return this.backend as unknown as WasmBackendLike;
  }

  /** Runs the wasm kernel registered under `kernelName` (whatever gankit registered last). */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (kernel === undefined) throw new Error(`gankit: wasm kernel '${kernelName}' is not registered`);
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs }) as TensorInfo;
    this.temporaries.push(out);
    return out;
  }

  /** Makes the scope free `info` (a result of a kernel run outside {@link KernelScope.run}). */
  adopt(info: TensorInfo): TensorInfo {
    this.temporaries.push(info);
    return info;
  }

  /** A new float32 tensor in the wasm heap holding `values`. */
  make(shape: number[], values: Float32Array): TensorInfo {
    const out = this.wasm.makeOutput(shape, 'float32', undefined, values);
    this.temporaries.push(out);
    return out;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (size.every((s, i) => s === x.shape[i])) return x;
    return this.run('Slice', { x }, { begin, size });
  }

  pad(x: TensorInfo, paddings: Array<[number, number]>): TensorInfo {
    if (paddings.every(([a, b]) => a === 0 && b === 0)) return x;
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  /** Keeps `result` (it leaves the scope) and frees every other intermediate. */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.temporaries) if (t.dataId !== result.dataId) this.wasm.disposeData(t.dataId);
    this.temporaries.length = 0;
    return result;
  }

  /** Frees every intermediate (on error). */
  dispose(): void {
    for (const t of this.temporaries) this.wasm.disposeData(t.dataId);
    this.temporaries.length = 0;
  }
}

/** Runs `body` in a {@link KernelScope}, returning its result and freeing everything else. @internal */
export function withScope(backend: object, body: (scope: KernelScope) => TensorInfo): TensorInfo {
  const scope = new KernelScope(backend);
  try {
    return scope.finish(body(scope));
  } catch (error) {
    scope.dispose();
    throw error;
  }
}

/** The attributes `Conv2DBackpropFilter` and `Conv2DBackpropInput` share. @internal */
export interface ConvBackpropAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The forward convolution a backprop kernel differentiates (NHWC, no dilation: tfjs's conv gradients need none). @internal */
export function forwardConvInfo(
  xShape: number[],
  filterShape: number[],
  attrs: ConvBackpropAttrs,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}
