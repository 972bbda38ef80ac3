/**
 * The hand-specialized SHA-256 of RFC 6962 interior nodes against node:crypto: random
 * children, every value of the byte that lands in the second block, and extreme bytes.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leafHash, nodeHash } from "../../src/ledger/merkle.js";
import { sha256Node } from "../../src/ledger/nodehash.js";

function reference(left: Uint8Array, right: Uint8Array): string {
  return createHash("sha256").update(Uint8Array.of(1)).update(left).update(right).digest("hex");
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("sha256Node", () => {
  it("matches node:crypto on random children", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (l, r) => {
          expect(hex(sha256Node(l, r))).toBe(reference(l, r));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("matches for every value of the last right byte and for all-0x00 / all-0xff children", () => {
    for (let v = 0; v < 256; v++) {
      const l = new Uint8Array(32).fill(v ^ 0x5a);
      const r = new Uint8Array(32).fill(v);
      expect(hex(sha256Node(l, r))).toBe(reference(l, r));
    }
    for (const [a, b] of [
      [0, 0],
      [0xff, 0xff],
      [0, 0xff],
      [0xff, 0],
    ]) {
      const l = new Uint8Array(32).fill(a!);
      const r = new Uint8Array(32).fill(b!);
      expect(hex(sha256Node(l, r))).toBe(reference(l, r));
    }
  });

  it("returns a fresh array each call (callers keep the hashes)", () => {
    const l = leafHash(Uint8Array.of(1));
    const r = leafHash(Uint8Array.of(2));
    const a = nodeHash(l, r);
    const b = nodeHash(r, l);
    expect(a).not.toBe(b);
    expect(hex(a)).toBe(reference(l, r));
    expect(hex(b)).toBe(reference(r, l));
  });

  it("nodeHash accepts subarray views, as tiles hand them out", () => {
    const tile = new Uint8Array(96).map((_, i) => i * 7);
    const l = tile.subarray(32, 64);
    const r = tile.subarray(64, 96);
    expect(hex(nodeHash(l, r))).toBe(reference(l, r));
  });
});
