/**
 * Witnessed verdicts. A replay's verdict becomes an in-toto Statement v1 whose predicate is a
 * SLSA verification summary (VSA v1) with a Trust Fabric section; it is signed as a DSSE
 * envelope and appended to the transparency log. The receipt carries everything needed to
 * check it offline: the envelope, the log's origin and key, the index, the RFC 6962 inclusion
 * proof and the signed checkpoint (C2SP note) it leads to.
 */
import { z } from "zod";
import { canonicalBytes, digestBytes, digestJson } from "../core/canonical.js";
import { type DsseEnvelope, DsseEnvelopeSchema, dsseSign, dsseVerify } from "../core/dsse.js";
import { bytesEqual, decodeUtf8, fromBase64, toBase64 } from "../core/encoding.js";
import { TfError } from "../core/errors.js";
import { ed25519Verifier, KeyStore, type Verifier } from "../core/keys.js";
import { parseVerifierKey } from "../core/note.js";
import { openCheckpoint, parseCheckpointBody, type SignedCheckpoint } from "../ledger/checkpoint.js";
import { FsLog, readLogConfig } from "../ledger/fslog.js";
import { inclusionProof, leafHash, verifyInclusion } from "../ledger/merkle.js";
import { TileReader } from "../ledger/tilestore.js";
import { homeLogDir, openLogWriter } from "../ledger/writer.js";
import { ENGINE_VERSION } from "../version.js";
import type { ReplayReport } from "./diff.js";
import { formatPath, manifestDigest, parseManifest } from "./manifest.js";

export const RECEIPT_SCHEMA = "trustfabric.dev/pcq/receipt/v1";
export const VERDICT_SCHEMA = "trustfabric.dev/pcq/verdict/v1";
export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const VSA_PREDICATE_TYPE = "https://slsa.dev/verification_summary/v1";
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const VERIFIER_ID = "https://trustfabric.dev/pcq/verifier";
export const TOLERANCE_POLICY_URI = "https://trustfabric.dev/pcq/tolerances/v1";

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const hexOf = (digest: string) => digest.replace(/^sha256:/, "");

export const VerdictPredicate = z.object({
  verifier: z.object({ id: z.string(), version: z.record(z.string(), z.string()) }),
  timeVerified: z.string(),
  resourceUri: z.string(),
  policy: z.object({ uri: z.string(), digest: z.object({ sha256: Sha256Hex }) }),
  inputAttestations: z.array(z.object({ uri: z.string(), digest: z.object({ sha256: Sha256Hex }) })),
  verificationResult: z.enum(["PASSED", "FAILED"]),
  verifiedLevels: z.array(z.string()),
  trustfabric: z.object({
    schema: z.literal(VERDICT_SCHEMA),
    outcome: z.enum(["match", "mismatch"]),
    mode: z.enum(["manifest", "golden"]),
    name: z.string(),
    manifestDigest: z.string().describe("sha256 of the manifest's canonical JSON (fixture's in golden mode)"),
    resultDigest: z.string().optional(),
    reportDigest: z.string().describe("sha256 of the full diff report's canonical JSON"),
    verifierVersion: z.string(),
    runtime: z.object({ node: z.string(), platform: z.string() }),
    tolerances: z.record(z.string(), z.object({ rel: z.number(), abs: z.number() })),
    inputs: z.array(z.object({ id: z.string(), ok: z.boolean(), differingChunks: z.number().int() })),
    metrics: z.array(
      z.object({
        step: z.string(),
        metric: z.string(),
        ok: z.boolean(),
        compared: z.number().int(),
        failures: z.number().int(),
      }),
    ),
    differences: z.number().int().describe("errors in the report"),
  }),
});
export type VerdictPredicate = z.infer<typeof VerdictPredicate>;

export const VerdictStatement = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(z.object({ name: z.string(), digest: z.object({ sha256: Sha256Hex }) })).min(1),
  predicateType: z.literal(VSA_PREDICATE_TYPE),
  predicate: VerdictPredicate,
});
export type VerdictStatement = z.infer<typeof VerdictStatement>;

export const Receipt = z
  .object({
    schema: z.literal(RECEIPT_SCHEMA),
    envelope: DsseEnvelopeSchema,
    signer: z.object({ keyId: z.string(), publicKey: z.string().describe("base64 Ed25519 public key") }),
    log: z.object({
      origin: z.string(),
      vkey: z.string().describe("the log's signed-note verifier key"),
      index: z.number().int().min(0),
      treeSize: z.number().int().min(1),
      leafHash: z.string().describe("base64 RFC 6962 leaf hash of the envelope's canonical JSON"),
      inclusionProof: z.array(z.string()).describe("base64 hashes, RFC 9162 PATH(index, tree)"),
      checkpoint: z.string().describe("the signed checkpoint note (C2SP tlog-checkpoint)"),
    }),
  })
  .strict();
export type Receipt = z.infer<typeof Receipt>;

/** The statement for a report: subject = the manifest (and result file) it is about. */
export function verdictStatement(report: ReplayReport, now: Date = new Date()): VerdictStatement {
  const passed = report.outcome === "match";
  const tolerances: Record<string, { rel: number; abs: number }> = {};
  for (const m of report.metrics) tolerances[m.metric] = { rel: m.tolerance.rel, abs: m.tolerance.abs };
  const subject = [{ name: report.subject.name, digest: { sha256: hexOf(report.subject.digest) } }];
  const inputAttestations = [{ uri: report.subject.name, digest: { sha256: hexOf(report.subject.digest) } }];
  if (report.subject.resultDigest) {
    const name = report.outputs[0]?.path ?? "expected.json";
    subject.push({ name, digest: { sha256: hexOf(report.subject.resultDigest) } });
  }
  return {
    _type: STATEMENT_TYPE,
    subject,
    predicateType: VSA_PREDICATE_TYPE,
    predicate: {
      verifier: { id: VERIFIER_ID, version: { "@trustfabric/sdk": ENGINE_VERSION } },
      timeVerified: now.toISOString(),
      resourceUri: `pcq:${report.mode}:${report.name}`,
      policy: { uri: TOLERANCE_POLICY_URI, digest: { sha256: hexOf(digestJson(tolerances)) } },
      inputAttestations,
      verificationResult: passed ? "PASSED" : "FAILED",
      verifiedLevels: passed ? ["TF_PCQ_REPLAY_V1"] : [],
      trustfabric: {
        schema: VERDICT_SCHEMA,
        outcome: report.outcome,
        mode: report.mode,
        name: report.name,
        manifestDigest: report.subject.digest,
        ...(report.subject.resultDigest ? { resultDigest: report.subject.resultDigest } : {}),
        reportDigest: digestJson(report),
        verifierVersion: report.verifier.engine,
        runtime: { node: report.verifier.node, platform: report.verifier.platform },
        tolerances,
        inputs: report.inputs.map((i) => ({ id: i.id, ok: i.ok, differingChunks: i.tree.differing })),
        metrics: report.metrics.map((m) => ({
          step: m.step,
          metric: m.metric,
          ok: m.ok,
          compared: m.compared,
          failures: m.failures,
        })),
        differences: report.differences.filter((d) => d.severity === "error").length,
      },
    },
  };
}

export interface WitnessOptions {
  home: string;
  /** Key store name (or id) of the witness key; default: the log's own signing key. */
  key?: string;
  now?: Date;
}

/** A signed verdict ready to be logged: the entry is the envelope's canonical JSON. */
export interface SignedVerdict {
  statement: VerdictStatement;
  envelope: DsseEnvelope;
  entry: Uint8Array;
  signer: { keyId: string; publicKey: string };
}

/** Signs a report's verdict with a key from the key store (default: the log's key). Writes nothing. */
export function signVerdict(report: ReplayReport, o: WitnessOptions): SignedVerdict {
  const config = readLogConfig(homeLogDir(o.home));
  const key = new KeyStore(o.home).load(o.key ?? config.key);
  const statement = verdictStatement(report, o.now);
  const envelope = dsseSign(IN_TOTO_PAYLOAD_TYPE, canonicalBytes(statement), [key.signer]);
  return {
    statement,
    envelope,
    entry: canonicalBytes(envelope),
    signer: { keyId: key.signer.keyId, publicKey: toBase64(key.signer.publicKey) },
  };
}

function buildReceipt(
  log: FsLog,
  cp: SignedCheckpoint,
  entry: Uint8Array,
  index: number,
  signer: SignedVerdict["signer"],
): Receipt {
  const reader = new TileReader(log.dir, cp.size);
  if (!bytesEqual(reader.entry(index), entry))
    throw new TfError("TF_LOG_INCLUSION_MISMATCH", `The log's entry ${index} is not this verdict`, {
      details: { index },
    });
  let envelope: DsseEnvelope;
  try {
    envelope = DsseEnvelopeSchema.parse(JSON.parse(decodeUtf8(entry, "entry")));
  } catch (e) {
    throw new TfError("TF_DSSE_MALFORMED", "The entry is not a DSSE envelope", { cause: e });
  }
  return {
    schema: RECEIPT_SCHEMA,
    envelope,
    signer,
    log: {
      origin: cp.origin,
      vkey: log.config.vkey,
      index,
      treeSize: cp.size,
      leafHash: toBase64(leafHash(entry)),
      inclusionProof: inclusionProof(reader, index, cp.size).map(toBase64),
      checkpoint: cp.note,
    },
  };
}

/**
 * The receipt for a verdict already in the data directory's log at `index`, proved against the
 * log's current checkpoint (used when the append and the receipt happen at different times).
 */
export function receiptFor(
  home: string,
  entry: Uint8Array,
  signer: SignedVerdict["signer"],
  index: number,
): Receipt {
  const log = FsLog.open(homeLogDir(home));
  return buildReceipt(log, log.checkpoint(), entry, index, signer);
}

/**
 * Signs the verdict and appends it to the data directory's log; resolves once the entry is
 * durable and covered by a signed checkpoint. Nothing is written when any step fails.
 */
export async function witnessReport(report: ReplayReport, o: WitnessOptions): Promise<Receipt> {
  const signed = signVerdict(report, o);
  const log = openLogWriter(o.home);
  const res = await log.append([signed.entry]);
  return buildReceipt(log, res.checkpoint, signed.entry, res.index, signed.signer);
}

/** Parses a receipt (JSON text or value); unknown versions → TF_PCQ_SCHEMA_VERSION. */
export function parseReceipt(input: string | unknown, file = "receipt"): Receipt {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new TfError("TF_PCQ_RECEIPT_MALFORMED", `${file} is not JSON`, { cause: e, details: { file } });
    }
  }
  const declared = (value as { schema?: unknown } | null)?.schema;
  if (
    typeof declared === "string" &&
    declared.startsWith("trustfabric.dev/pcq/receipt/") &&
    declared !== RECEIPT_SCHEMA
  )
    throw new TfError(
      "TF_PCQ_SCHEMA_VERSION",
      `${file} has schema ${declared}; this verifier reads ${RECEIPT_SCHEMA}`,
      {
        details: { file, path: "schema", found: declared, supported: [RECEIPT_SCHEMA] },
      },
    );
  const parsed = Receipt.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = formatPath(issue.path);
    throw new TfError("TF_PCQ_RECEIPT_MALFORMED", `${file}: ${path}: ${issue.message}`, {
      details: { file, path },
    });
  }
  return parsed.data;
}

/** An Ed25519 public key as base64, or a JSON key description holding `publicKey` (tf keys show --json). */
export function parsePublicKey(text: string): Verifier {
  let b64 = text.trim();
  if (b64.startsWith("{")) {
    try {
      const doc = JSON.parse(b64) as { publicKey?: unknown; data?: { publicKey?: unknown } };
      b64 = String(doc.publicKey ?? doc.data?.publicKey ?? "");
    } catch (e) {
      throw new TfError("TF_KEY_MALFORMED", "The public key is neither base64 nor JSON", { cause: e });
    }
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(b64, "public key");
  } catch (e) {
    throw new TfError("TF_KEY_MALFORMED", "The public key is not base64 of 32 bytes", { cause: e });
  }
  return ed25519Verifier(bytes);
}

export interface VerifyReceiptOptions {
  /** The log's signed-note verifier key (`name+hash+base64`). */
  logKey: string;
  /** The manifest the verdict should be about (text); its canonical digest must be the subject. */
  manifest?: string | Uint8Array;
  /** The result file (bytes); its digest must be the statement's result subject. */
  result?: Uint8Array;
  /** The witness's Ed25519 public key; default: the log's key, else the receipt's own (not pinned). */
  publicKey?: string;
}

export interface ReceiptVerification {
  ok: true;
  verdict: "PASSED" | "FAILED";
  outcome: "match" | "mismatch";
  name: string;
  manifestDigest: string;
  resultDigest?: string;
  timeVerified: string;
  origin: string;
  index: number;
  treeSize: number;
  signer: { keyId: string; pinnedBy: "public-key" | "log-key" | "receipt" };
  checks: string[];
}

/**
 * Verifies a receipt offline: the log identity, the checkpoint's signature, the DSSE signature,
 * the statement, the subject digests, the leaf hash and the inclusion proof. Throws the code of
 * the first check that fails.
 */
export function verifyReceipt(input: string | unknown, o: VerifyReceiptOptions): ReceiptVerification {
  const receipt = parseReceipt(input);
  const checks: string[] = [];
  const logKey = parseVerifierKey(o.logKey.trim());
  // 1. Which log: origin, key and the checkpoint's own origin line, before trusting anything.
  let cpOrigin: string | undefined;
  try {
    const note = receipt.log.checkpoint;
    cpOrigin = parseCheckpointBody(note.slice(0, note.lastIndexOf("\n\n") + 1)).origin;
  } catch {
    cpOrigin = undefined; // malformed: openCheckpoint below names it
  }
  if (
    receipt.log.origin !== logKey.name ||
    receipt.log.vkey.trim() !== logKey.vkey ||
    (cpOrigin !== undefined && cpOrigin !== logKey.name)
  ) {
    throw new TfError(
      "TF_PCQ_RECEIPT_WRONG_LOG",
      `The receipt is from log ${JSON.stringify(receipt.log.origin)}, not the log of the key given (${JSON.stringify(logKey.name)})`,
      { details: { receiptOrigin: receipt.log.origin, receiptVkey: receipt.log.vkey, logKey: logKey.vkey } },
    );
  }
  checks.push("log identity");
  // 2. The checkpoint is signed by that log.
  const cp = openCheckpoint(receipt.log.checkpoint, logKey, logKey.name);
  checks.push("checkpoint signature");
  // 3. The envelope's signature.
  let verifier: Verifier;
  let pinnedBy: ReceiptVerification["signer"]["pinnedBy"];
  const logEd = ed25519Verifier(logKey.publicKey);
  const embedded = parsePublicKey(receipt.signer.publicKey);
  if (o.publicKey !== undefined) {
    verifier = parsePublicKey(o.publicKey);
    pinnedBy = "public-key";
  } else if (embedded.keyId === logEd.keyId) {
    verifier = logEd;
    pinnedBy = "log-key";
  } else {
    verifier = embedded;
    pinnedBy = "receipt";
  }
  const verified = dsseVerify(receipt.envelope, [verifier]);
  checks.push("envelope signature");
  // 4. The statement is a Trust Fabric verification summary.
  if (verified.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    throw new TfError(
      "TF_PCQ_RECEIPT_STATEMENT_INVALID",
      `The envelope's payload type is ${verified.payloadType}`,
      {
        details: { payloadType: verified.payloadType },
      },
    );
  let statementJson: unknown;
  try {
    statementJson = JSON.parse(decodeUtf8(verified.payload, "statement"));
  } catch (e) {
    throw new TfError("TF_PCQ_RECEIPT_STATEMENT_INVALID", "The signed payload is not JSON", { cause: e });
  }
  const st = VerdictStatement.safeParse(statementJson);
  if (!st.success) {
    const issue = st.error.issues[0]!;
    throw new TfError(
      "TF_PCQ_RECEIPT_STATEMENT_INVALID",
      `The signed statement is not a PCQ verification summary: ${formatPath(issue.path)}: ${issue.message}`,
      { details: { path: formatPath(issue.path) } },
    );
  }
  const statement = st.data;
  const tf = statement.predicate.trustfabric;
  if (statement.subject[0]!.digest.sha256 !== hexOf(tf.manifestDigest))
    throw new TfError(
      "TF_PCQ_RECEIPT_STATEMENT_INVALID",
      "The statement's subject is not its manifest digest",
    );
  checks.push("statement");
  // 5. The documents the verdict is about.
  if (o.manifest !== undefined) {
    const digest = manifestDigest(parseManifest(o.manifest));
    if (digest !== tf.manifestDigest)
      throw new TfError(
        "TF_PCQ_RECEIPT_MANIFEST_MISMATCH",
        `The manifest's digest ${digest} is not the verdict's ${tf.manifestDigest}`,
        {
          details: { expected: tf.manifestDigest, actual: digest },
        },
      );
    checks.push("manifest digest");
  }
  if (o.result !== undefined) {
    const digest = digestBytes(o.result);
    if (digest !== tf.resultDigest)
      throw new TfError(
        "TF_PCQ_RECEIPT_RESULT_MISMATCH",
        `The result file's digest ${digest} is not the verdict's ${tf.resultDigest ?? "(none)"}`,
        {
          details: { expected: tf.resultDigest ?? null, actual: digest },
        },
      );
    checks.push("result digest");
  }
  // 6. The envelope is the logged entry, and the entry is in the signed tree.
  const leaf = leafHash(canonicalBytes(receipt.envelope));
  let claimedLeaf: Uint8Array;
  try {
    claimedLeaf = fromBase64(receipt.log.leafHash, "leaf hash");
  } catch {
    claimedLeaf = new Uint8Array();
  }
  if (!bytesEqual(leaf, claimedLeaf))
    throw new TfError(
      "TF_PCQ_RECEIPT_LEAF_MISMATCH",
      "The receipt's leaf hash is not the hash of its envelope",
      {
        details: { expected: toBase64(leaf), found: receipt.log.leafHash },
      },
    );
  checks.push("leaf hash");
  if (receipt.log.treeSize !== cp.size)
    throw new TfError(
      "TF_LOG_INCLUSION_MISMATCH",
      `The receipt says tree size ${receipt.log.treeSize}, its checkpoint ${cp.size}`,
      {
        details: { treeSize: receipt.log.treeSize, checkpointSize: cp.size },
      },
    );
  const proof = receipt.log.inclusionProof.map((h) => {
    try {
      return fromBase64(h, "proof hash");
    } catch (e) {
      throw new TfError("TF_LOG_INCLUSION_MISMATCH", "A proof hash is not base64", { cause: e });
    }
  });
  verifyInclusion(receipt.log.index, cp.size, leaf, proof, cp.root);
  checks.push("inclusion proof");
  return {
    ok: true,
    verdict: statement.predicate.verificationResult,
    outcome: tf.outcome,
    name: tf.name,
    manifestDigest: tf.manifestDigest,
    ...(tf.resultDigest ? { resultDigest: tf.resultDigest } : {}),
    timeVerified: statement.predicate.timeVerified,
    origin: cp.origin,
    index: receipt.log.index,
    treeSize: cp.size,
    signer: { keyId: verified.keyIds[0]!, pinnedBy },
    checks,
  };
}

export type { DsseEnvelope };
