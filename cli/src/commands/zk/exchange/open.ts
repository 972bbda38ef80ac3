import { Flags } from "@oclif/core";
import { TfCommand } from "../../../base.js";

interface Data {
  id: string;
  epoch: string;
  tenants: { a: string; b: string };
  sizes: { a: number; b: number };
  dir: string;
}

export function parseStatement(s: string): { op: "le"; k: number } | { op: "eq"; c: number } | undefined {
  const m = /^(le|eq):([0-9]{1,10})$/.exec(s);
  if (!m) return undefined;
  const n = Number(m[2]);
  return m[1] === "le" ? { op: "le", k: n } : { op: "eq", c: n };
}

export default class ZkExchangeOpen extends TfCommand<typeof ZkExchangeOpen> {
  static summary =
    "Open an exchange between two sealed envelopes: relays for the tenants, private tickets for their owners.";
  static description =
    "Run by the exchange. Verifies both tenant documents and envelopes (signatures, current epoch, keys, points), charges one exchange to each tenant's quota for the epoch, masks each side's points with a fresh secret scalar and writes into --dir: relay-a.json (A's masked points, for B to re-blind), relay-b.json (for A), ticket-a.json (private to A) and ticket-b.json (private to B). The statement is what will be proven: le:K (overlap at most K; le:0 means disjoint) or eq:C.";
  static examples = [
    "<%= config.bin %> zk exchange open --tenant-a acme.tenant.json --envelope-a acme.envelope.json --tenant-b globex.tenant.json --envelope-b globex.envelope.json --statement le:0 --dir xchg",
  ];
  static flags = {
    "tenant-a": Flags.string({ description: "Tenant document of side A", required: true }),
    "envelope-a": Flags.string({ description: "Envelope of side A", required: true }),
    "tenant-b": Flags.string({ description: "Tenant document of side B", required: true }),
    "envelope-b": Flags.string({ description: "Envelope of side B", required: true }),
    statement: Flags.string({ description: "le:K or eq:C", required: true }),
    quota: Flags.integer({ description: "Exchanges per tenant per epoch (default 20)", min: 1 }),
    dir: Flags.string({ description: "Directory for the relays and tickets", required: true }),
  };

  protected async execute(): Promise<Data> {
    const sdk = await this.sdk();
    const statement = parseStatement(this.flags.statement);
    if (!statement)
      throw new sdk.TfError(
        "TF_USAGE",
        `--statement must be le:K or eq:C, not ${JSON.stringify(this.flags.statement)}`,
      );
    const [tenantDocA, envelopeA, tenantDocB, envelopeB] = await Promise.all(
      ["tenant-a", "envelope-a", "tenant-b", "envelope-b"].map((f) =>
        this.readFile(this.flags[f as "tenant-a"]),
      ),
    );
    const client = await this.client();
    const r = await client.zk.exchangeOpen({
      tenantDocA: tenantDocA!,
      envelopeA: envelopeA!,
      tenantDocB: tenantDocB!,
      envelopeB: envelopeB!,
      statement,
      quota: this.flags.quota,
    });
    const { join } = await import("node:path");
    await this.writeOut(join(this.flags.dir, "relay-a.json"), r.relayA);
    await this.writeOut(join(this.flags.dir, "relay-b.json"), r.relayB);
    await this.writeOut(join(this.flags.dir, "ticket-a.json"), r.ticketA);
    await this.writeOut(join(this.flags.dir, "ticket-b.json"), r.ticketB);
    return { id: r.id, epoch: r.epoch, tenants: r.tenants, sizes: r.sizes, dir: this.flags.dir };
  }

  protected renderText(d: Data): string {
    return [
      `exchange ${d.id} opened in epoch ${d.epoch}: ${d.tenants.a} (${d.sizes.a} points) and ${d.tenants.b} (${d.sizes.b} points)`,
      `  give ${d.dir}/relay-a.json to ${d.tenants.b}, ${d.dir}/relay-b.json to ${d.tenants.a} (tf zk reblind)`,
      `  give ${d.dir}/ticket-a.json to ${d.tenants.a} only, ${d.dir}/ticket-b.json to ${d.tenants.b} only`,
    ].join("\n");
  }
}
