import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isTfError } from "../../src/core/errors.js";
import {
  bucketize,
  bucketOf,
  chainCommit,
  chooseLayout,
  commitmentRoot,
  commitSet,
  EMPTY_SLOT_COMMIT,
  FIELD_R,
  poseidon,
  toField,
} from "../../src/zk/commit.js";

const point = (i: number) => createHash("sha256").update(`point ${i}`).digest();
const elems = (n: number, from = 0) => Array.from({ length: n }, (_, i) => toField(point(from + i)));

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isTfError(e) ? e.code : `non-TfError: ${(e as Error).message}`;
  }
  return undefined;
}

describe("toField", () => {
  it("is SHA-256(domain || point) mapped into Fr \\ {0, 1}", () => {
    const p = point(1);
    const h = createHash("sha256").update("trustfabric/zk/v1/element").update(p).digest("hex");
    expect(toField(p)).toBe(2n + (BigInt(`0x${h}`) % (FIELD_R - 2n)));
    for (const e of elems(200)) {
      expect(e >= 2n && e < FIELD_R).toBe(true);
    }
    expect(toField(p)).toBe(toField(Uint8Array.from(p)));
  });

  it("refuses anything but a 32-byte encoding", () => {
    expect(code(() => toField(new Uint8Array(31)))).toBe("TF_INPUT_INVALID");
  });
});

describe("bucketOf", () => {
  it("takes the element's prefix and spreads elements evenly", () => {
    expect(bucketOf(2n, 8)).toBe(0);
    expect(bucketOf(FIELD_R - 1n, 8)).toBe(7);
    const counts = new Array(16).fill(0);
    for (const e of elems(1600)) counts[bucketOf(e, 16)]++;
    for (const c of counts) expect(c).toBeGreaterThan(60);
    expect(code(() => bucketOf(5n, 3))).toBe("TF_INPUT_INVALID");
  });
});

describe("commitSet", () => {
  const layout = { buckets: 4, bucketSize: 8 };

  it("commits each bucket with a salted Poseidon chain and chains the buckets to a root", () => {
    const a = elems(10);
    const c = commitSet(a, "a", 12345n, layout);
    expect(c.bucketCommitments).toHaveLength(4);
    const buckets = bucketize(a, "a", layout);
    const salt0 = poseidon([0x74667a6b0001n, 12345n, 0n]);
    expect(c.bucketCommitments[0]).toBe(String(chainCommit(buckets[0]!, salt0)));
    expect(c.root).toBe(String(commitmentRoot(layout, c.bucketCommitments.map(BigInt))));
  });

  it("depends on the set only: order and duplicates do not matter", () => {
    const a = elems(12);
    const x = commitSet(a, "a", 7n, layout);
    const y = commitSet([...a].reverse().concat(a.slice(0, 3)), "a", 7n, layout);
    expect(y).toEqual(x);
  });

  it("hides: another salt, another commitment; empty buckets never share one", () => {
    const x = commitSet([], "a", 7n, layout);
    expect(new Set(x.bucketCommitments).size).toBe(4);
    expect(commitSet([], "a", 8n, layout).root).not.toBe(x.root);
  });

  it("pads A with 0 and B with 1", () => {
    const [a] = bucketize([], "a", { buckets: 1, bucketSize: 8 });
    const [b] = bucketize([], "b", { buckets: 1, bucketSize: 8 });
    expect(a).toEqual(new Array(8).fill(0n));
    expect(b).toEqual(new Array(8).fill(1n));
  });

  it("throws TF_ZK_BUCKET_OVERFLOW when a bucket is too full", () => {
    expect(code(() => commitSet(elems(9), "b", 1n, { buckets: 1, bucketSize: 8 }))).toBe(
      "TF_ZK_BUCKET_OVERFLOW",
    );
  });

  it("refuses bad salts, elements and layouts", () => {
    expect(code(() => commitSet([], "a", 0n, layout))).toBe("TF_INPUT_INVALID");
    expect(code(() => commitSet([1n], "a", 5n, layout))).toBe("TF_INPUT_INVALID");
    expect(code(() => commitSet([], "a", 5n, { buckets: 4, bucketSize: 16 }))).toBe("TF_INPUT_INVALID");
  });
});

describe("chooseLayout", () => {
  it("picks the cheapest compiled layout with overflow margin", () => {
    expect(chooseLayout(5, 8)).toEqual({ buckets: 1, bucketSize: 8 });
    expect(chooseLayout(64, 10)).toEqual({ buckets: 1, bucketSize: 64 });
    for (const n of [100, 500, 1000]) {
      const l = chooseLayout(n, n);
      expect(l.buckets * l.bucketSize).toBeGreaterThan(n);
      // the chosen layout holds real sets of that size
      expect(() => commitSet(elems(n, 10_000), "a", 3n, l)).not.toThrow();
    }
  });

  it("says when sets are too large for the compiled circuits", () => {
    expect(code(() => chooseLayout(100_000, 1))).toBe("TF_ZK_BUCKET_OVERFLOW");
  });
});

describe("Poseidon", () => {
  it("the written-out empty-slot commitment is Poseidon(0, 0); every width from 2 to 16 loads", () => {
    expect(poseidon([0n, 0n])).toBe(EMPTY_SLOT_COMMIT);
    const outs = new Set<bigint>();
    for (let n = 2; n <= 16; n++) {
      const h = poseidon(Array.from({ length: n }, (_, i) => BigInt(i + 1)));
      expect(h > 0n && h < FIELD_R).toBe(true);
      outs.add(h);
    }
    expect(outs.size).toBe(15);
    expect(code(() => poseidon([1n]))).toBe("TF_INTERNAL");
    expect(code(() => poseidon(Array.from({ length: 17 }, () => 1n)))).toBe("TF_INTERNAL");
  });
});
