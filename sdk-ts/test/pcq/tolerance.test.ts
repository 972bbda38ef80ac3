import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { MetricValue } from "../../src/pcq/metrics.js";
import { parseMetricSpec } from "../../src/pcq/metrics.js";
import {
  compareMetric,
  normalizedMutualInformation,
  TOLERANCES,
  toleranceTableMarkdown,
} from "../../src/pcq/tolerance.js";

const nv = (values: Record<string, number>): MetricValue => ({ kind: "node-values", values });
const pr = parseMetricSpec({ metric: "pagerank" });
const bw = parseMetricSpec({ metric: "betweenness", params: { weighted: false } });

describe("compareMetric: node values", () => {
  it("passes within the window and fails just beyond it", () => {
    const e = nv({ a: 0.5, b: 0.25 });
    const tol = TOLERANCES.pagerank;
    const inside = 0.5 + 0.9 * Math.max(tol.abs, tol.rel * 0.5);
    const outside = 0.5 + 1.1 * Math.max(tol.abs, tol.rel * 0.5);
    expect(compareMetric(pr, e, nv({ a: inside, b: 0.25 })).ok).toBe(true);
    const bad = compareMetric(pr, e, nv({ a: outside, b: 0.25 }));
    expect(bad).toMatchObject({ ok: false, compared: 2, failures: 1 });
    expect(bad.deltas[0]).toMatchObject({ key: "a", ok: false });
    expect(bad.message).toContain("a: expected 0.5");
  });

  it("uses the absolute floor near zero, and exact metrics are exact", () => {
    expect(compareMetric(bw, nv({ a: 0 }), nv({ a: 1e-13 })).ok).toBe(true);
    expect(compareMetric(bw, nv({ a: 0 }), nv({ a: 1e-11 })).ok).toBe(false);
    const deg = parseMetricSpec({ metric: "degree" });
    expect(compareMetric(deg, nv({ a: 3 }), nv({ a: 3 })).ok).toBe(true);
    expect(compareMetric(deg, nv({ a: 3 }), nv({ a: 3 + 1e-12 })).ok).toBe(false);
  });

  it("NaN never passes; missing and extra nodes are failures with a message", () => {
    expect(compareMetric(pr, nv({ a: 0.5 }), nv({ a: Number.NaN })).ok).toBe(false);
    const r = compareMetric(pr, nv({ a: 0.5, b: 0.5 }), nv({ a: 0.5, c: 0.5 }));
    expect(r).toMatchObject({ ok: false, failures: 2 });
    expect(r.message).toMatch(/missing.*b.*unexpected.*c/);
  });

  it("a kind mismatch fails", () => {
    expect(compareMetric(pr, nv({ a: 1 }), { kind: "components", components: [["a"]] }).ok).toBe(false);
  });
});

describe("compareMetric: components", () => {
  const spec = parseMetricSpec({ metric: "components" });
  const e: MetricValue = {
    kind: "components",
    components: [
      ["a", "b", "c"],
      ["d", "e"],
    ],
  };
  it("compares node sets, not order", () => {
    expect(
      compareMetric(spec, e, {
        kind: "components",
        components: [
          ["e", "d"],
          ["c", "a", "b"],
        ],
      }).ok,
    ).toBe(true);
  });
  it("fails when a node moves between components", () => {
    const r = compareMetric(spec, e, {
      kind: "components",
      components: [
        ["a", "b"],
        ["c", "d", "e"],
      ],
    });
    expect(r.ok).toBe(false);
    expect(r.message).toContain("components differ");
  });
});

describe("compareMetric: k shortest paths", () => {
  const spec = parseMetricSpec({
    metric: "k_shortest_paths",
    params: { source: "s", target: "t", k: 3, weighted: true },
  });
  const p = (nodes: string, length: number) => ({ nodes: nodes.split(""), length });
  const e: MetricValue = { kind: "paths", paths: [p("sat", 2), p("sbt", 2), p("sct", 3)] };
  it("accepts reordered ties", () => {
    expect(compareMetric(spec, e, { kind: "paths", paths: [p("sbt", 2), p("sat", 2), p("sct", 3)] }).ok).toBe(
      true,
    );
  });
  it("accepts a different path in a tie group truncated by k", () => {
    const e2: MetricValue = { kind: "paths", paths: [p("sat", 2), p("sbt", 3), p("sct", 3)] };
    expect(
      compareMetric(spec, e2, { kind: "paths", paths: [p("sat", 2), p("sbt", 3), p("sdt", 3)] }).ok,
    ).toBe(true);
  });
  it("fails on a wrong length, a missing path, a foreign path in a complete tie group, a wrong endpoint", () => {
    expect(
      compareMetric(spec, e, { kind: "paths", paths: [p("sat", 2), p("sbt", 2.5), p("sct", 3)] }).ok,
    ).toBe(false);
    expect(compareMetric(spec, e, { kind: "paths", paths: [p("sat", 2), p("sbt", 2)] }).ok).toBe(false);
    expect(compareMetric(spec, e, { kind: "paths", paths: [p("sat", 2), p("sdt", 2), p("sct", 3)] }).ok).toBe(
      false,
    );
    expect(compareMetric(spec, e, { kind: "paths", paths: [p("sat", 2), p("sbt", 2), p("sca", 3)] }).ok).toBe(
      false,
    );
  });
});

describe("compareMetric: louvain", () => {
  const spec = parseMetricSpec({ metric: "louvain", params: { seed: 1 } });
  const communities = [
    ["a", "b", "c", "d"],
    ["e", "f", "g", "h"],
    ["i", "j", "k", "l"],
  ];
  const e: MetricValue = { kind: "partition", communities, modularity: 0.5 };
  it("passes a relabelled, reordered partition (labels are never compared)", () => {
    const relabelled = [
      ["l", "k", "j", "i"],
      ["a", "c", "b", "d"],
      ["h", "g", "f", "e"],
    ];
    expect(compareMetric(spec, e, { kind: "partition", communities: relabelled, modularity: 0.505 }).ok).toBe(
      true,
    );
  });
  it("fails a different partition even at equal modularity", () => {
    const other = [
      ["a", "e", "i", "b"],
      ["f", "j", "c", "g"],
      ["k", "d", "h", "l"],
    ];
    const r = compareMetric(spec, e, { kind: "partition", communities: other, modularity: 0.5 });
    expect(r.ok).toBe(false);
    expect(r.message).toContain("NMI");
  });
  it("fails a modularity outside the window, and a partition of other nodes", () => {
    expect(compareMetric(spec, e, { kind: "partition", communities, modularity: 0.45 }).ok).toBe(false);
    expect(compareMetric(spec, e, { kind: "partition", communities: [["a", "b"]], modularity: 0.5 }).ok).toBe(
      false,
    );
  });
  it("NMI: 1 for identical, 0 for independent partitions", () => {
    expect(normalizedMutualInformation(communities, communities)).toBeCloseTo(1, 12);
    const a = [
      ["1", "2"],
      ["3", "4"],
    ];
    const b = [
      ["1", "3"],
      ["2", "4"],
    ];
    expect(normalizedMutualInformation(a, b)).toBeCloseTo(0, 12);
    expect(normalizedMutualInformation([["1", "2"]], [["1", "2"]])).toBe(1);
    expect(normalizedMutualInformation([["1", "1"]], [["1"]])).toBeNull();
  });
});

describe("the tolerance table", () => {
  it("covers every metric and is embedded verbatim in docs/pcq-metrics.md", () => {
    const table = toleranceTableMarkdown();
    for (const m of Object.keys(TOLERANCES)) expect(table).toContain(`| \`${m}\` |`);
    const doc = readFileSync(new URL("../../../docs/pcq-metrics.md", import.meta.url), "utf8");
    const start = doc.indexOf("<!-- tolerance-table:start -->");
    const end = doc.indexOf("<!-- tolerance-table:end -->");
    expect(start).toBeGreaterThan(0);
    expect(doc.slice(start + "<!-- tolerance-table:start -->".length, end).trim()).toBe(table);
  });
});
