import { DirectedGraph, MultiGraph, UndirectedGraph } from "graphology";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { generateFixture } from "../../src/pcq/fixtures.js";
import {
  arrayIndexValue,
  buildCsrByAdjacency,
  buildGraph,
  type CsrIndex,
  csrCodeUnitRanks,
  csrIndex,
  csrIndexAnyOrder,
  digitIdRanks,
  type Graph,
} from "../../src/pcq/graph.js";
import { computeMetric } from "../../src/pcq/metrics.js";

/** Plain arrays, so a mismatch prints readably. */
const plain = (g: CsrIndex) => ({
  nodes: g.nodes,
  directed: g.directed,
  out: [...g.outStart].slice(0, -1).map((a, v) => [...g.outAdj.slice(a, g.outStart[v + 1])]),
  outW: [...g.outW],
  in: [...g.inStart].slice(0, -1).map((a, v) => [...g.inAdj.slice(a, g.inStart[v + 1])]),
  inW: [...g.inW],
});

/**
 * Node ids of every kind that orders differently as an object key. ("__proto__" and
 * "constructor" are left out: graphology's plain-object adjacency cannot hold them.)
 */
const ID_POOL = [
  "0",
  "1",
  "2",
  "7",
  "10",
  "42",
  "99",
  "100",
  "01",
  "-1",
  "1.5",
  "1e3",
  " 3",
  "4294967294",
  "4294967295",
  "12345678901",
  "a",
  "b",
  "zé",
  "9a",
];

function randomGraph(seed: number, directed: boolean): Graph {
  const rng = xoroshiro128plus(seed);
  const next = (n: number) => uniformInt(rng, 0, n - 1);
  const g: Graph = directed ? new DirectedGraph() : new UndirectedGraph();
  const ids = ID_POOL.slice(0, 6 + next(ID_POOL.length - 5));
  for (let i = 0; i < 60; i++) {
    const s = ids[next(ids.length)]!;
    const t = ids[next(ids.length)]!;
    if (s !== t && !g.hasEdge(s, t)) g.mergeEdge(s, t, { weight: 1 + next(9) / 4 });
  }
  // Drop and re-add a few edges: re-added keys move to the end of both orders.
  g.edges()
    .slice(0, 4)
    .forEach((e) => {
      const [s, t] = g.extremities(e);
      const w = g.getEdgeAttribute(e, "weight");
      g.dropEdge(e);
      g.addEdge(s, t, { weight: w });
    });
  return g;
}

describe("csrIndex (edge-list build)", () => {
  it("reads array-index keys as JavaScript objects order them", () => {
    expect(["0", "7", "4294967294"].map(arrayIndexValue)).toEqual([0, 7, 4294967294]);
    for (const k of ["", "01", "-1", "1.5", "1e3", " 3", "4294967295", "12345678901", "a", "9a"])
      expect(arrayIndexValue(k)).toBe(-1);
    const o: Record<string, number> = {};
    for (const k of ID_POOL) o[k] = 1;
    const indexKeys = ID_POOL.filter((k) => arrayIndexValue(k) >= 0).sort(
      (a, b) => arrayIndexValue(a) - arrayIndexValue(b),
    );
    expect(Object.keys(o)).toEqual([...indexKeys, ...ID_POOL.filter((k) => arrayIndexValue(k) < 0)]);
  });

  it.each([false, true])("matches graphology's own adjacency order exactly (directed=%s)", (directed) => {
    for (let seed = 1; seed <= 40; seed++) {
      const g = randomGraph(seed, directed);
      expect(plain(csrIndex(g)), `seed ${seed}`).toEqual(plain(buildCsrByAdjacency(g)));
    }
  });

  it("matches on generated fixtures with numeric ids out of numeric order", () => {
    for (const shape of ["power-law", "small-world", "dag"] as const) {
      const f = generateFixture({ shape, nodes: 80, seed: 3 });
      const g = buildGraph(f.rows, { directed: f.directed, weighted: true });
      expect(plain(csrIndex(g))).toEqual(plain(buildCsrByAdjacency(g)));
    }
  });

  it("falls back to the adjacency walk for multi graphs and self-loops", () => {
    const m = new MultiGraph({ type: "undirected" });
    m.mergeNode("2");
    m.mergeNode("1");
    m.addEdge("2", "1");
    m.addEdge("2", "1");
    m.addEdge("1", "1");
    expect(plain(csrIndex(m))).toEqual(plain(buildCsrByAdjacency(m)));
    const loop = new UndirectedGraph({ allowSelfLoops: true });
    loop.mergeEdge("b", "a");
    loop.mergeEdge("a", "a");
    expect(plain(csrIndex(loop)).out).toEqual([[1], [0, 1]]); // the loop once, as graphology visits it
  });

  it("is rebuilt after the graph changes", () => {
    const g = randomGraph(7, false);
    const before = csrIndex(g);
    expect(csrIndex(g)).toBe(before);
    g.mergeEdge("x", "0", { weight: 2 });
    expect(csrIndex(g)).not.toBe(before);
    expect(plain(csrIndex(g))).toEqual(plain(buildCsrByAdjacency(g)));
  });

  it("ranks node ids in UTF-16 code-unit order", () => {
    const g = new UndirectedGraph();
    for (const [s, t] of [
      ["b", "a"],
      ["é", "10"],
      ["2", "Z"],
      ["\u{1F600}", "\uFFFF"],
    ])
      g.mergeEdge(s, t);
    const rank = csrCodeUnitRanks(csrIndex(g));
    const ids = g.nodes();
    const byRank = [...ids].sort((x, y) => rank[ids.indexOf(x)]! - rank[ids.indexOf(y)]!);
    expect(byRank).toEqual(["10", "2", "Z", "a", "b", "é", "\u{1F600}", "\uFFFF"]);
  });
});

describe("degree without the index", () => {
  it("reads graphology's degree counters: the same values as the index gives", () => {
    for (const directed of [false, true]) {
      const g = randomGraph(11, directed);
      const fromCounters = computeMetric(g, { metric: "degree" });
      const idx = csrIndex(g);
      const expected = Object.fromEntries(
        idx.nodes.map((n, v) => [
          n,
          idx.outStart[v + 1]! - idx.outStart[v]! + (directed ? idx.inStart[v + 1]! - idx.inStart[v]! : 0),
        ]),
      );
      expect({ ...(fromCounters as { values: object }).values }).toEqual(expected);
    }
  });
});

describe("digitIdRanks", () => {
  it("ranks digit-only ids exactly as a code-unit sort does", () => {
    const rng = xoroshiro128plus(5);
    for (let round = 0; round < 50; round++) {
      const ids = new Set<string>();
      const len = 2 + uniformInt(rng, 0, 4); // ≥ 110 possible ids: 40 distinct always exist
      while (ids.size < 40) {
        let id = "";
        const l = uniformInt(rng, 1, len);
        for (let i = 0; i < l; i++) id += String(uniformInt(rng, 0, 9));
        ids.add(id); // leading zeros included: "01" sorts before "1"
      }
      const list = [...ids];
      const rank = digitIdRanks(list)!;
      const sorted = [...list].sort();
      expect(list.map((id) => sorted.indexOf(id))).toEqual([...rank]);
    }
    expect(digitIdRanks(["1", "a"])).toBeNull();
    expect(digitIdRanks(["1234567890"])).toBeNull();
    expect([...digitIdRanks(["10", "9", "1", "100", "0"])!]).toEqual([2, 4, 1, 3, 0]);
  });
});

describe("order-free index and components", () => {
  const sortedLists = (g: CsrIndex) =>
    plain(g).out.map((list, v) =>
      list
        .map((u, j) => [u, g.outW[g.outStart[v]! + j]!] as const)
        .sort((a, b) => a[0] - b[0] || a[1] - b[1]),
    );

  it.each([false, true])(
    "csrIndexAnyOrder holds the same neighbours and weights (directed=%s)",
    (directed) => {
      for (let seed = 1; seed <= 10; seed++) {
        const g = randomGraph(seed, directed);
        const any = csrIndexAnyOrder(g);
        expect(sortedLists(any)).toEqual(sortedLists(buildCsrByAdjacency(g)));
        expect(csrIndex(g).nodes).toBe(any.nodes); // the reordered index shares the node list
        expect(csrIndexAnyOrder(g)).toBe(csrIndex(g)); // once built, the ordered one serves both
      }
    },
  );

  it.each([false, true])(
    "union-find (no index yet) and BFS (index cached) give the same components (directed=%s)",
    (directed) => {
      for (let seed = 1; seed <= 20; seed++) {
        const g = randomGraph(seed, directed);
        g.mergeEdge("iso1", "iso2"); // a second component at least
        const fresh = computeMetric(g, { metric: "components" });
        csrIndex(g);
        expect(computeMetric(g, { metric: "components" })).toEqual(fresh);
        const comps = (fresh as { components: string[][] }).components;
        expect(comps.flat().sort()).toEqual(g.nodes().sort());
        expect(comps).toContainEqual(["iso1", "iso2"]);
      }
    },
  );
});
