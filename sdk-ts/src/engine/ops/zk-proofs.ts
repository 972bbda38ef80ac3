import { z } from "zod";
import { TfError } from "../../core/errors.js";
import { defineOperation } from "../operation.js";

const MAX_DOCUMENTS = 10_000;

const Documents = z
  .array(z.string().max(16 * 1024 * 1024))
  .min(1)
  .max(MAX_DOCUMENTS)
  .describe(
    "proof documents as JSON text: trustfabric.dev/zk/overlap-proof/v1 or trustfabric.dev/zk/proof/v1",
  );

const Statement = z.discriminatedUnion("op", [
  z.object({ op: z.literal("eq"), c: z.number().int().min(0) }),
  z.object({ op: z.literal("le"), k: z.number().int().min(0) }),
]);

const Commitment = z.object({
  buckets: z.number().int(),
  bucketSize: z.number().int(),
  bucketCommitments: z.array(z.string()),
  root: z.string(),
});

const Result = z.object({
  index: z.number().int().describe("position of the document in the input"),
  kind: z.enum(["overlap", "groth16"]),
  ok: z.boolean(),
  circuit: z.string().optional(),
  statement: Statement.optional(),
  code: z.string().optional().describe("error code when the document does not verify"),
  message: z.string().optional(),
});

function parseJson(text: string, index: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new TfError("TF_ZK_PROOF_MALFORMED", `Document ${index} is not valid JSON (truncated?)`, {
      details: { index },
    });
  }
}

export const zkVerifyOp = defineOperation({
  name: "zk.verify",
  summary:
    "Verify one ZK-TX proof: an overlap proof (structure, commitments, statement, all Groth16 proofs) or a single Groth16 proof.",
  idempotent: true,
  input: z.object({
    proof: z
      .string()
      .max(16 * 1024 * 1024)
      .describe("the proof document (JSON text)"),
    expected: z
      .object({
        commitA: Commitment.optional(),
        commitB: Commitment.optional(),
        statement: Statement.optional(),
      })
      .optional()
      .describe("what the auditor expects the overlap proof to be about"),
  }),
  output: z.object({
    ok: z.literal(true),
    kind: z.enum(["overlap", "groth16"]),
    circuit: z.string().optional(),
    statement: Statement.optional(),
    rootA: z.string().optional(),
    rootB: z.string().optional(),
    groth16Proofs: z.number().int(),
  }),
  handler: async ({ proof, expected }) => {
    const zk = await import("../../zk/verify.js");
    const doc = parseJson(proof, 0);
    if (zk.proofKind(doc) === "groth16") {
      const g = await zk.verifyGroth16(doc);
      return { ok: true as const, kind: "groth16" as const, circuit: g.circuit, groth16Proofs: 1 };
    }
    const r = await zk.verifyOverlap(doc, expected ?? {});
    return {
      ok: true as const,
      kind: "overlap" as const,
      statement: r.statement,
      rootA: r.rootA,
      rootB: r.rootB,
      groth16Proofs: r.proofs,
    };
  },
});

export const zkVerifyBatchOp = defineOperation({
  name: "zk.verifyBatch",
  summary:
    "Verify many ZK-TX proofs with one multi-pairing (random linear combination); failing batches are bisected to name the bad proofs.",
  idempotent: true,
  input: z.object({ proofs: Documents }),
  output: z.object({
    ok: z.boolean().describe("every document verifies"),
    total: z.number().int(),
    invalid: z.array(z.number().int()).describe("indexes of the documents that do not verify"),
    groth16Proofs: z.number().int().describe("Groth16 proofs checked in the batch"),
    results: z.array(Result),
  }),
  handler: async ({ proofs }) => {
    const zk = await import("../../zk/verify.js");
    const docs = proofs.map((p, i) => parseJson(p, i));
    const r = await zk.verifyProofDocuments(docs);
    return {
      ok: r.ok,
      total: docs.length,
      invalid: r.results.filter((x) => !x.ok).map((x) => x.index),
      groth16Proofs: r.groth16Proofs,
      results: r.results,
    };
  },
});
