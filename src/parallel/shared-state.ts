/**
 * The shared memory of a data-parallel training session: control words, a barrier, the real
 * batches main hands to the workers, each replica's step statistics and gradient slots.
 *
 * @packageDocumentation
 * @internal
 */

import * as tf from '@tensorflow/tfjs-core';

/**
 * A tensor holding the current `values`, a view of shared memory. The wasm backend copies them
 * into its heap itself; other backends (cpu) would keep the view, which the next step overwrites,
 * so they get a copy first. @internal
 */
export function tensorFromShared(
  values: Float32Array | Int32Array,
  shape: number[],
  dtype: 'float32' | 'int32',
): tf.Tensor {
  return tf.tensor(tf.getBackend() === 'wasm' ? values : values.slice(), shape, dtype);
}

/** Indices into the control words. */
const SEQ = 0; // bumped by main for each command
const COMMAND = 1; // 1 = step, 2 = stop, 3 = checksum
const BARRIER_COUNT = 2;
const BARRIER_GENERATION = 3;
const FAILED = 4; // replica index + 1 of a failed replica, 0 when all is well
const BATCH_SIZE = 5; // images per D batch this step
const CONTROL_WORDS = 8;
const MESSAGE_BYTES = 2048;

/** Sizes that fix the layout of a session's shared memory. @internal */
export interface SharedLayout {
  replicas: number;
  discriminatorSteps: number;
  maxBatch: number;
  pixelsPerImage: number;
  /** Largest of G's and D's trainable parameter counts. */
  maxParams: number;
}

/** How long a replica waits for the others before it gives up. */
const STALL_MS = 10 * 60 * 1000;

/**
 * Views of one session's `SharedArrayBuffer`, the same on every thread.
 * @internal
 */
export class SharedState {
  readonly buffer: SharedArrayBuffer;
  readonly layout: SharedLayout;
  private readonly control: Int32Array;
  private readonly message: Uint8Array;
  /** Step statistics, 4 per replica. */
  readonly stats: Float32Array;
  /** Real images of the step's D batches, `[k, maxBatch, pixels]`. */
  readonly images: Float32Array;
  /** Their labels, `[k, maxBatch]`. */
  readonly labels: Int32Array;
  /** Gradient slots, `[2 parities, replicas, maxParams]`. */
  readonly gradients: Float32Array;

  constructor(layout: SharedLayout, buffer?: SharedArrayBuffer) {
    const { replicas, discriminatorSteps: k, maxBatch, pixelsPerImage, maxParams } = layout;
    const sizes = [
      CONTROL_WORDS * 4,
      MESSAGE_BYTES,
      replicas * 4 * 4,
      k * maxBatch * pixelsPerImage * 4,
      k * maxBatch * 4,
      2 * replicas * maxParams * 4,
    ];
    const total = sizes.reduce((a, b) => a + b, 0);
    this.layout = layout;
    this.buffer = buffer ?? new SharedArrayBuffer(total);
    let offset = 0;
    const next = (bytes: number): number => {
      const at = offset;
      offset += bytes;
      return at;
    };
    this.control = new Int32Array(this.buffer, next(sizes[0]), CONTROL_WORDS);
    this.message = new Uint8Array(this.buffer, next(sizes[1]), MESSAGE_BYTES);
    this.stats = new Float32Array(this.buffer, next(sizes[2]), replicas * 4);
    this.images = new Float32Array(this.buffer, next(sizes[3]), k * maxBatch * pixelsPerImage);
    this.labels = new Int32Array(this.buffer, next(sizes[4]), k * maxBatch);
    this.gradients = new Float32Array(this.buffer, next(sizes[5]), 2 * replicas * maxParams);
  }

  /** Images replica `replica` trains on out of a batch of `batch`: `[start, start + count)`. */
  share(batch: number, replica: number): { start: number; count: number } {
    const n = this.layout.replicas;
    const base = Math.floor(batch / n);
    const extra = batch % n;
    return { start: replica * base + Math.min(replica, extra), count: base + (replica < extra ? 1 : 0) };
  }

  get batchSize(): number {
    return Atomics.load(this.control, BATCH_SIZE);
  }

  /** Main: tells the workers to run one step on the batches now in shared memory. */
  commandStep(batchSize: number): void {
    Atomics.store(this.control, BATCH_SIZE, batchSize);
    this.command(1);
  }

  /** Main: asks the workers for a checksum of their weights (into `stats`). */
  commandChecksum(): void {
    this.command(3);
  }

  /** Main: tells the workers to finish. */
  commandStop(): void {
    this.command(2);
  }

  private command(code: number): void {
    Atomics.store(this.control, COMMAND, code);
    Atomics.add(this.control, SEQ, 1);
    Atomics.notify(this.control, SEQ);
  }

  /** Worker: waits for the command after `seen` commands; returns it and the new count. */
  waitCommand(seen: number): { command: 'step' | 'stop' | 'checksum'; seen: number } {
    while (Atomics.load(this.control, SEQ) === seen) Atomics.wait(this.control, SEQ, seen, 1000);
    const code = Atomics.load(this.control, COMMAND);
    return { command: code === 2 ? 'stop' : code === 3 ? 'checksum' : 'step', seen: Atomics.load(this.control, SEQ) };
  }

  /** Blocks until every replica has arrived; throws if one has failed. */
  barrier(): void {
    const generation = Atomics.load(this.control, BARRIER_GENERATION);
    if (Atomics.add(this.control, BARRIER_COUNT, 1) === this.layout.replicas - 1) {
      Atomics.store(this.control, BARRIER_COUNT, 0);
      Atomics.add(this.control, BARRIER_GENERATION, 1);
      Atomics.notify(this.control, BARRIER_GENERATION);
      return;
    }
    const started = Date.now();
    while (Atomics.load(this.control, BARRIER_GENERATION) === generation) {
      this.throwIfFailed();
      if (Date.now() - started > STALL_MS)
        throw new Error(`gankit: data-parallel replicas stalled for ${STALL_MS / 1000} s`);
      Atomics.wait(this.control, BARRIER_GENERATION, generation, 200);
    }
  }

  /** Records that `replica` failed (so the others stop waiting) with its error message. */
  fail(replica: number, message: string): void {
    if (Atomics.load(this.control, FAILED) !== 0) return; // keep the first failure's message
    const bytes = new TextEncoder().encode(message).slice(0, MESSAGE_BYTES);
    this.message.fill(0);
    this.message.set(bytes);
    Atomics.store(this.control, FAILED, replica + 1);
    Atomics.notify(this.control, BARRIER_GENERATION);
    Atomics.notify(this.control, SEQ);
  }

  throwIfFailed(): void {
    const failed = Atomics.load(this.control, FAILED);
    if (failed === 0) return;
    const text = new TextDecoder().decode(this.message.slice()).replace(/\0+$/, '');
    throw new Error(`gankit: data-parallel replica ${failed - 1} failed: ${text}`);
  }
}
