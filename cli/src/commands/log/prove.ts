import { Args, Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

export default class LogProve extends TfCommand<typeof LogProve> {
  static summary = "Write an inclusion proof for an entry.";
  static description =
    "Produces a C2SP tlog-proof: the index, the Merkle inclusion proof and the signed checkpoint. An auditor verifies it offline with `tf log verify-proof`, needing only the proof, the entry and the log's verifier key.";
  static examples = [
    "<%= config.bin %> log prove 41 --out entry41.tlog-proof",
    "<%= config.bin %> log prove 41 --json",
  ];
  static args = { index: Args.integer({ description: "Entry index (0-based)", required: true, min: 0 }) };
  static flags = { out: Flags.string({ description: "Write the proof to this file (.tlog-proof)" }) };

  protected async execute() {
    const client = await this.client();
    const r = await client.log.prove({ index: this.args.index });
    if (this.flags.out) await this.writeOut(this.flags.out, r.proof);
    return r;
  }

  protected renderText(r: { index: number; treeSize: number; proof: string }) {
    if (this.flags.out)
      return `${this.output.out.green("✔")} wrote proof for index ${r.index} in tree size ${r.treeSize} to ${this.flags.out}`;
    return r.proof;
  }
}
