import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ed25519 } from "@noble/curves/ed25519.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sha256 } from "../../src/core/canonical.js";
import { fromBase64, toBase64, toHex, utf8 } from "../../src/core/encoding.js";
import { ed25519Signer, ed25519Verifier, KeyFileSchema, KeyStore, keyIdOf } from "../../src/core/keys.js";
import { expectTfError } from "./vectors.js";

const NOW = new Date("2024-05-06T07:08:09.000Z");
const seed = (n: number) => new Uint8Array(32).fill(n);

let home: string;
let store: KeyStore;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "tf-keys-"));
  store = new KeyStore(home);
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

describe("key ids and Ed25519 signers", () => {
  it("keyId is the first 16 hex digits of SHA-256(public key)", () => {
    const signer = ed25519Signer(seed(1));
    expect(toHex(signer.publicKey)).toBe(toHex(ed25519.getPublicKey(seed(1))));
    expect(signer.keyId).toBe(toHex(sha256(signer.publicKey)).slice(0, 16));
    expect(keyIdOf(signer.publicKey)).toMatch(/^[0-9a-f]{16}$/);
    expect(ed25519Verifier(signer.publicKey).keyId).toBe(signer.keyId);
  });

  it("RFC 8032 test 1: the signer reproduces the published signature", () => {
    const s = ed25519Signer(
      new Uint8Array(Buffer.from("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "hex")),
    );
    expect(toHex(s.publicKey)).toBe("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const sig = s.sign(new Uint8Array());
    expect(toHex(sig)).toBe(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    );
    expect(ed25519Verifier(s.publicKey).verify(new Uint8Array(), sig)).toBe(true);
  });

  it("verifiers reject wrong messages, wrong lengths and wrong keys without throwing", () => {
    const s = ed25519Signer(seed(2));
    const v = ed25519Verifier(s.publicKey);
    const sig = s.sign(utf8("m"));
    expect(v.verify(utf8("m"), sig)).toBe(true);
    expect(v.verify(utf8("n"), sig)).toBe(false);
    expect(v.verify(utf8("m"), sig.subarray(0, 63))).toBe(false);
    expect(v.verify(utf8("m"), new Uint8Array(64).fill(0xff))).toBe(false);
    expect(ed25519Verifier(ed25519Signer(seed(3)).publicKey).verify(utf8("m"), sig)).toBe(false);
    expectTfError(() => ed25519Signer(new Uint8Array(31)), "TF_KEY_MALFORMED");
    expectTfError(() => ed25519Verifier(new Uint8Array(33)), "TF_KEY_MALFORMED");
  });
});

describe("KeyStore", () => {
  it("generate writes a 0600 tf.key/v1 file and returns public info only", () => {
    const info = store.generate("alice", { seed: seed(1), now: NOW });
    const signer = ed25519Signer(seed(1));
    expect(info).toEqual({
      name: "alice",
      alg: "ed25519",
      keyId: signer.keyId,
      publicKey: toBase64(signer.publicKey),
      createdAt: NOW.toISOString(),
      path: join(home, "keys", "alice.key"),
    });
    expect(JSON.stringify(info)).not.toContain(toBase64(seed(1)));
    expect(statSync(info.path).mode & 0o777).toBe(0o600);
    const file = KeyFileSchema.parse(JSON.parse(readFileSync(info.path, "utf8")));
    expect(file.privateKey).toBe(toBase64(seed(1)));
    expect(file.keyId).toBe(toHex(sha256(fromBase64(file.publicKey))).slice(0, 16));
  });

  it("generate without a seed makes a fresh random key", () => {
    const a = store.generate("a");
    const b = store.generate("b");
    expect(a.keyId).not.toBe(b.keyId);
    expect(store.load("a").signer.keyId).toBe(a.keyId);
  });

  it("list is sorted by name; empty when there is no key directory", () => {
    expect(store.list()).toEqual([]);
    for (const [i, name] of ["zed", "Alpha", "mid-1", "alpha", "a.b_c"].entries()) {
      store.generate(name, { seed: seed(i + 1), now: NOW });
    }
    expect(store.list().map((k) => k.name)).toEqual(["Alpha", "a.b_c", "alpha", "mid-1", "zed"]);
  });

  it("load by name and by key id returns the same working signer", () => {
    const info = store.generate("bob", { seed: seed(5), now: NOW });
    store.generate("carol", { seed: seed(6), now: NOW });
    const byName = store.load("bob");
    const byId = store.load(info.keyId);
    expect(byName.info).toEqual(info);
    expect(byId.info).toEqual(info);
    expect(toHex(byId.seed)).toBe(toHex(seed(5)));
    const sig = byId.signer.sign(utf8("hello"));
    expect(ed25519Verifier(fromBase64(info.publicKey)).verify(utf8("hello"), sig)).toBe(true);
  });

  it("a duplicate name is TF_KEY_EXISTS and leaves the first key untouched", () => {
    const first = store.generate("dup", { seed: seed(1), now: NOW });
    expectTfError(() => store.generate("dup", { seed: seed(2), now: NOW }), "TF_KEY_EXISTS");
    expect(store.load("dup").info.keyId).toBe(first.keyId);
  });

  it("bad names are TF_KEY_NAME_INVALID", () => {
    for (const name of ["", "-lead", ".hidden", "a/b", "../x", "a b", "x".repeat(65), "é", "a\n"]) {
      expectTfError(() => store.generate(name), "TF_KEY_NAME_INVALID");
    }
    expect(() => store.generate("x".repeat(64), { seed: seed(1) })).not.toThrow();
  });

  it("a missing key is TF_KEY_NOT_FOUND, by name, by id and with no key directory", () => {
    expectTfError(() => store.load("nobody"), "TF_KEY_NOT_FOUND");
    store.generate("someone", { seed: seed(1) });
    expectTfError(() => store.load("nobody"), "TF_KEY_NOT_FOUND");
    expectTfError(() => store.load("0123456789abcdef"), "TF_KEY_NOT_FOUND");
    expectTfError(() => store.load("not a name/"), "TF_KEY_NOT_FOUND");
  });

  it("a key file readable by others is TF_KEY_INSECURE", () => {
    const info = store.generate("open", { seed: seed(1) });
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      chmodSync(info.path, mode);
      expectTfError(() => store.load("open"), "TF_KEY_INSECURE");
    }
    chmodSync(info.path, 0o600);
    expect(store.load("open").info.keyId).toBe(info.keyId);
    chmodSync(info.path, 0o400);
    expect(store.load("open").info.keyId).toBe(info.keyId);
  });

  function writeKeyFile(name: string, content: string): string {
    const dir = join(home, "keys");
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${name}.key`);
    writeFileSync(path, content, { mode: 0o600 });
    chmodSync(path, 0o600);
    return path;
  }

  it("garbage or non-tf.key/v1 JSON is TF_KEY_MALFORMED", () => {
    const good = JSON.parse(readFileSync(store.generate("good", { seed: seed(1), now: NOW }).path, "utf8"));
    const contents = [
      "",
      "garbage",
      "{",
      "null",
      "[]",
      "{}",
      JSON.stringify({ ...good, schema: "tf.key/v2" }),
      JSON.stringify({ ...good, alg: "p256" }),
      JSON.stringify({ ...good, privateKey: undefined }),
      JSON.stringify({ ...good, privateKey: 5 }),
      JSON.stringify({ ...good, privateKey: "not base64!" }),
      JSON.stringify({ ...good, privateKey: toBase64(new Uint8Array(31)) }),
      JSON.stringify({ ...good, privateKey: "" }),
      JSON.stringify({ ...good, name: "bad name" }),
    ];
    for (const [i, c] of contents.entries()) {
      writeKeyFile(`bad${i}`, c);
      expectTfError(() => store.load(`bad${i}`), "TF_KEY_MALFORMED");
    }
  });

  it("a file whose publicKey or keyId does not match its privateKey is TF_KEY_MALFORMED", () => {
    const good = JSON.parse(readFileSync(store.generate("good", { seed: seed(1), now: NOW }).path, "utf8"));
    const other = ed25519Signer(seed(2));
    writeKeyFile(
      "swapped",
      JSON.stringify({ ...good, name: "swapped", publicKey: toBase64(other.publicKey) }),
    );
    expectTfError(() => store.load("swapped"), "TF_KEY_MALFORMED");
    writeKeyFile(
      "both",
      JSON.stringify({ ...good, name: "both", publicKey: toBase64(other.publicKey), keyId: other.keyId }),
    );
    expectTfError(() => store.load("both"), "TF_KEY_MALFORMED");
    writeKeyFile("id", JSON.stringify({ ...good, name: "id", keyId: other.keyId }));
    expectTfError(() => store.load("id"), "TF_KEY_MALFORMED");
  });
});
