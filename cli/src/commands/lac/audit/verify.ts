import { Flags } from "@oclif/core";
import { TfCommand } from "../../../base.js";

interface VerifyData {
  ok: boolean;
  files: number;
  records: number;
  problems: { file: string; line: number; problem: string; message: string }[];
  warnings: { file: string; line: number; message: string }[];
}

export default class LacAuditVerify extends TfCommand<typeof LacAuditVerify> {
  static summary = "Verify LAC audit records: digests and chains.";
  static description =
    "Recomputes every audit record's digest (SHA-256 of its RFC 8785 canonical JSON) and follows each day file's chain (every record names the digest of the one before). Prints one line per problem — a record changed, removed, inserted or reordered — and exits 3 if there is any. A fragment left by an interrupted append that the chain steps over is a warning, not a problem.";
  static examples = [
    "<%= config.bin %> lac audit verify",
    "<%= config.bin %> lac audit verify --date 2030-01-02 --json",
  ];
  static flags = { date: Flags.string({ description: "Only this UTC day (YYYY-MM-DD)" }) };

  protected async execute(): Promise<VerifyData> {
    const client = await this.client();
    return client.lac.auditVerify({ date: this.flags.date });
  }

  protected exitCodeFor(d: VerifyData): number {
    return d.ok ? 0 : 3;
  }

  protected renderText(d: VerifyData): string {
    for (const w of d.warnings) this.output.note(`warning: ${w.file}:${w.line}: ${w.message}`);
    const o = this.output.out;
    const lines = d.problems.map((p) => `${p.file}:${p.line} ${o.red(p.problem)} ${p.message}`);
    lines.push(
      d.ok
        ? `${o.green("✔")} ${d.records} record${d.records === 1 ? "" : "s"} in ${d.files} file${d.files === 1 ? "" : "s"} verified`
        : `${o.red("✖")} ${d.problems.length} problem${d.problems.length === 1 ? "" : "s"} in ${d.records} records`,
    );
    return lines.join("\n");
  }
}
