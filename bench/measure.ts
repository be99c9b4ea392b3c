/**
 * Times gankit's training iteration (k D updates + one G update, exactly `GanTrainer.trainStep`)
 * for one net on the current backend: median of N iterations after warm-up, on random data of
 * MNIST's shape. Each iteration reads its losses back, so the time includes the whole step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { iterationFlops } from './flops';
import type { BenchNet } from './nets';
import { profileSteps } from './profile';
import { createBenchStep } from './step';

/** How {@link measure} times a net. */
export interface MeasureOptions {
  warmup: number;
  iters: number;
  /** Stop timing after this many seconds (at least 1 timed iteration): for the slow backends. */
  budgetSeconds: number;
  batchSize?: number;
  seed: number;
  /** Data-parallel threads (1: the main thread alone). */
  workers: number;
}

/** One net's timing on one backend, as `npm run bench` reports it. */
export interface Measurement {
  net: BenchNet;
  backend: string;
  workers: number;
  batchSize: number;
  msPerIter: { median: number; min: number; mean: number };
  iters: number;
  samplesPerSec: number;
  flopsPerIter: number;
  gflops: number;
  params: { generator: number; discriminator: number };
  /** True when the time is that of the warm-up iterations (a backend slower than the whole budget). */
  fromWarmup: boolean;
  /** Tensors alive after the last iteration minus after warm-up: 0 when nothing leaks (null without warm-up). */
  tensorGrowth: number | null;
  /**
   * Kernels one iteration dispatches, from one profiled iteration after the timing (bench/profile.ts);
   * null with more than one thread, whose other threads' kernels the profiler does not see, and
   * when the warm-up alone used the budget.
   */
  kernelsPerStep: number | null;
}

/** Times one training iteration of `net` on the current backend (see the module's comment). */
export async function measure(net: BenchNet, options: MeasureOptions): Promise<Measurement> {
  const bench = await createBenchStep(net, options);
  const { gan, batchSize, step } = bench;
  // Warm up (slow backends stop after a quarter of the budget; --warmup 0 for none).
  const warmupTimes: number[] = [];
  const warmupStarted = performance.now();
  for (
    let i = 0;
    i < options.warmup && (i === 0 || performance.now() - warmupStarted < (options.budgetSeconds * 1000) / 4);
    i++
  ) {
    const t0 = performance.now();
    step();
    warmupTimes.push(performance.now() - t0);
  }
  const tensorsAfterWarmup = tf.memory().numTensors;
  // A backend so slow that warm-up alone used the budget (the cpu backend on the DCGAN: minutes
  // per iteration) is reported from its warm-up iterations instead of running more.
  const warmupOnly = warmupTimes.length > 0 && performance.now() - warmupStarted >= options.budgetSeconds * 1000;
  const times: number[] = warmupOnly ? [...warmupTimes] : [];
  const started = performance.now();
  while (
    !warmupOnly &&
    times.length < options.iters &&
    (times.length < 1 || performance.now() - started < options.budgetSeconds * 1000)
  ) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  const tensorGrowth = options.warmup > 0 && !warmupOnly ? tf.memory().numTensors - tensorsAfterWarmup : null;
  // One more step, profiled, to count its kernels; not on a backend that already spent the budget
  // (a minutes-long step), nor with threads, whose kernels this thread's profiler does not see.
  const kernelsPerStep = options.workers === 1 && !warmupOnly ? (await profileSteps(step, 1)).kernelsPerStep : null;
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const flopsPerIter = iterationFlops(gan.generator, gan.discriminator, batchSize);
  const result: Measurement = {
    net,
    backend: tf.getBackend(),
    workers: options.workers,
    batchSize,
    msPerIter: { median, min: sorted[0], mean: times.reduce((a, b) => a + b, 0) / times.length },
    iters: times.length,
    samplesPerSec: (batchSize * 1000) / median,
    flopsPerIter,
    gflops: flopsPerIter / median / 1e6,
    params: { generator: gan.generator.countParams(), discriminator: gan.discriminator.countParams() },
    tensorGrowth,
    fromWarmup: warmupOnly,
    kernelsPerStep,
  };
  await bench.stop();
  return result;
}
