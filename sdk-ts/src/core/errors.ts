/**
 * The one error taxonomy of Trust Fabric. Every failure a user can cause has a stable
 * code, an exit-code class for the CLI, an HTTP status for the server and a default
 * remedy. Codes are never renamed or reused: scripts and the Python bindings match on them.
 */

/** Exit-code classes (documented in docs/errors.md and `tf help exit-codes`). */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  checkFailed: 3,
  auth: 4,
  unavailable: 5,
  interrupted: 130,
} as const;

export type ExitClass = keyof typeof EXIT;

interface ErrorSpec {
  readonly exit: ExitClass;
  readonly http: number;
  /** What the user should do; shown after the message. */
  readonly remedy: string;
}

const spec = (exit: ExitClass, http: number, remedy: string): ErrorSpec => ({ exit, http, remedy });

export const ERROR_CODES = {
  // general
  TF_INTERNAL: spec(
    "internal",
    500,
    "This is a bug in Trust Fabric; please report it with the command you ran.",
  ),
  TF_USAGE: spec("usage", 400, "Check the command's flags with `tf <command> --help`."),
  TF_INPUT_INVALID: spec("usage", 400, "Fix the named field and retry."),
  TF_INTERRUPTED: spec(
    "interrupted",
    499,
    "The operation was interrupted; nothing acknowledged was lost. Run it again.",
  ),
  TF_FILE_NOT_FOUND: spec(
    "usage",
    404,
    "Check the path; relative paths are resolved from the current directory.",
  ),
  TF_FILE_UNREADABLE: spec("usage", 400, "Check the file's permissions and that it is a regular file."),
  TF_FILE_TOO_LARGE: spec("usage", 413, "Pass a smaller file."),
  TF_JSON_MALFORMED: spec("usage", 400, "The file must contain one valid JSON document."),
  TF_ENCODING_INVALID: spec("usage", 400, "Use standard base64 (RFC 4648) or UTF-8 as documented."),
  TF_HOME_UNWRITABLE: spec("usage", 400, "Set TF_HOME to a directory you can write to."),
  TF_CANONICAL_JSON: spec(
    "usage",
    400,
    "Only finite numbers, strings, booleans, null, arrays and objects can be canonicalized.",
  ),

  // server, remote clients and drivers
  TF_AUTH_MISSING: spec(
    "auth",
    401,
    "Send an API key: set TF_API_KEY or pass --api-key-file (Authorization: Bearer <key>).",
  ),
  TF_AUTH_INVALID: spec("auth", 401, "The API key is not valid for this server; ask its operator for a key."),
  TF_FORBIDDEN: spec(
    "auth",
    403,
    "This is not available to your tenant over the server; run it locally instead.",
  ),
  TF_UNKNOWN_OPERATION: spec(
    "usage",
    404,
    "List the operations at GET /openapi.json, or upgrade the client and server together.",
  ),
  TF_REQUEST_TOO_LARGE: spec("usage", 413, "Send a smaller request, or split the work into several calls."),
  TF_REQUEST_TIMEOUT: spec(
    "usage",
    408,
    "The request was not received in time; retry over a faster connection.",
  ),
  TF_IDEMPOTENCY_CONFLICT: spec(
    "usage",
    409,
    "An Idempotency-Key was reused with a different request; use a new key.",
  ),
  TF_RATE_LIMITED: spec("unavailable", 429, "Too many requests; retry after the delay the server gave."),
  TF_SERVER_UNAVAILABLE: spec(
    "unavailable",
    503,
    "Check that `tf serve` is running at the URL (TF_SERVER / --server) and reachable.",
  ),
  TF_SERVER_PROTOCOL: spec(
    "unavailable",
    502,
    "The server's answer was not a Trust Fabric envelope; check the URL points at `tf serve`.",
  ),
  TF_DRIVER_UNAVAILABLE: spec(
    "unavailable",
    503,
    "Node.js (>= 20.19) is needed: set TF_NODE, install the `trustfabric[node]` extra, or put node on PATH.",
  ),

  // keys
  TF_KEY_NOT_FOUND: spec(
    "usage",
    404,
    "List the available keys with `tf keys list`, or create one with `tf keys generate`.",
  ),
  TF_KEY_EXISTS: spec("usage", 409, "Choose another name, or remove the existing key file first."),
  TF_KEY_MALFORMED: spec(
    "usage",
    400,
    "The key file is not a Trust Fabric key; regenerate it with `tf keys generate`.",
  ),
  TF_KEY_NAME_INVALID: spec(
    "usage",
    400,
    "Key names are 1-64 characters of letters, digits, '.', '_' and '-'.",
  ),
  TF_KEY_INSECURE: spec(
    "auth",
    403,
    "Private key files must be readable by their owner only: run `chmod 600` on it.",
  ),

  // signed notes and verifier keys (C2SP signed-note)
  TF_NOTE_MALFORMED: spec(
    "checkFailed",
    422,
    "The note does not follow C2SP signed-note framing; obtain an unmodified copy.",
  ),
  TF_NOTE_UNVERIFIED: spec(
    "checkFailed",
    422,
    "No signature on the note is from a key you trust: pass the signer's verifier key.",
  ),
  TF_NOTE_SIGNATURE_INVALID: spec(
    "checkFailed",
    422,
    "A signature from a trusted key does not verify: the note was altered or forged.",
  ),
  TF_NOTE_KEY_MALFORMED: spec(
    "usage",
    400,
    "Verifier keys look like `name+hash8hex+base64key`; copy it again from its publisher.",
  ),

  // DSSE
  TF_DSSE_MALFORMED: spec(
    "checkFailed",
    422,
    "The envelope must be DSSE v1 JSON with payload, payloadType and signatures.",
  ),
  TF_DSSE_SIGNATURE_INVALID: spec(
    "checkFailed",
    422,
    "No signature verifies with the given keys: the envelope was altered or signed by another key.",
  ),

  // transparency log
  TF_LOG_NOT_INITIALIZED: spec("usage", 404, "Create the log first with `tf log init --origin <name>`."),
  TF_LOG_EXISTS: spec(
    "usage",
    409,
    "A log already exists in this directory; use it, or choose another TF_HOME.",
  ),
  TF_LOG_ORIGIN_INVALID: spec(
    "usage",
    400,
    "An origin is a non-empty line without spaces, such as `example.com/log`.",
  ),
  TF_LOG_KEY_MISMATCH: spec(
    "usage",
    400,
    "Use the key the log was created with (log.json names it), or restore that key file.",
  ),
  TF_LOG_LOCK_TIMEOUT: spec(
    "unavailable",
    503,
    "Another writer holds the log for too long; retry, or check for a stuck process.",
  ),
  TF_LOG_ENTRY_TOO_LARGE: spec(
    "usage",
    413,
    "Entries are at most 65535 bytes (C2SP entry bundles); store large data elsewhere and log its digest.",
  ),
  TF_LOG_ENTRY_EMPTY: spec("usage", 400, "Append at least one entry."),
  TF_LOG_INDEX_OUT_OF_RANGE: spec(
    "usage",
    404,
    "The index is not in the log yet; check `tf log checkpoint` for its size.",
  ),
  TF_LOG_SIZE_INVALID: spec("usage", 400, "Tree sizes must be whole numbers no larger than the log's size."),
  TF_LOG_CHECKPOINT_MALFORMED: spec(
    "checkFailed",
    422,
    "The checkpoint does not follow C2SP tlog-checkpoint; obtain an unmodified copy.",
  ),
  TF_LOG_CHECKPOINT_SIGNATURE: spec(
    "checkFailed",
    422,
    "The checkpoint's signature is missing or forged: do not trust this copy of the log.",
  ),
  TF_LOG_ORIGIN_MISMATCH: spec(
    "checkFailed",
    422,
    "The checkpoint belongs to another log: use the checkpoint and key of the log you mean.",
  ),
  TF_LOG_TILE_MISSING: spec(
    "checkFailed",
    422,
    "A tile the checkpoint covers is missing: restore the log directory from a good copy.",
  ),
  TF_LOG_TILE_TRUNCATED: spec(
    "checkFailed",
    422,
    "A tile is shorter than the checkpoint requires: restore it from a good copy.",
  ),
  TF_LOG_TILE_MISMATCH: spec(
    "checkFailed",
    422,
    "A tile's hashes do not match the data below it: the log was altered.",
  ),
  TF_LOG_BUNDLE_MISSING: spec(
    "checkFailed",
    422,
    "An entry bundle the checkpoint covers is missing: restore it from a good copy.",
  ),
  TF_LOG_BUNDLE_MALFORMED: spec(
    "checkFailed",
    422,
    "An entry bundle is truncated or mis-framed: restore it from a good copy.",
  ),
  TF_LOG_BUNDLE_MISMATCH: spec(
    "checkFailed",
    422,
    "An entry does not hash to the leaf the tiles record: the log was altered.",
  ),
  TF_LOG_ROOT_MISMATCH: spec(
    "checkFailed",
    422,
    "The tree rebuilt from the tiles does not match the signed root: the log was altered.",
  ),
  TF_LOG_PROOF_MALFORMED: spec(
    "checkFailed",
    422,
    "The proof file is truncated or not a c2sp.org/tlog-proof@v1 document; export it again.",
  ),
  TF_LOG_INCLUSION_MISMATCH: spec(
    "checkFailed",
    422,
    "The inclusion proof does not lead to the checkpoint's root: the entry is not in that log state.",
  ),
  TF_LOG_CONSISTENCY_MISMATCH: spec(
    "checkFailed",
    422,
    "The two tree states are not consistent: the log forked or was rewritten.",
  ),

  // LAC: policy language, checks, compiler
  TF_LAC_PARSE: spec(
    "checkFailed",
    422,
    "The file is not well-formed YAML: fix the syntax at the reported line and column.",
  ),
  TF_LAC_ENCODING: spec(
    "checkFailed",
    422,
    "Save the file as UTF-8; the reported position is the first bad byte.",
  ),
  TF_LAC_TOO_LARGE: spec(
    "usage",
    413,
    "Policy and schema files are at most 1 MiB and 64 levels deep; split the policy.",
  ),
  TF_LAC_DOCUMENT_INVALID: spec(
    "checkFailed",
    422,
    "The document does not have the shape docs/lac.md describes; fix the named field.",
  ),
  TF_LAC_CYCLE: spec("checkFailed", 422, "A YAML alias refers to a node that contains it; remove the cycle."),
  TF_LAC_UNKNOWN_ATTRIBUTE: spec(
    "checkFailed",
    422,
    "Use an attribute the schema declares (subject.*, resource.*, action.*, context.*), or declare it.",
  ),
  TF_LAC_TYPE: spec(
    "checkFailed",
    422,
    "Compare the attribute with a value of its declared type, using an operator that type supports.",
  ),
  TF_LAC_DUPLICATE_ID: spec("checkFailed", 422, "Give every rule a unique id."),
  TF_LAC_UNKNOWN_REASON: spec(
    "checkFailed",
    422,
    "Add the reason key to the policy's `reasons:` map, or fix its spelling.",
  ),
  TF_LAC_REASON_LOCALE: spec(
    "checkFailed",
    422,
    "Give every reason a text in each locale the policy uses (at least the default locale).",
  ),
  TF_LAC_UNKNOWN_PRESET: spec(
    "checkFailed",
    422,
    "Obligations use the minimization presets mask, bucket, top-k, generalize and drop.",
  ),
  TF_LAC_POLICY_INVALID: spec(
    "checkFailed",
    422,
    "Run `tf lac check <policy> --schema <schema>` and fix the errors it reports.",
  ),
  TF_LAC_REQUEST_INVALID: spec(
    "usage",
    400,
    "The request must be {subject, resource, action, context} objects whose attributes match the schema.",
  ),
  // LAC: lint, fmt, tests (insert new TF_LAC_ codes of these features below this line)
  TF_LAC_TEST_INVALID: spec(
    "checkFailed",
    422,
    "Fix the policy test file: kind PolicyTest, cases with name, request and expect, as docs/lac-testing.md shows.",
  ),
  TF_LAC_LINT_RULE_UNKNOWN: spec(
    "usage",
    400,
    "Name lint rules by id (LAC101) or name (unreachable-rule); docs/lac-lint.md lists them.",
  ),

  // LAC: transforms, graph constraints, audit, batch evaluation (insert below this line)
  TF_LAC_TRANSFORM_TYPE: spec(
    "checkFailed",
    422,
    "The named row's field has a type the preset cannot transform (docs/lac.md lists each preset's types); fix the data or the obligation.",
  ),
  TF_LAC_TRANSFORM_FIELD: spec(
    "checkFailed",
    422,
    "No row has the field an obligation names; rename the result column or the obligation's field (or pass --allow-missing-fields).",
  ),
  TF_LAC_ROWS_INVALID: spec(
    "usage",
    400,
    "Rows are JSON Lines (one object per line) or CSV with a header row; fix the named line.",
  ),
  TF_LAC_DENIED: spec(
    "checkFailed",
    403,
    "The policy denies this request, so no rows are released; see the reasons, or change the request.",
  ),
  TF_LAC_AUDIT_INVALID: spec(
    "checkFailed",
    422,
    "An audit file was altered or damaged; keep it as evidence and investigate the named line.",
  ),

  // LAC: simulator and red-team corpus (insert below this line)
  TF_LAC_REDTEAM_CORPUS_INVALID: spec(
    "usage",
    422,
    "Fix the named red-team case or corpus.yaml (docs/lac-redteam.md describes the format).",
  ),

  // PCQ: manifests, fixtures, metrics, replay, diff, witness (insert below this line)
  TF_PCQ_DATASET_INVALID: spec(
    "usage",
    400,
    "Fix the named line: edge lists are CSV with a `source,target[,weight]` header, finite weights and no self-loops or duplicate edges.",
  ),
  TF_PCQ_METRIC_INVALID: spec(
    "usage",
    400,
    "Check the metric's parameters against docs/pcq-metrics.md (e.g. source and target must be nodes of the graph).",
  ),
  TF_PCQ_METRIC_NON_FINITE: spec(
    "checkFailed",
    422,
    "A metric produced NaN or Infinity; check the edge weights (zero or huge weights) and the metric's parameters.",
  ),
  TF_PCQ_FIXTURE_INVALID: spec(
    "usage",
    400,
    "Fix the fixture as docs/pcq-metrics.md describes (fixture.json, edges.csv, expected.json), or regenerate it.",
  ),
  TF_PCQ_SCHEMA_VERSION: spec(
    "usage",
    400,
    "The document's schema version is not supported by this Trust Fabric; upgrade Trust Fabric or regenerate the document.",
  ),
  TF_PCQ_MANIFEST_INVALID: spec(
    "usage",
    400,
    "Fix the named field of the manifest as docs/pcq.md describes, or recreate it with `tf pcq manifest create`.",
  ),
  TF_PCQ_RESULT_INVALID: spec(
    "usage",
    400,
    "The result file must be a trustfabric.dev/pcq/result/v1 document with finite values; recreate it with `tf pcq manifest create`.",
  ),
  TF_PCQ_FILE_MISSING: spec(
    "usage",
    404,
    "Put the dataset and result files the manifest names beside it (paths are relative to the manifest).",
  ),
  TF_PCQ_DSL_PARSE: spec(
    "usage",
    400,
    "Fix the provenance program at the reported file:line:col (grammar in docs/pcq.md).",
  ),
  TF_PCQ_RECEIPT_MALFORMED: spec(
    "checkFailed",
    422,
    "The receipt is not a trustfabric.dev/pcq/receipt/v1 document; obtain an unmodified copy.",
  ),
  TF_PCQ_RECEIPT_STATEMENT_INVALID: spec(
    "checkFailed",
    422,
    "The signed statement is not an in-toto v1 verification summary from `tf pcq replay --witness`.",
  ),
  TF_PCQ_RECEIPT_WRONG_LOG: spec(
    "checkFailed",
    422,
    "The receipt was logged in another transparency log: pass that log's verifier key, or get a receipt from your log.",
  ),
  TF_PCQ_RECEIPT_LEAF_MISMATCH: spec(
    "checkFailed",
    422,
    "The receipt's leaf hash is not the hash of its envelope: the receipt was altered; obtain an unmodified copy.",
  ),
  TF_PCQ_RECEIPT_MANIFEST_MISMATCH: spec(
    "checkFailed",
    422,
    "The manifest differs from the one the verdict is about: it was altered after the replay, or it is another manifest.",
  ),
  TF_PCQ_RECEIPT_RESULT_MISMATCH: spec(
    "checkFailed",
    422,
    "The result file differs from the one the verdict is about: it was altered after the replay, or it is another result.",
  ),

  // backfill (insert below this line)
  TF_BACKFILL_NO_JOB: spec(
    "usage",
    404,
    "Start the job with `tf backfill run <source>`; pause and status need a job that has run.",
  ),
  TF_BACKFILL_BUSY: spec(
    "usage",
    409,
    "Wait for the running backfill of this source to finish, or pause it with `tf backfill pause <source>`.",
  ),
  TF_BACKFILL_REPLAY_MISMATCH: spec(
    "checkFailed",
    422,
    "The legacy result is not reproduced by its dataset: fix the dataset or the result, or investigate with `tf pcq replay`.",
  ),
  TF_BACKFILL_ARTIFACT_INVALID: spec(
    "checkFailed",
    422,
    "Fix the legacy artifact as docs/backfill.md describes, then run the backfill again.",
  ),

  // ZK-TX: circuits, proving, verifying, batch verification (insert below this line)
  TF_ZK_PROOF_INVALID: spec(
    "checkFailed",
    422,
    "The proof does not verify against the circuit's verification key: it was altered, or made for another circuit.",
  ),
  TF_ZK_PROOF_MALFORMED: spec(
    "checkFailed",
    422,
    "The proof file is truncated or not a trustfabric.dev/zk proof document; export it again.",
  ),
  TF_ZK_STATEMENT_FALSE: spec(
    "checkFailed",
    422,
    "The overlap statement does not hold for these sets, so no proof can be made; prove a statement that is true.",
  ),
  TF_ZK_STATEMENT_MISMATCH: spec(
    "checkFailed",
    422,
    "The proof proves another statement than the one expected; ask for a proof of the statement you need.",
  ),
  TF_ZK_COMMITMENT_MISMATCH: spec(
    "checkFailed",
    422,
    "The proof is about other set commitments than the ones expected (or they do not chain); check both tenants' commitments.",
  ),
  TF_ZK_ARTIFACT_CHECKSUM: spec(
    "internal",
    500,
    "A circuit artifact does not match circuits/checksums.json; reinstall, or rebuild with `node circuits/build.mjs`.",
  ),
  TF_ZK_BUCKET_OVERFLOW: spec(
    "usage",
    400,
    "A bucket holds more elements than the circuit layout allows; use chooseLayout() for these set sizes, or split the sets.",
  ),

  // ZK-TX: protocol, envelopes, DLEQ, epochs, exchange, evidence bundles (insert below this line)
  TF_ZK_SELECTOR_INVALID: spec(
    "usage",
    400,
    "Fix or remove the selector on the named line (docs/zk-tx-protocol.md lists the normalization rules); for national phone numbers pass --region.",
  ),
  TF_ZK_SELECTOR_MIXED: spec(
    "usage",
    400,
    "One selector file holds one type (email, phone or id): split the file by type and seal each separately.",
  ),
  TF_ZK_SELECTORS_TOO_LARGE: spec(
    "usage",
    413,
    "Split the selector file: one envelope holds at most 2^20 selectors (64 MiB).",
  ),
  TF_ZK_ENVELOPE_INVALID: spec(
    "checkFailed",
    422,
    "The document is not a valid, signed ZK-TX document (envelope, relay request, response or ticket); ask its sender to produce it again.",
  ),
  TF_ZK_EPOCH_MISMATCH: spec(
    "checkFailed",
    422,
    "The document belongs to another epoch: reseal with the current epoch (`tf zk tenant init` then `tf zk seal`).",
  ),
  TF_ZK_TENANT_MISMATCH: spec(
    "checkFailed",
    422,
    "The document is from or for another tenant or blinding key than expected; check --tenant and the tenant documents you pinned.",
  ),
  TF_ZK_POINT_INVALID: spec(
    "checkFailed",
    422,
    "A point is not a canonical ristretto255 encoding of a non-identity element; the document was altered or made by a broken client.",
  ),
  TF_ZK_DLEQ_INVALID: spec(
    "checkFailed",
    422,
    "The DLEQ proof does not show the points were re-blinded with the published key; refuse the exchange and ask the tenant to re-blind again.",
  ),
  TF_ZK_QUOTA_EXCEEDED: spec(
    "usage",
    429,
    "The tenant used its exchanges for this epoch: wait for the next epoch (`tf zk epoch rotate`) or raise --quota.",
  ),
  TF_ZK_EXCHANGE_NOT_FOUND: spec(
    "usage",
    404,
    "Check the exchange id; exchanges are kept in the exchange's TF_HOME under zk/exchange/.",
  ),
  TF_ZK_BUNDLE_MALFORMED: spec(
    "checkFailed",
    422,
    "The file is not a ZK-TX evidence bundle (a tar); export it again with `tf zk bundle export`.",
  ),
  TF_ZK_BUNDLE_ENTRY_MISSING: spec(
    "checkFailed",
    422,
    "The bundle lacks a required entry; export it again with `tf zk bundle export`.",
  ),
  TF_ZK_BUNDLE_CHECKSUM_MISMATCH: spec(
    "checkFailed",
    422,
    "An entry's bytes do not match the signed manifest: the bundle was altered after export.",
  ),
  TF_ZK_BUNDLE_SIGNATURE_INVALID: spec(
    "checkFailed",
    422,
    "The bundle's manifest is not signed by the pinned exchange key: it was altered, or you pinned another key.",
  ),
  TF_ZK_BUNDLE_TAMPERED: spec(
    "checkFailed",
    422,
    "The bundle has unlisted entries or non-canonical tar headers or padding: it was altered after export.",
  ),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface TfErrorOptions {
  /** Overrides the code's default remedy. */
  remedy?: string;
  /** Machine-readable context (paths, indexes, expected/found values). Never secrets. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** The only error type the SDK throws on purpose. */
export class TfError extends Error {
  readonly code: ErrorCode;
  readonly remedy: string;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: TfErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TfError";
    this.code = code;
    this.remedy = options.remedy ?? ERROR_CODES[code].remedy;
    this.details = options.details ?? {};
  }

  get exitCode(): number {
    return EXIT[ERROR_CODES[this.code].exit];
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  toJSON(): ErrorBody {
    return { code: this.code, message: this.message, remedy: this.remedy, details: this.details };
  }
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  remedy: string;
  details: Record<string, unknown>;
}

/** A TfError again from its JSON body (another process or thread); an unknown code becomes `fallback`. */
export function fromErrorBody(
  body: { code?: string; message?: string; remedy?: string; details?: Record<string, unknown> } | undefined,
  fallback: ErrorCode,
  extraDetails: Record<string, unknown> = {},
): TfError {
  const code = body?.code && body.code in ERROR_CODES ? (body.code as ErrorCode) : fallback;
  return new TfError(code, body?.message ?? fallback, {
    remedy: body?.remedy,
    details: { ...(body?.details ?? {}), ...extraDetails },
  });
}

export function isTfError(e: unknown, code?: ErrorCode): e is TfError {
  return e instanceof TfError && (code === undefined || e.code === code);
}

/** Turns anything thrown into a TfError; unknown errors become TF_INTERNAL with the cause kept. */
export function toTfError(e: unknown): TfError {
  if (e instanceof TfError) return e;
  const err = e as NodeJS.ErrnoException | undefined;
  if (err && typeof err === "object" && typeof err.code === "string") {
    const path = (err as { path?: string }).path;
    if (err.code === "ENOENT" || err.code === "ENOTDIR")
      return new TfError("TF_FILE_NOT_FOUND", `No such file: ${path ?? "?"}`, {
        cause: e,
        details: { path },
      });
    if (err.code === "EACCES" || err.code === "EPERM" || err.code === "EISDIR")
      return new TfError("TF_FILE_UNREADABLE", `Cannot access ${path ?? "file"} (${err.code})`, {
        cause: e,
        details: { path },
      });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new TfError("TF_INTERNAL", `Unexpected error: ${message}`, { cause: e });
}

/** Exit code for any thrown value. */
export function exitCodeOf(e: unknown): number {
  return toTfError(e).exitCode;
}
