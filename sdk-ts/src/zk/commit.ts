/**
 * Set elements as BN254 field elements, hash-prefix bucketing and the Poseidon commitments the
 * overlap circuits open. Everything here is computed identically inside the circuits
 * (circuits/src/*.circom); docs/zk-circuits.md gives the exact scheme.
 */
import { createHash, randomBytes } from "node:crypto";
import { TfError } from "../core/errors.js";

/** The BN254 scalar field order r (circom's prime). */
export const FIELD_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Padding values: A pads with 0, B pads with 1; real elements are never 0 or 1, so padding never matches. */
export const PAD_A = 0n;
export const PAD_B = 1n;

const ELEMENT_DOMAIN = new TextEncoder().encode("trustfabric/zk/v1/element");

/** Bucket sizes (elements per side) with a compiled bucket circuit. */
export const BUCKET_SIZES = [8, 32, 64] as const;
/** Bucket-count slots of the compiled aggregation circuits. */
export const AGGREGATE_SLOTS = [4, 64] as const;
/** Largest bucket count any layout uses (the largest aggregation circuit). */
export const MAX_BUCKETS: number = AGGREGATE_SLOTS[AGGREGATE_SLOTS.length - 1]!;

/** Maps a 32-byte ristretto255 encoding into Fr \ {0, 1}: 2 + (SHA-256(domain || point) mod (r - 2)). */
export function toField(point: Uint8Array): bigint {
  if (!(point instanceof Uint8Array) || point.length !== 32)
    throw new TfError("TF_INPUT_INVALID", "A set element must be a 32-byte ristretto255 encoding", {
      details: { length: (point as Uint8Array | undefined)?.length },
    });
  const h = createHash("sha256").update(ELEMENT_DOMAIN).update(point).digest();
  return 2n + (BigInt(`0x${h.toString("hex")}`) % (FIELD_R - 2n));
}

function assertPow2(buckets: number): void {
  if (!Number.isInteger(buckets) || buckets < 1 || (buckets & (buckets - 1)) !== 0)
    throw new TfError("TF_INPUT_INVALID", `The bucket count must be a power of two, got ${buckets}`);
}

/** Bucket of an element: its top log2(buckets) bits as a fraction of r ("hash prefix"). */
export function bucketOf(element: bigint, buckets: number): number {
  assertPow2(buckets);
  return Number((element * BigInt(buckets)) / FIELD_R);
}

type Hash = (xs: bigint[]) => bigint;

/**
 * poseidon-lite's hash for n inputs, loaded on first use: each width parses its constants as it
 * loads (~0.1 s for all fifteen), which a process that never commits (most CLI commands import the
 * SDK) should not pay. Literal require calls, so bundlers still include them (lazily).
 */
function load(n: number): Hash | undefined {
  switch (n) {
    case 2:
      return require("poseidon-lite/poseidon2").poseidon2;
    case 3:
      return require("poseidon-lite/poseidon3").poseidon3;
    case 4:
      return require("poseidon-lite/poseidon4").poseidon4;
    case 5:
      return require("poseidon-lite/poseidon5").poseidon5;
    case 6:
      return require("poseidon-lite/poseidon6").poseidon6;
    case 7:
      return require("poseidon-lite/poseidon7").poseidon7;
    case 8:
      return require("poseidon-lite/poseidon8").poseidon8;
    case 9:
      return require("poseidon-lite/poseidon9").poseidon9;
    case 10:
      return require("poseidon-lite/poseidon10").poseidon10;
    case 11:
      return require("poseidon-lite/poseidon11").poseidon11;
    case 12:
      return require("poseidon-lite/poseidon12").poseidon12;
    case 13:
      return require("poseidon-lite/poseidon13").poseidon13;
    case 14:
      return require("poseidon-lite/poseidon14").poseidon14;
    case 15:
      return require("poseidon-lite/poseidon15").poseidon15;
    case 16:
      return require("poseidon-lite/poseidon16").poseidon16;
    default:
      return undefined;
  }
}
const POSEIDON = new Map<number, Hash>();

/** circomlib Poseidon over 2..16 inputs. */
export function poseidon(inputs: bigint[]): bigint {
  let f = POSEIDON.get(inputs.length);
  if (!f) {
    f = load(inputs.length);
    if (f) POSEIDON.set(inputs.length, f);
  }
  if (!f) throw new TfError("TF_INTERNAL", `Poseidon takes 2-16 inputs, got ${inputs.length}`);
  return f(inputs);
}

/** Elements per Poseidon call in a chain (the 16th input carries the chain value). */
export const CHAIN_WIDTH = 15;

/**
 * Poseidon chain (circuits/src/commit.circom ChainCommit): h = init; for each chunk of up to 15
 * values, h = Poseidon(h, chunk...). Returns h.
 */
export function chainCommit(values: bigint[], init: bigint): bigint {
  let h = init;
  for (let i = 0; i < values.length; i += CHAIN_WIDTH) h = poseidon([h, ...values.slice(i, i + CHAIN_WIDTH)]);
  return h;
}

/** Domain tags so per-bucket salts and count randomness never collide with each other. */
const TAG_BUCKET_SALT = 0x7466_7a6b_0001n; // "tfzk" 1
const TAG_COUNT_RAND = 0x7466_7a6b_0002n; // "tfzk" 2
const TAG_ROOT = 0x7466_7a6b_0003n; // "tfzk" 3

/** Per-bucket salt: distinct buckets never share a commitment even when both hold only padding. */
export function bucketSalt(salt: bigint, bucket: number): bigint {
  return poseidon([TAG_BUCKET_SALT, salt, BigInt(bucket)]);
}

/** Randomness of bucket b's count commitment, derived from both salts so proofs are reproducible. */
export function countRandomness(saltA: bigint, saltB: bigint, bucket: number): bigint {
  return poseidon([TAG_COUNT_RAND, saltA, saltB, BigInt(bucket)]);
}

/** countCommit = Poseidon(count, r) — the public output of a bucket proof, opened by the aggregate. */
export function countCommit(count: number, r: bigint): bigint {
  return poseidon([BigInt(count), r]);
}

/**
 * Commitment of an unused aggregation slot (count 0, randomness 0): public, so the verifier checks
 * it. Poseidon(0, 0), written out so that loading this module hashes nothing (a test recomputes it).
 */
export const EMPTY_SLOT_COMMIT =
  14744269619966411208579211824598458697587494354926760081771325075741142829156n;

export interface Layout {
  buckets: number;
  bucketSize: number;
}

export interface SetCommitment {
  buckets: number;
  bucketSize: number;
  /** Decimal field elements, one per bucket. */
  bucketCommitments: string[];
  /** Poseidon chain over the bucket commitments, starting from Poseidon(tag, buckets, bucketSize). */
  root: string;
}

function checkLayout(layout: Layout): void {
  assertPow2(layout.buckets);
  if (layout.buckets > MAX_BUCKETS)
    throw new TfError(
      "TF_INPUT_INVALID",
      `At most ${MAX_BUCKETS} buckets are supported, got ${layout.buckets}`,
    );
  if (!(BUCKET_SIZES as readonly number[]).includes(layout.bucketSize))
    throw new TfError(
      "TF_INPUT_INVALID",
      `No bucket circuit of size ${layout.bucketSize}; sizes: ${BUCKET_SIZES.join(", ")}`,
    );
}

function checkElement(e: bigint): void {
  if (typeof e !== "bigint" || e < 2n || e >= FIELD_R)
    throw new TfError("TF_INPUT_INVALID", "Set elements must be field elements from toField() (2 <= e < r)");
}

/**
 * Sorted, de-duplicated, padded buckets of one side. Sorting makes the commitment a function
 * of the set alone; de-duplication makes the in-circuit count the size of the intersection.
 */
export function bucketize(elements: bigint[], side: "a" | "b", layout: Layout): bigint[][] {
  checkLayout(layout);
  const pad = side === "a" ? PAD_A : PAD_B;
  const uniq = [...new Set(elements)];
  for (const e of uniq) checkElement(e);
  uniq.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const out: bigint[][] = Array.from({ length: layout.buckets }, () => []);
  for (const e of uniq) out[bucketOf(e, layout.buckets)]!.push(e);
  out.forEach((bucket, i) => {
    if (bucket.length > layout.bucketSize)
      throw new TfError(
        "TF_ZK_BUCKET_OVERFLOW",
        `Bucket ${i} of side ${side.toUpperCase()} holds ${bucket.length} elements; the layout allows ${layout.bucketSize}`,
        { details: { side, bucket: i, size: bucket.length, layout } },
      );
    while (bucket.length < layout.bucketSize) bucket.push(pad);
  });
  return out;
}

/** Root over bucket commitments (public, not salted: the bucket commitments already hide). */
export function commitmentRoot(layout: Layout, bucketCommitments: bigint[]): bigint {
  return chainCommit(
    bucketCommitments,
    poseidon([TAG_ROOT, BigInt(layout.buckets), BigInt(layout.bucketSize)]),
  );
}

function checkSalt(salt: bigint): void {
  if (typeof salt !== "bigint" || salt <= 0n || salt >= FIELD_R)
    throw new TfError("TF_INPUT_INVALID", "A salt must be a random field element (0 < salt < r)");
}

/** Commits one side's set: bucket b's commitment is ChainCommit(bucket values, bucketSalt(salt, b)). */
export function commitSet(elements: bigint[], side: "a" | "b", salt: bigint, layout: Layout): SetCommitment {
  checkSalt(salt);
  const buckets = bucketize(elements, side, layout);
  const commits = buckets.map((values, b) => chainCommit(values, bucketSalt(salt, b)));
  return {
    buckets: layout.buckets,
    bucketSize: layout.bucketSize,
    bucketCommitments: commits.map(String),
    root: String(commitmentRoot(layout, commits)),
  };
}

/** A fresh random salt in Fr. */
export function randomSalt(): bigint {
  for (;;) {
    const v = BigInt(`0x${randomBytes(32).toString("hex")}`) & ((1n << 254n) - 1n);
    if (v > 0n && v < FIELD_R) return v;
  }
}

/** ln P(X >= s) for X ~ Binomial(n, p), via the Chernoff bound (an upper bound). */
function logTail(n: number, p: number, s: number): number {
  const mu = n * p;
  if (s <= mu) return 0;
  // KL-divergence form: P(X >= s) <= exp(-n * D(s/n || p)).
  const q = s / n;
  if (q >= 1) return s > n ? Number.NEGATIVE_INFINITY : n * Math.log(p);
  return -n * (q * Math.log(q / p) + (1 - q) * Math.log((1 - q) / (1 - p)));
}

/** Overflow probability allowed for a layout (union bound over both sides and all buckets). */
const OVERFLOW_LOG_BOUND = Math.log(2 ** -40);

/** Relative proving cost of a bucket of size s (constraints grow with s^2 plus the commitments). */
const bucketCost = (s: number) => s * s + 20 * s + 250;

/**
 * The cheapest layout (buckets x bucketSize) over the compiled circuits whose chance of any
 * bucket overflowing is below 2^-40 for sets of these sizes. Both tenants must use the same layout.
 */
export function chooseLayout(nA: number, nB: number): Layout {
  for (const n of [nA, nB])
    if (!Number.isInteger(n) || n < 0)
      throw new TfError("TF_INPUT_INVALID", "Set sizes must be non-negative integers");
  const n = Math.max(nA, nB, 1);
  let best: (Layout & { cost: number }) | undefined;
  for (let buckets = 1; buckets <= MAX_BUCKETS; buckets *= 2) {
    for (const bucketSize of BUCKET_SIZES) {
      if (bucketSize * buckets < n) continue;
      const ok =
        buckets === 1 || Math.log(2 * buckets) + logTail(n, 1 / buckets, bucketSize + 1) < OVERFLOW_LOG_BOUND;
      if (!ok) continue;
      const cost = buckets * bucketCost(bucketSize);
      if (!best || cost < best.cost) best = { buckets, bucketSize, cost };
    }
  }
  if (!best)
    throw new TfError(
      "TF_ZK_BUCKET_OVERFLOW",
      `Sets of ${nA} and ${nB} elements are larger than the compiled circuits support`,
      {
        details: { nA, nB },
        remedy: "Split the sets, or compile a larger aggregation circuit (docs/zk-circuits.md).",
      },
    );
  return { buckets: best.buckets, bucketSize: best.bucketSize };
}
