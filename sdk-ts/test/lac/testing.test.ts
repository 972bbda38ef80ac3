import { describe, expect, it } from "vitest";
import { TfError } from "../../src/core/errors.js";
import { lacFormat } from "../../src/lac/fmt.js";
import { lacTest } from "../../src/lac/testing.js";
import { example, policy, rule, SCHEMA } from "./fixtures.js";

const EX_SCHEMA = example("schema.yaml");

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof TfError) return e.code;
    throw e;
  }
  return undefined;
}

describe("lacTest on the shipped examples", () => {
  for (const name of ["analytics-export", "research-sharing"]) {
    it(`${name}: every case passes with 100% rule coverage`, () => {
      const run = lacTest(example(`${name}.yaml`), EX_SCHEMA, example(`tests/${name}.tests.yaml`));
      const failing = run.cases.filter((c) => c.status !== "pass");
      expect(failing).toEqual([]);
      expect(run.coverage.percent).toBe(100);
      expect(run.coverage.uncovered).toEqual([]);
    });
    it(`${name}: the test file is canonically formatted`, () => {
      expect(lacFormat(example(`tests/${name}.tests.yaml`)).changed).toBe(false);
    });
  }
});

const P = policy(
  rule("allow-analyst", "allow", "{ attr: subject.role, op: eq, value: analyst }", "r1") +
    rule("deny-pii", "deny", "{ attr: resource.tags, op: contains, value: pii }", "r2") +
    rule("allow-admin", "allow", "{ attr: subject.role, op: eq, value: admin }", "r3"),
);
const tests = (cases: string) => `apiVersion: trustfabric.dev/lac/v1\nkind: PolicyTest\ncases:\n${cases}`;

describe("lacTest", () => {
  it("reports a failing case with a diff of expected against actual", () => {
    const run = lacTest(
      P,
      SCHEMA,
      tests(`  - name: analyst
    request: { subject: { role: analyst }, resource: { tags: [pii] } }
    expect: { decision: allow, rules: [allow-analyst], reasons: [r1] }
`),
    );
    expect(run.failed).toBe(1);
    const c = run.cases[0]!;
    expect(c.status).toBe("fail");
    expect(c.line).toBe(4);
    expect(c.diff).toEqual([
      '- decision: "allow"',
      '+ decision: "deny"',
      '- rules: ["allow-analyst"]',
      '+ rules: ["deny-pii"]',
      '- reasons: ["r1"]',
      '+ reasons: ["r2"]',
    ]);
  });

  it("measures coverage and names rules only ever not evaluable", () => {
    const run = lacTest(
      P,
      SCHEMA,
      tests(`  - name: analyst without tags
    request: { subject: { role: analyst } }
    expect: { decision: allow, notEvaluable: [deny-pii] }
`),
    );
    expect(run.passed).toBe(1);
    expect(run.coverage.covered).toBe(1);
    expect(run.coverage.percent).toBe(33.3);
    expect(run.coverage.uncovered).toEqual(["deny-pii", "allow-admin"]);
    // allow-admin is not even a candidate: the rules are indexed on subject.role.
    expect(run.coverage.onlyNotEvaluable).toEqual(["deny-pii"]);
    expect(run.coverage.defaultDeny).toBe(false);
  });

  it("matches obligations on the fields given, counts included", () => {
    const withOb = policy(
      rule(
        "allow-a",
        "allow",
        "{ attr: subject.role, op: eq, value: analyst }",
        "r1",
        "    obligations:\n      - { preset: mask, field: email, keepLast: 4 }\n",
      ),
    );
    const run = (obs: string) =>
      lacTest(
        withOb,
        SCHEMA,
        tests(`  - name: c
    request: { subject: { role: analyst } }
    expect: { decision: allow, obligations: ${obs} }
`),
      ).cases[0]!.status;
    expect(run("[{ preset: mask, field: email }]")).toBe("pass");
    expect(run("[{ preset: mask, field: email, keepLast: 4, rule: allow-a }]")).toBe("pass");
    expect(run("[{ preset: mask, field: email, keepLast: 2 }]")).toBe("fail");
    expect(run("[]")).toBe("fail");
  });

  it("a request the schema rejects is an error case, not a crash", () => {
    const run = lacTest(
      P,
      SCHEMA,
      tests(`  - name: bad
    request: { subject: { role: wizard } }
    expect: { decision: deny }
`),
    );
    expect(run.cases[0]).toMatchObject({ status: "error", error: { code: "TF_LAC_REQUEST_INVALID" } });
    expect(run.errors).toBe(1);
  });

  it("bad test files give their codes", () => {
    expect(code(() => lacTest(P, SCHEMA, "cases: [a"))).toBe("TF_LAC_PARSE");
    expect(code(() => lacTest(P, SCHEMA, new Uint8Array([0x6b, 0xff, 0x0a])))).toBe("TF_LAC_ENCODING");
    expect(code(() => lacTest(P, SCHEMA, "x".repeat(1024 * 1024 + 1)))).toBe("TF_LAC_TOO_LARGE");
    expect(
      code(() =>
        lacTest(P, SCHEMA, tests("  - name: a\n    request: {}\n    expect: { decision: maybe }\n")),
      ),
    ).toBe("TF_LAC_TEST_INVALID");
    const dup = "  - name: a\n    request: {}\n    expect: { decision: deny }\n";
    expect(code(() => lacTest(P, SCHEMA, tests(dup + dup)))).toBe("TF_LAC_TEST_INVALID");
    try {
      lacTest(
        P,
        SCHEMA,
        tests("  - name: a\n    request: {}\n    expect: { decision: deny, rules: [allow-analist] }\n"),
      );
    } catch (e) {
      expect((e as TfError).code).toBe("TF_LAC_TEST_INVALID");
      expect((e as TfError).message).toContain('did you mean "allow-analyst"?');
    }
  });

  it("a policy that does not check is TF_LAC_POLICY_INVALID", () => {
    expect(
      code(() =>
        lacTest(
          P.replace("subject.role", "subject.rol"),
          SCHEMA,
          tests("  - name: a\n    request: {}\n    expect: { decision: deny }\n"),
        ),
      ),
    ).toBe("TF_LAC_POLICY_INVALID");
  });
});
