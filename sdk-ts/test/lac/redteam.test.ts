import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { TfError } from "../../src/core/errors.js";
import { runOperation } from "../../src/engine/index.js";
import { type CompiledPolicy, compilePolicy } from "../../src/lac/compile.js";
import { loadRedTeamCorpus, parseCases, type RedTeamCase, runRedTeam } from "../../src/lac/redteam.js";

const CORPUS_DIR = fileURLToPath(new URL("../../../examples/lac/redteam/", import.meta.url));
const corpus = loadRedTeamCorpus(CORPUS_DIR);
const compileAll = (overrides: Record<string, string> = {}) => {
  const m = new Map<string, CompiledPolicy>();
  for (const [name, p] of Object.entries(corpus.policies))
    m.set(name, compilePolicy(overrides[name] ?? p.text, corpus.schema));
  return m;
};
const shipped = compileAll();

/** The policy's YAML without one rule. */
function withoutRule(name: string, ruleId: string): string {
  const doc = parse(corpus.policies[name]!.text) as { rules: { id: string }[] };
  const before = doc.rules.length;
  doc.rules = doc.rules.filter((r) => r.id !== ruleId);
  expect(doc.rules.length).toBe(before - 1);
  return stringify(doc);
}

describe("the shipped red-team corpus", () => {
  it("has at least 400 labelled cases in every category the policies must resist, a good share allows", () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(400);
    const cats = new Set(corpus.cases.map((c) => c.category));
    for (const c of [
      "injection",
      "aggregates",
      "joins",
      "graph-leaks",
      "residency-tier",
      "license",
      "reason-for-access",
      "benign",
    ])
      expect(cats.has(c)).toBe(true);
    const allows = corpus.cases.filter((c) => c.expect.decision === "allow").length;
    expect(allows / corpus.cases.length).toBeGreaterThan(0.3);
    expect(corpus.cases.some((c) => c.request.graph !== undefined)).toBe(true);
  });

  it("gate: the shipped policies have no false negative and at most 2% false positives", () => {
    const r = runRedTeam(corpus.cases, shipped, { maxFn: 0, maxFpRate: 0.02 });
    const fn = r.failures.filter((f) => f.kind === "false-negative");
    expect(fn).toEqual([]);
    expect(r.summary.fpRate).toBeLessThanOrEqual(0.02);
    expect(r.gate).toEqual({ maxFn: 0, maxFpRate: 0.02, ok: true, violations: [] });
    expect(r.summary.cases).toBe(corpus.cases.length);
    // The labelled rules are the ones that decide (a right answer for the wrong reason is flagged).
    expect(r.failures.filter((f) => f.kind === "rule-mismatch")).toEqual([]);
    // The known friction cases are measured as false positives, nothing else.
    expect(r.failures.filter((f) => f.kind === "false-positive").map((f) => f.id)).toEqual(
      corpus.cases.filter((c) => c.id.includes(":friction-")).map((c) => c.id),
    );
  });

  it("every deny rule of the shipped policies is needed: dropping one yields false negatives", () => {
    for (const name of ["analytics-export", "research-sharing"]) {
      const doc = parse(corpus.policies[name]!.text) as { rules: { id: string; effect: string }[] };
      const denies = doc.rules.filter((r) => r.effect === "deny" && r.id !== "deny-everything-else");
      expect(denies.length).toBeGreaterThan(3);
      const cases = corpus.cases.filter((c) => c.policy === name);
      const unneeded: string[] = [];
      for (const rule of denies) {
        const r = runRedTeam(cases, compileAll({ [name]: withoutRule(name, rule.id) }), {
          maxFn: 0,
          maxFpRate: 0.02,
        });
        if (r.summary.falseNegatives === 0) unneeded.push(rule.id);
        else expect(r.gate.violations[0]).toMatch(/false negative/);
      }
      expect(unneeded, name).toEqual([]);
    }
  });
});

describe("runRedTeam", () => {
  const POLICY = compilePolicy(
    `apiVersion: trustfabric.dev/lac/v1
kind: Policy
metadata: { name: p, version: "1" }
rules:
  - id: deny-contractor
    effect: deny
    when: { attr: subject.role, op: eq, value: contractor }
    reason: r
  - id: allow-all
    effect: allow
    reason: r
reasons: { r: { en: "r" } }
`,
    corpus.schema,
  );
  const policies = new Map([["p", POLICY]]);
  const c = (
    id: string,
    category: string,
    role: string,
    decision: "allow" | "deny",
    extra = {},
  ): RedTeamCase => ({
    id,
    category,
    description: id,
    policy: "p",
    request: { subject: { role } },
    expect: { decision, ...extra },
  });

  it("counts false negatives, false positives and rule mismatches per category, and gates", () => {
    const cases = [
      c("a1", "x", "contractor", "deny", { rules: ["deny-contractor"] }),
      c("a2", "x", "analyst", "deny"), // FN
      c("b1", "y", "contractor", "allow"), // FP
      c("b2", "y", "analyst", "allow"),
      c("b3", "y", "analyst", "allow", { rules: ["allow-other"] }), // mismatch
      c("b4", "y", "nobody", "deny", { error: "TF_LAC_REQUEST_INVALID" }), // refused = deny
    ];
    const r = runRedTeam(cases, policies, { maxFn: 0, maxFpRate: 0.5 });
    expect(r.summary).toEqual({
      cases: 6,
      expectedDeny: 3,
      expectedAllow: 3,
      falseNegatives: 1,
      falsePositives: 1,
      fnRate: 0.333333,
      fpRate: 0.333333,
      ruleMismatches: 1,
    });
    expect(r.categories).toEqual([
      {
        category: "x",
        cases: 2,
        expectedDeny: 2,
        expectedAllow: 0,
        falseNegatives: ["a2"],
        falsePositives: [],
        ruleMismatches: [],
      },
      {
        category: "y",
        cases: 4,
        expectedDeny: 1,
        expectedAllow: 3,
        falseNegatives: [],
        falsePositives: ["b1"],
        ruleMismatches: ["b3"],
      },
    ]);
    expect(r.failures.map((f) => [f.kind, f.id])).toEqual([
      ["false-negative", "a2"],
      ["false-positive", "b1"],
      ["rule-mismatch", "b3"],
    ]);
    expect(r.gate.ok).toBe(false);
    expect(r.gate.violations).toEqual(["1 false negative (at most 0 allowed)"]);
    expect(runRedTeam(cases, policies, { maxFn: 1, maxFpRate: 0.3 }).gate.violations).toEqual([
      "false-positive rate 33.33% (at most 30.00% allowed)",
    ]);
    expect(runRedTeam(cases, policies).gate).toEqual({
      maxFn: null,
      maxFpRate: null,
      ok: true,
      violations: [],
    });
    expect(runRedTeam(cases, policies, { categories: ["x"] }).summary.cases).toBe(2);
  });

  it("refuses duplicate ids, unknown policies and malformed cases with TF_LAC_REDTEAM_CORPUS_INVALID", () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as TfError).code;
      }
      return "none";
    };
    expect(code(() => runRedTeam([c("a", "x", "a", "deny"), c("a", "x", "a", "deny")], policies))).toBe(
      "TF_LAC_REDTEAM_CORPUS_INVALID",
    );
    expect(code(() => runRedTeam([{ ...c("a", "x", "a", "deny"), policy: "q" }], policies))).toBe(
      "TF_LAC_REDTEAM_CORPUS_INVALID",
    );
    expect(code(() => parseCases('{"id": "a"}\n', "f.jsonl"))).toBe("TF_LAC_REDTEAM_CORPUS_INVALID");
    expect(code(() => parseCases("{nope\n", "f.jsonl"))).toBe("TF_LAC_REDTEAM_CORPUS_INVALID");
    const yaml = stringify([c("y1", "x", "contractor", "deny")]);
    expect(parseCases(yaml, "cases.yaml").map((x) => x.id)).toEqual(["y1"]);
  });
});

describe("lac.redteam operation", () => {
  it("runs a corpus directory (with a policy override) and the same cases given inline", async () => {
    const fromDir = await runOperation(
      "lac.redteam",
      { corpusDir: CORPUS_DIR, maxFn: 0, maxFpRate: 0.02, categories: ["joins"] },
      { home: tmpdir() },
    );
    expect(fromDir.summary.cases).toBe(corpus.cases.filter((x) => x.category === "joins").length);
    expect(fromDir.gate.ok).toBe(true);
    const weakened = withoutRule("analytics-export", "deny-join-outside-residency");
    const overridden = await runOperation(
      "lac.redteam",
      { corpusDir: CORPUS_DIR, policies: { "analytics-export": weakened }, maxFn: 0, categories: ["joins"] },
      { home: tmpdir() },
    );
    expect(overridden.gate.ok).toBe(false);
    expect(overridden.categories[0]!.falseNegatives.length).toBeGreaterThan(0);
    const joins = corpus.cases.filter((x) => x.category === "joins");
    const inline = await runOperation(
      "lac.redteam",
      {
        cases: joins,
        schema: corpus.schema,
        policies: Object.fromEntries(Object.entries(corpus.policies).map(([k, v]) => [k, v.text])),
      },
      { home: tmpdir() },
    );
    expect(inline.summary).toEqual(fromDir.summary);
  });

  it("reads YAML case files and names the corpus problem", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tf-redteam-"));
    writeFileSync(
      join(dir, "corpus.yaml"),
      `apiVersion: trustfabric.dev/lac/v1\nkind: RedTeamCorpus\nmetadata: { name: t }\nschema: ${join(CORPUS_DIR, "../schema.yaml")}\npolicies: { analytics-export: ${join(CORPUS_DIR, "../analytics-export.yaml")} }\ncases: c\n`,
    );
    mkdirSync(join(dir, "c"));
    writeFileSync(
      join(dir, "c", "a.yaml"),
      stringify(corpus.cases.filter((x) => x.policy === "analytics-export").slice(0, 5)),
    );
    const r = await runOperation("lac.redteam", { corpusDir: dir }, { home: tmpdir() });
    expect(r.summary.cases).toBe(5);
    writeFileSync(join(dir, "c", "b.jsonl"), '{"id": "bad", "category": "x"}\n');
    await expect(runOperation("lac.redteam", { corpusDir: dir }, { home: tmpdir() })).rejects.toMatchObject({
      code: "TF_LAC_REDTEAM_CORPUS_INVALID",
    });
    await expect(runOperation("lac.redteam", {}, { home: tmpdir() })).rejects.toBeInstanceOf(TfError);
  });
});
