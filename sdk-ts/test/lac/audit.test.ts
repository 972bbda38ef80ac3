import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestJson } from "../../src/core/canonical.js";
import {
  AUDIT_SCHEMA,
  appendAuditRecords,
  auditDir,
  auditRecord,
  listAudit,
  verifyAudit,
} from "../../src/lac/audit.js";
import { compilePolicy } from "../../src/lac/compile.js";
import { clientKinds, tmp } from "../support/clients.js";
import { example, exampleRequest } from "./fixtures.js";

const POLICY = example("analytics-export.yaml");
const SCHEMA = example("schema.yaml");
const compiled = compilePolicy(POLICY, SCHEMA);
const T = new Date("2030-01-02T03:04:05.000Z");

function draft(name: string, time = T) {
  const request = exampleRequest(name);
  return auditRecord({
    decision: compiled.decide(request),
    request,
    policySource: POLICY,
    schemaAttributes: compiled.schemaAttributes,
    time,
  });
}

describe("audit records", () => {
  it("bind the decision, the policy and request digests and context.reasonForAccess", () => {
    const d = draft("analyst-export-eu.json");
    const request = exampleRequest("analyst-export-eu.json");
    expect(d).toMatchObject({
      schema: AUDIT_SCHEMA,
      time: "2030-01-02T03:04:05.000Z",
      policy: { name: "analytics-export", version: "1.0.0" },
      request: { digest: digestJson(request) },
    });
    expect(d.policy.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(d.reasons.every((k) => typeof k === "string")).toBe(true);
    const r = request.context!.reasonForAccess as string | undefined;
    if (r) expect(d.reasonForAccess).toEqual({ required: true, present: true, value: r });
    // the schema declares reasonForAccess: a request without it is recorded as absent and flagged
    const missing = draft("analyst-query.json");
    expect(missing.reasonForAccess).toEqual({ required: true, present: false });
    expect(missing.flags).toContain("reason-for-access-missing");
  });

  it("append → list → verify; chained per file; tenants (homes) are separate", () => {
    const home = tmp();
    const other = tmp();
    const [w] = appendAuditRecords(home, [draft("analyst-query.json"), draft("contractor-pii.json")]);
    expect(w!.file).toBe(join("lac", "audit", "2030-01-02.jsonl"));
    expect(w!.records[0]!.prev).toBeNull();
    expect(w!.records[1]!.prev).toBe(w!.records[0]!.digest);
    appendAuditRecords(home, [draft("export-outside-residency.json")]);
    appendAuditRecords(home, [draft("analyst-query.json", new Date("2030-01-03T00:00:00Z"))]);
    expect(
      readdirSync(auditDir(home))
        .filter((f) => f.endsWith(".jsonl"))
        .sort(),
    ).toEqual(["2030-01-02.jsonl", "2030-01-03.jsonl"]);
    const all = listAudit(home);
    expect(all.total).toBe(4);
    expect(all.records[2]!.prev).toBe(all.records[1]!.digest);
    expect(listAudit(home, { decision: "deny" }).total).toBe(2);
    expect(listAudit(home, { date: "2030-01-03" }).total).toBe(1);
    expect(listAudit(home, { limit: 1 }).records.map((r) => r.time)).toEqual(["2030-01-03T00:00:00.000Z"]);
    expect(verifyAudit(home)).toMatchObject({ ok: true, files: 2, records: 4, problems: [] });
    expect(listAudit(other).total).toBe(0);
  });

  it("a torn last line is skipped with a warning; the next append starts a fresh line; the chain holds", () => {
    const home = tmp();
    appendAuditRecords(home, [draft("analyst-query.json")]);
    const file = join(auditDir(home), "2030-01-02.jsonl");
    const whole = readFileSync(file, "utf8");
    appendFileSync(file, whole.slice(0, 57)); // a crash in the middle of the next append
    const torn = listAudit(home);
    expect(torn.total).toBe(1);
    expect(torn.warnings).toEqual([
      expect.objectContaining({ line: 2, message: expect.stringContaining("torn last line") }),
    ]);
    appendAuditRecords(home, [draft("contractor-pii.json")]);
    const after = listAudit(home);
    expect(after.total).toBe(2);
    expect(after.records[1]!.line).toBe(3);
    expect(after.records[1]!.prev).toBe(after.records[0]!.digest);
    const v = verifyAudit(home);
    expect(v.ok).toBe(true);
    expect(v.warnings.map((w) => w.line)).toContain(2);
    // the earlier record is byte-for-byte intact
    expect(readFileSync(file, "utf8").startsWith(whole)).toBe(true);
  });

  it("verify finds an edited record, a removed record and reordering", () => {
    const home = tmp();
    appendAuditRecords(
      home,
      ["analyst-query.json", "contractor-pii.json", "engineer-query.json"].map((n) => draft(n)),
    );
    const file = join(auditDir(home), "2030-01-02.jsonl");
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    writeFileSync(file, `${[lines[0], lines[1]!.replace('"deny"', '"allow"'), lines[2]].join("\n")}\n`);
    expect(verifyAudit(home).problems).toEqual([
      expect.objectContaining({ line: 2, problem: "digest-mismatch" }),
    ]);
    writeFileSync(file, `${[lines[0], lines[2]].join("\n")}\n`);
    expect(verifyAudit(home).problems).toEqual([
      expect.objectContaining({ line: 2, problem: "chain-broken" }),
    ]);
    writeFileSync(file, `${[lines[1], lines[0], lines[2]].join("\n")}\n`);
    expect(verifyAudit(home).ok).toBe(false);
    writeFileSync(file, `${[lines[0], "garbage", lines[2]].join("\n")}\n`);
    expect(verifyAudit(home).problems.map((p) => p.problem)).toContain("unreadable");
  });
});

let kinds: Awaited<ReturnType<typeof clientKinds>>;
beforeAll(async () => {
  kinds = await clientKinds();
});
afterAll(async () => {
  await kinds?.close();
});

describe.each(["local", "remote"] as const)("audit operations, %s client", (kind) => {
  it("lac.eval with audit appends to the tenant's home; lac.auditList and lac.auditVerify read it", async () => {
    const client = kinds.make[kind]();
    const d = await client.lac.eval({
      policy: POLICY,
      schema: SCHEMA,
      request: exampleRequest("analyst-query.json"),
      audit: true,
    });
    expect(d.audit).toMatchObject({ flags: ["reason-for-access-missing"] });
    expect(d.audit!.file).toMatch(/^lac[/\\]audit[/\\]\d{4}-\d{2}-\d{2}\.jsonl$/);
    const list = await client.lac.auditList({});
    expect(list.total).toBe(1);
    expect(list.records[0]).toMatchObject({ decision: "allow", digest: d.audit!.digest });
    expect(await client.lac.auditVerify({})).toMatchObject({ ok: true, records: 1 });
    // another tenant sees nothing
    expect((await kinds.make[kind]().lac.auditList({})).total).toBe(0);
  });
});
