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
import { circuitInfo, circuitSha256, type VerificationKey, verificationKey } from "./circuits.js";
import { FIELD_R as R } from "./commit.js";
import { type Groth16ProofFile, parseGroth16ProofFile } from "./groth16-types.js";
import {
  CONSTS,
  F2,
  G1A,
  G1J,
  G2J,
  MILLER_GROUP,
  NAF_WALK,
  type PairingChunk,
  type PairingChunkResult,
  put,
  runOps,
  SCRATCH,
  subgroupOps,
} from "./pairing-job.js";
import { P, type PairingKit, pairingKit, scalarLE } from "./pairing-kit.js";
import { type PairingPool, pairingPool, startPool } from "./pairing-pool.js";

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

let consts: Uint8Array | undefined;
/** Constants of the subgroup check in the module's form: ψ's x and y factors (Montgomery), u (LE). */
function subgroupConsts(kit: PairingKit): Uint8Array {
  if (consts) return consts;
  const out = new Uint8Array(CONSTS);
  out.set(kit.fp(...PSI_X, ...PSI_Y), 0);
  let u = BN_U;
  for (let i = 0; i < 8; i++, u >>= 8n) out[2 * F2 + i] = Number(u & 0xffn);
  consts = out;
  return out;
}

let generator: Uint8Array | undefined;
/** G1's generator (1, 2), affine, in the module's form. */
const g1Generator = (kit: PairingKit): Uint8Array => (generator ??= kit.g1(1n, 2n)!);

/** Subgroup check of one G2 point (Jacobian, in the module's form; not infinity). */
export async function inG2(q: Uint8Array): Promise<boolean> {
  const kit = await pairingKit();
  const consts = subgroupConsts(kit);
  return kit.env((e) => {
    const bases = [put(e, q), put(e, consts), e.alloc(SCRATCH), e.alloc(G2J)];
    runOps(e, bases, subgroupOps([0, 0], 1, 2, [3, 0]));
    return e.x.g2m_isZero!(bases[3]!) !== 0;
  });
}

export interface BatchOptions {
  /** Source of the random 128-bit scalars (tests inject a seeded one). Default: crypto.randomBytes. */
  rng?: () => bigint;
  /**
   * Use the pairing threads (default true): a batch of 24 proofs or more starts them, and any batch
   * uses them once they run. false: this thread only.
   */
  threads?: boolean;
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
  /** G1 affine. */
  a: Uint8Array;
  /** G2 Jacobian (z = 1). */
  b: Uint8Array;
  c: Uint8Array;
  signals: bigint[];
  /** B's line coefficients (NAF walk), filled in by the chunks. */
  preB?: Uint8Array;
  /** First pass: r A (affine), computed by the chunks with the r drawn up front. */
  firstRa?: Uint8Array;
}

interface PreparedKey {
  /** alpha and the IC points as fixed bases (see FixedBase). */
  alpha: FixedBase;
  /**
   * beta, gamma, delta: an id (the point's coordinates) and the line coefficients, prepared once
   * per point, not per batch. Keys share points (snarkjs takes alpha and beta from the powers of
   * tau and gamma = the G2 generator): terms paired with the same point are merged in a batch.
   */
  g2: { id: string; pre: Uint8Array }[];
  ic: FixedBase[];
  nPublic: number;
}

/**
 * A G1 point of a verification key with its table for PairingKit.fixedMultiexp; the id (its
 * coordinates) merges terms on the same point across keys (alpha is usually shared).
 */
interface FixedBase {
  id: string;
  table: Uint8Array;
}

const keyCache = new WeakMap<VerificationKey, PreparedKey>();
/** Prepared verification-key G2 points by coordinates (a handful: one set per circuit at most). */
const preparedG2 = new Map<string, Uint8Array>();
/** Tables of verification-key G1 points by coordinates (2 KB each, one per IC point and alpha). */
const fixedBases = new Map<string, Uint8Array>();

function bad(index: number, message: string): TfError {
  return new TfError("TF_ZK_PROOF_MALFORMED", `Proof ${index}: ${message}`, { details: { index } });
}

function fp(index: number, v: string): bigint {
  const x = BigInt(v);
  if (x >= P) throw bad(index, "a coordinate is not below the base field modulus");
  return x;
}

function g1(kit: PairingKit, index: number, xyz: readonly string[]): Uint8Array {
  if (xyz[2] !== "1") throw bad(index, "G1 points must be affine (z = 1)");
  // BN254 G1 has cofactor 1: on the curve means in the group.
  const p = kit.g1(fp(index, xyz[0]!), fp(index, xyz[1]!));
  if (!p) throw bad(index, "a G1 point is not on the curve");
  return p;
}

/**
 * Decodes an affine G2 point to the module's Jacobian form (z = 1), refusing points off the twist.
 * Membership of the order-r subgroup (the twist has a large cofactor) is checked by the chunks.
 */
function g2(kit: PairingKit, index: number, xyz: readonly (readonly string[])[]): Uint8Array {
  if (xyz[2]![0] !== "1" || xyz[2]![1] !== "0") throw bad(index, "G2 points must be affine (z = 1)");
  const q = kit.g2(
    fp(index, xyz[0]![0]!),
    fp(index, xyz[0]![1]!),
    fp(index, xyz[1]![0]!),
    fp(index, xyz[1]![1]!),
  );
  if (!q) throw bad(index, "a G2 point is not on the twist curve");
  return q;
}

/** A verification key's points ready for batches (cached per key and per point). */
function prepareKey(kit: PairingKit, vk: VerificationKey): PreparedKey {
  const hit = keyCache.get(vk);
  if (hit) return hit;
  const fixed = (o: string[]): FixedBase => {
    const id = o.join(",");
    let table = fixedBases.get(id);
    if (!table) {
      const p = kit.g1(BigInt(o[0]!), BigInt(o[1]!));
      if (!p || o[2] !== "1") throw new TfError("TF_INTERNAL", "A verification key has an invalid G1 point");
      table = kit.fixedBase(p);
      fixedBases.set(id, table);
    }
    return { id, table };
  };
  const preG2 = (o: string[][]) => {
    const id = o.map((c) => c.join(",")).join(";");
    let pre = preparedG2.get(id);
    if (!pre) {
      const q = kit.g2(BigInt(o[0]![0]!), BigInt(o[0]![1]!), BigInt(o[1]![0]!), BigInt(o[1]![1]!));
      if (!q || o[2]![0] !== "1" || o[2]![1] !== "0")
        throw new TfError("TF_INTERNAL", "A verification key has an invalid G2 point");
      pre = kit.prepare(q);
      preparedG2.set(id, pre);
    }
    return { id, pre };
  };
  const k: PreparedKey = {
    alpha: fixed(vk.vk_alpha_1),
    g2: [preG2(vk.vk_beta_2), preG2(vk.vk_gamma_2), preG2(vk.vk_delta_2)],
    ic: vk.IC.map(fixed),
    nPublic: vk.nPublic,
  };
  keyCache.set(vk, k);
  return k;
}

function defaultRng(): bigint {
  return BigInt(`0x${randomBytes(16).toString("hex")}`);
}

interface Decoded {
  prepared: Prepared[];
  invalid: number[];
  /** Every decoded proof's B (including those already known invalid): all are subgroup-checked. */
  bs: { index: number; b: Uint8Array; item?: Prepared }[];
}

/**
 * Decodes proofs: shape, field ranges, curve membership (TF_ZK_PROOF_MALFORMED). A proof for an
 * unknown circuit, another setup (circuitSha256) or with the wrong number of public signals can
 * never verify: it is returned in `invalid`. G2 subgroup membership is checked by the chunks.
 * Decodes items [from, to) of a batch; call it on successive ranges (keys are looked up once).
 */
class Decoder {
  // Looked up once per circuit and batch (each lookup walks the file system for circuits/).
  private readonly keys = new Map<string, { vk: VerificationKey; sha: string } | undefined>();

  constructor(private readonly kit: PairingKit) {}

  decode(items: readonly unknown[], from: number, to: number): Decoded {
    const kit = this.kit;
    const prepared: Prepared[] = [];
    const invalid: number[] = [];
    const bs: Decoded["bs"] = [];
    for (let index = from; index < to; index++) {
      const item = parseGroth16ProofFile(items[index], { index });
      const signals = item.publicSignals.map((s) => {
        const v = BigInt(s);
        if (v >= R) throw bad(index, "a public signal is not below the scalar field order r");
        return v;
      });
      const a = g1(kit, index, item.proof.pi_a);
      const b = g2(kit, index, item.proof.pi_b);
      const c = g1(kit, index, item.proof.pi_c);
      const slot: Decoded["bs"][number] = { index, b };
      bs.push(slot);
      const vk = this.known(item.circuit, item.circuitSha256);
      if (!vk || signals.length !== vk.nPublic) {
        invalid.push(index);
        continue;
      }
      slot.item = { index, key: item.circuit, vk: prepareKey(kit, vk), a, b, c, signals };
      prepared.push(slot.item);
    }
    return { prepared, invalid, bs };
  }

  private known(circuit: string, sha: string): VerificationKey | undefined {
    if (!this.keys.has(circuit)) {
      try {
        circuitInfo(circuit);
        this.keys.set(circuit, { vk: verificationKey(circuit), sha: circuitSha256(circuit) });
      } catch (e) {
        if (e instanceof TfError && e.code === "TF_ZK_ARTIFACT_CHECKSUM") throw e;
        this.keys.set(circuit, undefined);
      }
    }
    const k = this.keys.get(circuit);
    return k && k.sha === sha ? k.vk : undefined;
  }
}

/** Proofs per chunk at most on a pairing thread (its prepared points must fit its memory). */
const POOL_CHUNK = 32;

/** What a chunk found: the indexes of its proofs whose B is outside G2, and its Miller product. */
interface ChunkOutcome {
  outside: number[];
  f: Uint8Array;
}

/** Proofs per chunk: on a pairing thread at most POOL_CHUNK; in this thread MILLER_GROUP. */
function chunkSize(pool: PairingPool | undefined, proofs: number): number {
  // On the pairing threads, two chunks per thread (one that finishes early does not leave its
  // core idle).
  return pool ? Math.min(POOL_CHUNK, Math.max(4, Math.ceil(proofs / (2 * pool.size)))) : MILLER_GROUP;
}

/**
 * Runs one chunk of decoded proofs, on the pairing threads when there are, else here: subgroup
 * check of each B, B's line coefficients, r A, the Miller product of the chunk's pairs (r A, B);
 * fills in preB and firstRa for bisection. Resolves to the chunk's outcome.
 */
function chunkJob(
  kit: PairingKit,
  part: Decoded["bs"],
  rs: Map<Prepared, bigint>,
  pool: PairingPool | undefined,
): Promise<ChunkOutcome> {
  const n = part.length;
  const chunk: PairingChunk = {
    n,
    qs: new Uint8Array(n * G2J),
    // proofs already known invalid get A = the generator, r = 1 and stay out of the product
    as: new Uint8Array(n * G1A),
    r16: new Uint8Array(n * 16),
    use: new Uint8Array(n),
    consts: subgroupConsts(kit),
  };
  part.forEach((p, j) => {
    chunk.qs.set(p.b, j * G2J);
    chunk.as.set(p.item?.a ?? g1Generator(kit), j * G1A);
    scalarLE(chunk.r16, j * 16, (p.item && rs.get(p.item)) ?? 1n, 16);
    chunk.use[j] = p.item ? 1 : 0;
  });
  // a failed thread stops the pool: its chunks (posted as copies) run here instead
  const run: Promise<PairingChunkResult> = pool
    ? pool.run(chunk).catch(() => kit.chunk(chunk))
    : Promise.resolve().then(() => kit.chunk(chunk));
  return run.then((r) => {
    const size = NAF_WALK.preQSize;
    const outside: number[] = [];
    part.forEach((p, j) => {
      if (!r.inG2[j]) outside.push(p.index);
      else if (p.item) {
        p.item.preB = r.pre.slice(j * size, (j + 1) * size);
        p.item.firstRa = r.ra.slice(j * G1A, (j + 1) * G1A);
      }
    });
    return { outside, f: r.f };
  });
}

/**
 * The batch equation's fixed side for one group: r_i A_i (affine) for each proof unless the
 * chunks computed them, and one pair per distinct verification-key G2 point Q: (-S_Q, Q) where
 * S_Q sums the G1 terms paired with Q over the keys in the group — (sum r_i) alpha for beta,
 * sum r_i X_i for gamma, sum r_i C_i for delta. The key points' terms (alpha, IC) are one
 * fixed-base multiexp per Q; C is a multiexp per key. Synchronous wasm calls in the main thread.
 */
function linearPart(
  kit: PairingKit,
  group: Prepared[],
  r: bigint[],
  withRa: boolean,
): { ra: Uint8Array[]; vkPs: Uint8Array[]; vkQs: Uint8Array[] } {
  const ra: Uint8Array[] = new Array(group.length);
  const sides = new Map<
    string,
    { pre: Uint8Array; fixed: Map<string, { table: Uint8Array; scalar: bigint }>; points: Uint8Array[] }
  >();
  const side = (q: { id: string; pre: Uint8Array }) => {
    let s = sides.get(q.id);
    if (!s) {
      s = { pre: q.pre, fixed: new Map(), points: [] };
      sides.set(q.id, s);
    }
    return s;
  };
  const addFixed = (q: { id: string; pre: Uint8Array }, base: FixedBase, scalar: bigint) => {
    const terms = side(q).fixed;
    const t = terms.get(base.id);
    if (t) t.scalar = (t.scalar + scalar) % R;
    else terms.set(base.id, { table: base.table, scalar: scalar % R });
  };
  const byKey = new Map<string, number[]>();
  group.forEach((p, i) => {
    const list = byKey.get(p.key);
    if (list) list.push(i);
    else byKey.set(p.key, [i]);
  });
  for (const list of byKey.values()) {
    const vk = group[list[0]!]!.vk;
    const [beta, gamma, delta] = vk.g2 as [PreparedKey["g2"][0], PreparedKey["g2"][0], PreparedKey["g2"][0]];
    const rs = list.map((gi) => r[gi]!);
    let rSum = 0n;
    for (const r of rs) rSum += r;
    addFixed(beta, vk.alpha, rSum);
    addFixed(gamma, vk.ic[0]!, rSum);
    for (let j = 0; j < vk.nPublic; j++) {
      let w = 0n;
      list.forEach((gi, i) => {
        w += rs[i]! * group[gi]!.signals[j]!;
      });
      addFixed(gamma, vk.ic[j + 1]!, w);
    }
    const n = list.length;
    const as = new Uint8Array(G1A * n);
    const cs = new Uint8Array(G1A * n);
    const r16 = new Uint8Array(16 * n);
    list.forEach((gi, i) => {
      as.set(group[gi]!.a, G1A * i);
      cs.set(group[gi]!.c, G1A * i);
      scalarLE(r16, 16 * i, rs[i]!, 16);
    });
    const out = kit.sync((put, alloc, get) => {
      const pR = put(r16);
      const sumC = alloc(G1J);
      kit.call("g1m_multiexpAffine", put(cs), pR, 16, n, sumC);
      // (on a first pass the chunks computed r A already)
      if (!withRa) return { sumC: get(sumC, G1J) };
      const pA = put(as);
      const jac = alloc(G1J * n);
      for (let i = 0; i < n; i++)
        kit.call("g1m_timesScalarAffine", pA + G1A * i, pR + 16 * i, 16, jac + G1J * i);
      // r_i A_i is never infinity (A_i has order r and 0 < r_i < r): one batched inversion
      const aff = alloc(G1A * n);
      kit.call("g1m_batchToAffine", jac, n, aff);
      return { sumC: get(sumC, G1J), aff: get(aff, G1A * n) };
    });
    if (out.aff)
      list.forEach((gi, i) => {
        ra[gi] = out.aff!.slice(G1A * i, G1A * (i + 1));
      });
    side(delta).points.push(out.sumC);
  }
  const vkPs: Uint8Array[] = [];
  const vkQs: Uint8Array[] = [];
  for (const s of sides.values()) {
    let p = kit.fixedMultiexp([...s.fixed.values()]);
    for (const q of s.points) p = kit.g1Add(p, q);
    // e(O, Q) = 1: a pair with the point at infinity drops out
    const a = kit.g1Affine(kit.g1Neg(p));
    if (a) {
      vkPs.push(a);
      vkQs.push(s.pre);
    }
  }
  return { ra, vkPs, vkQs };
}

/**
 * One multi-pairing over the whole group; true when every proof in it verifies (w.h.p.).
 * `ready` (first pass only): the chunk jobs over the group, which computed r A, prepared B and
 * the Miller product of the proofs' pairs. Returns the indexes of proofs whose B is outside G2
 * instead, when there are any.
 */
async function batchHolds(
  kit: PairingKit,
  group: Prepared[],
  r: bigint[],
  ready?: Promise<ChunkOutcome>[],
): Promise<boolean | { outside: number[] }> {
  // first pass: the chunks compute r A along with B's preparation
  const { ra, vkPs, vkQs } = linearPart(kit, group, r, !ready);
  let f = kit.millerProduct(vkPs, vkQs);
  if (ready) {
    const outcomes = await Promise.all(ready);
    const outside = outcomes.flatMap((o) => o.outside);
    if (outside.length) return { outside };
    for (const o of outcomes) f = kit.mulGt(f, o.f);
  } else
    f = kit.mulGt(
      f,
      kit.millerProduct(
        ra,
        group.map((p) => p.preB!),
      ),
    );
  return kit.finalExpIsOne(f);
}

/** Random nonzero 128-bit scalars, one per proof. */
function draw(rng: () => bigint, n: number): bigint[] {
  return Array.from({ length: n }, () => {
    let r = rng() & ((1n << 128n) - 1n);
    while (r === 0n) r = rng() & ((1n << 128n) - 1n);
    return r;
  });
}

async function holds(kit: PairingKit, group: Prepared[], rng: () => bigint): Promise<boolean> {
  if (group.length === 0) return true;
  return (await batchHolds(kit, group, draw(rng, group.length))) === true;
}

async function locate(kit: PairingKit, group: Prepared[], rng: () => bigint, out: number[]): Promise<void> {
  if (group.length === 1) {
    out.push(group[0]!.index);
    return;
  }
  const mid = group.length >> 1;
  for (const half of [group.slice(0, mid), group.slice(mid)])
    if (!(await holds(kit, half, rng))) await locate(kit, half, rng, out);
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
  // a large batch starts the threads (~70-90 ms); its chunks wait for them
  const pool = (opts.threads ?? true) ? pairingPool(items.length) : undefined;
  const kit = await pairingKit();
  const size = chunkSize(pool, items.length);
  const decoder = new Decoder(kit);
  const prepared: Prepared[] = [];
  const invalid: number[] = [];
  const r: bigint[] = [];
  const jobs: Promise<ChunkOutcome>[] = [];
  // Each chunk starts as soon as it is decoded, so the threads work while the rest is read.
  try {
    for (let s = 0; s < items.length; s += size) {
      const part = decoder.decode(items, s, Math.min(items.length, s + size));
      const rs = draw(rng, part.prepared.length);
      prepared.push(...part.prepared);
      invalid.push(...part.invalid);
      r.push(...rs);
      jobs.push(chunkJob(kit, part.bs, new Map(part.prepared.map((p, i) => [p, rs[i]!])), pool));
    }
  } catch (e) {
    for (const j of jobs) j.catch(() => undefined); // started chunks end unheard
    throw e;
  }
  let ok: boolean | { outside: number[] };
  if (prepared.length === 0) {
    const outside = (await Promise.all(jobs)).flatMap((o) => o.outside);
    ok = outside.length ? { outside } : true;
  } else ok = await batchHolds(kit, prepared, r, jobs);
  if (ok !== true && ok !== false) {
    // wait for every job, then name the first point outside G2
    const outside = [...ok.outside, ...(await Promise.all(jobs)).flatMap((o) => o.outside)];
    throw bad(Math.min(...outside), "a G2 point is not in the order-r subgroup");
  }
  if (!ok) await locate(kit, prepared, rng, invalid);
  invalid.sort((x, y) => x - y);
  return { ok: invalid.length === 0, invalid };
}

/**
 * Starts batch verification's pairing threads now instead of at the first large batch (also after
 * they failed, which stops a process from starting them by itself). They stop after 30 s without
 * work, or at releaseCurve(). Resolves to false where there can be none (running from source, one
 * core) or when they failed to start.
 */
export async function startPairingThreads(): Promise<boolean> {
  return startPool();
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
