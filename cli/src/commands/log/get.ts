import { Args, Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

export default class LogGet extends TfCommand<typeof LogGet> {
  static summary = "Read the entry at an index.";
  static description =
    "Prints the entry (as text when it is UTF-8, else base64), or writes its exact bytes with --out.";
  static examples = ["<%= config.bin %> log get 0", "<%= config.bin %> log get 41 --out entry.bin"];
  static args = { index: Args.integer({ description: "Entry index (0-based)", required: true, min: 0 }) };
  static flags = { out: Flags.string({ description: "Write the entry's bytes to this file" }) };

  protected async execute() {
    const client = await this.client();
    const r = await client.log.get({ index: this.args.index });
    if (this.flags.out) await this.writeOut(this.flags.out, Buffer.from(r.data, "base64"));
    return r;
  }

  protected renderText(r: { text: string | null; data: string }) {
    if (this.flags.out) return "";
    return r.text ?? r.data;
  }
}
