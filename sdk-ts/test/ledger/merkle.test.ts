/**
 * RFC 6962 / RFC 9162 conformance of the Merkle layer: all 196 transparency-dev proof probes,
 * the RFC 6962 reference tree, generated proofs over every small tree, and trees far beyond
 * 2^32 leaves served by a lazily defined (virtual) tree.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../src/core/canonical.js";
import { toHex, utf8 } from "../../src/core/encoding.js";
import { TfError } from "../../src/core/errors.js";
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  MemoryTree,
  type NodeReader,
  nodeHash,
  rootFromInclusionProof,
  rootOf,
  splitPoint,
  verifyConsistency,
  verifyInclusion,
} from "../../src/ledger/merkle.js";
import { b64, caught, expectCode, flipBit, hex, readVectorJson, vectorPath } from "./helpers.js";

// ---------------------------------------------------------------------------------------------
// Independent expectations (transparency-dev/merkle's proof-size decomposition, in BigInt).

function bitLen(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}
function popCount(x: bigint): number {
  return [...x.toString(2)].filter((c) => c === "1").length;
}
function trailingZeros(x: bigint): number {
  let n = 0;
  while (x > 0n && (x & 1n) === 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}
/** Number of hashes in an inclusion proof for `index` in a tree of `size`. */
function inclusionLength(index: number, size: number): number {
  const inner = bitLen(BigInt(index) ^ BigInt(size - 1));
  return inner + popCount(BigInt(index) >> BigInt(inner));
}
/** Number of hashes in a consistency proof from size1 to size2 (0 < size1 < size2). */
function consistencyLength(size1: number, size2: number): number {
  const s1 = BigInt(size1);
  const inner = bitLen((s1 - 1n) ^ BigInt(size2 - 1));
  const border = popCount((s1 - 1n) >> BigInt(inner));
  const shift = trailingZeros(s1);
  const pow2 = s1 === 1n << BigInt(shift);
  return inner - shift + border + (pow2 ? 0 : 1);
}

function threw(fn: () => unknown): boolean {
  const e = caught(fn);
  if (e !== undefined && !(e instanceof TfError)) throw e; // only typed errors are acceptable
  return e !== undefined;
}

// ---------------------------------------------------------------------------------------------
// 1. transparency-dev/merkle golden probes.

interface InclusionProbe {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyProbe {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function probeFiles(kind: "inclusion" | "consistency"): string[] {
  const root = vectorPath(`transparency-dev-merkle/testdata/${kind}`);
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".json"))
    .map((f) => join(root, f))
    .sort();
}

const inclusionFiles = probeFiles("inclusion");
const consistencyFiles = probeFiles("consistency");
const ran = { inclusion: 0, consistency: 0, passing: 0 };

describe("transparency-dev/merkle probes", () => {
  it("finds 98 inclusion and 98 consistency probes", () => {
    expect(inclusionFiles).toHaveLength(98);
    expect(consistencyFiles).toHaveLength(98);
  });

  it.each(inclusionFiles.map((f) => [f.slice(f.indexOf("testdata/")), f]))("inclusion %s", (_name, file) => {
    const p = JSON.parse(readFileSync(file, "utf8")) as InclusionProbe;
    const proof = (p.proof ?? []).map(b64);
    const failed = threw(() => verifyInclusion(p.leafIdx, p.treeSize, b64(p.leafHash), proof, b64(p.root)));
    expect(failed, p.desc).toBe(p.wantErr);
    ran.inclusion++;
    if (!p.wantErr) ran.passing++;
  });

  it.each(consistencyFiles.map((f) => [f.slice(f.indexOf("testdata/")), f]))(
    "consistency %s",
    (_name, file) => {
      const p = JSON.parse(readFileSync(file, "utf8")) as ConsistencyProbe;
      const proof = (p.proof ?? []).map(b64);
      const failed = threw(() => verifyConsistency(p.size1, p.size2, proof, b64(p.root1), b64(p.root2)));
      expect(failed, p.desc).toBe(p.wantErr);
      ran.consistency++;
      if (!p.wantErr) ran.passing++;
    },
  );

  it("ran every probe exactly once (98 + 98, 12 of them passing)", () => {
    expect(ran).toEqual({ inclusion: 98, consistency: 98, passing: 12 });
  });

  it("applies both upstream policy rules", () => {
    // Rule 1: a leaf hash must be 32 bytes, even when an empty leaf "matches" an empty root.
    expectCode(
      () => verifyInclusion(0, 1, new Uint8Array(0), [], new Uint8Array(0)),
      "TF_LOG_INCLUSION_MISMATCH",
    );
    // Rule 2: a consistency check from size 0 is refused, even 0 -> 0 with equal roots.
    expectCode(() => verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT), "TF_LOG_CONSISTENCY_MISMATCH");
    expectCode(() => verifyConsistency(0, 5, [], EMPTY_ROOT, EMPTY_ROOT), "TF_LOG_CONSISTENCY_MISMATCH");
  });
});

// ---------------------------------------------------------------------------------------------
// 2. The RFC 6962 reference tree, rebuilt.

interface ReferenceTree {
  leafInputsHex: string[];
  rootHashesHexBySize: Record<string, string>;
  nodeHashesHexByLevel: string[][];
}

describe("RFC 6962 reference tree", () => {
  const ref = readVectorJson<ReferenceTree>("transparency-dev-merkle/rfc6962-reference-tree.json");
  const tree = new MemoryTree();
  for (const l of ref.leafInputsHex) tree.appendData(hex(l));

  it("has the published root for every size 0..8", () => {
    expect(Object.keys(ref.rootHashesHexBySize)).toHaveLength(9);
    for (const [size, want] of Object.entries(ref.rootHashesHexBySize)) {
      expect(toHex(tree.root(Number(size))), `size ${size}`).toBe(want);
      // Built incrementally, the tree of each prefix has the same root.
      const prefix = new MemoryTree(ref.leafInputsHex.slice(0, Number(size)).map((l) => leafHash(hex(l))));
      expect(toHex(prefix.root()), `prefix ${size}`).toBe(want);
    }
    expect(toHex(EMPTY_ROOT)).toBe(ref.rootHashesHexBySize["0"]);
  });

  it("has every published complete-subtree hash, and no others", () => {
    expect(ref.nodeHashesHexByLevel.map((l) => l.length)).toEqual([8, 4, 2, 1]);
    ref.nodeHashesHexByLevel.forEach((row, level) => {
      row.forEach((want, index) => {
        expect(toHex(tree.node(level, index)), `node ${level}/${index}`).toBe(want);
      });
      expectCode(() => tree.node(level, row.length), "TF_LOG_INDEX_OUT_OF_RANGE");
    });
    expectCode(() => tree.node(4, 0), "TF_LOG_INDEX_OUT_OF_RANGE");
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Generated proofs over every small tree.

const N = 70;
const small = new MemoryTree(Array.from({ length: N }, (_, i) => leafHash(utf8(`leaf ${i}`))));
const smallRoots = Array.from({ length: N + 1 }, (_, s) => small.root(s));

describe("generated proofs over trees of 1..70 leaves", () => {
  it("splitPoint is the largest power of two below n", () => {
    expect([2, 3, 4, 5, 8, 9, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1].map(splitPoint)).toEqual([
      1,
      2,
      2,
      4,
      4,
      8,
      2 ** 31,
      2 ** 32,
      2 ** 52,
    ]);
  });

  it("roots of all sizes agree with a naive RFC 6962 MTH", () => {
    const leaves = Array.from({ length: N }, (_, i) => small.node(0, i));
    const mth = (lo: number, hi: number): Uint8Array => {
      if (hi - lo === 0) return sha256();
      if (hi - lo === 1) return leaves[lo]!;
      let k = 1;
      while (k * 2 < hi - lo) k *= 2;
      return nodeHash(mth(lo, lo + k), mth(lo + k, hi));
    };
    for (let s = 0; s <= N; s++) expect(toHex(smallRoots[s]!)).toBe(toHex(mth(0, s)));
  });

  it("inclusion proofs verify for every (index, size) and fail when mutated", () => {
    let checked = 0;
    for (let size = 1; size <= N; size++) {
      const root = smallRoots[size]!;
      for (let index = 0; index < size; index++) {
        const leaf = small.node(0, index);
        const proof = inclusionProof(small, index, size);
        expect(proof).toHaveLength(inclusionLength(index, size));
        verifyInclusion(index, size, leaf, proof, root);
        expect(toHex(rootFromInclusionProof(index, size, leaf, proof))).toBe(toHex(root));
        checked++;

        const bad = (p: readonly Uint8Array[], i = index, s = size, l = leaf, r = root): void => {
          expect(
            threw(() => verifyInclusion(i, s, l, p, r)),
            `index ${i} size ${s}`,
          ).toBe(true);
        };
        proof.forEach((_, j) => {
          bad(proof.map((h, k) => (k === j ? flipBit(h, j % 32, j % 8) : h)));
        });
        if (proof.length > 0) {
          bad(proof.slice(1));
          bad(proof.slice(0, -1));
        }
        if (proof.length > 1) bad([...proof].reverse());
        bad([...proof, proof[0] ?? leaf]);
        bad([leaf, ...proof]);
        bad(proof, index, size, flipBit(leaf, 31, 7));
        bad(proof, index, size, leaf, flipBit(root, 0));
        if ((index ^ 1) < size) bad(proof, index ^ 1);
        bad(proof, size, size); // index out of range
        bad(proof, index, size, leaf.subarray(0, 31));
        bad(proof, index, size, leaf, root.subarray(1));
      }
    }
    expect(checked).toBe((N * (N + 1)) / 2);
  });

  it("consistency proofs verify for every (size1, size2) and fail when mutated", () => {
    let checked = 0;
    for (let size2 = 1; size2 <= N; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const r1 = smallRoots[size1]!;
        const r2 = smallRoots[size2]!;
        const proof = consistencyProof(small, size1, size2);
        expect(proof).toHaveLength(size1 === size2 ? 0 : consistencyLength(size1, size2));
        verifyConsistency(size1, size2, proof, r1, r2);
        checked++;

        const bad = (p: readonly Uint8Array[], s1 = size1, s2 = size2, a = r1, b = r2): void => {
          expect(
            threw(() => verifyConsistency(s1, s2, p, a, b)),
            `${s1} -> ${s2}`,
          ).toBe(true);
        };
        proof.forEach((_, j) => {
          bad(proof.map((h, k) => (k === j ? flipBit(h, (j * 7) % 32, j % 8) : h)));
        });
        if (proof.length > 0) {
          bad(proof.slice(1));
          bad(proof.slice(0, -1));
          bad([r1, ...proof]);
          if (proof.length > 1) bad([...proof].reverse());
        }
        bad([...proof, r2]);
        bad(proof, size1, size2, flipBit(r1, 3), r2);
        bad(proof, size1, size2, r1, flipBit(r2, 5));
        if (size1 !== size2) {
          bad(proof, size1, size2, r2, r1); // swapped roots
          bad([], size1, size2); // empty proof
        }
        bad(proof, size2 + 1, size2); // shrinking tree
        bad(proof, 0, size2); // from the empty tree: meaningless by policy
      }
    }
    expect(checked).toBe((N * (N + 1)) / 2);
  });

  it("the generators reject sizes and indexes outside the tree", () => {
    expectCode(() => inclusionProof(small, 5, 5), "TF_LOG_INDEX_OUT_OF_RANGE");
    expectCode(() => inclusionProof(small, -1, 5), "TF_LOG_INDEX_OUT_OF_RANGE");
    expectCode(() => inclusionProof(small, 0, 1.5), "TF_LOG_SIZE_INVALID");
    expectCode(() => consistencyProof(small, 6, 5), "TF_LOG_SIZE_INVALID");
    expect(consistencyProof(small, 0, 5)).toEqual([]);
    expect(consistencyProof(small, 5, 5)).toEqual([]);
  });

  it("random trees up to 600 leaves (property)", () => {
    const big = new MemoryTree(Array.from({ length: 600 }, (_, i) => leafHash(utf8(`p${i}`))));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 600 }), fc.nat(), (a, b, r) => {
        const [s1, s2] = a <= b ? [a, b] : [b, a];
        const index = r % s2;
        const root2 = big.root(s2);
        verifyInclusion(index, s2, big.node(0, index), inclusionProof(big, index, s2), root2);
        verifyConsistency(s1, s2, consistencyProof(big, s1, s2), big.root(s1), root2);
        if (s1 < s2) {
          // A proof for another old size never passes for this one.
          const other = s1 === 1 ? 2 : s1 - 1;
          if (other < s2) {
            expect(
              threw(() => verifyConsistency(s1, s2, consistencyProof(big, other, s2), big.root(s1), root2)),
            ).toBe(true);
          }
        }
      }),
      { numRuns: 300, seed: 6962 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Trees beyond 2^32 leaves.

/**
 * A tree of `size` leaves defined lazily. A node whose range holds one of the `points` is
 * computed from its two children (so the path from the root down to each point is real
 * hashing); every other complete node is an oracle value keyed by (level, index), standing
 * for an opaque subtree. This is a consistent Merkle tree for every query that never splits
 * an oracle node: the ranges asked by rootOf, proofs and verification end at 0, at a tree
 * size or just after a point, and any node straddling such a boundary holds the point before
 * it, so it is computed. `audit()` checks that claim on the nodes actually requested.
 */
class VirtualTree implements NodeReader {
  private readonly memo = new Map<string, Uint8Array>();
  readonly requested = new Map<string, { level: number; index: number; oracle: boolean }>();

  constructor(
    readonly size: number,
    readonly points: readonly number[],
  ) {}

  static oracle(level: number, index: number): Uint8Array {
    return sha256(utf8(`virtual node ${level}/${index}`));
  }

  private holdsPoint(level: number, index: number): boolean {
    const lo = index * 2 ** level;
    return this.points.some((p) => p >= lo && p < lo + 2 ** level);
  }

  node(level: number, index: number): Uint8Array {
    return this.hash(level, index, true);
  }

  private hash(level: number, index: number, external: boolean): Uint8Array {
    const lo = index * 2 ** level;
    if (!(Number.isSafeInteger(lo) && index >= 0 && lo + 2 ** level <= this.size)) {
      throw new Error(`node ${level}/${index} is not complete in a tree of ${this.size}`);
    }
    const oracle = level === 0 || !this.holdsPoint(level, index);
    if (external) this.requested.set(`${level}/${index}`, { level, index, oracle });
    if (oracle) return VirtualTree.oracle(level, index);
    const key = `${level}/${index}`;
    let h = this.memo.get(key);
    if (!h) {
      h = nodeHash(this.hash(level - 1, 2 * index, false), this.hash(level - 1, 2 * index + 1, false));
      this.memo.set(key, h);
    }
    return h;
  }

  /** No requested node lies strictly inside an oracle node that was also requested. */
  audit(): void {
    const nodes = [...this.requested.values()];
    const oracles = nodes.filter((n) => n.oracle && n.level > 0);
    for (const o of oracles) {
      const lo = o.index * 2 ** o.level;
      const hi = lo + 2 ** o.level;
      for (const n of nodes) {
        if (n.level >= o.level) continue;
        const nlo = n.index * 2 ** n.level;
        expect(
          nlo >= lo && nlo < hi,
          `node ${n.level}/${n.index} lies inside oracle ${o.level}/${o.index}`,
        ).toBe(false);
      }
    }
  }
}

const P32 = 2 ** 32;
const P40 = 2 ** 40;
const P52 = 2 ** 52;
const MAX = Number.MAX_SAFE_INTEGER; // 2^53 - 1

describe("trees beyond 2^32 leaves (virtual tree)", () => {
  it("the virtual tree is a real Merkle tree where every node is computed", () => {
    const n = 70;
    const all = Array.from({ length: n }, (_, i) => i);
    const v = new VirtualTree(n, all);
    const mem = new MemoryTree(all.map((i) => VirtualTree.oracle(0, i)));
    for (let s = 0; s <= n; s++) expect(toHex(rootOf(v, s))).toBe(toHex(mem.root(s)));
  });

  const inclusionCases: [number, number][] = [
    [0, P32 + 5],
    [P32 + 4, P32 + 5],
    [P32 - 1, P32 + 5],
    [P32, P32 + 5],
    [P32 - 1, P32],
    [12345, P32 + 5],
    [P40 + 122, P40 + 123],
    [P40, P40 + 123],
    [P32 + 5, P40 + 123],
    [P52 - 2, P52 - 1],
    [P52 / 2, P52 - 1],
    [0, P52 - 1],
    [P52 - 1, P52],
    [MAX - 1, MAX],
    [P52 + 77, MAX],
  ];

  it.each(inclusionCases)("inclusion of %d in a tree of %d", (index, size) => {
    const v = new VirtualTree(size, [index]);
    const root = rootOf(v, size);
    const leaf = v.node(0, index);
    const proof = inclusionProof(v, index, size);
    expect(proof).toHaveLength(inclusionLength(index, size));
    expect(proof.length).toBeLessThanOrEqual(53);
    verifyInclusion(index, size, leaf, proof, root);
    expect(toHex(rootFromInclusionProof(index, size, leaf, proof))).toBe(toHex(root));
    v.audit();

    // Any mutation breaks it.
    proof.forEach((_, j) => {
      const p = proof.map((h, k) => (k === j ? flipBit(h, 17) : h));
      expectCode(() => verifyInclusion(index, size, leaf, p, root), "TF_LOG_INCLUSION_MISMATCH");
    });
    expectCode(
      () => verifyInclusion(index, size, flipBit(leaf, 0), proof, root),
      "TF_LOG_INCLUSION_MISMATCH",
    );
    expectCode(() => verifyInclusion(index, size, leaf, proof.slice(1), root), "TF_LOG_INCLUSION_MISMATCH");
    expectCode(() => verifyInclusion(index, size, leaf, [...proof, leaf], root), "TF_LOG_INCLUSION_MISMATCH");
    if (index > 0)
      expectCode(() => verifyInclusion(index - 1, size, leaf, proof, root), "TF_LOG_INCLUSION_MISMATCH");
    expectCode(
      () => verifyInclusion(index, size, leaf, proof, flipBit(root, 9)),
      "TF_LOG_INCLUSION_MISMATCH",
    );
  });

  const consistencyCases: [number, number][] = [
    [P32 + 5, P40 + 123],
    [P32, P40 + 123],
    [P32, 2 * P32],
    [P32 - 1, P32 + 5],
    [P32 + 5, P32 + 6],
    [1, P32 + 5],
    [P40 + 123, P52 - 1],
    [P40 + 123, P52],
    [P52 - 1, P52],
    [P52 - 1, MAX],
    [3, MAX],
    [P52 + 12345, MAX],
  ];

  it.each(consistencyCases)("consistency from %d to %d", (size1, size2) => {
    // The old tree's last leaf is the boundary; a leaf of the old tree is proven in both.
    const leafIndex = Math.floor(size1 / 3);
    const v = new VirtualTree(size2, [size1 - 1, leafIndex]);
    const root1 = rootOf(v, size1);
    const root2 = rootOf(v, size2);
    const proof = consistencyProof(v, size1, size2);
    expect(proof).toHaveLength(consistencyLength(size1, size2));
    verifyConsistency(size1, size2, proof, root1, root2);
    // The same tree's inclusion proofs agree with both roots.
    const leaf = v.node(0, leafIndex);
    verifyInclusion(leafIndex, size1, leaf, inclusionProof(v, leafIndex, size1), root1);
    verifyInclusion(leafIndex, size2, leaf, inclusionProof(v, leafIndex, size2), root2);
    verifyInclusion(size1 - 1, size2, v.node(0, size1 - 1), inclusionProof(v, size1 - 1, size2), root2);
    v.audit();

    proof.forEach((_, j) => {
      const p = proof.map((h, k) => (k === j ? flipBit(h, 200 % 32, 3) : h));
      expectCode(() => verifyConsistency(size1, size2, p, root1, root2), "TF_LOG_CONSISTENCY_MISMATCH");
    });
    expectCode(
      () => verifyConsistency(size1, size2, proof.slice(0, -1), root1, root2),
      "TF_LOG_CONSISTENCY_MISMATCH",
    );
    expectCode(
      () => verifyConsistency(size1, size2, [...proof, root1], root1, root2),
      "TF_LOG_CONSISTENCY_MISMATCH",
    );
    expectCode(
      () => verifyConsistency(size1, size2, proof, flipBit(root1, 1), root2),
      "TF_LOG_CONSISTENCY_MISMATCH",
    );
    expectCode(
      () => verifyConsistency(size1, size2, proof, root1, flipBit(root2, 1)),
      "TF_LOG_CONSISTENCY_MISMATCH",
    );
  });

  it("a chain of checkpoints across 2^32, 2^40 and 2^52 is pairwise consistent", () => {
    const sizes = [P32 - 3, P32 + 5, P40 + 123, P52 - 1, MAX];
    const v = new VirtualTree(
      MAX,
      sizes.map((s) => s - 1),
    );
    const roots = sizes.map((s) => rootOf(v, s));
    for (let i = 0; i < sizes.length; i++) {
      for (let j = i + 1; j < sizes.length; j++) {
        verifyConsistency(
          sizes[i]!,
          sizes[j]!,
          consistencyProof(v, sizes[i]!, sizes[j]!),
          roots[i]!,
          roots[j]!,
        );
        // A proof between other sizes never stands in for this pair.
        if (j + 1 < sizes.length) {
          const wrong = consistencyProof(v, sizes[i]!, sizes[j + 1]!);
          expectCode(
            () => verifyConsistency(sizes[i]!, sizes[j]!, wrong, roots[i]!, roots[j]!),
            "TF_LOG_CONSISTENCY_MISMATCH",
          );
        }
      }
    }
    v.audit();
  });

  it("sizes beyond 2^53 are refused, not rounded", () => {
    const v = new VirtualTree(MAX, [0]);
    expectCode(() => inclusionProof(v, 0, 2 ** 53), "TF_LOG_SIZE_INVALID");
    expectCode(() => consistencyProof(v, 1, 2 ** 53 + 2), "TF_LOG_SIZE_INVALID");
    expectCode(
      () => verifyInclusion(2 ** 53, 2 ** 53 + 2, leafHash(utf8("x")), [], EMPTY_ROOT),
      "TF_LOG_INCLUSION_MISMATCH",
    );
    expectCode(
      () => verifyConsistency(1, 2 ** 53 + 2, [EMPTY_ROOT], EMPTY_ROOT, EMPTY_ROOT),
      "TF_LOG_CONSISTENCY_MISMATCH",
    );
  });
});
