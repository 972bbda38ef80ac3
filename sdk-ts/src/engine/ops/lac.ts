import { z } from "zod";
import { fromBase64 } from "../../core/encoding.js";
import { compilePolicy, lacCheck, type SourceInput } from "../../lac/index.js";
import { defineOperation } from "../operation.js";

const Encoding = z
  .enum(["utf8", "base64"])
  .default("utf8")
  .describe("How policy and schema are written: utf8 text, or base64 of the file's bytes (checked as UTF-8)");

const Sources = {
  policy: z.string().describe("the policy document (YAML, kind: Policy)"),
  schema: z.string().describe("the schema document (YAML, kind: Schema)"),
  encoding: Encoding,
  policyFile: z.string().optional().describe("name shown in diagnostics (default: policy)"),
  schemaFile: z.string().optional().describe("name shown in diagnostics (default: schema)"),
};

const Diagnostic = z.object({
  file: z.string(),
  line: z.number().int(),
  col: z.number().int(),
  severity: z.enum(["error", "warning"]),
  code: z.string(),
  message: z.string(),
  path: z.string().optional(),
  expected: z.string().optional(),
  found: z.string().optional(),
  suggestion: z.string().optional().describe("did you mean"),
});

function sources(input: {
  policy: string;
  schema: string;
  encoding: "utf8" | "base64";
}): [SourceInput, SourceInput] {
  if (input.encoding === "utf8") return [input.policy, input.schema];
  return [fromBase64(input.policy, "policy"), fromBase64(input.schema, "schema")];
}

export const lacCheckOp = defineOperation({
  name: "lac.check",
  summary: "Parse a LAC policy and type-check it against a schema; positioned diagnostics with suggestions.",
  idempotent: true,
  input: z.object(Sources),
  output: z.object({
    ok: z.boolean().describe("true when there are no errors (warnings allowed)"),
    errors: z.number().int(),
    warnings: z.number().int(),
    diagnostics: z.array(Diagnostic),
  }),
  handler: (input) => {
    const [policy, schema] = sources(input);
    const r = lacCheck(policy, schema, { policyFile: input.policyFile, schemaFile: input.schemaFile });
    return { ok: r.ok, errors: r.errors, warnings: r.warnings, diagnostics: r.diagnostics };
  },
});

const Obligation = z
  .object({
    preset: z.enum(["mask", "bucket", "top-k", "generalize", "drop"]),
    field: z.string(),
    rule: z.string(),
  })
  .catchall(z.unknown());

export const lacEvalOp = defineOperation({
  name: "lac.eval",
  summary:
    "Compile a LAC policy and decide one request: allow/deny, deciding rules, localized reasons, obligations.",
  idempotent: true,
  input: z.object({
    ...Sources,
    request: z
      .record(z.string(), z.unknown())
      .describe("{subject, resource, action, context}: attribute values as the schema declares them"),
    locale: z.string().optional().describe("locale of the reasons, e.g. en or de (default: the policy's)"),
  }),
  output: z.object({
    decision: z.enum(["allow", "deny"]).describe("effective decision (always allow in audit mode)"),
    policyDecision: z.enum(["allow", "deny"]).describe("what the policy decided; enforced in enforce mode"),
    mode: z.enum(["audit", "enforce"]),
    combining: z.enum(["deny-overrides", "permit-overrides", "first-applicable"]),
    decidingRules: z.array(z.string()),
    defaulted: z.boolean().describe("no rule applied: denied by default"),
    reasons: z.array(z.object({ rule: z.string().nullable(), key: z.string(), text: z.string() })),
    locale: z.string(),
    obligations: z.array(Obligation),
    policy: z.object({ name: z.string(), version: z.string() }),
    policyVersion: z.string(),
    notEvaluable: z
      .array(z.string())
      .describe("rules skipped because the request lacks an attribute they test"),
  }),
  handler: (input) => {
    const [policy, schema] = sources(input);
    const compiled = compilePolicy(policy, schema, {
      policyFile: input.policyFile,
      schemaFile: input.schemaFile,
    });
    return compiled.decide(input.request, { locale: input.locale });
  },
});
