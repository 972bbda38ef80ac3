/**
 * The JSON documents derived from the operation table: per-operation JSON Schemas and the
 * CLI/HTTP envelope. They are checked in under sdk-ts/schemas/ and a test fails on drift.
 */
import { z } from "zod";
import { ERROR_CODES, EXIT } from "../core/errors.js";
import { openApiDocument } from "../server/openapi.js";
import { ENGINE_VERSION } from "../version.js";
import { EnvelopeSchema } from "./envelope.js";
import { operationJsonSchemas } from "./index.js";

export function generatedSchemaFiles(): Record<string, string> {
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  return {
    "operations.json": json({ engineVersion: ENGINE_VERSION, operations: operationJsonSchemas() }),
    "envelope.json": json(z.toJSONSchema(EnvelopeSchema)),
    "openapi.json": json(openApiDocument()),
  };
}

/** docs/errors.md, generated from the taxonomy so the documentation cannot drift. */
export function errorCodesMarkdown(): string {
  const lines = [
    "# Error codes and exit codes",
    "",
    "<!-- Generated from sdk-ts/src/core/errors.ts by `pnpm --filter @trustfabric/sdk run schemas`; do not edit. -->",
    "",
    "Every failure a user can cause has a stable code. The CLI prints it (`error TF_…: message` and a remedy line on",
    'stderr, or `{"ok": false, "error": {code, message, remedy, details}}` on stdout with `--json`) and exits with',
    "the code's exit class. `tf serve` answers with the code's HTTP status and the same envelope; the TypeScript",
    "SDK throws `TfError` and Python raises `trustfabric.TrustFabricError`, both carrying the code.",
    "",
    "## Exit codes",
    "",
    "| exit | class |",
    "| --- | --- |",
    ...Object.entries(EXIT).map(([cls, code]) => `| ${code} | ${cls} |`),
    "",
    "## Error codes",
    "",
    "| code | exit | HTTP | what to do |",
    "| --- | --- | --- | --- |",
    ...Object.entries(ERROR_CODES).map(
      ([code, s]) => `| \`${code}\` | ${EXIT[s.exit]} | ${s.http} | ${s.remedy.replace(/\|/g, "\\|")} |`,
    ),
    "",
  ];
  return lines.join("\n");
}
