/**
 * The training iteration the bench times and profiles: one seed net, a small pool of random
 * batches of MNIST's shape, and a `step()` that runs k D updates + one G update exactly as
 * `GanTrainer.trainStep` does and reads the losses back, so a step includes the whole iteration.
 */
import * as tf from '@tensorflow/tfjs-core';
import { datasets, type Gan } from '../src/index';
import { DataParallelSession } from '../src/parallel/data-parallel';
import { BENCH_NETS, type BenchNet } from './nets';

/** What a bench step is built from. */
export interface BenchStepOptions {
  /** Overrides the seed net's own batch size. */
  batchSize?: number;
  seed: number;
  /** Data-parallel threads (1: the main thread alone). */
  workers: number;
}

/** A ready-to-run iteration of one seed net; `stop()` ends the threads and frees everything. */
export interface BenchStep {
  gan: Gan;
  batchSize: number;
  /** One training iteration, its losses read back. */
  step(): void;
  stop(): Promise<void>;
}

function randomBatch(batch: number, numClasses: number, seed: number): datasets.DataBatch {
  return {
    images: tf.randomUniform([batch, 28, 28, 1], -1, 1, 'float32', seed) as tf.Tensor4D,
    labels: numClasses > 0 ? (tf.randomUniform([batch], 0, numClasses, 'int32', seed + 1) as tf.Tensor1D) : null,
  };
}

/** Builds `net` on the current backend and the step that trains it on random data. */
export async function createBenchStep(net: BenchNet, options: BenchStepOptions): Promise<BenchStep> {
  const spec = BENCH_NETS[net];
  const batchSize = options.batchSize ?? spec.batchSize;
  const gan = spec.build(options.seed);
  const k = gan.config.discriminatorSteps;
  // A few distinct batches, cycled: real data's values never change a step's kernels.
  const pool = Array.from({ length: 4 }, (_, i) =>
    randomBatch(batchSize, gan.config.numClasses, options.seed * 100 + i),
  );
  let cursor = 0;
  const session = options.workers > 1 ? await DataParallelSession.start(gan.trainer, options.workers, batchSize) : null;
  return {
    gan,
    batchSize,
    step(): void {
      const batches = Array.from({ length: k }, () => pool[cursor++ % pool.length]);
      const stats = session ? session.trainStep(batches) : gan.trainer.trainStep(batches);
      stats.dataSync();
      stats.dispose();
    },
    async stop(): Promise<void> {
      await session?.stop();
      for (const b of pool) tf.dispose([b.images, ...(b.labels ? [b.labels] : [])]);
      gan.dispose();
    },
  };
}
