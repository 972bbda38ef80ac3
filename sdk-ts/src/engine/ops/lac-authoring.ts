/** Authoring operations for LAC policies: lac.lint, lac.fmt and lac.test. */
import { z } from "zod";
import { lacFormat, unifiedDiff } from "../../lac/fmt.js";
import { failsAt, lacLint, lintResults, lintTool } from "../../lac/lint.js";
import { lintJUnit, toGithubAnnotations, toJUnit, toSarif } from "../../lac/report-formats.js";
import { lacTest, type TestRun } from "../../lac/testing.js";
import { ENGINE_VERSION } from "../../version.js";
import { defineOperation } from "../operation.js";
import { Diagnostic, decode, Encoding, Sources } from "./lac-inputs.js";

const Severity = z.enum(["error", "warning", "info"]);

const Replacement = z.object({
  startLine: z.number().int(),
  startCol: z.number().int(),
  endLine: z.number().int(),
  endCol: z.number().int(),
  charOffset: z.number().int(),
  charLength: z.number().int(),
  text: z.string(),
});

export const LintFinding = z.object({
  rule: z.string().describe("LAC101… for lint rules, a TF_LAC_* code for type-check findings"),
  name: z.string(),
  category: z.enum(["bugs", "safety", "style", "performance"]),
  severity: Severity,
  file: z.string(),
  line: z.number().int(),
  col: z.number().int(),
  path: z.string().optional().describe("the node in the document, e.g. rules.2.when.all.1"),
  message: z.string(),
  fix: z
    .object({ description: z.string(), replacements: z.array(Replacement) })
    .optional()
    .describe("what --fix would change"),
  related: z
    .array(z.object({ line: z.number().int(), col: z.number().int(), message: z.string() }))
    .optional(),
});

export const lacLintOp = defineOperation({
  name: "lac.lint",
  summary:
    "Lint a LAC policy: unreachable, shadowed and conflicting rules, contradictions, reasons, risky allows and transforms, style; safe fixes.",
  idempotent: true,
  input: z.object({
    ...Sources,
    tests: z.string().optional().describe("a PolicyTest document; enables LAC207 untested-rule"),
    testsFile: z.string().optional(),
    rules: z.array(z.string()).optional().describe("run only these rules (ids like LAC101 or names)"),
    disable: z.array(z.string()).optional().describe("skip these rules"),
    fix: z.boolean().default(false).describe("return the policy with the safe fixes applied in `fixed`"),
    failOn: z
      .enum(["error", "warning", "info", "never"])
      .default("error")
      .describe("`failed` is true when a finding is at or above this severity"),
    format: z
      .enum(["sarif", "junit", "github"])
      .optional()
      .describe("also render the findings as SARIF 2.1.0, JUnit XML or GitHub annotations in `report`"),
  }),
  output: z.object({
    checked: z.boolean().describe("false when the policy does not type-check (findings are the checker's)"),
    failed: z.boolean().describe("a finding at or above failOn exists"),
    counts: z.object({ error: z.number().int(), warning: z.number().int(), info: z.number().int() }),
    findings: z.array(LintFinding),
    rules: z.array(z.string()).describe("ids of the rules that ran"),
    applied: z
      .array(z.object({ rule: z.string(), line: z.number().int(), description: z.string() }))
      .describe("fixes applied (with fix)"),
    fixed: z.string().optional().describe("the rewritten policy (with fix, when anything changed)"),
    report: z.string().optional().describe("the findings in the requested format"),
  }),
  handler: (input) => {
    const r = lacLint(
      decode(input.policy, input.encoding, "policy"),
      decode(input.schema, input.encoding, "schema"),
      {
        policyFile: input.policyFile,
        schemaFile: input.schemaFile,
        ...(input.tests === undefined
          ? {}
          : { tests: decode(input.tests, input.encoding, "tests"), testsFile: input.testsFile }),
        rules: input.rules,
        disable: input.disable,
        fix: input.fix,
      },
    );
    let report: string | undefined;
    if (input.format) {
      const tool = lintTool(ENGINE_VERSION, r.findings);
      const results = lintResults(r.findings);
      const files = [...new Set([input.policyFile ?? "policy", ...r.findings.map((f) => f.file)])];
      if (input.format === "sarif") report = `${JSON.stringify(toSarif(tool, results), null, 2)}\n`;
      else if (input.format === "junit") report = lintJUnit(tool, results, files, input.failOn);
      else report = toGithubAnnotations(results, new Map(tool.rules.map((x) => [x.id, x.name ?? ""])));
    }
    return {
      checked: r.checked,
      failed: failsAt(r.findings, input.failOn),
      counts: r.counts,
      findings: r.findings,
      rules: r.rules.map((x) => x.id),
      applied: r.applied,
      ...(r.fixed === undefined ? {} : { fixed: r.fixed }),
      ...(report === undefined ? {} : { report }),
    };
  },
});

export const lacFmtOp = defineOperation({
  name: "lac.fmt",
  summary: "Format a LAC document (policy, schema or policy tests) canonically, keeping comments.",
  idempotent: true,
  input: z.object({
    source: z.string().describe("the document (YAML)"),
    encoding: Encoding,
    file: z.string().optional().describe("name shown in diagnostics and the diff (default: policy)"),
    diff: z
      .boolean()
      .default(false)
      .describe("also return a unified diff from the source to the formatted text"),
  }),
  output: z.object({
    changed: z.boolean().describe("the formatted text differs from the source"),
    formatted: z.string().optional().describe("the canonical text; absent when the source does not parse"),
    diff: z.string().optional(),
    diagnostics: z.array(Diagnostic).describe("why the source could not be formatted"),
  }),
  handler: (input) => {
    const file = input.file ?? "policy";
    const src = decode(input.source, input.encoding, "source");
    const r = lacFormat(src, file);
    const text = typeof src === "string" ? src : new TextDecoder().decode(src);
    return {
      changed: r.changed,
      ...(r.formatted === undefined ? {} : { formatted: r.formatted }),
      ...(input.diff && r.formatted !== undefined ? { diff: unifiedDiff(text, r.formatted, file) } : {}),
      diagnostics: r.diagnostics,
    };
  },
});

const Outcome = z.object({
  decision: z.enum(["allow", "deny"]),
  rules: z.array(z.string()),
  reasons: z.array(z.string()),
  obligations: z.array(z.record(z.string(), z.unknown())),
  notEvaluable: z.array(z.string()),
});

export const lacTestOp = defineOperation({
  name: "lac.test",
  summary:
    "Run policy unit tests (kind: PolicyTest) against a compiled LAC policy; per-case diffs and rule coverage.",
  idempotent: true,
  input: z.object({
    ...Sources,
    tests: z.string().describe("the PolicyTest document (YAML)"),
    testsFile: z.string().optional().describe("name shown in results (default: tests)"),
    minCoverage: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe("fail when fewer than this percentage of rules decide some case"),
    format: z.enum(["junit"]).optional().describe("also render the results as JUnit XML in `report`"),
  }),
  output: z.object({
    ok: z.boolean().describe("every case passed and coverage meets minCoverage"),
    policy: z.object({ name: z.string(), version: z.string() }),
    passed: z.number().int(),
    failed: z.number().int(),
    errors: z.number().int(),
    belowMinCoverage: z.boolean(),
    cases: z.array(
      z.object({
        name: z.string(),
        line: z.number().int(),
        col: z.number().int(),
        status: z.enum(["pass", "fail", "error"]),
        expected: z.record(z.string(), z.unknown()),
        actual: Outcome.optional(),
        diff: z.array(z.string()).describe("`- expected` / `+ actual` lines of each differing field"),
        error: z.object({ code: z.string(), message: z.string() }).optional(),
      }),
    ),
    coverage: z.object({
      rules: z.array(
        z.object({
          id: z.string(),
          line: z.number().int(),
          decided: z.number().int(),
          notEvaluable: z.number().int(),
          covered: z.boolean(),
        }),
      ),
      covered: z.number().int(),
      total: z.number().int(),
      percent: z.number(),
      uncovered: z.array(z.string()),
      onlyNotEvaluable: z
        .array(z.string())
        .describe("uncovered rules some case skipped for a missing attribute"),
      defaultDeny: z.boolean().describe("some case was denied by default"),
    }),
    report: z.string().optional(),
  }),
  handler: (input) => {
    const testsFile = input.testsFile ?? "tests";
    const run = lacTest(
      decode(input.policy, input.encoding, "policy"),
      decode(input.schema, input.encoding, "schema"),
      decode(input.tests, input.encoding, "tests"),
      { policyFile: input.policyFile, schemaFile: input.schemaFile, testsFile },
    );
    const below = input.minCoverage !== undefined && run.coverage.percent < input.minCoverage;
    return {
      ok: run.failed === 0 && run.errors === 0 && !below,
      ...run,
      belowMinCoverage: below,
      ...(input.format === "junit" ? { report: testJUnit(run, testsFile, input.minCoverage) } : {}),
    };
  },
});

/** One suite of the cases, plus a coverage case that fails below the threshold. */
function testJUnit(run: TestRun, file: string, min: number | undefined): string {
  const suite = `${run.policy.name}@${run.policy.version}`;
  const cases = run.cases.map((c) => ({
    name: c.name,
    classname: `${file}:${c.line}`,
    ...(c.status === "fail"
      ? {
          failure: {
            type: "mismatch",
            message: `${c.name}: ${c.diff.length / 2} field(s) differ`,
            body: c.diff.join("\n"),
          },
        }
      : c.status === "error"
        ? { error: { type: c.error!.code, message: c.error!.message } }
        : {}),
  }));
  const cov = run.coverage;
  const covText = `rule coverage ${cov.percent}% (${cov.covered}/${cov.total})${cov.uncovered.length ? `; uncovered: ${cov.uncovered.join(", ")}` : ""}`;
  cases.push({
    name: "rule coverage",
    classname: file,
    ...(min !== undefined && cov.percent < min
      ? { failure: { type: "coverage", message: `${covText}, below ${min}%`, body: covText } }
      : {}),
  });
  return toJUnit(
    [{ name: suite, cases, properties: { coverage: String(cov.percent), tests: file } }],
    "tf lac test",
  );
}
