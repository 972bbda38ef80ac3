import { Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

export default class LogInit extends TfCommand<typeof LogInit> {
  static summary = "Create the transparency log.";
  static description =
    "Creates an empty C2SP tlog-tiles log in $TF_HOME/log with a signed checkpoint of size 0. The checkpoint key is taken from the key store (created if missing); its verifier key is printed so auditors can pin it.";
  static examples = [
    "<%= config.bin %> log init --origin example.com/audit-log",
    "<%= config.bin %> log init --origin example.com/audit-log --key log-2026",
  ];
  static flags = {
    origin: Flags.string({
      description: "The log's origin line (a name without spaces, e.g. example.com/log)",
      required: true,
    }),
    key: Flags.string({
      description: "Key store name of the signing key (created if missing)",
      default: "log",
    }),
  };

  protected async execute() {
    const client = await this.client();
    return client.log.init({ origin: this.flags.origin, key: this.flags.key });
  }

  protected renderText(r: { dir: string; origin: string; vkey: string }) {
    return `${this.output.out.green("✔")} created log ${this.output.out.bold(r.origin)} in ${r.dir}\n  verifier key  ${r.vkey}`;
  }
}
