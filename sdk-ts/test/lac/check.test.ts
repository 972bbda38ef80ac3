import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/core/errors.js";
import { checkDocuments, lacCheck } from "../../src/lac/checker.js";
import { formatDiagnostic } from "../../src/lac/diagnostics.js";
import { example, policy, rule, SCHEMA } from "./fixtures.js";

const check = (p: string, s = SCHEMA) => lacCheck(p, s, { policyFile: "p.yaml", schemaFile: "s.yaml" });
const only = (p: string, s = SCHEMA) => {
  const r = check(p, s);
  expect(r.ok).toBe(false);
  return r.diagnostics.filter((d) => d.severity === "error");
};

describe("lacCheck", () => {
  it("the shipped examples check cleanly", () => {
    for (const f of ["analytics-export.yaml", "research-sharing.yaml"]) {
      const r = lacCheck(example(f), example("schema.yaml"));
      expect(r.diagnostics).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.policy!.rules.length).toBeGreaterThan(2);
    }
  });

  it("defaults: enforce, deny-overrides, en", () => {
    const r = check(policy(rule("a", "allow", "")));
    expect(r.ok).toBe(true);
    expect(r.policy).toMatchObject({ mode: "enforce", combining: "deny-overrides", defaultLocale: "en" });
  });

  it("a misspelt attribute: TF_LAC_UNKNOWN_ATTRIBUTE at its line:col with a suggestion", () => {
    const p = policy(rule("a", "allow", "{ attr: subject.rloe, op: eq, value: admin }"));
    const [d] = only(p);
    expect(d).toMatchObject({
      file: "p.yaml",
      line: 7,
      col: 19,
      code: "TF_LAC_UNKNOWN_ATTRIBUTE",
      suggestion: "subject.role",
      path: "rules.0.when.attr",
    });
    expect(formatDiagnostic(d!)).toBe(
      'p.yaml:7:19 error TF_LAC_UNKNOWN_ATTRIBUTE Unknown attribute "subject.rloe" — did you mean "subject.role"?',
    );
    // an unknown namespace says which ones exist; far-off names get no suggestion
    const [n] = only(policy(rule("a", "allow", "{ attr: user.whatever, op: exists }")));
    expect(n!.message).toContain("subject, resource, action, context");
    expect(n!.suggestion).toBeUndefined();
  });

  it.each([
    ["{ attr: subject.clearance, op: eq, value: high }", "number", "string"],
    ["{ attr: subject.onCall, op: eq, value: 1 }", "boolean", "number"],
    ["{ attr: subject.geo, op: lt, value: 3 }", "number", "string"],
    ["{ attr: subject.clearance, op: ge, value: '3' }", "number", "string"],
    ["{ attr: subject.role, op: in, value: analyst }", "list of enum(analyst|admin|contractor)", "string"],
    ["{ attr: subject.role, op: in, value: [analyst, 3] }", "enum(analyst|admin|contractor)", "number"],
    ["{ attr: subject.geo, op: contains, value: EU }", "set", "string"],
    [
      "{ attr: subject.groups, op: eq, value: x }",
      "string, number, boolean or enum attribute",
      "set<string>",
    ],
    ["{ attr: subject.clearance, op: eq, value: { attr: subject.geo } }", "number", "string"],
    [
      "{ attr: subject.geo, op: in, value: { attr: subject.role } }",
      "set<string>",
      "enum(analyst|admin|contractor)",
    ],
  ])("type error %s: expected %s, found %s", (when, expected, found) => {
    const [d] = only(policy(rule("a", "allow", when)));
    expect(d).toMatchObject({ code: "TF_LAC_TYPE", expected, found });
  });

  it("a value outside an enum is a type error with a suggestion", () => {
    const [d] = only(policy(rule("a", "allow", "{ attr: subject.role, op: eq, value: analist }")));
    expect(d).toMatchObject({
      code: "TF_LAC_TYPE",
      suggestion: "analyst",
      found: '"analist"',
      line: 7,
      col: 48,
    });
    const [s] = only(policy(rule("a", "allow", "{ attr: resource.tags, op: contains, value: pi }")));
    expect(s).toMatchObject({ code: "TF_LAC_TYPE", suggestion: "pii" });
  });

  it("well-typed conditions of every operator and combinator pass", () => {
    const when = `
      all:
        - { attr: subject.role, op: in, value: [analyst, admin] }
        - { attr: subject.role, op: not_in, value: [contractor] }
        - { attr: subject.onCall, op: ne, value: false }
        - any:
            - { attr: subject.clearance, op: lt, value: 1 }
            - { attr: subject.clearance, op: le, value: 2 }
            - { attr: subject.clearance, op: gt, value: 3 }
            - { attr: subject.clearance, op: ge, value: 4.5 }
        - not: { attr: resource.tags, op: contains, value: pii }
        - { attr: subject.groups, op: contains, value: { attr: subject.geo } }
        - { attr: resource.residency, op: eq, value: { attr: subject.geo } }
        - { attr: subject.geo, op: in, value: { attr: subject.groups } }
        - { attr: context.purpose, op: exists }`;
    expect(check(policy(rule("a", "allow", when))).diagnostics).toEqual([]);
  });

  it("TF_LAC_DUPLICATE_ID names the first use", () => {
    const [d] = only(policy(rule("same", "allow", "") + rule("same", "deny", "")));
    expect(d).toMatchObject({ code: "TF_LAC_DUPLICATE_ID", line: 8, col: 9 });
    expect(d!.message).toContain("line 5");
  });

  it("TF_LAC_UNKNOWN_REASON with a suggestion, for rules and defaultReason", () => {
    const ds = only(policy(rule("a", "allow", "", "r4"), "defaultReason: rr1\n"));
    expect(ds.map((d) => [d.code, d.suggestion])).toEqual([
      ["TF_LAC_UNKNOWN_REASON", "r1"],
      ["TF_LAC_UNKNOWN_REASON", "r1"],
    ]);
  });

  it("TF_LAC_REASON_LOCALE: a missing default-locale text is an error, another locale a warning", () => {
    const missingDe = policy(rule("a", "allow", "")).replace(
      'r3: { en: "Rule three", de: "Regel drei" }',
      'r3: { en: "Rule three" }',
    );
    const w = check(missingDe);
    expect(w.ok).toBe(true);
    expect(w.diagnostics).toMatchObject([{ code: "TF_LAC_REASON_LOCALE", severity: "warning", found: "en" }]);
    const missingEn = policy(rule("a", "allow", "")).replace(
      'r3: { en: "Rule three", de: "Regel drei" }',
      'r3: { de: "Regel drei" }',
    );
    expect(only(missingEn)[0]).toMatchObject({ code: "TF_LAC_REASON_LOCALE", severity: "error" });
  });

  it("reason placeholders must name attributes", () => {
    const p = policy(rule("a", "allow", "")).replace('{resource.dataset}", de', '{resource.datset}", de');
    expect(only(p)[0]).toMatchObject({
      code: "TF_LAC_UNKNOWN_ATTRIBUTE",
      suggestion: "resource.dataset",
      path: "reasons.r2.en",
    });
  });

  it("TF_LAC_UNKNOWN_PRESET with a suggestion; preset parameters are validated", () => {
    const ob = (o: string) => policy(rule("a", "allow", "", "r1", `    obligations:\n      - ${o}\n`));
    expect(only(ob("{ preset: maks, field: email }"))[0]).toMatchObject({
      code: "TF_LAC_UNKNOWN_PRESET",
      suggestion: "mask",
      line: 9,
      col: 19,
    });
    expect(only(ob("{ preset: top-k, field: x, k: 0 }"))[0]).toMatchObject({
      code: "TF_LAC_DOCUMENT_INVALID",
      path: "rules.0.obligations.0.k",
    });
    expect(only(ob("{ preset: bucket, field: age }"))[0]).toMatchObject({
      code: "TF_LAC_DOCUMENT_INVALID",
      message: "Missing field rules.0.obligations.0.size",
    });
    expect(check(ob("{ preset: mask, field: email, keepLast: 4 }")).policy!.rules[0]!.obligations).toEqual([
      { preset: "mask", field: "email", keepLast: 4, char: "*" },
    ]);
  });

  it("TF_LAC_DOCUMENT_INVALID: wrong apiVersion, misspelt fields and operators, bad condition shapes", () => {
    const wrongApi = policy(rule("a", "allow", "")).replace("lac/v1", "lac/v2");
    expect(only(wrongApi)[0]).toMatchObject({
      code: "TF_LAC_DOCUMENT_INVALID",
      line: 1,
      col: 13,
      path: "apiVersion",
    });
    const efect = policy(rule("a", "allow", "")).replace("effect:", "efect:");
    expect(only(efect).find((d) => d.suggestion)).toMatchObject({ suggestion: "effect" });
    const combining = policy(rule("a", "allow", ""), "combining: deny-override\n");
    expect(only(combining)[0]).toMatchObject({ suggestion: "deny-overrides", path: "combining" });
    expect(only(policy(rule("a", "allow", "{ attr: subject.role, op: equals, value: x }")))[0]).toMatchObject(
      { code: "TF_LAC_DOCUMENT_INVALID", path: "rules.0.when.op" },
    );
    expect(only(policy(rule("a", "allow", "{ attr: subject.role, op: eq, vaule: x }")))[0]).toMatchObject({
      suggestion: "value",
    });
    expect(only(policy(rule("a", "allow", "{ all: [] }")))[0]).toMatchObject({
      code: "TF_LAC_DOCUMENT_INVALID",
    });
    expect(only(policy(rule("a", "allow", "{ all: [], any: [] }")))[0]).toMatchObject({
      code: "TF_LAC_DOCUMENT_INVALID",
    });
    expect(only(policy(rule("a", "allow", "[1]")))[0]).toMatchObject({ expected: "map", found: "list" });
    expect(only(policy(rule("a", "allow", "{ attr: subject.role, op: exists, value: x }")))[0]).toMatchObject(
      { message: "exists takes no value" },
    );
    expect(only(policy(rule("a", "allow", "{ attr: subject.role, op: eq }")))[0]).toMatchObject({
      message: "Operator eq needs a value",
    });
  });

  it("schema errors are reported in the schema file; the policy is not checked against a broken schema", () => {
    const badSchema = SCHEMA.replace("onCall: boolean", "onCall: bool");
    const r = check(policy(rule("a", "allow", "")), badSchema);
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({
      file: "s.yaml",
      code: "TF_LAC_DOCUMENT_INVALID",
      line: 7,
      col: 13,
    });
  });

  it("parse, encoding and size errors come back as diagnostics", () => {
    expect(only("rules: [")[0]).toMatchObject({ code: "TF_LAC_PARSE", file: "p.yaml" });
    expect(only(Buffer.from([0x6b, 0x3a, 0x20, 0xfe]) as unknown as string)[0]).toMatchObject({
      code: "TF_LAC_ENCODING",
      line: 1,
      col: 4,
    });
    expect(only(" ".repeat(2 * 1024 * 1024))[0]).toMatchObject({ code: "TF_LAC_TOO_LARGE" });
    expect(only("a: &x [*x]")[0]).toMatchObject({ code: "TF_LAC_CYCLE" });
  });

  it("every diagnostic code used is a taxonomy code", () => {
    const used = [
      "TF_LAC_PARSE",
      "TF_LAC_ENCODING",
      "TF_LAC_TOO_LARGE",
      "TF_LAC_DOCUMENT_INVALID",
      "TF_LAC_CYCLE",
      "TF_LAC_UNKNOWN_ATTRIBUTE",
      "TF_LAC_TYPE",
      "TF_LAC_DUPLICATE_ID",
      "TF_LAC_UNKNOWN_REASON",
      "TF_LAC_REASON_LOCALE",
      "TF_LAC_UNKNOWN_PRESET",
      "TF_LAC_POLICY_INVALID",
      "TF_LAC_REQUEST_INVALID",
    ];
    for (const c of used) expect(Object.keys(ERROR_CODES)).toContain(c);
  });

  it("checkDocuments checks parsed objects the same way (positions 0:0)", () => {
    const r = checkDocuments(
      {
        apiVersion: "trustfabric.dev/lac/v1",
        kind: "Policy",
        metadata: { name: "x", version: 2 },
        rules: [{ id: "a", effect: "allow", reason: "r", when: { attr: "subject.rol", op: "exists" } }],
        reasons: { r: { en: "x" } },
      },
      {
        apiVersion: "trustfabric.dev/lac/v1",
        kind: "Schema",
        metadata: { name: "s" },
        attributes: { subject: { role: "string" } },
      },
    );
    expect(r.diagnostics).toMatchObject([
      { code: "TF_LAC_UNKNOWN_ATTRIBUTE", line: 0, col: 0, suggestion: "subject.role" },
    ]);
  });
});
