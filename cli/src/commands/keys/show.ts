import { Args } from "@oclif/core";
import { TfCommand } from "../../base.js";

export default class KeysShow extends TfCommand<typeof KeysShow> {
  static summary = "Show a key's public part.";
  static description =
    "Looks a key up by name or key id and prints its public key. The private key is never printed.";
  static examples = [
    "<%= config.bin %> keys show log",
    "<%= config.bin %> keys show 3f9a1c0d2b4e5f67 --json",
  ];
  static args = { key: Args.string({ description: "Key name or key id", required: true }) };

  protected async execute() {
    const client = await this.client();
    return client.keys.show({ key: this.args.key });
  }

  protected renderText(k: {
    name: string;
    keyId: string;
    publicKey: string;
    createdAt: string;
    path: string;
  }) {
    return `name        ${k.name}\nkey id      ${k.keyId}\nalgorithm   ed25519\npublic key  ${k.publicKey}\ncreated     ${k.createdAt}\nfile        ${k.path}`;
  }
}
