/**
 * `Conv2DBackpropInput` for the wasm backend, as one XNNPACK convolution plus a depth-to-space.
 *
 * wasm's own kernel is a plain loop (~2.5 GFLOP/s here); this one runs at the speed of wasm's
 * forward convolution. The input gradient of a strided convolution is split into its s×s
 * sub-pixel phases (Shi et al. 2016): output row `i = s·a + r` only meets the filter taps
 * `k ≡ r + pad (mod s)`, so every phase is a stride-1 convolution of `dy` by a small, flipped
 * slice of the filter. All phases run as one convolution whose output channels are
 * `(r_h, r_w, c_in)`, and `DepthToSpace` interleaves them; no zeros are inserted into `dy`.
 *
 * In one dimension: `dx[s·a + r] = Σ_t dy[a + t] · w[r + pad − s·t]`, for the `t` that keep the
 * tap inside `[0, k)`.
 *
 * When that convolution would mostly multiply padding (a strided 'valid' layer whose output is
 * small next to its input, e.g. 14×14 → 5×5), the gradient is computed as one matrix product
 * instead, `cols = dy · Wᵀ` (`[b·oh·ow, kh·kw·c_in]`, exactly the useful multiply-adds), whose
 * rows are then added into place ("col2im").
 *
 * @packageDocumentation
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { forwardConvInfo, withScope, type ConvBackpropAttrs } from './wasm-backend';

interface BackpropInputAttrs extends ConvBackpropAttrs {
  inputShape: [number, number, number, number];
}

/** The taps of one dimension: offsets `t` from `tMin`, and for each (phase r, offset j) the filter index or −1. */
interface PhaseTaps {
  tMin: number;
  count: number;
  /** `tap[r * count + j]` = filter index for phase r at offset j, or −1 (zero). */
  tap: Int32Array;
}

function phaseTaps(kernel: number, stride: number, padBefore: number): PhaseTaps {
  let tMin = Infinity;
  let tMax = -Infinity;
  for (let r = 0; r < stride; r++) {
    tMin = Math.min(tMin, Math.ceil((r + padBefore - kernel + 1) / stride));
    tMax = Math.max(tMax, Math.floor((r + padBefore) / stride));
  }
  const count = tMax - tMin + 1;
  const tap = new Int32Array(stride * count).fill(-1);
  for (let r = 0; r < stride; r++) {
    for (let j = 0; j < count; j++) {
      const k = r + padBefore - stride * (tMin + j);
      if (k >= 0 && k < kernel) tap[r * count + j] = k;
    }
  }
  return { tMin, count, tap };
}

/**
 * The combined sub-pixel filter `[th, tw, c_out, s·s·c_in]` from the forward filter
 * `[kh, kw, c_in, c_out]`.
 */
function subPixelFilter(
  w: Float32Array,
  kw: number,
  ci: number,
  co: number,
  rows: PhaseTaps,
  cols: PhaseTaps,
  sh: number,
  sw: number,
): Float32Array {
  const outDepth = sh * sw * ci;
  const g = new Float32Array(rows.count * cols.count * co * outDepth);
  for (let rh = 0; rh < sh; rh++) {
    for (let jh = 0; jh < rows.count; jh++) {
      const fh = rows.tap[rh * rows.count + jh];
      if (fh < 0) continue;
      for (let rw = 0; rw < sw; rw++) {
        for (let jw = 0; jw < cols.count; jw++) {
          const fw = cols.tap[rw * cols.count + jw];
          if (fw < 0) continue;
          const src = (fh * kw + fw) * ci * co;
          const dst = (jh * cols.count + jw) * co * outDepth + (rh * sw + rw) * ci;
          for (let c = 0; c < ci; c++) {
            const srcRow = src + c * co;
            for (let o = 0; o < co; o++) g[dst + o * outDepth + c] = w[srcRow + o];
          }
        }
      }
    }
  }
  return g;
}

/** Adds each row of `cols` (`[b, oh, ow, kh, kw, ci]`) into `dx` (`[b, h, w, ci]`) where its taps read. */
function col2im(cols: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const {
    batchSize,
    inHeight: h,
    inWidth: w,
    inChannels: ci,
    outHeight: oh,
    outWidth: ow,
    filterHeight: kh,
    filterWidth: kw,
    strideHeight: sh,
    strideWidth: sw,
  } = info;
  const { top, left } = info.padInfo;
  dx.fill(0);
  let src = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        for (let fy = 0; fy < kh; fy++) {
          const iy = y * sh + fy - top;
          if (iy < 0 || iy >= h) {
            src += kw * ci;
            continue;
          }
          for (let fx = 0; fx < kw; fx++, src += ci) {
            const ix = x * sw + fx - left;
            if (ix < 0 || ix >= w) continue;
            const dst = ((b * h + iy) * w + ix) * ci;
            for (let c = 0; c < ci; c++) dx[dst + c] += cols[src + c];
          }
        }
      }
    }
  }
}

/**
 * Whether the matrix product + col2im is cheaper than the sub-pixel convolution, by a cost model
 * measured here: XNNPACK at ~24 GFLOP/s for the product, ~20 for the convolution (~12 when it has
 * fewer than 64 output channels), and ~5 ns per element added by col2im.
 */
function preferMatrixProduct(info: tf.backend_util.Conv2DInfo, rows: PhaseTaps, cols: PhaseTaps): boolean {
  const {
    batchSize,
    inHeight: h,
    inWidth: w,
    inChannels: ci,
    outChannels: co,
    outHeight: oh,
    outWidth: ow,
    filterHeight: kh,
    filterWidth: kw,
    strideHeight: s,
  } = info;
  const useful = batchSize * oh * ow * kh * kw * ci; // elements of cols = multiply-adds per output channel
  const subPixelFlops = 2 * batchSize * Math.ceil(h / s) * Math.ceil(w / s) * rows.count * cols.count * co * s * s * ci;
  const subPixelMs = subPixelFlops / (s * s * ci < 64 ? 12e6 : 20e6);
  const productMs = (2 * useful * co) / 24e6 + useful * 5e-6;
  return productMs < subPixelMs;
}

/** The wasm kernel config; `fallback` (wasm's own kernel) runs what it does not cover. @internal */
export function conv2dBackpropInputKernel(fallback: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend } = args;
    const attrs = args.attrs as unknown as BackpropInputAttrs;
    const dy = inputs.dy as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    const info = forwardConvInfo(attrs.inputShape, filter.shape, attrs);
    const {
      filterHeight: kh,
      filterWidth: kw,
      strideHeight: sh,
      strideWidth: sw,
      inChannels: ci,
      outChannels: co,
    } = info;
    if (attrs.dataFormat === 'NCHW' || sh !== sw) {
      if (fallback === undefined) throw new Error('gankit: wasm Conv2DBackpropInput needs NHWC and equal strides');
      return fallback.kernelFunc(args);
    }
    const [batch, h, w] = attrs.inputShape;
    const [, oh, ow] = dy.shape;
    const rows = phaseTaps(kh, sh, info.padInfo.top);
    const cols = phaseTaps(kw, sw, info.padInfo.left);
    const phaseH = Math.ceil(h / sh);
    const phaseW = Math.ceil(w / sw);
    if (preferMatrixProduct(info, rows, cols)) {
      return withScope(backend, (scope) => {
        const m = batch * oh * ow;
        const n = kh * kw * ci;
        const wt = scope.transpose(filter, [3, 0, 1, 2]); // [co, kh, kw, ci]
        const product = scope.run(
          'BatchMatMul',
          {
            a: { dataId: dy.dataId, shape: [1, m, co], dtype: 'float32' },
            b: { dataId: wt.dataId, shape: [1, co, n], dtype: 'float32' },
          },
          { transposeA: false, transposeB: false },
        );
        const dx = scope.wasm.makeOutput([batch, h, w, ci], 'float32');
        col2im(
          scope.wasm.typedArrayFromHeap(product) as Float32Array,
          scope.wasm.typedArrayFromHeap(dx) as Float32Array,
          info,
        );
        return dx;
      });
    }
    return withScope(backend, (scope) => {
      const weights = scope.wasm.typedArrayFromHeap(filter) as Float32Array;
      const g = scope.make(
        [rows.count, cols.count, co, sh * sw * ci],
        subPixelFilter(weights, kw, ci, co, rows, cols, sh, sw),
      );
      // Output index a reads dy[a + tMin + j]: pad dy by −tMin before and enough after; a negative
      // pad (the phase starts past dy's first row) crops instead.
      const before = [-rows.tMin, -cols.tMin];
      const after = [phaseH + rows.tMin + rows.count - 1 - oh, phaseW + cols.tMin + cols.count - 1 - ow];
      const crop = scope.slice(
        dy,
        [0, Math.max(0, -before[0]), Math.max(0, -before[1]), 0],
        [
          batch,
          oh - Math.max(0, -before[0]) - Math.max(0, -after[0]),
          ow - Math.max(0, -before[1]) - Math.max(0, -after[1]),
          co,
        ],
      );
      const phases = scope.run(
        'Conv2D',
        { x: crop, filter: g },
        {
          strides: [1, 1],
          dilations: [1, 1],
          pad: [
            [0, 0],
            [Math.max(0, before[0]), Math.max(0, after[0])],
            [Math.max(0, before[1]), Math.max(0, after[1])],
            [0, 0],
          ],
          dataFormat: 'NHWC',
        },
      ); // [batch, phaseH, phaseW, s·s·ci]
      const dx = sh === 1 ? phases : scope.run('DepthToSpace', { x: phases }, { blockSize: sh, dataFormat: 'NHWC' });
      return scope.slice(dx, [0, 0, 0, 0], [batch, h, w, ci]);
    });
  };
  return { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc };
}
