import { describe, expect, it } from "vitest";
import { isTfError } from "../../src/core/errors.js";
import { commitSet } from "../../src/zk/commit.js";
import type { OverlapProof } from "../../src/zk/groth16-types.js";
import { verifyOverlap, verifyProofDocuments } from "../../src/zk/verify.js";
import { GOLDEN_CASES, goldenInputs, goldenProof } from "./golden/cases.js";

const c4 = GOLDEN_CASES[1]!; // 4 buckets of 32, overlap 0, statement le:0
const base = goldenProof(c4);
const clone = (): OverlapProof => structuredClone(base);

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return isTfError(e) ? e.code : `non-TfError: ${(e as Error).message}`;
  }
  return undefined;
}

describe("verifyOverlap", () => {
  it("checks the expected commitments and statement", async () => {
    const { a, b, saltA, saltB } = goldenInputs(c4);
    const commitA = commitSet(a, "a", saltA, c4.layout);
    const commitB = commitSet(b, "b", saltB, c4.layout);
    await expect(
      verifyOverlap(base, { commitA, commitB, statement: { op: "le", k: 0 } }),
    ).resolves.toMatchObject({
      rootA: commitA.root,
      proofs: 5,
    });
    expect(await code(verifyOverlap(base, { commitA: commitB }))).toBe("TF_ZK_COMMITMENT_MISMATCH");
    expect(await code(verifyOverlap(base, { commitB: commitSet(b, "b", saltB + 1n, c4.layout) }))).toBe(
      "TF_ZK_COMMITMENT_MISMATCH",
    );
    expect(await code(verifyOverlap(base, { statement: { op: "le", k: 1 } }))).toBe(
      "TF_ZK_STATEMENT_MISMATCH",
    );
    expect(await code(verifyOverlap(base, { statement: { op: "eq", c: 0 } }))).toBe(
      "TF_ZK_STATEMENT_MISMATCH",
    );
  });

  it("refuses a document whose statement was edited (the aggregate proves another)", async () => {
    const p = clone();
    p.statement = { op: "le", k: 5 };
    expect(await code(verifyOverlap(p))).toBe("TF_ZK_PROOF_INVALID");
    // ...and one where the aggregate's public k was edited too: the Groth16 proof fails.
    p.aggregateProof.publicSignals[p.aggregateProof.publicSignals.length - 1] = "5";
    expect(await code(verifyOverlap(p))).toBe("TF_ZK_PROOF_INVALID");
  });

  it("refuses bucket commitments that do not chain to the root or into the bucket proofs", async () => {
    const p = clone();
    p.commitA.bucketCommitments[2] = "12345";
    expect(await code(verifyOverlap(p))).toBe("TF_ZK_COMMITMENT_MISMATCH");
    const q = clone();
    [q.bucketProofs[0], q.bucketProofs[1]] = [q.bucketProofs[1]!, q.bucketProofs[0]!];
    expect(await code(verifyOverlap(q))).toBe("TF_ZK_COMMITMENT_MISMATCH");
  });

  it("refuses count commitments that do not chain into the aggregate", async () => {
    const p = clone();
    p.aggregateProof.publicSignals[1] = p.aggregateProof.publicSignals[0]!;
    expect(await code(verifyOverlap(p))).toBe("TF_ZK_PROOF_INVALID");
  });

  it("refuses a bucket proof made for another circuit", async () => {
    const p = clone();
    p.bucketProofs[0]!.circuit = "bucket_64";
    expect(await code(verifyOverlap(p))).toBe("TF_ZK_PROOF_INVALID");
  });

  it("refuses a tampered Groth16 proof", async () => {
    const p = clone();
    p.bucketProofs[3]!.proof.pi_a = structuredClone(p.bucketProofs[2]!.proof.pi_a);
    expect(await code(verifyOverlap(p))).toBe("TF_ZK_PROOF_INVALID");
  });

  it("refuses malformed documents with TF_ZK_PROOF_MALFORMED", async () => {
    expect(await code(verifyOverlap(JSON.stringify(base).slice(0, 500)))).toBe("TF_ZK_PROOF_MALFORMED");
    expect(await code(verifyOverlap({ ...clone(), bucketProofs: "x" }))).toBe("TF_ZK_PROOF_MALFORMED");
    expect(await code(verifyOverlap({ ...clone(), schema: "trustfabric.dev/zk/proof/v1" }))).toBe(
      "TF_ZK_PROOF_MALFORMED",
    );
  });
});

describe("verifyProofDocuments", () => {
  it("verifies overlap and single proofs in one batch and names the failing documents", async () => {
    const bad = clone();
    bad.bucketProofs[1]!.proof.pi_c = structuredClone(bad.bucketProofs[0]!.proof.pi_c);
    const edited = clone();
    edited.statement = { op: "le", k: 9 };
    const docs = [goldenProof(GOLDEN_CASES[0]!), base.bucketProofs[0], bad, base.aggregateProof, edited];
    const r = await verifyProofDocuments(docs);
    expect(r.ok).toBe(false);
    expect(r.results.map((x) => x.ok)).toEqual([true, true, false, true, false]);
    expect(r.results[2]!.code).toBe("TF_ZK_PROOF_INVALID");
    expect(r.groth16Proofs).toBe(2 + 1 + 5 + 1);
  });
});
