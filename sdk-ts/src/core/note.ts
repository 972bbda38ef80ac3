/**
 * C2SP signed notes (https://c2sp.org/signed-note), Ed25519 keys (algorithm 0x01).
 * Behaviour follows the reference implementation (golang.org/x/mod/sumdb/note), which the
 * conformance tests in test/core/note.test.ts reproduce from the shared vectors.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "./canonical.js";
import { concatBytes, decodeUtf8, fromBase64, toBase64, utf8 } from "./encoding.js";
import { TfError } from "./errors.js";

export const ALG_ED25519 = 0x01;
/** Go's reference implementation refuses notes with more signatures than this. */
export const MAX_NOTE_SIGNATURES = 100;
const SIG_PREFIX = "\u2014 "; // em dash + space

export interface NoteVerifier {
  readonly name: string;
  readonly keyHash: number;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface NoteSigner {
  readonly name: string;
  readonly keyHash: number;
  /** The verifier key string `name+hash+base64(alg||pub)` to publish. */
  readonly vkey: string;
  sign(message: Uint8Array): Uint8Array;
}

export interface NoteSignature {
  name: string;
  keyHash: number;
  /** base64 of keyHash(4) || signature, as it appears on the signature line. */
  base64: string;
}

export interface OpenedNote {
  text: string;
  sigs: NoteSignature[];
  unverifiedSigs: NoteSignature[];
}

/**
 * A key name is non-empty UTF-8 without whitespace or '+'. Whitespace is Unicode White_Space,
 * as Go's unicode.IsSpace (JS `\s` differs: it misses U+0085 and adds U+FEFF).
 */
export function isValidKeyName(name: string): boolean {
  return name !== "" && !/[\p{White_Space}+]/u.test(name) && isWellFormedUtf16(name);
}

/** keyHash = first 4 bytes (big-endian) of SHA-256(name || "\n" || alg || publicKey). */
export function noteKeyHash(name: string, algAndKey: Uint8Array): number {
  const h = sha256(utf8(`${name}\n`), algAndKey);
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

function hash8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

function chop(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + sep.length)];
}

function malformedKey(what: string, vkey: string): TfError {
  return new TfError("TF_NOTE_KEY_MALFORMED", `Malformed ${what}`, { details: { key: vkey.slice(0, 80) } });
}

function decodeKeyB64(b64: string, what: string, raw: string): Uint8Array {
  try {
    return fromBase64(b64, what);
  } catch {
    throw malformedKey(what, raw);
  }
}

/** Parses a verifier key `name+hash8+base64(0x01||pub)`; anything else is TF_NOTE_KEY_MALFORMED. */
export function parseVerifierKey(vkey: string): NoteVerifier & { publicKey: Uint8Array; vkey: string } {
  const [name, rest] = chop(vkey, "+");
  const [h16, key64] = chop(rest, "+");
  if (h16.length !== 8 || !/^[0-9a-fA-F]{8}$/.test(h16) || !isValidKeyName(name) || key64 === "") {
    throw malformedKey("verifier key", vkey);
  }
  const key = decodeKeyB64(key64, "verifier key", vkey);
  if (key.length === 0) throw malformedKey("verifier key", vkey);
  const keyHash = Number.parseInt(h16, 16) >>> 0;
  if (keyHash !== noteKeyHash(name, key)) throw malformedKey("verifier key (hash does not match)", vkey);
  if (key[0] !== ALG_ED25519) throw malformedKey("verifier key (unknown algorithm)", vkey);
  const publicKey = key.slice(1);
  if (publicKey.length !== 32) throw malformedKey("verifier key (wrong length)", vkey);
  return {
    name,
    keyHash,
    publicKey,
    vkey,
    verify(message, signature) {
      if (signature.length !== 64) return false;
      return verifyEd25519Remembered(publicKey, message, signature);
    },
  };
}

// Ed25519 verification in pure JS costs a millisecond or more, and a server or a driver checks
// the same signed checkpoint again with every proof against it. The verdict depends only on
// the exact (public key, signature, message) bytes, so successes are remembered, bounded
// (least recently used first out); failures and long messages are always recomputed.
const REMEMBERED_MAX = 256;
const REMEMBERED_MAX_MESSAGE = 1024;
const remembered = new Map<string, true>();

function verifyEd25519Remembered(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  // Key and signature have fixed lengths (32, 64), so the concatenation is unambiguous.
  const id =
    message.length <= REMEMBERED_MAX_MESSAGE
      ? toBase64(publicKey) + toBase64(signature) + toBase64(message)
      : null;
  if (id !== null && remembered.delete(id)) {
    remembered.set(id, true);
    return true;
  }
  let ok: boolean;
  try {
    ok = ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    ok = false;
  }
  if (ok && id !== null) {
    if (remembered.size >= REMEMBERED_MAX) remembered.delete(remembered.keys().next().value!);
    remembered.set(id, true);
  }
  return ok;
}

/** A note signer from a 32-byte Ed25519 seed. */
export function noteSignerFromSeed(name: string, seed: Uint8Array): NoteSigner {
  if (!isValidKeyName(name)) throw malformedKey("signer key name", name);
  if (seed.length !== 32) throw malformedKey("signer key (wrong length)", name);
  const pub = ed25519.getPublicKey(seed);
  const algAndKey = concatBytes(Uint8Array.of(ALG_ED25519), pub);
  const keyHash = noteKeyHash(name, algAndKey);
  return {
    name,
    keyHash,
    vkey: `${name}+${hash8(keyHash)}+${toBase64(algAndKey)}`,
    sign: (message) => ed25519.sign(message, seed),
  };
}

/** Parses a signer key `PRIVATE+KEY+name+hash8+base64(0x01||seed)`. */
export function parseSignerKey(skey: string): NoteSigner & { skey: string } {
  const [p1, r1] = chop(skey, "+");
  const [p2, r2] = chop(r1, "+");
  const [name, r3] = chop(r2, "+");
  const [h16, key64] = chop(r3, "+");
  if (
    p1 !== "PRIVATE" ||
    p2 !== "KEY" ||
    !/^[0-9a-fA-F]{8}$/.test(h16) ||
    !isValidKeyName(name) ||
    key64 === ""
  ) {
    throw malformedKey("signer key", "PRIVATE+KEY+…");
  }
  const key = decodeKeyB64(key64, "signer key", "PRIVATE+KEY+…");
  if (key[0] !== ALG_ED25519 || key.length !== 33)
    throw malformedKey("signer key (algorithm or length)", "PRIVATE+KEY+…");
  const signer = noteSignerFromSeed(name, key.slice(1));
  if (signer.keyHash !== Number.parseInt(h16, 16) >>> 0)
    throw malformedKey("signer key (hash does not match)", "PRIVATE+KEY+…");
  return { ...signer, skey };
}

/** Formats a signer key for a seed (the inverse of parseSignerKey). */
export function formatSignerKey(name: string, seed: Uint8Array): string {
  const signer = noteSignerFromSeed(name, seed);
  return `PRIVATE+KEY+${name}+${hash8(signer.keyHash)}+${toBase64(concatBytes(Uint8Array.of(ALG_ED25519), seed))}`;
}

function malformed(reason: string): TfError {
  return new TfError("TF_NOTE_MALFORMED", `Malformed signed note: ${reason}`, { details: { reason } });
}

/**
 * Splits a note into its text and signature lines without verifying anything.
 * The text ends at the last blank line ("\n\n"), so texts may contain blank lines themselves.
 */
export function parseNote(msg: Uint8Array | string): {
  text: string;
  signatures: NoteSignature[];
  raw: string;
} {
  let raw: string;
  if (typeof msg === "string") {
    // A JS string may carry lone surrogates, which have no UTF-8 encoding.
    if (!isWellFormedUtf16(msg)) throw malformed("not valid UTF-8");
    raw = msg;
  } else {
    try {
      raw = decodeUtf8(msg, "note");
    } catch {
      throw malformed("not valid UTF-8");
    }
  }
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) throw malformed("control character");
  }
  const split = raw.lastIndexOf("\n\n");
  if (split < 0) throw malformed("no blank line before the signatures");
  const text = raw.slice(0, split + 1);
  let sigs = raw.slice(split + 2);
  if (sigs.length === 0 || !sigs.endsWith("\n")) throw malformed("signature block must end with a newline");
  const signatures: NoteSignature[] = [];
  while (sigs.length > 0) {
    const i = sigs.indexOf("\n");
    let line = sigs.slice(0, i);
    sigs = sigs.slice(i + 1);
    if (!line.startsWith(SIG_PREFIX)) throw malformed("line after the blank line is not a signature");
    line = line.slice(SIG_PREFIX.length);
    const [name, b64] = chop(line, " ");
    if (!isValidKeyName(name) || b64 === "") throw malformed("bad signature line");
    let sig: Uint8Array;
    try {
      sig = fromBase64(b64, "signature");
    } catch {
      throw malformed("signature is not base64");
    }
    if (sig.length < 5) throw malformed("signature too short");
    if (signatures.length >= MAX_NOTE_SIGNATURES)
      throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
    const keyHash = ((sig[0]! << 24) | (sig[1]! << 16) | (sig[2]! << 8) | sig[3]!) >>> 0;
    signatures.push({ name, keyHash, base64: b64 });
  }
  return { text, signatures, raw };
}

function isWellFormedUtf16(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/**
 * Opens a note: every signature from a known (name, key hash) must verify, at least one must,
 * and signatures from unknown keys are returned as unverified. Duplicates are dropped.
 */
export function openNote(msg: Uint8Array | string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const { text, signatures } = parseNote(msg);
  const textBytes = utf8(text);
  const sigs: NoteSignature[] = [];
  const unverifiedSigs: NoteSignature[] = [];
  const seen = new Set<string>();
  const seenUnverified = new Set<string>();
  for (const s of signatures) {
    const v = verifiers.find((k) => k.name === s.name && k.keyHash === s.keyHash);
    if (!v) {
      const id = `${s.name} ${s.base64}`;
      if (!seenUnverified.has(id)) {
        seenUnverified.add(id);
        unverifiedSigs.push(s);
      }
      continue;
    }
    const sig = fromBase64(s.base64, "signature").slice(4);
    if (!v.verify(textBytes, sig)) {
      throw new TfError("TF_NOTE_SIGNATURE_INVALID", `Invalid signature from ${s.name}+${hash8(s.keyHash)}`, {
        details: { name: s.name, keyHash: hash8(s.keyHash) },
      });
    }
    const id = `${s.name}+${s.keyHash}`;
    if (seen.has(id)) continue;
    seen.add(id);
    sigs.push(s);
  }
  if (sigs.length === 0) {
    throw new TfError("TF_NOTE_UNVERIFIED", "The note has no signature from a trusted key", {
      details: { signers: unverifiedSigs.map((s) => `${s.name}+${hash8(s.keyHash)}`) },
    });
  }
  return { text, sigs, unverifiedSigs };
}

/** Signs a text (which must end in a newline) and returns the whole note; `existing` lines are kept first. */
export function signNote(
  text: string,
  signers: readonly NoteSigner[],
  existing: readonly NoteSignature[] = [],
): string {
  if (!text.endsWith("\n")) throw malformed("note text must end with a newline");
  // Blank lines inside the text are allowed, but one at the very end would move the split point.
  if (text.endsWith("\n\n")) throw malformed("note text must not end with a blank line");
  const bytes = utf8(text);
  let out = `${text}\n`;
  // As Go's note.Sign: an existing signature by one of the signers is replaced, not repeated
  // (a stale one over other text would make the note fail to open), and each kept line's
  // key hash must agree with its base64.
  const signing = new Set(signers.map((s) => `${s.name}+${s.keyHash}`));
  for (const s of existing) {
    if (!isValidKeyName(s.name)) throw malformed("existing signature has an invalid key name");
    if (signing.has(`${s.name}+${s.keyHash}`)) continue;
    let raw: Uint8Array;
    try {
      raw = fromBase64(s.base64, "signature");
    } catch {
      throw malformed("existing signature is not base64");
    }
    if (
      raw.length < 5 ||
      new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(0) !== s.keyHash >>> 0
    ) {
      throw malformed("existing signature's key hash does not match its base64");
    }
    out += `${SIG_PREFIX}${s.name} ${s.base64}\n`;
  }
  for (const signer of signers) {
    const hash = new Uint8Array(4);
    new DataView(hash.buffer).setUint32(0, signer.keyHash);
    out += `${SIG_PREFIX}${signer.name} ${toBase64(concatBytes(hash, signer.sign(bytes)))}\n`;
  }
  // Validate the framing we produced with the same parser readers use.
  parseNote(out);
  return out;
}

export function formatKeyHash(keyHash: number): string {
  return hash8(keyHash);
}
