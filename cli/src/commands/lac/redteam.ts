import { resolve } from "node:path";
import { Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

type Report = import("@trustfabric/sdk").lac.RedTeamReport;

export default class LacRedteam extends TfCommand<typeof LacRedteam> {
  static summary = "Run the red-team corpus against the policies it targets.";
  static description =
    "Decides every labelled case of the corpus (corpus.yaml plus case files, docs/lac-redteam.md) under the policy it names and reports false negatives (expected deny, got allow: a leak) and false positives (expected allow, got deny) per category, with case ids. A policy in audit mode is judged by what it would enforce; a request the schema refuses counts as denied. With --max-fn and/or --max-fp-rate the run is a gate: exit 3 when a limit is exceeded.";
  static examples = [
    "<%= config.bin %> lac redteam --corpus examples/lac/redteam --max-fn 0 --max-fp-rate 0.02",
    "<%= config.bin %> lac redteam --corpus examples/lac/redteam --policy analytics-export=examples/lac/analytics-export.v2.yaml --category joins --json",
  ];
  static flags = {
    corpus: Flags.string({
      description: "The corpus directory (holds corpus.yaml)",
      default: "examples/lac/redteam",
    }),
    policy: Flags.string({
      description: "Replace a policy the corpus names: name=path (repeatable)",
      multiple: true,
    }),
    schema: Flags.string({ description: "Replace the corpus's schema" }),
    category: Flags.string({ description: "Only run this category (repeatable)", multiple: true }),
    "max-fn": Flags.integer({ description: "Gate: most false negatives allowed (e.g. 0)", min: 0 }),
    "max-fp-rate": Flags.string({
      description: "Gate: highest false-positive rate allowed, 0..1 (e.g. 0.02)",
    }),
  };

  protected async execute(): Promise<Report> {
    const sdk = await this.sdk();
    const policies: Record<string, string> = {};
    for (const spec of this.flags.policy ?? []) {
      const eq = spec.indexOf("=");
      if (eq <= 0) throw new sdk.TfError("TF_USAGE", `--policy takes name=path, got ${JSON.stringify(spec)}`);
      policies[spec.slice(0, eq)] = (await this.readFile(spec.slice(eq + 1), null)).toString("base64");
    }
    let maxFpRate: number | undefined;
    if (this.flags["max-fp-rate"] !== undefined) {
      maxFpRate = Number(this.flags["max-fp-rate"]);
      if (!(maxFpRate >= 0 && maxFpRate <= 1))
        throw new sdk.TfError("TF_USAGE", "--max-fp-rate is a rate between 0 and 1, e.g. 0.02");
    }
    const client = await this.client("red-teaming");
    const schema = this.flags.schema
      ? (await this.readFile(this.flags.schema, null)).toString("base64")
      : undefined;
    const b64 = (text: string) => Buffer.from(text).toString("base64");
    let source:
      | { corpusDir: string }
      | { cases: import("@trustfabric/sdk").lac.RedTeamCase[]; schema: string };
    if (client instanceof sdk.RemoteClient) {
      // The server cannot read local paths: send the corpus's cases, schema and policies.
      const loaded = sdk.lac.loadRedTeamCorpus(this.flags.corpus);
      source = { cases: loaded.cases, schema: b64(loaded.schema) };
      for (const [name, p] of Object.entries(loaded.policies)) policies[name] ??= b64(p.text);
    } else source = { corpusDir: resolve(this.flags.corpus) };
    return client.lac.redteam({
      ...source,
      ...(schema ? { schema } : {}),
      encoding: "base64",
      policies,
      maxFn: this.flags["max-fn"],
      maxFpRate,
      categories: this.flags.category,
    });
  }

  protected exitCodeFor(r: Report): number {
    return r.gate.ok ? 0 : 3;
  }

  protected renderText(r: Report): string {
    const o = this.output.out;
    const s = r.summary;
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    const lines = [
      `${s.cases} cases (${s.expectedDeny} expected deny, ${s.expectedAllow} expected allow) against ${r.policies.map((p) => `${p.name}@${p.version}`).join(", ")}`,
      "",
      `  ${"category".padEnd(20)} ${"cases".padStart(6)} ${"FN".padStart(4)} ${"FP".padStart(4)}`,
    ];
    for (const c of r.categories) {
      const fn = c.falseNegatives.length;
      const fp = c.falsePositives.length;
      lines.push(
        `  ${c.category.padEnd(20)} ${String(c.cases).padStart(6)} ${(fn ? o.red : String)(String(fn).padStart(4))} ${(fp ? o.yellow : String)(String(fp).padStart(4))}`,
      );
    }
    if (r.failures.length) lines.push("");
    for (const f of r.failures) {
      const got = `${f.got}${f.decidingRules.length ? ` by ${f.decidingRules.join(", ")}` : ""}${f.error ? ` (${f.error})` : ""}`;
      lines.push(`  ${f.kind.padEnd(14)} ${f.id}: expected ${f.expected}, got ${got} — ${f.description}`);
    }
    lines.push(
      "",
      `false negatives ${s.falseNegatives} (${pct(s.fnRate)}), false positives ${s.falsePositives} (${pct(s.fpRate)})${s.ruleMismatches ? `, ${s.ruleMismatches} right decisions by other rules` : ""}`,
    );
    if (r.gate.maxFn !== null || r.gate.maxFpRate !== null)
      lines.push(
        r.gate.ok
          ? `${o.green("✔")} gate passed`
          : `${o.red("✖")} gate failed: ${r.gate.violations.join("; ")}`,
      );
    return lines.join("\n");
  }
}
