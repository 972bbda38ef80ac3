import { Args, Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

interface TestData {
  ok: boolean;
  policy: { name: string; version: string };
  passed: number;
  failed: number;
  errors: number;
  belowMinCoverage: boolean;
  cases: {
    name: string;
    line: number;
    status: string;
    diff: string[];
    error?: { code: string; message: string };
  }[];
  coverage: {
    rules: { id: string; decided: number; notEvaluable: number; covered: boolean }[];
    covered: number;
    total: number;
    percent: number;
    onlyNotEvaluable: string[];
  };
  report?: string;
}

export default class LacTest extends TfCommand<typeof LacTest> {
  static summary = "Run policy unit tests against a LAC policy, with rule coverage.";
  static description =
    "Compiles the policy and decides every case of the test file (kind: PolicyTest, docs/lac-testing.md), comparing the decision, deciding rules, reason keys, obligations and not-evaluable rules each case expects. Failing cases show a diff of expected (-) against actual (+). Rule coverage counts a rule as covered when it decided at least one case, and names rules that were only ever skipped as not evaluable. Exits 3 when a case fails or coverage is below --min-coverage; --format junit prints JUnit XML for CI.";
  static examples = [
    "<%= config.bin %> lac test examples/lac/analytics-export.yaml --schema examples/lac/schema.yaml --tests examples/lac/tests/analytics-export.tests.yaml",
    "<%= config.bin %> lac test policy.yaml --schema schema.yaml --tests cases.yaml --min-coverage 90 --format junit > junit.xml",
  ];
  static args = {
    policy: Args.string({ description: "The policy file (YAML, kind: Policy)", required: true }),
  };
  static flags = {
    schema: Flags.string({ description: "The schema file (YAML, kind: Schema)", required: true }),
    tests: Flags.string({ description: "The test file (YAML, kind: PolicyTest)", required: true }),
    "min-coverage": Flags.integer({
      description: "Fail (exit 3) below this rule coverage, in percent",
      min: 0,
      max: 100,
    }),
    format: Flags.string({
      description: "Output format",
      options: ["text", "json", "junit"],
      default: "text",
    }),
  };

  protected async execute(): Promise<TestData> {
    const f = this.flags;
    const [policy, schema, tests] = await Promise.all([
      this.readFile(this.args.policy, null),
      this.readFile(f.schema, null),
      this.readFile(f.tests, null),
    ]);
    const client = await this.client();
    return client.lac.test({
      policy: policy.toString("base64"),
      schema: schema.toString("base64"),
      tests: tests.toString("base64"),
      encoding: "base64",
      policyFile: this.args.policy,
      schemaFile: f.schema,
      testsFile: f.tests,
      ...(f["min-coverage"] === undefined ? {} : { minCoverage: f["min-coverage"] }),
      ...(f.format === "junit" ? { format: "junit" as const } : {}),
    });
  }

  protected exitCodeFor(d: TestData): number {
    return d.ok ? 0 : 3;
  }

  protected renderText(d: TestData): string {
    if (this.flags.format === "json") return JSON.stringify({ ok: true, data: d }, null, 2);
    if (d.report !== undefined) return d.report.replace(/\n$/, "");
    const o = this.output.out;
    const lines: string[] = [];
    for (const c of d.cases) {
      if (c.status === "pass") lines.push(`${o.green("✔")} ${c.name}`);
      else if (c.status === "error")
        lines.push(`${o.red("✖")} ${c.name} ${o.red(c.error!.code)} ${c.error!.message}`);
      else {
        lines.push(`${o.red("✖")} ${c.name} (${this.flags.tests}:${c.line})`);
        for (const l of c.diff) lines.push(`    ${l.startsWith("-") ? o.green(l) : o.red(l)}`);
      }
    }
    const cov = d.coverage;
    lines.push("", `rule coverage ${cov.percent}% (${cov.covered}/${cov.total})`);
    for (const r of cov.rules.filter((x) => !x.covered))
      lines.push(
        `  ${o.yellow("uncovered")} ${r.id}${cov.onlyNotEvaluable.includes(r.id) ? ` (only ever not evaluable: ${r.notEvaluable} case${r.notEvaluable === 1 ? "" : "s"} lacked an attribute it tests)` : ""}`,
      );
    const min = this.flags["min-coverage"];
    if (d.belowMinCoverage)
      lines.push(`${o.red("✖")} coverage ${cov.percent}% is below --min-coverage ${min}%`);
    lines.push(
      `${d.ok ? o.green("✔") : o.red("✖")} ${d.passed} passed, ${d.failed} failed${d.errors ? `, ${d.errors} errors` : ""} — ${d.policy.name}@${d.policy.version}`,
    );
    return lines.join("\n");
  }
}
