// The LAC/Cedar/OPA benchmark (bench/lac/compare.mjs) only means something if the policies it
// compares are equivalent. This checks the Cedar translation against LAC (and the reference
// evaluator of the neutral rules) on a generated 100-rule policy; the Rego side needs the opa
// binary, so it is checked by the benchmark itself, before any timing.
import { fileURLToPath, pathToFileURL } from "node:url";
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import { beforeAll, describe, expect, it } from "vitest";
import { compilePolicy } from "../../src/lac/compile.js";

interface Rule {
  id: string;
  effect: "allow" | "deny";
  when?: unknown;
}
type Request = Record<string, Record<string, unknown>>;

const bench = (f: string) =>
  pathToFileURL(fileURLToPath(new URL(`../../../bench/lac/${f}`, import.meta.url))).href;

// The bench modules are plain .mjs (no types): loaded by computed URL.
let gen: {
  SCHEMA: Record<string, Record<string, { type: string }>>;
  generatePolicy(seed: number, rules: number): { yaml: string; schema: string; rules: Rule[] };
  generateRequests(seed: number, n: number): Request[];
  referenceDecision(rules: Rule[], req: Request): "allow" | "deny";
};
let peers: {
  prepareCedar(
    c: typeof cedar,
    rules: Rule[],
    schema: unknown,
    o?: object,
  ): { policySetId: string; schemaName: string };
  cedarCall(
    req: Request,
    policySetId: string,
    schemaName?: string,
  ): Parameters<typeof cedar.statefulIsAuthorized>[0];
  cedarCondition(c: unknown): string;
};
let rego: { regoModule(rules: Rule[]): string };
let g: { yaml: string; schema: string; rules: Rule[] };
let lac: ReturnType<typeof compilePolicy>;

const SEED = 7;
beforeAll(async () => {
  gen = await import(bench("abac-gen.mjs"));
  peers = await import(bench("peers/cedar.mjs"));
  rego = await import(bench("peers/rego.mjs"));
  g = gen.generatePolicy(SEED, 100);
  lac = compilePolicy(g.yaml, g.schema);
});

function cedarDecide(req: Request, policySetId: string, schemaName?: string) {
  const a = cedar.statefulIsAuthorized(peers.cedarCall(req, policySetId, schemaName));
  if (a.type !== "success") throw new Error(JSON.stringify(a.errors));
  return {
    decision: a.response.decision,
    reasons: [...a.response.diagnostics.reason].sort(),
    errors: a.response.diagnostics.errors.length,
  };
}

describe("bench/lac translations", () => {
  it("Cedar, LAC and the reference reach the same decisions, by the same rules, on 2,000 requests", () => {
    const c = peers.prepareCedar(cedar, g.rules, gen.SCHEMA, {
      policySetId: "t-agree",
      schemaName: "t-agree",
    });
    const requests = gen.generateRequests(SEED, 2000);
    const mix = { allow: 0, rule: 0, default: 0 };
    for (const req of requests) {
      const d = lac.decide(req);
      const ce = cedarDecide(req, c.policySetId, c.schemaName);
      expect(ce.errors).toBe(0);
      expect({ cedar: ce.decision, reference: gen.referenceDecision(g.rules, req) }).toEqual({
        cedar: d.policyDecision,
        reference: d.policyDecision,
      });
      expect(ce.reasons).toEqual([...d.decidingRules].sort());
      if (d.policyDecision === "allow") mix.allow++;
      else if (d.defaulted) mix.default++;
      else mix.rule++;
    }
    // The workload exercises all three outcomes, so agreement is not agreement on a constant.
    for (const n of Object.values(mix)) expect(n).toBeGreaterThan(200);
  });

  it("the comparison notices a mistranslation: one forbid turned into a permit", () => {
    const victim = g.rules.find((r) => r.effect === "deny")!;
    const flipped = g.rules.map((r) => (r === victim ? { ...r, effect: "allow" as const } : r));
    const c = peers.prepareCedar(cedar, flipped, gen.SCHEMA, { policySetId: "t-flip", schemaName: "t-flip" });
    const hit = gen
      .generateRequests(SEED, 20_000)
      .filter((req) => lac.decide(req).decidingRules.includes(victim.id))
      .slice(0, 20);
    expect(hit.length).toBeGreaterThan(0);
    for (const req of hit) {
      const ce = cedarDecide(req, c.policySetId);
      const d = lac.decide(req);
      expect({ decision: ce.decision, rules: ce.reasons }).not.toEqual({
        decision: d.policyDecision,
        rules: [...d.decidingRules].sort(),
      });
    }
  });

  it("translates every operator and nesting as documented", () => {
    const when = {
      all: [
        { attr: "action.type", op: "in", value: ["query", "export"] },
        { attr: "subject.licenses", op: "contains", value: "gov" },
        { not: { attr: "context.hour", op: "ge", value: 20 } },
        {
          any: [
            { attr: "subject.role", op: "ne", value: "intern" },
            { attr: "resource.license", op: "in", value: { attr: "subject.licenses" } },
          ],
        },
        { attr: "resource.dataset", op: "not_in", value: ["ds-1"] },
        {
          not: {
            any: [
              { attr: "subject.mfa", op: "eq", value: false },
              { attr: "context.vpn", op: "eq", value: false },
            ],
          },
        },
      ],
    };
    expect(peers.cedarCondition(when)).toBe(
      '(["query", "export"].contains(context.action.type) && principal.licenses.contains("gov") && !(context.hour >= 20)' +
        ' && ((principal.role != "intern") || principal.licenses.contains(resource.license)) && !["ds-1"].contains(resource.dataset)' +
        " && !((principal.mfa == false) || (context.vpn == false)))",
    );
    const module = rego.regoModule([{ id: "r1", effect: "deny", when }]);
    expect(module).toContain(
      [
        "forbid if {",
        '\tinput.action.type in {"query", "export"}',
        '\t"gov" in input.subject.licenses',
        "\tnot input.context.hour >= 20",
        "\tc0",
        '\tnot input.resource.dataset in {"ds-1"}',
        "\tnot c1",
        "}",
      ].join("\n"),
    );
    expect(module).toContain(
      'c0 if {\n\tinput.subject.role != "intern"\n}\n\nc0 if {\n\tinput.resource.license in input.subject.licenses\n}',
    );
    expect(module).toContain(
      "c1 if {\n\tinput.subject.mfa == false\n}\n\nc1 if {\n\tinput.context.vpn == false\n}",
    );
    expect(module).not.toContain("c2");
  });
});
