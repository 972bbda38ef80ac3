import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { compilePolicy } from "../../src/lac/compile.js";
import { lacFormat, unifiedDiff } from "../../src/lac/fmt.js";
import { example, SCHEMA } from "./fixtures.js";

describe("lacFormat", () => {
  it("leaves the shipped examples unchanged (they are canonical)", () => {
    for (const f of ["analytics-export.yaml", "research-sharing.yaml", "schema.yaml"])
      expect(lacFormat(example(f)).changed).toBe(false);
  });

  it("orders keys, uses flow maps for tests and obligations, keeps comments", () => {
    const messy = `# head comment
rules:
  - reason: r1 # trailing
    when:
      any:
        - {value: analyst, op: eq, attr: subject.role}
        - not: {op: exists, attr: subject.geo}
    effect: allow
    id: allow-a
    obligations: [{field: email, preset: mask, keepLast: 2}]
kind: Policy
reasons:
  r1: {de: "eins", en: one}
metadata: {version: "1", name: p}
apiVersion: trustfabric.dev/lac/v1
`;
    const r = lacFormat(messy);
    expect(r.changed).toBe(true);
    expect(r.formatted).toBe(`# head comment
apiVersion: trustfabric.dev/lac/v1
kind: Policy
metadata:
  name: p
  version: "1"
rules:
  - id: allow-a
    effect: allow
    when:
      any:
        - { attr: subject.role, op: eq, value: analyst }
        - not: { attr: subject.geo, op: exists }
    reason: r1 # trailing
    obligations:
      - { preset: mask, field: email, keepLast: 2 }
reasons:
  r1:
    en: "one"
    de: "eins"
`);
    expect(lacFormat(r.formatted!).changed).toBe(false);
  });

  it("bad input comes back as diagnostics with codes, never a throw", () => {
    expect(lacFormat("a: [").diagnostics[0]!.code).toBe("TF_LAC_PARSE");
    expect(lacFormat(new Uint8Array([0x61, 0xff])).diagnostics[0]!.code).toBe("TF_LAC_ENCODING");
    expect(lacFormat("#".repeat(1024 * 1024 + 1)).diagnostics[0]!.code).toBe("TF_LAC_TOO_LARGE");
    expect(lacFormat("a: &x [*x]").diagnostics[0]!.code).toBe("TF_LAC_CYCLE");
    expect(lacFormat("a: [").formatted).toBeUndefined();
  });

  it("unifiedDiff gives hunks with positions", () => {
    expect(unifiedDiff("a\nb\nc\n", "a\nb\nc\n", "f")).toBe("");
    const d = unifiedDiff("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nD\ne\nf\ng\nh\n", "f");
    expect(d).toBe("--- f\n+++ f (formatted)\n@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n");
  });
});

// Random policies over the unit-test schema, written in random layouts.
const atom = fc.oneof(
  fc
    .constantFrom("analyst", "admin", "contractor")
    .map((v) => ({ attr: "subject.role", op: "eq", value: v })),
  fc
    .subarray(["analyst", "admin", "contractor"], { minLength: 1 })
    .map((v) => ({ attr: "subject.role", op: "in", value: v })),
  fc
    .tuple(fc.constantFrom("lt", "le", "gt", "ge"), fc.integer({ min: 0, max: 5 }))
    .map(([op, v]) => ({ attr: "subject.clearance", op, value: v })),
  fc.boolean().map((v) => ({ attr: "subject.onCall", op: "eq", value: v })),
  fc.constant({ attr: "subject.geo", op: "exists" }),
  fc.constantFrom("pii", "finance").map((v) => ({ attr: "resource.tags", op: "contains", value: v })),
);
const { cond } = fc.letrec((tie) => ({
  cond: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    atom,
    fc.array(tie("cond"), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie("cond"), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    tie("cond").map((not) => ({ not })),
  ),
}));
const obligation = fc.oneof(
  fc.record({
    preset: fc.constant("mask"),
    field: fc.constant("email"),
    keepLast: fc.integer({ min: 0, max: 6 }),
  }),
  fc.record({ preset: fc.constant("drop"), field: fc.constant("ssn") }),
  fc.record({
    preset: fc.constant("bucket"),
    field: fc.constant("age"),
    size: fc.integer({ min: 2, max: 20 }),
  }),
);
const policyArb = fc.record({
  combining: fc.constantFrom("deny-overrides", "permit-overrides", "first-applicable"),
  rules: fc.array(
    fc.record(
      {
        effect: fc.constantFrom("allow", "deny"),
        when: cond,
        reason: fc.constantFrom("r1", "r2"),
        obligations: fc.array(obligation, { maxLength: 2 }),
      },
      { requiredKeys: ["effect", "reason"] },
    ),
    { minLength: 1, maxLength: 5 },
  ),
  reverse: fc.boolean(),
  style: fc.constantFrom("block", "flow", "any") as fc.Arbitrary<"block" | "flow" | "any">,
  indent: fc.constantFrom(2, 4),
  comment: fc.boolean(),
});
const requestArb = fc.record(
  {
    subject: fc.record(
      {
        role: fc.constantFrom("analyst", "admin", "contractor"),
        clearance: fc.integer({ min: 0, max: 5 }),
        onCall: fc.boolean(),
        geo: fc.constant("EU"),
      },
      { requiredKeys: [] },
    ),
    resource: fc.record({ tags: fc.subarray(["pii", "finance", "public"]) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

/** Reverses key order everywhere (a different but equivalent document). */
function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reverseKeys(x)]),
    );
  return v;
}

describe("lacFormat properties", () => {
  it("fmt(fmt(x)) == fmt(x), and the formatted policy decides exactly like the original", () => {
    fc.assert(
      fc.property(policyArb, fc.array(requestArb, { minLength: 5, maxLength: 5 }), (p, requests) => {
        const doc = {
          apiVersion: "trustfabric.dev/lac/v1",
          kind: "Policy",
          metadata: { name: "prop", version: "1" },
          combining: p.combining,
          rules: p.rules.map((r, i) => ({ id: `rule-${i}`, ...r })),
          reasons: { r1: { en: "one {subject.role}", de: "eins" }, r2: { en: "two", de: "zwei" } },
        };
        let text = stringify(p.reverse ? reverseKeys(doc) : doc, {
          collectionStyle: p.style,
          indent: p.indent,
        });
        if (p.comment) text = `# a comment\n${text}`;
        const once = lacFormat(text);
        expect(once.diagnostics).toEqual([]);
        const twice = lacFormat(once.formatted!);
        expect(twice.changed).toBe(false);
        if (p.comment) expect(once.formatted).toContain("# a comment");
        const a = compilePolicy(text, SCHEMA);
        const b = compilePolicy(once.formatted!, SCHEMA);
        for (const req of requests) {
          const x = a.decide(req);
          const y = b.decide(req);
          expect(y).toEqual(x);
        }
      }),
      { numRuns: 60 },
    );
  });
});
