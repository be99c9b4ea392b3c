/// <reference lib="dom" />
/**
 * Backend selection in a web page. The page registers the GPU backends it wants by importing their
 * packages (`@tensorflow/tfjs-backend-webgl`, `@tensorflow/tfjs-backend-webgpu`); gankit brings
 * wasm (with its kernel patches) and cpu. {@link initBrowserBackend} starts the first of them that
 * works.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { GanConfigError } from './errors';
import { patchCpuKernels } from './kernels/cpu';
import { patchWasmKernels } from './kernels/wasm';

patchCpuKernels();

/** The backends a page can run gankit on, fastest first. */
export type BrowserBackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** What {@link initBrowserBackend} chose, and why the faster ones were passed over. */
export interface BrowserBackendChoice {
  /** The active TensorFlow.js backend. */
  name: BrowserBackendName;
  /** Why it was chosen, e.g. `"webgl: a software renderer (SwiftShader), slower than wasm; wasm started"`. */
  reason: string;
}

/** Options of {@link initBrowserBackend}. */
export interface InitBrowserBackendOptions {
  /** The backends to try, in order (default `['webgpu', 'webgl', 'wasm', 'cpu']`). */
  prefer?: readonly BrowserBackendName[];
  /**
   * Where the page serves tfjs-backend-wasm's `.wasm` files (copied from
   * `node_modules/@tensorflow/tfjs-backend-wasm/dist/`), as a URL prefix ending in `/`. Without
   * it, the wasm backend looks next to the page's script.
   */
  wasmPaths?: string;
  /**
   * Start WebGL even when its renderer is a software rasterizer (SwiftShader, llvmpipe: what a
   * browser without a usable GPU offers, headless Chromium among them), where it runs on the CPU
   * several times slower than wasm. Default `false`: such a WebGL is passed over.
   */
  allowSoftwareWebGL?: boolean;
  /** Where to print the one-line report; `null` to stay silent (default `console.info`). */
  log?: ((message: string) => void) | null;
}

/**
 * The WebGL renderer's name when it is a software rasterizer, else `null` (also when there is no
 * WebGL, or no DOM). It asks where tfjs-backend-webgl gets its context: an OffscreenCanvas when
 * there is one, else a canvas element.
 */
function softwareWebGLRenderer(): string | null {
  try {
    const offscreen = typeof OffscreenCanvas === 'undefined' ? null : new OffscreenCanvas(1, 1).getContext('webgl2');
    const canvas = typeof document === 'undefined' ? null : document.createElement('canvas');
    const gl = (offscreen ??
      canvas?.getContext('webgl2') ??
      canvas?.getContext('webgl') ??
      null) as WebGLRenderingContext | null;
    if (gl === null) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info === null ? gl.RENDERER : info.UNMASKED_RENDERER_WEBGL));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    const software = /swiftshader|llvmpipe|softpipe|software|basic render/i.exec(renderer);
    if (software === null) return null;
    return /swiftshader/i.test(renderer) ? 'SwiftShader' : software[0];
  } catch {
    return null;
  }
}

const ALL: readonly BrowserBackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
let chosen: Promise<BrowserBackendChoice> | null = null;

async function attempt(name: BrowserBackendName, options: InitBrowserBackendOptions): Promise<string | null> {
  if (name === 'wasm') {
    patchWasmKernels();
    if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths);
  } else if (tf.findBackendFactory(name) === null) {
    return name === 'cpu' ? 'not registered' : `not registered (import '@tensorflow/tfjs-backend-${name}')`;
  } else if (name === 'webgl' && options.allowSoftwareWebGL !== true) {
    const software = softwareWebGLRenderer();
    if (software !== null) return `a software renderer (${software}), slower than wasm`;
  }
  try {
    if (await tf.setBackend(name)) {
      await tf.ready();
      return null;
    }
    return 'failed to start';
  } catch (error) {
    return `failed to start (${(error as Error).message})`;
  }
}

/**
 * Starts the first backend of `prefer` that is registered and starts in this browser (passing over
 * a WebGL that renders in software, see {@link InitBrowserBackendOptions.allowSoftwareWebGL}), and
 * reports the choice once. Safe to call many times: later calls return the first choice. Call it before
 * building or loading models, so their weights live on the chosen backend.
 *
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-webgl';
 * import { initBrowserBackend } from 'gankit';
 *
 * const { name } = await initBrowserBackend({ wasmPaths: '/wasm/' }); // 'webgl' where WebGL works
 * ```
 * @throws {@link GanConfigError} when `prefer` names an unknown backend, or when none of them starts.
 */
export function initBrowserBackend(options: InitBrowserBackendOptions = {}): Promise<BrowserBackendChoice> {
  const prefer = options.prefer ?? ALL;
  if (!Array.isArray(prefer) || prefer.length === 0)
    throw new GanConfigError('prefer', `expected a non-empty list of ${ALL.join(', ')}`);
  for (const name of prefer) {
    if (!ALL.includes(name))
      throw new GanConfigError('prefer', `expected backends among ${ALL.join(', ')}, got '${String(name)}'`);
  }
  if (chosen !== null) return chosen;
  const run = async (): Promise<BrowserBackendChoice> => {
    const passed: string[] = [];
    for (const name of prefer) {
      const failure = await attempt(name, options);
      if (failure === null) {
        const choice = { name, reason: passed.length === 0 ? 'first choice' : `${passed.join('; ')}; ${name} started` };
        const log = options.log === undefined ? console.info : options.log;
        log?.(`gankit: using TensorFlow.js backend '${name}' (${choice.reason})`);
        return choice;
      }
      passed.push(`${name}: ${failure}`);
    }
    throw new GanConfigError('prefer', `no backend started (${passed.join('; ')})`);
  };
  chosen = run().catch((error: unknown) => {
    chosen = null;
    throw error;
  });
  return chosen;
}
