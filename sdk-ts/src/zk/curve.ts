/**
 * Lifetime of snarkjs/ffjavascript's shared bn128 curve (globalThis.curve_bn128). Its worker
 * threads keep a process alive, so users hold it while working and it is terminated once
 * nobody has used it for a moment (a CLI exits promptly; a server keeps it warm under load).
 */
import { type Bn128Curve, bn128 } from "./circuits.js";

let holders = 0;
let idleTimer: NodeJS.Timeout | undefined;

/** How long an unused curve stays warm before its workers are terminated. */
export const CURVE_IDLE_MS = 150;

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
    if (holders === 0) {
      idleTimer = setTimeout(() => {
        idleTimer = undefined;
        if (holders === 0) void releaseCurve();
      }, CURVE_IDLE_MS);
      idleTimer.unref?.();
    }
  };
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

/** Terminates the curve's workers now (the next use starts a new curve). */
export async function releaseCurve(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  const c = g.curve_bn128;
  if (c) {
    g.curve_bn128 = undefined;
    await c.terminate();
  }
}

/*
 * Wasm-level pieces of the curve (ffjavascript 0.3 / wasmcurves 0.2 bn128 module), used by batch
 * verification to avoid the per-call JS<->wasm copies and the per-pair worker round trips of
 * curve.pairingEq. Points are in the module's Montgomery form: G1 affine 64 bytes, G2 Jacobian
 * 192 bytes, Fp12 384 bytes; a prepared G2 point (bn128_prepareG2) holds its line coefficients.
 */

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

/** An argument of a wasm call: a plain number, or [buffer, byte offset] resolved where it runs. */
export type WasmArg = number | readonly [buffer: number, offset: number];
export type WasmOp = readonly [fnName: string, ...args: WasmArg[]];

/** One buffer of a worker job: bytes to copy in, or a length to allocate. */
export type JobBuffer = Uint8Array | number;

/** 6u+2, the optimal ate loop count of BN254, as wasmcurves walks it (plain binary, LSB first). */
const ATE_BITS = [...29793968203157093288n.toString(2)].reverse().map(Number);
const G1_AFFINE = 64;
const FP12 = 384;
/** Pairs per multi-Miller group: bounded by the main thread's fixed 1.6 MB of wasm memory. */
const MILLER_GROUP = 16;

export class PairingKit {
  readonly preQSize: number;
  private readonly tm: ThreadManager;
  private readonly x: Record<string, (...args: number[]) => number>;

  constructor(curve: Bn128Curve) {
    const c = curve as unknown as { tm: ThreadManager; preQSize: number };
    this.tm = c.tm;
    this.x = c.tm.instance.exports;
    this.preQSize = c.preQSize;
  }

  get concurrency(): number {
    return this.tm.concurrency;
  }

  /**
   * Runs fn synchronously in the main thread's wasm memory: `put` copies bytes in and returns
   * their address, `alloc` reserves zeroed-or-not scratch space; everything is freed afterwards.
   */
  sync<T>(
    fn: (
      put: (b: Uint8Array) => number,
      alloc: (n: number) => number,
      get: (p: number, n: number) => Uint8Array,
    ) => T,
  ): T {
    const tm = this.tm;
    tm.startSyncOp();
    try {
      return fn(
        (b) => {
          const p = tm.alloc(b.byteLength);
          tm.u8.set(b, p);
          return p;
        },
        (n) => tm.alloc(n),
        (p, n) => tm.u8.slice(p, p + n),
      );
    } finally {
      tm.endSyncOp();
    }
  }

  /** Calls a module function by name on addresses. */
  call(fnName: string, ...args: number[]): number {
    const f = this.x[fnName];
    if (!f) throw new Error(`bn128 wasm has no ${fnName}`);
    return f(...args);
  }

  /** Runs ops in the main thread on the given buffer addresses. */
  run(bases: readonly number[], ops: readonly WasmOp[]): void {
    for (const [fn, ...args] of ops)
      this.call(fn, ...args.map((a) => (typeof a === "number" ? a : bases[a[0]]! + a[1])));
  }

  /**
   * Runs ops in one worker (one message each way): buffers are copied in or allocated,
   * `outputs` lists [buffer, length] to copy back.
   */
  async job(
    buffers: readonly JobBuffer[],
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
   * Product of the Miller loops f_{6u+2,Q_i}(P_i) (with the two Frobenius lines), sharing the
   * Fp12 squarings across the pairs of a group: the same value as multiplying
   * bn128_millerLoop's results, at about 60% of the cost. P_i: affine G1 (not zero);
   * preQ_i: bn128_prepareG2 output. Returns an Fp12 element (before the final exponentiation).
   */
  millerProduct(ps: readonly Uint8Array[], preQs: readonly Uint8Array[]): Uint8Array {
    const one = this.sync((_p, alloc, get) => {
      const f = alloc(FP12);
      this.call("ftm_one", f);
      return get(f, FP12);
    });
    let acc = one;
    for (let s = 0; s < ps.length; s += MILLER_GROUP) {
      const e = Math.min(ps.length, s + MILLER_GROUP);
      acc = this.sync((put, alloc, get) => {
        const x = this.x;
        const square = x.ftm_square!;
        const mul1 = x.f2m_mul1!;
        const mulBy024 = x.bn128__mulBy024!;
        const n = e - s;
        const pP: number[] = [];
        const coef: number[] = [];
        for (let i = s; i < e; i++) {
          pP.push(put(ps[i]!));
          // the coefficients follow the prepared point's affine x, y (3 Fp2 slots)
          coef.push(put(preQs[i]!) + 192);
        }
        const vw = alloc(64);
        const vv = alloc(64);
        const f = alloc(FP12);
        this.call("ftm_one", f);
        const line = (j: number) => {
          const c = coef[j]!;
          mul1(c + 64, pP[j]! + 32, vw);
          mul1(c + 128, pP[j]!, vv);
          mulBy024(c, vw, vv, f);
          coef[j] = c + 192;
        };
        // The walk of wasmcurves' bn128_millerLoop (6u+2 > 0: no final inversion), one shared f.
        for (let i = ATE_BITS.length - 2; i >= 0; i--) {
          square(f, f);
          for (let j = 0; j < n; j++) line(j);
          if (ATE_BITS[i]) for (let j = 0; j < n; j++) line(j);
        }
        for (let j = 0; j < n; j++) line(j);
        for (let j = 0; j < n; j++) line(j);
        const pAcc = put(acc);
        this.call("ftm_mul", pAcc, f, pAcc);
        return get(pAcc, FP12);
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

  /** Affine form of a Jacobian G1 point, or undefined for the point at infinity. */
  g1Affine(jac: Uint8Array): Uint8Array | undefined {
    return this.sync((put, alloc, get) => {
      const p = put(jac);
      if (this.call("g1m_isZero", p)) return undefined;
      const a = alloc(G1_AFFINE);
      this.call("g1m_toAffine", p, a);
      return get(a, G1_AFFINE);
    });
  }
}
