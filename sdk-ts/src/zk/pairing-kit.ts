/**
 * Batch verification's wasm toolkit on this thread's instance of the pairing module
 * (pairing-module.ts): field and point encodings, fixed-base multi-exponentiation, Miller loops,
 * the final exponentiation. The per-proof work is in pairing-job.ts, shared with the threads.
 * Every call is synchronous and frees what it allocated, so callers may interleave across awaits.
 */
import {
  FP12,
  G1A,
  G1J,
  G2J,
  MILLER_GROUP,
  millerLoops,
  NAF_WALK,
  type PairingChunk,
  type PairingChunkResult,
  pairingChunk,
  put,
  type Walk,
  type WasmEnv,
} from "./pairing-job.js";
import { mainPairingModule, type PairingModule } from "./pairing-module.js";

/** The base field modulus of BN254. */
export const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/**
 * Windows of a fixed base's table (8 bits each), its size, and bases per multiexp call (bounds
 * the memory one call takes).
 */
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

let kit: Promise<PairingKit> | undefined;
/** The kit on this thread's pairing module (loaded once). */
export function pairingKit(): Promise<PairingKit> {
  kit ??= mainPairingModule().then((m) => new PairingKit(m));
  kit.catch(() => {
    kit = undefined;
  });
  return kit;
}

export class PairingKit {
  constructor(private readonly m: PairingModule) {}

  /** Runs fn on the instance; what it allocates is freed afterwards. */
  env<T>(fn: (env: WasmEnv) => T): T {
    const top = this.m.top();
    try {
      return fn(this.m);
    } finally {
      this.m.setTop(top);
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
        (b) => put(e, b),
        (n) => e.alloc(n),
        (p, n) => e.u8().slice(p, p + n),
      ),
    );
  }

  /** Calls a module function by name on addresses. */
  call(fnName: string, ...args: number[]): number {
    const f = this.m.x[fnName];
    if (!f) throw new Error(`bn128 wasm has no ${fnName}`);
    return f(...args);
  }

  /** Montgomery forms of base-field elements (each below P), concatenated (32 bytes each). */
  fp(...xs: bigint[]): Uint8Array {
    return this.sync((_put, alloc, get) => {
      const p = alloc(32 * xs.length);
      const u8 = this.m.u8();
      xs.forEach((x, i) => {
        scalarLE(u8, p + 32 * i, x);
        this.call("f1m_toMontgomery", p + 32 * i, p + 32 * i);
      });
      return get(p, 32 * xs.length);
    });
  }

  /** An affine G1 point from its coordinates; undefined when it is not on the curve or is (0, 0). */
  g1(x: bigint, y: bigint): Uint8Array | undefined {
    const a = this.fp(x, y);
    return this.sync((put) => {
      const p = put(a);
      return this.call("g1m_isZeroAffine", p) || !this.call("g1m_inCurveAffine", p) ? undefined : a;
    });
  }

  /**
   * A G2 point (Jacobian, z = 1) from its affine coordinates x = x0 + x1·u, y = y0 + y1·u;
   * undefined when it is not on the twist curve or is (0, 0).
   */
  g2(x0: bigint, x1: bigint, y0: bigint, y1: bigint): Uint8Array | undefined {
    const a = this.fp(x0, x1, y0, y1);
    return this.sync((put, alloc, get) => {
      const p = put(a);
      if (this.call("g2m_isZeroAffine", p) || !this.call("g2m_inCurveAffine", p)) return undefined;
      const j = alloc(G2J);
      this.call("g2m_toJacobian", p, j);
      return get(j, G2J);
    });
  }

  /** A G2 point's line coefficients for `walk`. */
  prepare(q: Uint8Array, walk: Walk = NAF_WALK): Uint8Array {
    return this.sync((put, alloc, get) => {
      const out = alloc(walk.preQSize);
      this.call(walk.prepare, put(q), out);
      return get(out, walk.preQSize);
    });
  }

  /** Sum and negation of Jacobian G1 points. */
  g1Add(a: Uint8Array, b: Uint8Array): Uint8Array {
    return this.sync((put, alloc, get) => {
      const r = alloc(G1J);
      this.call("g1m_add", put(a), put(b), r);
      return get(r, G1J);
    });
  }

  g1Neg(a: Uint8Array): Uint8Array {
    return this.sync((put, _alloc, get) => {
      const p = put(a);
      this.call("g1m_neg", p, p);
      return get(p, G1J);
    });
  }

  /** Runs one chunk of a batch here (pairing-job.ts), as a pairing thread would. */
  chunk(c: PairingChunk): PairingChunkResult {
    return this.env((e) => pairingChunk(e, c));
  }

  /**
   * Product of the Miller loops f_{6u+2,Q_i}(P_i) (see millerLoops). P_i: affine G1 (not zero);
   * preQ_i: prepared for `walk` (default: NAF_WALK). Returns an Fp12 element (before the final
   * exponentiation).
   */
  millerProduct(ps: readonly Uint8Array[], preQs: readonly Uint8Array[], walk: Walk = NAF_WALK): Uint8Array {
    return this.sync((put, alloc, get) => {
      const f = alloc(FP12);
      this.call("ftm_one", f);
      for (let s = 0; s < ps.length; s += MILLER_GROUP) {
        const e = Math.min(ps.length, s + MILLER_GROUP);
        millerLoops(
          this.m,
          ps.slice(s, e).map((p) => put(p)),
          preQs.slice(s, e).map((q) => put(q)),
          f,
          walk,
        );
      }
      return get(f, FP12);
    });
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
        const u8 = this.m.u8();
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
