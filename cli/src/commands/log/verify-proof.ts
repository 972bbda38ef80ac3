import { Args, Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";
import { readVkey } from "../../vkey.js";

export default class LogVerifyProof extends TfCommand<typeof LogVerifyProof> {
  static summary = "Verify an inclusion proof offline.";
  static description =
    "Checks a C2SP tlog-proof against the entry and the log's verifier key, with no access to the log: the checkpoint's signature and origin, then the Merkle path to its root. With --checkpoint, the proof must also be for that (trusted) tree. Exit code 3 when it does not verify.";
  static examples = [
    "<%= config.bin %> log verify-proof entry41.tlog-proof --entry-file entry41.json --vkey @log.vkey",
    "<%= config.bin %> log verify-proof p.tlog-proof --entry 'hello' --vkey 'example.com/log+1a2b3c4d+AQ…' --checkpoint trusted.txt",
  ];
  static args = { proof: Args.string({ description: "The .tlog-proof file (- for stdin)", required: true }) };
  static flags = {
    entry: Flags.string({ description: "The entry, inline (UTF-8)", exactlyOne: ["entry", "entry-file"] }),
    "entry-file": Flags.string({
      description: "A file holding the entry's exact bytes",
      exactlyOne: ["entry", "entry-file"],
    }),
    vkey: Flags.string({ description: "The log's verifier key, or @file holding it", required: true }),
    origin: Flags.string({ description: "Expected origin (default: the verifier key's name)" }),
    checkpoint: Flags.string({ description: "A checkpoint file you already trust" }),
  };

  protected async execute() {
    const proof = await this.readFile(this.args.proof);
    const entry =
      this.flags.entry !== undefined
        ? Buffer.from(this.flags.entry, "utf8").toString("base64")
        : (await this.readFile(this.flags["entry-file"]!, null)).toString("base64");
    const checkpoint = this.flags.checkpoint ? await this.readFile(this.flags.checkpoint) : undefined;
    const client = await this.client();
    return client.log.verifyProof({
      proof,
      entry,
      encoding: "base64",
      vkey: await readVkey(this.flags.vkey, (p) => this.readFile(p)),
      origin: this.flags.origin,
      checkpoint,
    });
  }

  protected renderText(r: { index: number; treeSize: number; origin: string }) {
    return `${this.output.out.green("✔")} entry is at index ${r.index} of ${this.output.out.bold(r.origin)} (tree size ${r.treeSize})`;
  }
}
