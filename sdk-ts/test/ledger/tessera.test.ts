/**
 * Interoperability with a real tlog-tiles log written by Tessera's POSIX driver: checkpoints,
 * deterministic signatures, partial tiles and entry bundles, roots and proofs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toBase64, utf8 } from "../../src/core/encoding.js";
import {
  noteSignerFromSeed,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from "../../src/core/note.js";
import { openCheckpoint, type SignedCheckpoint, signCheckpoint } from "../../src/ledger/checkpoint.js";
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  MemoryTree,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from "../../src/ledger/merkle.js";
import {
  bundlePath,
  decodeBundle,
  decodeHashTile,
  encodeBundle,
  encodeHashTile,
  tilePath,
} from "../../src/ledger/tiles.js";
import { TileReader } from "../../src/ledger/tilestore.js";
import { verifyLog } from "../../src/ledger/verify.js";
import { expectCode, fixedSeed, readVectorJson, vectorPath } from "./helpers.js";

interface KeysAndLeaves {
  origin: string;
  logPrivateKey: string;
  logPublicKey: string;
  leavesInOrder: string[];
}

const vec = readVectorJson<KeysAndLeaves>("tessera-posix-log/keys-and-leaves.json");
const dir = vectorPath("tessera-posix-log/testdata/log");
const ORIGIN = "example.com/log/testdata";
const verifier = parseVerifierKey(vec.logPublicKey);
const leaves = vec.leavesInOrder.map((l) => utf8(l));
const SIZES = Array.from({ length: 16 }, (_, s) => s);
const memory = new MemoryTree(leaves.map(leafHash));

function stored(name: string): string {
  return readFileSync(join(dir, name), "utf8");
}

const checkpoints: SignedCheckpoint[] = SIZES.map((s) =>
  openCheckpoint(stored(`checkpoint.${s}`), verifier, ORIGIN),
);

describe("Tessera POSIX log", () => {
  it("has 15 leaves and the published origin", () => {
    expect(vec.origin).toBe(ORIGIN);
    expect(leaves).toHaveLength(15);
  });

  it("all 16 checkpoints verify with the vkey, one per size", () => {
    expect(checkpoints.map((c) => c.size)).toEqual(SIZES);
    for (const cp of checkpoints) {
      expect(cp.origin).toBe(ORIGIN);
      expect(cp.extensions).toEqual([]);
    }
    expect(toBase64(checkpoints[0]!.root)).toBe(toBase64(EMPTY_ROOT));
    const top = openCheckpoint(stored("checkpoint"), verifier, ORIGIN);
    expect(top.size).toBe(15);
    expect(top.note).toBe(stored("checkpoint.15"));
    // The same notes do not verify for another origin, nor with another key.
    expectCode(
      () => openCheckpoint(stored("checkpoint.3"), verifier, "example.com/log/other"),
      "TF_LOG_ORIGIN_MISMATCH",
    );
    const other = parseVerifierKey(noteSignerFromSeed(ORIGIN, fixedSeed(9)).vkey); // same name, another key
    expectCode(() => openCheckpoint(stored("checkpoint.3"), other, ORIGIN), "TF_LOG_CHECKPOINT_SIGNATURE");
  });

  it("re-signing each checkpoint body with the skey reproduces the stored note byte for byte", () => {
    const signer = parseSignerKey(vec.logPrivateKey);
    expect(signer.vkey).toBe(vec.logPublicKey);
    for (const s of SIZES) {
      const note = stored(`checkpoint.${s}`);
      const cp = checkpoints[s]!;
      expect(
        signCheckpoint({ origin: cp.origin, size: cp.size, root: cp.root, extensions: [] }, signer).note,
      ).toBe(note);
      expect(signNote(parseNote(note).text, [signer])).toBe(note);
    }
  });

  it("the tiles and bundles decode, hash and encode exactly like Tessera's", () => {
    for (let s = 1; s <= 15; s++) {
      const tileBytes = readFileSync(join(dir, tilePath(0, 0, s)));
      const bundleBytes = readFileSync(join(dir, bundlePath(0, s)));
      expect(tilePath(0, 0, s)).toBe(`tile/0/000.p/${s}`);
      expect(bundlePath(0, s)).toBe(`tile/entries/000.p/${s}`);
      const entries = decodeBundle(bundleBytes, s);
      expect(entries.map((e) => Buffer.from(e).toString())).toEqual(vec.leavesInOrder.slice(0, s));
      const hashes = decodeHashTile(tileBytes, s);
      hashes.forEach((h, i) => {
        expect(toBase64(h)).toBe(toBase64(leafHash(entries[i]!)));
      });
      // Our encoders produce the same bytes Tessera wrote.
      expect(Buffer.from(encodeBundle(leaves.slice(0, s))).equals(bundleBytes)).toBe(true);
      expect(Buffer.from(encodeHashTile(hashes)).equals(tileBytes)).toBe(true);
    }
  });

  it("a TileReader at every size reads the entries and rebuilds each checkpoint's root", () => {
    for (const s of SIZES) {
      const reader = new TileReader(dir, s);
      expect(toBase64(rootOf(reader, s)), `size ${s}`).toBe(toBase64(checkpoints[s]!.root));
      expect(toBase64(memory.root(s))).toBe(toBase64(checkpoints[s]!.root));
      if (s === 0) {
        expectCode(() => reader.entry(0), "TF_LOG_INDEX_OUT_OF_RANGE");
        continue;
      }
      expect(reader.bundle(0).map((e) => Buffer.from(e).toString())).toEqual(vec.leavesInOrder.slice(0, s));
      for (let i = 0; i < s; i++) {
        expect(Buffer.from(reader.entry(i)).toString()).toBe(vec.leavesInOrder[i]);
        expect(toBase64(reader.node(0, i))).toBe(toBase64(leafHash(leaves[i]!)));
      }
      expectCode(() => reader.entry(s), "TF_LOG_INDEX_OUT_OF_RANGE");
      expect(reader.tileLevels).toBe(1);
    }
  });

  it("verifyLog passes for the top checkpoint and for every range", () => {
    const report = verifyLog(dir, verifier, ORIGIN);
    expect(report).toMatchObject({ origin: ORIGIN, size: 15, entriesChecked: 15, bundlesChecked: 1 });
    expect(report.root).toBe(toBase64(checkpoints[15]!.root));
    expect(verifyLog(dir, verifier, ORIGIN, { from: 3, to: 9 }).entriesChecked).toBe(6);
    expectCode(() => verifyLog(dir, verifier, "example.com/log/other"), "TF_LOG_ORIGIN_MISMATCH");
  });

  it("inclusion proofs from the tiles verify against every checkpoint", () => {
    for (let s = 1; s <= 15; s++) {
      const reader = new TileReader(dir, s);
      for (let i = 0; i < s; i++) {
        const proof = inclusionProof(reader, i, s);
        expect(proof.map(toBase64)).toEqual(inclusionProof(memory, i, s).map(toBase64));
        verifyInclusion(i, s, leafHash(leaves[i]!), proof, checkpoints[s]!.root);
      }
    }
  });

  it("consistency proofs between every pair of sizes verify against the checkpoints' roots", () => {
    let pairs = 0;
    for (let s2 = 1; s2 <= 15; s2++) {
      const reader = new TileReader(dir, s2);
      for (let s1 = 1; s1 <= s2; s1++) {
        const proof = consistencyProof(memory, s1, s2);
        expect(consistencyProof(reader, s1, s2).map(toBase64)).toEqual(proof.map(toBase64));
        verifyConsistency(s1, s2, proof, checkpoints[s1]!.root, checkpoints[s2]!.root);
        if (s1 < s2) {
          expectCode(
            () => verifyConsistency(s1, s2, proof, checkpoints[s1]!.root, checkpoints[s2 - 1]!.root),
            "TF_LOG_CONSISTENCY_MISMATCH",
          );
        }
        pairs++;
      }
    }
    expect(pairs).toBe(120);
    // From the empty checkpoint: refused by policy, as a C2SP witness would special-case it.
    expectCode(
      () => verifyConsistency(0, 15, [], checkpoints[0]!.root, checkpoints[15]!.root),
      "TF_LOG_CONSISTENCY_MISMATCH",
    );
  });
});
