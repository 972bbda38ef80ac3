import { Flags } from "@oclif/core";
import { TfCommand } from "../../../base.js";

interface Data {
  epoch: number;
  id: string;
  exchangeKey: string;
  out: string;
}

export default class ZkEpochRotate extends TfCommand<typeof ZkEpochRotate> {
  static summary =
    "Open the next ZK-TX epoch at the exchange (new pepper) and write the epoch file for tenants.";
  static description =
    "Run by the exchange. Each epoch has a fresh random pepper, the domain separation of hashing selectors to ristretto255, and is signed by the exchange key (created in TF_HOME on first use). Envelopes sealed in an earlier epoch are refused afterwards and cannot be linked to new ones. Give the epoch file to the tenants over a private channel (it holds the pepper); auditors pin the printed exchange key.";
  static examples = ["<%= config.bin %> zk epoch rotate --out epoch.json"];
  static flags = {
    out: Flags.string({ description: "Where to write the epoch file (- for stdout)", required: true }),
  };

  protected async execute(): Promise<Data> {
    const client = await this.client();
    const r = await client.zk.epochRotate({});
    await this.writeOut(this.flags.out, r.epochFile);
    return { epoch: r.epoch, id: r.id, exchangeKey: r.exchangeKey, out: this.flags.out };
  }

  protected renderText(d: Data): string {
    return `epoch ${d.epoch} (${d.id}) opened; epoch file written to ${d.out}\nexchange key (pin it): ${d.exchangeKey}`;
  }
}
