/**
 * Evidence bundles: a deterministic tar (sorted entries, mtime 0, uid/gid 0, mode 0644, no user
 * names) of everything an auditor needs, with a manifest of SHA-256 checksums signed (DSSE) by
 * the exchange. Verification needs only the bundle and the pinned keys; every altered byte is
 * refused with a TF_ZK_BUNDLE_* code (or the code of the check it breaks), never a crash.
 *
 * The bundle carries envelope HEADERS, never envelope points: with the points, a tenant holding
 * its own double-blinded set could compute the other side's (docs/zk-tx-protocol.md).
 */
import { Readable } from "node:stream";
import * as tar from "tar-stream";
import { z } from "zod";
import { canonicalBytes, sha256 } from "../core/canonical.js";
import type { DsseEnvelope } from "../core/dsse.js";
import { fromBase64, toHex, utf8 } from "../core/encoding.js";
import { TfError, toTfError } from "../core/errors.js";
import type { Signer } from "../core/keys.js";
import { parseVerifierKey } from "../core/note.js";
import { verifyTlogProof } from "../ledger/proof.js";
import { checkSigned, docDigest, openDoc, PAYLOAD_TYPE, signDoc } from "./docs.js";
import { checkHeader, EnvelopeHeaderZ } from "./envelope.js";
import { EpochBodyZ, parseTenantDoc, type TenantBody } from "./epoch.js";
import { checkResponse, logEntryOf, other, RelayBodyZ, ResultBodyZ, type Side } from "./exchange.js";

export const MANIFEST_SCHEMA = "trustfabric.dev/zk/bundle-manifest/v1";
export const MANIFEST_ENTRY = "manifest.dsse.json";
/** Entries every bundle has (besides the manifest). */
export const REQUIRED_ENTRIES = [
  "config.json",
  "epoch.dsse.json",
  "tenants/a.dsse.json",
  "tenants/b.dsse.json",
  "envelopes/a.header.dsse.json",
  "envelopes/b.header.dsse.json",
  "relays/a.dsse.json",
  "relays/b.dsse.json",
  "responses/a.dsse.json",
  "responses/b.dsse.json",
  "proof/overlap.json",
  "result.dsse.json",
  "log/entry.json",
  "log/proof.txt",
] as const;

const ManifestZ = z.object({
  schema: z.literal(MANIFEST_SCHEMA),
  exchangeId: z.string(),
  files: z.array(
    z.object({ path: z.string(), size: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  ),
});

const MAX_BUNDLE = 256 * 1024 * 1024;
const HEADER = {
  mtime: new Date(0),
  uid: 0,
  gid: 0,
  uname: "",
  gname: "",
  mode: 0o644,
  type: "file" as const,
};

/** Deterministic tar of the entries, sorted by name. */
export async function packTar(entries: Map<string, Uint8Array>): Promise<Uint8Array> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on("data", (c: unknown) => chunks.push(c as Buffer));
    pack.on("end", () => resolve());
    pack.on("error", reject);
  });
  for (const name of [...entries.keys()].sort()) {
    const data = entries.get(name)!;
    await new Promise<void>((resolve, reject) =>
      pack.entry({ ...HEADER, name, size: data.length }, Buffer.from(data), (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }
  pack.finalize();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

function malformed(why: string, cause?: unknown): TfError {
  return new TfError("TF_ZK_BUNDLE_MALFORMED", `The bundle is not a valid tar: ${why}`, { cause });
}

/** Reads a tar; TF_ZK_BUNDLE_MALFORMED on any parse problem, duplicate or non-file entry. */
export async function unpackTar(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  if (bytes.length > MAX_BUNDLE) throw malformed("larger than 256 MiB");
  if (bytes.length === 0 || bytes.length % 512 !== 0)
    throw malformed("its length is not a multiple of 512 bytes");
  const out = new Map<string, Uint8Array>();
  const extract = tar.extract();
  try {
    await new Promise<void>((resolve, reject) => {
      extract.on("entry", (header, stream, next) => {
        if (header.type !== "file") {
          stream.resume();
          reject(malformed(`entry ${JSON.stringify(header.name)} is not a regular file`));
          return;
        }
        if (out.has(header.name)) {
          stream.resume();
          reject(malformed(`entry ${JSON.stringify(header.name)} appears twice`));
          return;
        }
        const parts: Buffer[] = [];
        stream.on("data", (c: unknown) => parts.push(c as Buffer));
        stream.on("end", () => {
          out.set(header.name, new Uint8Array(Buffer.concat(parts)));
          next();
        });
        stream.on("error", reject);
      });
      extract.on("finish", resolve);
      extract.on("error", reject);
      Readable.from([Buffer.from(bytes)]).pipe(extract);
    });
  } catch (e) {
    if (e instanceof TfError) throw e;
    throw malformed((e as Error)?.message ?? String(e), e);
  }
  return out;
}

export interface BundleParts {
  exchangeId: string;
  config: unknown;
  epoch: DsseEnvelope;
  tenants: Record<Side, DsseEnvelope>;
  headers: Record<Side, DsseEnvelope>;
  relays: Record<Side, DsseEnvelope>;
  responses: Record<Side, DsseEnvelope>;
  proof: unknown;
  result: DsseEnvelope;
  logEntry: string;
  logProof: string;
}

const json = (v: unknown) => utf8(`${JSON.stringify(v, null, 2)}\n`);

/** Builds the signed bundle. */
export async function buildBundle(parts: BundleParts, signer: Signer): Promise<Uint8Array> {
  const entries = new Map<string, Uint8Array>([
    ["config.json", json(parts.config)],
    ["epoch.dsse.json", json(parts.epoch)],
    ["proof/overlap.json", json(parts.proof)],
    ["result.dsse.json", json(parts.result)],
    ["log/entry.json", utf8(parts.logEntry)],
    ["log/proof.txt", utf8(parts.logProof)],
  ]);
  for (const s of ["a", "b"] as const) {
    entries.set(`tenants/${s}.dsse.json`, json(parts.tenants[s]));
    entries.set(`envelopes/${s}.header.dsse.json`, json(parts.headers[s]));
    entries.set(`relays/${s}.dsse.json`, json(parts.relays[s]));
    entries.set(`responses/${s}.dsse.json`, json(parts.responses[s]));
  }
  const files = [...entries.keys()].sort().map((path) => ({
    path,
    size: entries.get(path)!.length,
    sha256: toHex(sha256(entries.get(path)!)),
  }));
  entries.set(
    MANIFEST_ENTRY,
    json(signDoc("manifest", { schema: MANIFEST_SCHEMA, exchangeId: parts.exchangeId, files }, signer)),
  );
  return packTar(entries);
}

export interface PinnedKeys {
  /** base64 Ed25519 public key of the exchange. */
  exchangeKey: string;
  /** base64 Ed25519 signing keys of the tenants, by name (optional: else the documents' own keys). */
  tenantKeys?: Record<string, string>;
  /** The log's signed-note verifier key. */
  logKey: string;
}

export interface BundleVerification {
  exchangeId: string;
  epoch: string;
  statement: unknown;
  tenants: { a: string; b: string };
  rootA: string;
  rootB: string;
  logIndex: number;
  logTreeSize: number;
  entries: number;
  groth16Proofs: number;
}

function parseEntry(entries: Map<string, Uint8Array>, name: string): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(entries.get(name)!));
  } catch (e) {
    throw new TfError("TF_ZK_BUNDLE_MALFORMED", `Entry ${name} is not JSON`, {
      cause: e,
      details: { entry: name },
    });
  }
}

/**
 * Verifies a bundle offline against pinned keys, in order: tar structure, manifest signature,
 * entries present and listed, checksums, canonical tar bytes, then every document, DLEQ proof,
 * the Groth16 proofs, the result and the log inclusion proof.
 */
export async function verifyBundle(bytes: Uint8Array, pinned: PinnedKeys): Promise<BundleVerification> {
  const entries = await unpackTar(bytes);
  if (!entries.has(MANIFEST_ENTRY))
    throw new TfError("TF_ZK_BUNDLE_ENTRY_MISSING", `The bundle has no ${MANIFEST_ENTRY}`, {
      details: { entry: MANIFEST_ENTRY },
    });
  const exchangePk = fromBase64(pinned.exchangeKey, "exchangeKey");
  let manifest: z.infer<typeof ManifestZ>;
  try {
    const m = openDoc("manifest", parseEntry(entries, MANIFEST_ENTRY), ManifestZ);
    checkSigned("manifest", m.env, exchangePk, "the pinned exchange key");
    manifest = m.body;
  } catch (e) {
    throw new TfError(
      "TF_ZK_BUNDLE_SIGNATURE_INVALID",
      "The bundle manifest is not signed by the pinned exchange key",
      { cause: e },
    );
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const name of REQUIRED_ENTRIES)
    if (!listed.has(name) || !entries.has(name))
      throw new TfError("TF_ZK_BUNDLE_ENTRY_MISSING", `The bundle lacks ${name}`, {
        details: { entry: name },
      });
  for (const name of entries.keys())
    if (name !== MANIFEST_ENTRY && !listed.has(name))
      throw new TfError(
        "TF_ZK_BUNDLE_TAMPERED",
        `The bundle holds ${name}, which its manifest does not list`,
        { details: { entry: name } },
      );
  for (const f of manifest.files) {
    const data = entries.get(f.path);
    if (!data)
      throw new TfError("TF_ZK_BUNDLE_ENTRY_MISSING", `The bundle lacks ${f.path}`, {
        details: { entry: f.path },
      });
    if (data.length !== f.size || toHex(sha256(data)) !== f.sha256)
      throw new TfError(
        "TF_ZK_BUNDLE_CHECKSUM_MISMATCH",
        `Entry ${f.path} does not match its checksum in the manifest`,
        {
          details: { entry: f.path },
        },
      );
  }
  // Headers, padding and the end-of-archive blocks are not covered by the checksums: the bundle
  // must be byte for byte the deterministic tar of its entries.
  if (Buffer.compare(Buffer.from(await packTar(entries)), Buffer.from(bytes)) !== 0)
    throw new TfError(
      "TF_ZK_BUNDLE_TAMPERED",
      "The bundle's tar headers or padding differ from the canonical encoding",
    );
  return verifyContents(entries, manifest.exchangeId, pinned);
}

async function verifyContents(
  entries: Map<string, Uint8Array>,
  exchangeId: string,
  pinned: PinnedKeys,
): Promise<BundleVerification> {
  const get = (n: string) => parseEntry(entries, n);
  const exchangePk = fromBase64(pinned.exchangeKey, "exchangeKey");
  const { body: epoch } = openDoc("epoch", get("epoch.dsse.json"), EpochBodyZ);
  if (epoch.exchangeKey !== pinned.exchangeKey)
    throw new TfError(
      "TF_ZK_TENANT_MISMATCH",
      "The epoch is signed by another exchange key than the pinned one",
    );
  checkSigned("epoch", openDoc("epoch", get("epoch.dsse.json"), EpochBodyZ).env, exchangePk, "the exchange");
  const { env: resultEnv, body: result } = openDoc("result", get("result.dsse.json"), ResultBodyZ);
  checkSigned("result", resultEnv, exchangePk, "the exchange");
  if (result.exchangeId !== exchangeId || result.epoch !== epoch.id)
    throw new TfError(
      "TF_ZK_EPOCH_MISMATCH",
      "The result belongs to another exchange or epoch than the bundle",
    );
  const tenants = {} as Record<Side, TenantBody>;
  for (const s of ["a", "b"] as const) {
    const raw = get(`tenants/${s}.dsse.json`);
    const name = openDoc("tenant", raw, z.object({ tenant: z.string() }).passthrough()).body.tenant;
    const t = parseTenantDoc(raw, pinned.tenantKeys?.[name]);
    if (pinned.tenantKeys && pinned.tenantKeys[name] === undefined)
      throw new TfError("TF_ZK_TENANT_MISMATCH", `No key is pinned for tenant ${name}`);
    if (t.body.tenant !== result.tenants[s] || docDigest(t.env) !== result.tenantDocs[s])
      throw new TfError(
        "TF_ZK_TENANT_MISMATCH",
        `Tenant document ${s.toUpperCase()} is not the one the result names`,
      );
    tenants[s] = t.body;
    const h = openDoc("envelope", get(`envelopes/${s}.header.dsse.json`), EnvelopeHeaderZ);
    checkSigned("envelope", h.env, fromBase64(t.body.signingKey, "signingKey"), `tenant ${t.body.tenant}`);
    if (docDigest(h.env) !== result.envelopes[s])
      throw new TfError(
        "TF_ZK_ENVELOPE_INVALID",
        `Envelope header ${s.toUpperCase()} is not the one the result names`,
      );
    checkHeader(h.body, t.body, epoch.id);
  }
  let groth16Proofs = 0;
  for (const s of ["a", "b"] as const) {
    const relay = openDoc("relay", get(`relays/${s}.dsse.json`), RelayBodyZ);
    checkSigned("relay", relay.env, exchangePk, "the exchange");
    if (
      relay.body.exchangeId !== exchangeId ||
      relay.body.side !== s ||
      docDigest(relay.env) !== result.relays[s]
    )
      throw new TfError("TF_ZK_ENVELOPE_INVALID", `Relay ${s.toUpperCase()} is not the one the result names`);
    const resp = get(`responses/${s}.dsse.json`);
    checkResponse(resp, relay, tenants[other(s)]);
    if (docDigest(openDoc("reblind", resp, z.unknown()).env) !== result.responses[s])
      throw new TfError(
        "TF_ZK_ENVELOPE_INVALID",
        `Response ${s.toUpperCase()} is not the one the result names`,
      );
  }
  const proof = get("proof/overlap.json");
  if (toHex(sha256(canonicalBytes(proof))) !== result.proofSha256)
    throw new TfError("TF_ZK_PROOF_INVALID", "The overlap proof is not the one the result names");
  const { verifyOverlap } = await import("./verify.js");
  const v = await verifyOverlap(proof as never, { statement: result.statement as never });
  groth16Proofs = v.proofs;
  if (v.rootA !== result.rootA || v.rootB !== result.rootB)
    throw new TfError(
      "TF_ZK_COMMITMENT_MISMATCH",
      "The proof's commitments are not the ones the result names",
    );
  const entry = new TextDecoder().decode(entries.get("log/entry.json")!);
  if (entry !== logEntryOf(resultEnv, result))
    throw new TfError("TF_ZK_ENVELOPE_INVALID", "The log entry does not name this result");
  let inclusion: ReturnType<typeof verifyTlogProof>;
  try {
    const verifier = parseVerifierKey(pinned.logKey);
    inclusion = verifyTlogProof(
      new TextDecoder().decode(entries.get("log/proof.txt")!),
      utf8(entry),
      verifier,
      verifier.name,
    );
  } catch (e) {
    throw toTfError(e);
  }
  const config = get("config.json") as { exchangeId?: string };
  if (config.exchangeId !== exchangeId)
    throw new TfError("TF_ZK_ENVELOPE_INVALID", "config.json names another exchange");
  return {
    exchangeId,
    epoch: epoch.id,
    statement: result.statement,
    tenants: result.tenants,
    rootA: result.rootA,
    rootB: result.rootB,
    logIndex: inclusion.index,
    logTreeSize: inclusion.checkpoint.size,
    entries: entries.size,
    groth16Proofs,
  };
}

export const BUNDLE_PAYLOAD_TYPE = PAYLOAD_TYPE.manifest;
