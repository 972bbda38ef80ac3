import fc from "fast-check";
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

// ---------------------------------------------------------------------------------------------
// Differential test: the indexed, compiled decide == a straightforward reference interpreter.

type Cond = { attr: string; op: string; value?: unknown } | { all: Cond[] } | { any: Cond[] } | { not: Cond };

const DIFF_SCHEMA = {
  apiVersion: "trustfabric.dev/lac/v1",
  kind: "Schema",
  metadata: { name: "diff" },
  attributes: {
    subject: {
      a: { type: "enum", values: ["x", "y", "z"] },
      n: { type: "number" },
      b: { type: "boolean" },
      s: { type: "string" },
      set: { type: "set", values: ["p", "q", "r"] },
    },
    resource: { e: { type: "enum", values: ["x", "y", "z"] }, m: { type: "number" } },
    context: { t: { type: "string" } },
  },
};
const ENUMS = ["x", "y", "z"];
const STRS = ["u", "v", "w"];

const enumLit = fc.constantFrom(...ENUMS);
const strLit = fc.constantFrom(...STRS);
const numLit = fc.integer({ min: 0, max: 4 });
const testArb: fc.Arbitrary<Cond> = fc.oneof(
  fc.record({
    attr: fc.constantFrom("subject.a", "resource.e"),
    op: fc.constantFrom("eq", "ne"),
    value: fc.oneof(enumLit, fc.constant({ attr: "resource.e" }), fc.constant({ attr: "subject.a" })),
  }),
  fc.record({
    attr: fc.constantFrom("subject.a", "resource.e"),
    op: fc.constantFrom("in", "not_in"),
    value: fc.oneof(fc.uniqueArray(enumLit, { minLength: 1 }), fc.constant({ attr: "subject.set" })),
  }),
  fc.record({ attr: fc.constant("subject.s"), op: fc.constantFrom("eq", "ne"), value: strLit }),
  fc
    .record({
      attr: fc.constant("context.t"),
      op: fc.constantFrom("in", "eq"),
      value: fc.oneof(strLit, fc.array(strLit, { minLength: 1 })),
    })
    .map((c) => ({ ...c, op: Array.isArray(c.value) ? "in" : "eq" })),
  fc.record({
    attr: fc.constantFrom("subject.n", "resource.m"),
    op: fc.constantFrom("eq", "ne", "lt", "le", "gt", "ge"),
    value: fc.oneof(numLit, fc.constant({ attr: "resource.m" })),
  }),
  fc.record({
    attr: fc.constantFrom("subject.n"),
    op: fc.constant("in"),
    value: fc.array(numLit, { minLength: 1 }),
  }),
  fc.record({ attr: fc.constant("subject.b"), op: fc.constantFrom("eq", "ne"), value: fc.boolean() }),
  fc.record({
    attr: fc.constant("subject.set"),
    op: fc.constant("contains"),
    value: fc.constantFrom("p", "q", "r"),
  }),
  fc.record({
    attr: fc.constantFrom("subject.a", "subject.n", "subject.set", "context.t", "graph.nodeCount"),
    op: fc.constant("exists"),
  }),
  fc.record({
    attr: fc.constantFrom("graph.componentSize", "graph.maxDegree", "graph.pathLength"),
    op: fc.constantFrom("gt", "le"),
    value: numLit,
  }),
);
const condArb: fc.Arbitrary<Cond> = fc.letrec<{ c: Cond }>((tie) => ({
  c: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    testArb,
    fc.record({ all: fc.array(tie("c"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie("c"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie("c") }),
  ),
})).c;
// Index-friendly rules: equality tests on top of an all:, as real policies write them.
const indexedArb: fc.Arbitrary<Cond> = fc
  .tuple(
    fc.oneof(
      fc.record({ attr: fc.constant("subject.a"), op: fc.constant("eq"), value: enumLit }),
      fc.record({
        attr: fc.constant("resource.e"),
        op: fc.constant("in"),
        value: fc.uniqueArray(enumLit, { minLength: 1 }),
      }),
      fc.record({ attr: fc.constant("subject.b"), op: fc.constant("eq"), value: fc.boolean() }),
      fc.record({ attr: fc.constant("subject.n"), op: fc.constant("eq"), value: numLit }),
    ),
    fc.array(condArb, { maxLength: 2 }),
  )
  .map(([head, rest]) => ({ all: [head, ...rest] }));

const ruleArb = fc.record({
  effect: fc.constantFrom("allow", "deny"),
  when: fc.option(fc.oneof(condArb, indexedArb, indexedArb), { nil: undefined }),
  obligations: fc.constantFrom([], [{ preset: "drop", field: "f" }]),
});
const policyArb = fc.record({
  rules: fc.array(ruleArb, { minLength: 1, maxLength: 40 }),
  combining: fc.constantFrom("deny-overrides", "permit-overrides", "first-applicable"),
  mode: fc.constantFrom("audit", "enforce"),
});
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(fc.oneof(a, a, a, fc.constant(null)), { nil: undefined });
const requestArb = fc.record({
  subject: fc.record(
    {
      a: maybe(enumLit),
      n: maybe(numLit),
      b: maybe(fc.boolean()),
      s: maybe(strLit),
      set: maybe(fc.subarray(["p", "q", "r"])),
    },
    { requiredKeys: [] },
  ),
  resource: fc.record({ e: maybe(enumLit), m: maybe(numLit) }, { requiredKeys: [] }),
  context: fc.record({ t: maybe(strLit) }, { requiredKeys: [] }),
  graph: fc.option(
    fc.record({
      edges: fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })), {
        maxLength: 10,
      }),
      seeds: fc.option(fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 2 }), { nil: undefined }),
    }),
    { nil: undefined },
  ),
});

type Req = Record<string, Record<string, unknown> | undefined> & { graph?: unknown };

/** The reference: walk the condition tree for every rule, in order; no index, no closures. */
function referenceDecide(
  p: {
    rules: { id: string; effect: string; when?: Cond; obligations: unknown[] }[];
    combining: string;
    mode: string;
  },
  r: Req,
) {
  const value = (attr: string): unknown => {
    const [ns, key] = attr.split(".") as [string, string];
    if (ns === "graph") {
      if (!r.graph) return undefined;
      return (graphMetricsRef(r.graph as never) as Record<string, unknown>)[key];
    }
    const v = r[ns]?.[key];
    return v === null ? undefined : v;
  };
  const operand = (v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? value((v as { attr: string }).attr) : v;
  const ev = (c: Cond): boolean | undefined => {
    if ("all" in c) {
      const vs = c.all.map(ev);
      return vs.includes(false) ? false : vs.includes(undefined) ? undefined : true;
    }
    if ("any" in c) {
      const vs = c.any.map(ev);
      return vs.includes(true) ? true : vs.includes(undefined) ? undefined : false;
    }
    if ("not" in c) {
      const v = ev(c.not);
      return v === undefined ? undefined : !v;
    }
    const x = value(c.attr);
    if (c.op === "exists") return x !== undefined;
    const y = operand(c.value);
    if (x === undefined) return undefined;
    switch (c.op) {
      case "eq":
        return y === undefined ? undefined : x === y;
      case "ne":
        return y === undefined ? undefined : x !== y;
      case "in":
        return Array.isArray(y) ? y.includes(x) : undefined;
      case "not_in":
        return Array.isArray(y) ? !y.includes(x) : undefined;
      case "contains":
        return Array.isArray(x) && y !== undefined ? x.includes(y) : undefined;
      default:
        if (typeof x !== "number" || typeof y !== "number") return undefined;
        return c.op === "lt" ? x < y : c.op === "le" ? x <= y : c.op === "gt" ? x > y : x >= y;
    }
  };
  const allow: string[] = [];
  const deny: string[] = [];
  const notEvaluable: string[] = [];
  for (const rule of p.rules) {
    const t = rule.when === undefined ? true : ev(rule.when);
    if (t === undefined) notEvaluable.push(rule.id);
    if (t !== true) continue;
    (rule.effect === "allow" ? allow : deny).push(rule.id);
    if (p.combining === "first-applicable") break;
  }
  let verdict: "allow" | "deny";
  let deciding: string[];
  if (p.combining === "permit-overrides")
    [verdict, deciding] = allow.length ? ["allow", allow] : ["deny", deny];
  else if (p.combining === "deny-overrides")
    [verdict, deciding] = deny.length ? ["deny", deny] : ["allow", allow];
  else [verdict, deciding] = allow.length ? ["allow", allow] : ["deny", deny];
  if (deciding.length === 0) verdict = "deny";
  const obligations =
    verdict === "allow"
      ? deciding.flatMap((id) =>
          p.rules.find((x) => x.id === id)!.obligations.map((o) => ({ ...(o as object), rule: id })),
        )
      : [];
  return {
    decision: p.mode === "audit" ? "allow" : verdict,
    policyDecision: verdict,
    decidingRules: deciding,
    defaulted: deciding.length === 0,
    notEvaluable,
    obligations,
  };
}

/** Graph metrics the slow way (adjacency sets, BFS), independent of graph.ts. */
function graphMetricsRef(g: { edges: [number, number][]; seeds?: number[] }) {
  const adj = new Map<number, Set<number>>();
  const node = (v: number) => {
    if (!adj.has(v)) adj.set(v, new Set());
    return adj.get(v)!;
  };
  for (const [u, v] of g.edges) {
    node(u);
    node(v);
    if (u !== v) {
      node(u).add(v);
      node(v).add(u);
    }
  }
  for (const s of g.seeds ?? []) node(s);
  const bfs = (starts: number[]) => {
    const dist = new Map(starts.map((s) => [s, 0]));
    const q = [...new Set(starts)];
    while (q.length) {
      const v = q.shift()!;
      for (const w of adj.get(v)!)
        if (!dist.has(w)) {
          dist.set(w, dist.get(v)! + 1);
          q.push(w);
        }
    }
    return dist;
  };
  let componentSize = 0;
  for (const v of adj.keys()) componentSize = Math.max(componentSize, bfs([v]).size);
  const seeds = g.seeds ?? [];
  return {
    nodeCount: adj.size,
    componentSize,
    maxDegree: Math.max(0, ...[...adj.values()].map((s) => s.size)),
    pathLength: seeds.length ? Math.max(...bfs(seeds).values()) : undefined,
  };
}

describe("indexed decide == reference interpreter (fast-check)", () => {
  it("on random policies and requests", () => {
    fc.assert(
      fc.property(policyArb, fc.array(requestArb, { minLength: 1, maxLength: 12 }), (spec, requests) => {
        const doc = {
          apiVersion: "trustfabric.dev/lac/v1",
          kind: "Policy",
          metadata: { name: "diff", version: "1" },
          combining: spec.combining,
          mode: spec.mode,
          rules: spec.rules.map((r, i) => ({
            id: `r${i}`,
            effect: r.effect,
            ...(r.when ? { when: r.when } : {}),
            reason: "k",
            obligations: r.effect === "allow" ? r.obligations : [],
          })),
          reasons: { k: { en: "k" } },
        };
        const compiled = compilePolicy(doc, DIFF_SCHEMA);
        const ref = { ...doc, rules: doc.rules as never };
        for (const r of requests) {
          const got = compiled.decide(r as never);
          const want = referenceDecide(ref, r as Req);
          expect({
            decision: got.decision,
            policyDecision: got.policyDecision,
            decidingRules: got.decidingRules,
            defaulted: got.defaulted,
            notEvaluable: got.notEvaluable,
            obligations: got.obligations,
          }).toEqual(want);
          expect(got.reasons.map((x) => x.rule)).toEqual(want.defaulted ? [null] : want.decidingRules);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("the index covers several attributes on a policy that tests them", () => {
    const rules = ["x", "y", "z"].flatMap((v, i) => [
      {
        id: `a${i}`,
        effect: "allow",
        when: {
          all: [
            { attr: "subject.a", op: "eq", value: v },
            { attr: "resource.e", op: "in", value: [v] },
          ],
        },
        reason: "k",
      },
      { id: `d${i}`, effect: "deny", when: { attr: "resource.e", op: "eq", value: v }, reason: "k" },
    ]);
    const p = compilePolicy(
      {
        apiVersion: "trustfabric.dev/lac/v1",
        kind: "Policy",
        metadata: { name: "i", version: "1" },
        rules,
        reasons: { k: { en: "k" } },
      },
      DIFF_SCHEMA,
    );
    expect(p.indexes).toEqual([
      { attribute: "resource.e", rules: 6 },
      { attribute: "subject.a", rules: 3 },
    ]);
    expect(p.index).toEqual({ attribute: "resource.e", rules: 6 });
  });
});
