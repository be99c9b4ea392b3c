import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { OneHot } from '../layers/one-hot';
import type { Conditioning } from './types';

/** Options of {@link conditioning.channelConcat}. */
export interface ChannelConcatOptions {
  /** Number of classes (default 10). */
  numClasses?: number;
}

/**
 * Channel-concat conditioning (as in the seed-000 Keras DCGAN CGAN): G's input is
 * `[z ; onehot(y)]`; D's input is the image with `numClasses` constant planes stacked on its
 * channels, plane `k` all ones when the label is `k` and all zeros otherwise (an `h × w × (c + K)`
 * image). It has no weights of its own and suits convolutional discriminators.
 *
 * @example
 * ```ts
 * const cgan = createCgan({ architecture: 'dcgan', conditioning: channelConcat({ numClasses: 10 }) });
 * ```
 */
export function channelConcat(options: ChannelConcatOptions = {}): Conditioning {
  const numClasses = options.numClasses ?? 10;
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new GanConfigError('numClasses', `expected a positive integer, got ${numClasses}`);
  return {
    name: 'channelConcat',
    numClasses,
    generatorInput(z, labels) {
      const oneHot = new OneHot({ numClasses }).apply(labels) as SymbolicTensor;
      return tfl.layers.concatenate().apply([z, oneHot]) as SymbolicTensor;
    },
    discriminatorInput(image, labels) {
      if (image.shape.length !== 4) {
        throw new GanConfigError(
          'image',
          `channelConcat needs an image input [batch, h, w, c], got shape [${image.shape.join(', ')}]`,
        );
      }
      const [, h, w] = image.shape as number[];
      const planes = new OneHot({ numClasses, planeShape: [h, w] }).apply(labels) as SymbolicTensor;
      return tfl.layers.concatenate({ axis: -1 }).apply([image, planes]) as SymbolicTensor;
    },
    toConfig: () => ({ numClasses }),
  };
}
