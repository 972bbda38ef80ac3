/**
 * The JSON documents derived from the operation table: per-operation JSON Schemas and the
 * CLI/HTTP envelope. They are checked in under sdk-ts/schemas/ and a test fails on drift.
 */
import { z } from "zod";
import { ERROR_CODES, EXIT } from "../core/errors.js";
import { PolicyDoc, SchemaDoc } from "../lac/model.js";
import { RedTeamCase, RedTeamManifest } from "../lac/redteam.js";
import { PolicyTestDoc } from "../lac/testing.js";
import { pcqDocumentJsonSchemas } from "../pcq/index.js";
import { openApiDocument } from "../server/openapi.js";
import { ENGINE_VERSION } from "../version.js";
import { EnvelopeHeaderZ, SealedZ } from "../zk/envelope.js";
import { EpochBodyZ, EpochFileZ, TenantBodyZ } from "../zk/epoch.js";
import { ReblindBodyZ, RelayBodyZ, ResultBodyZ, TicketBodyZ } from "../zk/exchange.js";
import { OverlapProofZ } from "../zk/groth16-types.js";
import { EnvelopeSchema } from "./envelope.js";
import { operationJsonSchemas } from "./index.js";

/** The id of a stored document's schema: its `schema` literal. */
function documentId(schema: z.ZodType): string {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  const lit = shape?.schema as unknown as { value?: unknown } | undefined;
  if (typeof lit?.value !== "string") throw new Error("document schema without a `schema` literal");
  return lit.value;
}

/**
 * JSON Schemas of every document Trust Fabric stores or exchanges (manifests, receipts,
 * envelopes, proofs, policies, …), keyed by their `schema`/`apiVersion` id.
 */
export function documentJsonSchemas(): Record<string, unknown> {
  const docs: Record<string, unknown> = { ...pcqDocumentJsonSchemas() };
  const add = (id: string, schema: z.ZodType) => {
    docs[id] = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  };
  add("trustfabric.dev/lac/v1#Policy", PolicyDoc);
  add("trustfabric.dev/lac/v1#Schema", SchemaDoc);
  add("trustfabric.dev/lac/v1#PolicyTest", PolicyTestDoc);
  add("trustfabric.dev/lac/redteam-case", RedTeamCase);
  add("trustfabric.dev/lac/redteam-manifest", RedTeamManifest);
  for (const zk of [
    EnvelopeHeaderZ,
    SealedZ,
    EpochBodyZ,
    EpochFileZ,
    TenantBodyZ,
    RelayBodyZ,
    TicketBodyZ,
    ReblindBodyZ,
    ResultBodyZ,
    OverlapProofZ,
  ] as z.ZodType[])
    add(documentId(zk), zk);
  return Object.fromEntries(Object.entries(docs).sort(([a], [b]) => a.localeCompare(b)));
}

export function generatedSchemaFiles(): Record<string, string> {
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  return {
    "operations.json": json({ engineVersion: ENGINE_VERSION, operations: operationJsonSchemas() }),
    "envelope.json": json(z.toJSONSchema(EnvelopeSchema)),
    "openapi.json": json(openApiDocument()),
    "documents.json": json({ engineVersion: ENGINE_VERSION, documents: documentJsonSchemas() }),
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
