import { Flags } from "@oclif/core";
import { TfCommand } from "../../../base.js";

interface ListData {
  total: number;
  records: Record<string, unknown>[];
  warnings: { file: string; line: number; message: string }[];
}

export default class LacAuditList extends TfCommand<typeof LacAuditList> {
  static summary = "List LAC audit records.";
  static description =
    "Reads the audit records that `tf lac eval --audit` appended to $TF_HOME/lac/audit/YYYY-MM-DD.jsonl (on a server: the tenant's own), oldest first, and prints one line per record: time, decision, deciding rules, policy, flags. A torn last line (an append interrupted by a crash, never acknowledged) is skipped with a warning on stderr. With --json, data holds {total, records, warnings}.";
  static examples = [
    "<%= config.bin %> lac audit list",
    "<%= config.bin %> lac audit list --date 2030-01-02 --decision deny --limit 20",
    "<%= config.bin %> lac audit list --flag reason-for-access-missing --json",
  ];
  static flags = {
    date: Flags.string({ description: "Only this UTC day (YYYY-MM-DD)" }),
    decision: Flags.string({ description: "Only allow or deny", options: ["allow", "deny"] }),
    flag: Flags.string({ description: "Only records with this flag, e.g. reason-for-access-missing" }),
    limit: Flags.integer({ description: "The last N matching records", default: 100, min: 1, max: 10_000 }),
  };

  protected async execute(): Promise<ListData> {
    const client = await this.client();
    return client.lac.auditList({
      date: this.flags.date,
      decision: this.flags.decision as "allow" | "deny" | undefined,
      flag: this.flags.flag,
      limit: this.flags.limit,
    });
  }

  protected renderText(d: ListData): string {
    for (const w of d.warnings) this.output.note(`warning: ${w.file}:${w.line}: ${w.message}`);
    const o = this.output.out;
    const lines = d.records.map((r) => {
      const rec = r as {
        time: string;
        decision: string;
        decidingRules: string[];
        policy: { name: string; version: string };
        flags: string[];
      };
      const v = rec.decision === "allow" ? o.green(rec.decision) : o.red(rec.decision);
      const rules = rec.decidingRules.length ? rec.decidingRules.join(",") : "default";
      const flags = rec.flags.length ? ` ${o.yellow(`[${rec.flags.join(", ")}]`)}` : "";
      return `${rec.time} ${v} ${rules} ${rec.policy.name}@${rec.policy.version}${flags}`;
    });
    const shown = d.records.length < d.total ? ` (showing the last ${d.records.length})` : "";
    lines.push(`${d.total} record${d.total === 1 ? "" : "s"}${shown}`);
    return lines.join("\n");
  }
}
