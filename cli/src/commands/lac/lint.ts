import { Args, Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

interface Finding {
  rule: string;
  name: string;
  severity: "error" | "warning" | "info";
  file: string;
  line: number;
  col: number;
  message: string;
  fix?: { description: string };
}

interface LintData {
  checked: boolean;
  failed: boolean;
  counts: { error: number; warning: number; info: number };
  findings: Finding[];
  applied: { rule: string; line: number; description: string }[];
  fixed?: string;
  report?: string;
}

export default class LacLint extends TfCommand<typeof LacLint> {
  static summary = "Lint a LAC policy: bugs, safety, style and performance findings, with safe fixes.";
  static description =
    "Type-checks the policy against the schema, then runs the lint catalogue (docs/lac-lint.md): unreachable, shadowed and conflicting rules, contradictory or redundant conditions, denials without reasons, missing locales, unused reasons, over-broad allows, exports without minimization, presets made no-ops by their parameters, rule id style, non-canonical layout and expensive graph tests ordered first. With --tests, rules no test case makes decide are reported too. Prints file:line:col severity id message; --format sarif|junit|github renders for CI. Exits 3 when a finding is at or above --fail-on (default error). --fix rewrites the policy atomically with the safe fixes only (comments kept) and lists them on stderr.";
  static examples = [
    "<%= config.bin %> lac lint examples/lac/analytics-export.yaml --schema examples/lac/schema.yaml",
    "<%= config.bin %> lac lint policy.yaml --schema schema.yaml --format sarif --fail-on warning > lac.sarif",
    "<%= config.bin %> lac lint policy.yaml --schema schema.yaml --fix --disable LAC301",
    "<%= config.bin %> lac lint policy.yaml --schema schema.yaml --tests policy.tests.yaml --rule untested-rule",
  ];
  static args = {
    policy: Args.string({ description: "The policy file (YAML, kind: Policy)", required: true }),
  };
  static flags = {
    schema: Flags.string({ description: "The schema file (YAML, kind: Schema)", required: true }),
    tests: Flags.string({
      description: "A policy test file (kind: PolicyTest): enables LAC207 untested-rule",
    }),
    format: Flags.string({
      description: "Output format",
      options: ["text", "json", "sarif", "junit", "github"],
      default: "text",
    }),
    "fail-on": Flags.string({
      description: "Exit 3 when a finding is at or above this severity",
      options: ["error", "warning", "info", "never"],
      default: "error",
    }),
    fix: Flags.boolean({ description: "Apply the safe fixes to the policy file (atomically) and list them" }),
    rule: Flags.string({ description: "Run only this rule (id or name); repeatable", multiple: true }),
    disable: Flags.string({ description: "Skip this rule (id or name); repeatable", multiple: true }),
  };

  protected async execute(): Promise<LintData> {
    const f = this.flags;
    const [policy, schema, tests] = await Promise.all([
      this.readFile(this.args.policy, null),
      this.readFile(f.schema, null),
      f.tests === undefined ? undefined : this.readFile(f.tests, null),
    ]);
    const format = f.format as string;
    const client = await this.client();
    const data = await client.lac.lint({
      policy: policy.toString("base64"),
      schema: schema.toString("base64"),
      encoding: "base64",
      policyFile: this.args.policy,
      schemaFile: f.schema,
      ...(tests === undefined ? {} : { tests: tests.toString("base64"), testsFile: f.tests }),
      rules: f.rule,
      disable: f.disable,
      fix: Boolean(f.fix),
      failOn: f["fail-on"] as "error",
      ...(format === "sarif" || format === "junit" || format === "github" ? { format } : {}),
    });
    if (f.fix && data.fixed !== undefined) {
      if (this.args.policy === "-") this.output.note("--fix with stdin: the fixed policy is not written");
      else await this.writeOut(this.args.policy, data.fixed);
    }
    for (const a of data.applied)
      this.output.note(`fixed ${this.args.policy}:${a.line} ${a.rule} ${a.description}`);
    return data;
  }

  protected exitCodeFor(data: LintData): number {
    return data.failed ? 3 : 0;
  }

  protected renderText(d: LintData): string {
    const format = this.flags.format;
    if (format === "json") return JSON.stringify({ ok: true, data: d }, null, 2);
    if (d.report !== undefined) return d.report.replace(/\n$/, "");
    const o = this.output.out;
    const paint = { error: o.red, warning: o.yellow, info: o.cyan };
    const lines = d.findings.map(
      (x) =>
        `${x.file}:${x.line}:${x.col} ${paint[x.severity](x.severity)} ${o.bold(x.rule)} ${x.message}${x.fix && !this.flags.fix ? o.dim(" [fixable]") : ""}`,
    );
    const c = d.counts;
    const total = c.error + c.warning + c.info;
    const fixable = d.findings.filter((x) => x.fix).length;
    const summary = total
      ? `${d.failed ? o.red("✖") : o.yellow("!")} ${c.error} error${c.error === 1 ? "" : "s"}, ${c.warning} warning${c.warning === 1 ? "" : "s"}, ${c.info} info${fixable && !this.flags.fix ? ` (${fixable} fixable with --fix)` : ""}`
      : `${o.green("✔")} ${this.args.policy}: no findings`;
    return [...lines, summary].join("\n");
  }
}
