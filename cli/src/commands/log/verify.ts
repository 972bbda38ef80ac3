import { Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";
import { readVkey } from "../../vkey.js";

export default class LogVerify extends TfCommand<typeof LogVerify> {
  static summary = "Check the whole log (or a range) for tampering.";
  static description =
    "Verifies the checkpoint's signature and origin, every hash tile against the tiles below it, the root rebuilt from the tiles against the signed root, and every entry bundle against its leaf hashes. Stops at the first inconsistency and names it with a precise error code (exit 3). Works on any C2SP tlog-tiles directory with --dir and --vkey.";
  static examples = [
    "<%= config.bin %> log verify",
    "<%= config.bin %> log verify --from 1000 --to 2000",
    "<%= config.bin %> log verify --dir ./mirror --vkey @log.vkey --json",
  ];
  static flags = {
    from: Flags.integer({ description: "First entry index to check", min: 0 }),
    to: Flags.integer({ description: "End of the entry range (exclusive)", min: 0 }),
    dir: Flags.string({
      description: "Verify this tlog-tiles directory instead of the embedded log",
      dependsOn: ["vkey"],
    }),
    vkey: Flags.string({ description: "Verifier key (or @file); default: the embedded log's" }),
    origin: Flags.string({ description: "Expected origin (default: the verifier key's name)" }),
  };

  protected async execute() {
    const client = await this.client("verifying");
    return client.log.verify({
      from: this.flags.from,
      to: this.flags.to,
      dir: this.flags.dir,
      vkey: this.flags.vkey ? await readVkey(this.flags.vkey, (p) => this.readFile(p)) : undefined,
      origin: this.flags.origin,
    });
  }

  protected renderText(r: {
    origin: string;
    size: number;
    entriesChecked: number;
    tilesChecked: number;
    bundlesChecked: number;
  }) {
    return `${this.output.out.green("✔")} ${this.output.out.bold(r.origin)} verifies at tree size ${r.size}: ${r.entriesChecked} entries, ${r.tilesChecked} tiles, ${r.bundlesChecked} bundles checked`;
  }
}
