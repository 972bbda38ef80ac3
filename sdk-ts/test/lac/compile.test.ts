import { describe, expect, it } from "vitest";
import { isTfError } from "../../src/core/errors.js";
import { compilePolicy, parseLacRequest } from "../../src/lac/compile.js";
import { example, exampleRequest, policy, rule, SCHEMA } from "./fixtures.js";

const req = (subject: Record<string, unknown>, rest: Record<string, Record<string, unknown>> = {}) => ({
  subject,
  resource: { dataset: "orders", residency: "EU" },
  action: { type: "query" },
  ...rest,
});

// One allow and one deny that both apply to admins, and an allow for analysts.
const rules =
  rule("allow-admin", "allow", "{ attr: subject.role, op: eq, value: admin }", "r1") +
  rule("deny-admin-offcall", "deny", "{ attr: subject.onCall, op: eq, value: false }", "r2") +
  rule("allow-analyst", "allow", "{ attr: subject.role, op: in, value: [analyst] }", "r3");

const compile = (header: string, r = rules) => compilePolicy(policy(r, header), SCHEMA);

describe("compilePolicy + decide", () => {
  it("deny-overrides (default): any applicable deny wins; all deciding denies are reported", () => {
    const p = compile("");
    const d = p.decide(req({ role: "admin", onCall: false }));
    expect(d).toMatchObject({
      decision: "deny",
      policyDecision: "deny",
      mode: "enforce",
      combining: "deny-overrides",
      decidingRules: ["deny-admin-offcall"],
      defaulted: false,
      policyVersion: "7",
      policy: { name: "test-policy", version: "7" },
    });
    expect(d.reasons).toEqual([{ rule: "deny-admin-offcall", key: "r2", text: "Rule two on orders" }]);
    expect(p.decide(req({ role: "admin", onCall: true })).decision).toBe("allow");
  });

  it("permit-overrides: any applicable allow wins", () => {
    const p = compile("combining: permit-overrides\n");
    const d = p.decide(req({ role: "admin", onCall: false }));
    expect(d).toMatchObject({
      decision: "allow",
      decidingRules: ["allow-admin"],
      combining: "permit-overrides",
    });
    expect(p.decide(req({ role: "contractor", onCall: false }))).toMatchObject({
      decision: "deny",
      decidingRules: ["deny-admin-offcall"],
    });
  });

  it("first-applicable: the first rule that applies decides", () => {
    const p = compile("combining: first-applicable\n");
    expect(p.decide(req({ role: "admin", onCall: false }))).toMatchObject({
      decision: "allow",
      decidingRules: ["allow-admin"],
    });
    expect(p.decide(req({ role: "analyst", onCall: false }))).toMatchObject({
      decision: "deny",
      decidingRules: ["deny-admin-offcall"],
    });
    expect(p.decide(req({ role: "analyst", onCall: true }))).toMatchObject({
      decision: "allow",
      decidingRules: ["allow-analyst"],
    });
  });

  it("nothing applies: default deny with the built-in reason, or the policy's defaultReason", () => {
    const d = compile("").decide(req({ role: "contractor", onCall: true }), { locale: "de" });
    expect(d).toMatchObject({ decision: "deny", defaulted: true, decidingRules: [], obligations: [] });
    expect(d.reasons[0]).toMatchObject({ rule: null, key: "default-deny" });
    expect(d.reasons[0]!.text).toContain("test-policy");
    expect(d.reasons[0]!.text).toContain("Keine Regel");
    const withDefault = compile("defaultReason: r1\n").decide(req({ role: "contractor", onCall: true }));
    expect(withDefault.reasons).toEqual([{ rule: null, key: "r1", text: "Rule one for contractor" }]);
  });

  it("audit mode: effective allow, the would-be decision reported", () => {
    const d = compile("mode: audit\n").decide(req({ role: "admin", onCall: false }));
    expect(d).toMatchObject({
      decision: "allow",
      policyDecision: "deny",
      mode: "audit",
      decidingRules: ["deny-admin-offcall"],
    });
    expect(d.obligations).toEqual([]);
    const none = compile("mode: audit\n").decide(req({ role: "contractor", onCall: true }));
    expect(none).toMatchObject({ decision: "allow", policyDecision: "deny", defaulted: true });
  });

  it("reasons are localized and interpolated; unknown locales fall back to the default", () => {
    const p = compile("");
    const r = req({ role: "analyst", onCall: true });
    expect(p.decide(r, { locale: "en" }).reasons[0]!.text).toBe("Rule three");
    expect(p.decide(r, { locale: "de" })).toMatchObject({ locale: "de", reasons: [{ text: "Regel drei" }] });
    expect(p.decide(r, { locale: "de-AT" }).locale).toBe("de");
    expect(p.decide(r, { locale: "fr" }).locale).toBe("en");
    const admin = p.decide(req({ role: "admin", onCall: true }), { locale: "de" });
    expect(admin.reasons[0]!.text).toBe("Regel eins für admin");
  });

  it("obligations come from the allowing rules, with preset defaults filled in", () => {
    const r =
      rule(
        "a",
        "allow",
        "{ attr: subject.role, op: eq, value: admin }",
        "r1",
        "    obligations:\n      - { preset: mask, field: email }\n",
      ) +
      rule(
        "b",
        "allow",
        "{ attr: subject.onCall, op: eq, value: true }",
        "r2",
        "    obligations:\n      - { preset: top-k, field: rows, k: 10 }\n",
      );
    const d = compile("", r).decide(req({ role: "admin", onCall: true }));
    expect(d.obligations).toEqual([
      { preset: "mask", field: "email", keepLast: 0, char: "*", rule: "a" },
      { preset: "top-k", field: "rows", k: 10, rule: "b" },
    ]);
    expect(
      compile("combining: first-applicable\n", r).decide(req({ role: "admin", onCall: true })).obligations,
    ).toHaveLength(1);
  });

  it("a missing attribute makes a condition not evaluable: the rule is skipped and reported", () => {
    const d = compile("").decide(req({ role: "contractor" }));
    expect(d).toMatchObject({ decision: "deny", defaulted: true, notEvaluable: ["deny-admin-offcall"] });
    // not(...) of an unknown stays unknown: a missing attribute never turns a rule on
    const notRule = rule("n", "allow", "{ not: { attr: subject.onCall, op: eq, value: false } }", "r1");
    expect(compile("", notRule).decide(req({ role: "admin" }))).toMatchObject({
      decision: "deny",
      notEvaluable: ["n"],
    });
  });

  it("rules are indexed on the attribute most rules test for equality, with the same decisions", () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      rule(
        `r${i}`,
        i % 3 === 0 ? "deny" : "allow",
        `{ all: [ { attr: context.purpose, op: eq, value: p${i % 10} }, { attr: subject.clearance, op: ge, value: ${i} } ] }`,
        "r1",
      ),
    ).join("");
    const p = compilePolicy(policy(many, "combining: first-applicable\n"), SCHEMA);
    expect(p.index).toEqual({ attribute: "context.purpose", rules: 30 });
    for (let i = 0; i < 40; i++) {
      const r = { subject: { clearance: i }, context: { purpose: `p${i % 12}` } };
      const d = p.decide(r);
      // reference: linear scan
      const first = Array.from({ length: 30 }, (_, k) => k).find(
        (k) => `p${k % 10}` === r.context.purpose && i >= k,
      );
      expect(d.decidingRules).toEqual(first === undefined ? [] : [`r${first}`]);
    }
  });

  it("attribute references compare two request attributes", () => {
    const r = rule(
      "same-geo",
      "allow",
      "{ attr: resource.residency, op: eq, value: { attr: subject.geo } }",
      "r1",
    );
    const p = compile("", r);
    expect(p.decide(req({ geo: "EU" })).decision).toBe("allow");
    expect(p.decide(req({ geo: "US" })).decision).toBe("deny");
  });

  it("requests are validated against the schema (TF_LAC_REQUEST_INVALID, with suggestions)", () => {
    const p = compile("");
    const bad = (r: unknown) => {
      const e = (() => {
        try {
          p.decide(r as never);
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(isTfError(e, "TF_LAC_REQUEST_INVALID")).toBe(true);
      return e as { message: string; details: Record<string, unknown> };
    };
    expect(bad({ subject: { rol: "admin" } }).details.suggestion).toBe("subject.role");
    expect(bad({ subjects: {} }).details.suggestion).toBe("subject");
    expect(bad({ subject: { role: "boss" } }).details.expected).toBe("enum(analyst|admin|contractor)");
    expect(bad({ subject: { groups: "a" } }).details.expected).toBe("set<string>");
    expect(bad({ subject: { clearance: "3" } }).message).toContain("number");
    expect(bad([])).toBeTruthy();
    expect(p.decide({ subject: { role: "boss" } } as never, { validate: false }).decision).toBe("deny");
  });

  it("a policy that does not check cannot compile: TF_LAC_POLICY_INVALID names the first error", () => {
    const e = (() => {
      try {
        compilePolicy(policy(rule("a", "allow", "{ attr: subject.rloe, op: exists }")), SCHEMA, {
          policyFile: "p.yaml",
        });
      } catch (err) {
        return err as { code: string; message: string; details: { diagnostics: unknown[] } };
      }
    })()!;
    expect(e.code).toBe("TF_LAC_POLICY_INVALID");
    expect(e.message).toContain("p.yaml:7:19");
    expect(e.details.diagnostics).toHaveLength(1);
  });

  it("compiles parsed documents too", () => {
    const p = compilePolicy(
      {
        apiVersion: "trustfabric.dev/lac/v1",
        kind: "Policy",
        metadata: { name: "obj", version: "1" },
        rules: [
          { id: "a", effect: "allow", reason: "r", when: { attr: "subject.role", op: "eq", value: "x" } },
        ],
        reasons: { r: { en: "ok {subject.role}" } },
      },
      {
        apiVersion: "trustfabric.dev/lac/v1",
        kind: "Schema",
        metadata: { name: "s" },
        attributes: { subject: { role: "string" } },
      },
    );
    expect(p.decide({ subject: { role: "x" } })).toMatchObject({
      decision: "allow",
      reasons: [{ text: "ok x" }],
    });
  });

  it("parseLacRequest: JSON errors are TF_JSON_MALFORMED", () => {
    expect(() => parseLacRequest("{", "r.json")).toThrow(/r\.json is not valid JSON/);
    expect(() => parseLacRequest("[]", "r.json")).toThrow(/one JSON object/);
  });
});

describe("the shipped example policies", () => {
  const analytics = compilePolicy(example("analytics-export.yaml"), example("schema.yaml"));
  const research = compilePolicy(example("research-sharing.yaml"), example("schema.yaml"));

  it.each([
    ["analyst-query.json", "allow", ["allow-analyst-query"], 1],
    ["analyst-export-eu.json", "allow", ["allow-analyst-export"], 3],
    ["export-outside-residency.json", "deny", ["deny-export-outside-residency"], 0],
    ["contractor-pii.json", "deny", ["deny-contractor-pii"], 0],
    ["on-call-incident.json", "allow", ["allow-on-call-incident"], 1],
    ["engineer-query.json", "deny", [], 0],
  ])("analytics-export: %s → %s", (file, decision, rules, obligations) => {
    const d = analytics.decide(exampleRequest(file));
    expect(d).toMatchObject({ decision, decidingRules: rules });
    expect(d.obligations).toHaveLength(obligations);
    expect(d.reasons.length).toBeGreaterThan(0);
    expect(d.notEvaluable).toEqual([]);
  });

  it("residency denial reads well in English and German", () => {
    const r = exampleRequest("export-outside-residency.json");
    expect(analytics.decide(r, { locale: "en" }).reasons[0]!.text).toBe(
      "Data resident in EU may not be exported to US.",
    );
    expect(analytics.decide(r, { locale: "de" }).reasons[0]!.text).toBe(
      "Daten mit Standort EU dürfen nicht nach US exportiert werden.",
    );
  });

  it("export without a reason for access, from a free tier, with a restricted license: every deny reported", () => {
    const r = exampleRequest("analyst-export-eu.json");
    delete r.context!.reasonForAccess;
    r.context!.tenantTier = "free";
    r.resource!.license = "restricted";
    expect(analytics.decide(r).decidingRules).toEqual([
      "deny-free-tier-export",
      "deny-restricted-license",
      "deny-export-without-reason",
    ]);
    r.subject!.licenses = ["restricted"];
    expect(analytics.decide(r).decidingRules).toEqual([
      "deny-free-tier-export",
      "deny-export-without-reason",
    ]);
  });

  it("research-sharing runs in audit mode", () => {
    const d = research.decide(exampleRequest("analyst-query.json"));
    expect(d).toMatchObject({
      decision: "allow",
      policyDecision: "deny",
      mode: "audit",
      decidingRules: ["deny-everything-else"],
    });
  });
});
