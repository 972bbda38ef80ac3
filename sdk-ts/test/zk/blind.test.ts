import { describe, expect, it } from "vitest";
import {
  bucketSize,
  decodePoint,
  decodePointB64,
  dummyPoint,
  hashSelector,
  Point,
  randomScalar,
  selectorDst,
} from "../../src/zk/blind.js";
import { selectorBytes } from "../../src/zk/normalize.js";

describe("blinding", () => {
  const pepper = new Uint8Array(32).fill(7);
  const dst = selectorDst("e1-00000000", pepper);

  it("commutes: kA*kB*H(x) = kB*kA*H(x)", () => {
    const [ka, kb] = [randomScalar(), randomScalar()];
    const h = hashSelector(selectorBytes("email", "a@x.com"), dst);
    expect(h.multiply(ka).multiply(kb).equals(h.multiply(kb).multiply(ka))).toBe(true);
  });

  it("separates epochs by pepper and id in the DST", () => {
    const x = selectorBytes("email", "a@x.com");
    const other = selectorDst("e1-00000000", new Uint8Array(32).fill(8));
    expect(hashSelector(x, dst).equals(hashSelector(x, other))).toBe(false);
    expect(hashSelector(x, dst).equals(hashSelector(x, selectorDst("e2-00000000", pepper)))).toBe(false);
  });

  it("refuses non-canonical encodings, off-curve bytes and the identity with TF_ZK_POINT_INVALID", () => {
    const good = Point.BASE.multiply(5n).toBytes();
    expect(decodePoint(good).equals(Point.BASE.multiply(5n))).toBe(true);
    const high = good.slice();
    high[31] = high[31]! | 0x80; // sign bit set: non-canonical
    for (const bad of [high, new Uint8Array(32).fill(0xff), new Uint8Array(32), good.slice(0, 31)])
      expect(() => decodePoint(bad)).toThrow(expect.objectContaining({ code: "TF_ZK_POINT_INVALID" }));
    expect(() => decodePointB64("not base64!")).toThrow(
      expect.objectContaining({ code: "TF_ZK_POINT_INVALID" }),
    );
  });

  it("derives dummies from the seed (owner can recompute) and pads to powers of two >= 64", () => {
    const seed = new Uint8Array(32).fill(1);
    const nonce = new Uint8Array(16).fill(2);
    expect(dummyPoint(seed, nonce, 3).equals(dummyPoint(seed, nonce, 3))).toBe(true);
    expect(dummyPoint(seed, nonce, 3).equals(dummyPoint(seed, nonce, 4))).toBe(false);
    expect([0, 1, 64, 65, 1000, 1024, 1025].map(bucketSize)).toEqual([64, 64, 64, 128, 1024, 1024, 2048]);
  });
});
