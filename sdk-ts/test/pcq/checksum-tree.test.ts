import { describe, expect, it } from "vitest";
import { toHex, utf8 } from "../../src/core/encoding.js";
import { leafHash, MemoryTree } from "../../src/ledger/merkle.js";
import {
  buildChecksumTree,
  canonicalRow,
  compareChecksumTrees,
  rootOfLeaves,
} from "../../src/pcq/checksum-tree.js";
import type { EdgeRow } from "../../src/pcq/graph.js";

const rows = (n: number): EdgeRow[] =>
  Array.from({ length: n }, (_, i) => ({ source: `n${i}`, target: `n${i + 1}`, weight: 1 }));

describe("checksum trees", () => {
  it("hashes chunks of canonical rows as RFC 6962 leaves", () => {
    const r = rows(5);
    const t = buildChecksumTree(r, 2);
    expect(t.rows).toBe(5);
    expect(t.leaves).toHaveLength(3);
    const chunk0 = canonicalRow(r[0]!) + canonicalRow(r[1]!);
    expect(chunk0).toBe('["n0","n1",1]\n["n1","n2",1]\n');
    expect(t.leaves[0]).toBe(toHex(leafHash(utf8(chunk0))));
    const expectedRoot = toHex(new MemoryTree(t.leaves.map((h) => Buffer.from(h, "hex"))).root());
    expect(t.root).toBe(expectedRoot);
    expect(rootOfLeaves(t.leaves)).toBe(t.root);
  });

  it("canonicalizes rows: quoting and number spelling do not change the tree", () => {
    const a = buildChecksumTree([{ source: "a", target: "b", weight: 1.5 }]);
    const b = buildChecksumTree([{ source: "a", target: "b", weight: 1.5 }]);
    expect(a.root).toBe(b.root);
    const c = buildChecksumTree([{ source: "a", target: "b", weight: 1.25 }]);
    expect(c.root).not.toBe(a.root);
  });

  it("pinpoints one changed row to its chunk, path and row range", () => {
    const r = rows(100);
    const claimed = buildChecksumTree(r, 8);
    const changed = r.map((x) => ({ ...x }));
    changed[42]!.weight = 2; // row 43 (1-based) lives in chunk 5: rows 41–48
    const now = buildChecksumTree(changed, 8);
    const cmp = compareChecksumTrees(claimed, now);
    expect(cmp.ok).toBe(false);
    expect(cmp.differing).toBe(1);
    expect(cmp.chunks).toHaveLength(1);
    const c = cmp.chunks[0]!;
    expect(c.chunk).toBe(5);
    expect(c.firstRow).toBe(41);
    expect(c.lastRow).toBe(48);
    // 13 leaves: root splits 8|5, chunk 5 is in the left 8: L, then 4|4 → R, 2|2 → L, 1|1 → R.
    expect(c.path).toBe("LRLR");
    expect(c.expected).toBe(claimed.leaves[5]);
    expect(c.actual).toBe(now.leaves[5]);
    // Logarithmic descent: far fewer comparisons than chunks.
    expect(cmp.nodesCompared).toBeLessThan(2 * Math.ceil(Math.log2(13)) + 2);
  });

  it("reports appended rows as differing trailing chunks", () => {
    const claimed = buildChecksumTree(rows(16), 4);
    const now = buildChecksumTree(rows(18), 4);
    const cmp = compareChecksumTrees(claimed, now);
    expect(cmp.ok).toBe(false);
    expect(cmp.rows).toEqual({ expected: 16, actual: 18 });
    expect(cmp.chunks.map((c) => c.chunk)).toEqual([4]);
    expect(cmp.chunks[0]!.expected).toBeNull();
    expect(cmp.chunks[0]!.lastRow).toBe(18);
  });

  it("equal data compares equal and rejects bad chunk sizes", () => {
    const a = buildChecksumTree(rows(10), 3);
    expect(compareChecksumTrees(a, buildChecksumTree(rows(10), 3))).toMatchObject({ ok: true, differing: 0 });
    expect(() => buildChecksumTree(rows(3), 0)).toThrow(
      expect.objectContaining({ code: "TF_INPUT_INVALID" }),
    );
  });
});
