import { describe, expect, it } from "vitest";
import {
  extraMessages,
  fmt,
  MAX_DELTAS_PER_METRIC,
  metricLine,
  ReplayReport,
  renderReportText,
  reportMetric,
  severityOf,
} from "../../src/pcq/diff.js";
import { compareMetric, TOLERANCES } from "../../src/pcq/tolerance.js";

const spec = {
  metric: "pagerank",
  params: { alpha: 0.85, maxIter: 100, tol: 1e-6, weighted: true },
} as const;

function values(n: number, f: (i: number) => number) {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) out[`n${i}`] = f(i);
  return { kind: "node-values" as const, values: out };
}

describe("report metrics", () => {
  it("keep every failing delta first, worst first, then the closest passing ones", () => {
    const expected = values(200, () => 0.5);
    const actual = values(200, (i) => (i === 7 ? 0.6 : i === 9 ? 0.52 : 0.5 + i * 1e-9));
    const cmp = compareMetric(spec as never, expected, actual);
    const m = reportMetric("pagerank", spec, TOLERANCES.pagerank, cmp);
    expect(m.failures).toBe(2);
    expect(m.deltas.slice(0, 2).map((d) => [d.key, d.ok])).toEqual([
      ["n7", false],
      ["n9", false],
    ]);
    expect(m.deltas).toHaveLength(MAX_DELTAS_PER_METRIC);
    expect(m.deltasOmitted).toBe(150);
    // Passing deltas come in order of how close they are to their window.
    expect(m.deltas[2]!.key).toBe("n199");
    expect(metricLine(m)).toBe(
      "metric pagerank: 2 of 200 value(s) outside the window (rel 0.0001, abs 1.000e-6); worst n7: claimed 0.5, replayed 0.6, |Δ| 0.1 > allowed 5.000e-5",
    );
  });

  it("carry infinite ratios as null so the report stays JSON", () => {
    const degree = { metric: "degree", params: {} } as const;
    const cmp = compareMetric(
      degree as never,
      values(2, () => 0),
      values(2, (i) => i),
    );
    const m = reportMetric("degree", degree, TOLERANCES.degree, cmp);
    const bad = m.deltas.find((d) => !d.ok)!;
    expect(bad.rel).toBeNull();
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it("say what values cannot: missing and unexpected keys", () => {
    const cmp = compareMetric(
      spec as never,
      values(3, () => 0.3),
      { kind: "node-values", values: { n0: 0.3, n1: 0.3, x: 1 } },
    );
    const m = reportMetric("pagerank", spec, TOLERANCES.pagerank, cmp);
    expect(extraMessages(m)).toEqual(["1 node(s) missing from the result: n2", "1 unexpected node(s): x"]);
    expect(metricLine(m)).toMatch(
      /0 of 2 value\(s\) outside the window.*; 1 node\(s\) missing from the result: n2; 1 unexpected node\(s\): x$/,
    );
  });

  it("measure severity against the window", () => {
    expect(severityOf({ abs: 2, allowed: 1 })).toBe(2);
    expect(severityOf({ abs: 0, allowed: 0 })).toBe(0);
    expect(severityOf({ abs: 1, allowed: 0 })).toBe(Number.POSITIVE_INFINITY);
    expect([fmt(0), fmt(null), fmt(0.000123456789), fmt(1e-9), fmt(12)]).toEqual([
      "0",
      "∞",
      "0.000123457",
      "1.000e-9",
      "12",
    ]);
  });
});

describe("text rendering", () => {
  it("names the verdict, the chunk and the failing values", () => {
    const report: ReplayReport = {
      schema: "trustfabric.dev/pcq/report/v1",
      outcome: "mismatch",
      mode: "manifest",
      name: "karate",
      subject: { name: "manifest.json", digest: `sha256:${"a".repeat(64)}` },
      verifier: { engine: "0.1.0", node: "v20", platform: "linux-x64" },
      inputs: [
        {
          id: "edges",
          path: "edges.csv",
          ok: false,
          digest: { expected: "sha256:x", actual: "sha256:y" },
          rows: { expected: 78, actual: 78 },
          tree: {
            ok: false,
            chunkRows: 16,
            root: { expected: "r1", actual: "r2" },
            differing: 1,
            chunks: [{ chunk: 2, path: "LRL", firstRow: 33, lastRow: 48, expected: "e", actual: "a" }],
          },
        },
      ],
      outputs: [],
      environment: [
        {
          step: "pagerank",
          field: "libraries.graphology-metrics",
          expected: "2.4.1",
          actual: "2.4.2",
          severity: "warning",
        },
      ],
      metrics: [],
      differences: [],
    };
    expect(ReplayReport.parse(report)).toEqual(report);
    expect(renderReportText(report)).toEqual([
      `MISMATCH karate (manifest, manifest.json sha256:aaaaaaaaaaaa…)`,
      "  input edges (edges.csv): DIFFERS — 78 rows, tree root differs",
      "    chunk 2 (rows 33–48, path LRL) differs",
      "  step pagerank: libraries.graphology-metrics 2.4.1 → 2.4.2 (warning)",
    ]);
  });
});
