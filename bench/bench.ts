/**
 * `npm run bench`: how fast gankit trains the three seed nets on this machine.
 *
 * For every backend present (tensorflow when @tensorflow/tfjs-node is installed, wasm, cpu) it
 * times one training iteration per net in a fresh child process, then, when Python with PyTorch
 * is installed, the same iteration of the same nets in PyTorch (bench/torch_reference.py), and
 * prints ms per iteration (median after warm-up), samples/s, GFLOP/s, % of the machine's FP32
 * peak, the ratio gankit / PyTorch, and the kernels one iteration dispatches (one profiled
 * iteration after the timing, at 1 thread; see bench/profile-step.ts for the breakdown). `--json`
 * prints the whole result as JSON instead.
 *
 *   npm run bench
 *   npm run bench -- --nets cgan,dcgan --backends wasm --iters 20
 *   npm run bench -- --json > bench.json
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo, type MachineInfo } from './machine';
import { BENCH_NETS, parseBenchNets, type BenchNet } from './nets';
import type { Measurement } from './measure';
import { textTable } from './table';

const here = path.dirname(fileURLToPath(import.meta.url));
const ALL_BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;

const { values: args } = parseArgs({
  options: {
    nets: { type: 'string', default: 'gan,cgan,dcgan' },
    backends: { type: 'string' },
    warmup: { type: 'string', default: '3' },
    iters: { type: 'string', default: '10' },
    'budget-seconds': { type: 'string', default: '60' },
    'batch-size': { type: 'string' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string', default: '1,2' },
    torch: { type: 'boolean', default: true },
    'torch-threads': { type: 'string', default: '2' },
    python: { type: 'string', default: process.env.PYTHON ?? 'python3' },
    'peak-gflops': { type: 'string' },
    json: { type: 'boolean', default: false },
    child: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  allowNegative: true,
});

function positive(name: string, value: string | undefined, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !allowZero))
    throw new Error(`--${name}: expected a ${allowZero ? 'non-negative' : 'positive'} number, got '${value}'`);
  return n;
}

if (args.help) {
  console.log(`npm run bench -- [options]
  --nets gan,cgan,dcgan   which seed nets (001 MLP GAN, 002 MLP CGAN, 000 DCGAN CGAN)
  --backends wasm,cpu     which backends (default: every one installed)
  --warmup 3 --iters 10   untimed and timed iterations (median reported)
  --budget-seconds 60     stop timing a net after this long (at least 1 iteration; warm-up ≤ 1/4 of it)
  --batch-size N          override the seeds' batch sizes (100, 64, 64)
  --workers 1,2           data-parallel thread counts to time (fit({ workers }))
  --no-torch              skip the PyTorch reference; --torch-threads 2; --python python3
  --peak-gflops N         the machine's FP32 peak, if the estimate from /proc/cpuinfo is wrong
  --json                  print JSON instead of tables`);
  process.exit(0);
}

const nets = parseBenchNets(args.nets);
const measureOptions = {
  warmup: positive('warmup', args.warmup, true) ?? 3,
  iters: positive('iters', args.iters) ?? 10,
  budgetSeconds: positive('budget-seconds', args['budget-seconds']) ?? 60,
  batchSize: positive('batch-size', args['batch-size']),
  seed: Number(args.seed),
};
const workerCounts = (args.workers ?? '1').split(',').map((w) => positive('workers', w) as number);

/** Child mode: one backend, every net, JSON on stdout. */
async function child(backend: string): Promise<void> {
  const tf = await import('@tensorflow/tfjs-core');
  const { initBackend } = await import('../src/index');
  const { measure } = await import('./measure');
  tf.env().set('PROD', true);
  await initBackend({ backend: backend as 'wasm', log: null });
  const results: Measurement[] = [];
  for (const net of nets) {
    for (const workers of workerCounts) {
      process.stderr.write(`  ${backend} ${net} ${workers} thread(s) …\n`);
      results.push(await measure(net, { ...measureOptions, workers }));
    }
  }
  process.stdout.write(JSON.stringify(results));
}

function backendInstalled(name: string): boolean {
  const pkg = name === 'tensorflow' ? '@tensorflow/tfjs-node' : `@tensorflow/tfjs-backend-${name}`;
  try {
    return fs.existsSync(
      path.join(path.dirname(fileURLToPath(import.meta.resolve(`${pkg}/package.json`))), 'package.json'),
    );
  } catch {
    return false;
  }
}

function runChild(backend: string): Measurement[] | { error: string } {
  const childArgs = [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    '--child',
    backend,
    '--nets',
    nets.join(','),
    '--warmup',
    String(measureOptions.warmup),
    '--iters',
    String(measureOptions.iters),
    '--budget-seconds',
    String(measureOptions.budgetSeconds),
    '--seed',
    String(measureOptions.seed),
    '--workers',
    workerCounts.join(','),
    ...(measureOptions.batchSize ? ['--batch-size', String(measureOptions.batchSize)] : []),
  ];
  const run = spawnSync(process.execPath, childArgs, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', args.json ? 'pipe' : 'inherit'],
    maxBuffer: 1 << 24,
  });
  if (run.status !== 0)
    return { error: `exit ${run.status}: ${(run.stderr ?? '').trim().split('\n').slice(-3).join(' ')}` };
  return JSON.parse(run.stdout) as Measurement[];
}

interface TorchResult {
  net: BenchNet;
  batchSize: number;
  msPerIter: { median: number; min: number; mean: number };
  samplesPerSec: number;
  flopsPerIter: number;
  gflops: number;
}
interface TorchReport {
  tool: 'pytorch';
  torchVersion?: string;
  threads?: number;
  blasLibrary?: string;
  results?: TorchResult[];
  error?: string;
}

function runTorch(): TorchReport {
  const script = path.join(here, 'torch_reference.py');
  const torchArgs = [
    script,
    '--json',
    '--nets',
    nets.join(','),
    '--threads',
    String(args['torch-threads']),
    '--warmup',
    String(measureOptions.warmup),
    '--iters',
    String(measureOptions.iters),
    '--seed',
    String(measureOptions.seed),
    ...(measureOptions.batchSize ? ['--batch-size', String(measureOptions.batchSize)] : []),
  ];
  const run = spawnSync(args.python as string, torchArgs, {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 24,
  });
  if (run.error) return { tool: 'pytorch', error: `${args.python}: ${run.error.message}` };
  try {
    return JSON.parse(run.stdout) as TorchReport;
  } catch {
    return {
      tool: 'pytorch',
      error: `exit ${run.status}: ${(run.stderr ?? '').trim().split('\n').slice(-2).join(' ')}`,
    };
  }
}

async function main(): Promise<void> {
  if (args.child) return child(args.child);
  const machine: MachineInfo = machineInfo(positive('peak-gflops', args['peak-gflops']));
  const backends = (args.backends ? args.backends.split(',') : ALL_BACKENDS.filter(backendInstalled)).filter(Boolean);
  const log = (s: string): void => {
    if (!args.json) console.log(s);
  };
  log(
    `gankit bench: ${machine.cpu}, ${machine.cores} cores at ${machine.mhz} MHz (${machine.simd}), FP32 peak ≈ ${machine.peakGflops.toFixed(0)} GFLOP/s`,
  );
  log(
    `nets: ${nets.join(', ')}; backends: ${backends.join(', ')}; warm-up ${measureOptions.warmup}, median of ${measureOptions.iters} (≤ ${measureOptions.budgetSeconds} s each)`,
  );
  const gankit: Record<string, Measurement[] | { error: string }> = {};
  for (const backend of backends) gankit[backend] = runChild(backend);
  const torch = args.torch ? runTorch() : { tool: 'pytorch' as const, error: 'skipped (--no-torch)' };
  const torchByNet = new Map((torch.results ?? []).map((r) => [r.net, r]));

  const rows: string[][] = [
    ['net', 'backend', 'batch', 'ms/iter', 'samples/s', 'GFLOP/s', '% peak', '× PyTorch', 'kernels/step'],
  ];
  const summary: Array<Record<string, unknown>> = [];
  for (const net of nets) {
    for (const backend of backends) {
      const results = gankit[backend];
      if (!Array.isArray(results)) {
        rows.push([BENCH_NETS[net].title, backend, '', 'error', '', '', '', '', '']);
        continue;
      }
      for (const m of results.filter((r) => r.net === net)) {
        const ref = torchByNet.get(net);
        const ratio = ref ? m.msPerIter.median / ref.msPerIter.median : undefined;
        rows.push([
          BENCH_NETS[net].title,
          `${m.backend} ${m.workers}t`,
          String(m.batchSize),
          m.msPerIter.median.toFixed(1) + (m.fromWarmup ? '*' : ''),
          m.samplesPerSec.toFixed(0),
          m.gflops.toFixed(1),
          ((100 * m.gflops) / machine.peakGflops).toFixed(1),
          ratio !== undefined ? ratio.toFixed(2) : '–',
          m.kernelsPerStep !== null ? String(m.kernelsPerStep) : '–',
        ]);
        summary.push({
          net,
          backend: m.backend,
          workers: m.workers,
          msPerIter: m.msPerIter.median,
          ratioToPytorch: ratio,
          kernelsPerStep: m.kernelsPerStep,
        });
      }
    }
    const ref = torchByNet.get(net);
    if (ref) {
      rows.push([
        BENCH_NETS[net].title,
        `pytorch ${torch.threads}t`,
        String(ref.batchSize),
        ref.msPerIter.median.toFixed(1),
        ref.samplesPerSec.toFixed(0),
        ref.gflops.toFixed(1),
        ((100 * ref.gflops) / machine.peakGflops).toFixed(1),
        '1.00',
        '–',
      ]);
    }
  }
  if (args.json) {
    console.log(JSON.stringify({ machine, options: measureOptions, gankit, pytorch: torch, summary }, null, 2));
    return;
  }
  console.log('\n' + textTable(rows));
  if (Object.values(gankit).some((r) => Array.isArray(r) && r.some((m) => m.fromWarmup))) {
    console.log(
      `\n* slower than the budget (--budget-seconds ${measureOptions.budgetSeconds}): the time of ${'the'} warm-up iteration(s), including one-time set-up`,
    );
  }
  if (Object.values(gankit).some((r) => Array.isArray(r) && r.some((m) => m.kernelsPerStep === null)))
    console.log(
      '\nkernels/step: counted at 1 thread only (other threads are not profiled), and not when the warm-up used the budget',
    );
  for (const [backend, r] of Object.entries(gankit)) if (!Array.isArray(r)) console.log(`\n${backend}: ${r.error}`);
  if (torch.error)
    console.log(
      `\nPyTorch reference: ${torch.error}${/No module named|import/.test(torch.error) ? ' (apt-get install python3-torch)' : ''}`,
    );
  const leaks = Object.values(gankit).flatMap((r) =>
    Array.isArray(r) ? r.filter((m) => m.tensorGrowth !== null && m.tensorGrowth !== 0) : [],
  );
  for (const m of leaks)
    console.log(
      `warning: ${m.backend} ${m.net} ${m.workers}t: ${m.tensorGrowth} tensors more after timing than before`,
    );
  if (torch.blasLibrary && /\/blas\/libblas/.test(torch.blasLibrary)) {
    console.log(
      `\nnote: PyTorch loaded the reference BLAS (${torch.blasLibrary}); install libopenblas0-pthread for a fair reference`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
