/**
 * `ResizeNearestNeighborGrad` (the gradient of `UpSampling2D`) for the cpu backend.
 * tfjs-backend-cpu 4.22 reads `dy` at the *input's* batch offset, so for a batch of more than
 * one image every image after the first gets the gradient of the wrong pixels: a DCGAN generator
 * trained on the stock cpu backend learns from garbage below its first upsampling. This is the
 * same algorithm with `dy`'s own batch offset. (wasm's native kernel is correct.)
 *
 * @packageDocumentation
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DataId, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface CpuBackendLike {
  data: { get(dataId: DataId): { values: tf.backend_util.BackendValues } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.backend_util.BackendValues): TensorInfo;
}

/** The gradient of nearest-neighbour resizing, `images` `[b, h, w, c]`, `dy` `[b, oh, ow, c]`. @internal */
export function resizeNearestNeighborGradValues(
  dyValues: ArrayLike<number>,
  imagesShape: number[],
  dyShape: number[],
  alignCorners: boolean,
): Float32Array {
  const [batch, xHeight, xWidth, depth] = imagesShape;
  const [, yHeight, yWidth] = dyShape;
  const output = new Float32Array(batch * xHeight * xWidth * depth);
  const heightScale =
    (alignCorners && yHeight > 1 ? xHeight - 1 : xHeight) / (alignCorners && yHeight > 1 ? yHeight - 1 : yHeight);
  const widthScale =
    (alignCorners && yWidth > 1 ? xWidth - 1 : xWidth) / (alignCorners && yWidth > 1 ? yWidth - 1 : yWidth);
  const nearest = (fraction: number, size: number): number =>
    Math.min(size - 1, alignCorners ? Math.round(fraction) : Math.floor(fraction));
  // Each dy pixel came from exactly one input pixel: scatter it there.
  const rowOf = Int32Array.from({ length: yHeight }, (_, r) => nearest(r * heightScale, xHeight));
  const colOf = Int32Array.from({ length: yWidth }, (_, c) => nearest(c * widthScale, xWidth));
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < yHeight; r++) {
      const dyRow = (b * yHeight + r) * yWidth * depth;
      const xRow = (b * xHeight + rowOf[r]) * xWidth * depth;
      for (let c = 0; c < yWidth; c++) {
        const dyAt = dyRow + c * depth;
        const xAt = xRow + colOf[c] * depth;
        for (let d = 0; d < depth; d++) output[xAt + d] += dyValues[dyAt + d];
      }
    }
  }
  return output;
}

/** The cpu kernel config. @internal */
export function resizeNearestNeighborGradCpuKernel(): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const cpu = backend as unknown as CpuBackendLike;
    const images = inputs.images as TensorInfo;
    const dy = inputs.dy as TensorInfo;
    const { alignCorners } = attrs as unknown as { alignCorners: boolean };
    const values = resizeNearestNeighborGradValues(
      cpu.data.get(dy.dataId).values as Float32Array,
      images.shape,
      dy.shape,
      alignCorners,
    );
    return cpu.makeTensorInfo(images.shape, 'float32', values);
  };
  return { kernelName: 'ResizeNearestNeighborGrad', backendName: 'cpu', kernelFunc };
}
