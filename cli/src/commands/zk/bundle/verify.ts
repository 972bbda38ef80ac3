import { Args, Flags } from "@oclif/core";
import { TfCommand } from "../../../base.js";

interface Data {
  ok: true;
  exchangeId: string;
  epoch: string;
  statement: { op: "le"; k: number } | { op: "eq"; c: number };
  tenants: { a: string; b: string };
  logIndex: number;
  groth16Proofs: number;
  ownSide?: { side: "a" | "b"; tenant: string; root: string; points: number };
}

export default class ZkBundleVerify extends TfCommand<typeof ZkBundleVerify> {
  static summary = "Verify a ZK-TX evidence bundle offline against pinned keys.";
  static description =
    "Needs only the bundle and the keys you pinned: the exchange key, the log's verifier key and (recommended) each tenant's signing key as NAME=KEY. Checks the tar is canonical, the manifest signature and every checksum, the epoch, tenant documents and envelope headers, both DLEQ proofs, the overlap proof (all Groth16 proofs), the signed result and its log inclusion. A tenant adds --ticket and --envelope (its own, private) to also check that the proof's commitment to its side is the commitment to its own double-blinded set. Exit code 3 with a precise code when anything fails.";
  static examples = [
    "<%= config.bin %> zk bundle verify evidence.tar --exchange-key $(cat exchange.key.txt) --log-key $(cat log.vkey) --tenant-key acme=BASE64 --tenant-key globex=BASE64",
    "<%= config.bin %> zk bundle verify evidence.tar --exchange-key KEY --log-key VKEY --ticket ticket-a.json --envelope acme.envelope.json --epoch epoch.json",
  ];
  static args = { bundle: Args.string({ description: "The bundle (tar)", required: true }) };
  static flags = {
    "exchange-key": Flags.string({
      description: "Pinned base64 Ed25519 key of the exchange",
      required: true,
    }),
    "log-key": Flags.string({ description: "Pinned signed-note verifier key of the log", required: true }),
    "tenant-key": Flags.string({
      description: "Pinned tenant signing key, NAME=BASE64 (repeat)",
      multiple: true,
    }),
    ticket: Flags.string({
      description: "Your private ticket (tenant check)",
      dependsOn: ["envelope", "epoch"],
    }),
    envelope: Flags.string({ description: "Your sealed envelope (tenant check)", dependsOn: ["ticket"] }),
    epoch: Flags.string({ description: "The epoch file (tenant check)", dependsOn: ["ticket"] }),
  };

  protected async execute(): Promise<Data> {
    const sdk = await this.sdk();
    const bundle = await this.readFile(this.args.bundle, null);
    let tenantKeys: Record<string, string> | undefined;
    for (const kv of this.flags["tenant-key"] ?? []) {
      const i = kv.indexOf("=");
      if (i <= 0) throw new sdk.TfError("TF_USAGE", "--tenant-key takes NAME=BASE64");
      tenantKeys = { ...tenantKeys, [kv.slice(0, i)]: kv.slice(i + 1) };
    }
    const tenant = this.flags.ticket
      ? {
          ticket: await this.readFile(this.flags.ticket),
          envelope: await this.readFile(this.flags.envelope!),
          epochFile: await this.readFile(this.flags.epoch!),
        }
      : undefined;
    const client = await this.client();
    const r = await client.zk.bundleVerify({
      bundle: bundle.toString("base64"),
      exchangeKey: this.flags["exchange-key"],
      logKey: this.flags["log-key"],
      tenantKeys,
      tenant,
    });
    return r as Data;
  }

  protected renderText(d: Data): string {
    const st = d.statement.op === "le" ? `overlap ≤ ${d.statement.k}` : `overlap = ${d.statement.c}`;
    const lines = [
      `${this.output.out.green("VERIFIED")} exchange ${d.exchangeId} (${d.tenants.a} × ${d.tenants.b}, epoch ${d.epoch}): ${st}`,
      `  ${d.groth16Proofs} Groth16 proofs, 2 DLEQ proofs, log index ${d.logIndex}`,
    ];
    if (d.ownSide)
      lines.push(
        `  your side ${d.ownSide.side.toUpperCase()} (${d.ownSide.tenant}): commitment recomputed from your ${d.ownSide.points} points`,
      );
    return lines.join("\n");
  }
}
