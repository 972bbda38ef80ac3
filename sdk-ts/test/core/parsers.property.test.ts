/**
 * Robustness: every parser of untrusted input either returns or throws a TfError — never a
 * TypeError, RangeError or anything else — for random input and for mutations of real documents.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dsseSign, dsseVerify, p256Verifier, parseDsseEnvelope } from "../../src/core/dsse.js";
import { concatBytes, toBase64, utf8 } from "../../src/core/encoding.js";
import { TfError } from "../../src/core/errors.js";
import { ed25519Signer, ed25519Verifier } from "../../src/core/keys.js";
import { openNote, parseNote, parseSignerKey, parseVerifierKey } from "../../src/core/note.js";
import { openCheckpoint, parseCheckpointBody } from "../../src/ledger/checkpoint.js";
import { formatConsistencyProof, parseConsistencyProof } from "../../src/ledger/consistency.js";
import { formatTlogProof, parseTlogProof } from "../../src/ledger/proof.js";
import { decodeBundle, decodeHashTile, encodeBundle } from "../../src/ledger/tiles.js";
import { readVectorJson, vectorUrl } from "./vectors.js";

// ---- real documents from the shared vectors -------------------------------------------------

const formats = readVectorJson<{
  realSumdbCheckpoint: {
    logVkey: string;
    origin: string;
    checkpoint: string;
    extraSignatureLines: string[];
    extraVkeys: string[];
  };
  testKeyPairs: Record<string, { skey: string; vkey: string } | string>;
}>("transparency-dev-formats/checkpoint-vectors.json");
const c2sp = readVectorJson<{
  verifiableExample: { vkey: string; note: string };
  parseOnlyExamples: {
    signedNoteQuasimodo: string;
    checkpointWithCosignature: string;
    witnessAddCheckpointRequestBody: string;
    tlogProofExampleHeader: string;
  };
}>("c2sp-spec-examples/examples.json");
const tessera = readVectorJson<{ origin: string; logPrivateKey: string; logPublicKey: string }>(
  "tessera-posix-log/keys-and-leaves.json",
);
const dsseVector = readVectorJson<{
  envelope: object;
  envelopeWithKeyid: object;
  key: { X: string; Y: string };
}>("dsse-spec/dsse-vector.json");
const witness = readVectorJson<{ witnessAddCheckpointSequence: { steps: { body: string }[] } }>(
  "filosottile-torchwood/witness-vectors.json",
);

const logDir = "tessera-posix-log/testdata/log/";
const tesseraCheckpoint = readFileSync(vectorUrl(`${logDir}checkpoint`), "utf8");
const bundle15 = new Uint8Array(readFileSync(vectorUrl(`${logDir}tile/entries/000.p/15`)));
const tile15 = new Uint8Array(readFileSync(vectorUrl(`${logDir}tile/0/000.p/15`)));

const real = formats.realSumdbCheckpoint;
const realWithFour = real.checkpoint + real.extraSignatureLines.map((l) => `${l}\n`).join("");
const noteVerifiers = [
  real.logVkey,
  ...real.extraVkeys,
  c2sp.verifiableExample.vkey,
  tessera.logPublicKey,
].map(parseVerifierKey);
const sumdbVerifier = noteVerifiers[0]!;
const tesseraVerifier = parseVerifierKey(tessera.logPublicKey);

const tileHashes = decodeHashTile(tile15, 15);
const tlogProof = formatTlogProof({ index: 6, proof: tileHashes.slice(0, 4), checkpoint: tesseraCheckpoint });
const tlogProofExtra = formatTlogProof({
  index: 14,
  proof: tileHashes.slice(4, 8),
  checkpoint: tesseraCheckpoint,
  extra: utf8("extra data"),
});
const consistencyProof = formatConsistencyProof({
  oldSize: 7,
  proof: tileHashes.slice(0, 3),
  checkpoint: tesseraCheckpoint,
});

const notes = [
  realWithFour,
  real.checkpoint,
  tesseraCheckpoint,
  c2sp.verifiableExample.note,
  c2sp.parseOnlyExamples.signedNoteQuasimodo,
  c2sp.parseOnlyExamples.checkpointWithCosignature,
];
const vkeys = [
  real.logVkey,
  ...real.extraVkeys,
  tessera.logPublicKey,
  ...Object.values(formats.testKeyPairs).flatMap((k) => (typeof k === "object" ? [k.vkey] : [])),
];
const skeys = [
  tessera.logPrivateKey,
  ...Object.values(formats.testKeyPairs).flatMap((k) => (typeof k === "object" ? [k.skey] : [])),
];

// DSSE: the spec vector plus Ed25519 envelopes with and without keyids.
function be32(decimal: string): Uint8Array {
  return new Uint8Array(Buffer.from(BigInt(decimal).toString(16).padStart(64, "0"), "hex"));
}
const p256Pub = concatBytes(Uint8Array.of(4), be32(dsseVector.key.X), be32(dsseVector.key.Y));
const edSigners = [1, 2].map((n) => ed25519Signer(new Uint8Array(32).fill(n)));
const dsseVerifiers = [
  p256Verifier(p256Pub, "66301bbf"),
  p256Verifier(new Uint8Array(3), "broken-key"),
  ...edSigners.map((s) => ed25519Verifier(s.publicKey)),
];
const edEnvelope = dsseSign("application/vnd.in-toto+json", utf8('{"a":1}'), edSigners);
const envelopes = [dsseVector.envelope, dsseVector.envelopeWithKeyid, edEnvelope].map((e) =>
  JSON.stringify(e),
);

// ---- the property -----------------------------------------------------------------------

/** Runs `fn`; anything thrown must be a TfError. Returns what fn returned, or undefined. */
function tfOnly<T>(what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TfError) {
      // A TfError is still a product message: it must carry a code and a one-line message.
      if (!/^TF_[A-Z0-9_]+$/.test(e.code) || e.message.includes("\n"))
        throw new Error(`${what}: bad TfError ${e.code}`);
      return undefined;
    }
    throw new Error(`${what} threw a non-TfError: ${(e as Error)?.stack ?? String(e)}`, { cause: e });
  }
}

const SEED = 0x7f5eed;
const runs = (numRuns: number) => ({ numRuns, seed: SEED });

// ---- input generators -------------------------------------------------------------------

/** Structure-bearing fragments, so mutations reach deep parser states. */
const TOKENS = [
  "\n",
  "\n\n",
  "— ",
  "\u2014",
  " ",
  "+",
  "=",
  "==",
  "/",
  "-",
  "_",
  "0",
  "9007199254740993",
  "-1",
  "old ",
  "index ",
  "extra ",
  "c2sp.org/tlog-proof@v1",
  "\u0000",
  "\u0001",
  "\r",
  "\t",
  "\u0085",
  "\ufeff",
  "\ud800",
  "\udfff",
  "😀",
  "é",
  '"',
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  "null",
  '"signatures"',
  '"sig"',
  '"keyid"',
  "AAAA",
  "PRIVATE+KEY+",
  "\\u0000",
];

/** Any UTF-16 string, lone surrogates included. */
const utf16String = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 })
  .map((units) => String.fromCharCode(...units));

const tokenString = fc
  .array(
    fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 }), fc.base64String({ maxLength: 48 })),
    {
      maxLength: 30,
    },
  )
  .map((parts) => parts.join(""));

const anyString = fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), utf16String, tokenString);

type Edit =
  | { kind: "flip"; at: number; mask: number }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; text: string }
  | { kind: "delete"; at: number; n: number }
  | { kind: "duplicate"; at: number; n: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ unit: "binary", maxLength: 6 })),
  }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), n: fc.integer({ min: 1, max: 80 }) }),
);

function applyToBytes(base: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let b = base;
  for (const e of edits) {
    const at = b.length === 0 ? 0 : e.at % (b.length + 1);
    switch (e.kind) {
      case "flip":
        if (b.length > 0) {
          b = b.slice();
          b[at % b.length]! ^= e.mask;
        }
        break;
      case "truncate":
        b = b.subarray(0, at);
        break;
      case "insert":
        b = concatBytes(b.subarray(0, at), Buffer.from(e.text, "utf8"), b.subarray(at));
        break;
      case "delete":
        b = concatBytes(b.subarray(0, at), b.subarray(at + e.n));
        break;
      case "duplicate":
        b = concatBytes(b.subarray(0, at + e.n), b.subarray(at));
        break;
    }
  }
  return b;
}

/** String-level edits: inserted text keeps lone surrogates, which no byte sequence can carry. */
function applyToString(base: string, edits: readonly Edit[]): string {
  let s = base;
  for (const e of edits) {
    const at = s.length === 0 ? 0 : e.at % (s.length + 1);
    switch (e.kind) {
      case "flip":
        if (s.length > 0) {
          const i = at % s.length;
          s = s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ e.mask) + s.slice(i + 1);
        }
        break;
      case "truncate":
        s = s.slice(0, at);
        break;
      case "insert":
        s = s.slice(0, at) + e.text + s.slice(at);
        break;
      case "delete":
        s = s.slice(0, at) + s.slice(at + e.n);
        break;
      case "duplicate":
        s = s.slice(0, at + e.n) + s.slice(at);
        break;
    }
  }
  return s;
}

const edits = fc.array(edit, { minLength: 1, maxLength: 4 });

/** Mutations of the given documents, as strings and as bytes. */
function mutated(docs: readonly string[]): fc.Arbitrary<string | Uint8Array> {
  return fc.oneof(
    fc.tuple(fc.constantFrom(...docs), edits).map(([d, e]) => applyToString(d, e)),
    fc.tuple(fc.constantFrom(...docs), edits).map(([d, e]) => applyToBytes(utf8(d), e)),
  );
}

function asText(input: string | Uint8Array): string {
  return typeof input === "string" ? input : Buffer.from(input).toString("utf8");
}

// ---- signed notes and keys -----------------------------------------------------------------

describe("signed-note parsers never throw anything but TfError", () => {
  it("sanity: the seed documents are valid", () => {
    expect(openNote(realWithFour, noteVerifiers).sigs.length).toBe(4);
    expect(openCheckpoint(tesseraCheckpoint, tesseraVerifier).size).toBe(15);
    expect(parseTlogProof(tlogProof).index).toBe(6);
    expect(parseTlogProof(tlogProofExtra).extra).toBeDefined();
    expect(parseConsistencyProof(consistencyProof).oldSize).toBe(7);
    expect(decodeBundle(bundle15, 15).length).toBe(15);
    for (const k of vkeys) expect(() => parseVerifierKey(k)).not.toThrow();
    for (const k of skeys) expect(() => parseSignerKey(k)).not.toThrow();
    for (const e of envelopes) expect(() => dsseVerify(e, dsseVerifiers)).not.toThrow();
  });

  it("parseNote and openNote on random strings and bytes", () => {
    fc.assert(
      fc.property(fc.oneof(anyString, fc.uint8Array({ maxLength: 300 })), (input) => {
        const parsed = tfOnly("parseNote", () => parseNote(input));
        if (parsed) expect(parsed.text.endsWith("\n")).toBe(true);
        tfOnly("openNote", () => openNote(input, noteVerifiers));
      }),
      runs(1000),
    );
  });

  it("parseNote and openNote on mutated real notes", () => {
    fc.assert(
      fc.property(mutated(notes), (input) => {
        const parsed = tfOnly("parseNote", () => parseNote(input));
        const opened = tfOnly("openNote", () => openNote(input, noteVerifiers));
        if (opened) {
          // Whatever opens must have parsed, to the same text.
          expect(parsed?.text).toBe(opened.text);
          expect(opened.sigs.length).toBeGreaterThan(0);
        }
      }),
      runs(800),
    );
  });

  it("signature lines appended to a real note (random names, random base64)", () => {
    const line = fc
      .tuple(
        fc.oneof(
          fc.constantFrom("sum.golang.org", "monkeys", "example.com/foo"),
          fc.string({ maxLength: 12 }),
        ),
        fc.oneof(fc.base64String({ maxLength: 120 }), fc.uint8Array({ maxLength: 90 }).map(toBase64)),
      )
      .map(([n, b]) => `— ${n} ${b}\n`);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 5 }), (lines) => {
        tfOnly("openNote", () => openNote(realWithFour + lines.join(""), noteVerifiers));
      }),
      runs(500),
    );
  });

  it("parseVerifierKey on random and mutated keys", () => {
    fc.assert(
      fc.property(fc.oneof(anyString, mutated(vkeys).map(asText)), (input) => {
        const v = tfOnly("parseVerifierKey", () => parseVerifierKey(input));
        if (v) {
          expect(v.publicKey.length).toBe(32);
          expect(v.verify(utf8("x"), new Uint8Array(64))).toBe(false);
        }
      }),
      runs(1000),
    );
  });

  it("parseSignerKey on random and mutated keys", () => {
    fc.assert(
      fc.property(fc.oneof(anyString, mutated(skeys).map(asText)), (input) => {
        const s = tfOnly("parseSignerKey", () => parseSignerKey(input));
        // A signer that parses derives a vkey that parses.
        if (s) expect(parseVerifierKey(s.vkey).keyHash).toBe(s.keyHash);
      }),
      runs(600),
    );
  });
});

// ---- DSSE ---------------------------------------------------------------------------------

describe("DSSE parsers never throw anything but TfError", () => {
  it("parseDsseEnvelope and dsseVerify on random JSON values and arbitrary values", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything(), anyString), (input) => {
        tfOnly("parseDsseEnvelope", () => parseDsseEnvelope(input));
        tfOnly("dsseVerify", () => dsseVerify(input, dsseVerifiers));
      }),
      runs(800),
    );
  });

  it("dsseVerify on structurally valid envelopes with random fields", () => {
    const b64ish = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.base64String({ maxLength: 120 }),
      fc.uint8Array({ maxLength: 80 }).map(toBase64),
      fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b).toString("base64url")),
    );
    const env = fc.record({
      payload: b64ish,
      payloadType: fc.string({ unit: "binary", maxLength: 40 }),
      signatures: fc.array(
        fc.record({ keyid: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), sig: b64ish }),
        { maxLength: 4 },
      ),
    });
    fc.assert(
      fc.property(env, fc.integer({ min: 1, max: 4 }), (e, threshold) => {
        tfOnly("dsseVerify", () => dsseVerify(e, dsseVerifiers, threshold));
      }),
      runs(600),
    );
  });

  it("dsseVerify on mutated real envelopes (JSON text)", () => {
    fc.assert(
      fc.property(mutated(envelopes).map(asText), (input) => {
        tfOnly("dsseVerify", () => dsseVerify(input, dsseVerifiers));
      }),
      runs(800),
    );
  });
});

// ---- ledger parsers --------------------------------------------------------------------------

describe("ledger parsers never throw anything but TfError", () => {
  const checkpoints = [
    tesseraCheckpoint,
    real.checkpoint,
    realWithFour,
    c2sp.parseOnlyExamples.checkpointWithCosignature,
  ];
  const bodies = checkpoints.map((c) => parseNote(c).text);

  it("parseCheckpointBody on random and mutated bodies", () => {
    fc.assert(
      fc.property(fc.oneof(anyString, mutated(bodies).map(asText)), (input) => {
        const cp = tfOnly("parseCheckpointBody", () => parseCheckpointBody(input));
        if (cp) {
          expect(cp.root.length).toBe(32);
          expect(Number.isSafeInteger(cp.size) && cp.size >= 0).toBe(true);
        }
      }),
      runs(1000),
    );
  });

  it("openCheckpoint on random and mutated checkpoints", () => {
    fc.assert(
      fc.property(
        fc.oneof(anyString, fc.uint8Array({ maxLength: 300 }), mutated(checkpoints)),
        fc.boolean(),
        (input, tesseraKey) => {
          if (tesseraKey) tfOnly("openCheckpoint", () => openCheckpoint(input, tesseraVerifier));
          else tfOnly("openCheckpoint", () => openCheckpoint(input, sumdbVerifier, real.origin));
        },
      ),
      runs(800),
    );
  });

  it("parseTlogProof on random and mutated proofs", () => {
    const docs = [tlogProof, tlogProofExtra, c2sp.parseOnlyExamples.tlogProofExampleHeader];
    fc.assert(
      fc.property(fc.oneof(anyString, mutated(docs).map(asText)), (input) => {
        const p = tfOnly("parseTlogProof", () => parseTlogProof(input));
        if (p) for (const h of p.proof) expect(h.length).toBe(32);
      }),
      runs(800),
    );
  });

  it("parseConsistencyProof on random and mutated proofs", () => {
    const docs = [
      consistencyProof,
      c2sp.parseOnlyExamples.witnessAddCheckpointRequestBody,
      ...witness.witnessAddCheckpointSequence.steps.map((s) => s.body),
    ];
    fc.assert(
      fc.property(fc.oneof(anyString, mutated(docs).map(asText)), (input) => {
        const p = tfOnly("parseConsistencyProof", () => parseConsistencyProof(input));
        if (p) for (const h of p.proof) expect(h.length).toBe(32);
      }),
      runs(800),
    );
  });

  it("decodeBundle on random and mutated bundles; what decodes re-encodes to the same bytes", () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.tuple(fc.constant(bundle15), edits).map(([b, e]) => applyToBytes(b, e)),
    );
    fc.assert(
      fc.property(
        bytes,
        fc.option(fc.integer({ min: -2, max: 300 }), { nil: undefined }),
        (data, expected) => {
          const entries = tfOnly("decodeBundle", () => decodeBundle(data, expected));
          if (entries) {
            expect(Buffer.from(encodeBundle(entries)).equals(Buffer.from(data))).toBe(true);
            if (expected !== undefined) expect(entries.length).toBe(expected);
          }
        },
      ),
      runs(1000),
    );
  });

  it("decodeHashTile on random and mutated tiles and widths", () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.tuple(fc.constant(tile15), edits).map(([b, e]) => applyToBytes(b, e)),
    );
    fc.assert(
      fc.property(bytes, fc.integer({ min: -3, max: 300 }), (data, width) => {
        const hashes = tfOnly("decodeHashTile", () => decodeHashTile(data, width));
        if (hashes) {
          expect(hashes.length).toBe(width);
          for (const h of hashes) expect(h.length).toBe(32);
        }
      }),
      runs(1000),
    );
  });
});
