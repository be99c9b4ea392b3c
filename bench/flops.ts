/**
 * Analytic FLOP counts of a training iteration, from the layers of G and D. Only the matrix
 * products are counted (dense layers and convolutions, a multiply-add = 2 FLOPs); element-wise
 * work, batch norm and the optimizer are left out, as PyTorch's reference script does.
 */
import type * as tfl from '@tensorflow/tfjs-layers';

/** Forward FLOPs of one sample through `model` (dense + conv2d layers). */
export function forwardFlops(model: tfl.LayersModel): number {
  let flops = 0;
  for (const layer of model.layers) {
    const className = layer.getClassName();
    const out = layer.outputShape as (number | null)[];
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    const kernel = weights[0].shape as number[];
    if (className === 'Dense') {
      flops += 2 * kernel[0] * kernel[1];
    } else if (className === 'Conv2D') {
      const [kh, kw, ci, co] = kernel;
      flops += 2 * (out[1] as number) * (out[2] as number) * kh * kw * ci * co;
    } else if (className === 'Conv2DTranspose') {
      // Each input pixel scatters into kh·kw·co outputs.
      const [kh, kw, co, ci] = kernel;
      const input = layer.input as unknown as { shape: (number | null)[] };
      flops += 2 * (input.shape[1] as number) * (input.shape[2] as number) * kh * kw * ci * co;
    }
  }
  return flops;
}

/**
 * FLOPs of one training iteration of batch `batch` as gankit's trainer runs it, with the same
 * rule as bench/torch_reference.py: the backward pass of a differentiated net costs twice its
 * forward pass. D step: G forward + D forward on the real and the fake batch + D backward on both
 * (G + 2D + 4D). G step: G and D forward + both backward (3G + 3D). Per sample 4G + 9D.
 */
export function iterationFlops(generator: tfl.LayersModel, discriminator: tfl.LayersModel, batch: number): number {
  return batch * (4 * forwardFlops(generator) + 9 * forwardFlops(discriminator));
}
