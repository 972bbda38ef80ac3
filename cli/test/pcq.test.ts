import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tf, tmp, treeDigest } from "./helpers.js";

const KARATE = join(import.meta.dirname, "../../examples/pcq/dsl/karate");

let home: string;
let work: string;
let vkey: string;

beforeAll(() => {
  home = tmp("tf-pcq-home-");
  const init = tf(home, ["log", "init", "--origin", "example.com/pcq", "--json"]);
  expect(init.code).toBe(0);
  vkey = init.json!.data!.vkey as string;
  work = tmp("tf-pcq-work-");
  cpSync(KARATE, work, { recursive: true });
  const c = tf(home, ["pcq", "dsl", "compile", join(work, "program.prov")]);
  expect(c.code, c.stderr).toBe(0);
  expect(c.stdout).toMatch(/compiled karate \(3 steps\): wrote .*result\.json, .*manifest\.json/);
});

/** A fresh copy of the compiled example. */
function copy(): string {
  const d = tmp("tf-pcq-copy-");
  cpSync(work, d, { recursive: true });
  return d;
}

describe("tf pcq replay", () => {
  it("exits 0 on a match and renders the verdict", () => {
    const r = tf(home, ["pcq", "replay", work]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^✔ MATCH karate \(manifest, manifest\.json sha256:/);
    expect(r.stdout).toContain("metric pagerank: ok — 34 compared, 0 outside the window");
  });

  it("exits 3 on a tampered row and names the chunk, with the --json envelope", () => {
    const d = copy();
    const p = join(d, "edges.csv");
    const lines = readFileSync(p, "utf8").split("\n");
    lines[70] = "32,1"; // data row 70 is in the second chunk (rows 65–78)
    writeFileSync(p, lines.join("\n"));
    const r = tf(home, ["pcq", "replay", join(d, "manifest.json")]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^✖ MISMATCH karate/);
    expect(r.stdout).toContain("chunk 1 (rows 65–78, path R) differs");
    const j = tf(home, ["pcq", "replay", d, "--json"]);
    expect(j.code).toBe(3);
    const report = j.json!.data!.report as {
      outcome: string;
      inputs: { tree: { chunks: { chunk: number }[] } }[];
    };
    expect(j.json!.ok).toBe(true);
    expect(report.outcome).toBe("mismatch");
    expect(report.inputs[0]!.tree.chunks[0]!.chunk).toBe(1);
  });

  it("replays a fixture directory against its goldens", () => {
    const r = tf(home, [
      "pcq",
      "replay",
      join(import.meta.dirname, "../../examples/pcq/fixtures/florentine-families"),
      "--json",
    ]);
    expect(r.code, r.stdout).toBe(0);
    expect((r.json!.data!.report as { mode: string }).mode).toBe("golden");
  });
});

describe("witness receipts end to end", () => {
  let dir: string;
  beforeAll(() => {
    dir = copy();
    const r = tf(home, [
      "pcq",
      "replay",
      dir,
      "--witness",
      "--receipt",
      join(dir, "receipt.json"),
      "--report-html",
      join(dir, "report.html"),
      "--report-json",
      join(dir, "report.json"),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/witnessed in example\.com\/pcq at index \d+ .*receipt in .*receipt\.json/);
  });

  const verify = (receipt: string, extra: string[] = []) =>
    tf(home, [
      "pcq",
      "verify-receipt",
      receipt,
      "--log-key",
      vkey,
      "--manifest",
      join(dir, "manifest.json"),
      "--result",
      join(dir, "result.json"),
      ...extra,
    ]);

  it("writes the receipt and both reports, and the receipt verifies offline", () => {
    expect(readFileSync(join(dir, "report.html"), "utf8")).toMatch(/^<!doctype html>/);
    expect(JSON.parse(readFileSync(join(dir, "report.json"), "utf8")).outcome).toBe("match");
    const r = verify(join(dir, "receipt.json"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✔ receipt verifies: PASSED verdict for karate/);
    expect(r.stdout).toContain("checked against the log's key");
    // The log key also works from a file.
    const keyFile = join(dir, "log.vkey");
    writeFileSync(keyFile, `${vkey}\n`);
    const f = tf(home, ["pcq", "verify-receipt", join(dir, "receipt.json"), "--log-key", keyFile, "--json"]);
    expect(f.code, f.stdout + f.stderr).toBe(0);
    expect(f.json!.data).toMatchObject({ ok: true, verdict: "PASSED", origin: "example.com/pcq" });
  });

  it("a tampered receipt, manifest or result fails with its own code", () => {
    const receipt = JSON.parse(readFileSync(join(dir, "receipt.json"), "utf8"));
    receipt.log.leafHash = Buffer.alloc(32).toString("base64");
    const bad = join(dir, "bad-receipt.json");
    writeFileSync(bad, JSON.stringify(receipt));
    const r = verify(bad, ["--json"]);
    expect(r.code).toBe(3);
    expect(r.json).toMatchObject({ ok: false, error: { code: "TF_PCQ_RECEIPT_LEAF_MISMATCH" } });

    const d2 = copy();
    cpSync(join(dir, "receipt.json"), join(d2, "receipt.json"));
    writeFileSync(
      join(d2, "manifest.json"),
      readFileSync(join(dir, "manifest.json"), "utf8").replace('"seed": 42', '"seed": 43'),
    );
    const m = tf(home, [
      "pcq",
      "verify-receipt",
      join(d2, "receipt.json"),
      "--log-key",
      vkey,
      "--manifest",
      join(d2, "manifest.json"),
      "--json",
    ]);
    expect(m.code).toBe(3);
    expect(m.json!.error!.code).toBe("TF_PCQ_RECEIPT_MANIFEST_MISMATCH");

    writeFileSync(join(d2, "result.json"), `${readFileSync(join(dir, "result.json"), "utf8")} `);
    const res = tf(home, [
      "pcq",
      "verify-receipt",
      join(d2, "receipt.json"),
      "--log-key",
      vkey,
      "--result",
      join(d2, "result.json"),
      "--json",
    ]);
    expect(res.code).toBe(3);
    expect(res.json!.error!.code).toBe("TF_PCQ_RECEIPT_RESULT_MISMATCH");
  });

  it("a receipt checked against another log's key names that", () => {
    const other = tmp("tf-pcq-other-");
    const init = tf(other, ["log", "init", "--origin", "example.com/other", "--json"]);
    const r = tf(home, [
      "pcq",
      "verify-receipt",
      join(dir, "receipt.json"),
      "--log-key",
      init.json!.data!.vkey as string,
      "--json",
    ]);
    expect(r.code).toBe(3);
    expect(r.json!.error!.code).toBe("TF_PCQ_RECEIPT_WRONG_LOG");
  });
});

describe("manifests and bad input", () => {
  it("creates and validates a manifest from flags", () => {
    const d = tmp("tf-pcq-create-");
    cpSync(join(KARATE, "edges.csv"), join(d, "edges.csv"));
    const c = tf(home, [
      "pcq",
      "manifest",
      "create",
      join(d, "edges.csv"),
      "--metric",
      "degree",
      "--metric",
      'louvain:{"resolution":1}',
      "--seed",
      "5",
      "--name",
      "club",
      "--json",
    ]);
    expect(c.code, c.stdout).toBe(0);
    expect(readdirSync(d).sort()).toEqual(["edges.csv", "manifest.json", "result.json"]);
    const v = tf(home, ["pcq", "manifest", "validate", join(d, "manifest.json")]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(
      /is a valid trustfabric\.dev\/pcq\/manifest\/v1 \(club: 1 input\(s\), 3 step\(s\)/,
    );
    expect(tf(home, ["pcq", "replay", d]).code).toBe(0);
  });

  it("each bad input has a clear code and writes nothing", () => {
    const d = tmp("tf-pcq-bad-");
    writeFileSync(join(d, "edges.csv"), "source,target\na,b\nb\n");
    const before = treeDigest(d);
    const corrupt = tf(home, [
      "pcq",
      "manifest",
      "create",
      join(d, "edges.csv"),
      "--metric",
      "degree",
      "--json",
    ]);
    expect(corrupt.code).toBe(2);
    expect(corrupt.json!.error!.code).toBe("TF_PCQ_DATASET_INVALID");
    expect(corrupt.json!.error!.message).toContain("edges.csv:3");
    expect(treeDigest(d)).toBe(before);

    writeFileSync(join(d, "p.prov"), 'prov p {\n  source e = csv("edges.csv")\n  metric degree(e)\n}\n');
    const parse = tf(home, ["pcq", "dsl", "compile", join(d, "p.prov"), "--json"]);
    expect(parse.code).toBe(2);
    expect(parse.json!.error!.code).toBe("TF_PCQ_DSL_PARSE");
    expect(parse.json!.error!.message).toMatch(/p\.prov:3:17: e is not a graph transform/);
    expect(existsSync(join(d, "manifest.json"))).toBe(false);

    const m = JSON.parse(readFileSync(join(work, "manifest.json"), "utf8"));
    m.schema = "trustfabric.dev/pcq/manifest/v2";
    writeFileSync(join(d, "manifest.json"), JSON.stringify(m));
    const version = tf(home, ["pcq", "manifest", "validate", join(d, "manifest.json"), "--json"]);
    expect(version.code).toBe(2);
    expect(version.json!.error!.code).toBe("TF_PCQ_SCHEMA_VERSION");
    m.schema = "trustfabric.dev/pcq/manifest/v1";
    m.inputs[0].size = -1;
    writeFileSync(join(d, "manifest.json"), JSON.stringify(m));
    const invalid = tf(home, ["pcq", "manifest", "validate", join(d, "manifest.json"), "--json"]);
    expect(invalid.json!.error).toMatchObject({
      code: "TF_PCQ_MANIFEST_INVALID",
      details: { path: "inputs[0].size" },
    });

    // A manifest whose result file is not beside it.
    const lone = tmp("tf-pcq-lone-");
    cpSync(join(work, "manifest.json"), join(lone, "manifest.json"));
    cpSync(join(work, "edges.csv"), join(lone, "edges.csv"));
    const missing = tf(home, ["pcq", "replay", join(lone, "manifest.json"), "--json"]);
    expect(missing.code).toBe(2);
    expect(missing.json!.error).toMatchObject({
      code: "TF_PCQ_FILE_MISSING",
      details: { file: "result.json" },
    });

    // --witness without a log: nothing is written, the error names the fix.
    const noLog = tmp("tf-pcq-nolog-");
    const w = copy();
    const wBefore = treeDigest(w);
    const nl = tf(noLog, [
      "pcq",
      "replay",
      w,
      "--witness",
      "--receipt",
      join(w, "r.json"),
      "--report-html",
      join(w, "r.html"),
      "--json",
    ]);
    expect(nl.json!.error!.code).toBe("TF_LOG_NOT_INITIALIZED");
    expect(treeDigest(w)).toBe(wBefore);
    expect(existsSync(join(w, "r.html"))).toBe(false);
  });
});
