import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTfError } from "../../src/core/errors.js";
import { clientKinds } from "../support/clients.js";
import { example, exampleRequest } from "./fixtures.js";

const POLICY = example("analytics-export.yaml");
const SCHEMA = example("schema.yaml");
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");

let kinds: Awaited<ReturnType<typeof clientKinds>>;
beforeAll(async () => {
  kinds = await clientKinds();
});
afterAll(async () => {
  await kinds?.close();
});

describe.each(["local", "remote"] as const)("lac operations, %s client", (kind) => {
  it("lac.check: ok for the example, positioned diagnostics for a misspelling", async () => {
    const client = kinds.make[kind]();
    expect(await client.lac.check({ policy: POLICY, schema: SCHEMA })).toEqual({
      ok: true,
      errors: 0,
      warnings: 0,
      diagnostics: [],
    });
    const bad = await client.lac.check({
      policy: POLICY.replace("attr: subject.onCall", "attr: subject.oncall"),
      schema: SCHEMA,
      policyFile: "analytics-export.yaml",
    });
    expect(bad).toMatchObject({ ok: false, errors: 1 });
    expect(bad.diagnostics[0]).toMatchObject({
      file: "analytics-export.yaml",
      line: 79,
      col: 19,
      code: "TF_LAC_UNKNOWN_ATTRIBUTE",
      suggestion: "subject.onCall",
    });
  });

  it("lac.check with base64 bytes detects non-UTF-8 input", async () => {
    const client = kinds.make[kind]();
    const bytes = Buffer.concat([Buffer.from("apiVersion: x\nkind: "), Buffer.from([0xff, 0xfe])]);
    const r = await client.lac.check({ policy: b64(bytes), schema: b64(SCHEMA), encoding: "base64" });
    expect(r.diagnostics[0]).toMatchObject({ code: "TF_LAC_ENCODING", line: 2, col: 7 });
  });

  it("lac.eval decides with localized reasons; an invalid policy is TF_LAC_POLICY_INVALID", async () => {
    const client = kinds.make[kind]();
    const d = await client.lac.eval({
      policy: POLICY,
      schema: SCHEMA,
      request: exampleRequest("contractor-pii.json"),
      locale: "de",
    });
    expect(d).toMatchObject({
      decision: "deny",
      decidingRules: ["deny-contractor-pii"],
      locale: "de",
      policyVersion: "1.0.0",
    });
    expect(d.reasons[0]!.text).toBe(
      "Auftragnehmer dürfen nicht auf customers zugreifen: es enthält personenbezogene Daten.",
    );
    const err = await client.lac
      .eval({ policy: POLICY.replace("reason: tier", "reason: teir"), schema: SCHEMA, request: {} })
      .catch((e) => e);
    expect(isTfError(err, "TF_LAC_POLICY_INVALID")).toBe(true);
    const badReq = await client.lac
      .eval({ policy: POLICY, schema: SCHEMA, request: { subject: { role: 7 } } })
      .catch((e) => e);
    expect(isTfError(badReq, "TF_LAC_REQUEST_INVALID")).toBe(true);
  });
});
