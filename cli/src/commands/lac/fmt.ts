import { Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

interface FileResult {
  file: string;
  changed: boolean;
  written: boolean;
  diff?: string;
  formatted?: string;
  diagnostics: { file: string; line: number; col: number; severity: string; code: string; message: string }[];
}

interface FmtData {
  files: FileResult[];
  changed: number;
  errors: number;
}

export default class LacFmt extends TfCommand<typeof LacFmt> {
  static summary = "Format LAC policies, schemas and policy tests canonically.";
  static description =
    "Rewrites each file in the canonical layout (docs/lac-lint.md#lac302-non-canonical-format): fixed key order (apiVersion, kind, metadata, mode, combining, defaultLocale, defaultReason, rules, reasons; in a rule id, description, effect, when, reason, obligations), one flow map per test { attr, op, value } and per obligation, block style elsewhere, reason texts double-quoted. Comments are kept; values never change, so the policy decides exactly as before. Files are replaced atomically. --check only lists the files that would change and exits 3 if any would; --diff prints a unified diff instead of writing. A file that does not parse is reported with its code (e.g. TF_LAC_PARSE) and exits 3. Use - to format stdin to stdout.";
  static examples = [
    "<%= config.bin %> lac fmt examples/lac/analytics-export.yaml examples/lac/research-sharing.yaml",
    "<%= config.bin %> lac fmt policies/*.yaml --check",
    "<%= config.bin %> lac fmt policy.yaml --diff",
  ];
  static strict = false;
  static args = {};
  static flags = {
    check: Flags.boolean({
      description: "Write nothing; list the files that would change and exit 3 if any",
    }),
    diff: Flags.boolean({ description: "Write nothing; print a unified diff of each change" }),
  };

  protected async execute(): Promise<FmtData> {
    const { argv } = await this.parse(LacFmt);
    const files = argv as string[];
    if (!files.length) {
      const sdk = await this.sdk();
      throw new sdk.TfError("TF_USAGE", "Name at least one file to format (or - for stdin)");
    }
    const client = await this.client();
    const write = !this.flags.check && !this.flags.diff;
    const results: FileResult[] = [];
    for (const file of files) {
      const bytes = await this.readFile(file, null);
      const r = await client.lac.fmt({
        source: bytes.toString("base64"),
        encoding: "base64",
        file,
        diff: Boolean(this.flags.diff),
      });
      const written = write && r.changed && file !== "-" && r.formatted !== undefined;
      if (written) await this.writeOut(file, r.formatted!);
      results.push({
        file,
        changed: r.changed,
        written,
        diagnostics: r.diagnostics,
        ...(r.diff ? { diff: r.diff } : {}),
        ...(file === "-" && r.formatted !== undefined ? { formatted: r.formatted } : {}),
      });
    }
    for (const r of results)
      for (const d of r.diagnostics)
        this.output.note(`${d.file}:${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}`);
    return {
      files: results,
      changed: results.filter((r) => r.changed).length,
      errors: results.filter((r) => r.diagnostics.length).length,
    };
  }

  protected exitCodeFor(d: FmtData): number {
    return d.errors || (this.flags.check && d.changed) ? 3 : 0;
  }

  protected renderText(d: FmtData): string {
    const o = this.output.out;
    const lines: string[] = [];
    for (const r of d.files) {
      if (r.formatted !== undefined && !this.flags.check && !this.flags.diff)
        lines.push(r.formatted.replace(/\n$/, ""));
      else if (this.flags.diff && r.diff) lines.push(r.diff.replace(/\n$/, ""));
      else if (this.flags.check && r.changed) lines.push(r.file);
      else if (r.written) lines.push(`formatted ${r.file}`);
    }
    if (!this.flags.diff && !d.files.some((r) => r.file === "-")) {
      const n = d.files.length - d.changed - d.errors;
      const verb = this.flags.check ? "would be reformatted" : "reformatted";
      lines.push(
        `${d.changed ? o.yellow("!") : o.green("✔")} ${d.changed} file${d.changed === 1 ? "" : "s"} ${verb}, ${n} already canonical${d.errors ? `, ${o.red(`${d.errors} with errors`)}` : ""}`,
      );
    }
    return lines.join("\n");
  }
}
