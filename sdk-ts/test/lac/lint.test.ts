import { describe, expect, it } from "vitest";
import { TfError } from "../../src/core/errors.js";
import { compilePolicy } from "../../src/lac/compile.js";
import { LINT_RULES, lacLint, selectRules } from "../../src/lac/lint.js";
import { example, policy, rule, SCHEMA } from "./fixtures.js";

/** The ids of the findings of one rule on a policy built from rules (YAML) and a header. */
function ids(rules: string, only: string, header = "", schema = SCHEMA): string[] {
  const r = lacLint(policy(rules, header), schema, { rules: [only] });
  expect(r.checked).toBe(true);
  return r.findings.map((f) => `${f.rule}@${f.path ?? ""}`);
}
const role = (v: string) => `{ attr: subject.role, op: eq, value: ${v} }`;
const FIRST = "combining: first-applicable\n";
const PERMIT = "combining: permit-overrides\n";
const ob = (...lines: string[]) => `    obligations:\n${lines.map((l) => `      - ${l}\n`).join("")}`;
const used =
  rule("deny-r2", "deny", role("contractor"), "r2") + rule("deny-r3", "deny", role("contractor"), "r3");

describe("the catalogue", () => {
  it("has unique ids and names and every rule is documented", async () => {
    const { readFileSync } = await import("node:fs");
    const doc = readFileSync(new URL("../../../docs/lac-lint.md", import.meta.url), "utf8");
    expect(new Set(LINT_RULES.map((r) => r.id)).size).toBe(LINT_RULES.length);
    expect(new Set(LINT_RULES.map((r) => r.name)).size).toBe(LINT_RULES.length);
    for (const r of LINT_RULES) expect(doc).toContain(`### ${r.id} ${r.name}`);
  });
  it("selects by id or name and rejects unknown names", () => {
    expect(selectRules(["LAC101", "shadowed-rule"]).map((r) => r.id)).toEqual(["LAC101", "LAC102"]);
    expect(selectRules(undefined, ["lac301"]).some((r) => r.id === "LAC301")).toBe(false);
    expect(() => selectRules(["LAC999"])).toThrow(TfError);
  });
  it("the shipped examples lint clean", () => {
    for (const f of ["analytics-export.yaml", "research-sharing.yaml"])
      expect(lacLint(example(f), example("schema.yaml")).findings).toEqual([]);
  });
});

describe("bugs", () => {
  it("LAC101: after an unconditional rule under first-applicable", () => {
    expect(
      ids(rule("deny-all", "deny", "") + rule("allow-a", "allow", role("analyst")) + used, "LAC101", FIRST),
    ).toEqual(["LAC101@rules.1.id", "LAC101@rules.2.id", "LAC101@rules.3.id"]);
    expect(
      ids(rule("allow-a", "allow", role("analyst")) + rule("deny-all", "deny", "") + used, "LAC101", FIRST),
    ).toEqual(["LAC101@rules.2.id", "LAC101@rules.3.id"]);
  });
  it("LAC101: an allow covered by a broader deny under deny-overrides (and the mirror)", () => {
    const allow = rule(
      "allow-a",
      "allow",
      `{ all: [${role("analyst")}, { attr: subject.onCall, op: eq, value: true }] }`,
    );
    const deny = rule("deny-b", "deny", `{ attr: subject.role, op: in, value: [analyst, contractor] }`, "r2");
    expect(ids(allow + deny, "LAC101")).toEqual(["LAC101@rules.0.id"]);
    expect(ids(allow + deny, "LAC101", PERMIT)).toEqual([]);
    // Negative: the deny is narrower (the usual exception pattern).
    const narrow = rule(
      "deny-c",
      "deny",
      `{ all: [${role("analyst")}, { attr: subject.clearance, op: lt, value: 3 }] }`,
      "r2",
    );
    expect(ids(rule("allow-a", "allow", role("analyst")) + narrow, "LAC101")).toEqual([]);
  });
  it("LAC102: same effect, implied by an earlier rule", () => {
    const a = rule("allow-a", "allow", `{ attr: subject.clearance, op: gt, value: 1 }`);
    const b = rule("allow-b", "allow", `{ attr: subject.clearance, op: ge, value: 5 }`, "r2");
    expect(ids(a + b, "LAC102", FIRST)).toEqual(["LAC102@rules.1.id"]);
    expect(ids(b + a, "LAC102", FIRST)).toEqual([]);
    // Under deny-overrides both decide; only a pure duplicate (same reason, obligations) is reported.
    expect(ids(a + b, "LAC102")).toEqual([]);
    expect(
      ids(a + rule("allow-b", "allow", `{ attr: subject.clearance, op: ge, value: 5 }`), "LAC102"),
    ).toEqual(["LAC102@rules.1.id"]);
  });
  it("LAC103: allow and deny with equivalent conditions", () => {
    const a = rule("allow-a", "allow", `{ attr: subject.role, op: in, value: [analyst] }`);
    const d = rule("deny-a", "deny", role("analyst"), "r2");
    expect(ids(a + d, "LAC103")).toEqual(["LAC103@rules.0.id"]);
    expect(ids(a + d, "LAC103", PERMIT)).toEqual(["LAC103@rules.1.id"]);
    expect(ids(a + rule("deny-a", "deny", role("admin"), "r2"), "LAC103")).toEqual([]);
  });
  it("LAC104: contradictions, whole or in part", () => {
    const both = `{ all: [${role("analyst")}, ${role("admin")}] }`;
    expect(ids(rule("allow-a", "allow", both), "LAC104")).toEqual(["LAC104@rules.0.when"]);
    const range = `{ any: [${role("admin")}, { all: [{ attr: subject.clearance, op: gt, value: 5 }, { attr: subject.clearance, op: lt, value: 3 }] }] }`;
    expect(ids(rule("allow-a", "allow", range), "LAC104")).toEqual(["LAC104@rules.0.when.any.1"]);
    // not(exists) and a value test of the same attribute.
    const absent = `{ all: [{ not: { attr: subject.geo, op: exists } }, { attr: subject.geo, op: eq, value: EU }] }`;
    expect(ids(rule("allow-a", "allow", absent), "LAC104")).toEqual(["LAC104@rules.0.when"]);
    // Every enum value excluded.
    const enumAll = `{ attr: subject.role, op: not_in, value: [analyst, admin, contractor] }`;
    expect(ids(rule("allow-a", "allow", enumAll), "LAC104")).toEqual(["LAC104@rules.0.when"]);
    expect(
      ids(
        rule(
          "allow-a",
          "allow",
          `{ all: [${role("analyst")}, { attr: subject.clearance, op: gt, value: 5 }] }`,
        ),
        "LAC104",
      ),
    ).toEqual([]);
  });
  it("LAC105: always-true conditions and redundant tests", () => {
    const taut = `{ any: [{ attr: subject.geo, op: exists }, { not: { attr: subject.geo, op: exists } }] }`;
    expect(ids(rule("allow-a", "allow", taut), "LAC105")).toEqual(["LAC105@rules.0.when"]);
    const redundant = `{ all: [${role("analyst")}, { attr: subject.role, op: in, value: [analyst, admin] }] }`;
    expect(ids(rule("allow-a", "allow", redundant), "LAC105")).toEqual(["LAC105@rules.0.when.all.1"]);
    // Under not:, "undefined" matters: no redundancy is claimed.
    expect(ids(rule("allow-a", "allow", `{ not: ${redundant} }`), "LAC105")).toEqual([]);
    expect(
      ids(rule("allow-a", "allow", `{ any: [${role("analyst")}, ${role("admin")}] }`), "LAC105"),
    ).toEqual([]);
  });
  it("LAC106: duplicates, with a fix", () => {
    const dup = `{ any: [${role("analyst")}, { op: eq, attr: subject.role, value: analyst }, ${role("admin")}] }`;
    const p = policy(rule("allow-a", "allow", dup) + used);
    const r = lacLint(p, SCHEMA, { rules: ["LAC106"] });
    expect(r.findings.map((f) => f.path)).toEqual(["rules.0.when.any.1"]);
    expect(r.findings[0]!.fix!.replacements).toHaveLength(1);
    const fixed = lacLint(p, SCHEMA, { rules: ["LAC106"], fix: true });
    expect(fixed.applied).toHaveLength(1);
    expect(fixed.findings).toEqual([]);
    expect(fixed.fixed).toContain(
      `any: [{ attr: subject.role, op: eq, value: analyst }, { attr: subject.role, op: eq, value: admin }]`,
    );
    expect(
      ids(rule("allow-a", "allow", `{ any: [${role("analyst")}, ${role("admin")}] }`), "LAC106"),
    ).toEqual([]);
  });
  it("LAC107: attribute comparisons whose values never meet", () => {
    const schema = SCHEMA.replace(
      "    purpose: string",
      "    purpose: string\n    zone: { type: enum, values: [north, south] }\n    region: { type: enum, values: [EU, US] }\n    geo: { type: enum, values: [EU, APAC] }",
    );
    const w = (a: string, op: string, b: string) =>
      `{ attr: context.${a}, op: ${op}, value: { attr: context.${b} } }`;
    expect(ids(rule("deny-a", "deny", w("zone", "eq", "region")), "LAC107", "", schema)).toEqual([
      "LAC107@rules.0.when",
    ]);
    expect(ids(rule("deny-a", "deny", w("geo", "ne", "region")), "LAC107", "", schema)).toEqual([]);
  });
  it("LAC108: id naming the opposite effect", () => {
    expect(ids(rule("allow-x", "deny", role("analyst")), "LAC108")).toEqual(["LAC108@rules.0.effect"]);
    expect(
      ids(rule("deny-x", "deny", role("analyst")) + rule("allowance", "deny", role("admin")), "LAC108"),
    ).toEqual([]);
  });
});

describe("safety", () => {
  it("LAC201: a denial without text in the default locale", () => {
    const p = policy(rule("deny-a", "deny", role("analyst"))).replace(
      `en: "Rule one for {subject.role}"`,
      `en: "  "`,
    );
    const r = lacLint(p, SCHEMA, { rules: ["LAC201"] });
    expect(r.findings.map((f) => f.path)).toEqual(["reasons.r1.en"]);
    const fr = policy(rule("deny-a", "deny", role("analyst")), "defaultLocale: de\n");
    expect(lacLint(fr, SCHEMA, { rules: ["LAC201"] }).findings).toEqual([]);
    const nl = policy(rule("deny-a", "deny", role("analyst")), "defaultLocale: nl\n").replace(
      /de: "/g,
      'nl: "',
    );
    expect(lacLint(nl, SCHEMA, { rules: ["LAC201"] }).findings.map((f) => f.path)).toEqual(["defaultLocale"]);
  });
  it("LAC202: a reason missing a locale others have (replaces the checker's warning)", () => {
    const p = policy(rule("deny-a", "deny", role("analyst")) + used).replace(`, de: "Regel drei"`, "");
    const r = lacLint(p, SCHEMA, { rules: ["LAC202"] });
    expect(r.findings.map((f) => `${f.rule}@${f.path}`)).toEqual(["LAC202@reasons.r3"]);
    expect(
      lacLint(policy(rule("deny-a", "deny", role("analyst")) + used), SCHEMA, { rules: ["LAC202"] }).findings,
    ).toEqual([]);
  });
  it("LAC203: unused reasons, removed by the fix", () => {
    const p = policy(rule("deny-a", "deny", role("analyst")));
    expect(ids(rule("deny-a", "deny", role("analyst")), "LAC203")).toEqual([
      "LAC203@reasons.r2",
      "LAC203@reasons.r3",
    ]);
    const fixed = lacLint(p, SCHEMA, { rules: ["LAC203"], fix: true });
    expect(fixed.fixed).not.toContain("r2:");
    expect(fixed.fixed).toContain("r1:");
    expect(ids(rule("deny-a", "deny", role("analyst")) + used, "LAC203")).toEqual([]);
  });
  it("LAC204: allows with no condition or exists-only conditions", () => {
    expect(ids(rule("allow-all", "allow", ""), "LAC204")).toEqual(["LAC204@rules.0.id"]);
    expect(ids(rule("allow-x", "allow", "{ attr: subject.role, op: exists }"), "LAC204")).toEqual([
      "LAC204@rules.0.when",
    ]);
    expect(ids(rule("deny-all", "deny", "") + rule("allow-a", "allow", role("admin")), "LAC204")).toEqual([]);
  });
  it("LAC205: allows that can export with no obligation", () => {
    const exp = `{ all: [{ attr: action.type, op: eq, value: export }, ${role("analyst")}] }`;
    expect(ids(rule("allow-a", "allow", exp), "LAC205")).toEqual(["LAC205@rules.0.when"]);
    expect(ids(rule("allow-a", "allow", role("analyst")), "LAC205")).toEqual(["LAC205@rules.0.when"]);
    expect(ids(rule("allow-a", "allow", exp, "r1", ob("{ preset: drop, field: ssn }")), "LAC205")).toEqual(
      [],
    );
    expect(ids(rule("allow-q", "allow", "{ attr: action.type, op: eq, value: query }"), "LAC205")).toEqual(
      [],
    );
  });
  it("LAC206: presets made no-ops, transforms after a drop, repeats (fixed)", () => {
    const q = "{ attr: action.type, op: eq, value: query }";
    const bad = rule(
      "allow-q",
      "allow",
      q,
      "r1",
      ob(
        "{ preset: mask, field: phone, keepLast: 12 }",
        "{ preset: bucket, field: age, size: 1 }",
        "{ preset: top-k, field: accounts, k: 50000 }",
        "{ preset: drop, field: ssn }",
        "{ preset: mask, field: ssn }",
        "{ preset: drop, field: ssn }",
      ),
    );
    expect(ids(bad, "LAC206").map((x) => x.split(".").pop())).toEqual(["0", "1", "2", "4", "5"]);
    const good = rule(
      "allow-q",
      "allow",
      q,
      "r1",
      ob(
        "{ preset: mask, field: phone, keepLast: 4 }",
        "{ preset: bucket, field: age, size: 10 }",
        "{ preset: top-k, field: accounts, k: 100 }",
      ),
    );
    expect(ids(good, "LAC206")).toEqual([]);
    const fixed = lacLint(policy(bad), SCHEMA, { rules: ["LAC206"], fix: true });
    expect(fixed.applied.map((a) => a.rule)).toEqual(["LAC206"]);
    expect(fixed.findings).toHaveLength(4);
  });
  it("LAC207: rules no test makes decide (only with tests)", () => {
    const p = policy(
      rule("allow-a", "allow", role("analyst")) + rule("deny-b", "deny", role("contractor"), "r2"),
    );
    const tests = `apiVersion: trustfabric.dev/lac/v1
kind: PolicyTest
cases:
  - name: analyst
    request: { subject: { role: analyst } }
    expect: { decision: allow }
`;
    expect(lacLint(p, SCHEMA, { rules: ["LAC207"] }).findings).toEqual([]);
    expect(lacLint(p, SCHEMA, { rules: ["LAC207"], tests }).findings.map((f) => f.path)).toEqual([
      "rules.1.id",
    ]);
  });
});

describe("style and performance", () => {
  it("LAC301: kebab-case ids", () => {
    expect(ids(rule("Allow_A", "allow", role("analyst")), "LAC301")).toEqual(["LAC301@rules.0.id"]);
    expect(ids(rule("allow-a2", "allow", role("analyst")), "LAC301")).toEqual([]);
  });
  it("LAC302: non-canonical layout, fixed by formatting (comments kept)", () => {
    const p = policy(rule("deny-a", "deny", role("analyst")) + used).replace(
      "kind: Policy\n",
      "kind: Policy # the kind\n",
    );
    const messy = p.replace(
      "apiVersion: trustfabric.dev/lac/v1\nkind: Policy # the kind\n",
      "kind: Policy # the kind\napiVersion: trustfabric.dev/lac/v1\n",
    );
    expect(lacLint(messy, SCHEMA, { rules: ["LAC302"] }).findings.map((f) => f.line)).toEqual([1]);
    const fixed = lacLint(messy, SCHEMA, { rules: ["LAC302"], fix: true });
    expect(fixed.fixed).toContain("# the kind");
    expect(lacLint(fixed.fixed!, SCHEMA, { rules: ["LAC302"] }).findings).toEqual([]);
  });
  it("LAC401: graph tests first in all:/any:, reordered by the fix", () => {
    const graph = "{ attr: graph.componentSize, op: gt, value: 1000 }";
    const p = policy(rule("deny-a", "deny", `{ all: [${graph}, ${role("analyst")}] }`) + used);
    const r = lacLint(p, SCHEMA, { rules: ["LAC401"] });
    expect(r.findings.map((f) => f.path)).toEqual(["rules.0.when.all.0"]);
    const fixed = lacLint(p, SCHEMA, { rules: ["LAC401"], fix: true });
    expect(fixed.fixed).toContain(`all: [${role("analyst")}, ${graph}]`);
    expect(fixed.findings).toEqual([]);
    // Already cheap-first, or only graph tests: nothing to say.
    expect(ids(rule("deny-a", "deny", `{ all: [${role("analyst")}, ${graph}] }`) + used, "LAC401")).toEqual(
      [],
    );
    expect(ids(rule("deny-a", "deny", `{ any: [${graph}] }`) + used, "LAC401")).toEqual([]);
  });
});

describe("fix", () => {
  const messy = `# comment kept
kind: Policy
apiVersion: trustfabric.dev/lac/v1
metadata: { name: p, version: "1" }
rules:
  - id: deny-a # why
    effect: deny
    when: { all: [${role("analyst")}, ${role("analyst")}] }
    reason: r1
  - { id: deny-b, effect: deny, when: ${role("admin")}, reason: r2 }
reasons:
  r1: { en: "one", de: "eins" }
  r2: { en: "two", de: "zwei" }
  r3: { en: "three", de: "drei" }
`;
  it("applies only safe fixes, keeps comments, is idempotent and keeps decisions", () => {
    const r = lacLint(messy, SCHEMA, { fix: true });
    expect(r.applied.map((a) => a.rule).sort()).toEqual(["LAC106", "LAC203", "LAC302"]);
    expect(r.fixed).toContain("# comment kept");
    expect(r.fixed).toContain("# why");
    const again = lacLint(r.fixed!, SCHEMA, { fix: true });
    expect(again.applied).toEqual([]);
    expect(again.fixed).toBeUndefined();
    expect(again.findings.filter((f) => f.fix)).toEqual([]);
    const before = compilePolicy(messy, SCHEMA);
    const after = compilePolicy(r.fixed!, SCHEMA);
    for (const role of ["analyst", "admin", "contractor"]) {
      const req = { subject: { role } };
      expect(after.decide(req).decidingRules).toEqual(before.decide(req).decidingRules);
    }
  });
  it("a policy that does not check: the checker's findings with their codes, nothing fixed", () => {
    for (const [src, codeWanted] of [
      ["rules: [a", "TF_LAC_PARSE"],
      [new Uint8Array([0x61, 0xc3, 0x28]), "TF_LAC_ENCODING"],
      ["# x\n".repeat(300_000), "TF_LAC_TOO_LARGE"],
      [messy.replace("subject.role", "subject.rle"), "TF_LAC_UNKNOWN_ATTRIBUTE"],
    ] as const) {
      const r = lacLint(src, SCHEMA, { fix: true });
      expect(r.checked).toBe(false);
      expect(r.findings[0]!.rule).toBe(codeWanted);
      expect(r.fixed).toBeUndefined();
    }
  });
});
