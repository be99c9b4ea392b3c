/**
 * Entry point of a data-parallel training worker (a Node worker thread started by
 * `fit({ workers })`): starts the same backend as the main thread, rebuilds the trainer as a
 * replica and serves steps until told to stop.
 *
 * @packageDocumentation
 * @internal
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend';
import { registerGankitLayers } from '../layers/register';
import { buildReplica, serveReplica, type ReplicaSpec } from './replica';
import { SharedState } from './shared-state';

async function main(): Promise<void> {
  registerGankitLayers(); // the replica's models may use gankit's layers
  const spec = workerData as ReplicaSpec;
  const shared = new SharedState(spec.layout, spec.buffer);
  try {
    tf.env().set('PROD', true);
    await initBackend({ backend: spec.backend as 'wasm', log: null });
    const replica = await buildReplica(spec);
    parentPort?.postMessage({ ready: true });
    serveReplica(replica.trainer, replica.shared, spec);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    shared.fail(spec.replica, message);
    parentPort?.postMessage({ error: message });
  }
}

void main();
