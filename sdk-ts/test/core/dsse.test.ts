import { p256 } from "@noble/curves/nist.js";
import { describe, expect, it } from "vitest";
import {
  type DsseEnvelope,
  dsseSign,
  dsseVerify,
  p256Verifier,
  pae,
  parseDsseEnvelope,
} from "../../src/core/dsse.js";
import { concatBytes, fromBase64, toBase64, toHex, utf8 } from "../../src/core/encoding.js";
import { ed25519Signer, ed25519Verifier } from "../../src/core/keys.js";
import { expectTfError, readVectorJson } from "./vectors.js";

interface DsseVector {
  payloadType: string;
  payloadUtf8: string;
  payloadB64: string;
  pae: string;
  key: { X: string; Y: string; d: string };
  envelope: DsseEnvelope;
  envelopeWithKeyid: DsseEnvelope;
  negativeIdeas: string[];
}

const v = readVectorJson<DsseVector>("dsse-spec/dsse-vector.json");

function be32(decimal: string): Uint8Array {
  const hex = BigInt(decimal).toString(16).padStart(64, "0");
  expect(hex.length).toBe(64);
  return new Uint8Array(Buffer.from(hex, "hex"));
}

const publicKey = concatBytes(Uint8Array.of(0x04), be32(v.key.X), be32(v.key.Y));
const secretKey = be32(v.key.d);
const KEYID = "66301bbf";
const vectorSig = v.envelope.signatures[0]!.sig;

function clone(e: DsseEnvelope): DsseEnvelope {
  return JSON.parse(JSON.stringify(e)) as DsseEnvelope;
}

function toUrlSafe(b64: string, pad: boolean): string {
  const s = b64.replace(/\+/g, "-").replace(/\//g, "_");
  return pad ? s : s.replace(/=+$/, "");
}

describe("DSSE v1 spec vector", () => {
  it("the public key from X/Y is on P-256 and d derives it", () => {
    expect(publicKey.length).toBe(65);
    expect(() => p256.Point.fromBytes(publicKey).assertValidity()).not.toThrow();
    expect(toHex(p256.getPublicKey(secretKey, false))).toBe(toHex(publicKey));
  });

  it("PAE bytes are exactly the spec's", () => {
    const bytes = pae(v.payloadType, utf8(v.payloadUtf8));
    expect(Buffer.from(bytes).toString("latin1")).toBe(v.pae);
    expect(toHex(bytes)).toBe(toHex(utf8("DSSEv1 29 http://example.com/HelloWorld 11 hello world")));
    expect(toBase64(utf8(v.payloadUtf8))).toBe(v.payloadB64);
  });

  it("PAE lengths count bytes, not UTF-16 units", () => {
    expect(Buffer.from(pae("t/é", utf8("€"))).toString("utf8")).toBe("DSSEv1 4 t/é 3 €");
    expect(Buffer.from(pae("", new Uint8Array())).toString("utf8")).toBe("DSSEv1 0  0 ");
  });

  it("the vector signature verifies over the PAE with p256Verifier", () => {
    const verifier = p256Verifier(publicKey, KEYID);
    expect(verifier.verify(pae(v.payloadType, utf8(v.payloadUtf8)), fromBase64(vectorSig))).toBe(true);
  });

  it("re-signing deterministically (RFC 6979) with d reproduces the vector signature", () => {
    const sig = p256.sign(pae(v.payloadType, utf8(v.payloadUtf8)), secretKey, { prehash: true, lowS: false });
    expect(toBase64(sig)).toBe(vectorSig);
  });

  it("the envelope without keyid verifies with any verifier keyId", () => {
    for (const keyId of [KEYID, "anything", ""]) {
      const res = dsseVerify(v.envelope, [p256Verifier(publicKey, keyId)]);
      expect(res.payloadType).toBe(v.payloadType);
      expect(Buffer.from(res.payload).toString("utf8")).toBe(v.payloadUtf8);
      expect(res.keyIds).toEqual([keyId]);
    }
    // Also as JSON text.
    expect(dsseVerify(JSON.stringify(v.envelope), [p256Verifier(publicKey, KEYID)]).keyIds).toEqual([KEYID]);
  });

  it("the envelope with keyid 66301bbf verifies with that keyId, and its keyid hint skips other keyIds", () => {
    expect(v.envelopeWithKeyid.signatures[0]!.keyid).toBe(KEYID);
    expect(dsseVerify(v.envelopeWithKeyid, [p256Verifier(publicKey, KEYID)]).keyIds).toEqual([KEYID]);
    expectTfError(
      () => dsseVerify(v.envelopeWithKeyid, [p256Verifier(publicKey, "other")]),
      "TF_DSSE_SIGNATURE_INVALID",
    );
  });

  it("negative: flipping any byte of the payload fails", () => {
    expect(v.negativeIdeas.some((n) => n.startsWith("flip any byte of payload"))).toBe(true);
    const payload = utf8(v.payloadUtf8);
    const verifier = p256Verifier(publicKey, KEYID);
    for (let i = 0; i < payload.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const p = payload.slice();
        p[i]! ^= mask;
        const env = { ...clone(v.envelope), payload: toBase64(p) };
        expectTfError(() => dsseVerify(env, [verifier]), "TF_DSSE_SIGNATURE_INVALID");
      }
    }
    // Appending or truncating also fails.
    for (const p of [payload.subarray(1), payload.subarray(0, -1), concatBytes(payload, Uint8Array.of(0))]) {
      expectTfError(
        () => dsseVerify({ ...clone(v.envelope), payload: toBase64(p) }, [verifier]),
        "TF_DSSE_SIGNATURE_INVALID",
      );
    }
  });

  it("negative: changing payloadType, even only its case, fails (the type is authenticated)", () => {
    const verifier = p256Verifier(publicKey, KEYID);
    for (const t of [
      "http://example.com/helloworld",
      "HTTP://example.com/HelloWorld",
      "http://example.com/HelloWorld ",
      "",
    ]) {
      expectTfError(
        () => dsseVerify({ ...clone(v.envelope), payloadType: t }, [verifier]),
        "TF_DSSE_SIGNATURE_INVALID",
      );
    }
  });

  it("negative: a signature over the raw payload instead of the PAE fails", () => {
    const raw = p256.sign(utf8(v.payloadUtf8), secretKey, { prehash: true, lowS: false });
    const verifier = p256Verifier(publicKey, KEYID);
    expect(verifier.verify(utf8(v.payloadUtf8), raw)).toBe(true);
    const env = clone(v.envelope);
    env.signatures[0]!.sig = toBase64(raw);
    expectTfError(() => dsseVerify(env, [verifier]), "TF_DSSE_SIGNATURE_INVALID");
  });

  it("URL-safe base64 (padded or not) of sig and payload is accepted", () => {
    const verifier = p256Verifier(publicKey, KEYID);
    expect(/[+/]/.test(vectorSig)).toBe(true); // the vector exercises both alphabets
    for (const pad of [true, false]) {
      const env = clone(v.envelope);
      env.payload = toUrlSafe(env.payload, pad);
      env.signatures[0]!.sig = toUrlSafe(vectorSig, pad);
      expect(Buffer.from(dsseVerify(env, [verifier]).payload).toString("utf8")).toBe(v.payloadUtf8);
    }
  });

  it("a signature that is not base64 is ignored, leaving the envelope unverified", () => {
    const env = clone(v.envelope);
    env.signatures[0]!.sig = "!!!";
    expectTfError(() => dsseVerify(env, [p256Verifier(publicKey, KEYID)]), "TF_DSSE_SIGNATURE_INVALID");
  });
});

describe("DSSE with Ed25519", () => {
  const seeds = [1, 2, 3].map((n) => new Uint8Array(32).fill(n));
  const signers = seeds.map(ed25519Signer);
  const verifiers = signers.map((s) => ed25519Verifier(s.publicKey));
  const type = "application/vnd.in-toto+json";
  const payload = utf8('{"_type":"https://in-toto.io/Statement/v1"}');

  it("sign/verify round trip, deterministic", () => {
    const env = dsseSign(type, payload, [signers[0]!]);
    expect(env.signatures[0]!.keyid).toBe(signers[0]!.keyId);
    expect(dsseSign(type, payload, [signers[0]!])).toEqual(env);
    const res = dsseVerify(env, [verifiers[0]!]);
    expect(res.keyIds).toEqual([signers[0]!.keyId]);
    expect(toHex(res.payload)).toBe(toHex(payload));
    expect(res.payloadType).toBe(type);
    // It is an Ed25519 signature over the PAE.
    expect(verifiers[0]!.verify(pae(type, payload), fromBase64(env.signatures[0]!.sig))).toBe(true);
  });

  it("a wrong key gives TF_DSSE_SIGNATURE_INVALID", () => {
    const env = dsseSign(type, payload, [signers[0]!]);
    expectTfError(() => dsseVerify(env, [verifiers[1]!]), "TF_DSSE_SIGNATURE_INVALID");
    // Even when the keyid hint is removed.
    const bare = { ...env, signatures: env.signatures.map(({ sig }) => ({ sig })) };
    expectTfError(() => dsseVerify(bare, [verifiers[1]!, verifiers[2]!]), "TF_DSSE_SIGNATURE_INVALID");
    expect(dsseVerify(bare, [verifiers[1]!, verifiers[0]!]).keyIds).toEqual([signers[0]!.keyId]);
  });

  it("threshold: k distinct keys must each verify a signature", () => {
    const env2 = dsseSign(type, payload, [signers[0]!, signers[1]!]);
    expect(dsseVerify(env2, verifiers, 2).keyIds.sort()).toEqual(
      [signers[0]!.keyId, signers[1]!.keyId].sort(),
    );
    expect(dsseVerify(env2, verifiers, 1).keyIds.length).toBeGreaterThanOrEqual(1);
    const e = expectTfError(() => dsseVerify(env2, verifiers, 3), "TF_DSSE_SIGNATURE_INVALID");
    expect(e.details.required).toBe(3);
    // The same signature repeated does not count twice.
    const dup = { ...env2, signatures: [env2.signatures[0]!, env2.signatures[0]!, env2.signatures[0]!] };
    expectTfError(() => dsseVerify(dup, verifiers, 2), "TF_DSSE_SIGNATURE_INVALID");
    // Nor does one key passed twice.
    expectTfError(() => dsseVerify(env2, [verifiers[0]!, verifiers[0]!], 2), "TF_DSSE_SIGNATURE_INVALID");
    const env3 = dsseSign(type, payload, signers);
    expect(dsseVerify(env3, verifiers, 3).keyIds.length).toBe(3);
  });

  it("a threshold that is not a positive whole number is refused, never treated as satisfied", () => {
    const env = dsseSign(type, payload, [signers[0]!]);
    for (const t of [Number.NaN, 0, -1, 1.5, Number.POSITIVE_INFINITY]) {
      expectTfError(() => dsseVerify(env, [verifiers[1]!], t), "TF_INPUT_INVALID");
    }
  });

  it("no signatures at all is TF_DSSE_SIGNATURE_INVALID", () => {
    expectTfError(
      () => dsseVerify({ payload: "", payloadType: type, signatures: [] }, verifiers),
      "TF_DSSE_SIGNATURE_INVALID",
    );
  });

  it("malformed envelopes give TF_DSSE_MALFORMED", () => {
    const good = dsseSign(type, payload, [signers[0]!]);
    const bad: unknown[] = [
      "",
      "not json",
      "{",
      "null",
      "[]",
      '"string"',
      null,
      undefined,
      42,
      [],
      {},
      { payload: good.payload, payloadType: type },
      { payload: good.payload, signatures: good.signatures },
      { payloadType: type, signatures: good.signatures },
      { ...good, payload: 1 },
      { ...good, payloadType: null },
      { ...good, signatures: {} },
      { ...good, signatures: [{}] },
      { ...good, signatures: [{ sig: 5 }] },
      { ...good, signatures: [{ sig: "AA==", keyid: 7 }] },
      { ...good, payload: "not base64!" },
      { ...good, payload: "A" },
      { ...good, payload: "ab+_" },
    ];
    for (const input of bad) {
      expectTfError(() => dsseVerify(input, verifiers), "TF_DSSE_MALFORMED");
    }
    for (const input of bad.slice(0, 20)) {
      expectTfError(() => parseDsseEnvelope(input), "TF_DSSE_MALFORMED");
    }
  });
});
