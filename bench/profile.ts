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
 * - **origin**: `optimizer` (or another origin) inside a method the caller marks with
 *   {@link profileSteps}' `marked` (the CLI marks the optimizers' `applyGradients`), else the
 *   innermost of the engine scopes `forward` and `backward` (which `tf.variableGrads` opens around
 *   the loss and around its gradient), else `other`.
 * - **op**: in the backward pass, `grad(Kernel)`, the forward kernel whose gradient the call
 *   computes ('' for the `Add`s that sum gradients meeting at a tensor); elsewhere the outermost tfjs op the call
 *   ran under (every op opens an engine scope `<op>__op`).
 *
 * What the times measure: on the wasm and cpu backends `kernelTimeMs` is `performance.now()`
 * around the engine's call of the kernel function, i.e. the kernel's own (synchronous) work plus
 * the engine's wrapping of its outputs as tensors and, under a tape, the copies it saves for the
 * gradient. The engine's work between kernels (tape, scopes, disposal) and the model's own
 * JavaScript are outside every kernel; profiling adds its own bookkeeping there too, so a
 * profiled step is slower than an unprofiled one. On GPU backends the times would be GPU timer
 * queries, not wall time.
 *
 * To learn nesting and scopes it wraps, for the duration of one `profileKernels` call, two of the
 * engine's internal methods: `profiler.profileKernel`, which the engine calls at the start of each
 * kernel only while profiling, and `addTapeNode`, to label each tape node's gradient functions
 * with the kernel they differentiate. Neither wrapper changes what runs or what is kept.
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
  /** `grad(Kernel)` in the backward pass, else the outermost tfjs op the call ran under (`batchNorm`, …); '' when none. */
  op: string;
  bytesAdded: number;
}

/** What {@link profileKernels} found. */
export interface KernelProfile {
  calls: KernelCall[];
  /** Wall time of the whole profiled work (ms), profiling overhead included. */
  wallMs: number;
  /** What `work` returned: the caller's to dispose. */
  result: tf.TensorContainer;
}

/** The internals of the engine this module reads (not part of tfjs's public types). */
type GradientFunc = (dys: unknown) => Record<string, () => tf.Tensor>;
interface TapeNode {
  kernelName: string;
  gradient?: GradientFunc;
}
interface EngineInternals {
  profiler: { profileKernel: (name: string, inputs: unknown, f: () => tf.Tensor[]) => unknown };
  addTapeNode: (kernelName: string, ...rest: unknown[]) => void;
  state: { scopeStack: Array<{ name: string }>; activeTape: TapeNode[] | null; profiling: boolean };
}

/** Origins marked by {@link profileSteps}' wrappers, innermost last. */
const marks: KernelOrigin[] = [];
/** Kernels whose gradient is being computed, innermost last. */
const gradients: string[] = [];

function originOf(scopes: Array<{ name: string }>): KernelOrigin {
  if (marks.length > 0) return marks[marks.length - 1];
  for (let i = scopes.length - 1; i >= 0; i--)
    if (scopes[i].name === 'forward' || scopes[i].name === 'backward') return scopes[i].name as KernelOrigin;
  return 'other';
}

function opOf(scopes: Array<{ name: string }>): string {
  if (gradients.length > 0) return `grad(${gradients[gradients.length - 1]})`;
  for (const s of scopes) if (s.name.endsWith('__op')) return s.name.slice(0, -'__op'.length);
  return '';
}

/** Runs `f` with `label` on top of `stack`. */
function within<L, T>(stack: L[], label: L, f: () => T): T {
  stack.push(label);
  try {
    return f();
  } finally {
    stack.pop();
  }
}

/** `gradient`, with it and the thunks it returns labelled as computing `kernelName`'s gradient. */
function labelGradient(kernelName: string, gradient: GradientFunc): GradientFunc {
  return (dys) =>
    within(gradients, kernelName, () => {
      const thunks = gradient(dys);
      const labelled: Record<string, () => tf.Tensor> = {};
      for (const [input, thunk] of Object.entries(thunks)) labelled[input] = () => within(gradients, kernelName, thunk);
      return labelled;
    });
}

/**
 * Runs `work` once under the profiler and returns every kernel call it made, and its result.
 * `work` may be async. Profiles do not nest: calling this while a profile runs is an error.
 */
export async function profileKernels(
  work: () => tf.TensorContainer | Promise<tf.TensorContainer>,
): Promise<KernelProfile> {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.state.profiling) throw new Error('profileKernels: already profiling (profiles do not nest)');
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
  const addTapeNode = engine.addTapeNode;
  engine.addTapeNode = function (this: unknown, kernelName, ...rest) {
    addTapeNode.call(this, kernelName, ...rest);
    const tape = engine.state.activeTape;
    const node = tape?.[tape.length - 1];
    if (node?.gradient) node.gradient = labelGradient(kernelName, node.gradient);
  };
  let info: Awaited<ReturnType<typeof tf.profile>>;
  const t0 = performance.now();
  try {
    info = await tf.profile(work);
  } finally {
    profiler.profileKernel = original;
    // tf.profile leaves the engine profiling (every later kernel recorded) when the work throws.
    engine.state.profiling = false;
    // The engine's own method is on its prototype: removing the wrapper restores it.
    delete (engine as Partial<EngineInternals>).addTapeNode;
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
  return { calls, wallMs, result: info.result };
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

/** A method whose kernels {@link profileSteps} attributes to `origin`. */
export interface MarkedMethod {
  target: object;
  method: string;
  origin: KernelOrigin;
}

/**
 * Runs `step` `steps` times under the profiler and returns the per-step summary. `marked` names
 * methods whose kernels count as `origin` (e.g. an optimizer's `applyGradients` as `optimizer`);
 * they are wrapped on their objects for the duration and restored afterwards.
 */
export async function profileSteps(step: () => void, steps: number, marked: MarkedMethod[] = []): Promise<StepProfile> {
  const restore: Array<() => void> = [];
  try {
    for (const { target, method, origin } of marked) {
      const host = target as Record<string, unknown>;
      const own = Object.prototype.hasOwnProperty.call(host, method);
      const previous = host[method];
      if (typeof previous !== 'function') throw new Error(`profileSteps: ${method} is not a method of the target`);
      host[method] = function (this: unknown, ...args: unknown[]): unknown {
        return within(marks, origin, () => (previous as (...a: unknown[]) => unknown).apply(this, args));
      };
      restore.push(() => {
        if (own) host[method] = previous;
        else delete host[method];
      });
    }
    const profile = await profileKernels(() => {
      for (let i = 0; i < steps; i++) step();
      return [];
    });
    return summarizeSteps(profile, steps);
  } finally {
    for (const r of restore.reverse()) r();
  }
}
