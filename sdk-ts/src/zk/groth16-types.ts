/** Documents of the ZK proving layer and their validation (TF_ZK_PROOF_MALFORMED on bad shape). */
import { z } from "zod";
import { TfError } from "../core/errors.js";
import type { SetCommitment } from "./commit.js";

export const PROOF_SCHEMA = "trustfabric.dev/zk/proof/v1";
export const OVERLAP_PROOF_SCHEMA = "trustfabric.dev/zk/overlap-proof/v1";

const Dec = z.string().regex(/^(0|[1-9][0-9]{0,77})$/, "a decimal integer");

export const Groth16ProofZ = z.object({
  pi_a: z.tuple([Dec, Dec, Dec]),
  pi_b: z.tuple([z.tuple([Dec, Dec]), z.tuple([Dec, Dec]), z.tuple([Dec, Dec])]),
  pi_c: z.tuple([Dec, Dec, Dec]),
  protocol: z.literal("groth16"),
  curve: z.literal("bn128"),
});

export const Groth16ProofFileZ = z.object({
  schema: z.literal(PROOF_SCHEMA),
  circuit: z.string().regex(/^[a-z0-9_]{1,64}$/),
  circuitSha256: z.string().regex(/^[0-9a-f]{64}$/),
  publicSignals: z.array(Dec).max(1024),
  proof: Groth16ProofZ,
});

export const StatementZ = z.discriminatedUnion("op", [
  z.object({ op: z.literal("eq"), c: z.number().int().min(0).max(0xffff_ffff) }),
  z.object({ op: z.literal("le"), k: z.number().int().min(0).max(0xffff_ffff) }),
]);

export const SetCommitmentZ = z.object({
  buckets: z.number().int().min(1),
  bucketSize: z.number().int().min(1),
  bucketCommitments: z.array(Dec),
  root: Dec,
});

export const OverlapProofZ = z.object({
  schema: z.literal(OVERLAP_PROOF_SCHEMA),
  statement: StatementZ,
  layout: z.object({ buckets: z.number().int().min(1), bucketSize: z.number().int().min(1) }),
  commitA: SetCommitmentZ,
  commitB: SetCommitmentZ,
  bucketProofs: z.array(Groth16ProofFileZ).max(1024),
  aggregateProof: Groth16ProofFileZ,
});

/** A Groth16 proof as snarkjs writes it (decimal strings; projective coordinates). */
export type Groth16Proof = z.infer<typeof Groth16ProofZ>;

/** One Groth16 proof with the circuit it is for and its public signals. */
export interface Groth16ProofFile {
  schema: typeof PROOF_SCHEMA;
  /** Circuit name, e.g. bucket_64 or aggregate_4 (circuits/checksums.json). */
  circuit: string;
  /** SHA-256 of the circuit's proving key (zkey): binds the proof to one trusted setup. */
  circuitSha256: string;
  publicSignals: string[];
  proof: Groth16Proof;
}

/** overlap = c, or overlap <= k (overlap = 0 is { op: "le", k: 0 }). */
export type Statement = { op: "eq"; c: number } | { op: "le"; k: number };

/** Proof that two committed sets overlap as the statement says, and nothing else. */
export interface OverlapProof {
  schema: typeof OVERLAP_PROOF_SCHEMA;
  statement: Statement;
  layout: { buckets: number; bucketSize: number };
  commitA: SetCommitment;
  commitB: SetCommitment;
  /** One per bucket, in bucket order: public signals [commitA_b, commitB_b, countCommit_b]. */
  bucketProofs: Groth16ProofFile[];
  /** Public signals [countCommit_0..countCommit_{S-1}, op, k]. */
  aggregateProof: Groth16ProofFile;
}

function malformed(what: string, error: z.ZodError, details: Record<string, unknown> = {}): TfError {
  const issue = error.issues[0]!;
  const path = issue.path.join(".") || "(document)";
  return new TfError("TF_ZK_PROOF_MALFORMED", `${what} is malformed at ${path}: ${issue.message}`, {
    details: { ...details, path },
  });
}

/** Parses JSON text or a value into a Groth16 proof file; TF_ZK_PROOF_MALFORMED when it is not one. */
export function parseGroth16ProofFile(
  input: unknown,
  details: Record<string, unknown> = {},
): Groth16ProofFile {
  const value = typeof input === "string" ? parseJson(input, "The proof", details) : input;
  const r = Groth16ProofFileZ.safeParse(value);
  if (!r.success) throw malformed("The proof", r.error, details);
  return r.data as Groth16ProofFile;
}

/** Parses JSON text or a value into an overlap proof; TF_ZK_PROOF_MALFORMED when it is not one. */
export function parseOverlapProof(input: unknown, details: Record<string, unknown> = {}): OverlapProof {
  const value = typeof input === "string" ? parseJson(input, "The overlap proof", details) : input;
  const r = OverlapProofZ.safeParse(value);
  if (!r.success) throw malformed("The overlap proof", r.error, details);
  return r.data as OverlapProof;
}

function parseJson(text: string, what: string, details: Record<string, unknown>): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new TfError("TF_ZK_PROOF_MALFORMED", `${what} is not valid JSON (truncated?)`, { details });
  }
}
