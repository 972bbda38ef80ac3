import { Args, Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

interface CheckData {
  ok: boolean;
  errors: number;
  warnings: number;
  diagnostics: {
    file: string;
    line: number;
    col: number;
    severity: string;
    code: string;
    message: string;
    expected?: string;
    found?: string;
    suggestion?: string;
  }[];
}

export default class LacCheck extends TfCommand<typeof LacCheck> {
  static summary = "Type-check a LAC policy against its schema.";
  static description =
    "Parses the policy and the schema (YAML, UTF-8, at most 1 MiB each) and checks the policy's structure, every attribute it names (with a suggestion for misspelt ones), the types of every comparison, rule ids, reason keys and locales, and obligation presets. Prints one line per finding as file:line:col severity code message; exits 3 when there are errors (warnings alone exit 0). With --json, data holds {ok, errors, warnings, diagnostics}.";
  static examples = [
    "<%= config.bin %> lac check examples/lac/analytics-export.yaml --schema examples/lac/schema.yaml",
    "<%= config.bin %> lac check policy.yaml --schema schema.yaml --json",
  ];
  static args = {
    policy: Args.string({ description: "The policy file (YAML, kind: Policy)", required: true }),
  };
  static flags = {
    schema: Flags.string({ description: "The schema file (YAML, kind: Schema)", required: true }),
  };

  protected async execute(): Promise<CheckData> {
    const [policy, schema] = await Promise.all([
      this.readFile(this.args.policy, null),
      this.readFile(this.flags.schema, null),
    ]);
    const client = await this.client();
    return client.lac.check({
      policy: policy.toString("base64"),
      schema: schema.toString("base64"),
      encoding: "base64",
      policyFile: this.args.policy,
      schemaFile: this.flags.schema,
    });
  }

  protected exitCodeFor(data: CheckData): number {
    return data.ok ? 0 : 3;
  }

  protected renderText(r: CheckData): string {
    const o = this.output.out;
    const lines = r.diagnostics.map((d) => {
      const sev = d.severity === "error" ? o.red(d.severity) : o.yellow(d.severity);
      let s = `${d.file}:${d.line}:${d.col} ${sev} ${o.bold(d.code)} ${d.message}`;
      if (d.expected !== undefined || d.found !== undefined)
        s += ` (expected ${d.expected ?? "?"}, found ${d.found ?? "?"})`;
      if (d.suggestion !== undefined) s += ` — did you mean ${JSON.stringify(d.suggestion)}?`;
      return s;
    });
    const summary = r.ok
      ? `${o.green("✔")} ${this.args.policy} checks against ${this.flags.schema}${r.warnings ? ` (${r.warnings} warning${r.warnings > 1 ? "s" : ""})` : ""}`
      : `${o.red("✖")} ${r.errors} error${r.errors === 1 ? "" : "s"}, ${r.warnings} warning${r.warnings === 1 ? "" : "s"}`;
    return [...lines, summary].join("\n");
  }
}
