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
import { edgeWeight, kShortestSimplePaths, LazyNeighbours, type Neighbours } from "../../src/pcq/kpaths.js";
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

/** The searches over a whole-graph index, as they ran before reading neighbours lazily. */
function indexNeighbours(g: Graph): Neighbours & { keys: string[] } {
  const c = csrIndex(g);
  const list = (start: Int32Array, adj: Int32Array, w: Float64Array, v: number) => ({
    nb: [...adj.slice(start[v]!, start[v + 1]!)],
    w: [...w.slice(start[v]!, start[v + 1]!)],
  });
  return {
    directed: c.directed,
    capacity: c.nodes.length,
    keys: c.nodes,
    out: (v) => list(c.outStart, c.outAdj, c.outW, v),
    in: (v) => list(c.inStart, c.inAdj, c.inW, v),
  };
}

describe("k shortest paths read neighbours lazily", () => {
  const paths = (nb: Neighbours & { keys: string[] }, s: number, t: number, k: number, weighted: boolean) =>
    kShortestSimplePaths(nb, s, t, k, weighted).map((p) => ({
      nodes: p.nodes.map((v) => nb.keys[v]!),
      length: p.length,
    }));

  it.each([
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ])(
    "finds what the index search finds, in the same order (directed=%s, weighted=%s)",
    (directed, weighted) => {
      for (let seed = 1; seed <= 25; seed++) {
        const g = randomGraph(seed, directed);
        const ids = g.nodes();
        for (const [s, t] of [
          [ids[0]!, ids[ids.length - 1]!],
          [ids[1]!, ids[2]!],
          [ids[ids.length - 2]!, ids[0]!],
        ]) {
          const index = indexNeighbours(g);
          const lazy = new LazyNeighbours(g);
          const expected = paths(index, index.keys.indexOf(s!), index.keys.indexOf(t!), 12, weighted);
          expect(
            paths(lazy, lazy.number(s!), lazy.number(t!), 12, weighted),
            `seed ${seed} ${s}→${t}`,
          ).toEqual(expected);
        }
      }
    },
  );

  it("agrees on multigraphs, self-loops, unreachable targets and k beyond the paths there are", () => {
    const m = new MultiGraph({ type: "undirected", allowSelfLoops: true });
    for (const [s, t, w] of [
      ["a", "b", 3],
      ["a", "b", 1],
      ["b", "c", 1],
      ["a", "c", 5],
      ["c", "c", 1],
      ["c", "d", 2],
      ["b", "d", 4],
    ] as const) {
      m.mergeNode(s);
      m.mergeNode(t);
      m.addEdge(s, t, { weight: w }); // a–b twice: parallel edges of different weights
    }
    expect(m.size).toBe(7);
    m.addNode("lonely");
    for (const weighted of [false, true])
      for (const [s, t] of [
        ["a", "d"],
        ["d", "a"],
        ["a", "lonely"],
        ["c", "c"],
      ]) {
        const index = indexNeighbours(m);
        const lazy = new LazyNeighbours(m);
        const got = paths(lazy, lazy.number(s!), lazy.number(t!), 50, weighted);
        expect(got).toEqual(paths(index, index.keys.indexOf(s!), index.keys.indexOf(t!), 50, weighted));
        if (t === "lonely") expect(got).toEqual([]);
      }
  });

  it("never reads the part of the graph the searches do not reach", () => {
    const g = new UndirectedGraph();
    for (let i = 0; i < 5; i++) g.mergeEdge(`p${i}`, `p${i + 1}`);
    g.mergeEdge("p0", "p5");
    // a large component elsewhere
    for (let i = 0; i < 2000; i++) g.mergeEdge(`x${i}`, `x${(i * 7 + 1) % 2000}`);
    const lazy = new LazyNeighbours(g);
    const found = kShortestSimplePaths(lazy, lazy.number("p0"), lazy.number("p3"), 5, false);
    expect(found.map((p) => p.nodes.map((v) => lazy.keys[v]))).toEqual([
      ["p0", "p1", "p2", "p3"],
      ["p0", "p5", "p4", "p3"],
    ]);
    expect(lazy.keys.every((k) => k.startsWith("p"))).toBe(true);
  });

  it("the metric returns the same paths and lengths as before (node ids, weights)", () => {
    const g = randomGraph(11, false);
    const ids = g.nodes();
    const r = computeMetric(g, {
      metric: "k_shortest_paths",
      params: { source: ids[0]!, target: ids[3]!, k: 6, weighted: true },
    });
    const index = indexNeighbours(g);
    const expected = kShortestSimplePaths(index, 0, index.keys.indexOf(ids[3]!), 6, true).map((p) => ({
      nodes: p.nodes.map((v) => index.keys[v]!),
      length: p.nodes.slice(1).reduce((sum, v, i) => sum + edgeWeight(index, p.nodes[i]!, v, true)!, 0),
    }));
    expect(r).toEqual({ kind: "paths", paths: expected });
  });
});
