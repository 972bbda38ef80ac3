import { Flags } from "@oclif/core";
import { TfCommand } from "../../../base.js";

interface Data {
  tenant: string;
  epoch: string;
  generation: number;
  blindingKey: string;
  signingKey: string;
  out: string;
}

export default class ZkTenantInit extends TfCommand<typeof ZkTenantInit> {
  static summary = "Create a tenant's secret blinding key for an epoch and write its signed tenant document.";
  static description =
    "Run by each tenant on its own machine. The blinding scalar and a dummy seed stay in TF_HOME (mode 0600); the tenant document (public blinding key, Ed25519 signing key) goes to the exchange and to auditors, who pin the signing key. Running it again returns the same key; --rotate replaces the key within the epoch, after which envelopes sealed with the old key are refused.";
  static examples = [
    "<%= config.bin %> zk tenant init --tenant acme --epoch epoch.json --out acme.tenant.json",
    "<%= config.bin %> zk tenant init --tenant acme --epoch epoch.json --out acme.tenant.json --rotate",
  ];
  static flags = {
    tenant: Flags.string({ description: "Tenant name (a-z, 0-9, '.', '_', '-')", required: true }),
    epoch: Flags.string({ description: "The epoch file from the exchange", required: true }),
    out: Flags.string({ description: "Where to write the tenant document (- for stdout)", required: true }),
    rotate: Flags.boolean({ description: "Replace the existing blinding key of this epoch" }),
  };

  protected async execute(): Promise<Data> {
    const epochFile = await this.readFile(this.flags.epoch);
    const client = await this.client();
    const r = await client.zk.tenantInit({ tenant: this.flags.tenant, epochFile, rotate: this.flags.rotate });
    await this.writeOut(this.flags.out, r.tenantDoc);
    const { tenantDoc: _doc, ...rest } = r;
    return { ...rest, out: this.flags.out };
  }

  protected renderText(d: Data): string {
    return `tenant ${d.tenant}: blinding key generation ${d.generation} for epoch ${d.epoch}; document written to ${d.out}\nsigning key (auditors pin it): ${d.signingKey}`;
  }
}
