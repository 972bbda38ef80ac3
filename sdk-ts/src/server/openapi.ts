/** The OpenAPI 3.1 document, generated from the operation table (OpenAPI 3.1 schemas are JSON Schema 2020-12). */
import { z } from "zod";
import { ERROR_CODES } from "../core/errors.js";
import { ErrorBodySchema } from "../engine/envelope.js";
import { type Operation, operationNames, operations } from "../engine/index.js";
import { ENGINE_VERSION } from "../version.js";

function strip(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _drop, ...rest } = schema;
  return rest;
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const statuses = [...new Set(Object.values(ERROR_CODES).map((s) => s.http))].sort();
  for (const name of operationNames) {
    const op = operations[name] as Operation;
    const errorResponses = Object.fromEntries(
      statuses.map((s) => [
        String(s),
        {
          description: "Error envelope",
          content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorEnvelope" } } },
        },
      ]),
    );
    paths[`/v1/ops/${name}`] = {
      post: {
        operationId: name.replace(".", "_"),
        summary: op.summary,
        tags: [name.split(".")[0]],
        ...(op.idempotent
          ? {}
          : {
              parameters: [
                {
                  name: "Idempotency-Key",
                  in: "header",
                  required: false,
                  schema: { type: "string" },
                  description: "Retries with the same key replay the first answer.",
                },
              ],
            }),
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: strip(z.toJSONSchema(op.input, { io: "input" }) as Record<string, unknown>),
            },
          },
        },
        responses: {
          "200": {
            description: "Success envelope",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["ok", "data"],
                  properties: {
                    ok: { const: true },
                    data: strip(z.toJSONSchema(op.output, { io: "output" }) as Record<string, unknown>),
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Trust Fabric",
      version: ENGINE_VERSION,
      description: "The Trust Fabric operation table over HTTP/JSON.",
    },
    servers: [{ url: "http://127.0.0.1:8787" }],
    security: [{ bearer: [] }],
    paths: {
      ...paths,
      "/healthz": { get: { summary: "Liveness", security: [], responses: { "200": { description: "ok" } } } },
      "/metrics": {
        get: {
          summary: "Prometheus metrics",
          security: [],
          responses: { "200": { description: "text/plain metrics" } },
        },
      },
      "/openapi.json": {
        get: { summary: "This document", security: [], responses: { "200": { description: "OpenAPI 3.1" } } },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A tenant API key (tfk_…)" },
      },
      schemas: {
        ErrorEnvelope: {
          type: "object",
          required: ["ok", "error"],
          properties: {
            ok: { const: false },
            error: strip(z.toJSONSchema(ErrorBodySchema) as Record<string, unknown>),
          },
        },
      },
    },
  };
}
