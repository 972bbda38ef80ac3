/**
 * The JSON documents derived from the operation table: per-operation JSON Schemas and the
 * CLI/HTTP envelope. They are checked in under sdk-ts/schemas/ and a test fails on drift.
 */
import { z } from "zod";
import { ERROR_CODES } from "../core/errors.js";
import { ENGINE_VERSION } from "../version.js";
import { operationJsonSchemas } from "./index.js";

export const ErrorBodySchema = z.object({
  code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...(keyof typeof ERROR_CODES)[]]),
  message: z.string(),
  remedy: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** `--json` output and HTTP responses: `{ok: true, data}` or `{ok: false, error}`. */
export const EnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorBodySchema }),
]);

export function generatedSchemaFiles(): Record<string, string> {
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  return {
    "operations.json": json({ engineVersion: ENGINE_VERSION, operations: operationJsonSchemas() }),
    "envelope.json": json(z.toJSONSchema(EnvelopeSchema)),
  };
}
