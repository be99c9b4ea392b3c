// The installed package bundled for a web page, as a user's bundler would: esbuild with platform
// 'browser' picks the package's "browser" export condition (dist/browser.js), and fails on any
// Node built-in the bundle would reach. Then the bundle is run in a bare Node VM context (no
// process, no require, no file system) with the cpu backend: it must build a CGAN, train a step and
// generate digits there too.
import { build } from 'esbuild';
import * as vm from 'node:vm';

const entry = `
  import { createCgan, datasets, initBrowserBackend, NodeOnlyError, pictures } from 'gankit';
  export async function run() {
    const backend = await initBrowserBackend({ prefer: ['webgl', 'cpu'], log: null });
    const gan = createCgan({ latentDim: 8, imageShape: [8, 8, 1], generator: { hiddenUnits: [16] }, discriminator: { hiddenUnits: [16] }, seed: 3 });
    const pixels = new Uint8Array(16 * 64).map((_, i) => (i * 31) % 256);
    const data = datasets.ImageDataset.fromPixels(pixels, [16, 8, 8, 1], Array.from({ length: 16 }, (_, i) => i % 10), { numClasses: 10 });
    const history = await gan.fit(data, { epochs: 1, batchSize: 8 });
    const grid = pictures.imageGrid(gan.generate({ labels: [1, 2, 3], seed: 1 }));
    let nodeOnly = '';
    try { await gan.save('folder'); } catch (error) { if (error instanceof NodeOnlyError) nodeOnly = error.feature; }
    return { backend: backend.name, dLoss: history[0].dLoss, grid: [grid.width, grid.height], nodeOnly, hasToImageData: typeof pictures.toImageData };
  }
`;

const result = await build({
  stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js' },
  bundle: true,
  platform: 'browser',
  format: 'iife',
  globalName: 'demo',
  write: false,
  metafile: true,
  logLevel: 'error',
});
const gankitFiles = Object.keys(result.metafile.inputs).filter((file) => file.includes('node_modules/gankit/'));
if (gankitFiles.length !== 1 || !gankitFiles[0].endsWith('node_modules/gankit/dist/browser.js')) {
  throw new Error(`expected the bundle to take gankit from dist/browser.js, got ${JSON.stringify(gankitFiles)}`);
}
const code = result.outputFiles[0].text;
// A context like a web worker's, with only what tfjs needs here (no process, no require, no fs).
const context = vm.createContext({
  console,
  setTimeout,
  clearTimeout,
  queueMicrotask,
  performance,
  TextEncoder,
  TextDecoder,
  URL,
  navigator: { userAgent: 'vm' },
});
context.self = context;
context.WorkerGlobalScope = function WorkerGlobalScope() {}; // tfjs's IS_BROWSER test for a worker
vm.runInContext(`${code}\nglobalThis.demo = demo;`, context);
const out = await context.demo.run();
console.log(
  `browser bundle: ${(code.length / 1024).toFixed(0)} kB; ran on ${out.backend}: D loss ${out.dLoss.toFixed(3)}, grid ${out.grid.join('×')}, save refused as '${out.nodeOnly}'`,
);
if (
  out.backend !== 'cpu' ||
  !Number.isFinite(out.dLoss) ||
  out.nodeOnly !== 'Gan.save' ||
  out.hasToImageData !== 'function'
) {
  throw new Error(`unexpected result ${JSON.stringify(out)}`);
}
