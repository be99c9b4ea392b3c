/**
 * All-reduce of gradients through shared memory, as a reduce-scatter and an all-gather: every
 * replica copies its gradients into its slot; after a barrier each replica sums one contiguous
 * share of the parameters over all slots (weighting each replica by its share of the batch) and
 * writes the sums into slot 0; after a second barrier every replica reads all the sums from slot
 * 0. Each sum is computed once, so every replica applies bit-identical gradients with an
 * identical optimizer and the replicas' weights stay identical without ever being copied.
 *
 * @packageDocumentation
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradientReducer } from '../train/trainer';
import { tensorFromShared, type SharedState } from './shared-state';

/** A float32 tensor's memory without a copy on the wasm and cpu backends, else a copy. */
function valuesOf(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as {
    typedArrayFromHeap?: (t: tf.TensorInfo) => Float32Array;
    data?: { get(id: tf.DataId): { values?: unknown } };
  };
  const name = tf.getBackend();
  if (name === 'wasm' && backend.typedArrayFromHeap) return backend.typedArrayFromHeap(t);
  if (name === 'cpu' && backend.data) {
    const values = backend.data.get(t.dataId).values;
    if (values instanceof Float32Array) return values;
  }
  return t.dataSync() as Float32Array;
}

/** The gradient reducer of replica `replica`. @internal */
export class SharedMemoryAllReduce implements GradientReducer {
  private calls = 0;

  constructor(
    private readonly shared: SharedState,
    private readonly replica: number,
  ) {}

  reduce(_net: 'generator' | 'discriminator', variables: tf.Variable[], grads: tf.NamedTensorMap): tf.NamedTensorMap {
    const { replicas, maxParams } = this.shared.layout;
    const slots = this.shared.gradients;
    // Alternate two sets of slots, so a fast replica writing the next update's gradients never
    // overwrites ones a slow replica is still reading (the barriers keep them one update apart).
    const parity = this.calls++ & 1;
    const slotStart = (q: number): number => (parity * replicas + q) * maxParams;
    let total = 0;
    for (const v of variables) {
      // Copied at once: no allocation between taking the view and copying it.
      slots.set(valuesOf(grads[v.name]), slotStart(this.replica) + total);
      total += v.size;
    }
    this.shared.barrier();

    const batch = this.shared.batchSize;
    const weights = Array.from({ length: replicas }, (_, q) => this.shared.share(batch, q).count / batch);
    const from = Math.floor((total * this.replica) / replicas);
    const to = Math.floor((total * (this.replica + 1)) / replicas);
    const sums = slots.subarray(slotStart(0), slotStart(0) + total);
    if (replicas === 2) {
      const other = slots.subarray(slotStart(1), slotStart(1) + total);
      const [w0, w1] = weights;
      for (let i = from; i < to; i++) sums[i] = w0 * sums[i] + w1 * other[i];
    } else {
      for (let i = from; i < to; i++) {
        let acc = 0;
        for (let q = 0; q < replicas; q++) acc += weights[q] * slots[slotStart(q) + i];
        sums[i] = acc;
      }
    }
    this.shared.barrier();

    const reduced: tf.NamedTensorMap = {};
    let offset = 0;
    for (const v of variables) {
      reduced[v.name] = tensorFromShared(sums.subarray(offset, offset + v.size), v.shape, 'float32');
      offset += v.size;
    }
    return reduced;
  }
}
