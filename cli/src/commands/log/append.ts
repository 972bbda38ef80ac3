import { Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

export default class LogAppend extends TfCommand<typeof LogAppend> {
  static summary = "Append entries to the log.";
  static description =
    "Appends entries and returns once they are durable (fsynced) and covered by a new signed checkpoint; the printed index is the acknowledgment. Entries are at most 65535 bytes. Several processes may append to one log at the same time.";
  static examples = [
    "<%= config.bin %> log append --data 'release v1.2.3 sha256:…'",
    "<%= config.bin %> log append --file artifact.json --file other.json",
    "<%= config.bin %> log append --lines events.txt --json",
  ];
  static flags = {
    data: Flags.string({ description: "An entry given inline (UTF-8); repeat for several", multiple: true }),
    file: Flags.string({
      description: "A file whose bytes are one entry; repeat for several",
      multiple: true,
    }),
    lines: Flags.string({ description: "A text file (or - for stdin) whose non-empty lines are entries" }),
  };

  protected async execute() {
    const entries: string[] = [
      ...(this.flags.data ?? []).map((d) => Buffer.from(d, "utf8").toString("base64")),
    ];
    for (const f of this.flags.file ?? []) entries.push((await this.readFile(f, null)).toString("base64"));
    if (this.flags.lines) {
      const text = await this.readFile(this.flags.lines);
      for (const line of text.split("\n"))
        if (line !== "") entries.push(Buffer.from(line, "utf8").toString("base64"));
    }
    if (entries.length === 0) {
      const sdk = await this.sdk();
      throw new sdk.TfError("TF_LOG_ENTRY_EMPTY", "Nothing to append", {
        remedy: "Pass --data, --file or --lines.",
      });
    }
    const client = await this.client();
    return client.log.append({ entries, encoding: "base64" });
  }

  protected renderText(r: { index: number; count: number; checkpoint: { size: number } }) {
    const range = r.count === 1 ? `index ${r.index}` : `indexes ${r.index}..${r.index + r.count - 1}`;
    return `${this.output.out.green("✔")} appended ${r.count} ${r.count === 1 ? "entry" : "entries"} at ${range} (tree size ${r.checkpoint.size})`;
  }
}
