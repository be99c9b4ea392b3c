/**
 * The bulk of `GankitAdamUpdate` on the wasm backend, as a tiny WebAssembly SIMD function that
 * works in the backend's own memory. In JavaScript the loop costs ~12 ns per weight (float64
 * divisions and square roots, one element at a time), more than the 14 stock kernels it replaces
 * take on wasm's XNNPACK; four lanes of float32 arithmetic take a fraction of that.
 *
 * The function is assembled here, byte by byte from named instructions, rather than shipped as
 * an opaque blob. WebAssembly's `f32x4` add, mul, div and sqrt are IEEE-754 float32 operations,
 * correctly rounded, as are the stock kernels' (and {@link adamUpdateValues}' emulation), so the
 * results are the same bits.
 *
 * @packageDocumentation
 * @internal
 */

/** A fused Adam step over `n` float32s at byte addresses in the memory the function was built for. @internal */
export type AdamSimd = (
  variable: number,
  gradient: number,
  firstMoment: number,
  secondMoment: number,
  outVariable: number,
  outFirst: number,
  outSecond: number,
  n: number,
  beta1: number,
  oneMinusBeta1: number,
  beta2: number,
  oneMinusBeta2: number,
  oneMinusAccBeta1: number,
  oneMinusAccBeta2: number,
  epsilon: number,
  minusLearningRate: number,
) => void;

// Instructions (WebAssembly core and SIMD opcodes).
const BLOCK = 0x02;
const LOOP = 0x03;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const GET = 0x20;
const SET = 0x21;
const I32_CONST = 0x41;
const I32_GE_U = 0x4f;
const I32_ADD = 0x6a;
const I32_SHL = 0x74;
const VOID = 0x40;
const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const simd = (op: number): number[] => [0xfd, ...leb(op)];
const LOAD = (): number[] => [...simd(0x00), 0, 0]; // v128.load, alignment hint 1 byte, offset 0
const STORE = (): number[] => [...simd(0x0b), 0, 0];
const SPLAT = simd(0x13);
const SQRT = simd(0xe3);
const ADD = simd(0xe4);
const MUL = simd(0xe6);
const DIV = simd(0xe7);

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

const vector = (bytes: number[]): number[] => [...leb(bytes.length), ...bytes];
const name = (text: string): number[] => vector([...text].map((c) => c.charCodeAt(0)));
const section = (id: number, bytes: number[]): number[] => [id, ...vector(bytes)];

// Parameters 0–7: the seven addresses and the count; 8–15: the eight float32 scalars.
const [VAR, GRAD, M, V, OUT_VAR, OUT_M, OUT_V, N] = [0, 1, 2, 3, 4, 5, 6, 7];
// Locals: the byte offset and end, the eight scalars splatted, the gradient and the new moments.
const AT = 16;
const STOP = 17;
const SPLATS = 18; // 18–25: β1, 1−β1, β2, 1−β2, 1−β1ᵗ, 1−β2ᵗ, ε, −lr
const [B1, C1, B2, C2, K1, K2, EPS, NLR] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => SPLATS + i);
const [G, NEW_M, NEW_V] = [26, 27, 28];

const load = (base: number): number[] => [GET, base, GET, AT, I32_ADD, ...LOAD()];
const address = (base: number): number[] => [GET, base, GET, AT, I32_ADD];

/** The function body: the stock optimizer's operations, four lanes at a time. */
function body(): number[] {
  const locals = [2, 2, I32, 11, V128]; // two runs of locals: 2 × i32, 11 × v128
  const code = [
    ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((i) => [GET, 8 + i, ...SPLAT, SET, SPLATS + i]),
    ...[GET, N, I32_CONST, 2, I32_SHL, SET, STOP],
    ...[I32_CONST, 0, SET, AT],
    ...[BLOCK, VOID, LOOP, VOID],
    ...[GET, AT, GET, STOP, I32_GE_U, BR_IF, 1],
    ...[...load(GRAD), SET, G],
    // m' = m·β1 + g·(1−β1)
    ...[...load(M), GET, B1, ...MUL, GET, G, GET, C1, ...MUL, ...ADD, SET, NEW_M],
    // v' = v·β2 + g²·(1−β2)
    ...[...load(V), GET, B2, ...MUL, GET, G, GET, G, ...MUL, GET, C2, ...MUL, ...ADD, SET, NEW_V],
    ...[...address(OUT_M), GET, NEW_M, ...STORE()],
    ...[...address(OUT_V), GET, NEW_V, ...STORE()],
    // var' = (m'/(1−β1ᵗ)) / (sqrt(v'/(1−β2ᵗ)) + ε) · (−lr) + var
    ...address(OUT_VAR),
    ...[GET, NEW_M, GET, K1, ...DIV],
    ...[GET, NEW_V, GET, K2, ...DIV, ...SQRT, GET, EPS, ...ADD],
    ...[...DIV, GET, NLR, ...MUL, ...load(VAR), ...ADD, ...STORE()],
    ...[GET, AT, I32_CONST, 16, I32_ADD, SET, AT, BR, 0],
    ...[END, END, END],
  ];
  return vector([...locals, ...code]);
}

/**
 * The module's bytes: one function, `adam`, over an imported memory `env.memory`, `shared` for
 * the heap of a multi-threaded backend (an import must say so, with a maximum: the largest, so
 * that any heap's own maximum fits). @internal
 */
export function adamSimdModule(shared: boolean): Uint8Array<ArrayBuffer> {
  const params = [...Array(8).fill(I32), ...Array(8).fill(F32)];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, ...vector(params), 0]),
    // memory limits: at least 0 pages; shared ones also at most 65,536 (4 GiB)
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, ...(shared ? [0x03, 0, ...leb(65536)] : [0x00, 0])]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('adam'), 0x00, 0]),
    ...section(10, [1, ...body()]),
  ]);
}

// SharedArrayBuffer is absent in pages without cross-origin isolation; then no heap is shared.
const SharedArrayBufferOrNone: { new (...args: never[]): object } =
  typeof SharedArrayBuffer === 'undefined' ? class {} : SharedArrayBuffer;

const built = new WeakMap<WebAssembly.Memory, AdamSimd | null>();

/**
 * The SIMD function for `memory` (a wasm backend's heap, plain or shared), or `null` where it
 * cannot run (no WebAssembly SIMD in this engine). Built once per memory.
 * @internal
 */
export function adamSimdFor(memory: WebAssembly.Memory | undefined): AdamSimd | null {
  if (memory === undefined || typeof WebAssembly === 'undefined') return null;
  let fn = built.get(memory);
  if (fn === undefined) {
    fn = null;
    try {
      const bytes = adamSimdModule(memory.buffer instanceof SharedArrayBufferOrNone);
      if (WebAssembly.validate(bytes)) {
        const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
        fn = instance.exports.adam as AdamSimd;
      }
    } catch {
      fn = null; // a memory the import refuses: the JavaScript loop runs
    }
    built.set(memory, fn);
  }
  return fn;
}
