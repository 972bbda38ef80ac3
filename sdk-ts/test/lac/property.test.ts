import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { TfError } from "../../src/core/errors.js";
import { lacCheck } from "../../src/lac/checker.js";
import { compilePolicy } from "../../src/lac/compile.js";
import { example, SCHEMA } from "./fixtures.js";

const POLICY = example("analytics-export.yaml");
const EXAMPLE_SCHEMA = example("schema.yaml");

/** Runs f; any exception other than a TfError fails the property. */
function onlyTfErrors(f: () => void): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof TfError)) throw e;
  }
}

function checkNeverThrows(policy: string | Uint8Array, schema: string | Uint8Array = EXAMPLE_SCHEMA): void {
  const r = lacCheck(policy, schema);
  expect(r.ok).toBe(r.errors === 0);
  for (const d of r.diagnostics) {
    expect(d.code).toMatch(/^TF_LAC_/);
    expect(Number.isInteger(d.line) && d.line >= 1).toBe(true);
    expect(Number.isInteger(d.col) && d.col >= 1).toBe(true);
  }
  if (r.ok) {
    const p = compilePolicy(policy, schema);
    onlyTfErrors(() => p.decide({ subject: { role: "analyst" }, action: { type: "query" } }));
  }
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.string({ maxLength: 8 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant("swap" as const), a: fc.nat(), b: fc.nat() }),
  fc.record({
    kind: fc.constant("token" as const),
    at: fc.nat(),
    text: fc.constantFrom(
      "*a",
      "&a ",
      ": ",
      "- ",
      "{",
      "}",
      "[",
      "]",
      "\t",
      "'",
      '"',
      "#",
      "\n  ",
      "{attr: x, op: eq}",
      "<<: *a",
      "!!binary ",
      "%YAML 1.2\n---\n",
      "\uFEFF",
    ),
  }),
);

function mutate(text: string, ms: readonly object[]): string {
  let s = text;
  for (const m of ms as {
    kind: string;
    at?: number;
    text?: string;
    len?: number;
    a?: number;
    b?: number;
  }[]) {
    if (m.kind === "swap") {
      const lines = s.split("\n");
      const a = m.a! % lines.length;
      const b = m.b! % lines.length;
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      s = lines.join("\n");
      continue;
    }
    const at = m.at! % (s.length + 1);
    s = m.kind === "delete" ? s.slice(0, at) + s.slice(at + m.len!) : s.slice(0, at) + m.text! + s.slice(at);
  }
  return s;
}

describe("lacCheck never crashes (property-based)", () => {
  it("on mutated example policies", () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (ms) =>
        checkNeverThrows(mutate(POLICY, ms)),
      ),
      { numRuns: 400 },
    );
  });

  it("on mutated schemas", () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) =>
        checkNeverThrows(POLICY, mutate(EXAMPLE_SCHEMA, ms)),
      ),
      { numRuns: 200 },
    );
  });

  it("on random text and random bytes", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => checkNeverThrows(s, SCHEMA)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => checkNeverThrows(b, SCHEMA)),
      { numRuns: 300 },
    );
  });

  it("on random structures in the policy's shape", () => {
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(
        "subject.role",
        "action.type",
        "eq",
        "in",
        "exists",
        "contains",
        "allow",
        "deny",
        "residency",
      ),
    );
    const cond = fc.letrec((tie) => ({
      c: fc.oneof(
        { depthSize: "small" },
        fc.record(
          {
            attr: value,
            op: value,
            value: fc.oneof(value, fc.array(value, { maxLength: 3 }), fc.record({ attr: value })),
          },
          { requiredKeys: ["attr", "op"] },
        ),
        fc.record({ all: fc.array(tie("c"), { maxLength: 3 }) }),
        fc.record({ any: fc.array(tie("c"), { maxLength: 3 }) }),
        fc.record({ not: tie("c") }),
        value,
      ),
    })).c;
    const policy = fc.record(
      {
        apiVersion: fc.constantFrom("trustfabric.dev/lac/v1", "v2"),
        kind: fc.constantFrom("Policy", "Schema"),
        metadata: fc.record({ name: value, version: value }),
        mode: fc.constantFrom("audit", "enforce", "x"),
        combining: fc.constantFrom("deny-overrides", "permit-overrides", "first-applicable", "y"),
        rules: fc.array(
          fc.record(
            {
              id: fc.constantFrom("a", "b", "c", ""),
              effect: fc.constantFrom("allow", "deny", "maybe"),
              when: cond,
              reason: fc.constantFrom("residency", "tier", "nope"),
              obligations: fc.array(
                fc.record({
                  preset: fc.constantFrom("mask", "top-k", "drop", "mask2"),
                  field: value,
                  k: fc.integer(),
                }),
                { maxLength: 2 },
              ),
            },
            { requiredKeys: ["id", "effect", "reason"] },
          ),
          { maxLength: 5 },
        ),
        reasons: fc.constant({
          residency: { en: "r {resource.residency}", de: "r" },
          tier: { en: "t", de: "t" },
        }),
      },
      { requiredKeys: ["apiVersion", "kind", "metadata", "rules"] },
    );
    fc.assert(
      fc.property(policy, (p) => checkNeverThrows(stringify(p))),
      { numRuns: 400 },
    );
  });

  it("decide on random requests throws only TfErrors", () => {
    const p = compilePolicy(POLICY, EXAMPLE_SCHEMA);
    const v = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
      fc.constantFrom("EU", "US", "analyst", "export", "query"),
    );
    const section = fc.dictionary(
      fc.constantFrom(
        "role",
        "onCall",
        "geo",
        "type",
        "rows",
        "residency",
        "containsPii",
        "licenses",
        "purpose",
        "x",
      ),
      v,
      { maxKeys: 4 },
    );
    const request = fc.dictionary(
      fc.constantFrom("subject", "resource", "action", "context", "other"),
      fc.oneof(section, v),
      { maxKeys: 4 },
    );
    fc.assert(
      fc.property(request, fc.boolean(), (r, validate) =>
        onlyTfErrors(() => p.decide(r as never, { validate })),
      ),
      { numRuns: 500 },
    );
  });
});
