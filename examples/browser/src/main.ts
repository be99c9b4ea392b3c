/// <reference lib="dom" />
/**
 * gankit's browser demo: a conditional GAN trained by `examples/cgan-mnist.ts`, exported small by
 * `scripts/export-demo-weights.ts`, drawing digits in the page; and a small CGAN trained live in
 * the tab. Built by `examples/browser/build.ts` (esbuild; `gankit` is the library's browser
 * entry), served by `examples/browser/serve.ts`.
 */
import * as tf from '@tensorflow/tfjs-core';
// Registers the WebGL backend; initBrowserBackend passes over a WebGL that renders in software
// (headless Chromium's SwiftShader) and falls back to wasm.
import '@tensorflow/tfjs-backend-webgl';
import { initBrowserBackend, type BrowserBackendName } from 'gankit';
import { setupLiveTraining } from './live-training';
import { startPretrained } from './pretrained';
import { byId, reportError, state } from './state';

window.addEventListener('error', (event) => reportError(event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => reportError(event.reason));

/** URLs relative to the page, so the demo works from any folder of a static host. */
const base = new URL('./', document.baseURI).href;

const BACKENDS: readonly BrowserBackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * The backends to try: `?backend=<name>` first when given (even a WebGL that renders in software);
 * else WebGL (the page registers no WebGPU), wasm, cpu.
 */
function backendOrder(): { prefer: BrowserBackendName[]; note: string | null } {
  const asked = new URLSearchParams(window.location.search).get('backend');
  if (asked !== null && (BACKENDS as readonly string[]).includes(asked)) {
    return {
      prefer: [...new Set<BrowserBackendName>([asked as BrowserBackendName, 'wasm', 'cpu'])],
      note: `asked for ${asked} in the URL`,
    };
  }
  return { prefer: ['webgl', 'wasm', 'cpu'], note: null };
}

async function main(): Promise<void> {
  tf.enableProdMode();
  const { prefer, note } = backendOrder();
  const backend = await initBrowserBackend({
    prefer,
    allowSoftwareWebGL: note !== null,
    wasmPaths: `${base}wasm/`,
    log: null,
  });
  state.backend = backend.name;
  state.backendReason =
    note === null
      ? backend.reason
      : `${note}; ${backend.reason === 'first choice' ? `${backend.name} started` : backend.reason}`;
  byId('backend').textContent = backend.name;
  byId('backend-reason').textContent = state.backendReason === 'first choice' ? '' : `(${state.backendReason})`;
  setupLiveTraining(`${base}data/mnist-subset.bin`);
  await startPretrained(`${base}generator/`);
}

main().catch((error: unknown) => {
  byId('backend').textContent = state.backend ?? 'none';
  reportError(error);
});
