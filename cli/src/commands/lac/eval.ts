import { Args, Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

interface EvalData {
  decision: "allow" | "deny";
  policyDecision: "allow" | "deny";
  mode: "audit" | "enforce";
  decidingRules: string[];
  reasons: { rule: string | null; key: string; text: string }[];
  obligations: { preset: string; field: string; rule: string; [k: string]: unknown }[];
  policy: { name: string; version: string };
}

export default class LacEval extends TfCommand<typeof LacEval> {
  static summary = "Decide one request under a LAC policy.";
  static description =
    "Checks and compiles the policy, then decides the request: allow or deny, the deciding rules, the reasons in the chosen locale and the obligations (minimization presets) the result must go through. In audit mode the decision is always allow and the policy's own decision is shown beside it. A denial is a result, not an error: the exit code is 0. A policy that does not check exits 3 (run `tf lac check`).";
  static examples = [
    "<%= config.bin %> lac eval examples/lac/analytics-export.yaml --schema examples/lac/schema.yaml --request examples/lac/requests/analyst-query.json",
    "<%= config.bin %> lac eval policy.yaml --schema schema.yaml --request req.json --locale de --json",
  ];
  static args = {
    policy: Args.string({ description: "The policy file (YAML, kind: Policy)", required: true }),
  };
  static flags = {
    schema: Flags.string({ description: "The schema file (YAML, kind: Schema)", required: true }),
    request: Flags.string({
      description: "The request: a JSON file {subject, resource, action, context} (or - for stdin)",
      required: true,
    }),
    locale: Flags.string({ description: "Locale of the reasons, e.g. en or de (default: the policy's)" }),
  };

  protected async execute(): Promise<EvalData> {
    const [policy, schema, request] = await Promise.all([
      this.readFile(this.args.policy, null),
      this.readFile(this.flags.schema, null),
      this.readFile(this.flags.request),
    ]);
    const sdk = await this.sdk();
    const client = await this.client();
    return client.lac.eval({
      policy: policy.toString("base64"),
      schema: schema.toString("base64"),
      encoding: "base64",
      policyFile: this.args.policy,
      schemaFile: this.flags.schema,
      request: sdk.parseLacRequest(request, this.flags.request),
      locale: this.flags.locale,
    });
  }

  protected renderText(d: EvalData): string {
    const o = this.output.out;
    const verdict = (v: string) => (v === "allow" ? o.green(v.toUpperCase()) : o.red(v.toUpperCase()));
    const by = `by ${d.decidingRules.length ? d.decidingRules.join(", ") : "default"} — ${d.policy.name}@${d.policy.version}`;
    const head =
      d.mode === "audit"
        ? `${verdict(d.decision)} (audit mode): the policy would ${verdict(d.policyDecision)} ${by}`
        : `${verdict(d.decision)} ${by}`;
    const lines = [
      head,
      ...d.reasons.map((r) => `  reason ${r.key}: ${r.text}`),
      ...d.obligations.map((ob) => {
        const { preset, field, rule, ...params } = ob;
        const ps = Object.entries(params).map(([k, v]) => `${k}=${String(v)}`);
        return `  obligation ${preset} ${field}${ps.length ? ` (${ps.join(", ")})` : ""} from ${rule}`;
      }),
    ];
    return lines.join("\n");
  }
}
