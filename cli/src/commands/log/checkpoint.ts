import { Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

export default class LogCheckpoint extends TfCommand<typeof LogCheckpoint> {
  static summary = "Print the log's current signed checkpoint.";
  static description =
    "Reads the checkpoint, verifies its signature with the log's key and prints the signed note (C2SP tlog-checkpoint).";
  static examples = [
    "<%= config.bin %> log checkpoint",
    "<%= config.bin %> log checkpoint --out checkpoint.txt",
  ];
  static flags = { out: Flags.string({ description: "Also write the signed note to this file" }) };

  protected async execute() {
    const client = await this.client();
    const r = await client.log.checkpoint({});
    if (this.flags.out) await this.writeOut(this.flags.out, r.note);
    return r;
  }

  protected renderText(r: { note: string }) {
    return r.note;
  }
}
