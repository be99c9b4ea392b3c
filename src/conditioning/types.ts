import type { SymbolicTensor } from '@tensorflow/tfjs-layers';

import type { BuildContext } from '../core/types';

export type { BuildContext };

/**
 * How a class label reaches the generator (G) and the discriminator (D) of a conditional GAN.
 * A strategy is a plain object: given G's latent input `z` and the label input, it returns the
 * tensor G's body starts from; given D's image input and the label input, the tensor D's body
 * starts from. It creates whatever layers it needs (each call makes new ones, so G and D never
 * share weights).
 *
 * `labels` is a symbolic `[batch, 1]` int32 tensor of class indices in [0, numClasses).
 * D bodies that need an image (the convolutional one) require `discriminatorInput` to return a
 * rank-4 `[batch, h, w, c]` tensor; MLP bodies flatten whatever they get.
 *
 * Write your own by implementing this interface; nothing in gankit needs to change. Layers you
 * use must be registered with `tf.serialization.registerClass` for checkpoints to load.
 *
 * @example Label reaches D as a learned per-class bias plane (a user-written strategy):
 * ```ts
 * const myConditioning: Conditioning = {
 *   name: 'onehot-concat', numClasses: 10,
 *   generatorInput: (z, labels) => tfl.layers.concatenate().apply([z, oneHot(labels)]) as SymbolicTensor,
 *   discriminatorInput: (image, labels) => ...,
 * };
 * ```
 */
export interface Conditioning {
  /** A short name, stored in checkpoints. */
  readonly name: string;
  /** Number of classes; labels must lie in [0, numClasses). */
  readonly numClasses: number;
  /** Combines the latent vector `z` (`[batch, latentDim]`) with the labels into G's input. */
  generatorInput(z: SymbolicTensor, labels: SymbolicTensor, context: BuildContext): SymbolicTensor;
  /** Combines an image (`[batch, h, w, c]`) with the labels into D's input. */
  discriminatorInput(image: SymbolicTensor, labels: SymbolicTensor, context: BuildContext): SymbolicTensor;
  /** Options needed to rebuild the strategy (stored in the GAN's config). */
  toConfig?(): Record<string, unknown>;
}
