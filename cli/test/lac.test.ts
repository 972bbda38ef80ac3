import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tf, tmp } from "./helpers.js";

const STACK = /^\s+at .+:\d+:\d+\)?$/m;
const EX = fileURLToPath(new URL("../../examples/lac/", import.meta.url));
const ex = (f: string) => join(EX, f);
const SCHEMA = ex("schema.yaml");
const ANALYTICS = ex("analytics-export.yaml");

describe("tf lac (end to end, built CLI)", () => {
  const home = tmp("tf-lac-");

  it("check passes on the shipped examples", () => {
    for (const p of ["analytics-export.yaml", "research-sharing.yaml"]) {
      const r = tf(home, ["lac", "check", ex(p), "--schema", SCHEMA]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("checks against");
    }
    const j = tf(home, ["lac", "check", ANALYTICS, "--schema", SCHEMA, "--json"]);
    expect(j.json).toEqual({ ok: true, data: { ok: true, errors: 0, warnings: 0, diagnostics: [] } });
  });

  it("a misspelt attribute: file:line:col, code, suggestion, exit 3", () => {
    writeFileSync(
      join(home, "bad.yaml"),
      readFileSync(ANALYTICS, "utf8").replace("attr: subject.onCall", "attr: subject.oncal"),
    );
    const r = tf(home, ["lac", "check", "bad.yaml", "--schema", SCHEMA]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(
      'bad.yaml:79:19 error TF_LAC_UNKNOWN_ATTRIBUTE Unknown attribute "subject.oncal" — did you mean "subject.onCall"?',
    );
    expect(r.stdout).toContain("1 error, 0 warnings");
    const j = tf(home, ["lac", "check", "bad.yaml", "--schema", SCHEMA, "--json"]);
    expect(j.code).toBe(3);
    expect(j.json!.ok).toBe(true);
    expect(j.json!.data).toMatchObject({
      ok: false,
      errors: 1,
      diagnostics: [
        {
          file: "bad.yaml",
          line: 79,
          col: 19,
          code: "TF_LAC_UNKNOWN_ATTRIBUTE",
          suggestion: "subject.onCall",
        },
      ],
    });
  });

  it("type errors show expected and found types", () => {
    writeFileSync(
      join(home, "type.yaml"),
      readFileSync(ANALYTICS, "utf8").replace("op: le, value: 100000", "op: le, value: lots"),
    );
    const r = tf(home, ["lac", "check", "type.yaml", "--schema", SCHEMA]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/type\.yaml:\d+:\d+ error TF_LAC_TYPE .*\(expected number, found string\)/);
  });

  it.each([
    [
      "analyst-query.json",
      "ALLOW by allow-analyst-query",
      "e-mail addresses are masked",
      "obligation mask email (keepLast=4, char=*)",
    ],
    [
      "export-outside-residency.json",
      "DENY by deny-export-outside-residency",
      "Data resident in EU may not be exported to US.",
      "",
    ],
    ["contractor-pii.json", "DENY by deny-contractor-pii", "Contractors may not access customers", ""],
    [
      "engineer-query.json",
      "DENY by default",
      "No rule of analytics-export grants engineer a query of logs.",
      "",
    ],
  ])("eval %s", (req, head, reason, obligation) => {
    const r = tf(home, ["lac", "eval", ANALYTICS, "--schema", SCHEMA, "--request", ex(`requests/${req}`)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(`${head} — analytics-export@1.0.0`);
    expect(r.stdout).toContain(reason);
    if (obligation) expect(r.stdout).toContain(obligation);
  });

  it("eval --locale de --json: one envelope with the decision", () => {
    const r = tf(home, [
      "lac",
      "eval",
      ANALYTICS,
      "--schema",
      SCHEMA,
      "--request",
      ex("requests/export-outside-residency.json"),
      "--locale",
      "de",
      "--json",
    ]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({
      ok: true,
      data: {
        decision: "deny",
        policyDecision: "deny",
        mode: "enforce",
        decidingRules: ["deny-export-outside-residency"],
        locale: "de",
        reasons: [
          {
            rule: "deny-export-outside-residency",
            key: "residency",
            text: "Daten mit Standort EU dürfen nicht nach US exportiert werden.",
          },
        ],
        policyVersion: "1.0.0",
      },
    });
  });

  it("eval in audit mode allows and shows the would-be decision", () => {
    const r = tf(home, [
      "lac",
      "eval",
      ex("research-sharing.yaml"),
      "--schema",
      SCHEMA,
      "--request",
      ex("requests/analyst-query.json"),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ALLOW (audit mode): the policy would DENY by deny-everything-else");
  });

  it("bad input: clear errors with codes, no stack traces", () => {
    writeFileSync(join(home, "broken.yaml"), "rules: [\n");
    writeFileSync(join(home, "latin1.yaml"), Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
    writeFileSync(join(home, "req.json"), "{not json");
    const cases: [string[], number, string][] = [
      [["lac", "check", "broken.yaml", "--schema", SCHEMA], 3, "broken.yaml:2:1 error TF_LAC_PARSE"],
      [["lac", "check", "latin1.yaml", "--schema", SCHEMA], 3, "latin1.yaml:1:4 error TF_LAC_ENCODING"],
      [["lac", "check", "missing.yaml", "--schema", SCHEMA], 2, "TF_FILE_NOT_FOUND"],
      [["lac", "check", ANALYTICS], 2, "TF_USAGE"],
      [
        ["lac", "eval", "broken.yaml", "--schema", SCHEMA, "--request", ex("requests/analyst-query.json")],
        3,
        "TF_LAC_POLICY_INVALID",
      ],
      [["lac", "eval", ANALYTICS, "--schema", SCHEMA, "--request", "req.json"], 2, "TF_JSON_MALFORMED"],
    ];
    for (const [args, code, text] of cases) {
      const r = tf(home, args);
      expect(r.code, args.join(" ")).toBe(code);
      expect(r.stdout + r.stderr).toContain(text);
      expect(r.stdout + r.stderr).not.toMatch(STACK);
    }
    writeFileSync(join(home, "req2.json"), JSON.stringify({ subject: { role: "analist" } }));
    const j = tf(home, ["lac", "eval", ANALYTICS, "--schema", SCHEMA, "--request", "req2.json", "--json"]);
    expect(j.code).toBe(2);
    expect(j.json).toMatchObject({ ok: false, error: { code: "TF_LAC_REQUEST_INVALID" } });
    expect(j.stdout).not.toMatch(STACK);
  });
});
