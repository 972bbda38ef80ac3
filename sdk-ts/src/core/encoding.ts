import { TfError } from "./errors.js";

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** Standard base64 (RFC 4648 §4) with padding. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * Strict standard-base64 decoding: Node's decoder silently skips junk, which would let a
 * mutated signature or hash "decode"; we re-encode and compare to reject anything non-canonical.
 */
export function fromBase64(text: string, what = "value"): Uint8Array {
  if (text.length % 4 !== 0 || !B64.test(text)) {
    throw new TfError("TF_ENCODING_INVALID", `${what} is not valid base64`, { details: { what } });
  }
  const bytes = Buffer.from(text, "base64");
  if (bytes.toString("base64") !== text) {
    throw new TfError("TF_ENCODING_INVALID", `${what} is not canonical base64`, { details: { what } });
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Accepts standard or URL-safe base64, padded or not (DSSE requires both to be accepted). */
export function fromBase64Lenient(text: string, what = "value"): Uint8Array {
  if (!(B64.test(text) || B64URL.test(text))) {
    throw new TfError("TF_ENCODING_INVALID", `${what} is not valid base64`, { details: { what } });
  }
  const std = text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (std.length % 4 === 1)
    throw new TfError("TF_ENCODING_INVALID", `${what} is not valid base64`, { details: { what } });
  const bytes = Buffer.from(std, "base64");
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function fromHex(text: string, what = "value"): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new TfError("TF_ENCODING_INVALID", `${what} is not valid hex`, { details: { what } });
  }
  return new Uint8Array(Buffer.from(text, "hex"));
}

// ignoreBOM keeps a leading U+FEFF: stripping it would make different bytes decode to the
// same text (a note with a BOM prepended would still "verify").
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Strict UTF-8 decoding: invalid byte sequences are an error, never U+FFFD. */
export function decodeUtf8(bytes: Uint8Array, what = "input"): string {
  try {
    return utf8Decoder.decode(bytes);
  } catch (e) {
    throw new TfError("TF_ENCODING_INVALID", `${what} is not valid UTF-8`, { cause: e, details: { what } });
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
