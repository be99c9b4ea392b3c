/**
 * One net of a model as a checkpoint sees it: kept apart from the checkpoint writer (Node only)
 * so that both entries can name the type.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * One net of a model to checkpoint: the model, and its optimizer (`null` for a frozen net).
 *
 * @example
 * ```ts
 * for (const [name, net] of Object.entries(pix2pix.nets)) console.log(name, net.optimizer === null ? 'frozen' : 'trained');
 * ```
 */
export interface CheckpointNet {
  /** The net. */
  readonly model: tfl.LayersModel;
  /** Its optimizer, or `null` when the net is not trained. */
  readonly optimizer: tf.Optimizer | null;
}
