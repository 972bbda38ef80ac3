import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tf, tmp } from "./helpers.js";

const ex = (p: string) => fileURLToPath(new URL(`../../examples/lac/${p}`, import.meta.url));
const SIM = [
  "lac",
  "simulate",
  "--from",
  ex("analytics-export.yaml"),
  "--to",
  ex("analytics-export.v2.yaml"),
  "--schema",
  ex("schema.yaml"),
  "--history",
  ex("history/queries.jsonl"),
];

describe("tf lac simulate", () => {
  const home = tmp();

  it("prints totals and groups as text, the report as JSON, CSV and HTML files", () => {
    const text = tf(home, SIM);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^analytics-export@1\.0\.0 → analytics-export@2\.0\.0: 2,996 queries replayed/,
    );
    expect(text.stdout).toContain("line 418: TF_JSON_MALFORMED");

    const json = tf(home, [...SIM, "--json"]);
    expect(json.code).toBe(0);
    const report = json.json!.data as { totals: Record<string, number>; groups: unknown[] };
    expect(report.totals.lines).toBe(3000);
    expect(report.totals.invalid).toBe(4);

    const dir = tmp();
    for (const format of ["json", "csv", "html"]) {
      const out = join(dir, `r.${format}`);
      const r = tf(home, [...SIM, "--format", format, "--out", out]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(`Wrote the ${format} report to ${out}`);
    }
    expect(JSON.parse(readFileSync(join(dir, "r.json"), "utf8")).totals).toEqual(report.totals);
    const csv = readFileSync(join(dir, "r.csv"), "utf8").split("\r\n");
    expect(csv[0]).toBe("kind,rule,team,dataset,count,examples");
    expect(csv.length - 2).toBe(report.groups.length);
    const html = readFileSync(join(dir, "r.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(
      `data-total="newly-blocked"><div class="value" data-sort="${report.totals.newlyBlocked}"`,
    );
  });

  it("reads a file on several threads to the same report (line numbers and examples in file order)", () => {
    // ids dropped from some queries: their examples are line numbers, shifted per thread's part
    const dir = tmp();
    const file = join(dir, "h.jsonl");
    const lines = readFileSync(ex("history/queries.jsonl"), "utf8").split("\n");
    writeFileSync(
      file,
      lines.map((l, i) => (i % 4 === 0 ? l.replace(/"id":"q-\d{7}",?/, "") : l)).join("\n"),
    );
    const run = (threads: string) => {
      const r = tf(home, [...SIM.slice(0, -1), file, "--threads", threads, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      return { ...r.json!.data, durationMs: 0, queriesPerSecond: 0 };
    };
    const one = run("1");
    expect(JSON.stringify(one)).toContain('"line:');
    expect(run("3")).toEqual(one);
    expect(run("7")).toEqual(one);
    const bad = tf(home, [...SIM, "--threads", "0", "--json"]);
    expect(bad.code).toBe(2);
  });

  it("a policy that does not check exits 3; a missing history file is TF_FILE_NOT_FOUND", () => {
    const dir = tmp();
    writeFileSync(join(dir, "bad.yaml"), "apiVersion: trustfabric.dev/lac/v1\nkind: Policy\n");
    const bad = tf(home, [...SIM.slice(0, 3), join(dir, "bad.yaml"), ...SIM.slice(4), "--json"]);
    expect(bad.code).toBe(3);
    expect(bad.json!.error!.code).toBe("TF_LAC_POLICY_INVALID");
    const missing = tf(home, [...SIM.slice(0, -1), join(dir, "nope.jsonl"), "--json"]);
    expect(missing.json!.error!.code).toBe("TF_FILE_NOT_FOUND");
  });
});

describe("tf lac redteam", () => {
  const home = tmp();
  const GATE = ["lac", "redteam", "--corpus", ex("redteam"), "--max-fn", "0", "--max-fp-rate", "0.02"];

  it("passes the gate on the shipped policies and prints a table per category", () => {
    const r = tf(home, GATE);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d{3} cases \(/);
    expect(r.stdout).toContain("injection");
    expect(r.stdout).toContain("false-positive");
    expect(r.stdout.trim()).toMatch(/✔ gate passed$/);
  });

  it("fails the gate with exit 3 and names the leaking cases when a rule is removed", () => {
    const dir = tmp();
    // Drop the rule's block: from its "- id:" line to the next rule.
    const src = readFileSync(ex("analytics-export.yaml"), "utf8");
    const at = src.indexOf("  - id: deny-small-cohort\n");
    const next = src.indexOf("  - id: ", at + 1);
    expect(at).toBeGreaterThan(0);
    writeFileSync(join(dir, "weak.yaml"), src.slice(0, at) + src.slice(next));
    const r = tf(home, [...GATE, "--policy", `analytics-export=${join(dir, "weak.yaml")}`, "--json"]);
    expect(r.code).toBe(3);
    const data = r.json!.data as {
      gate: { ok: boolean };
      categories: { category: string; falseNegatives: string[] }[];
    };
    expect(data.gate.ok).toBe(false);
    const agg = data.categories.find((c) => c.category === "aggregates")!;
    expect(agg.falseNegatives).toContain("aggregates:small-cohort-count-1");
    const text = tf(home, [
      ...GATE,
      "--policy",
      `analytics-export=${join(dir, "weak.yaml")}`,
      "--category",
      "aggregates",
    ]);
    expect(text.code).toBe(3);
    expect(text.stdout).toContain(
      "false-negative aggregates:small-cohort-count-1: expected deny by deny-small-cohort, got allow",
    );
    expect(text.stdout).toMatch(/✖ gate failed: \d+ false negatives/);
  });

  it("rejects a malformed --policy and --max-fp-rate as usage errors", () => {
    expect(
      tf(home, ["lac", "redteam", "--corpus", ex("redteam"), "--policy", "nopath", "--json"]).json!.error!
        .code,
    ).toBe("TF_USAGE");
    expect(tf(home, ["lac", "redteam", "--corpus", ex("redteam"), "--max-fp-rate", "5"]).code).toBe(2);
  });
});
