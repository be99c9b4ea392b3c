/**
 * Backend selection. gankit trains on whichever TensorFlow.js backend is fastest on the machine:
 * `tensorflow` (from the optional `@tensorflow/tfjs-node` package, native TensorFlow) when it is
 * installed and loads; else `wasm` (from the npm registry, with gankit's kernel patches); else
 * `cpu` (plain JavaScript). The environment variable `GANKIT_BACKEND=cpu|wasm|tensorflow`
 * overrides the choice.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { GanConfigError } from './errors';
import { patchCpuKernels } from './kernels/cpu';
import { patchWasmKernels } from './kernels/wasm';
import { registerLeakyReluGrad } from './kernels/leaky-relu-grad';

// The cpu backend's fixes apply as soon as gankit is imported (the cpu backend is always there).
patchCpuKernels();

/** The backends gankit knows how to start. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** What {@link initBackend} chose, and why. */
export interface BackendChoice {
  /** The active TensorFlow.js backend. */
  name: BackendName;
  /** Why it was chosen (shown in the one-line report). */
  reason: string;
}

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Force a backend (overrides `GANKIT_BACKEND`). */
  backend?: BackendName;
  /** Where to print the one-line report; `null` to stay silent (default `console.info`, or silent when `GANKIT_QUIET=1`). */
  log?: ((message: string) => void) | null;
}

const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];
let choice: BackendChoice | null = null;
let pending: Promise<BackendChoice> | null = null;

function requireFromProject(): NodeRequire {
  // Resolve optional packages from the user's project (the working directory).
  return createRequire(path.join(process.cwd(), 'noop.js'));
}

async function tryTensorflow(): Promise<boolean> {
  try {
    requireFromProject()('@tensorflow/tfjs-node');
  } catch {
    return false;
  }
  return tf.findBackendFactory('tensorflow') !== null && (await tf.setBackend('tensorflow'));
}

async function tryWasm(): Promise<boolean> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  patchWasmKernels();
  try {
    const dir = path.dirname(requireFromProject().resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    wasm.setWasmPaths(path.join(dir, 'dist') + path.sep);
  } catch {
    // Let the wasm backend find its binaries next to its own module.
  }
  try {
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

async function select(requested: BackendName | undefined): Promise<BackendChoice> {
  if (requested !== undefined) {
    const ok =
      requested === 'tensorflow'
        ? await tryTensorflow()
        : requested === 'wasm'
          ? await tryWasm()
          : await tf.setBackend('cpu');
    if (!ok) {
      const hint =
        requested === 'tensorflow'
          ? ' (is @tensorflow/tfjs-node installed? it needs libtensorflow, downloaded at its install)'
          : '';
      throw new GanConfigError('backend', `backend '${requested}' could not be started${hint}`);
    }
    return { name: requested, reason: 'requested' };
  }
  if (await tryTensorflow()) return { name: 'tensorflow', reason: '@tensorflow/tfjs-node is installed' };
  if (await tryWasm()) return { name: 'wasm', reason: 'fastest registry backend; @tensorflow/tfjs-node not installed' };
  await tf.setBackend('cpu');
  return { name: 'cpu', reason: 'wasm could not start' };
}

/**
 * Starts the fastest available backend (or the one requested) and reports the choice once.
 * Safe to call many times: later calls return the first choice. Call it before building models,
 * so their weights live on the chosen backend.
 *
 * @example
 * ```ts
 * const { name } = await initBackend();            // 'wasm' on a machine without tfjs-node
 * await initBackend({ backend: 'cpu', log: null }); // force cpu, silently (first call wins)
 * ```
 * @throws {@link GanConfigError} when a requested backend cannot start or the name is unknown.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendChoice> {
  const fromEnv = process.env.GANKIT_BACKEND;
  const requested = options.backend ?? (fromEnv === undefined || fromEnv === '' ? undefined : (fromEnv as BackendName));
  if (requested !== undefined && !BACKENDS.includes(requested)) {
    throw new GanConfigError(
      options.backend !== undefined ? 'backend' : 'GANKIT_BACKEND',
      `expected one of ${BACKENDS.join(', ')}, got '${requested}'`,
    );
  }
  if (choice !== null) return choice;
  if (pending !== null) return pending;
  pending = select(requested).then(
    (chosen) => {
      choice = chosen;
      pending = null;
      registerLeakyReluGrad(); // after every import of the program: no later copy of the stock gradients replaces it
      const log = options.log === undefined ? (process.env.GANKIT_QUIET === '1' ? null : console.info) : options.log;
      log?.(`gankit: using TensorFlow.js backend '${chosen.name}' (${chosen.reason})`);
      return chosen;
    },
    (error: unknown) => {
      pending = null;
      throw error;
    },
  );
  return pending;
}

/** The backend {@link initBackend} chose, or `null` if it has not run yet. */
export function backendChoice(): BackendChoice | null {
  return choice;
}
