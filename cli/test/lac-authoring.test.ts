import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tf, tmp } from "./helpers.js";

const STACK = /^\s+at .+:\d+:\d+\)?$/m;
const EX = fileURLToPath(new URL("../../examples/lac/", import.meta.url));
const ex = (f: string) => join(EX, f);
const SCHEMA = ex("schema.yaml");

const BUGGY = `# a buggy policy
apiVersion: trustfabric.dev/lac/v1
kind: Policy
metadata: { name: buggy, version: "1" }
rules:
  - id: deny-contractor # keep me
    effect: deny
    when: { any: [{ attr: subject.role, op: eq, value: contractor }, { attr: subject.role, op: eq, value: contractor }] }
    reason: contractor
  - id: allow-analyst
    effect: allow
    when: { all: [{ attr: action.type, op: eq, value: query }, { attr: subject.role, op: eq, value: analyst }] }
    reason: analyst
    obligations: [{ preset: mask, field: email, keepLast: 4 }]
reasons:
  contractor: { en: "No contractors.", de: "Keine Auftragnehmer." }
  analyst: { en: "Analysts may query.", de: "Analysten dürfen abfragen." }
  unused: { en: "Never shown.", de: "Nie gezeigt." }
`;

const CLEAN = `apiVersion: trustfabric.dev/lac/v1
kind: Policy
metadata:
  name: clean
  version: "1"
rules:
  - id: deny-contractor
    effect: deny
    when: { attr: subject.role, op: eq, value: contractor }
    reason: contractor
reasons:
  contractor:
    en: "No contractors."
`;

describe("tf lac lint / fmt / test (end to end, built CLI)", () => {
  const home = tmp("tf-lac-auth-");
  writeFileSync(join(home, "buggy.yaml"), BUGGY);

  it("lint: clean examples exit 0; findings in every format; --fail-on decides the exit code", () => {
    writeFileSync(join(home, "clean.yaml"), CLEAN);
    const clean = tf(home, ["lac", "lint", "clean.yaml", "--schema", SCHEMA]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("no findings");

    const text = tf(home, ["lac", "lint", "buggy.yaml", "--schema", SCHEMA]);
    expect(text.code).toBe(0); // only warnings and info: below the default --fail-on error
    expect(text.stdout).toMatch(/^buggy\.yaml:8:\d+ warning LAC106 /m);
    expect(text.stdout).toMatch(/^buggy\.yaml:18:11 warning LAC203 Reason unused/m);
    expect(text.stdout).toContain("[fixable]");
    expect(tf(home, ["lac", "lint", "buggy.yaml", "--schema", SCHEMA, "--fail-on", "warning"]).code).toBe(3);
    expect(
      tf(home, [
        "lac",
        "lint",
        "buggy.yaml",
        "--schema",
        SCHEMA,
        "--fail-on",
        "warning",
        "--disable",
        "LAC106,LAC203,LAC302",
      ]).code,
    ).toBe(0);

    const sarif = tf(home, ["lac", "lint", "buggy.yaml", "--schema", SCHEMA, "--format", "sarif"]);
    const log = JSON.parse(sarif.stdout);
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain("LAC106");
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("buggy.yaml");

    const junit = tf(home, [
      "lac",
      "lint",
      "buggy.yaml",
      "--schema",
      SCHEMA,
      "--format",
      "junit",
      "--fail-on",
      "warning",
    ]);
    expect(junit.stdout).toMatch(/^<\?xml/);
    expect(junit.stdout).toContain('<failure type="LAC203"');
    const gh = tf(home, [
      "lac",
      "lint",
      "buggy.yaml",
      "--schema",
      SCHEMA,
      "--format",
      "github",
      "--rule",
      "unused-reason",
    ]);
    expect(gh.stdout).toBe(
      "::warning file=buggy.yaml,line=18,col=11,title=LAC203 unused-reason::Reason unused is not used by any rule or defaultReason\n",
    );

    const json = tf(home, ["lac", "lint", "buggy.yaml", "--schema", SCHEMA, "--json"]);
    expect(json.json!.ok).toBe(true);
    expect(json.json!.data).toMatchObject({ checked: true, failed: false });
  });

  it("lint --fix rewrites a copy atomically, keeps comments, and a second run finds nothing", () => {
    const p = join(home, "fixme.yaml");
    writeFileSync(p, BUGGY);
    const r = tf(home, ["lac", "lint", "fixme.yaml", "--schema", SCHEMA, "--fix"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("fixed fixme.yaml:8 LAC106 remove the repeated tests");
    expect(r.stderr).toContain("fixed fixme.yaml:18 LAC203 remove reasons.unused");
    const fixed = readFileSync(p, "utf8");
    expect(fixed).toContain("# a buggy policy");
    expect(fixed).toContain("# keep me");
    expect(fixed).not.toContain("unused:");
    const again = tf(home, ["lac", "lint", "fixme.yaml", "--schema", SCHEMA, "--fix"]);
    expect(again.stderr).toBe("");
    expect(readFileSync(p, "utf8")).toBe(fixed);
    expect(tf(home, ["lac", "fmt", "fixme.yaml", "--check"]).code).toBe(0);
  });

  it("lint: bad input gives its code, never a stack; unknown rules are usage errors", () => {
    writeFileSync(join(home, "broken.yaml"), "rules: [\n");
    const r = tf(home, ["lac", "lint", "broken.yaml", "--schema", SCHEMA]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/broken\.yaml:\d+:\d+ error TF_LAC_PARSE /);
    writeFileSync(join(home, "latin1.yaml"), Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xe9, 0x0a]));
    const enc = tf(home, ["lac", "lint", "latin1.yaml", "--schema", SCHEMA]);
    expect(enc.stdout).toContain("error TF_LAC_ENCODING");
    const rule = tf(home, ["lac", "lint", "buggy.yaml", "--schema", SCHEMA, "--rule", "LAC999"]);
    expect(rule.code).toBe(2);
    expect(rule.stderr).toContain("TF_LAC_LINT_RULE_UNKNOWN");
    for (const x of [r, enc, rule]) expect(x.stderr + x.stdout).not.toMatch(STACK);
  });

  it("fmt: --check lists and exits 3, --diff prints, default rewrites; idempotent", () => {
    const p = join(home, "fmt.yaml");
    writeFileSync(p, BUGGY);
    const check = tf(home, ["lac", "fmt", "fmt.yaml", ex("research-sharing.yaml"), "--check"]);
    expect(check.code).toBe(3);
    expect(check.stdout.split("\n")[0]).toBe("fmt.yaml");
    const diff = tf(home, ["lac", "fmt", "fmt.yaml", "--diff"]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain("--- fmt.yaml");
    expect(diff.stdout).toContain("+metadata:");
    expect(readFileSync(p, "utf8")).toBe(BUGGY);
    const write = tf(home, ["lac", "fmt", "fmt.yaml"]);
    expect(write.code).toBe(0);
    expect(write.stdout).toContain("formatted fmt.yaml");
    const once = readFileSync(p, "utf8");
    expect(once).toContain("# keep me");
    expect(tf(home, ["lac", "fmt", "fmt.yaml", "--check"]).code).toBe(0);
    expect(readFileSync(p, "utf8")).toBe(once);
    const bad = tf(home, ["lac", "fmt", "broken.yaml"]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain("TF_LAC_PARSE");
  });

  it("test: the shipped tests pass at 100% coverage; failures diff and exit 3; JUnit", () => {
    for (const name of ["analytics-export", "research-sharing"]) {
      const r = tf(home, [
        "lac",
        "test",
        ex(`${name}.yaml`),
        "--schema",
        SCHEMA,
        "--tests",
        ex(`tests/${name}.tests.yaml`),
        "--min-coverage",
        "100",
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("rule coverage 100%");
    }
    const cases = readFileSync(ex("tests/research-sharing.tests.yaml"), "utf8").replace(
      "decision: allow\n      rules: [allow-open-license-research]\n      reasons",
      "decision: deny\n      rules: [allow-open-license-research]\n      reasons",
    );
    writeFileSync(join(home, "wrong.tests.yaml"), cases);
    copyFileSync(ex("research-sharing.yaml"), join(home, "rs.yaml"));
    const fail = tf(home, ["lac", "test", "rs.yaml", "--schema", SCHEMA, "--tests", "wrong.tests.yaml"]);
    expect(fail.code).toBe(3);
    expect(fail.stdout).toContain('- decision: "deny"');
    expect(fail.stdout).toContain('+ decision: "allow"');
    const junit = tf(home, [
      "lac",
      "test",
      "rs.yaml",
      "--schema",
      SCHEMA,
      "--tests",
      "wrong.tests.yaml",
      "--format",
      "junit",
    ]);
    expect(junit.stdout).toContain('<failure type="mismatch"');
    const one =
      "apiVersion: trustfabric.dev/lac/v1\nkind: PolicyTest\ncases:\n  - name: pii\n    request: { resource: { containsPii: true }, action: { type: share } }\n    expect: { decision: deny }\n";
    writeFileSync(join(home, "one.tests.yaml"), one);
    const low = tf(home, [
      "lac",
      "test",
      "rs.yaml",
      "--schema",
      SCHEMA,
      "--tests",
      "one.tests.yaml",
      "--min-coverage",
      "90",
    ]);
    expect(low.code).toBe(3);
    expect(low.stdout).toContain("below --min-coverage 90%");
    writeFileSync(join(home, "bad.tests.yaml"), "cases: [\n");
    const bad = tf(home, [
      "lac",
      "test",
      "rs.yaml",
      "--schema",
      SCHEMA,
      "--tests",
      "bad.tests.yaml",
      "--json",
    ]);
    expect(bad.json).toMatchObject({ ok: false, error: { code: "TF_LAC_PARSE" } });
  });
});
