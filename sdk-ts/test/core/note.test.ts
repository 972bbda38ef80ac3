import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../src/core/canonical.js";
import { concatBytes, fromBase64, fromHex, toBase64, toHex, utf8 } from "../../src/core/encoding.js";
import type { TfError } from "../../src/core/errors.js";
import {
  formatKeyHash,
  formatSignerKey,
  type NoteVerifier,
  noteKeyHash,
  noteSignerFromSeed,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from "../../src/core/note.js";
import { openCheckpoint, parseCheckpointBody } from "../../src/ledger/checkpoint.js";
import { leafHash } from "../../src/ledger/merkle.js";
import { expectTfError, readVectorJson, vectorUrl } from "./vectors.js";

interface NoteVectors {
  keys: Record<string, { skey?: string; vkey: string }>;
  signTest: { skey: string; text: string; expectedNote: string };
  openTests: {
    desc: string;
    msg?: string;
    msgConstruction?: string;
    verifiers: string[];
    expect: string;
    verifiedNames?: string[];
    unverifiedNames?: string[];
  }[];
  malformedMessages: { desc: string; msg?: string; msgHexPrefix?: string; msgAfterPrefix?: string }[];
  badVkeys: { vkey?: string; why?: string; rule?: string }[];
  sumdbTreeNote: { recordData: string; treeSize: number; text: string };
}

interface CheckpointVectors {
  realSumdbCheckpoint: {
    logVkey: string;
    origin: string;
    checkpoint: string;
    extraSignatureLines: string[];
    extraVkeys: string[];
  };
  testKeyPairs: Record<string, { skey: string; vkey: string } | string>;
}

interface C2spExamples {
  verifiableExample: { vkey: string; note: string };
  parseOnlyExamples: {
    signedNoteQuasimodo: string;
    checkpointWithCosignature: string;
    checkpointParsed: { origin: string; treeSize: number; rootHashB64: string };
    cosignatureFraming: { line: string; blobBytes: number; keyIdHex: string; timestamp: number };
  };
}

interface TorchwoodVectors {
  realSumdbCheckpoint35225469: { logVkey?: string; checkpoint: string; expect: string };
}

const nv = readVectorJson<NoteVectors>("golang-mod-sumdb-note/note-vectors.json");
const cv = readVectorJson<CheckpointVectors>("transparency-dev-formats/checkpoint-vectors.json");
const c2sp = readVectorJson<C2spExamples>("c2sp-spec-examples/examples.json");
const torchwood = readVectorJson<TorchwoodVectors>("filosottile-torchwood/witness-vectors.json");

const testKeyPairs = Object.entries(cv.testKeyPairs).filter(
  (e): e is [string, { skey: string; vkey: string }] => typeof e[1] === "object",
);

function verifierByName(name: string): NoteVerifier {
  const k = nv.keys[name];
  if (!k) throw new Error(`no key ${name} in vectors`);
  return parseVerifierKey(k.vkey);
}

function names(sigs: { name: string }[]): string[] {
  return sigs.map((s) => s.name);
}

describe("golang.org/x/mod/sumdb/note vectors", () => {
  it("parses both vkeys and PeterNeumann's skey, which derives exactly his vkey", () => {
    for (const [name, k] of Object.entries(nv.keys)) {
      const v = parseVerifierKey(k.vkey);
      expect(v.name).toBe(name);
      expect(formatKeyHash(v.keyHash)).toBe(k.vkey.split("+")[1]);
      expect(v.publicKey.length).toBe(32);
      if (k.skey) {
        const s = parseSignerKey(k.skey);
        expect(s.vkey).toBe(k.vkey);
        expect(s.keyHash).toBe(v.keyHash);
      }
    }
  });

  it("signTest: signing reproduces expectedNote byte for byte", () => {
    const skey = nv.keys[nv.signTest.skey]?.skey;
    expect(skey).toBeDefined();
    const signer = parseSignerKey(skey!);
    const note = signNote(nv.signTest.text, [signer]);
    expect(note).toBe(nv.signTest.expectedNote);
    expect(toHex(utf8(note))).toBe(toHex(utf8(nv.signTest.expectedNote)));
  });

  it("signTest: the produced note opens and yields the original text", () => {
    const opened = openNote(nv.signTest.expectedNote, [verifierByName("PeterNeumann")]);
    expect(opened.text).toBe(nv.signTest.text);
    expect(names(opened.sigs)).toEqual(["PeterNeumann"]);
    expect(opened.unverifiedSigs).toEqual([]);
  });

  for (const t of nv.openTests) {
    it(`openTests: ${t.desc}`, () => {
      let msg: string;
      if (t.msg !== undefined) {
        msg = t.msg;
      } else {
        // "text + '\n' + peterSig*101": the signature line from expectedNote, 101 times.
        expect(t.msgConstruction).toBe("text + '\\n' + peterSig*101");
        const peterSig = nv.signTest.expectedNote.slice(nv.signTest.text.length + 1);
        expect(peterSig.startsWith("— PeterNeumann ")).toBe(true);
        msg = `${nv.signTest.text}\n${peterSig.repeat(101)}`;
      }
      const verifiers = t.verifiers.map(verifierByName);
      // Both representations of the message must behave the same.
      for (const input of [msg, utf8(msg)]) {
        switch (t.expect) {
          case "ok": {
            const opened = openNote(input, verifiers);
            expect(opened.text).toBe(nv.signTest.text);
            expect(names(opened.sigs)).toEqual(t.verifiedNames);
            expect(names(opened.unverifiedSigs)).toEqual(t.unverifiedNames);
            break;
          }
          case "error:unverified":
            expectTfError(() => openNote(input, verifiers), "TF_NOTE_UNVERIFIED");
            break;
          case "error:malformed":
            expectTfError(() => openNote(input, verifiers), "TF_NOTE_MALFORMED");
            break;
          case "error:invalid-signature":
            expectTfError(() => openNote(input, verifiers), "TF_NOTE_SIGNATURE_INVALID");
            break;
          default:
            throw new Error(`unknown expectation ${t.expect}`);
        }
      }
    });
  }

  it("100 copies of a verified signature are accepted and deduplicated (the limit is exclusive)", () => {
    const peterSig = nv.signTest.expectedNote.slice(nv.signTest.text.length + 1);
    const opened = openNote(`${nv.signTest.text}\n${peterSig.repeat(100)}`, [verifierByName("PeterNeumann")]);
    expect(names(opened.sigs)).toEqual(["PeterNeumann"]);
  });

  it("repeated identical unverified signatures are reported once", () => {
    const msg = nv.openTests[0]!.msg!;
    const enoch = msg.slice(msg.indexOf("— EnochRoot"));
    const opened = openNote(msg + enoch + enoch, [verifierByName("PeterNeumann")]);
    expect(names(opened.unverifiedSigs)).toEqual(["EnochRoot"]);
  });

  for (const m of nv.malformedMessages) {
    it(`malformedMessages: ${m.desc}`, () => {
      const verifiers = [verifierByName("PeterNeumann")];
      if (m.msgHexPrefix !== undefined) {
        const bytes = concatBytes(fromHex(m.msgHexPrefix), utf8(m.msgAfterPrefix!));
        expect(bytes[0]).toBe(0xff);
        expectTfError(() => openNote(bytes, verifiers), "TF_NOTE_MALFORMED");
        expectTfError(() => parseNote(bytes), "TF_NOTE_MALFORMED");
      } else {
        const msg = m.msg!;
        for (const input of [msg, utf8(msg)]) {
          expectTfError(() => openNote(input, verifiers), "TF_NOTE_MALFORMED");
          expectTfError(() => parseNote(input), "TF_NOTE_MALFORMED");
        }
      }
    });
  }

  it("a string holding a lone surrogate (no UTF-8 encoding) is malformed", () => {
    const msg = `\ud800${nv.signTest.expectedNote}`;
    expectTfError(() => openNote(msg, [verifierByName("PeterNeumann")]), "TF_NOTE_MALFORMED");
  });

  it("a UTF-8 byte-order mark is part of the text, never silently dropped", () => {
    // Go's note.Open treats U+FEFF as text: the signature is then over different bytes.
    const withBom = concatBytes(Uint8Array.of(0xef, 0xbb, 0xbf), utf8(nv.signTest.expectedNote));
    expect(parseNote(withBom).text).toBe(`\ufeff${nv.signTest.text}`);
    expectTfError(() => openNote(withBom, [verifierByName("PeterNeumann")]), "TF_NOTE_SIGNATURE_INVALID");
    const signer = parseSignerKey(nv.keys.PeterNeumann!.skey!);
    const signed = signNote(`\ufeff${nv.signTest.text}`, [signer]);
    expect(openNote(utf8(signed), [verifierByName("PeterNeumann")]).text).toBe(`\ufeff${nv.signTest.text}`);
  });

  for (const b of nv.badVkeys.filter((x) => x.vkey !== undefined)) {
    it(`badVkeys: ${b.why}`, () => {
      expectTfError(() => parseVerifierKey(b.vkey!), "TF_NOTE_KEY_MALFORMED");
    });
  }

  const validVkeys = [
    ...Object.values(nv.keys).map((k) => k.vkey),
    cv.realSumdbCheckpoint.logVkey,
    ...cv.realSumdbCheckpoint.extraVkeys,
    ...testKeyPairs.map(([, k]) => k.vkey),
    c2sp.verifiableExample.vkey,
  ];
  expect(nv.badVkeys.some((b) => b.rule?.includes("strict substring"))).toBe(true);

  it(`badVkeys rule: every strict substring and every single-byte +1 mutation is rejected (${validVkeys.length} keys)`, () => {
    let checked = 0;
    for (const vkey of validVkeys) {
      expect(() => parseVerifierKey(vkey)).not.toThrow();
      const b = utf8(vkey);
      const dec = new TextDecoder();
      for (let i = 0; i <= b.length; i++) {
        for (let j = i + 1; j <= b.length; j++) {
          if (i === 0 && j === b.length) continue;
          const sub = dec.decode(b.subarray(i, j));
          expectTfError(() => parseVerifierKey(sub), "TF_NOTE_KEY_MALFORMED");
          checked++;
        }
      }
      for (let i = 0; i < b.length; i++) {
        const m = b.slice();
        m[i] = (m[i]! + 1) & 0xff;
        expectTfError(() => parseVerifierKey(dec.decode(m)), "TF_NOTE_KEY_MALFORMED");
        checked++;
      }
      expectTfError(() => parseVerifierKey(""), "TF_NOTE_KEY_MALFORMED");
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it("every strict prefix and every single-byte +1 mutation of a valid skey is rejected", () => {
    const skeys = [nv.keys.PeterNeumann!.skey!, ...testKeyPairs.map(([, k]) => k.skey)];
    for (const skey of skeys) {
      expect(() => parseSignerKey(skey)).not.toThrow();
      for (let j = 0; j < skey.length; j++) {
        expectTfError(() => parseSignerKey(skey.slice(0, j)), "TF_NOTE_KEY_MALFORMED");
      }
      for (let i = 0; i < skey.length; i++) {
        const m = skey.slice(0, i) + String.fromCharCode(skey.charCodeAt(i) + 1) + skey.slice(i + 1);
        expectTfError(() => parseSignerKey(m), "TF_NOTE_KEY_MALFORMED");
      }
    }
  });

  it("sumdbTreeNote: RecordHash(data) = SHA256(0x00||data) is the root line of the tree note", () => {
    const t = nv.sumdbTreeNote;
    const lines = t.text.split("\n");
    expect(lines[0]).toBe("go.sum database tree");
    expect(Number(lines[1])).toBe(t.treeSize);
    const expected = lines[2]!;
    expect(toBase64(leafHash(utf8(t.recordData)))).toBe(expected);
    expect(toBase64(sha256(Uint8Array.of(0), utf8(t.recordData)))).toBe(expected);
    const cp = parseCheckpointBody(t.text);
    expect(cp.origin).toBe("go.sum database tree");
    expect(cp.size).toBe(t.treeSize);
    expect(toBase64(cp.root)).toBe(expected);
    expect(cp.extensions).toEqual([]);
  });
});

describe("transparency-dev/formats checkpoint vectors", () => {
  const real = cv.realSumdbCheckpoint;

  it("the real sum.golang.org checkpoint verifies with the log's vkey and origin", () => {
    const log = parseVerifierKey(real.logVkey);
    const cp = openCheckpoint(real.checkpoint, log, real.origin);
    expect(cp.origin).toBe("go.sum database tree");
    expect(cp.size).toBe(6476701);
    expect(toBase64(cp.root)).toBe("mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=");
    expect(cp.note).toBe(real.checkpoint);
    // The same as bytes.
    expect(openCheckpoint(utf8(real.checkpoint), log, real.origin).size).toBe(6476701);
  });

  it("with a wrong expected origin it fails with TF_LOG_ORIGIN_MISMATCH", () => {
    const log = parseVerifierKey(real.logVkey);
    for (const origin of ["go.sum database tre", "sum.golang.org", "example.com/log", ""]) {
      expectTfError(() => openCheckpoint(real.checkpoint, log, origin), "TF_LOG_ORIGIN_MISMATCH");
    }
    // By default the expected origin is the key name, which differs from the origin here.
    expectTfError(() => openCheckpoint(real.checkpoint, log), "TF_LOG_ORIGIN_MISMATCH");
  });

  it("all four signatures verify, each with its own vkey", () => {
    const note = real.checkpoint + real.extraSignatureLines.map((l) => `${l}\n`).join("");
    const all = [real.logVkey, ...real.extraVkeys].map(parseVerifierKey);
    const opened = openNote(note, all);
    expect(names(opened.sigs)).toEqual(["sum.golang.org", "monkeys", "bananas", "witness"]);
    expect(opened.unverifiedSigs).toEqual([]);
    for (const v of all) {
      const one = openNote(note, [v]);
      expect(names(one.sigs)).toEqual([v.name]);
      expect(one.unverifiedSigs.length).toBe(3);
    }
    expect(openCheckpoint(note, all[0]!, real.origin).size).toBe(6476701);
  });

  it("a flipped bit in the root breaks the log signature", () => {
    const log = parseVerifierKey(real.logVkey);
    const forged = real.checkpoint.replace("mb8QLQIs", "mb8QLQIt");
    expect(forged).not.toBe(real.checkpoint);
    const e = expectTfError(() => openCheckpoint(forged, log, real.origin), "TF_LOG_CHECKPOINT_SIGNATURE");
    expect((e.cause as TfError).code).toBe("TF_NOTE_SIGNATURE_INVALID");
    expectTfError(() => openNote(forged, [log]), "TF_NOTE_SIGNATURE_INVALID");
  });

  for (const [name, k] of testKeyPairs) {
    it(`testKeyPairs.${name}: the skey derives exactly its vkey and signs notes that open`, () => {
      const signer = parseSignerKey(k.skey);
      expect(signer.name).toBe(name);
      expect(signer.vkey).toBe(k.vkey);
      // The base64 field itself may contain '+': take everything after the fourth one.
      const key64 = k.skey.split("+").slice(4).join("+");
      const seed = fromBase64(key64).slice(1);
      expect(seed.length).toBe(32);
      expect(noteSignerFromSeed(name, seed).vkey).toBe(k.vkey);
      expect(formatSignerKey(name, seed)).toBe(k.skey);

      const verifier = parseVerifierKey(k.vkey);
      expect(verifier.keyHash).toBe(signer.keyHash);
      const text = `example.com/${name}\n42\n${toBase64(sha256(utf8(name)))}\n`;
      const note = signNote(text, [signer]);
      // Deterministic: signing twice yields the same bytes.
      expect(signNote(text, [signer])).toBe(note);
      const opened = openNote(note, [verifier]);
      expect(opened.text).toBe(text);
      expect(names(opened.sigs)).toEqual([name]);
      // Other pairs' keys do not verify it.
      const others = testKeyPairs.filter(([n]) => n !== name).map(([, o]) => parseVerifierKey(o.vkey));
      expectTfError(() => openNote(note, others), "TF_NOTE_UNVERIFIED");
    });
  }

  it("signing with several test keys at once yields one line each, all verifying", () => {
    const signers = testKeyPairs.map(([, k]) => parseSignerKey(k.skey));
    const text = "example.com/multi\n1\n" + toBase64(new Uint8Array(32)) + "\n";
    const note = signNote(text, signers);
    const opened = openNote(
      note,
      testKeyPairs.map(([, k]) => parseVerifierKey(k.vkey)),
    );
    expect(names(opened.sigs)).toEqual(testKeyPairs.map(([n]) => n));
  });

  it("re-signing with a key already among the existing signatures replaces that line (as Go's note.Sign)", () => {
    const [logName, logPair] = testKeyPairs[0]!;
    const [witName, witPair] = testKeyPairs[4]!;
    const log = parseSignerKey(logPair.skey);
    const wit = parseSignerKey(witPair.skey);
    const first = signNote("a\n", [log, wit]);
    const existing = parseNote(first).signatures;
    const again = signNote("a\n", [log], existing);
    expect(parseNote(again).signatures.map((s) => s.name)).toEqual([witName, logName]);
    // A stale signature by the re-signing key over other text must not survive.
    const stale = parseNote(signNote("b\n", [log])).signatures;
    const resigned = signNote("a\n", [log], stale);
    expect(openNote(resigned, [parseVerifierKey(logPair.vkey)]).sigs.length).toBe(1);
  });

  it("existing signatures whose key hash disagrees with their base64 are refused", () => {
    const log = parseSignerKey(testKeyPairs[0]![1].skey);
    const sig = parseNote(signNote("a\n", [log])).signatures[0]!;
    expectTfError(() => signNote("a\n", [], [{ ...sig, keyHash: sig.keyHash ^ 1 }]), "TF_NOTE_MALFORMED");
  });
});

describe("C2SP spec examples", () => {
  it("verifiableExample verifies with its published vkey", () => {
    const v = parseVerifierKey(c2sp.verifiableExample.vkey);
    expect(v.name).toBe("example.com/foo");
    const opened = openNote(c2sp.verifiableExample.note, [v]);
    expect(opened.text).toBe("This is an example message.\n");
    expect(names(opened.sigs)).toEqual(["example.com/foo"]);
    expect(opened.sigs[0]!.keyHash).toBe(0x530d903a);
  });

  it("the Quasimodo note splits on the LAST blank line, so its text keeps its own empty line", () => {
    const raw = c2sp.parseOnlyExamples.signedNoteQuasimodo;
    const parsed = parseNote(raw);
    expect(parsed.text).toBe(
      "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n",
    );
    expect(parsed.text.includes("\n\n")).toBe(true);
    expect(parsed.signatures.map((s) => s.name)).toEqual(["quasimodo.example/salvatore"]);
    expect(parsed.raw).toBe(raw);
    // No key is published: opening it is unverified, not malformed.
    const e = expectTfError(() => openNote(raw, []), "TF_NOTE_UNVERIFIED");
    expect(e.details.signers).toEqual([
      `quasimodo.example/salvatore+${formatKeyHash(parsed.signatures[0]!.keyHash)}`,
    ]);
  });

  it("checkpointWithCosignature: two signature lines, the cosignature blob is keyID||timestamp||sig", () => {
    const ex = c2sp.parseOnlyExamples;
    const parsed = parseNote(ex.checkpointWithCosignature);
    expect(parsed.signatures.length).toBe(2);
    const [logSig, cosig] = parsed.signatures as [
      (typeof parsed.signatures)[0],
      (typeof parsed.signatures)[0],
    ];
    expect(logSig.name).toBe("example.com/behind-the-sofa");
    expect(cosig.name).toBe(ex.cosignatureFraming.line);
    expect(cosig.keyHash).toBe(0x8d66cf3f);
    expect(formatKeyHash(cosig.keyHash)).toBe(ex.cosignatureFraming.keyIdHex);
    const blob = fromBase64(cosig.base64);
    expect(blob.length).toBe(ex.cosignatureFraming.blobBytes);
    expect(blob.length).toBe(76);
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    expect(view.getUint32(0)).toBe(0x8d66cf3f);
    expect(Number(view.getBigUint64(4))).toBe(ex.cosignatureFraming.timestamp);
    expect(fromBase64(logSig.base64).length).toBe(68);

    const cp = parseCheckpointBody(parsed.text);
    expect(cp.origin).toBe(ex.checkpointParsed.origin);
    expect(cp.size).toBe(ex.checkpointParsed.treeSize);
    expect(toBase64(cp.root)).toBe(ex.checkpointParsed.rootHashB64);
    expect(cp.extensions).toEqual([]);
  });
});

describe("filosottile/torchwood real sum.golang.org checkpoint", () => {
  const t = torchwood.realSumdbCheckpoint35225469;

  it("has a vkey in the file and verifies with it", () => {
    expect(t.logVkey).toBeDefined();
    const log = parseVerifierKey(t.logVkey!);
    const cp = openCheckpoint(t.checkpoint, log, "go.sum database tree");
    expect(cp.size).toBe(35225469);
    expect(toBase64(cp.root)).toBe("vt5T6GaLCXvyHFl9VUvvItR43XZxfLgftEcTyO3eJCQ=");
    expect(names(openNote(t.checkpoint, [log]).sigs)).toEqual(["sum.golang.org"]);
  });

  it("is signed by the same key as the older checkpoint, whose signature does not transplant", () => {
    const older = cv.realSumdbCheckpoint.checkpoint;
    const newerSig = t.checkpoint.slice(t.checkpoint.indexOf("— "));
    const transplanted = older.slice(0, older.indexOf("— ")) + newerSig;
    expectTfError(
      () => openCheckpoint(transplanted, parseVerifierKey(t.logVkey!), "go.sum database tree"),
      "TF_LOG_CHECKPOINT_SIGNATURE",
    );
  });
});

describe("key hashes", () => {
  it("noteKeyHash = first 4 bytes of SHA-256(name || '\\n' || 0x01 || pub)", () => {
    const v = parseVerifierKey(cv.realSumdbCheckpoint.logVkey);
    const h = sha256(utf8("sum.golang.org\n"), Uint8Array.of(1), v.publicKey);
    expect(noteKeyHash("sum.golang.org", concatBytes(Uint8Array.of(1), v.publicKey))).toBe(
      new DataView(h.buffer, h.byteOffset).getUint32(0),
    );
    expect(formatKeyHash(v.keyHash)).toBe("033de0ae");
  });
});

describe("key names follow Go's isValidName", () => {
  const seed = new Uint8Array(32).fill(7);

  it("rejects Unicode White_Space, including U+0085 (NEL), '+' and lone surrogates", () => {
    for (const name of [
      "a b",
      "a\tb",
      "a\u0085b",
      "a\u00a0b",
      "a\u2028b",
      "a\u3000b",
      "a+b",
      "",
      "a\ud800b",
    ]) {
      expectTfError(() => noteSignerFromSeed(name, seed), "TF_NOTE_KEY_MALFORMED");
    }
  });

  it("accepts U+FEFF and other non-space characters, which Go accepts", () => {
    for (const name of ["a\ufeffb", "example.com/log", "ünïcödé/ключ", "a\u200bb"]) {
      const signer = noteSignerFromSeed(name, seed);
      const v = parseVerifierKey(signer.vkey);
      expect(v.name).toBe(name);
      expect(openNote(signNote("t\n", [signer]), [v]).sigs.length).toBe(1);
    }
  });

  it("a signature line whose name holds U+0085 is malformed", () => {
    const note = nv.signTest.expectedNote.replace("PeterNeumann", "Peter\u0085Neumann");
    expectTfError(() => parseNote(note), "TF_NOTE_MALFORMED");
  });
});

describe("transparency-dev/tessera POSIX log checkpoints", () => {
  const keys = readVectorJson<{ origin: string; logPrivateKey: string; logPublicKey: string }>(
    "tessera-posix-log/keys-and-leaves.json",
  );
  const files = ["checkpoint", ...Array.from({ length: 16 }, (_, i) => `checkpoint.${i}`)];

  for (const f of files) {
    it(`${f} verifies, and re-signing its body with the skey reproduces it byte for byte`, () => {
      const note = readFileSync(vectorUrl(`tessera-posix-log/testdata/log/${f}`), "utf8");
      const verifier = parseVerifierKey(keys.logPublicKey);
      const cp = openCheckpoint(note, verifier, keys.origin);
      expect(cp.size).toBe(f === "checkpoint" ? 15 : Number(f.slice("checkpoint.".length)));
      const signer = parseSignerKey(keys.logPrivateKey);
      expect(signer.vkey).toBe(keys.logPublicKey);
      expect(signNote(parseNote(note).text, [signer])).toBe(note);
    });
  }
});
