import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TfError } from "../../src/core/errors.js";
import { runOperation } from "../../src/engine/index.js";
import {
  FIXTURE_SCHEMA,
  generateFixture,
  loadFixtureDir,
  SHAPES,
  writeFixtureDir,
} from "../../src/pcq/fixtures.js";
import { buildGraph, formatEdgeCsv } from "../../src/pcq/graph.js";

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "tf-pcq-fx-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TfError);
    return (e as TfError).code;
  }
  return "none";
};
const sha = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);

describe("generateFixture", () => {
  it.each(SHAPES)("%s: deterministic, simple, and seed-dependent where random", (shape) => {
    const a = generateFixture({ shape, nodes: 40, seed: 1 });
    const b = generateFixture({ shape, nodes: 40, seed: 1 });
    expect(formatEdgeCsv(a.rows)).toBe(formatEdgeCsv(b.rows));
    // builds without duplicates or self-loops
    expect(buildGraph(a.rows, { directed: a.directed, weighted: a.weighted }).size).toBe(a.rows.length);
    const random = !["star", "path", "ring", "grid", "complete"].includes(shape);
    const c = generateFixture({ shape, nodes: 40, seed: 2 });
    expect(formatEdgeCsv(c.rows) !== formatEdgeCsv(a.rows)).toBe(random);
  });

  it("pins the bytes: the same edges.csv on every machine", () => {
    // Changing a generator changes these digests: regenerate the goldens when you do.
    expect(sha(formatEdgeCsv(generateFixture({ shape: "power-law", nodes: 200, seed: 7 }).rows))).toBe(
      sha(
        readFileSync(
          new URL("../../../examples/pcq/fixtures/power-law-200/edges.csv", import.meta.url),
          "utf8",
        ),
      ),
    );
    const w = generateFixture({ shape: "erdos-renyi", nodes: 50, seed: 3, weighted: true, maxWeight: 4 });
    expect(w.rows.every((r) => Number.isInteger(r.weight) && r.weight >= 1 && r.weight <= 4)).toBe(true);
    expect(w.rows.length).toBe(100);
  });

  it("shape sizes", () => {
    expect(generateFixture({ shape: "complete", nodes: 6, seed: 0 }).rows.length).toBe(15);
    expect(generateFixture({ shape: "grid", nodes: 9, seed: 0 }).rows.length).toBe(12);
    expect(generateFixture({ shape: "power-law", nodes: 50, seed: 0, m: 3 }).rows.length).toBe(3 + 46 * 3);
    expect(generateFixture({ shape: "small-world", nodes: 30, seed: 0, k: 4 }).rows.length).toBe(60);
    expect(generateFixture({ shape: "dag", nodes: 20, seed: 0 }).directed).toBe(true);
    const bi = generateFixture({ shape: "bipartite", nodes: 10, seed: 0, edges: 1000 });
    expect(bi.rows.length).toBe(25);
    expect(bi.rows.every((r) => Number(r.source) < 5 && Number(r.target) >= 5)).toBe(true);
  });

  it("rejects impossible parameters", () => {
    expect(codeOf(() => generateFixture({ shape: "ring", nodes: 2, seed: 0 }))).toBe("TF_INPUT_INVALID");
    expect(codeOf(() => generateFixture({ shape: "small-world", nodes: 10, seed: 0, k: 3 }))).toBe(
      "TF_INPUT_INVALID",
    );
    expect(codeOf(() => generateFixture({ shape: "tree", nodes: 10, seed: -1 }))).toBe("TF_INPUT_INVALID");
  });
});

describe("fixture directories", () => {
  const fixture = {
    schema: FIXTURE_SCHEMA as typeof FIXTURE_SCHEMA,
    name: "tiny",
    description: "tiny",
    shape: "path",
    generator: { shape: "path" as const, nodes: 3, seed: 0 },
    directed: false,
    weighted: false,
    metrics: [{ metric: "degree" as const }],
  };
  const rows = generateFixture({ shape: "path", nodes: 3, seed: 0 }).rows;
  const expected = {
    schema: "trustfabric.dev/pcq/expected/v1" as const,
    generator: { tool: "networkx", version: "3.6.1" },
    results: [
      {
        spec: { metric: "degree" as const },
        value: { kind: "node-values" as const, values: { "0": 1, "1": 2, "2": 1 } },
      },
    ],
  };

  it("writes and loads back", () => {
    const d = tmp();
    const written = writeFixtureDir(d, { fixture, rows, expected });
    expect(written.map((p) => p.slice(d.length + 1))).toEqual(["edges.csv", "expected.json", "fixture.json"]);
    const f = loadFixtureDir(d);
    expect(f.fixture.name).toBe("tiny");
    expect(f.rows).toEqual(rows);
    expect(f.expected?.results[0]?.value).toEqual(expected.results[0]!.value);
    // expected.json is optional
    rmSync(join(d, "expected.json"));
    expect(loadFixtureDir(d).expected).toBeUndefined();
  });

  it("names what is wrong", () => {
    const d = tmp();
    writeFixtureDir(d, { fixture, rows });
    const put = (name: string, text: string) => writeFileSync(join(d, name), text);
    put("expected.json", JSON.stringify({ ...expected, schema: "trustfabric.dev/pcq/expected/v9" }));
    expect(codeOf(() => loadFixtureDir(d))).toBe("TF_PCQ_SCHEMA_VERSION");
    put("expected.json", "{");
    expect(codeOf(() => loadFixtureDir(d))).toBe("TF_PCQ_FIXTURE_INVALID");
    put("expected.json", JSON.stringify({ ...expected, results: [] }));
    expect(codeOf(() => loadFixtureDir(d))).toBe("TF_PCQ_FIXTURE_INVALID");
    rmSync(join(d, "expected.json"));
    put("fixture.json", JSON.stringify({ ...fixture, schema: "trustfabric.dev/pcq/fixture/v2" }));
    expect(codeOf(() => loadFixtureDir(d))).toBe("TF_PCQ_SCHEMA_VERSION");
    put("fixture.json", JSON.stringify({ ...fixture, metrics: [{ metric: "louvain", params: {} }] }));
    expect(codeOf(() => loadFixtureDir(d))).toBe("TF_PCQ_FIXTURE_INVALID");
    put("fixture.json", JSON.stringify(fixture));
    put("edges.csv", "source,target,weight\n0,1,NaN\n");
    expect(codeOf(() => loadFixtureDir(d))).toBe("TF_PCQ_DATASET_INVALID");
    rmSync(join(d, "edges.csv"));
    expect(codeOf(() => loadFixtureDir(d))).toBe("TF_FILE_NOT_FOUND");
    expect(codeOf(() => loadFixtureDir(join(d, "nope")))).toBe("TF_FILE_NOT_FOUND");
  });
});

describe("pcq.fixtureGen operation", () => {
  it("returns content without out, writes a loadable directory with out", async () => {
    const home = tmp();
    const r = await runOperation("pcq.fixtureGen", { shape: "ring", nodes: 5, seed: 1 }, { home });
    expect(r.edgesCsv).toBe("source,target,weight\n0,1,1\n1,2,1\n2,3,1\n3,4,1\n4,0,1\n");
    expect(r.written).toEqual([]);
    expect(JSON.parse(r.fixtureJson).metrics.map((m: { metric: string }) => m.metric)).toContain("louvain");
    const out = join(tmp(), "ring");
    const w = await runOperation(
      "pcq.fixtureGen",
      {
        shape: "ring",
        nodes: 5,
        seed: 1,
        out,
        metrics: ["degree", { metric: "betweenness", params: { weighted: true } }],
      },
      { home },
    );
    expect(w.written).toHaveLength(2);
    expect(loadFixtureDir(out).fixture.metrics.map((m) => m.metric)).toEqual(["degree", "betweenness"]);
  });

  it("refuses metrics that need parameters as bare names", async () => {
    await expect(
      runOperation(
        "pcq.fixtureGen",
        { shape: "ring", nodes: 5, seed: 1, metrics: ["k_shortest_paths"] },
        { home: tmp() },
      ),
    ).rejects.toMatchObject({ code: "TF_PCQ_METRIC_INVALID" });
  });
});
