import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { toHex, utf8 } from "./encoding.js";
import { TfError } from "./errors.js";

/**
 * RFC 8785 (JCS) canonical JSON. Everything Trust Fabric hashes or signs goes through here,
 * so that two implementations agree on the bytes.
 */
export function canonicalJson(value: unknown): string {
  assertCanonicalizable(value, "$", new Set());
  let out: string | undefined;
  try {
    out = (canonicalize as unknown as (v: unknown) => string | undefined)(value);
  } catch (e) {
    // Only reachable through a toJSON that misbehaves between our check and the library's call.
    throw new TfError("TF_CANONICAL_JSON", `Value cannot be canonicalized: ${(e as Error)?.message ?? e}`, {
      cause: e,
    });
  }
  if (out === undefined) throw new TfError("TF_CANONICAL_JSON", "Value cannot be canonicalized");
  return out;
}

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}

function notCanonical(what: string, path: string): TfError {
  return new TfError("TF_CANONICAL_JSON", `${what} at ${path}`, { details: { path } });
}

// JCS is defined over I-JSON: reject what JSON.stringify would silently drop or coerce
// (cycles would otherwise overflow the stack; Maps, Sets and byte arrays would hash as `{}`
// or as index-keyed objects; holes in arrays would vanish), and walk toJSON results exactly
// as the serializer will.
function assertCanonicalizable(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case "string":
      // I-JSON (RFC 7493) forbids lone surrogates: they have no UTF-8 encoding to hash.
      if (!isWellFormed(value)) throw notCanonical("String with a lone surrogate", path);
      return;
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) throw notCanonical("Non-finite number", path);
      return;
    case "object": {
      if (value === null) return;
      if (ancestors.has(value)) throw notCanonical("Cyclic structure", path);
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === "function") {
        ancestors.add(value);
        assertCanonicalizable(toJSON.call(value), `${path}.toJSON()`, ancestors);
        ancestors.delete(value);
        return;
      }
      if (
        value instanceof Map ||
        value instanceof Set ||
        value instanceof WeakMap ||
        value instanceof WeakSet ||
        value instanceof ArrayBuffer ||
        ArrayBuffer.isView(value)
      ) {
        throw notCanonical(`Unsupported ${value.constructor.name}`, path);
      }
      ancestors.add(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value)) throw notCanonical("Sparse array", `${path}[${i}]`);
          assertCanonicalizable(value[i], `${path}[${i}]`, ancestors);
        }
      } else {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          if (!isWellFormed(k)) throw notCanonical("Key with a lone surrogate", path);
          if (v !== undefined) assertCanonicalizable(v, `${path}.${k}`, ancestors);
        }
      }
      ancestors.delete(value);
      return;
    }
    default:
      throw notCanonical(`Unsupported ${typeof value}`, path);
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

function isWellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}
