/**
 * The bulk of `GankitAdamUpdate` on the wasm backend, as a tiny WebAssembly SIMD function that
 * works in the backend's own memory. In JavaScript the loop costs ~12 ns per weight (float64
 * divisions and square roots, one element at a time), more than the 14 stock kernels it replaces
 * take on wasm's XNNPACK; four lanes of float32 arithmetic take a fraction of that.
 *
 * The function is assembled by src/kernels/simd-module.ts from named instructions. WebAssembly's `f32x4` add, mul, div and sqrt are IEEE-754 float32 operations,
 * correctly rounded, as are the stock kernels' (and {@link adamUpdateValues}' emulation), so the
 * results are the same bits.
 *
 * @packageDocumentation
 * @internal
 */
import { OP, SIMD, address, load, loopOverLanes, simdFunctionFor, simdModule } from './simd-module';

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

const { GET, SET, I32_CONST, I32_SHL, I32, F32, V128 } = OP;
const { SPLAT, STORE, SQRT, ADD, MUL, DIV } = SIMD;

// Parameters 0–7: the seven addresses and the count; 8–15: the eight float32 scalars.
const [VAR, GRAD, M, V, OUT_VAR, OUT_M, OUT_V, N] = [0, 1, 2, 3, 4, 5, 6, 7];
// Locals: the byte offset and end, the eight scalars splatted, the gradient and the new moments.
const AT = 16;
const STOP = 17;
const SPLATS = 18; // 18–25: β1, 1−β1, β2, 1−β2, 1−β1ᵗ, 1−β2ᵗ, ε, −lr
const [B1, C1, B2, C2, K1, K2, EPS, NLR] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => SPLATS + i);
const [G, NEW_M, NEW_V] = [26, 27, 28];

/** The function body: the stock optimizer's operations, four lanes at a time. */
function code(): number[] {
  return [
    ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((i) => [GET, 8 + i, ...SPLAT, SET, SPLATS + i]),
    ...[GET, N, I32_CONST, 2, I32_SHL, SET, STOP],
    ...[I32_CONST, 0, SET, AT],
    ...loopOverLanes(AT, STOP, [
      ...[...load(GRAD, AT), SET, G],
      // m' = m·β1 + g·(1−β1)
      ...[...load(M, AT), GET, B1, ...MUL, GET, G, GET, C1, ...MUL, ...ADD, SET, NEW_M],
      // v' = v·β2 + g²·(1−β2)
      ...[...load(V, AT), GET, B2, ...MUL, GET, G, GET, G, ...MUL, GET, C2, ...MUL, ...ADD, SET, NEW_V],
      ...[...address(OUT_M, AT), GET, NEW_M, ...STORE],
      ...[...address(OUT_V, AT), GET, NEW_V, ...STORE],
      // var' = (m'/(1−β1ᵗ)) / (sqrt(v'/(1−β2ᵗ)) + ε) · (−lr) + var
      ...address(OUT_VAR, AT),
      ...[GET, NEW_M, GET, K1, ...DIV],
      ...[GET, NEW_V, GET, K2, ...DIV, ...SQRT, GET, EPS, ...ADD],
      ...[...DIV, GET, NLR, ...MUL, ...load(VAR, AT), ...ADD, ...STORE],
    ]),
  ];
}

/**
 * The module's bytes: one function, `adam`, over an imported memory `env.memory`, `shared` for
 * the heap of a multi-threaded backend. @internal
 */
export function adamSimdModule(shared: boolean): Uint8Array<ArrayBuffer> {
  const params = [...Array<number>(8).fill(I32), ...Array<number>(8).fill(F32)];
  return simdModule(
    'adam',
    params,
    [
      [2, I32],
      [11, V128],
    ],
    code(),
    shared,
  );
}

/**
 * The SIMD function for `memory` (a wasm backend's heap, plain or shared), or `null` where it
 * cannot run (no WebAssembly SIMD in this engine). Built once per memory.
 * @internal
 */
export function adamSimdFor(memory: WebAssembly.Memory | undefined): AdamSimd | null {
  return simdFunctionFor<AdamSimd>('adam', memory, adamSimdModule);
}
