/**
 * What a named-nets checkpoint is written from (src/train/nets-checkpoint.ts): kept apart from
 * the writer, which is Node only, so that models in the browser entry can name the types.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { TrainingState } from './trainable';

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

/** What a named-nets checkpoint is written from. */
export interface NetsCheckpointContents<C> {
  /** The model's family (`family` in `state.json`: a loader refuses another family's checkpoint). */
  readonly family: string;
  /** Its JSON-serialisable config. */
  readonly config: C;
  /** Counters, epoch position and random stream. */
  readonly state: TrainingState;
  /** The nets by name. */
  readonly nets: Readonly<Record<string, CheckpointNet>>;
  /** Extra binary state by name (e.g. an image pool's buffer), each written as `<name>.bin`. */
  readonly blobs?: Readonly<Record<string, Uint8Array>>;
  /** The family's own JSON-serialisable state, stored as `extra` in `state.json`. */
  readonly extra?: Readonly<Record<string, unknown>>;
}
