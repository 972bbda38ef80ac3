import { resolve } from "node:path";
import { Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

type Report = import("@trustfabric/sdk").lac.SimulationReport;

export default class LacSimulate extends TfCommand<typeof LacSimulate> {
  static summary = "Replay historical queries under a policy change and report what it would do.";
  static description =
    "Compiles both versions of the policy once, then streams the history (JSONL, one {id, time, team, dataset, request} per line) and decides every query under both. Reports the queries newly blocked, newly allowed and those whose obligations change, grouped by the new version's deciding rules, by team and by dataset, with counts and a few example query ids per group; lines that fail to parse are counted and listed with their line numbers, never fatal. --format picks the rendering (text, json, csv with one row per kind × rule × team × dataset, or one self-contained html page); --out writes it to a file. Format of the history and the reports: docs/lac-simulate.md.";
  static examples = [
    "<%= config.bin %> lac simulate --from examples/lac/analytics-export.yaml --to examples/lac/analytics-export.v2.yaml --schema examples/lac/schema.yaml --history examples/lac/history/queries.jsonl",
    "<%= config.bin %> lac simulate --from old.yaml --to new.yaml --schema schema.yaml --history queries.jsonl --format html --out report.html",
    "<%= config.bin %> lac simulate --from old.yaml --to new.yaml --schema schema.yaml --history queries.jsonl --format csv --out changes.csv",
    "<%= config.bin %> lac simulate --from old.yaml --to new.yaml --schema schema.yaml --history big.jsonl --threads 2 --format json",
  ];
  static flags = {
    from: Flags.string({ description: "The current policy (YAML)", required: true }),
    to: Flags.string({ description: "The proposed policy (YAML)", required: true }),
    schema: Flags.string({ description: "The schema both versions check against", required: true }),
    history: Flags.string({ description: "Historical queries, JSONL (or - for stdin)", required: true }),
    format: Flags.string({
      description: "Report format",
      options: ["text", "json", "csv", "html"],
      default: "text",
    }),
    out: Flags.string({ description: "Write the report to this file instead of stdout" }),
    examples: Flags.integer({ description: "Example query ids per group", default: 5, min: 0, max: 100 }),
    compare: Flags.string({
      description: "effective: the decision enforced (audit mode allows); policy: what the policy decided",
      options: ["effective", "policy"],
      default: "effective",
    }),
    threads: Flags.integer({
      description:
        "Threads reading a history file (default: one per core, at most 4, for files of 16 MiB or more); the report is the same",
      min: 1,
      max: 64,
    }),
  };

  protected async execute(): Promise<Report> {
    const [from, to, schema] = await Promise.all([
      this.readFile(this.flags.from, null),
      this.readFile(this.flags.to, null),
      this.readFile(this.flags.schema, null),
    ]);
    const client = await this.client("simulating");
    const sdk = await this.sdk();
    // A local history file is streamed; over a server (or from stdin) its text is sent.
    const remote = client instanceof sdk.RemoteClient;
    const history =
      remote || this.flags.history === "-"
        ? { history: await this.readFile(this.flags.history) }
        : { historyFile: resolve(this.flags.history) };
    const report = await client.lac.simulate({
      from: from.toString("base64"),
      to: to.toString("base64"),
      schema: schema.toString("base64"),
      encoding: "base64",
      fromFile: this.flags.from,
      toFile: this.flags.to,
      schemaFile: this.flags.schema,
      examplesPerGroup: this.flags.examples,
      compare: this.flags.compare as "effective" | "policy",
      threads: this.flags.threads,
      ...history,
    });
    const format = this.flags.format;
    if (format !== "text" || this.flags.out) {
      const body =
        format === "csv"
          ? sdk.lac.simulationCsv(report)
          : format === "html"
            ? sdk.lac.simulationHtml(report)
            : format === "json"
              ? `${JSON.stringify(report, null, 2)}\n`
              : `${this.renderText(report)}\n`;
      if (this.flags.out) await this.writeOut(this.flags.out, body);
      else if (!this.output.json) this.output.data(body.replace(/\r?\n$/, ""));
      this.written = true;
    }
    return report;
  }

  private written = false;

  protected renderText(r: Report): string {
    if (this.written)
      return this.flags.out ? `Wrote the ${this.flags.format} report to ${this.flags.out}` : "";
    const o = this.output.out;
    const t = r.totals;
    const n = (x: number) => x.toLocaleString("en-US");
    const lines = [
      `${r.from.name}@${r.from.version} → ${r.to.name}@${r.to.version}: ${n(t.queries)} queries replayed, ${n(t.unchanged)} unchanged`,
      `  ${o.red(`${n(t.newlyBlocked)} newly blocked`)}, ${o.green(`${n(t.newlyAllowed)} newly allowed`)}, ${o.yellow(`${n(t.obligationsChanged)} with changed obligations`)}`,
    ];
    if (t.invalid) lines.push(`  ${n(t.invalid)} invalid line${t.invalid === 1 ? "" : "s"} (listed below)`);
    for (const [title, groups] of [
      ["By rule", r.byRule],
      ["By team", r.byTeam],
      ["By dataset", r.byDataset],
    ] as const) {
      if (groups.length === 0) continue;
      lines.push("", o.bold(title));
      for (const g of groups) {
        const prev =
          "previous" in g && g.previous.length ? ` (was ${g.previous.map((p) => p.rules).join(", ")})` : "";
        lines.push(
          `  ${g.kind.padEnd(19)} ${String(g.count).padStart(7)}  ${g.key}${prev}  e.g. ${g.examples.join(", ")}`,
        );
      }
    }
    if (r.invalid.length) {
      lines.push("", o.bold("Invalid lines"));
      for (const i of r.invalid) lines.push(`  line ${i.line}: ${i.code} ${i.message}`);
      if (!r.invalidListed) lines.push(`  … and ${n(t.invalid - r.invalid.length)} more`);
    }
    return lines.join("\n");
  }
}
