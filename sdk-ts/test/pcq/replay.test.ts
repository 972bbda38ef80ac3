import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { digestBytes } from "../../src/core/canonical.js";
import { ReplayReport } from "../../src/pcq/diff.js";
import { createManifest } from "../../src/pcq/manifest.js";
import { readReplayTarget, replay, replayFiles } from "../../src/pcq/replay.js";

const EXAMPLES = join(import.meta.dirname, "../../../examples/pcq");
const tmp = () => mkdtempSync(join(tmpdir(), "tf-pcq-replay-"));

/** A karate manifest with chunks of 16 rows (78 rows → 5 chunks). */
function karate(
  metrics: unknown[] = [
    { metric: "pagerank" },
    { metric: "betweenness", params: { weighted: false } },
    { metric: "degree" },
  ],
) {
  const dir = tmp();
  cpSync(join(EXAMPLES, "dsl/karate/edges.csv"), join(dir, "edges.csv"));
  createManifest({
    dataset: join(dir, "edges.csv"),
    metrics: metrics as never,
    name: "karate",
    chunkRows: 16,
  });
  return dir;
}

const edit = (path: string, f: (s: string) => string) => writeFileSync(path, f(readFileSync(path, "utf8")));

describe("replay a manifest", () => {
  it("matches when nothing changed, and the report follows its schema", () => {
    const dir = karate();
    const r = replay(dir);
    expect(ReplayReport.parse(r)).toEqual(r);
    expect(r.outcome).toBe("match");
    expect(r.differences).toEqual([]);
    expect(r.inputs[0]).toMatchObject({ ok: true, rows: { expected: 78, actual: 78 } });
    expect(r.metrics.map((m) => [m.step, m.ok, m.compared])).toEqual([
      ["pagerank", true, 34],
      ["betweenness", true, 34],
      ["degree", true, 34],
    ]);
    // A manifest file path works as well as its directory.
    expect(replay(join(dir, "manifest.json")).subject.digest).toBe(r.subject.digest);
  });

  it("pinpoints a changed row to its chunk and shows the metric deltas against their windows", () => {
    const dir = karate();
    // Data row 40 (line 41 after the header) now points at a new node 99.
    edit(join(dir, "edges.csv"), (s) => {
      const lines = s.split("\n");
      lines[40] = "13,99";
      return lines.join("\n");
    });
    const r = replay(dir);
    expect(r.outcome).toBe("mismatch");
    const inp = r.inputs[0]!;
    expect(inp.ok).toBe(false);
    expect(inp.tree.differing).toBe(1);
    expect(inp.tree.chunks[0]).toMatchObject({ chunk: 2, firstRow: 33, lastRow: 48 });
    expect(r.differences[0]!.message).toMatch(
      /input edges: data differs in chunk 2 \(rows 33–48, tree path L/,
    );
    const degree = r.metrics.find((m) => m.step === "degree")!;
    expect(degree.ok).toBe(false);
    // Node 99 is new: the claim has no value for it.
    expect(degree.message).toMatch(/unexpected node/);
    const pagerank = r.metrics.find((m) => m.step === "pagerank")!;
    expect(pagerank.ok).toBe(false);
    const worst = pagerank.deltas[0]!;
    expect(worst.ok).toBe(false);
    expect(worst.abs!).toBeGreaterThan(worst.allowed);
  });

  it("reports a formatting-only change of the dataset as a warning, not a mismatch", () => {
    const dir = karate();
    edit(join(dir, "edges.csv"), (s) => s.replaceAll("\n", "\r\n").replace("0,1", "0, 1"));
    const r = replay(dir);
    expect(r.outcome).toBe("match");
    expect(r.differences).toEqual([expect.objectContaining({ severity: "warning", where: "input:edges" })]);
  });

  it("catches a claimed value that was edited, with or without fixing the manifest's digest", () => {
    const dir = karate();
    const rp = join(dir, "result.json");
    const doc = JSON.parse(readFileSync(rp, "utf8"));
    doc.results[0].value.values["0"] += 0.01; // pagerank of node 0, far outside 1e-4 relative
    writeFileSync(rp, `${JSON.stringify(doc, null, 2)}\n`);
    const r1 = replay(dir);
    expect(r1.outcome).toBe("mismatch");
    expect(r1.outputs[0]!.ok).toBe(false);
    expect(r1.differences.map((d) => d.where)).toEqual(["output:result", "metric:pagerank"]);
    // A forger who also rewrites the manifest's output digest is still caught by the recomputation.
    edit(join(dir, "manifest.json"), (s) => {
      const m = JSON.parse(s);
      m.outputs[0].digest = digestBytes(readFileSync(rp));
      m.outputs[0].size = readFileSync(rp).length;
      return JSON.stringify(m);
    });
    const r2 = replay(dir);
    expect(r2.outputs[0]!.ok).toBe(true);
    expect(r2.outcome).toBe("mismatch");
    const pr = r2.metrics.find((m) => m.step === "pagerank")!;
    expect(pr.failures).toBe(1);
    expect(pr.deltas[0]).toMatchObject({ key: "0", ok: false });
    expect(pr.deltas[0]!.abs!).toBeCloseTo(0.01, 6);
  });

  it("names library and engine versions that differ without failing on them alone", () => {
    const dir = karate([{ metric: "degree" }]);
    edit(join(dir, "manifest.json"), (s) => {
      const m = JSON.parse(s);
      m.pipeline[1].libraries.graphology = "0.1.0";
      m.pipeline[1].code.version = "0.0.1";
      return JSON.stringify(m);
    });
    const r = replay(dir);
    expect(r.outcome).toBe("match");
    expect(r.environment).toEqual([
      expect.objectContaining({
        step: "degree",
        field: "code.version",
        expected: "0.0.1",
        severity: "warning",
      }),
      expect.objectContaining({
        step: "degree",
        field: "libraries.graphology",
        expected: "0.1.0",
        severity: "warning",
      }),
    ]);
  });

  it("fails on an unknown implementation", () => {
    const dir = karate([{ metric: "degree" }]);
    edit(join(dir, "manifest.json"), (s) => {
      const m = JSON.parse(s);
      m.pipeline[1].code.name = "acme/degree-fast";
      return JSON.stringify(m);
    });
    const r = replay(dir);
    expect(r.outcome).toBe("mismatch");
    expect(r.environment[0]).toMatchObject({
      field: "code.name",
      expected: "acme/degree-fast",
      severity: "error",
    });
  });

  it("bad input: missing files, corrupt datasets, unknown versions, non-finite claims", () => {
    const dir = karate([{ metric: "degree" }]);
    const files = readReplayTarget(dir);
    const without = (name: string) => new Map([...files.files].filter(([k]) => k !== name));
    expect(() => replayFiles({ entry: "manifest.json", files: without("edges.csv") })).toThrow(
      expect.objectContaining({ code: "TF_PCQ_FILE_MISSING" }),
    );
    expect(() => replayFiles({ entry: "manifest.json", files: without("result.json") })).toThrow(
      expect.objectContaining({ code: "TF_PCQ_FILE_MISSING" }),
    );
    rmSync(join(dir, "edges.csv"));
    expect(() => replay(dir)).toThrow(expect.objectContaining({ code: "TF_PCQ_FILE_MISSING" }));
    writeFileSync(join(dir, "edges.csv"), 'source,target\n"a,b\n');
    expect(() => replay(dir)).toThrow(
      expect.objectContaining({
        code: "TF_PCQ_DATASET_INVALID",
        message: expect.stringContaining("edges.csv:2"),
      }),
    );
    cpSync(join(EXAMPLES, "dsl/karate/edges.csv"), join(dir, "edges.csv"));
    edit(join(dir, "result.json"), (s) => s.replace(/"0": 16/, '"0": 1e999'));
    expect(() => replay(dir)).toThrow(expect.objectContaining({ code: "TF_PCQ_RESULT_INVALID" }));
    edit(join(dir, "manifest.json"), (s) => s.replace("pcq/manifest/v1", "pcq/manifest/v7"));
    expect(() => replay(dir)).toThrow(expect.objectContaining({ code: "TF_PCQ_SCHEMA_VERSION" }));
    expect(() => replay(join(dir, "nope"))).toThrow(expect.objectContaining({ code: "TF_FILE_NOT_FOUND" }));
  });
});

describe("replay a fixture (golden mode)", () => {
  it("matches the NetworkX goldens and catches an edited expected value", () => {
    const dir = tmp();
    cpSync(join(EXAMPLES, "fixtures/florentine-families"), dir, { recursive: true });
    const r = replay(dir);
    expect(r.mode).toBe("golden");
    expect(r.outcome).toBe("match");
    expect(r.metrics.length).toBeGreaterThan(3);
    edit(join(dir, "expected.json"), (s) => {
      const doc = JSON.parse(s);
      const i = doc.results.findIndex((x: { spec: { metric: string } }) => x.spec.metric === "degree");
      const values = doc.results[i].value.values;
      const first = Object.keys(values)[0]!;
      values[first] += 1;
      return JSON.stringify(doc);
    });
    const r2 = replay(dir);
    expect(r2.outcome).toBe("mismatch");
    expect(r2.metrics.find((m) => m.metric === "degree")).toMatchObject({ ok: false, failures: 1 });
  });

  it("a fixture without its edges or expected values is refused", () => {
    const dir = tmp();
    cpSync(join(EXAMPLES, "fixtures/florentine-families"), dir, { recursive: true });
    rmSync(join(dir, "expected.json"));
    expect(() => replay(dir)).toThrow(expect.objectContaining({ code: "TF_PCQ_FILE_MISSING" }));
    rmSync(join(dir, "edges.csv"));
    expect(() => replay(dir)).toThrow(
      expect.objectContaining({ code: "TF_PCQ_FILE_MISSING", details: { file: "edges.csv" } }),
    );
  });
});

describe("pcq operations over the server", () => {
  it("replay, witness and verify a receipt with contents only, locally and remotely", async () => {
    const { clientKinds } = await import("../support/clients.js");
    const kinds = await clientKinds();
    try {
      const dir = karate([{ metric: "degree" }]);
      const target = readReplayTarget(dir);
      const files = Object.fromEntries(
        [...target.files].map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
      );
      for (const make of [kinds.make.local, kinds.make.remote]) {
        const client = make();
        const { vkey } = await client.log.init({ origin: "example.com/ops" });
        const { report, receipt } = await client.pcq.replay({ entry: target.entry, files, witness: true });
        expect(report.outcome).toBe("match");
        const v = await client.pcq.verifyReceipt({
          receipt: JSON.stringify(receipt),
          logKey: vkey,
          manifest: readFileSync(join(dir, "manifest.json"), "utf8"),
        });
        expect(v).toMatchObject({ ok: true, verdict: "PASSED", index: 0 });
        await expect(
          client.pcq.manifestValidate({ manifest: '{"schema":"trustfabric.dev/pcq/manifest/v1"}' }),
        ).rejects.toMatchObject({ code: "TF_PCQ_MANIFEST_INVALID" });
      }
    } finally {
      await kinds.close();
    }
  });
});
