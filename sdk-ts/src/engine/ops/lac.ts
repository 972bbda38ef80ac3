import { z } from "zod";
import { digestBytes } from "../../core/canonical.js";
import { TfError } from "../../core/errors.js";
import {
  appendAuditRecords,
  applyObligations,
  auditRecord,
  type CompiledPolicy,
  compilePolicy,
  type Decision,
  decideLines,
  formatRows,
  type LacRequest,
  lacCheck,
  listAudit,
  parseRows,
  type SourceInput,
  verifyAudit,
} from "../../lac/index.js";
import { defineOperation, type OperationContext } from "../operation.js";
import { Diagnostic, decode, Encoding, Sources } from "./lac-inputs.js";

function sources(input: {
  policy: string;
  schema: string;
  encoding: "utf8" | "base64";
}): [SourceInput, SourceInput] {
  return [decode(input.policy, input.encoding, "policy"), decode(input.schema, input.encoding, "schema")];
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

const DecisionOut = z.object({
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
});

const AuditOut = z.object({
  file: z.string().describe("the audit file, relative to the data directory"),
  digest: z.string().describe("digest of the appended record"),
  flags: z.array(z.string()).describe("findings, e.g. reason-for-access-missing"),
});

const Request = z
  .record(z.string(), z.unknown())
  .describe("{subject, resource, action, context, graph?}: attribute values as the schema declares them");

/** Compiled policies by the digest of their sources: batches arrive in many chunks. */
const compiledCache = new Map<string, { compiled: CompiledPolicy; policy: SourceInput }>();

function compiled(input: {
  policy: string;
  schema: string;
  encoding: "utf8" | "base64";
  policyFile?: string;
  schemaFile?: string;
}): { compiled: CompiledPolicy; policy: SourceInput } {
  const [policy, schema] = sources(input);
  const bytes = (x: SourceInput) => (typeof x === "string" ? Buffer.from(x, "utf8") : x);
  const key = `${digestBytes(bytes(policy))} ${digestBytes(bytes(schema))} ${input.policyFile ?? ""}\0${input.schemaFile ?? ""}`;
  let hit = compiledCache.get(key);
  if (hit) {
    compiledCache.delete(key);
    compiledCache.set(key, hit);
    return hit;
  }
  hit = {
    compiled: compilePolicy(policy, schema, { policyFile: input.policyFile, schemaFile: input.schemaFile }),
    policy,
  };
  compiledCache.set(key, hit);
  if (compiledCache.size > 16) compiledCache.delete(compiledCache.keys().next().value!);
  return hit;
}

function audit(
  ctx: OperationContext,
  c: { compiled: CompiledPolicy; policy: SourceInput },
  items: { decision: Decision; request: LacRequest }[],
) {
  const time = ctx.now?.() ?? new Date();
  const drafts = items.map(({ decision, request }) =>
    auditRecord({
      decision,
      request,
      policySource: c.policy,
      schemaAttributes: c.compiled.schemaAttributes,
      time,
    }),
  );
  return appendAuditRecords(ctx.home, drafts).flatMap(({ file, records }) =>
    records.map((r) => ({ file, digest: r.digest, flags: r.flags })),
  );
}

export const lacEvalOp = defineOperation({
  name: "lac.eval",
  summary:
    "Compile a LAC policy and decide one request: allow/deny, deciding rules, localized reasons, obligations.",
  idempotent: true,
  input: z.object({
    ...Sources,
    request: Request,
    locale: z.string().optional().describe("locale of the reasons, e.g. en or de (default: the policy's)"),
    audit: z
      .boolean()
      .default(false)
      .describe("append an audit record (trustfabric.dev/lac/audit/v1) to the data directory, fsynced"),
  }),
  output: DecisionOut.extend({ audit: AuditOut.optional().describe("where the audit record went") }),
  handler: (input, ctx) => {
    const c = compiled(input);
    const decision = c.compiled.decide(input.request as LacRequest, { locale: input.locale });
    if (!input.audit) return decision;
    const [where] = audit(ctx, c, [{ decision, request: input.request as LacRequest }]);
    return { ...decision, audit: where };
  },
});

/** Largest batch one call takes (the CLI streams files in chunks well below this). */
export const MAX_BATCH_CHARS = 8 * 1024 * 1024;

export const lacEvalBatchOp = defineOperation({
  name: "lac.evalBatch",
  summary:
    "Decide many requests (JSON Lines, one per line) under one LAC policy; a bad line yields an error result and the rest go on.",
  idempotent: true,
  input: z.object({
    ...Sources,
    requests: z
      .string()
      .max(MAX_BATCH_CHARS)
      .describe("JSON Lines: one request object per line; blank lines are skipped"),
    firstLine: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe("line number of the first line (for chunks of a larger file)"),
    locale: z.string().optional(),
    audit: z.boolean().default(false).describe("append an audit record per decided line"),
  }),
  output: z.object({
    results: z.array(
      z.object({
        line: z.number().int(),
        decision: DecisionOut.optional(),
        error: z
          .object({
            code: z.string(),
            message: z.string(),
            details: z.record(z.string(), z.unknown()).optional(),
          })
          .optional(),
      }),
    ),
    decided: z.number().int(),
    failed: z.number().int(),
  }),
  handler: (input, ctx) => {
    const c = compiled(input);
    const results = decideLines(c.compiled, input.requests, {
      locale: input.locale,
      firstLine: input.firstLine,
    });
    if (input.audit) {
      const lines = input.requests.split("\n");
      const items = results
        .filter((r) => r.decision)
        .map((r) => ({
          decision: r.decision!,
          request: JSON.parse(lines[r.line - input.firstLine]!) as LacRequest,
        }));
      audit(ctx, c, items);
    }
    const failed = results.filter((r) => r.error).length;
    return { results, decided: results.length - failed, failed };
  },
});

const Row = z.record(z.string(), z.unknown());

export const lacMinimizeOp = defineOperation({
  name: "lac.minimize",
  summary:
    "Apply minimization obligations (mask, bucket, top-k, generalize, drop) to a result set: given obligations, or the decision of a policy on a request.",
  idempotent: true,
  input: z
    .object({
      rows: z.array(Row).optional().describe("the result set as objects"),
      rowsText: z.string().optional().describe("the result set as text, in `format` (instead of rows)"),
      format: z.enum(["jsonl", "csv"]).default("jsonl").describe("format of rowsText and of the output text"),
      obligations: z
        .array(z.record(z.string(), z.unknown()))
        .optional()
        .describe("obligations as a decision lists them; or give policy, schema and request"),
      policy: z.string().optional(),
      schema: z.string().optional(),
      encoding: Encoding,
      policyFile: z.string().optional(),
      schemaFile: z.string().optional(),
      request: Request.optional(),
      allowMissingFields: z
        .boolean()
        .default(false)
        .describe("an obligation on a field no row has is a no-op instead of TF_LAC_TRANSFORM_FIELD"),
    })
    .refine((v) => (v.rows === undefined) !== (v.rowsText === undefined), {
      message: "give exactly one of rows and rowsText",
    })
    .refine(
      (v) =>
        (v.obligations !== undefined) !==
        (v.policy !== undefined && v.schema !== undefined && v.request !== undefined),
      { message: "give obligations, or policy, schema and request (not both)" },
    ),
  output: z.object({
    rows: z.array(Row),
    text: z.string().optional().describe("the transformed rows in `format`, when rowsText was given"),
    applied: z.array(
      z.object({
        preset: z.string(),
        field: z.string(),
        rule: z.string().optional(),
        changed: z.number().int(),
        missing: z.number().int(),
      }),
    ),
    decision: DecisionOut.optional().describe("the decision, when a policy was given"),
  }),
  handler: (input) => {
    let obligations: unknown[] | undefined = input.obligations;
    let decision: Decision | undefined;
    if (obligations === undefined) {
      const c = compiled({ ...input, policy: input.policy!, schema: input.schema! });
      decision = c.compiled.decide(input.request as LacRequest);
      if (decision.decision === "deny")
        throw new TfError(
          "TF_LAC_DENIED",
          `Denied by ${decision.decidingRules.join(", ") || "default"}: ${decision.reasons[0]?.text ?? ""}`,
          { details: { decidingRules: decision.decidingRules, reasons: decision.reasons } },
        );
      obligations = decision.obligations;
    }
    const rows = input.rows ?? parseRows(input.rowsText!, input.format);
    const r = applyObligations(rows, obligations, { allowMissingFields: input.allowMissingFields });
    return {
      rows: r.rows,
      ...(input.rowsText === undefined ? {} : { text: formatRows(r.rows, input.format) }),
      applied: r.applied,
      ...(decision ? { decision } : {}),
    };
  },
});

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .describe("one UTC day, YYYY-MM-DD (default: every day)");
const Warning = z.object({ file: z.string(), line: z.number().int(), message: z.string() });

export const lacAuditListOp = defineOperation({
  name: "lac.auditList",
  summary:
    "List LAC audit records of this data directory (tenant), oldest first; torn lines are skipped with a warning.",
  idempotent: true,
  input: z.object({
    date: Day,
    decision: z.enum(["allow", "deny"]).optional(),
    flag: z.string().optional().describe("only records with this flag, e.g. reason-for-access-missing"),
    limit: z.number().int().min(1).max(10_000).default(100).describe("the last N matching records"),
  }),
  output: z.object({
    total: z.number().int().describe("matching records (before the limit)"),
    records: z.array(z.record(z.string(), z.unknown())),
    warnings: z.array(Warning),
  }),
  handler: (input, ctx) => {
    const r = listAudit(ctx.home, input);
    return { ...r, records: r.records as unknown as Record<string, unknown>[] };
  },
});

export const lacAuditVerifyOp = defineOperation({
  name: "lac.auditVerify",
  summary:
    "Verify LAC audit files: every record's digest and each file's chain (edits, removals, reordering).",
  idempotent: true,
  input: z.object({ date: Day }),
  output: z.object({
    ok: z.boolean(),
    files: z.number().int(),
    records: z.number().int(),
    problems: z.array(
      z.object({ file: z.string(), line: z.number().int(), problem: z.string(), message: z.string() }),
    ),
    warnings: z.array(Warning),
  }),
  handler: (input, ctx) => verifyAudit(ctx.home, input),
});
