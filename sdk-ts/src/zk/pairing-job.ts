/**
 * Wasm-level pairing work on the bn128 module of ffjavascript 0.3 / wasmcurves 0.2, written once
 * and run either on the main thread's instance or in a pairing thread (pairing-worker.ts) with
 * its own instance of the same module. No imports: the worker entry bundles only this file.
 *
 * Points are in the module's Montgomery form: G1 affine 64 bytes, G2 Jacobian 192 bytes, Fp12
 * 384 bytes; a prepared G2 point (bn128_prepareG2) holds its line coefficients.
 */

/** The WebAssembly API this code uses (the SDK's type libraries do not declare WebAssembly). */
interface WasmApi {
  Module: new (code: Uint8Array) => WasmModule;
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
  Instance: new (m: WasmModule, imports: object) => { exports: Record<string, unknown> };
}
/** A compiled module. */
export type WasmModule = { readonly __wasmModule?: never };
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A bn128 module instance: its exports, a view of its memory and a bump allocator. */
export interface WasmEnv {
  readonly x: Record<string, (...args: number[]) => number>;
  u8(): Uint8Array;
  alloc(length: number): number;
}

/** An argument of a wasm call: a plain number, or [buffer, byte offset] resolved where it runs. */
export type WasmArg = number | readonly [buffer: number, offset: number];
export type WasmOp = readonly [fnName: string, ...args: WasmArg[]];

/** Runs ops on the given buffer addresses. */
export function runOps(env: WasmEnv, bases: readonly number[], ops: readonly WasmOp[]): void {
  for (const [fn, ...args] of ops) {
    const f = env.x[fn];
    if (!f) throw new Error(`bn128 wasm has no ${fn}`);
    f(...args.map((a) => (typeof a === "number" ? a : bases[a[0]]! + a[1])));
  }
}

/** Copies bytes into the module's memory; returns their address. */
export function put(env: WasmEnv, b: Uint8Array): number {
  const p = env.alloc(b.byteLength);
  env.u8().set(b, p);
  return p;
}

/** Sizes in bytes: G1 affine, G1 Jacobian, Fp2, G2 Jacobian, Fp12. */
export const G1A = 64;
export const G1J = 96;
export const F2 = 64;
export const G2J = 3 * F2;
export const FP12 = 384;
/** The subgroup check's constants (ψ's x and y factors, u) and scratch space. */
export const CONSTS = 2 * F2 + 8;
export const SCRATCH = 6 * G2J;

/**
 * G2 membership for BN curves (El Housni, Guillevic, Piellard, ePrint 2022/348, §3 and §5.1):
 *   [r]Q = O  <=>  [u+1]Q + ψ([u]Q) + ψ²([u]Q) - ψ³([2u]Q) = O
 * One 63-bit scalar multiplication instead of a 254-bit one, all in wasm. ψ works on Jacobian
 * coordinates directly: conjugation is a field automorphism, so
 *   ψ(X, Y, Z) = (conj(X)·ψx, conj(Y)·ψy, conj(Z)).
 * Buffers: q (the point, Jacobian), k (the constants), t (SCRATCH bytes), d (the G2J-byte result,
 * the point at infinity exactly when q is in G2; q itself must not be infinity).
 */
export function subgroupOps(q: WasmArg, k: number, t: number, d: WasmArg): WasmOp[] {
  const at = (o: number): WasmArg => [t, o * G2J];
  const psi = (src: number, dst: number): WasmOp[] => {
    const s = (i: number): WasmArg => [t, src * G2J + i * F2];
    const r = (i: number): WasmArg => [t, dst * G2J + i * F2];
    return [
      ["f2m_conjugate", s(0), r(0)],
      ["f2m_mul", r(0), [k, 0], r(0)],
      ["f2m_conjugate", s(1), r(1)],
      ["f2m_mul", r(1), [k, F2], r(1)],
      ["f2m_conjugate", s(2), r(2)],
    ];
  };
  // slots: 0 [u]Q, 1 ψ([u]Q), 2 ψ²([u]Q), 3 and 4 the running sum, 5 [2u]Q then its ψ's (via 1, 2)
  return [
    ["g2m_timesScalar", q, [k, 2 * F2], 8, at(0)],
    ["g2m_add", at(0), q, at(3)],
    ...psi(0, 1),
    ["g2m_add", at(3), at(1), at(4)],
    ...psi(1, 2),
    ["g2m_add", at(4), at(2), at(3)],
    ["g2m_double", at(0), at(5)],
    ...psi(5, 1),
    ...psi(1, 2),
    ...psi(2, 1),
    ["g2m_sub", at(3), at(1), d],
  ];
}

/** 6u+2, the optimal ate loop count of BN254 (positive: no final inversion). */
const ATE_LOOP = 29793968203157093288n;

/**
 * How a G2 point is prepared (its line coefficients) and walked by the Miller loop: a doubling
 * line per digit below the top, an addition line (with Q or -Q) per nonzero digit, then the two
 * Frobenius lines. `prepare(q, out)` is the module function writing the coefficients.
 */
export interface Walk {
  prepare: string;
  /** Signed digits of 6u+2, least significant first. */
  digits: readonly number[];
  /** Bytes of a prepared point: the affine point (3 Fp2 slots) and one G2J-sized line each. */
  preQSize: number;
}
function walk(prepare: string, digits: number[]): Walk {
  const lines = digits.length - 1 + digits.slice(0, -1).filter((d) => d !== 0).length + 2;
  return { prepare, digits, preQSize: G2J + lines * G2J };
}

/** wasmcurves' bn128_prepareG2: plain binary, 64 doubling and 36 addition lines. */
export const BINARY_WALK = walk("bn128_prepareG2", [...ATE_LOOP.toString(2)].reverse().map(Number));

/**
 * The non-adjacent form: 65 doubling and 21 addition lines (88 lines instead of 102, so ~15 %
 * less work to prepare B and in its Miller loop). The factors by which its Miller function
 * differs from the binary walk's lie in proper subfields and vanish in the final exponentiation.
 * Its prepare function is ours, built into the pairing module (pairing-build.ts); ffjavascript's
 * module has only the binary one. Batch verification prepares every G2 point along it.
 */
export const NAF_WALK = walk(
  "tf_prepareG2Naf",
  (() => {
    const d: number[] = [];
    for (let n = ATE_LOOP; n > 0n; n >>= 1n) {
      const z = n & 1n ? 2 - Number(n & 3n) : 0;
      d.push(z);
      n -= BigInt(z);
    }
    return d;
  })(),
);

/**
 * f ← f · prod_i f_{6u+2,Q_i}(P_i) (Miller loops with the two Frobenius lines), sharing the Fp12
 * squarings across the pairs: the same value as multiplying the loops' results, at about 60% of
 * the cost. ps: addresses of affine G1 points (not zero); preQs: addresses of points prepared
 * for `w`; f: address of an Fp12 accumulator.
 */
export function millerLoops(
  env: WasmEnv,
  ps: readonly number[],
  preQs: readonly number[],
  f: number,
  w: Walk,
): void {
  const x = env.x;
  const square = x.ftm_square!;
  const mul1 = x.f2m_mul1!;
  const mulBy024 = x.bn128__mulBy024!;
  const n = ps.length;
  // the coefficients follow the prepared point's affine x, y (3 Fp2 slots)
  const coef = preQs.map((q) => q + G2J);
  const vw = env.alloc(F2);
  const vv = env.alloc(F2);
  const g = env.alloc(FP12);
  x.ftm_one!(g);
  const line = (j: number) => {
    const c = coef[j]!;
    mul1(c + 64, ps[j]! + 32, vw);
    mul1(c + 128, ps[j]!, vv);
    mulBy024(c, vw, vv, g);
    coef[j] = c + G2J;
  };
  const digits = w.digits;
  for (let i = digits.length - 2; i >= 0; i--) {
    square(g, g);
    for (let j = 0; j < n; j++) line(j);
    if (digits[i]) for (let j = 0; j < n; j++) line(j);
  }
  for (let j = 0; j < n; j++) line(j);
  for (let j = 0; j < n; j++) line(j);
  x.ftm_mul!(f, g, f);
}

/** Pairs per multi-Miller loop: the prepared points of a group must fit the memory at hand. */
export const MILLER_GROUP = 16;

/** What one pairing job gets: n proofs' B (G2 Jacobian), A (G1 affine) and 128-bit r (LE). */
export interface PairingChunk {
  n: number;
  qs: Uint8Array;
  as: Uint8Array;
  r16: Uint8Array;
  /** 1 for the proofs whose pair enters the Miller product (the others are only checked). */
  use: Uint8Array;
  consts: Uint8Array;
}

/** What it returns: per proof whether B is in G2 (1) or not (0), B prepared (NAF walk), r A (affine). */
export interface PairingChunkResult {
  inG2: Uint8Array;
  pre: Uint8Array;
  ra: Uint8Array;
  /** prod over the used proofs of the Miller loops f(r A, B) (meaningless if a B is outside G2). */
  f: Uint8Array;
}

/** One buffer of a chunk: bytes to copy in, or a length to allocate. */
export type ChunkBuffer = Uint8Array | number;

/**
 * The buffers of a chunk, in the order chunkOps addresses them: 0 the B's, 1 the subgroup
 * check's constants, 2 its scratch space, 3 its results (one G2 point per proof, infinity when B
 * is in G2), 4 the prepared B's, 5 the A's, 6 the r's, 7 r A (Jacobian), 8 r A (affine).
 */
export function chunkBuffers(c: PairingChunk): ChunkBuffer[] {
  const { n } = c;
  return [c.qs, c.consts, SCRATCH, n * G2J, n * NAF_WALK.preQSize, c.as, c.r16, n * G1J, n * G1A];
}

/** The wasm work of a chunk before its Miller loops: subgroup checks, B's lines, r A. */
export function chunkOps(n: number): WasmOp[] {
  const w = NAF_WALK;
  const ops: WasmOp[] = [];
  for (let j = 0; j < n; j++) {
    ops.push(...subgroupOps([0, j * G2J], 1, 2, [3, j * G2J]));
    ops.push([w.prepare, [0, j * G2J], [4, j * w.preQSize]]);
    ops.push(["g1m_timesScalarAffine", [5, j * G1A], [6, j * 16], 16, [7, j * G1J]]);
  }
  // never infinity: A has order r and 0 < r_j < r
  ops.push(["g1m_batchToAffine", [7, 0], n, [8, 0]]);
  return ops;
}

/**
 * One chunk of a batch: chunkOps, then the shared-squaring Miller product of the used pairs
 * whose B is in G2. Runs wherever env lives; allocates from env (the caller frees).
 */
export function pairingChunk(env: WasmEnv, c: PairingChunk): PairingChunkResult {
  const { n } = c;
  const w = NAF_WALK;
  const { preQSize } = w;
  const bases = chunkBuffers(c).map((b) => (typeof b === "number" ? env.alloc(b) : put(env, b)));
  runOps(env, bases, chunkOps(n));
  const inG2 = new Uint8Array(n);
  for (let j = 0; j < n; j++) inG2[j] = env.x.g2m_isZero!(bases[3]! + j * G2J) !== 0 ? 1 : 0;
  const f = env.alloc(FP12);
  env.x.ftm_one!(f);
  const used: number[] = [];
  for (let j = 0; j < n; j++) if (c.use[j] && inG2[j]) used.push(j);
  for (let s = 0; s < used.length; s += MILLER_GROUP) {
    const part = used.slice(s, s + MILLER_GROUP);
    millerLoops(
      env,
      part.map((j) => bases[8]! + j * G1A),
      part.map((j) => bases[4]! + j * preQSize),
      f,
      w,
    );
  }
  const u8 = env.u8();
  const copy = (b: number, len: number) => u8.slice(bases[b]!, bases[b]! + len);
  return { inG2, pre: copy(4, n * preQSize), ra: copy(8, n * G1A), f: u8.slice(f, f + FP12) };
}
