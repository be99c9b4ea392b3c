/**
 * Where a training step's time goes, kernel by kernel: warms up, then profiles N steps of the
 * iteration `npm run bench` times (bench/step.ts) and prints, per net, the kernels dispatched per
 * step, and per kernel, per origin (forward, backward, optimizer, other) and per tfjs op the calls
 * and the time per step. See bench/profile.ts for what the times measure.
 *
 *   npx tsx bench/profile-step.ts
 *   npx tsx bench/profile-step.ts --nets gan,cgan --backend cpu --steps 5 --top 25
 *   npx tsx bench/profile-step.ts --nets dcgan --steps 2 --warmup 1 --json > dcgan.json
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/index';
import { BENCH_NETS, parseBenchNets, type BenchNet } from './nets';
import { profileSteps, type KernelGroup, type StepProfile } from './profile';
import { createBenchStep } from './step';
import { textTable } from './table';

const { values: args } = parseArgs({
  options: {
    nets: { type: 'string', default: 'gan,cgan,dcgan' },
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    timed: { type: 'string', default: '5' },
    top: { type: 'string', default: '20' },
    'batch-size': { type: 'string' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function count(name: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer ≥ ${min}, got '${value}'`);
  return n;
}

if (args.help) {
  console.log(`npx tsx bench/profile-step.ts [options]
  --nets gan,cgan,dcgan   which seed nets (as npm run bench)
  --backend wasm|cpu      the backend (default wasm)
  --warmup 3              untimed steps first (one-time set-up, optimizer state)
  --timed 5               unprofiled steps timed for the reference ms/step (0: none)
  --steps 5               profiled steps (figures are per step)
  --top 20                rows per table
  --batch-size N --seed 1 as npm run bench
  --json                  print the summaries as JSON`);
  process.exit(0);
}

const nets = parseBenchNets(args.nets);
if (args.backend !== 'wasm' && args.backend !== 'cpu')
  throw new Error(`--backend: expected wasm or cpu, got '${args.backend}'`);
const steps = count('steps', args.steps, 1);
const warmup = count('warmup', args.warmup, 1);
const timed = count('timed', args.timed, 0);
const top = count('top', args.top, 1);
const batchSize = args['batch-size'] === undefined ? undefined : count('batch-size', args['batch-size'], 1);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function table(title: string, groups: KernelGroup[], stepMs: number, limit: number): string {
  const rows = [[title, 'calls/step', 'nested', 'ms/step', '% step']];
  const row = (key: string, gs: KernelGroup[]): string[] => {
    const sum = (f: (g: KernelGroup) => number): number => gs.reduce((s, g) => s + f(g), 0);
    const ms = sum((g) => g.msPerStep);
    return [
      key,
      sum((g) => g.callsPerStep).toFixed(1),
      sum((g) => g.nestedPerStep).toFixed(1),
      ms.toFixed(2),
      ((100 * ms) / stepMs).toFixed(1),
    ];
  };
  for (const g of groups.slice(0, limit)) rows.push(row(g.key, [g]));
  if (groups.length > limit) rows.push(row(`(${groups.length - limit} more)`, groups.slice(limit)));
  return textTable(rows);
}

interface NetReport {
  net: BenchNet;
  backend: string;
  batchSize: number;
  /** Median of the unprofiled steps (ms), null with --timed 0. */
  msPerStep: number | null;
  /** Variables the optimizers update per step: k × D's trainable weights + G's. */
  variableUpdatesPerStep: number;
  profile: StepProfile;
}

async function profileNet(net: BenchNet): Promise<NetReport> {
  const bench = await createBenchStep(net, { batchSize, seed: Number(args.seed), workers: 1 });
  try {
    for (let i = 0; i < warmup; i++) bench.step();
    const times: number[] = [];
    for (let i = 0; i < timed; i++) {
      const t0 = performance.now();
      bench.step();
      times.push(performance.now() - t0);
    }
    const { trainer } = bench.gan;
    const optimizers = [...new Set([trainer.generatorOptimizer, trainer.discriminatorOptimizer])];
    const profile = await profileSteps(
      () => bench.step(),
      steps,
      optimizers.map((target) => ({ target, method: 'applyGradients', origin: 'optimizer' as const })),
    );
    const { gan } = bench;
    const variableUpdatesPerStep =
      gan.config.discriminatorSteps * gan.discriminator.trainableWeights.length + gan.generator.trainableWeights.length;
    return {
      net,
      backend: tf.getBackend(),
      batchSize: bench.batchSize,
      msPerStep: times.length ? median(times) : null,
      variableUpdatesPerStep,
      profile,
    };
  } finally {
    await bench.stop();
  }
}

async function main(): Promise<void> {
  tf.env().set('PROD', true);
  await initBackend({ backend: args.backend as 'wasm', log: null });
  const reports: NetReport[] = [];
  for (const net of nets) {
    if (!args.json)
      process.stderr.write(`${args.backend} ${net}: ${warmup} warm-up, ${timed} timed, ${steps} profiled step(s) …\n`);
    const report = await profileNet(net);
    reports.push(report);
    if (args.json) continue;
    const p = report.profile;
    const stepMs = p.wallMsPerStep;
    console.log(`\n${BENCH_NETS[net].title}, ${report.backend}, batch ${report.batchSize}`);
    console.log(
      `  ${p.kernelsPerStep.toFixed(1)} kernels/step (${p.nestedPerStep.toFixed(1)} inside another kernel); ` +
        `profiled step ${stepMs.toFixed(1)} ms, ${p.kernelMsPerStep.toFixed(1)} ms in kernels ` +
        `(${((100 * p.kernelMsPerStep) / stepMs).toFixed(0)}%), ${(stepMs - p.kernelMsPerStep).toFixed(1)} ms outside, ` +
        `median kernel ${(1000 * p.medianCallMs).toFixed(0)} µs` +
        (report.msPerStep !== null ? `; unprofiled step ${report.msPerStep.toFixed(1)} ms` : ''),
    );
    const optimizer = p.byOrigin.find((g) => g.key === 'optimizer');
    if (optimizer)
      console.log(
        `  optimizer: ${optimizer.callsPerStep.toFixed(0)} kernels for ${report.variableUpdatesPerStep} variable updates ` +
          `(${(optimizer.callsPerStep / report.variableUpdatesPerStep).toFixed(1)} per variable, per-update scalars included)`,
      );
    console.log('\n' + table('kernel (by calls)', p.byKernel, stepMs, top));
    const byTime = [...p.byKernel].sort((a, b) => b.msPerStep - a.msPerStep);
    console.log('\n' + table('kernel (by time)', byTime, stepMs, Math.min(top, 10)));
    console.log('\n' + table('origin', p.byOrigin, stepMs, top));
    console.log('\n' + table('origin/op', p.byOp, stepMs, top));
  }
  if (args.json) console.log(JSON.stringify(reports, null, 2));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
