import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tf, tmp } from "./helpers.js";

const EX = fileURLToPath(new URL("../../examples/lac/", import.meta.url));
const ex = (f: string) => join(EX, f);
const SCHEMA = ex("schema.yaml");
const ANALYTICS = ex("analytics-export.yaml");
const T = ex("templates/");
const req = (f: string) => readFileSync(ex(`requests/${f}`), "utf8");
const oneLine = (f: string) => JSON.stringify(JSON.parse(req(f)));

describe("tf lac eval --audit, tf lac audit list|verify", () => {
  it("appends a durable record per decision; list and verify read them; a torn line is skipped", () => {
    const home = tmp("tf-lac-audit-");
    const r = tf(home, [
      "lac",
      "eval",
      ANALYTICS,
      "--schema",
      SCHEMA,
      "--request",
      ex("requests/analyst-query.json"),
      "--audit",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/audit record sha256:[0-9a-f]{64} in lac\/audit\/\d{4}-\d{2}-\d{2}\.jsonl/);
    expect(r.stderr).toContain("flagged reason-for-access-missing");
    const j = tf(home, [
      "lac",
      "eval",
      ANALYTICS,
      "--schema",
      SCHEMA,
      "--request",
      ex("requests/contractor-pii.json"),
      "--audit",
      "--json",
    ]);
    expect(j.json!.data).toMatchObject({ decision: "deny", audit: { flags: ["reason-for-access-missing"] } });
    const [file] = readdirSync(join(home, "lac", "audit")).filter((f) => f.endsWith(".jsonl"));
    appendFileSync(join(home, "lac", "audit", file!), '{"schema":"trustfabric.dev/lac/au');
    const list = tf(home, ["lac", "audit", "list"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(
      / allow allow-analyst-query analytics-export@1\.0\.0 \[reason-for-access-missing\]/,
    );
    expect(list.stdout).toContain("2 records");
    expect(list.stderr).toContain(":3: torn last line");
    const lj = tf(home, ["lac", "audit", "list", "--decision", "deny", "--json"]);
    expect(lj.json!.data).toMatchObject({ total: 1 });
    expect(tf(home, ["lac", "audit", "verify"]).code).toBe(0);
    // tampering is found: exit 3, the line named
    const path = join(home, "lac", "audit", file!);
    writeFileSync(path, readFileSync(path, "utf8").replace('"decision":"deny"', '"decision":"allow"'));
    const v = tf(home, ["lac", "audit", "verify"]);
    expect(v.code, v.stderr).toBe(3);
    expect(v.stdout).toMatch(/:2 digest-mismatch/);
    expect(tf(home, ["lac", "audit", "list", "--date", "yesterday"]).code).toBe(2);
  });
});

describe("tf lac eval --batch", () => {
  it("JSON Lines out in order, error lines with line numbers, exit 3 when a line failed", () => {
    const home = tmp("tf-lac-batch-");
    const lines = [
      oneLine("analyst-query.json"),
      "{broken",
      "",
      oneLine("contractor-pii.json"),
      '{"subject":{"role":"boss"}}',
    ];
    writeFileSync(join(home, "reqs.jsonl"), `${lines.join("\n")}\n`);
    const r = tf(home, ["lac", "eval", ANALYTICS, "--schema", SCHEMA, "--batch", "reqs.jsonl"]);
    expect(r.code, r.stderr).toBe(3);
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out.map((o) => [o.line, o.decision?.decision ?? o.error.code])).toEqual([
      [1, "allow"],
      [2, "TF_JSON_MALFORMED"],
      [4, "deny"],
      [5, "TF_LAC_REQUEST_INVALID"],
    ]);
    expect(r.stderr).toContain("2 decided (1 allow, 1 deny), 2 failed, 5 lines");
    // all good → exit 0; stdin works; --audit records every decided line
    const ok = tf(home, ["lac", "eval", ANALYTICS, "--schema", SCHEMA, "--batch", "-", "--audit"], {
      input: `${oneLine("analyst-query.json")}\n${oneLine("engineer-query.json")}\n`,
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim().split("\n")).toHaveLength(2);
    expect(tf(home, ["lac", "audit", "list", "--json"]).json!.data).toMatchObject({ total: 2 });
  });

  it("usage errors: --batch with --json, or both --request and --batch; a missing file", () => {
    const home = tmp("tf-lac-batch-");
    writeFileSync(join(home, "r.jsonl"), "{}\n");
    const j = tf(home, ["lac", "eval", ANALYTICS, "--schema", SCHEMA, "--batch", "r.jsonl", "--json"]);
    expect(j.code, j.stderr).toBe(2);
    expect(j.json).toMatchObject({ ok: false, error: { code: "TF_USAGE" } });
    const both = tf(home, [
      "lac",
      "eval",
      ANALYTICS,
      "--schema",
      SCHEMA,
      "--batch",
      "r.jsonl",
      "--request",
      "r.jsonl",
    ]);
    expect(both.code, both.stderr).toBe(2);
    const none = tf(home, ["lac", "eval", ANALYTICS, "--schema", SCHEMA, "--batch", "nope.jsonl"]);
    expect(none.code, none.stderr).toBe(2);
    expect(none.stderr).toContain("TF_FILE_NOT_FOUND");
  });
});

describe("tf lac minimize", () => {
  const base = (request: string, rows: string) => [
    "lac",
    "minimize",
    "--policy",
    join(T, "pii-export.yaml"),
    "--schema",
    join(T, "schema.yaml"),
    "--request",
    join(T, "requests", request),
    "--rows",
    ex(`rows/${rows}`),
  ];

  it("writes minimized JSON Lines / CSV to stdout, one line per obligation to stderr", () => {
    const home = tmp("tf-lac-min-");
    const r = tf(home, base("pii-export-allow.json", "customers.jsonl"));
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows[0]).toEqual({
      id: 1,
      email: "*************.com",
      phone: "+49 30 1234567",
      age: 30,
      income: 52000,
      city: "Berlin",
      postcode: "101**",
      signupDate: "2023-04",
      lastIp: "192.168.17.42",
    });
    expect(r.stderr).toContain("drop ssn (from allow-pii-export): 7 rows changed");
    const csv = tf(home, base("pii-export-allow.json", "customers.csv"));
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split("\r\n")[0]).toBe("id,email,phone,age,income,city,postcode,signupDate,lastIp");
    expect(csv.stdout.split("\r\n")[1]).toBe(
      "1,*************.com,+49 30 1234567,30,52000,Berlin,101**,2023-04,192.168.17.42",
    );
  });

  it("a denial releases nothing (TF_LAC_DENIED, exit 3); missing fields and bad rows fail closed", () => {
    const home = tmp("tf-lac-min-");
    const d = tf(home, base("pii-export-deny.json", "customers.jsonl"));
    expect(d.code, d.stderr).toBe(3);
    expect(d.stdout).toBe("");
    expect(d.stderr).toContain("TF_LAC_DENIED");
    writeFileSync(join(home, "few.jsonl"), '{"id":1,"e_mail":"a@b.c"}\n');
    const args = base("pii-export-allow.json", "customers.jsonl");
    args[args.length - 1] = join(home, "few.jsonl");
    const m = tf(home, args);
    expect(m.code, m.stderr).toBe(3);
    expect(m.stderr).toContain("TF_LAC_TRANSFORM_FIELD");
    expect(tf(home, [...args, "--allow-missing-fields"]).code).toBe(0);
    writeFileSync(
      join(home, "bad.jsonl"),
      '{"age":"old","email":"x","city":"a","postcode":"1","signupDate":"2020-01-01"}\n',
    );
    args[args.length - 1] = join(home, "bad.jsonl");
    const t = tf(home, [...args, "--json"]);
    expect(t.code, t.stderr).toBe(3);
    expect(t.json).toMatchObject({ ok: false, error: { code: "TF_LAC_TRANSFORM_TYPE" } });
    writeFileSync(join(home, "broken.jsonl"), '{"a":1}\nnot json\n');
    args[args.length - 1] = join(home, "broken.jsonl");
    const b = tf(home, args);
    expect(b.code, b.stderr).toBe(2);
    expect(b.stderr).toMatch(/TF_LAC_ROWS_INVALID.*broken\.jsonl:2|rows:2/);
  });
});

describe("graph constraints end to end", () => {
  it("decides on the planned subgraph; malformed edges name the index", () => {
    const home = tmp("tf-lac-graph-");
    const policy = ex("graph-traversal.yaml");
    const deep = tf(home, [
      "lac",
      "eval",
      policy,
      "--schema",
      SCHEMA,
      "--request",
      ex("requests/graph-deep-walk.json"),
    ]);
    expect(deep.stdout).toContain("DENY by deny-deep-traversal");
    expect(deep.stdout).toContain("The query walks 5 hops from its seeds; at most 3 are allowed.");
    writeFileSync(
      join(home, "bad.json"),
      JSON.stringify({
        ...JSON.parse(req("graph-deep-walk.json")),
        graph: { seeds: [1], edges: [[1, 2], [2]] },
      }),
    );
    const bad = tf(home, ["lac", "eval", policy, "--schema", SCHEMA, "--request", "bad.json"]);
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain("TF_LAC_REQUEST_INVALID");
    expect(bad.stderr).toContain("request.graph.edges[1]");
  });
});
