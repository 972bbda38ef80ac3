/**
 * Groth16 verification over BN254, one proof or many at once.
 *
 * Batch check (random linear combination, 128-bit r_i, one multi-pairing and ONE final
 * exponentiation for the whole batch; per verification key k with proofs I_k):
 *
 *   prod_i e(r_i A_i, B_i) * prod_k [ e(-(sum r_i) alpha_k, beta_k) * e(-sum r_i X_i, gamma_k)
 *                                      * e(-sum r_i C_i, delta_k) ] == 1
 *
 * with X_i = IC_0 + sum_j s_ij IC_j, computed per key as one MSM with scalars sum_i r_i s_ij.
 * A batch with any invalid proof passes with probability at most about 2^-128; failing batches
 * are bisected to name the bad proofs.
 */
import { randomBytes } from "node:crypto";
import { TfError } from "../core/errors.js";
import {
  type Bn128Curve,
  circuitInfo,
  circuitSha256,
  type VerificationKey,
  verificationKey,
} from "./circuits.js";
import { withCurve } from "./curve.js";
import { type Groth16ProofFile, parseGroth16ProofFile } from "./groth16-types.js";

const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** The BN parameter u (p and r are polynomials in u). */
const BN_U = 4965661367192848881n;

type Fp2 = [bigint, bigint];
const mod = (x: bigint) => ((x % P) + P) % P;
const f2mul = (a: Fp2, b: Fp2): Fp2 => [mod(a[0] * b[0] - a[1] * b[1]), mod(a[0] * b[1] + a[1] * b[0])];
function f2pow(a: Fp2, e: bigint): Fp2 {
  let r: Fp2 = [1n, 0n];
  let b = a;
  for (let x = e; x > 0n; x >>= 1n) {
    if (x & 1n) r = f2mul(r, b);
    b = f2mul(b, b);
  }
  return r;
}
/** ψ = twist ∘ Frobenius ∘ untwist on the D-type twist y^2 = x^3 + 3/ξ, ξ = 9 + u. */
const XI: Fp2 = [9n, 1n];
const PSI_X = f2pow(XI, (P - 1n) / 3n);
const PSI_Y = f2pow(XI, (P - 1n) / 2n);
function psi(x: Fp2, y: Fp2): [Fp2, Fp2] {
  return [f2mul([x[0], mod(-x[1])], PSI_X), f2mul([y[0], mod(-y[1])], PSI_Y)];
}

/**
 * G2 membership for BN curves (El Housni, Guillevic, Piellard, ePrint 2022/348, §3 and §5.1):
 *   [r]Q = O  <=>  [u+1]Q + ψ([u]Q) + ψ²([u]Q) = ψ³([2u]Q)
 * One 63-bit scalar multiplication instead of a 254-bit one.
 */
export function inG2(curve: Bn128Curve, q: Uint8Array): boolean {
  const G2 = curve.G2;
  const uq = G2.timesScalar(q, BN_U);
  if (G2.isZero(uq)) return G2.isZero(q);
  const [x, y] = G2.toObject(G2.toAffine(uq)) as bigint[][] as [Fp2, Fp2];
  const p1 = psi(x, y);
  const p2 = psi(...p1);
  const u2 = G2.toObject(G2.toAffine(G2.add(uq, uq))) as bigint[][];
  const p3 = psi(...psi(...psi(u2[0] as Fp2, u2[1] as Fp2)));
  const pt = ([px, py]: [Fp2, Fp2]) => G2.fromObject([px, py, [1n, 0n]]);
  const left = G2.add(G2.add(G2.add(uq, q), pt(p1)), pt(p2));
  return G2.eq(left, pt(p3));
}

export interface BatchOptions {
  /** Source of the random 128-bit scalars (tests inject a seeded one). Default: crypto.randomBytes. */
  rng?: () => bigint;
}

export interface BatchResult {
  ok: boolean;
  /** Indexes of the proofs that do not verify, ascending. */
  invalid: number[];
}

interface Prepared {
  index: number;
  key: string;
  vk: PreparedKey;
  a: Uint8Array;
  b: Uint8Array;
  c: Uint8Array;
  signals: bigint[];
}

interface PreparedKey {
  alpha: Uint8Array;
  beta: Uint8Array;
  gamma: Uint8Array;
  delta: Uint8Array;
  /** IC points, affine, concatenated (for the MSM). */
  ic: Uint8Array;
  nPublic: number;
}

const keyCache = new WeakMap<VerificationKey, PreparedKey>();

function bad(index: number, message: string): TfError {
  return new TfError("TF_ZK_PROOF_MALFORMED", `Proof ${index}: ${message}`, { details: { index } });
}

function fp(index: number, v: string): bigint {
  const x = BigInt(v);
  if (x >= P) throw bad(index, "a coordinate is not below the base field modulus");
  return x;
}

function g1(curve: Bn128Curve, index: number, xyz: readonly string[]): Uint8Array {
  if (xyz[2] !== "1") throw bad(index, "G1 points must be affine (z = 1)");
  const p = curve.G1.fromObject([fp(index, xyz[0]!), fp(index, xyz[1]!), 1n]);
  // BN254 G1 has cofactor 1: on the curve means in the group.
  if (!curve.G1.isValid(p) || curve.G1.isZero(p)) throw bad(index, "a G1 point is not on the curve");
  return curve.G1.toAffine(p);
}

export function g2(
  curve: Bn128Curve,
  index: number,
  xyz: readonly (readonly string[])[],
  subgroup: boolean,
): Uint8Array {
  if (xyz[2]![0] !== "1" || xyz[2]![1] !== "0") throw bad(index, "G2 points must be affine (z = 1)");
  const p = curve.G2.fromObject([
    [fp(index, xyz[0]![0]!), fp(index, xyz[0]![1]!)],
    [fp(index, xyz[1]![0]!), fp(index, xyz[1]![1]!)],
    [1n, 0n],
  ]);
  if (!curve.G2.isValid(p) || curve.G2.isZero(p)) throw bad(index, "a G2 point is not on the twist curve");
  // The twist has a large cofactor: a point outside the order-r subgroup is refused.
  if (subgroup && !inG2(curve, p)) throw bad(index, "a G2 point is not in the order-r subgroup");
  return curve.G2.toAffine(p);
}

function prepareKey(curve: Bn128Curve, vk: VerificationKey): PreparedKey {
  const hit = keyCache.get(vk);
  if (hit) return hit;
  const G1 = (o: string[]) => curve.G1.toAffine(curve.G1.fromObject(o.map(BigInt)));
  const G2 = (o: string[][]) => curve.G2.toAffine(curve.G2.fromObject(o.map((c) => c.map(BigInt))));
  const n8 = curve.G1.F.n8 * 2;
  const ic = new Uint8Array(n8 * vk.IC.length);
  for (const [i, p] of vk.IC.entries()) ic.set(G1(p), i * n8);
  const k: PreparedKey = {
    alpha: G1(vk.vk_alpha_1),
    beta: G2(vk.vk_beta_2),
    gamma: G2(vk.vk_gamma_2),
    delta: G2(vk.vk_delta_2),
    ic,
    nPublic: vk.nPublic,
  };
  keyCache.set(vk, k);
  return k;
}

function scalarLE(buf: Uint8Array, offset: number, v: bigint): void {
  let x = v;
  for (let i = 0; i < 32; i++) {
    buf[offset + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

function defaultRng(): bigint {
  return BigInt(`0x${randomBytes(16).toString("hex")}`);
}

/**
 * Validates and decodes proofs: shape, field ranges, curve and subgroup membership
 * (TF_ZK_PROOF_MALFORMED). A proof for an unknown circuit, another setup (circuitSha256) or
 * with the wrong number of public signals can never verify: it is returned in `invalid`.
 */
async function prepare(
  curve: Bn128Curve,
  items: readonly unknown[],
): Promise<{ prepared: Prepared[]; invalid: number[] }> {
  const prepared: Prepared[] = [];
  const invalid: number[] = [];
  items.forEach((raw, index) => {
    const item = parseGroth16ProofFile(raw, { index });
    const signals = item.publicSignals.map((s) => {
      const v = BigInt(s);
      if (v >= R) throw bad(index, "a public signal is not below the scalar field order r");
      return v;
    });
    const a = g1(curve, index, item.proof.pi_a);
    const b = g2(curve, index, item.proof.pi_b, true);
    const c = g1(curve, index, item.proof.pi_c);
    let vk: VerificationKey;
    try {
      circuitInfo(item.circuit);
      if (circuitSha256(item.circuit) !== item.circuitSha256) throw new Error("other setup");
      vk = verificationKey(item.circuit);
    } catch (e) {
      if (e instanceof TfError && e.code === "TF_ZK_ARTIFACT_CHECKSUM") throw e;
      invalid.push(index);
      return;
    }
    if (signals.length !== vk.nPublic) {
      invalid.push(index);
      return;
    }
    prepared.push({ index, key: item.circuit, vk: prepareKey(curve, vk), a, b, c, signals });
  });
  return { prepared, invalid };
}

/** One multi-pairing over the whole group; true when every proof in it verifies (w.h.p.). */
async function batchHolds(curve: Bn128Curve, group: Prepared[], rng: () => bigint): Promise<boolean> {
  if (group.length === 0) return true;
  const G1 = curve.G1;
  const n8 = G1.F.n8 * 2;
  const args: Uint8Array[] = [];
  const byKey = new Map<string, Prepared[]>();
  for (const p of group) {
    const list = byKey.get(p.key);
    if (list) list.push(p);
    else byKey.set(p.key, [p]);
  }
  for (const list of byKey.values()) {
    const vk = list[0]!.vk;
    const rs = list.map(() => {
      let r = rng() & ((1n << 128n) - 1n);
      while (r === 0n) r = rng() & ((1n << 128n) - 1n);
      return r;
    });
    // r_i A_i paired with B_i
    for (const [i, p] of list.entries()) args.push(G1.timesScalar(p.a, rs[i]!), p.b);
    // sum r_i C_i (one MSM)
    const cs = new Uint8Array(n8 * list.length);
    const cScalars = new Uint8Array(32 * list.length);
    list.forEach((p, i) => {
      cs.set(p.c, i * n8);
      scalarLE(cScalars, i * 32, rs[i]!);
    });
    const cSum = await G1.multiExpAffine(cs, cScalars);
    // sum r_i X_i = (sum r_i) IC_0 + sum_j (sum_i r_i s_ij) IC_j (one MSM over the key's IC)
    const icScalars = new Uint8Array(32 * (vk.nPublic + 1));
    let rSum = 0n;
    for (const r of rs) rSum += r;
    scalarLE(icScalars, 0, rSum % R);
    for (let j = 0; j < vk.nPublic; j++) {
      let w = 0n;
      list.forEach((p, i) => {
        w += rs[i]! * p.signals[j]!;
      });
      scalarLE(icScalars, 32 * (j + 1), w % R);
    }
    const xSum = await G1.multiExpAffine(vk.ic, icScalars);
    args.push(G1.neg(G1.timesScalar(vk.alpha, rSum % R)), vk.beta);
    args.push(G1.neg(xSum), vk.gamma);
    args.push(G1.neg(cSum), vk.delta);
  }
  return curve.pairingEq(...args);
}

async function locate(curve: Bn128Curve, group: Prepared[], rng: () => bigint, out: number[]): Promise<void> {
  if (group.length === 1) {
    out.push(group[0]!.index);
    return;
  }
  const mid = group.length >> 1;
  for (const half of [group.slice(0, mid), group.slice(mid)])
    if (!(await batchHolds(curve, half, rng))) await locate(curve, half, rng, out);
}

/**
 * Verifies many Groth16 proofs (any mix of our circuits) with one multi-pairing; when the batch
 * fails, bisection names the invalid proofs. Malformed input throws TF_ZK_PROOF_MALFORMED.
 */
export async function verifyGroth16Batch(
  items: readonly unknown[],
  opts: BatchOptions = {},
): Promise<BatchResult> {
  const rng = opts.rng ?? defaultRng;
  return withCurve(async (curve) => {
    const { prepared, invalid } = await prepare(curve, items);
    if (!(await batchHolds(curve, prepared, rng))) await locate(curve, prepared, rng, invalid);
    invalid.sort((x, y) => x - y);
    return { ok: invalid.length === 0, invalid };
  });
}

/** Verifies one Groth16 proof file; throws TF_ZK_PROOF_INVALID when it does not verify. */
export async function verifyGroth16(item: unknown, opts: BatchOptions = {}): Promise<Groth16ProofFile> {
  const proof = parseGroth16ProofFile(item);
  const r = await verifyGroth16Batch([proof], opts);
  if (!r.ok)
    throw new TfError("TF_ZK_PROOF_INVALID", `The ${proof.circuit} proof does not verify`, {
      details: { circuit: proof.circuit },
    });
  return proof;
}
