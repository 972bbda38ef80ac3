import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { digestBytes } from "../../src/core/canonical.js";
import { buildChecksumTree } from "../../src/pcq/checksum-tree.js";
import { parseEdgeCsv } from "../../src/pcq/graph.js";
import { pcqDocumentJsonSchemas } from "../../src/pcq/index.js";
import {
  createManifest,
  MANIFEST_SCHEMA,
  manifestDigest,
  packageVersion,
  parseManifest,
  parseResult,
} from "../../src/pcq/manifest.js";
import { ENGINE_VERSION } from "../../src/version.js";

const KARATE = join(import.meta.dirname, "../../../examples/pcq/dsl/karate/edges.csv");
const tmp = () => mkdtempSync(join(tmpdir(), "tf-pcq-manifest-"));

function karateDir(): string {
  const dir = tmp();
  copyFileSync(KARATE, join(dir, "edges.csv"));
  return dir;
}

describe("createManifest", () => {
  it("computes the result and writes manifest.json and result.json whose digests bind them", () => {
    const dir = karateDir();
    const out = createManifest({
      dataset: join(dir, "edges.csv"),
      metrics: [{ metric: "degree" }, { metric: "louvain", params: {} }],
      seed: 7,
      name: "karate",
    });
    const m = parseManifest(readFileSync(out.manifestPath));
    expect(m.schema).toBe(MANIFEST_SCHEMA);
    expect(m.seed).toBe(7);
    // The seed reaches the randomized metric explicitly.
    expect(m.pipeline.find((s) => s.id === "louvain")!.params).toMatchObject({ seed: 7 });
    const bytes = readFileSync(join(dir, "edges.csv"));
    expect(m.inputs[0]).toMatchObject({ path: "edges.csv", size: bytes.length, digest: digestBytes(bytes) });
    expect(m.inputs[0]!.checksumTree.root).toBe(buildChecksumTree(parseEdgeCsv(bytes.toString())).root);
    const resultBytes = readFileSync(out.resultPath);
    expect(m.outputs[0]!.digest).toBe(digestBytes(resultBytes));
    const result = parseResult(resultBytes);
    expect(result.results.map((r) => r.step)).toEqual(["degree", "louvain"]);
    const degree = result.results[0]!.value;
    expect(degree.kind === "node-values" && degree.values["0"]).toBe(16);
    expect(m.runtime).toEqual({
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      engine: ENGINE_VERSION,
    });
  });

  it("records library versions read from their package.json", () => {
    const dir = karateDir();
    const { manifest } = createManifest({
      dataset: join(dir, "edges.csv"),
      metrics: [{ metric: "pagerank" }],
    });
    const pkg = JSON.parse(
      readFileSync(join(import.meta.dirname, "../../node_modules/graphology-metrics/package.json"), "utf8"),
    );
    expect(manifest.pipeline.find((s) => s.op === "pagerank")!.libraries["graphology-metrics"]).toBe(
      pkg.version,
    );
    expect(packageVersion("graphology")).toMatch(/^\d+\.\d+\.\d+/);
    expect(packageVersion("no-such-package-tf")).toBe("unknown");
  });

  it("writes nothing when the dataset is corrupt", () => {
    const dir = tmp();
    writeFileSync(join(dir, "edges.csv"), "source,target\na,b\nc\n");
    expect(() =>
      createManifest({ dataset: join(dir, "edges.csv"), metrics: [{ metric: "degree" }] }),
    ).toThrow(
      expect.objectContaining({
        code: "TF_PCQ_DATASET_INVALID",
        message: expect.stringContaining("edges.csv:3"),
      }),
    );
    expect(readdirSync(dir)).toEqual(["edges.csv"]);
  });

  it("rejects a bad metric spec before computing anything", () => {
    const dir = karateDir();
    expect(() =>
      createManifest({
        dataset: join(dir, "edges.csv"),
        metrics: [{ metric: "pagerank", params: { alpha: 2 } } as never],
      }),
    ).toThrow(expect.objectContaining({ code: "TF_PCQ_METRIC_INVALID" }));
    expect(existsSync(join(dir, "manifest.json"))).toBe(false);
  });
});

describe("parseManifest", () => {
  const good = () => {
    const dir = karateDir();
    return createManifest({ dataset: join(dir, "edges.csv"), metrics: [{ metric: "degree" }] }).manifest;
  };

  it("names the field path of the first problem", () => {
    const m = structuredClone(good()) as Record<string, unknown> & {
      inputs: { checksumTree: { root: string } }[];
    };
    m.inputs[0]!.checksumTree.root = "nothex";
    expect(() => parseManifest(m)).toThrow(
      expect.objectContaining({
        code: "TF_PCQ_MANIFEST_INVALID",
        details: expect.objectContaining({ path: "inputs[0].checksumTree.root" }),
      }),
    );
    const n = structuredClone(good()) as unknown as { pipeline: { inputs: string[] }[] };
    n.pipeline[1]!.inputs = ["nowhere"];
    expect(() => parseManifest(n)).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ path: "pipeline[1].inputs[0]" }) }),
    );
    expect(() => parseManifest("{not json")).toThrow(
      expect.objectContaining({ code: "TF_PCQ_MANIFEST_INVALID" }),
    );
  });

  it("refuses unknown schema versions with their own code", () => {
    const m = { ...good(), schema: "trustfabric.dev/pcq/manifest/v2" };
    expect(() => parseManifest(m)).toThrow(expect.objectContaining({ code: "TF_PCQ_SCHEMA_VERSION" }));
    expect(() => parseResult({ schema: "trustfabric.dev/pcq/result/v9", results: [] })).toThrow(
      expect.objectContaining({ code: "TF_PCQ_SCHEMA_VERSION" }),
    );
  });

  it("refuses non-finite claimed values (1e999 parses to Infinity)", () => {
    const text = `{"schema":"trustfabric.dev/pcq/result/v1","results":[{"step":"degree","spec":{"metric":"degree"},"value":{"kind":"node-values","values":{"a":1e999}}}]}`;
    expect(() => parseResult(text)).toThrow(
      expect.objectContaining({
        code: "TF_PCQ_RESULT_INVALID",
        details: expect.objectContaining({ path: "results[0].value.values.a" }),
      }),
    );
  });

  it("identifies a manifest by its canonical JSON, not its formatting", () => {
    const m = good();
    expect(manifestDigest(parseManifest(JSON.stringify(m)))).toBe(
      manifestDigest(parseManifest(JSON.stringify(m, null, 4))),
    );
  });

  it("exports JSON Schemas of its documents", () => {
    const schemas = pcqDocumentJsonSchemas() as Record<string, { properties?: Record<string, unknown> }>;
    expect(Object.keys(schemas)).toContain(MANIFEST_SCHEMA);
    expect(schemas[MANIFEST_SCHEMA]!.properties).toHaveProperty("inputs");
    expect(schemas["trustfabric.dev/pcq/receipt/v1"]!.properties).toHaveProperty("log");
  });
});
