/**
 * Data-parallel training on several CPU cores: the main thread and `workers − 1` worker threads
 * each hold a replica of G and D (TensorFlow.js's wasm backend runs one thread per JS thread), each
 * trains on its share of every batch, and their gradients are summed through shared memory before
 * each update, so the replicas stay identical and the update equals a full-batch one (up to batch
 * norm, whose statistics each replica takes over its own share).
 *
 * @packageDocumentation
 * @internal
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { DataBatch } from '../data/dataset';
import { GanConfigError } from '../errors';
import type { GanTrainer } from '../train/trainer';
import { SharedMemoryAllReduce } from './all-reduce';
import { describeReplica, weightsChecksum, type ReplicaSpec } from './replica';
import { SharedState } from './shared-state';

/** This module's own file, in every way gankit runs (bundled dist, ts-jest, tsx). */
function thisFile(): string {
  if (typeof __filename === 'string') return __filename;
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n')) {
    const match = /((?:file:\/\/)?\/[^\s()]*?data-parallel\.[cm]?[jt]s)/.exec(line);
    if (match) return match[1].replace(/^file:\/\//, '');
  }
  throw new Error('gankit: cannot locate the data-parallel worker script');
}

/**
 * How to start a worker: the bundled `parallel-worker.(c)js` beside this module in a build, or,
 * when gankit runs from its TypeScript source (tests, examples under tsx), `worker.ts` through
 * tsx's loader registered in the worker.
 */
function workerScript(): { code: string; eval: boolean } {
  const self = thisFile();
  if (!self.endsWith('.ts'))
    return { code: path.join(path.dirname(self), `parallel-worker${path.extname(self)}`), eval: false };
  const tsxPackage = createRequire(path.join(process.cwd(), 'noop.js')).resolve('tsx/package.json');
  const api = pathToFileURL(path.join(path.dirname(tsxPackage), 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = pathToFileURL(path.join(path.dirname(self), 'worker.ts')).href;
  return {
    code: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
    eval: true,
  };
}

/** A running data-parallel session: `trainStep` replaces the trainer's own for its duration. @internal */
export class DataParallelSession {
  private stopped = false;

  private constructor(
    private readonly trainer: GanTrainer,
    private readonly shared: SharedState,
    private readonly workers: Worker[],
  ) {}

  /**
   * Starts `replicas − 1` workers, each a copy of `trainer` (weights and optimizer state), and
   * makes `trainer` replica 0.
   */
  static async start(trainer: GanTrainer, replicas: number, maxBatch: number): Promise<DataParallelSession> {
    if (!Number.isInteger(replicas) || replicas < 1)
      throw new GanConfigError('workers', `expected a positive integer, got ${replicas}`);
    if (maxBatch < replicas)
      throw new GanConfigError(
        'workers',
        `${replicas} replicas need batches of at least ${replicas} images, got ${maxBatch}`,
      );
    const [, h, w, c] = trainer.discriminator.inputs[0].shape as number[];
    const count = (vars: ReadonlyArray<{ shape: Array<number | null> }>): number =>
      vars.reduce((n, v) => n + tf.util.sizeFromShape(v.shape as number[]), 0);
    const shared = new SharedState({
      replicas,
      discriminatorSteps: trainer.discriminatorSteps,
      maxBatch,
      pixelsPerImage: h * w * c,
      maxParams: Math.max(count(trainer.generator.trainableWeights), count(trainer.discriminator.trainableWeights)),
    });
    const backend = tf.getBackend();
    const script = workerScript();
    const workers: Worker[] = [];
    try {
      const template = await describeReplica(trainer, shared, backend);
      for (let r = 1; r < replicas; r++) {
        const spec: ReplicaSpec = { ...template, replica: r, seed: trainer.rng.nextSeed() };
        const worker = new Worker(script.code, { workerData: spec, eval: script.eval });
        workers.push(worker);
        await new Promise<void>((resolve, reject) => {
          worker.once('message', (m: { ready?: boolean; error?: string }) =>
            m.ready ? resolve() : reject(new Error(`gankit: worker ${r} could not start: ${m.error}`)),
          );
          worker.once('error', reject);
          worker.once('exit', (code) =>
            reject(new Error(`gankit: worker ${r} exited (code ${code}) before it was ready`)),
          );
        });
        worker.removeAllListeners();
      }
    } catch (error) {
      shared.fail(0, 'start-up failed');
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    trainer.setGradientReducer(new SharedMemoryAllReduce(shared, 0));
    return new DataParallelSession(trainer, shared, workers);
  }

  /** One step over all replicas; returns the combined `[dLoss, gLoss, dRealMean, dFakeMean]`. */
  trainStep(realBatches: DataBatch[]): tf.Tensor1D {
    const { maxBatch, pixelsPerImage, replicas } = this.shared.layout;
    const batch = realBatches[0].images.shape[0];
    if (batch > maxBatch || batch < replicas || realBatches.some((b) => b.images.shape[0] !== batch)) {
      throw new GanConfigError(
        'realBatches',
        `expected batches of ${replicas}–${maxBatch} images, all the same size, got ${realBatches.map((b) => b.images.shape[0]).join(', ')}`,
      );
    }
    realBatches.forEach((b, i) => {
      this.shared.images.set(b.images.dataSync() as Float32Array, i * maxBatch * pixelsPerImage);
      if (b.labels) this.shared.labels.set(b.labels.dataSync() as Int32Array, i * maxBatch);
    });
    this.shared.commandStep(batch);
    const own = this.shared.share(batch, 0);
    try {
      const stats = tf.tidy(() => {
        const mine = realBatches.map((b) => ({
          images: tf.slice(b.images, [own.start, 0, 0, 0], [own.count, -1, -1, -1]),
          labels: b.labels ? tf.slice(b.labels, [own.start], [own.count]) : null,
        }));
        return this.trainer.trainStep(mine);
      });
      this.shared.stats.set(stats.dataSync(), 0);
      stats.dispose();
      this.shared.barrier();
    } catch (error) {
      this.shared.fail(0, error instanceof Error ? error.message : String(error));
      throw error;
    }
    const combined = [0, 0, 0, 0];
    for (let q = 0; q < replicas; q++) {
      const weight = this.shared.share(batch, q).count / batch;
      for (let j = 0; j < 4; j++) combined[j] += weight * this.shared.stats[4 * q + j];
    }
    return tf.tensor1d(combined);
  }

  /**
   * Whether every replica holds exactly the weights of the main thread's (they should: each
   * applies the same summed gradients). Returns each replica's weight checksum, replica 0 first.
   */
  checksums(): number[] {
    this.shared.commandChecksum();
    this.shared.stats[0] = weightsChecksum(this.trainer);
    this.shared.barrier();
    return Array.from({ length: this.shared.layout.replicas }, (_, q) => this.shared.stats[4 * q]);
  }

  /** Stops the workers and makes the trainer train alone again. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.trainer.setGradientReducer(null);
    this.shared.commandStop();
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void w.terminate().then(() => resolve()), 5000);
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
  }
}
