/**
 * Times gankit's Adam (`createAdam`, one fused kernel per variable update) against TensorFlow.js's
 * stock `tf.train.adam` on the seed nets, in one process, alternating between two copies of each
 * net: on a shared machine, runs in separate processes (`npm run bench` before and after) differ
 * by more than the optimizer's share of a step, while alternating rounds see the same load.
 *
 *   npx tsx bench/adam-ab.ts --nets gan,cgan --backend wasm --rounds 15
 *
 * Prints the median and the fastest ms per iteration of each, over `--rounds` rounds of
 * `--steps` iterations (one for the DCGAN, whose iteration takes seconds).
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/index';
import { BENCH_NETS, parseBenchNets } from './nets';
import { createBenchStep, type BenchStep } from './step';
import { textTable } from './table';

const { values: args } = parseArgs({
  options: {
    nets: { type: 'string', default: 'gan,cgan' },
    backend: { type: 'string', default: 'wasm' },
    rounds: { type: 'string', default: '15' },
    steps: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
  },
});

function count(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: expected a positive integer, got '${value}'`);
  return n;
}

/** Gives `bench`'s trainer stock TensorFlow.js Adam optimizers with the same settings. */
function useStockAdam(bench: BenchStep): void {
  const trainer = bench.gan.trainer as unknown as Record<string, tf.Optimizer>;
  for (const key of ['generatorOptimizer', 'discriminatorOptimizer']) {
    const { learningRate, beta1, beta2, epsilon } = trainer[key].getConfig() as Record<string, number>;
    trainer[key].dispose();
    trainer[key] = tf.train.adam(learningRate, beta1, beta2, epsilon);
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  await initBackend({ backend: args.backend as 'wasm' | 'cpu', log: null });
  const rounds = count('rounds', args.rounds);
  const seed = count('seed', args.seed);
  const rows = [['net', 'backend', 'stock Adam median', 'fastest', 'gankit Adam median', 'fastest', 'change']];
  for (const net of parseBenchNets(args.nets)) {
    const steps = net === 'dcgan' ? 1 : count('steps', args.steps);
    const fused = await createBenchStep(net, { seed, workers: 1 });
    const stock = await createBenchStep(net, { seed, workers: 1 });
    useStockAdam(stock);
    for (let i = 0; i < 3; i++) [fused, stock].forEach((b) => b.step()); // moments made, code warm
    const times = { stock: [] as number[], fused: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      for (const [name, bench] of [
        ['stock', stock],
        ['fused', fused],
      ] as const) {
        const start = performance.now();
        for (let i = 0; i < steps; i++) bench.step();
        times[name].push((performance.now() - start) / steps);
      }
    }
    const [s, f] = [median(times.stock), median(times.fused)];
    rows.push([
      BENCH_NETS[net].title,
      tf.getBackend(),
      `${s.toFixed(1)} ms`,
      `${Math.min(...times.stock).toFixed(1)} ms`,
      `${f.toFixed(1)} ms`,
      `${Math.min(...times.fused).toFixed(1)} ms`,
      `${(((f - s) / s) * 100).toFixed(0)}%`,
    ]);
    await fused.stop();
    await stock.stop();
  }
  console.log(textTable(rows));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
