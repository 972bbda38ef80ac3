import { Args } from "@oclif/core";
import { TfCommand } from "../../base.js";

export default class KeysGenerate extends TfCommand<typeof KeysGenerate> {
  static summary = "Generate an Ed25519 signing key.";
  static description =
    "Creates a new Ed25519 key in the key store ($TF_HOME/keys/<name>.key, mode 0600). The key id is derived from the public key: the first 16 hex digits of its SHA-256.";
  static examples = [
    "<%= config.bin %> keys generate release-signer",
    "<%= config.bin %> keys generate ci --json",
  ];
  static args = { name: Args.string({ description: "Name of the new key", required: true }) };

  protected async execute() {
    const client = await this.client();
    return client.keys.generate({ name: this.args.name });
  }

  protected renderText(k: { name: string; keyId: string; publicKey: string; path: string }) {
    return `${this.output.out.green("✔")} generated ${this.output.out.bold(k.name)}\n  key id      ${k.keyId}\n  public key  ${k.publicKey}\n  file        ${k.path}`;
  }
}
