import canonicalize from "canonicalize";
import { createHash } from "node:crypto";
import { TfError } from "./errors.js";
import { toHex, utf8 } from "./encoding.js";

/**
 * RFC 8785 (JCS) canonical JSON. Everything Trust Fabric hashes or signs goes through here,
 * so that two implementations agree on the bytes.
 */
export function canonicalJson(value: unknown): string {
  assertCanonicalizable(value, "$");
  const out = (canonicalize as unknown as (v: unknown) => string | undefined)(value);
  if (out === undefined) throw new TfError("TF_CANONICAL_JSON", "Value cannot be canonicalized");
  return out;
}

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}

// JCS is defined over I-JSON: reject what JSON.stringify would silently drop or coerce.
function assertCanonicalizable(value: unknown, path: string): void {
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) throw new TfError("TF_CANONICAL_JSON", `Non-finite number at ${path}`, { details: { path } });
      return;
    case "object":
      if (value === null) return;
      if (Array.isArray(value)) {
        value.forEach((v, i) => assertCanonicalizable(v, `${path}[${i}]`));
        return;
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v !== undefined) assertCanonicalizable(v, `${path}.${k}`);
      }
      return;
    default:
      throw new TfError("TF_CANONICAL_JSON", `Unsupported ${typeof value} at ${path}`, { details: { path } });
  }
}

/** SHA-256 through Node's native implementation: it is on the log's hot path. */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** `sha256:<hex>` digest of the canonical JSON of a value. */
export function digestJson(value: unknown): string {
  return `sha256:${toHex(sha256(canonicalBytes(value)))}`;
}

export function digestBytes(data: Uint8Array): string {
  return `sha256:${toHex(sha256(data))}`;
}
