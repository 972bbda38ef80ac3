import { Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

interface Data {
  tenant: string;
  epoch: string;
  selectors: number;
  duplicates: number;
  dummies: number;
  size: number;
  digest: string;
  out: string;
}

export default class ZkSeal extends TfCommand<typeof ZkSeal> {
  static summary = "Seal a selector list into a signed envelope of blinded points (locally only).";
  static description =
    "Run by a tenant on its own machine: reads the selector file (one email, phone number or opaque id per line; # comments and blank lines skipped), normalizes each selector (docs/zk-tx-protocol.md), hashes it to ristretto255 under the epoch's pepper, multiplies by the tenant's secret key, pads to the next power of two (at least 64) with dummy points only the tenant can recognise, sorts and signs. No selector leaves the process; errors name line numbers, never values. Not available over --server: tenants seal locally. Keep the envelope: `tf zk bundle verify --ticket` needs it to check your side.";
  static examples = [
    "<%= config.bin %> zk seal --tenant acme --epoch epoch.json --type email --selectors examples/zk/tenant-a-emails.txt --out acme.envelope.json",
    "<%= config.bin %> zk seal --tenant acme --epoch epoch.json --type phone --region GB --selectors phones.txt --out acme.phones.json",
  ];
  static flags = {
    tenant: Flags.string({ description: "Tenant name", required: true }),
    epoch: Flags.string({ description: "The epoch file from the exchange", required: true }),
    type: Flags.string({ description: "Selector type", options: ["email", "phone", "id"], required: true }),
    selectors: Flags.string({ description: "The selector file (one per line)", required: true }),
    region: Flags.string({ description: "Default region of national phone numbers (e.g. US, GB, DE)" }),
    out: Flags.string({ description: "Where to write the envelope", required: true }),
  };

  protected async execute(): Promise<Data> {
    const epochFile = await this.readFile(this.flags.epoch);
    const client = await this.client();
    const r = await client.zk.seal({
      tenant: this.flags.tenant,
      epochFile,
      type: this.flags.type as "email" | "phone" | "id",
      selectorsPath: this.flags.selectors,
      region: this.flags.region,
    });
    await this.writeOut(this.flags.out, r.envelope);
    const { envelope: _e, ...rest } = r;
    return { ...rest, out: this.flags.out };
  }

  protected renderText(d: Data): string {
    return `sealed ${d.selectors} selectors (${d.duplicates} duplicates dropped) + ${d.dummies} dummies = ${d.size} points for epoch ${d.epoch}\nenvelope ${d.digest.slice(0, 16)} written to ${d.out}`;
  }
}
