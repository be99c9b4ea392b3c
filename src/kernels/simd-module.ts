/**
 * A small assembler for one-function WebAssembly SIMD modules that work in a wasm backend's own
 * heap: the fused kernels' loops (Adam's update, LeakyReLU's gradient) run four float32 lanes at
 * a time where JavaScript runs one element at a time at several times the stock kernels' cost.
 * The bytes are built here from named instructions rather than shipped as an opaque blob.
 *
 * @packageDocumentation
 * @internal
 */

/** Core instructions and types (WebAssembly opcodes). @internal */
export const OP = Object.freeze({
  BLOCK: 0x02,
  LOOP: 0x03,
  END: 0x0b,
  BR: 0x0c,
  BR_IF: 0x0d,
  GET: 0x20,
  SET: 0x21,
  I32_CONST: 0x41,
  I32_GE_U: 0x4f,
  I32_ADD: 0x6a,
  I32_SHL: 0x74,
  VOID: 0x40,
  I32: 0x7f,
  F32: 0x7d,
  V128: 0x7b,
});

/** Unsigned LEB128, as WebAssembly encodes sizes, indices and SIMD opcodes. @internal */
export function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

const simd = (op: number): number[] => [0xfd, ...leb(op)];

/** SIMD instructions (the `0xfd` prefix and the opcode). @internal */
export const SIMD = Object.freeze({
  LOAD: [...simd(0x00), 0, 0], // v128.load, alignment hint 1 byte, offset 0
  STORE: [...simd(0x0b), 0, 0], // v128.store
  SPLAT: simd(0x13), // f32x4.splat
  GT: simd(0x44), // f32x4.gt: all ones in the lanes where a > b
  BITSELECT: simd(0x52), // v128.bitselect(a, b, mask): a's bits where mask is set, b's elsewhere
  SQRT: simd(0xe3),
  ADD: simd(0xe4),
  MUL: simd(0xe6),
  DIV: simd(0xe7),
});

const vector = (bytes: number[]): number[] => [...leb(bytes.length), ...bytes];
const name = (text: string): number[] => vector([...text].map((c) => c.charCodeAt(0)));
const section = (id: number, bytes: number[]): number[] => [id, ...vector(bytes)];

/** `get base; get at; i32.add`: the address of the current four lanes of the array at `base`. @internal */
export const address = (base: number, at: number): number[] => [OP.GET, base, OP.GET, at, OP.I32_ADD];

/** The current four lanes of the array at `base`. @internal */
export const load = (base: number, at: number): number[] => [...address(base, at), ...SIMD.LOAD];

/**
 * A loop over byte offsets `at = 0, 16, … < stop` (locals `at` and `stop`, already set) around `step`.
 * @internal
 */
export function loopOverLanes(at: number, stop: number, step: number[]): number[] {
  return [
    ...[OP.BLOCK, OP.VOID, OP.LOOP, OP.VOID],
    ...[OP.GET, at, OP.GET, stop, OP.I32_GE_U, OP.BR_IF, 1],
    ...step,
    ...[OP.GET, at, OP.I32_CONST, 16, OP.I32_ADD, OP.SET, at, OP.BR, 0],
    ...[OP.END, OP.END],
  ];
}

/**
 * The bytes of a module exporting one function `exportName` (parameters of the types `params`,
 * no result; `locals` as runs of `[count, type]`) over an imported memory `env.memory`, `shared`
 * for the heap of a multi-threaded backend (an import must say so, with a maximum: the largest, so
 * that any heap's own maximum fits). @internal
 */
export function simdModule(
  exportName: string,
  params: number[],
  locals: Array<[number, number]>,
  code: number[],
  shared: boolean,
): Uint8Array<ArrayBuffer> {
  const body = vector([...leb(locals.length), ...locals.flatMap(([n, type]) => [...leb(n), type]), ...code, OP.END]);
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, ...vector(params), 0]),
    // memory limits: at least 0 pages; shared ones also at most 65,536 (4 GiB)
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, ...(shared ? [0x03, 0, ...leb(65536)] : [0x00, 0])]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name(exportName), 0x00, 0]),
    ...section(10, [1, ...body]),
  ]);
}

// SharedArrayBuffer is absent in pages without cross-origin isolation; then no heap is shared.
const SharedArrayBufferOrNone: { new (...args: never[]): object } =
  typeof SharedArrayBuffer === 'undefined' ? class {} : SharedArrayBuffer;

const built = new Map<string, WeakMap<WebAssembly.Memory, unknown>>();

/**
 * The function `exportName` of the module `build(shared)` makes, instantiated over `memory` (a
 * wasm backend's heap, plain or shared), or `null` where it cannot run (no WebAssembly SIMD in
 * this engine, or a memory the import refuses). Built once per memory and `exportName`.
 * @internal
 */
export function simdFunctionFor<F>(
  exportName: string,
  memory: WebAssembly.Memory | undefined,
  build: (shared: boolean) => Uint8Array<ArrayBuffer>,
): F | null {
  if (memory === undefined || typeof WebAssembly === 'undefined') return null;
  let byMemory = built.get(exportName);
  if (byMemory === undefined) {
    byMemory = new WeakMap();
    built.set(exportName, byMemory);
  }
  if (byMemory.has(memory)) return byMemory.get(memory) as F | null;
  let fn: F | null = null;
  try {
    const bytes = build(memory.buffer instanceof SharedArrayBufferOrNone);
    if (WebAssembly.validate(bytes)) {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      fn = instance.exports[exportName] as F;
    }
  } catch {
    fn = null; // the caller's JavaScript loop runs
  }
  byMemory.set(memory, fn);
  return fn;
}
