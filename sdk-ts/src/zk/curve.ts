/**
 * Lifetime of snarkjs/ffjavascript's shared bn128 curve (globalThis.curve_bn128). Its worker
 * threads keep a process alive, so users hold it while working and it is terminated once
 * nobody has used it for a moment (a CLI exits promptly; a server keeps it warm under load).
 */
import { type Bn128Curve, bn128 } from "./circuits.js";
import {
  BINARY_WALK,
  type ChunkBuffer,
  FP12,
  G1A,
  G1J,
  MILLER_GROUP,
  millerLoops,
  type Walk,
  type WasmEnv,
  type WasmOp,
} from "./pairing-job.js";
import { releasePairingPool } from "./pairing-pool.js";

let holders = 0;
let warm = 0;
let idleTimer: NodeJS.Timeout | undefined;

/** How long an unused curve stays warm before its workers are terminated. */
export const CURVE_IDLE_MS = 150;
/** The same while a server keeps it warm (keepCurveWarm): rebuilding it costs ~0.25 s a request. */
export const WARM_CURVE_IDLE_MS = 30_000;

/** Takes a hold on the curve; call the returned function when done (exactly once). */
export async function acquireCurve(): Promise<() => void> {
  holders++;
  if (idleTimer) {
    clearTimeout(idleTimer);
    idleTimer = undefined;
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holders--;
    if (holders === 0) armIdle();
  };
}

/**
 * Keeps the curve (once built) for WARM_CURVE_IDLE_MS after its last use instead of CURVE_IDLE_MS,
 * until the returned function is called: a server answering ZK requests every few seconds should
 * not rebuild the curve for each. Idle, a warm curve's workers still keep the process alive, so
 * the caller must cool it when it stops (the curve then stops CURVE_IDLE_MS later, if unused).
 */
export function keepCurveWarm(): () => void {
  warm++;
  let cooled = false;
  return () => {
    if (cooled) return;
    cooled = true;
    warm--;
    if (warm === 0 && holders === 0) armIdle();
  };
}

function armIdle(): void {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(
    () => {
      idleTimer = undefined;
      // the pairing threads, idle, do not keep a process alive: they keep their own time
      if (holders === 0) void terminateCurve();
    },
    warm > 0 ? WARM_CURVE_IDLE_MS : CURVE_IDLE_MS,
  );
  idleTimer.unref?.();
}

/** Runs fn with the curve held. */
export async function withCurve<T>(fn: (curve: Bn128Curve) => Promise<T>): Promise<T> {
  const release = await acquireCurve();
  try {
    return await fn(await bn128());
  } finally {
    release();
  }
}

/** Terminates the curve's workers and the pairing threads now (the next use starts new ones). */
export async function releaseCurve(): Promise<void> {
  await Promise.all([terminateCurve(), releasePairingPool()]);
}

async function terminateCurve(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  const c = g.curve_bn128;
  if (c) {
    g.curve_bn128 = undefined;
    await c.terminate();
  }
}

/*
 * Wasm-level pieces of the curve (ffjavascript 0.3 / wasmcurves 0.2 bn128 module) on the main
 * thread's instance, used by batch verification to avoid the per-call JS<->wasm copies of the
 * curve's API. The wasm work itself is in pairing-job.ts (shared with the pairing threads).
 */

/** Windows of a fixed base's table (8 bits each), its size, and bases per multiexp call (their
 * tables must fit in the main thread's 1.6 MB of wasm memory, which does not grow). */
const FIXED_WINDOWS = 32;
const FIXED_TABLE = FIXED_WINDOWS * G1A;
const FIXED_GROUP = 64;

/** Writes v's low `bytes` bytes little-endian at buf[offset]. */
export function scalarLE(buf: Uint8Array, offset: number, v: bigint, bytes = 32): void {
  let x = v;
  for (let i = 0; i < bytes; i++) {
    buf[offset + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

/** The thread manager ffjavascript hangs on the curve (curve.tm). */
interface ThreadManager {
  instance: { exports: Record<string, (...args: number[]) => number> };
  u8: Uint8Array;
  alloc(length: number): number;
  startSyncOp(): void;
  endSyncOp(): void;
  queueAction(task: TaskCommand[]): Promise<Uint8Array[]>;
  concurrency: number;
}

type TaskCommand =
  | { cmd: "ALLOCSET"; var: number; buff: Uint8Array }
  | { cmd: "ALLOC"; var: number; len: number }
  | { cmd: "CALL"; fnName: string; params: ({ var: number; offset: number } | { val: number })[] }
  | { cmd: "GET"; out: number; var: number; len: number };

export class PairingKit {
  private readonly tm: ThreadManager;
  private readonly x: Record<string, (...args: number[]) => number>;
  private readonly wasm: WasmEnv;

  constructor(curve: Bn128Curve) {
    const c = curve as unknown as { tm: ThreadManager; preQSize: number };
    const tm = c.tm;
    this.tm = tm;
    this.x = tm.instance.exports;
    // the module's prepared G2 points must be laid out as this code walks them
    if (c.preQSize !== BINARY_WALK.preQSize)
      throw new Error(`bn128 module prepares G2 points in ${c.preQSize} bytes, not ${BINARY_WALK.preQSize}`);
    this.wasm = { x: this.x, u8: () => tm.u8, alloc: (n) => tm.alloc(n) };
  }

  /** Runs fn synchronously on the main thread's instance; what it allocates is freed afterwards. */
  env<T>(fn: (env: WasmEnv) => T): T {
    this.tm.startSyncOp();
    try {
      return fn(this.wasm);
    } finally {
      this.tm.endSyncOp();
    }
  }

  /**
   * Like env, with helpers: `put` copies bytes in and returns their address, `alloc` reserves
   * scratch space, `get` copies bytes out.
   */
  sync<T>(
    fn: (
      put: (b: Uint8Array) => number,
      alloc: (n: number) => number,
      get: (p: number, n: number) => Uint8Array,
    ) => T,
  ): T {
    return this.env((e) =>
      fn(
        (b) => {
          const p = e.alloc(b.byteLength);
          e.u8().set(b, p);
          return p;
        },
        (n) => e.alloc(n),
        (p, n) => e.u8().slice(p, p + n),
      ),
    );
  }

  /** Calls a module function by name on addresses. */
  call(fnName: string, ...args: number[]): number {
    const f = this.x[fnName];
    if (!f) throw new Error(`bn128 wasm has no ${fnName}`);
    return f(...args);
  }

  /** Worker threads of the curve. */
  get concurrency(): number {
    return this.tm.concurrency;
  }

  /**
   * Runs ops in one of the curve's workers (one message each way): buffers are copied in or
   * allocated, `outputs` lists [buffer, length] to copy back.
   */
  async job(
    buffers: readonly ChunkBuffer[],
    ops: readonly WasmOp[],
    outputs: readonly (readonly [number, number])[],
  ): Promise<Uint8Array[]> {
    const task: TaskCommand[] = buffers.map((b, i) =>
      typeof b === "number" ? { cmd: "ALLOC", var: i, len: b } : { cmd: "ALLOCSET", var: i, buff: b },
    );
    for (const [fnName, ...args] of ops)
      task.push({
        cmd: "CALL",
        fnName,
        params: args.map((a) => (typeof a === "number" ? { val: a } : { var: a[0], offset: a[1] })),
      });
    for (const [out, [v, len]] of outputs.entries()) task.push({ cmd: "GET", out, var: v, len });
    return this.tm.queueAction(task);
  }

  /**
   * Product of the Miller loops f_{6u+2,Q_i}(P_i) (see millerLoops). P_i: affine G1 (not zero);
   * preQ_i: prepared for `walk` (default: bn128_prepareG2's). Returns an Fp12 element (before the
   * final exponentiation).
   */
  millerProduct(
    ps: readonly Uint8Array[],
    preQs: readonly Uint8Array[],
    walk: Walk = BINARY_WALK,
  ): Uint8Array {
    let acc = this.sync((_p, alloc, get) => {
      const f = alloc(FP12);
      this.call("ftm_one", f);
      return get(f, FP12);
    });
    // groups bounded by the main thread's fixed 1.6 MB of wasm memory
    for (let s = 0; s < ps.length; s += MILLER_GROUP) {
      const e = Math.min(ps.length, s + MILLER_GROUP);
      acc = this.sync((put, _alloc, get) => {
        const f = put(acc);
        millerLoops(
          this.wasm,
          ps.slice(s, e).map((p) => put(p)),
          preQs.slice(s, e).map((q) => put(q)),
          f,
          walk,
        );
        return get(f, FP12);
      });
    }
    return acc;
  }

  /** Multiplies Fp12 elements. */
  mulGt(a: Uint8Array, b: Uint8Array): Uint8Array {
    return this.sync((put, _a, get) => {
      const pa = put(a);
      this.call("ftm_mul", pa, put(b), pa);
      return get(pa, FP12);
    });
  }

  /** True when the final exponentiation of a Miller-loop product is one. */
  finalExpIsOne(f: Uint8Array): boolean {
    return this.sync((put, alloc) => {
      const r = alloc(FP12);
      this.call("bn128_finalExponentiation", put(f), r);
      return this.call("ftm_isOne", r) !== 0;
    });
  }

  /**
   * A fixed base's table for fixedMultiexp: P·256^k for k = 0..31, affine (2 KB). P: affine G1,
   * not the point at infinity.
   */
  fixedBase(p: Uint8Array): Uint8Array {
    return this.sync((put, alloc, get) => {
      const jac = alloc(FIXED_WINDOWS * G1J);
      const aff = alloc(FIXED_TABLE);
      this.call("g1m_toJacobian", put(p), jac);
      for (let k = 1; k < FIXED_WINDOWS; k++) {
        const dst = jac + k * G1J;
        this.call("g1m_double", dst - G1J, dst);
        for (let d = 1; d < 8; d++) this.call("g1m_double", dst, dst);
      }
      // no entry is infinity: P has order r > 256^31
      this.call("g1m_batchToAffine", jac, FIXED_WINDOWS, aff);
      return get(aff, FIXED_TABLE);
    });
  }

  /**
   * sum_i s_i P_i (Jacobian) over fixed bases given by their tables (fixedBase), scalars below r.
   * With P·256^k precomputed, the scalars' bytes are the digits: one Pippenger pass over 32 points
   * per base with 8-bit scalars and no doublings between windows — about 3x fewer group additions
   * than a multi-exponentiation over the bases themselves.
   */
  fixedMultiexp(terms: readonly { table: Uint8Array; scalar: bigint }[]): Uint8Array {
    return this.sync((_put, alloc, get) => {
      const acc = alloc(G1J);
      const part = alloc(G1J);
      this.call("g1m_zero", acc);
      const room = Math.min(terms.length, FIXED_GROUP);
      const bases = alloc(room * FIXED_TABLE);
      const scalars = alloc(room * 32);
      for (let s = 0; s < terms.length; s += FIXED_GROUP) {
        const group = terms.slice(s, s + FIXED_GROUP);
        const u8 = this.wasm.u8();
        group.forEach((t, i) => {
          u8.set(t.table, bases + i * FIXED_TABLE);
          scalarLE(u8, scalars + 32 * i, t.scalar);
        });
        this.call("g1m_multiexpAffine", bases, scalars, 1, group.length * FIXED_WINDOWS, part);
        this.call("g1m_add", acc, part, acc);
      }
      return get(acc, G1J);
    });
  }

  /** Affine form of a Jacobian G1 point, or undefined for the point at infinity. */
  g1Affine(jac: Uint8Array): Uint8Array | undefined {
    return this.sync((put, alloc, get) => {
      const p = put(jac);
      if (this.call("g1m_isZero", p)) return undefined;
      const a = alloc(G1A);
      this.call("g1m_toAffine", p, a);
      return get(a, G1A);
    });
  }
}
