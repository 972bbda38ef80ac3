import { Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";
import { readVkey } from "../../vkey.js";

export default class LogConsistency extends TfCommand<typeof LogConsistency> {
  static summary = "Prove or verify that the log only grew.";
  static description =
    "With --from N, writes a consistency proof from tree size N to the current checkpoint (`old N`, proof hashes, blank line, signed checkpoint: the C2SP tlog-witness framing). With --verify FILE, checks such a proof offline against an older checkpoint and the log's verifier key (exit 3 if the log forked or was rewritten).";
  static examples = [
    "<%= config.bin %> log consistency --from 1000 --out c.proof",
    "<%= config.bin %> log consistency --verify c.proof --old-checkpoint cp-1000.txt --vkey @log.vkey",
  ];
  static flags = {
    from: Flags.integer({
      description: "Older tree size to prove from",
      min: 1,
      exactlyOne: ["from", "verify"],
    }),
    out: Flags.string({ description: "Write the proof to this file" }),
    verify: Flags.string({
      description: "A consistency proof file to verify",
      exactlyOne: ["from", "verify"],
      dependsOn: ["old-checkpoint", "vkey"],
    }),
    "old-checkpoint": Flags.string({ description: "The older signed checkpoint (file)" }),
    vkey: Flags.string({ description: "The log's verifier key, or @file" }),
    origin: Flags.string({ description: "Expected origin (default: the verifier key's name)" }),
  };

  protected async execute() {
    const client = await this.client();
    if (this.flags.verify) {
      return client.log.verifyConsistency({
        proof: await this.readFile(this.flags.verify),
        oldCheckpoint: await this.readFile(this.flags["old-checkpoint"]!),
        vkey: await readVkey(this.flags.vkey!, (p) => this.readFile(p)),
        origin: this.flags.origin,
      });
    }
    const r = await client.log.consistency({ from: this.flags.from! });
    if (this.flags.out) await this.writeOut(this.flags.out, r.proof);
    return r;
  }

  protected renderText(r: { from: number; to: number; proof?: string; ok?: boolean }) {
    if (r.ok) return `${this.output.out.green("✔")} tree size ${r.to} is consistent with tree size ${r.from}`;
    if (this.flags.out)
      return `${this.output.out.green("✔")} wrote consistency proof ${r.from} → ${r.to} to ${this.flags.out}`;
    return r.proof;
  }
}
