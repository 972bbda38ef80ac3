import { describe, expect, it } from "vitest";
import type { TfError } from "../../src/core/errors.js";
import { generateFixture } from "../../src/pcq/fixtures.js";
import { buildGraph, parseEdgeCsv } from "../../src/pcq/graph.js";
import { computeMetric, MetricSpec, modularity, parseMetricSpec } from "../../src/pcq/metrics.js";

const graph = (csv: string, directed = false, weighted = false) =>
  buildGraph(parseEdgeCsv(`source,target,weight\n${csv}`), { directed, weighted });
const values = (v: ReturnType<typeof computeMetric>) => {
  if (v.kind !== "node-values") throw new Error(v.kind);
  return v.values;
};
const thrown = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as TfError).code;
  }
  return "none";
};

describe("MetricSpec", () => {
  it("fills NetworkX's defaults", () => {
    expect(parseMetricSpec({ metric: "pagerank" })).toEqual({
      metric: "pagerank",
      params: { alpha: 0.85, maxIter: 100, tol: 1e-6, weighted: true },
    });
    expect(parseMetricSpec({ metric: "closeness" }).params).toEqual({ weighted: false });
    expect(parseMetricSpec({ metric: "degree" })).toEqual({ metric: "degree", params: {} });
    expect(parseMetricSpec({ metric: "louvain", params: { seed: 3 } }).params).toEqual({
      seed: 3,
      resolution: 1,
      weighted: true,
    });
  });

  it("requires explicit parameters where a default would hide a choice", () => {
    expect(MetricSpec.safeParse({ metric: "betweenness" }).success).toBe(false);
    expect(MetricSpec.safeParse({ metric: "betweenness", params: {} }).success).toBe(false);
    expect(MetricSpec.safeParse({ metric: "louvain", params: {} }).success).toBe(false);
    expect(MetricSpec.safeParse({ metric: "louvain", params: { seed: 1.5 } }).success).toBe(false);
    expect(
      MetricSpec.safeParse({ metric: "k_shortest_paths", params: { source: "a", target: "b", k: 2 } })
        .success,
    ).toBe(false);
    expect(MetricSpec.safeParse({ metric: "degree", params: { weighted: true } }).success).toBe(false);
    expect(MetricSpec.safeParse({ metric: "pagerank", params: { alpha: 1 } }).success).toBe(false);
    expect(thrown(() => parseMetricSpec({ metric: "eigenvector" }))).toBe("TF_PCQ_METRIC_INVALID");
  });
});

describe("computeMetric (NetworkX definitions, hand-checked values)", () => {
  // path a-b-c-d
  const path = graph("a,b,1\nb,c,1\nc,d,1\n");

  it("degree, betweenness (normalized and raw), closeness on a path", () => {
    expect(values(computeMetric(path, { metric: "degree" }))).toEqual({ a: 1, b: 2, c: 2, d: 1 });
    // b lies on a-c and a-d: 2 pairs of (n-1)(n-2)/2 = 3
    expect(values(computeMetric(path, { metric: "betweenness", params: { weighted: false } })).b).toBeCloseTo(
      2 / 3,
      15,
    );
    expect(
      values(computeMetric(path, { metric: "betweenness", params: { weighted: false, normalized: false } }))
        .b,
    ).toBe(2);
    // closeness(a) = 3 / (1+2+3)
    expect(values(computeMetric(path, { metric: "closeness" })).a).toBeCloseTo(0.5, 15);
  });

  it("closeness uses wf_improved scaling on disconnected graphs, weighted distances when asked", () => {
    const g = graph("a,b,2\nc,d,1\n", false, true);
    // a reaches 1 of 3 other nodes at distance 1: (1/1)·(1/3)
    expect(values(computeMetric(g, { metric: "closeness" })).a).toBeCloseTo(1 / 3, 15);
    expect(values(computeMetric(g, { metric: "closeness", params: { weighted: true } })).a).toBeCloseTo(
      1 / 6,
      15,
    );
  });

  it("weighted betweenness routes around heavy edges", () => {
    const g = graph("a,b,1\nb,c,1\na,c,5\n", false, true);
    expect(values(computeMetric(g, { metric: "betweenness", params: { weighted: true } })).b).toBe(1);
    expect(values(computeMetric(g, { metric: "betweenness", params: { weighted: false } })).b).toBe(0);
  });

  it("pagerank sums to 1 with dangling nodes (directed) and is deterministic", () => {
    const g = graph("a,b,1\nb,c,1\na,c,1\n", true);
    const pr = values(computeMetric(g, { metric: "pagerank" }));
    expect(Object.values(pr).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
    expect(pr.c).toBeGreaterThan(pr.b!);
    expect(computeMetric(g, { metric: "pagerank" })).toEqual(computeMetric(g, { metric: "pagerank" }));
    expect(thrown(() => computeMetric(g, { metric: "pagerank", params: { maxIter: 1, tol: 1e-12 } }))).toBe(
      "TF_PCQ_METRIC_INVALID",
    );
  });

  it("triangles and clustering (unweighted, weighted, directed)", () => {
    const g = graph("a,b,1\nb,c,1\nc,a,1\nc,d,1\n");
    expect(values(computeMetric(g, { metric: "triangles" }))).toEqual({ a: 1, b: 1, c: 1, d: 0 });
    expect(values(computeMetric(g, { metric: "clustering" })).c).toBeCloseTo(1 / 3, 15);
    const w = graph("a,b,1\nb,c,8\nc,a,1\n", false, true);
    // geometric mean of normalized weights (1/8 · 1 · 1/8)^(1/3) = 1/4
    expect(values(computeMetric(w, { metric: "clustering", params: { weighted: true } })).a).toBeCloseTo(
      0.25,
      15,
    );
    const d = graph("a,b,1\nb,c,1\nc,a,1\n", true);
    expect(values(computeMetric(d, { metric: "clustering" })).a).toBeCloseTo(0.5, 15);
    expect(thrown(() => computeMetric(d, { metric: "triangles" }))).toBe("TF_PCQ_METRIC_INVALID");
  });

  it("components: canonical order, weak and strong", () => {
    const g = graph("z,y,1\nb,a,1\nb,c,1\n", true);
    expect(computeMetric(g, { metric: "components" })).toEqual({
      kind: "components",
      components: [
        ["a", "b", "c"],
        ["y", "z"],
      ],
    });
    const strong = computeMetric(g, { metric: "components", params: { strongly: true } });
    expect(strong.kind === "components" && strong.components.length).toBe(5);
    expect(thrown(() => computeMetric(path, { metric: "components", params: { strongly: true } }))).toBe(
      "TF_PCQ_METRIC_INVALID",
    );
  });

  it("k shortest simple paths (Yen) in length order", () => {
    const g = graph("s,a,1\na,t,1\ns,b,1\nb,t,2\ns,t,5\n", false, true);
    const r = computeMetric(g, {
      metric: "k_shortest_paths",
      params: { source: "s", target: "t", k: 5, weighted: true },
    });
    expect(r).toEqual({
      kind: "paths",
      paths: [
        { nodes: ["s", "a", "t"], length: 2 },
        { nodes: ["s", "b", "t"], length: 3 },
        { nodes: ["s", "t"], length: 5 },
      ],
    });
    const hops = computeMetric(g, {
      metric: "k_shortest_paths",
      params: { source: "s", target: "t", k: 1, weighted: false },
    });
    expect(hops).toEqual({ kind: "paths", paths: [{ nodes: ["s", "t"], length: 1 }] });
    expect(
      thrown(() =>
        computeMetric(g, {
          metric: "k_shortest_paths",
          params: { source: "s", target: "nope", k: 1, weighted: false },
        }),
      ),
    ).toBe("TF_PCQ_METRIC_INVALID");
  });

  it("louvain is deterministic per seed and finds planted communities", () => {
    const gen = generateFixture({
      shape: "community",
      nodes: 80,
      seed: 4,
      communities: 4,
      pIn: 0.4,
      pOut: 0.005,
    });
    const g = buildGraph(gen.rows, { directed: false, weighted: false });
    const a = computeMetric(g, { metric: "louvain", params: { seed: 1 } });
    expect(a).toEqual(computeMetric(g, { metric: "louvain", params: { seed: 1 } }));
    if (a.kind !== "partition") throw new Error(a.kind);
    expect(a.communities.length).toBe(4);
    expect(a.communities.every((c) => c.length === 20)).toBe(true);
    expect(a.modularity).toBeCloseTo(modularity(g, a.communities), 12);
    expect(modularity(g, [g.nodes()])).toBeCloseTo(0, 12);
  });

  it("rejects non-finite results with TF_PCQ_METRIC_NON_FINITE", () => {
    // total weight overflows to Infinity, so modularity is Infinity/Infinity = NaN
    const g = graph("a,b,1e308\nb,c,1e308\nc,a,1e308\n", false, true);
    expect(thrown(() => computeMetric(g, { metric: "louvain", params: { seed: 1 } }))).toBe(
      "TF_PCQ_METRIC_NON_FINITE",
    );
  });
});
