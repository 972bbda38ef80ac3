/** Input and output fields the LAC operations share: how policy documents arrive, and diagnostics. */
import { z } from "zod";
import { fromBase64 } from "../../core/encoding.js";
import type { SourceInput } from "../../lac/source.js";

export const Encoding = z
  .enum(["utf8", "base64"])
  .default("utf8")
  .describe(
    "How the documents (policies, schema, tests) are written: utf8 text, or base64 of the files' bytes (checked as UTF-8)",
  );

/** A policy and the schema it checks against, as lac.check, lac.eval, lac.lint and lac.test take them. */
export const Sources = {
  policy: z.string().describe("the policy document (YAML, kind: Policy)"),
  schema: z.string().describe("the schema document (YAML, kind: Schema)"),
  encoding: Encoding,
  policyFile: z.string().optional().describe("name shown in diagnostics and findings (default: policy)"),
  schemaFile: z.string().optional().describe("name shown in diagnostics and findings (default: schema)"),
};

/** A document as given (utf8) or its bytes (base64, checked as UTF-8 by the parser). */
export const decode = (text: string, encoding: "utf8" | "base64", what: string): SourceInput =>
  encoding === "utf8" ? text : fromBase64(text, what);

export const Diagnostic = z.object({
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
