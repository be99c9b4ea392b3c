/**
 * All-reduce of gradients through shared memory: every replica writes its gradients into its
 * slot, waits for the others, and sums all slots in the same order, weighting each by its share
 * of the batch. Every replica thus applies bit-identical gradients with an identical optimizer,
 * so the replicas' weights stay identical without ever being copied.
 *
 * @packageDocumentation
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradientReducer } from '../train/trainer';
import type { SharedState } from './shared-state';

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
    // overwrites ones a slow replica is still summing (the barrier keeps them one update apart).
    const parity = this.calls++ & 1;
    const slotStart = (q: number): number => (parity * replicas + q) * maxParams;
    let offset = 0;
    for (const v of variables) {
      const values = grads[v.name].dataSync() as Float32Array;
      slots.set(values, slotStart(this.replica) + offset);
      offset += values.length;
    }
    this.shared.barrier();
    const batch = this.shared.batchSize;
    const weights = Array.from({ length: replicas }, (_, q) => this.shared.share(batch, q).count / batch);
    const reduced: tf.NamedTensorMap = {};
    offset = 0;
    for (const v of variables) {
      const size = v.size;
      const sum = new Float32Array(size);
      for (let q = 0; q < replicas; q++) {
        const w = weights[q];
        const from = slotStart(q) + offset;
        const src = slots.subarray(from, from + size);
        for (let i = 0; i < size; i++) sum[i] += w * src[i];
      }
      reduced[v.name] = tf.tensor(sum, v.shape, 'float32');
      offset += size;
    }
    return reduced;
  }
}
