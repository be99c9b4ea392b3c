/**
 * What gankit's cpu kernels need from TensorFlow.js's cpu backend: its tensors' arrays and a way
 * to wrap a new array as an output.
 *
 * @packageDocumentation
 * @internal
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { DataId, TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-cpu's `MathBackendCPU` the kernels use. @internal */
export interface CpuBackendLike {
  data: { get(dataId: DataId): { values: tf.backend_util.BackendValues } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.backend_util.BackendValues): TensorInfo;
}
