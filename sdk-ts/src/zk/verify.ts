/**
 * Verifying overlap proofs: the structure (layout, circuits, commitments chaining into the
 * roots, bucket count commitments chaining into the aggregate, the statement's public op/k),
 * then every Groth16 proof in ONE batched multi-pairing.
 */
import { TfError } from "../core/errors.js";
import { type BatchOptions, verifyGroth16Batch } from "./batch.js";
import { commitmentRoot, EMPTY_SLOT_COMMIT, type SetCommitment } from "./commit.js";
import {
  type Groth16ProofFile,
  OVERLAP_PROOF_SCHEMA,
  type OverlapProof,
  PROOF_SCHEMA,
  parseGroth16ProofFile,
  parseOverlapProof,
  type Statement,
} from "./groth16-types.js";
import { aggregateCircuit, bucketCircuit, statementSignals } from "./prove.js";

export { verifyGroth16, verifyGroth16Batch } from "./batch.js";

export interface Expected {
  commitA?: SetCommitment;
  commitB?: SetCommitment;
  statement?: Statement;
}

export interface OverlapVerification {
  statement: Statement;
  layout: { buckets: number; bucketSize: number };
  rootA: string;
  rootB: string;
  /** Groth16 proofs checked (buckets + 1). */
  proofs: number;
}

function invalid(message: string, details: Record<string, unknown> = {}): TfError {
  return new TfError("TF_ZK_PROOF_INVALID", message, { details });
}

function sameCommitment(x: SetCommitment, y: SetCommitment): boolean {
  return (
    x.root === y.root &&
    x.buckets === y.buckets &&
    x.bucketSize === y.bucketSize &&
    x.bucketCommitments.length === y.bucketCommitments.length &&
    x.bucketCommitments.every((c, i) => c === y.bucketCommitments[i])
  );
}

function sameStatement(x: Statement, y: Statement): boolean {
  return x.op === y.op && (x.op === "le" ? x.k === (y as { k: number }).k : x.c === (y as { c: number }).c);
}

/**
 * Checks everything about an overlap proof except the Groth16 equations, and returns the
 * Groth16 proofs those equations must hold for. Throws TF_ZK_PROOF_INVALID,
 * TF_ZK_COMMITMENT_MISMATCH or TF_ZK_STATEMENT_MISMATCH.
 */
export function overlapStructure(p: OverlapProof, expected: Expected = {}): Groth16ProofFile[] {
  const { buckets, bucketSize } = p.layout;
  for (const [side, c] of [
    ["A", p.commitA],
    ["B", p.commitB],
  ] as const) {
    if (c.buckets !== buckets || c.bucketSize !== bucketSize || c.bucketCommitments.length !== buckets)
      throw new TfError("TF_ZK_COMMITMENT_MISMATCH", `Commitment ${side} does not have the proof's layout`, {
        details: { side, layout: p.layout },
      });
    if (commitmentRoot(p.layout, c.bucketCommitments.map(BigInt)) !== BigInt(c.root))
      throw new TfError(
        "TF_ZK_COMMITMENT_MISMATCH",
        `Commitment ${side}'s bucket commitments do not chain to its root`,
        {
          details: { side },
        },
      );
  }
  if (expected.commitA && !sameCommitment(expected.commitA, p.commitA))
    throw new TfError(
      "TF_ZK_COMMITMENT_MISMATCH",
      "The proof is about another commitment of set A than expected",
      {
        details: { expected: expected.commitA.root, found: p.commitA.root },
      },
    );
  if (expected.commitB && !sameCommitment(expected.commitB, p.commitB))
    throw new TfError(
      "TF_ZK_COMMITMENT_MISMATCH",
      "The proof is about another commitment of set B than expected",
      {
        details: { expected: expected.commitB.root, found: p.commitB.root },
      },
    );
  if (expected.statement && !sameStatement(expected.statement, p.statement))
    throw new TfError("TF_ZK_STATEMENT_MISMATCH", "The proof proves another statement than expected", {
      details: { expected: expected.statement, found: p.statement },
    });

  if (p.bucketProofs.length !== buckets)
    throw invalid(`The proof has ${p.bucketProofs.length} bucket proofs for ${buckets} buckets`);
  const agg = aggregateCircuit(buckets);
  p.bucketProofs.forEach((bp, i) => {
    if (bp.circuit !== bucketCircuit(bucketSize) || bp.publicSignals.length !== 3)
      throw invalid(`Bucket proof ${i} is not a ${bucketCircuit(bucketSize)} proof`, { bucket: i });
    if (
      bp.publicSignals[0] !== p.commitA.bucketCommitments[i] ||
      bp.publicSignals[1] !== p.commitB.bucketCommitments[i]
    )
      throw new TfError(
        "TF_ZK_COMMITMENT_MISMATCH",
        `Bucket proof ${i} is about other commitments than the proof's`,
        {
          details: { bucket: i },
        },
      );
  });
  const ap = p.aggregateProof;
  if (ap.circuit !== agg.name || ap.publicSignals.length !== agg.slots + 2)
    throw invalid(`The aggregate proof is not a ${agg.name} proof`);
  const empty = String(EMPTY_SLOT_COMMIT);
  for (let i = 0; i < agg.slots; i++) {
    const want = i < buckets ? p.bucketProofs[i]!.publicSignals[2] : empty;
    if (ap.publicSignals[i] !== want)
      throw invalid(`The aggregate proof's count commitment ${i} is not bucket ${i}'s`, { slot: i });
  }
  const [op, k] = statementSignals(p.statement);
  if (ap.publicSignals[agg.slots] !== op || ap.publicSignals[agg.slots + 1] !== k)
    throw invalid("The aggregate proof is for another statement than the document states");
  return [...p.bucketProofs, ap];
}

/**
 * Verifies an overlap proof, optionally against the commitments and statement the caller expects.
 * Throws TF_ZK_PROOF_MALFORMED, TF_ZK_PROOF_INVALID, TF_ZK_COMMITMENT_MISMATCH or TF_ZK_STATEMENT_MISMATCH.
 */
export async function verifyOverlap(
  proof: OverlapProof | unknown,
  expected: Expected = {},
  opts: BatchOptions = {},
): Promise<OverlapVerification> {
  const p = parseOverlapProof(proof);
  const groth = overlapStructure(p, expected);
  const r = await verifyGroth16Batch(groth, opts);
  if (!r.ok)
    throw invalid("The overlap proof does not verify", {
      invalid: r.invalid.map((i) => (i < p.bucketProofs.length ? `bucket ${i}` : "aggregate")),
    });
  return {
    statement: p.statement,
    layout: p.layout,
    rootA: p.commitA.root,
    rootB: p.commitB.root,
    proofs: groth.length,
  };
}

/** What kind of proof document a value is, by its schema field. */
export function proofKind(doc: unknown): "overlap" | "groth16" {
  const schema = (doc as { schema?: unknown } | null)?.schema;
  if (schema === OVERLAP_PROOF_SCHEMA) return "overlap";
  if (schema === PROOF_SCHEMA) return "groth16";
  throw new TfError(
    "TF_ZK_PROOF_MALFORMED",
    `Not a proof document: schema must be ${OVERLAP_PROOF_SCHEMA} or ${PROOF_SCHEMA}`,
    { details: { schema } },
  );
}

export interface DocumentResult {
  index: number;
  kind: "overlap" | "groth16";
  ok: boolean;
  /** Circuit of a single proof, or the statement of an overlap proof. */
  circuit?: string;
  statement?: Statement;
  /** Why it failed: an error code. */
  code?: string;
  message?: string;
}

/**
 * Verifies many proof documents (overlap proofs and single Groth16 proofs, mixed) with ONE
 * multi-pairing over all their Groth16 proofs; bisection names the documents that fail.
 * Malformed documents throw TF_ZK_PROOF_MALFORMED (details.index names which).
 */
export async function verifyProofDocuments(
  docs: unknown[],
  opts: BatchOptions = {},
): Promise<{ ok: boolean; results: DocumentResult[]; groth16Proofs: number }> {
  const results: DocumentResult[] = [];
  const flat: Groth16ProofFile[] = [];
  const owner: number[] = [];
  docs.forEach((doc, index) => {
    let kind: "overlap" | "groth16";
    try {
      kind = proofKind(doc);
    } catch (e) {
      throw new TfError("TF_ZK_PROOF_MALFORMED", `Document ${index}: ${(e as Error).message}`, {
        details: { index },
      });
    }
    if (kind === "groth16") {
      const g = parseGroth16ProofFile(doc, { index });
      results.push({ index, kind, ok: true, circuit: g.circuit });
      flat.push(g);
      owner.push(index);
      return;
    }
    const p = parseOverlapProof(doc, { index });
    const res: DocumentResult = { index, kind, ok: true, statement: p.statement };
    results.push(res);
    try {
      for (const g of overlapStructure(p)) {
        flat.push(g);
        owner.push(index);
      }
    } catch (e) {
      if (!(e instanceof TfError)) throw e;
      Object.assign(res, { ok: false, code: e.code, message: e.message });
    }
  });
  const r = await verifyGroth16Batch(flat, opts);
  for (const i of r.invalid) {
    const res = results[owner[i]!]!;
    if (res.ok)
      Object.assign(res, { ok: false, code: "TF_ZK_PROOF_INVALID", message: "The proof does not verify" });
  }
  return { ok: results.every((x) => x.ok), results, groth16Proofs: flat.length };
}
