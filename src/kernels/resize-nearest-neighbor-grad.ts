/**
 * `ResizeNearestNeighborGrad` (the gradient of `UpSampling2D`) for the cpu and wasm backends.
 * tfjs-backend-cpu 4.22 reads `dy` at the *input's* batch offset, so for a batch of more than
 * one image every image after the first gets the gradient of the wrong pixels: a DCGAN generator
 * trained on the stock cpu backend learns from garbage below its first upsampling. This is the
 * same algorithm with `dy`'s own batch offset. Both backends' kernels also ignore
 * `halfPixelCenters`, which the forward resize honours (source pixel `floor((r + ½)·scale)`), so
 * `resizeNearestNeighbor(x, size, false, true)` got the gradient of the other mapping; here the
 * scatter follows the forward pass's mapping exactly (wasm keeps its native kernel otherwise).
 *
 * @packageDocumentation
 * @internal
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { CpuBackendLike } from './cpu-backend';
import type { WasmBackendLike } from './wasm-backend';

/** The gradient of nearest-neighbour resizing, `images` `[b, h, w, c]`, `dy` `[b, oh, ow, c]`. @internal */
export function resizeNearestNeighborGradValues(
  dyValues: ArrayLike<number>,
  imagesShape: number[],
  dyShape: number[],
  alignCorners: boolean,
  halfPixelCenters = false,
): Float32Array {
  const [batch, xHeight, xWidth, depth] = imagesShape;
  const [, yHeight, yWidth] = dyShape;
  const output = new Float32Array(batch * xHeight * xWidth * depth);
  const heightScale =
    (alignCorners && yHeight > 1 ? xHeight - 1 : xHeight) / (alignCorners && yHeight > 1 ? yHeight - 1 : yHeight);
  const widthScale =
    (alignCorners && yWidth > 1 ? xWidth - 1 : xWidth) / (alignCorners && yWidth > 1 ? yWidth - 1 : yWidth);
  // The forward kernel's mapping (tfjs-backend-cpu ResizeNearestNeighbor), output pixel → source pixel.
  const nearest = (index: number, scale: number, size: number): number => {
    const fraction = halfPixelCenters ? scale * (index + 0.5) : scale * index;
    const at = Math.min(size - 1, alignCorners ? Math.round(fraction) : Math.floor(fraction));
    return halfPixelCenters ? Math.max(0, at) : at;
  };
  // Each dy pixel came from exactly one input pixel: scatter it there.
  const rowOf = Int32Array.from({ length: yHeight }, (_, r) => nearest(r, heightScale, xHeight));
  const colOf = Int32Array.from({ length: yWidth }, (_, c) => nearest(c, widthScale, xWidth));
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
    const { alignCorners, halfPixelCenters } = attrs as unknown as {
      alignCorners: boolean;
      halfPixelCenters?: boolean;
    };
    const values = resizeNearestNeighborGradValues(
      cpu.data.get(dy.dataId).values as Float32Array,
      images.shape,
      dy.shape,
      alignCorners,
      halfPixelCenters === true,
    );
    return cpu.makeTensorInfo(images.shape, 'float32', values);
  };
  return { kernelName: 'ResizeNearestNeighborGrad', backendName: 'cpu', kernelFunc };
}

/**
 * The wasm kernel config: wasm's native kernel (`original`) unless `halfPixelCenters`, which it
 * ignores; then the scatter above. @internal
 */
export function resizeNearestNeighborGradWasmKernel(original: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { alignCorners, halfPixelCenters } = args.attrs as unknown as {
      alignCorners: boolean;
      halfPixelCenters?: boolean;
    };
    if (halfPixelCenters !== true && original !== undefined) return original.kernelFunc(args);
    const wasm = args.backend as unknown as WasmBackendLike;
    const images = args.inputs.images as TensorInfo;
    const dy = args.inputs.dy as TensorInfo;
    const values = resizeNearestNeighborGradValues(
      wasm.readSync(dy.dataId) as Float32Array,
      images.shape,
      dy.shape,
      alignCorners,
      halfPixelCenters === true,
    );
    return wasm.makeOutput(images.shape, 'float32', undefined, values);
  };
  return { kernelName: 'ResizeNearestNeighborGrad', backendName: 'wasm', kernelFunc };
}
