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
  audit?: { file: string; digest: string; flags: string[] };
}

interface BatchData {
  batch: { lines: number; decided: number; failed: number; allowed: number; denied: number };
}

export default class LacEval extends TfCommand<typeof LacEval> {
  static summary = "Decide one request, or a file of requests, under a LAC policy.";
  static description =
    "Checks and compiles the policy, then decides the request: allow or deny, the deciding rules, the reasons in the chosen locale and the obligations (minimization presets) the result must go through. In audit mode the decision is always allow and the policy's own decision is shown beside it. A denial is a result, not an error: the exit code is 0. A policy that does not check exits 3 (run `tf lac check`).\n\n--batch FILE decides one request per line (JSON Lines) and writes one JSON line per request to stdout, in order: {line, decision} or {line, error}. The file is streamed in chunks, so its size does not matter; a bad line yields an error line and the run goes on, and the exit code is 3 if any line failed. A summary goes to stderr.\n\n--audit appends an audit record (trustfabric.dev/lac/audit/v1) per decision to $TF_HOME/lac/audit/YYYY-MM-DD.jsonl, fsynced before the command returns; read them with `tf lac audit list`.";
  static examples = [
    "<%= config.bin %> lac eval examples/lac/analytics-export.yaml --schema examples/lac/schema.yaml --request examples/lac/requests/analyst-query.json",
    "<%= config.bin %> lac eval policy.yaml --schema schema.yaml --request req.json --locale de --json",
    "<%= config.bin %> lac eval policy.yaml --schema schema.yaml --request req.json --audit",
    "<%= config.bin %> lac eval policy.yaml --schema schema.yaml --batch requests.jsonl > decisions.jsonl",
  ];
  static args = {
    policy: Args.string({ description: "The policy file (YAML, kind: Policy)", required: true }),
  };
  static flags = {
    schema: Flags.string({ description: "The schema file (YAML, kind: Schema)", required: true }),
    request: Flags.string({
      description: "The request: a JSON file {subject, resource, action, context, graph?} (or - for stdin)",
      exactlyOne: ["request", "batch"],
    }),
    batch: Flags.string({
      description: "Decide every line of this JSON Lines file (or - for stdin); JSON Lines out",
      exactlyOne: ["request", "batch"],
    }),
    locale: Flags.string({ description: "Locale of the reasons, e.g. en or de (default: the policy's)" }),
    audit: Flags.boolean({ description: "Append an audit record of each decision to the data directory" }),
  };

  protected async execute(): Promise<EvalData | BatchData> {
    const [policy, schema] = await Promise.all([
      this.readFile(this.args.policy, null),
      this.readFile(this.flags.schema, null),
    ]);
    const sdk = await this.sdk();
    const client = await this.client();
    const sources = {
      policy: policy.toString("base64"),
      schema: schema.toString("base64"),
      encoding: "base64" as const,
      policyFile: this.args.policy,
      schemaFile: this.flags.schema,
      locale: this.flags.locale,
      audit: this.flags.audit,
    };
    if (this.flags.batch === undefined) {
      const request = await this.readFile(this.flags.request!);
      return client.lac.eval({ ...sources, request: sdk.parseLacRequest(request, this.flags.request) });
    }
    if (this.flags.json)
      throw new sdk.TfError("TF_USAGE", "--batch writes JSON Lines to stdout; leave out --json");
    const batch = await sdk.lac.runBatch(
      await this.openStream(this.flags.batch),
      async (chunk) => (await client.lac.evalBatch({ ...sources, ...chunk })).results,
      (r) => this.writeLine(`${JSON.stringify(r)}\n`),
    );
    return { batch };
  }

  private async openStream(path: string): Promise<AsyncIterable<Uint8Array>> {
    if (path === "-") return process.stdin;
    const { createReadStream } = await import("node:fs");
    const { stat } = await import("node:fs/promises");
    try {
      await stat(path);
    } catch (e) {
      throw (await this.sdk()).toTfError(e);
    }
    return createReadStream(path);
  }

  /** Writes one line to stdout, waiting when the pipe is full (a 1M-line run stays in bounded memory). */
  private writeLine(text: string): void | Promise<void> {
    if (process.stdout.write(text)) return;
    return new Promise((resolve) => process.stdout.once("drain", () => resolve()));
  }

  protected exitCodeFor(data: EvalData | BatchData): number {
    return "batch" in data && data.batch.failed > 0 ? 3 : 0;
  }

  protected renderText(d: EvalData | BatchData): string {
    if ("batch" in d) {
      const b = d.batch;
      this.output.note(
        `${b.decided} decided (${b.allowed} allow, ${b.denied} deny), ${b.failed} failed, ${b.lines} lines`,
      );
      return "";
    }
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
    if (d.audit) {
      lines.push(`  audit record ${d.audit.digest} in ${d.audit.file}`);
      for (const f of d.audit.flags) this.output.note(`warning: audit record flagged ${f}`);
    }
    return lines.join("\n");
  }
}
