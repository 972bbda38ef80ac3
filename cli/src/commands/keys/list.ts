import { TfCommand } from "../../base.js";

export default class KeysList extends TfCommand<typeof KeysList> {
  static summary = "List the keys in the key store.";
  static description =
    "Shows the name, key id and creation time of every key in $TF_HOME/keys. Private parts are never printed.";
  static examples = ["<%= config.bin %> keys list", "<%= config.bin %> keys list --json"];

  protected async execute() {
    const client = await this.client();
    return client.keys.list({});
  }

  protected renderText(r: { keys: { name: string; keyId: string; createdAt: string }[] }) {
    if (r.keys.length === 0) return "No keys yet. Create one with `tf keys generate <name>`.";
    const w = Math.max(4, ...r.keys.map((k) => k.name.length));
    const head = this.output.out.dim(`${"NAME".padEnd(w)}  KEY ID            CREATED`);
    return [head, ...r.keys.map((k) => `${k.name.padEnd(w)}  ${k.keyId}  ${k.createdAt}`)].join("\n");
  }
}
