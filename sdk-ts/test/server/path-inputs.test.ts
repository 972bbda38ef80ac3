import { existsSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OperationName, operations } from "../../src/engine/index.js";
import type { Operation } from "../../src/engine/operation.js";
import { startServer } from "../../src/server/server.js";
import { TenantRegistry } from "../../src/server/tenants.js";
import { tmp } from "../support/clients.js";

/**
 * Tenant isolation: every input naming a local path is listed in the operation's pathInputs and
 * refused over `tf serve`. A new operation (or field) that reads or writes a path must be added here.
 */
const EXPECTED: Record<string, readonly string[]> = {
  "log.verify": ["dir"],
  "lac.simulate": ["historyFile"],
  "lac.redteam": ["corpusDir"],
  "pcq.fixtureGen": ["out"],
  "pcq.replay": ["target"],
  "backfill.run": ["source"],
  "backfill.pause": ["source"],
  "backfill.status": ["source"],
  "zk.seal": ["selectorsPath", "selectors"],
  "zk.bundleExport": ["out"],
};

/** Fields whose name or description mentions a path but which are never opened (names only).
 * (Writes under the tenant's own data directory, e.g. lac.eval audit, go through ctx.home.) */
const NOT_PATHS = new Set(["pcq.manifestCreate.datasetPath"]);

const all = Object.entries(operations) as [OperationName, Operation][];
const withPaths = all.filter(([, op]) => (op.pathInputs ?? []).length > 0);

let url = "";
let apiKey = "";
let scratch = "";
let close: () => Promise<void>;

beforeAll(async () => {
  const home = tmp("tf-srv-paths-");
  apiKey = new TenantRegistry(home).issueKey("alpha").apiKey;
  const s = await startServer({ home, accessLog: () => {} });
  url = s.url;
  close = s.close;
  scratch = tmp("tf-srv-paths-target-");
});
afterAll(async () => close?.());

describe("tf serve: operations naming local paths", () => {
  it("the operations with pathInputs are exactly the expected ones", () => {
    expect(Object.fromEntries(withPaths.map(([name, op]) => [name, op.pathInputs]))).toEqual(EXPECTED);
  });

  it("every listed path input is a field of the operation's input", () => {
    for (const [name, op] of withPaths) {
      const shape = (op.input as unknown as { shape: Record<string, unknown> }).shape;
      for (const field of op.pathInputs!) expect(Object.keys(shape), `${name}.${field}`).toContain(field);
    }
  });

  it("no unlisted input field is described as a local path or directory", () => {
    const suspicious: string[] = [];
    for (const [name, op] of all) {
      const shape = (op.input as unknown as { shape?: Record<string, { description?: string }> }).shape ?? {};
      for (const [field, schema] of Object.entries(shape)) {
        const id = `${name}.${field}`;
        if (op.pathInputs?.includes(field) || NOT_PATHS.has(id)) continue;
        const text = `${field} ${schema.description ?? ""}`;
        if (/\b(local|path)\b|(?<!data )director(y|ies)\b|(Path|Dir)$/i.test(text)) suspicious.push(id);
      }
    }
    expect(suspicious).toEqual([]);
  });

  for (const [name, fields] of Object.entries(EXPECTED)) {
    for (const field of fields) {
      it(`${name}: \`${field}\` is refused with 403 TF_FORBIDDEN and nothing is touched`, async () => {
        const target = join(scratch, `${name}-${field}`);
        const r = await request(`${url}/v1/ops/${name}`, {
          method: "POST",
          body: JSON.stringify({ [field]: target }),
          headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        });
        const body = (await r.body.json()) as { ok: boolean; error: { code: string; details: unknown } };
        expect(r.statusCode).toBe(403);
        expect(body.ok).toBe(false);
        expect(body.error.code).toBe("TF_FORBIDDEN");
        expect(body.error.details).toEqual({ operation: name, field });
        expect(existsSync(target)).toBe(false);
      });
    }
  }
});
