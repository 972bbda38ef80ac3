/**
 * Proving an overlap statement about two committed sets: one Groth16 proof per bucket
 * (commitments + a hidden count commitment) and one aggregation proof that the hidden counts
 * sum to a value satisfying the statement. The statement is checked before anything is proven.
 */
import { TfError } from "../core/errors.js";
import { bn128, circuitSha256, circuitsDir, loadArtifact, snarkjs } from "./circuits.js";
import {
  AGGREGATE_SLOTS,
  bucketize,
  bucketSalt,
  chooseLayout,
  commitmentRoot,
  countCommit,
  countRandomness,
  EMPTY_SLOT_COMMIT,
  FIELD_R,
  type Layout,
  type SetCommitment,
} from "./commit.js";
import { acquireCurve } from "./curve.js";
import {
  type Groth16Proof,
  type Groth16ProofFile,
  OVERLAP_PROOF_SCHEMA,
  type OverlapProof,
  PROOF_SCHEMA,
  type Statement,
  StatementZ,
} from "./groth16-types.js";

export type { Groth16ProofFile, OverlapProof, Statement } from "./groth16-types.js";

export interface ProveInput {
  /** Tenant A's elements (toField of each double-blinded selector). */
  a: bigint[];
  b: bigint[];
  saltA: bigint;
  saltB: bigint;
  statement: Statement;
  /** Default: chooseLayout(|a|, |b|); must be the layout both commitments were made with. */
  layout?: Layout;
}

export interface ProveOptions {
  onProgress?: (done: number, total: number) => void;
  /**
   * Bucket proofs in flight at once (default 2). snarkjs computes a witness and its A, B, C
   * evaluations on the calling thread and the multi-exponentiations on its worker threads: a second
   * proof in flight fills the workers while the first is on the calling thread (bench/zk/prove.mjs,
   * 2 cores: 4 buckets of 32 in 3.9-4.4 s with 2 vs 4.7-4.8 s with 1; 8 buckets 9.7 vs 9.9 s).
   */
  concurrency?: number;
}

/** Name of the bucket circuit for a bucket size, and of the smallest aggregation circuit for a bucket count. */
export const bucketCircuit = (bucketSize: number) => `bucket_${bucketSize}`;

export function aggregateCircuit(buckets: number): { name: string; slots: number } {
  const slots = AGGREGATE_SLOTS.find((s) => s >= buckets);
  if (slots === undefined)
    throw new TfError("TF_ZK_BUCKET_OVERFLOW", `No aggregation circuit has ${buckets} slots`, {
      details: { buckets, slots: AGGREGATE_SLOTS },
    });
  return { name: `aggregate_${slots}`, slots };
}

/** The aggregate's public op/k signals for a statement: op 0 is "sum <= k", op 1 is "sum = k". */
export function statementSignals(s: Statement): [string, string] {
  return s.op === "le" ? ["0", String(s.k)] : ["1", String(s.c)];
}

function holds(s: Statement, overlap: number): boolean {
  return s.op === "le" ? overlap <= s.k : overlap === s.c;
}

/** One Groth16 proof with the committed artifacts of a circuit (checksums verified on load). */
export async function proveGroth16(
  circuit: string,
  input: Record<string, unknown>,
): Promise<Groth16ProofFile> {
  return (await groth16(circuit, input)).file;
}

interface WitnessCalculator {
  calculateWTNSBin(input: Record<string, unknown>, sanityCheck?: boolean): Promise<Uint8Array>;
}

/**
 * One witness calculator per circuit (circom_runtime, as snarkjs's fullProve uses it): compiling
 * the circuit's WebAssembly costs ~150 ms, so it is done once per process. A calculator is one
 * WebAssembly instance and not re-entrant: its calls are queued.
 */
const calculators = new Map<string, { wc: Promise<WitnessCalculator>; queue: Promise<unknown> }>();

async function witness(circuit: string, input: Record<string, unknown>): Promise<Uint8Array> {
  const key = `${circuitsDir()}\0${circuit}`;
  let entry = calculators.get(key);
  if (!entry) {
    const wasm = loadArtifact(circuit, "wasm");
    const wc = import("circom_runtime").then(
      (m) => m.WitnessCalculatorBuilder(wasm) as Promise<WitnessCalculator>,
    );
    // a failed build is not kept: the next proof tries again
    wc.catch(() => calculators.delete(key));
    entry = { wc, queue: Promise.resolve() };
    calculators.set(key, entry);
  }
  const e = entry;
  const run = e.queue.then(async () => (await e.wc).calculateWTNSBin(input));
  e.queue = run.catch(() => undefined);
  return run;
}

async function groth16(circuit: string, input: Record<string, unknown>): Promise<{ file: Groth16ProofFile }> {
  const zkey = loadArtifact(circuit, "zkey");
  const s = await snarkjs();
  const wtns = await witness(circuit, input);
  const { proof, publicSignals } = (await s.groth16.prove(
    { type: "mem", data: zkey } as never,
    {
      type: "mem",
      data: wtns,
    } as never,
  )) as { proof: Groth16Proof & Record<string, unknown>; publicSignals: string[] };
  return {
    file: {
      schema: PROOF_SCHEMA,
      circuit,
      circuitSha256: circuitSha256(circuit),
      publicSignals: publicSignals.map(String),
      proof: {
        pi_a: proof.pi_a,
        pi_b: proof.pi_b,
        pi_c: proof.pi_c,
        protocol: "groth16",
        curve: "bn128",
      },
    },
  };
}

function checkSalt(name: string, v: bigint): void {
  if (typeof v !== "bigint" || v <= 0n || v >= FIELD_R)
    throw new TfError("TF_INPUT_INVALID", `${name} must be a field element (0 < salt < r)`);
}

/**
 * Proves the statement about |a ∩ b| against the Poseidon commitments of both sets.
 * TF_ZK_STATEMENT_FALSE when the statement does not hold (nothing is proven then).
 */
export async function proveOverlap(input: ProveInput, opts: ProveOptions = {}): Promise<OverlapProof> {
  const st = StatementZ.safeParse(input.statement);
  if (!st.success)
    throw new TfError(
      "TF_INPUT_INVALID",
      "The statement must be {op: 'le', k} or {op: 'eq', c} with 0 <= k, c < 2^32",
    );
  const statement = st.data as Statement;
  checkSalt("saltA", input.saltA);
  checkSalt("saltB", input.saltB);
  const layout = input.layout ?? chooseLayout(new Set(input.a).size, new Set(input.b).size);
  const bucketsA = bucketize(input.a, "a", layout);
  const bucketsB = bucketize(input.b, "b", layout);

  const counts = bucketsA.map((bucket, i) => {
    const other = new Set(bucketsB[i]);
    return bucket.filter((e) => e > 1n && other.has(e)).length;
  });
  const overlap = counts.reduce((x, y) => x + y, 0);
  if (!holds(statement, overlap))
    throw new TfError("TF_ZK_STATEMENT_FALSE", "The overlap statement does not hold for these sets", {
      details: { statement },
    });

  const agg = aggregateCircuit(layout.buckets);
  const total = layout.buckets + 1;
  let done = 0;
  opts.onProgress?.(0, total);
  const release = await acquireCurve();
  try {
    // Build the shared curve before proofs run concurrently: ffjavascript caches it only once
    // built, so two first uses at once would each build one, and the second one's worker threads
    // would outlive releaseCurve() and keep the process from exiting.
    await bn128();
    const rs = Array.from({ length: layout.buckets }, (_, i) => countRandomness(input.saltA, input.saltB, i));
    // The aggregate needs only the counts and their randomness, known already: it is proven
    // alongside the buckets (its witness and setup overlap their multi-exponentiations).
    const slotCounts = Array.from({ length: agg.slots }, (_, i) => (i < layout.buckets ? counts[i]! : 0));
    const slotRs = Array.from({ length: agg.slots }, (_, i) => (i < layout.buckets ? rs[i]! : 0n));
    const [op, k] = statementSignals(statement);
    const aggregate = groth16(agg.name, {
      countCommits: slotCounts.map((c, i) =>
        String(i < layout.buckets ? countCommit(c, slotRs[i]!) : EMPTY_SLOT_COMMIT),
      ),
      op,
      k,
      counts: slotCounts.map(String),
      rs: slotRs.map(String),
    });
    aggregate.catch(() => undefined); // awaited below; a bucket failure must not leave it unhandled
    const bucketProofs: Groth16ProofFile[] = new Array(layout.buckets);
    const proveBucket = async (i: number) => {
      const { file } = await groth16(bucketCircuit(layout.bucketSize), {
        a: bucketsA[i]!.map(String),
        b: bucketsB[i]!.map(String),
        saltA: String(bucketSalt(input.saltA, i)),
        saltB: String(bucketSalt(input.saltB, i)),
        r: String(rs[i]!),
      });
      if (file.publicSignals[2] !== String(countCommit(counts[i]!, rs[i]!)))
        throw new TfError("TF_INTERNAL", "The bucket circuit disagrees with the SDK's count commitment");
      bucketProofs[i] = file;
      opts.onProgress?.(++done, total);
    };
    let next = 0;
    const lanes = Math.max(1, Math.min(opts.concurrency ?? 2, layout.buckets));
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < layout.buckets) await proveBucket(next++);
      }),
    );
    const commitsA = bucketProofs.map((f) => BigInt(f.publicSignals[0]!));
    const commitsB = bucketProofs.map((f) => BigInt(f.publicSignals[1]!));
    const { file: aggregateProof } = await aggregate;
    opts.onProgress?.(++done, total);
    const commitment = (commits: bigint[]): SetCommitment => ({
      buckets: layout.buckets,
      bucketSize: layout.bucketSize,
      bucketCommitments: commits.map(String),
      root: String(commitmentRoot(layout, commits)),
    });
    return {
      schema: OVERLAP_PROOF_SCHEMA,
      statement,
      layout: { buckets: layout.buckets, bucketSize: layout.bucketSize },
      commitA: commitment(commitsA),
      commitB: commitment(commitsB),
      bucketProofs,
      aggregateProof,
    };
  } finally {
    release();
  }
}
