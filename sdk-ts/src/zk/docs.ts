/**
 * Signed ZK-TX documents: DSSE envelopes over canonical JSON, each with its own payload type,
 * parsed strictly (TF_ZK_ENVELOPE_INVALID on any shape or signature problem).
 */
import type { z } from "zod";
import { canonicalBytes, sha256 } from "../core/canonical.js";
import { type DsseEnvelope, dsseSign, dsseVerify, parseDsseEnvelope } from "../core/dsse.js";
import { fromBase64, toHex } from "../core/encoding.js";
import { TfError } from "../core/errors.js";
import { ed25519Verifier, type Signer } from "../core/keys.js";

export const PAYLOAD_TYPE = {
  epoch: "application/vnd.trustfabric.zk.epoch+json",
  tenant: "application/vnd.trustfabric.zk.tenant+json",
  envelope: "application/vnd.trustfabric.zk.envelope+json",
  relay: "application/vnd.trustfabric.zk.relay+json",
  ticket: "application/vnd.trustfabric.zk.ticket+json",
  reblind: "application/vnd.trustfabric.zk.reblind+json",
  result: "application/vnd.trustfabric.zk.result+json",
  manifest: "application/vnd.trustfabric.zk.bundle-manifest+json",
} as const;
export type DocKind = keyof typeof PAYLOAD_TYPE;

export function signDoc(kind: DocKind, body: unknown, signer: Signer): DsseEnvelope {
  return dsseSign(PAYLOAD_TYPE[kind], canonicalBytes(body), [signer]);
}

function invalid(kind: DocKind, why: string, cause?: unknown): TfError {
  return new TfError("TF_ZK_ENVELOPE_INVALID", `The ${kind} document ${why}`, { cause, details: { kind } });
}

/** Parses a signed document without checking who signed it (the signer key is inside some documents). */
export function openDoc<S extends z.ZodType>(
  kind: DocKind,
  input: unknown,
  schema: S,
): { env: DsseEnvelope; body: z.output<S> } {
  let env: DsseEnvelope;
  try {
    env = parseDsseEnvelope(input);
  } catch (e) {
    throw invalid(kind, "is not a DSSE envelope (truncated or not JSON?)", e);
  }
  if (env.payloadType !== PAYLOAD_TYPE[kind])
    throw invalid(kind, `has payload type ${JSON.stringify(env.payloadType)}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(fromBase64(env.payload, "payload")));
  } catch (e) {
    throw invalid(kind, "has a payload that is not JSON", e);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(kind, `is malformed at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return { env, body: parsed.data };
}

/** Checks the document's signature against an Ed25519 public key. */
export function checkSigned(kind: DocKind, env: DsseEnvelope, publicKey: Uint8Array, who: string): void {
  try {
    dsseVerify(env, [ed25519Verifier(publicKey)]);
  } catch (e) {
    throw new TfError("TF_ZK_ENVELOPE_INVALID", `The ${kind} document is not signed by ${who}`, {
      cause: e,
      details: { kind, signer: who },
    });
  }
}

export function verifyDoc<S extends z.ZodType>(
  kind: DocKind,
  input: unknown,
  schema: S,
  publicKey: Uint8Array,
  who: string,
): { env: DsseEnvelope; body: z.output<S> } {
  const r = openDoc(kind, input, schema);
  checkSigned(kind, r.env, publicKey, who);
  return r;
}

/** SHA-256 (hex) of a document's canonical JSON: how documents name each other. */
export function docDigest(env: DsseEnvelope): string {
  return toHex(sha256(canonicalBytes(env)));
}

export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TfError("TF_ZK_ENVELOPE_INVALID", `The ${what} is not JSON (truncated?)`, {
      cause: e,
      details: { what },
    });
  }
}
