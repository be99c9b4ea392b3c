/**
 * Counts and times the kernels a piece of TensorFlow.js work dispatches, on any backend.
 *
 * It runs the work under `tf.profile()`, which records one entry per kernel the engine runs, with
 * its wall time (`kernelTimeMs`), and adds what `tf.profile` leaves out, from the engine's own
 * state at the moment each kernel starts:
 *
 * - **nesting**: the engine runs kernels inside kernels (a kernel run under a gradient tape
 *   copies the tensors its gradient needs with an `Identity` kernel; a custom-gradient op runs its
 *   forward function as kernels under one entry named after its op). A parent's time includes its
 *   children's, so each call also gets a *self* time (its time minus its children's), and the
 *   self times add up to the time spent in kernels without counting anything twice.
 * - **origin**: the innermost of the engine scopes `forward` and `backward` (which
 *   `tf.variableGrads` opens around the loss and its gradient), or a scope the caller names
 *   (the CLI wraps the optimizers' `applyGradients` in `optimizer`); `other` for the rest.
 * - **op**: the outermost tfjs op the kernel ran under (every op opens a scope `<op>__op`).
 *
 * What the times measure: on the wasm and cpu backends `kernelTimeMs` is `performance.now()`
 * around the engine's call of the kernel function, i.e. the kernel's own (synchronous) work plus
 * the engine's wrapping of its outputs as tensors and, under a tape, the copies it saves for the
 * gradient. The engine's work between kernels (tape, scopes, disposal) and the model's own
 * JavaScript are outside every kernel; profiling adds its own bookkeeping there too, so a
 * profiled step is slower than an unprofiled one. On GPU backends the times would be GPU timer
 * queries, not wall time.
 *
 * To learn nesting and scopes it wraps the engine's (internal) `profiler.profileKernel`, which the
 * engine calls only while profiling, for the duration of one `profileKernels` call.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Where in a training step a kernel ran. */
export type KernelOrigin = 'forward' | 'backward' | 'optimizer' | 'other';

/** One kernel call, in the order the calls started. */
export interface KernelCall {
  /** The kernel's name (`MatMul`, `Identity`, …), or a custom-gradient op's scope name. */
  name: string;
  /** False for an entry that is not a kernel registered for the backend (a custom-gradient op). */
  registered: boolean;
  /** Index (in this list) of the call this one ran inside, or -1 at top level. */
  parent: number;
  /** Wall time of the call, children included (ms). */
  ms: number;
  /** `ms` minus the children's `ms`. */
  selfMs: number;
  origin: KernelOrigin;
  /** The outermost tfjs op the call ran under (`batchNorm`, `mul`, …), '' when none. */
  op: string;
  bytesAdded: number;
}

/** What {@link profileKernels} found. */
export interface KernelProfile {
  calls: KernelCall[];
  /** Wall time of the whole profiled work (ms), profiling overhead included. */
  wallMs: number;
}

/** The internals of the engine this module reads (not part of tfjs's public types). */
interface EngineInternals {
  profiler: { profileKernel: (name: string, inputs: unknown, f: () => tf.Tensor[]) => unknown };
  state: { scopeStack: Array<{ name: string }> };
}

const ORIGIN_SCOPES = new Set<string>(['forward', 'backward', 'optimizer']);

function originOf(scopes: Array<{ name: string }>): KernelOrigin {
  for (let i = scopes.length - 1; i >= 0; i--)
    if (ORIGIN_SCOPES.has(scopes[i].name)) return scopes[i].name as KernelOrigin;
  return 'other';
}

function opOf(scopes: Array<{ name: string }>): string {
  for (const s of scopes) if (s.name.endsWith('__op')) return s.name.slice(0, -'__op'.length);
  return '';
}

/**
 * Runs `work` once under the profiler and returns every kernel call it made. `work` may be async;
 * tensors it returns are the caller's to dispose.
 */
export async function profileKernels(
  work: () => tf.TensorContainer | Promise<tf.TensorContainer>,
): Promise<KernelProfile> {
  const engine = tf.engine() as unknown as EngineInternals;
  const backend = tf.getBackend();
  const profiler = engine.profiler;
  const original = profiler.profileKernel;
  type Started = Omit<KernelCall, 'ms' | 'selfMs' | 'bytesAdded'>;
  const started: Started[] = [];
  // tf.profile lists a call when it ends, so a parent after its children: `finished` maps that
  // order back onto `started`.
  const finished: number[] = [];
  const open: number[] = [];
  profiler.profileKernel = function (this: unknown, name, inputs, f) {
    const scopes = engine.state.scopeStack;
    const id = started.length;
    started.push({
      name,
      registered: tf.getKernel(name, backend) !== undefined,
      parent: open.length > 0 ? open[open.length - 1] : -1,
      origin: originOf(scopes),
      op: opOf(scopes),
    });
    open.push(id);
    try {
      const result = original.call(this, name, inputs, f);
      finished.push(id);
      return result;
    } finally {
      open.pop();
    }
  };
  let info: Awaited<ReturnType<typeof tf.profile>>;
  const t0 = performance.now();
  try {
    info = await tf.profile(work);
  } finally {
    profiler.profileKernel = original;
  }
  const wallMs = performance.now() - t0;
  if (info.kernels.length !== finished.length)
    throw new Error(
      `profileKernels: tf.profile listed ${info.kernels.length} kernels, the hook saw ${finished.length}`,
    );
  const calls: KernelCall[] = started.map((s) => ({ ...s, ms: 0, selfMs: 0, bytesAdded: 0 }));
  info.kernels.forEach((k, i) => {
    const call = calls[finished[i]];
    if (call.name !== k.name)
      throw new Error(`profileKernels: expected kernel '${call.name}', tf.profile has '${k.name}'`);
    call.ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    call.bytesAdded = k.bytesAdded;
  });
  for (const call of calls) call.selfMs = call.ms;
  for (const call of calls) if (call.parent >= 0) calls[call.parent].selfMs -= call.ms;
  return { calls, wallMs };
}

/** Calls and self time of one group of kernel calls, per step. */
export interface KernelGroup {
  key: string;
  callsPerStep: number;
  /** Of `callsPerStep`, those run inside another kernel. */
  nestedPerStep: number;
  msPerStep: number;
}

/** A profile of `steps` identical steps, per step. */
export interface StepProfile {
  steps: number;
  /** Registered kernels dispatched per step (custom-gradient entries left out: their kernels are counted). */
  kernelsPerStep: number;
  /** Of those, the ones run inside another kernel (mostly the tape's `Identity` copies). */
  nestedPerStep: number;
  /** Wall time of a profiled step (ms). */
  wallMsPerStep: number;
  /** Time inside kernels (sum of self times), per step (ms). */
  kernelMsPerStep: number;
  /** Median self time of one registered kernel call (ms): the typical cost of a small kernel. */
  medianCallMs: number;
  byKernel: KernelGroup[];
  byOrigin: KernelGroup[];
  /** By origin and outermost op, `origin/op`. */
  byOp: KernelGroup[];
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function group(calls: KernelCall[], steps: number, key: (c: KernelCall) => string): KernelGroup[] {
  const groups = new Map<string, KernelGroup>();
  for (const c of calls) {
    const k = key(c);
    const g = groups.get(k) ?? { key: k, callsPerStep: 0, nestedPerStep: 0, msPerStep: 0 };
    if (c.registered) g.callsPerStep += 1 / steps;
    if (c.registered && c.parent >= 0) g.nestedPerStep += 1 / steps;
    g.msPerStep += c.selfMs / steps;
    groups.set(k, g);
  }
  return [...groups.values()].sort((a, b) => b.callsPerStep - a.callsPerStep || b.msPerStep - a.msPerStep);
}

/** Sums a profile of `steps` identical steps into per-step figures, groups sorted by calls. */
export function summarizeSteps(profile: KernelProfile, steps: number): StepProfile {
  const { calls } = profile;
  const registered = calls.filter((c) => c.registered);
  return {
    steps,
    kernelsPerStep: registered.length / steps,
    nestedPerStep: registered.filter((c) => c.parent >= 0).length / steps,
    wallMsPerStep: profile.wallMs / steps,
    kernelMsPerStep: calls.reduce((s, c) => s + c.selfMs, 0) / steps,
    medianCallMs: median(registered.map((c) => c.selfMs)),
    byKernel: group(calls, steps, (c) => (c.registered ? c.name : `${c.name} (custom gradient)`)),
    byOrigin: group(calls, steps, (c) => c.origin),
    byOp: group(calls, steps, (c) => `${c.origin}/${c.op || '(no op)'}`),
  };
}

/**
 * Runs `step` `steps` times under the profiler and returns the per-step summary. `scoped` names
 * methods to run inside an engine scope of the given origin for the duration (e.g. an optimizer's
 * `applyGradients` as `optimizer`), so their kernels are attributed to it.
 */
export async function profileSteps(
  step: () => void,
  steps: number,
  scoped: Array<{ target: object; method: string; origin: KernelOrigin }> = [],
): Promise<StepProfile> {
  const restore: Array<() => void> = [];
  for (const { target, method, origin } of scoped) {
    const host = target as Record<string, unknown>;
    const own = Object.prototype.hasOwnProperty.call(host, method);
    const previous = host[method];
    if (typeof previous !== 'function') throw new Error(`profileSteps: ${method} is not a method of the target`);
    host[method] = function (this: unknown, ...args: unknown[]): unknown {
      tf.engine().startScope(origin);
      try {
        return (previous as (...a: unknown[]) => unknown).apply(this, args);
      } finally {
        // The methods scoped here return nothing the step keeps (an update); nothing is kept.
        tf.engine().endScope(undefined);
      }
    };
    restore.push(() => {
      if (own) host[method] = previous;
      else delete host[method];
    });
  }
  try {
    const profile = await profileKernels(() => {
      for (let i = 0; i < steps; i++) step();
      return [];
    });
    return summarizeSteps(profile, steps);
  } finally {
    for (const r of restore.reverse()) r();
  }
}
