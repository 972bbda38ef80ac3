import { Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

interface Data {
  exchangeId: string;
  side: "a" | "b";
  points: number;
  out: string;
}

export default class ZkReblind extends TfCommand<typeof ZkReblind> {
  static summary = "Re-blind the other tenant's masked points with your epoch key and prove it (DLEQ).";
  static description =
    "Run by a tenant on the relay request the exchange addressed to it. Checks the exchange's signature and the epoch, multiplies every point by the tenant's secret blinding scalar and attaches one batched Chaum-Pedersen DLEQ proof (RFC 9497) that it used the key of its published tenant document. The signed response goes back to the exchange.";
  static examples = [
    "<%= config.bin %> zk reblind --tenant globex --epoch epoch.json --relay xchg/relay-a.json --out globex.response.json",
  ];
  static flags = {
    tenant: Flags.string({ description: "Your tenant name", required: true }),
    epoch: Flags.string({ description: "The epoch file", required: true }),
    relay: Flags.string({ description: "The relay request addressed to you", required: true }),
    out: Flags.string({ description: "Where to write the response", required: true }),
  };

  protected async execute(): Promise<Data> {
    const [epochFile, relay] = await Promise.all([
      this.readFile(this.flags.epoch),
      this.readFile(this.flags.relay),
    ]);
    const client = await this.client();
    const r = await client.zk.reblind({ tenant: this.flags.tenant, epochFile, relay });
    await this.writeOut(this.flags.out, r.response);
    return { exchangeId: r.exchangeId, side: r.side, points: r.points, out: this.flags.out };
  }

  protected renderText(d: Data): string {
    return `re-blinded ${d.points} points of side ${d.side.toUpperCase()} in exchange ${d.exchangeId}; response written to ${d.out}`;
  }
}
