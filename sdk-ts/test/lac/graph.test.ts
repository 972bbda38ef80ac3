import fc from "fast-check";
import { UndirectedGraph } from "graphology";
import { largestConnectedComponent } from "graphology-components";
import { singleSourceLength } from "graphology-shortest-path";
import { describe, expect, it } from "vitest";
import { isTfError } from "../../src/core/errors.js";
import { lacCheck } from "../../src/lac/checker.js";
import { compilePolicy } from "../../src/lac/compile.js";
import { GRAPH_METRICS, type GraphMetric, graphMetrics } from "../../src/lac/graph.js";
import { example, policy, rule, SCHEMA } from "./fixtures.js";

const ALL = new Set<GraphMetric>(GRAPH_METRICS);

/** The same metrics through graphology (a simple undirected graph, self-loops left out). */
function reference(edges: [number, number][], seeds: number[] | undefined) {
  const g = new UndirectedGraph({ allowSelfLoops: false });
  for (const [u, v] of edges) {
    g.mergeNode(String(u));
    g.mergeNode(String(v));
    if (u !== v) g.mergeEdge(String(u), String(v));
  }
  for (const s of seeds ?? []) g.mergeNode(String(s));
  let maxDegree = 0;
  g.forEachNode((n) => {
    maxDegree = Math.max(maxDegree, g.degree(n));
  });
  let pathLength: number | undefined;
  if (seeds && seeds.length > 0) {
    const best = new Map<string, number>();
    for (const s of seeds)
      for (const [n, d] of Object.entries(singleSourceLength(g, String(s))))
        best.set(n, Math.min(best.get(n) ?? Number.POSITIVE_INFINITY, d as number));
    pathLength = Math.max(...best.values());
  }
  return {
    nodeCount: g.order,
    edgeCount: g.size,
    maxDegree,
    componentSize: g.order === 0 ? 0 : largestConnectedComponent(g).length,
    pathLength,
  };
}

const graphArb = fc.integer({ min: 0, max: 40 }).chain((n) =>
  fc.record({
    edges: fc.array(fc.tuple(fc.integer({ min: 0, max: n }), fc.integer({ min: 0, max: n })), {
      maxLength: 80,
    }),
    seeds: fc.option(fc.array(fc.integer({ min: 0, max: n + 3 }), { maxLength: 4 }), { nil: undefined }),
  }),
);

describe("graph metrics", () => {
  it("agree with graphology on random graphs (duplicates, both directions, self-loops, isolated seeds)", () => {
    fc.assert(
      fc.property(graphArb, ({ edges, seeds }) => {
        expect(graphMetrics({ edges, seeds }, ALL)).toEqual(reference(edges, seeds));
      }),
      { numRuns: 300 },
    );
  });

  it("compute any subset of the metrics alike, for ids mixing small, negative, large integers and strings", () => {
    const mixed = (x: number): number | string =>
      x % 4 === 0 ? x : x % 4 === 1 ? -x : x % 4 === 2 ? `s${x}` : x * 1e7;
    fc.assert(
      fc.property(graphArb, fc.subarray([...GRAPH_METRICS]), ({ edges, seeds }, subset) => {
        const g = { edges: edges.map(([u, v]) => [mixed(u), mixed(v)] as const), seeds: seeds?.map(mixed) };
        const all = graphMetrics(g, ALL);
        const some = graphMetrics(g, new Set(subset));
        expect(Object.keys(some).sort()).toEqual([...subset].sort());
        for (const k of subset) expect(some[k]).toBe(all[k]);
        expect(all).toEqual(reference(edges, seeds));
      }),
      { numRuns: 300 },
    );
  });

  it("agree with graphology for string ids and for sparse large integer ids", () => {
    fc.assert(
      fc.property(graphArb, fc.integer({ min: 1, max: 1e9 }), ({ edges, seeds }, scale) => {
        const big = edges.map(([u, v]) => [u * scale, v * scale] as [number, number]);
        const bigSeeds = seeds?.map((s) => s * scale);
        expect(graphMetrics({ edges: big, seeds: bigSeeds }, ALL)).toEqual(reference(big, bigSeeds));
        const str = edges.map(([u, v]) => [`n${u}`, `n${v}`]);
        expect(graphMetrics({ edges: str, seeds: seeds?.map((s) => `n${s}`) }, ALL)).toEqual(
          reference(edges, seeds),
        );
      }),
      { numRuns: 100 },
    );
  });

  it("path length is the seed set's eccentricity; no seeds → not computable", () => {
    const path = {
      edges: [
        [1, 2],
        [2, 3],
        [3, 4],
        [10, 11],
      ] as [number, number][],
    };
    expect(graphMetrics({ ...path, seeds: [1] }, ALL)).toMatchObject({ pathLength: 3, componentSize: 4 });
    expect(graphMetrics({ ...path, seeds: [2, 4] }, ALL).pathLength).toBe(1);
    expect(graphMetrics({ ...path, seeds: [99] }, ALL)).toMatchObject({ pathLength: 0, nodeCount: 7 });
    expect(graphMetrics({ ...path, seeds: [] }, ALL).pathLength).toBeUndefined();
    expect(graphMetrics(path, ALL).pathLength).toBeUndefined();
    expect(graphMetrics({ edges: [] }, ALL)).toEqual({
      nodeCount: 0,
      componentSize: 0,
      maxDegree: 0,
      edgeCount: 0,
      pathLength: undefined,
    });
    // only what is asked for is computed
    expect(graphMetrics(path, new Set(["nodeCount"]))).toEqual({ nodeCount: 6 });
  });

  it("malformed input is TF_LAC_REQUEST_INVALID naming the edge or seed index", () => {
    const err = (g: unknown) => {
      try {
        graphMetrics(g as never, ALL);
      } catch (e) {
        return e as { code: string; message: string; details: Record<string, unknown> };
      }
      throw new Error("no error");
    };
    for (const [g, detail] of [
      [{ edges: [[1, 2], [3]] }, { edge: 1 }],
      [
        {
          edges: [
            [1, 2],
            [2, 3],
            [1.5, 2],
          ],
        },
        { edge: 2 },
      ],
      [{ edges: [["a", ""]] }, { edge: 0 }],
      [{ edges: [[1, 2], { u: 1, v: 2 }] }, { edge: 1 }],
      [{ edges: [[1, null]] }, { edge: 0 }],
      [{ edges: [[1, 2]], seeds: [1, true] }, { seed: 1 }],
    ] as const) {
      const e = err(g);
      expect(e.code).toBe("TF_LAC_REQUEST_INVALID");
      expect(e.details).toMatchObject(detail);
    }
    expect(err({ edges: [[1, 2], [3]] }).message).toContain("request.graph.edges[1]");
    expect(err({ edges: {} }).code).toBe("TF_LAC_REQUEST_INVALID");
    expect(err({ edges: [], extra: 1 }).message).toContain('"extra"');
    expect(err([]).code).toBe("TF_LAC_REQUEST_INVALID");
  });
});

const GRAPH_RULES =
  rule("deny-wide", "deny", "{ attr: graph.componentSize, op: gt, value: 5 }", "r3") +
  rule("deny-deep", "deny", "{ attr: graph.pathLength, op: ge, value: 3 }", "r3") +
  rule("allow-all", "allow", "", "r1");

describe("graph constraints in policies", () => {
  const chain = (n: number) => Array.from({ length: n - 1 }, (_, i) => [i, i + 1]);

  it("graph.* attributes decide without a schema entry; absent graph → not evaluable", () => {
    const p = compilePolicy(policy(GRAPH_RULES), SCHEMA);
    expect(p.graphMetrics).toEqual(["componentSize", "pathLength"]);
    const base = { subject: { role: "analyst" } };
    expect(p.decide({ ...base, graph: { edges: chain(4) } })).toMatchObject({
      decision: "allow",
      notEvaluable: ["deny-deep"],
    });
    expect(p.decide({ ...base, graph: { edges: chain(4), seeds: [0] } })).toMatchObject({
      decision: "deny",
      decidingRules: ["deny-deep"],
    });
    expect(p.decide({ ...base, graph: { edges: chain(7) } }).decidingRules).toEqual(["deny-wide"]);
    expect(p.decide(base)).toMatchObject({ decision: "allow", notEvaluable: ["deny-wide", "deny-deep"] });
  });

  it("metrics are computed lazily: only when a rule that tests them is reached", () => {
    const malformed = { edges: [[0, 1], ["x"]] };
    const noGraph = compilePolicy(policy(rule("a", "allow", "")), SCHEMA);
    expect(noGraph.graphMetrics).toEqual([]);
    expect(noGraph.decide({ graph: malformed } as never).decision).toBe("allow");
    const p = compilePolicy(policy(GRAPH_RULES), SCHEMA);
    const e = (() => {
      try {
        p.decide({ graph: malformed } as never);
      } catch (x) {
        return x;
      }
    })();
    expect(isTfError(e, "TF_LAC_REQUEST_INVALID")).toBe(true);
    expect((e as Error).message).toContain("edges[1]");
    // first-applicable stops before the graph rule: nothing is computed
    const rules =
      rule("first", "allow", "") + rule("g", "deny", "{ attr: graph.nodeCount, op: gt, value: 1 }");
    const fa = compilePolicy(policy(rules, "combining: first-applicable\n"), SCHEMA);
    expect(fa.decide({ graph: malformed } as never).decision).toBe("allow");
    // deny-overrides reaches rule g, which reads the graph
    expect(() => compilePolicy(policy(rules), SCHEMA).decide({ graph: malformed } as never)).toThrow(
      /edges\[1\]/,
    );
  });

  it("reasons may interpolate graph metrics", () => {
    const text = policy(
      rule("wide", "deny", "{ attr: graph.componentSize, op: gt, value: 2 }", "r1"),
    ).replace(
      'r1: { en: "Rule one for {subject.role}"',
      'r1: { en: "Component of {graph.componentSize} nodes"',
    );
    const d = compilePolicy(text, SCHEMA).decide({
      graph: {
        edges: [
          ["a", "b"],
          ["b", "c"],
        ],
      },
    });
    expect(d.reasons[0]!.text).toBe("Component of 3 nodes");
  });

  it("the checker knows graph.*: typos get suggestions, non-number operators are type errors", () => {
    const typo = lacCheck(
      policy(rule("a", "deny", "{ attr: graph.componentsize, op: gt, value: 3 }")),
      SCHEMA,
    );
    expect(typo.diagnostics[0]).toMatchObject({
      code: "TF_LAC_UNKNOWN_ATTRIBUTE",
      suggestion: "graph.componentSize",
    });
    const contains = lacCheck(
      policy(rule("a", "deny", "{ attr: graph.maxDegree, op: contains, value: x }")),
      SCHEMA,
    );
    expect(contains.diagnostics[0]).toMatchObject({ code: "TF_LAC_TYPE", expected: "set", found: "number" });
    const str = lacCheck(policy(rule("a", "deny", "{ attr: graph.edgeCount, op: eq, value: many }")), SCHEMA);
    expect(str.diagnostics[0]).toMatchObject({ code: "TF_LAC_TYPE", expected: "number" });
    expect(lacCheck(policy(GRAPH_RULES), SCHEMA).ok).toBe(true);
  });

  it("the example graph policy checks and decides its requests", () => {
    const p = compilePolicy(example("graph-traversal.yaml"), example("schema.yaml"));
    const req = (name: string) => JSON.parse(example(`requests/${name}`));
    expect(p.decide(req("graph-small-neighbourhood.json")).decision).toBe("allow");
    expect(p.decide(req("graph-deep-walk.json"))).toMatchObject({
      decision: "deny",
      decidingRules: ["deny-deep-traversal"],
    });
  });
});
