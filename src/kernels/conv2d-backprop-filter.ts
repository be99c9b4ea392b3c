/**
 * `Conv2DBackpropFilter` for the wasm backend (which lacks it), built from wasm's own XNNPACK
 * convolution: the filter gradient of a convolution is itself a convolution, of the input with its
 * batch and channel axes swapped, by the output gradient used as a filter, dilated by the stride.
 *
 * `dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·s + kh − pad, ow·s + kw − pad, ci] · dy[b, oh, ow, co]`
 * which is `conv2d(x' = x[ci, H, W, b], f' = dy[oh, ow, b, co], stride 1, dilation s)` → `[ci, kh, kw, co]`.
 *
 * @packageDocumentation
 * @internal
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { forwardConvInfo, withScope, type ConvBackpropAttrs } from './wasm-backend';

interface BackpropFilterAttrs extends ConvBackpropAttrs {
  filterShape: [number, number, number, number];
}

/** The wasm kernel config; `fallback` runs the cases it does not cover (NCHW). @internal */
export function conv2dBackpropFilterKernel(fallback: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend } = args;
    const attrs = args.attrs as unknown as BackpropFilterAttrs;
    const x = inputs.x as TensorInfo;
    const dy = inputs.dy as TensorInfo;
    if (attrs.dataFormat === 'NCHW') {
      if (fallback === undefined) throw new Error("gankit: wasm Conv2DBackpropFilter supports dataFormat 'NHWC' only");
      return fallback.kernelFunc(args);
    }
    const info = forwardConvInfo(x.shape, attrs.filterShape, attrs);
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inChannels: ci } = info;
    const { top, left } = info.padInfo;
    const [, h, w] = x.shape;
    const oh = info.outHeight;
    const ow = info.outWidth;
    return withScope(backend, (scope) => {
      // Rows (columns) of x the gradient reads: from −top up to (oh−1)·s + kh − 1 − top.
      const usedH = Math.min(h, (oh - 1) * sh + kh - top);
      const usedW = Math.min(w, (ow - 1) * sw + kw - left);
      const xUsed = scope.slice(x, [0, 0, 0, 0], [x.shape[0], usedH, usedW, ci]);
      const xSwapped = scope.transpose(xUsed, [3, 1, 2, 0]); // [ci, H, W, b]
      const dySwapped = scope.transpose(dy, [1, 2, 0, 3]); // [oh, ow, b, co]
      const padBottom = (oh - 1) * sh + kh - top - usedH;
      const padRight = (ow - 1) * sw + kw - left - usedW;
      const grad = scope.run(
        'Conv2D',
        { x: xSwapped, filter: dySwapped },
        {
          strides: [1, 1],
          dilations: [sh, sw],
          pad: [
            [0, 0],
            [top, padBottom],
            [left, padRight],
            [0, 0],
          ],
          dataFormat: 'NHWC',
        },
      ); // [ci, kh, kw, co]
      return scope.transpose(grad, [1, 2, 0, 3]);
    });
  };
  return { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc };
}
