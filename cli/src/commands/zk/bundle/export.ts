import { Flags } from "@oclif/core";
import { TfCommand } from "../../../base.js";

interface Data {
  id: string;
  bytes: number;
  sha256: string;
  exchangeKey: string;
  logKey: string;
  out: string;
}

export default class ZkBundleExport extends TfCommand<typeof ZkBundleExport> {
  static summary = "Export the signed evidence bundle of a proved exchange.";
  static description =
    "A deterministic tar (sorted entries, zero mtimes and ids) holding the epoch, both tenant documents, the envelope headers (never their points), the relays, both DLEQ-proved responses, the overlap proof, the signed result, its log entry with a fresh inclusion proof and signed checkpoint, a config, and a manifest of SHA-256 checksums signed by the exchange key. Auditors verify it with `tf zk bundle verify` and the pinned keys printed here.";
  static examples = ["<%= config.bin %> zk bundle export --id x-0123456789abcdef --out evidence.tar"];
  static flags = {
    id: Flags.string({ description: "Exchange id", required: true }),
    out: Flags.string({ description: "Where to write the bundle (tar)", required: true }),
  };

  protected async execute(): Promise<Data> {
    const client = await this.client();
    const r = await client.zk.bundleExport({ id: this.flags.id });
    await this.writeOut(this.flags.out, Buffer.from(r.bundle!, "base64"));
    return {
      id: r.id,
      bytes: r.bytes,
      sha256: r.sha256,
      exchangeKey: r.exchangeKey,
      logKey: r.logKey,
      out: this.flags.out,
    };
  }

  protected renderText(d: Data): string {
    return `bundle of ${d.id} written to ${d.out} (${d.bytes} bytes, sha256 ${d.sha256})\n  exchange key: ${d.exchangeKey}\n  log key: ${d.logKey}`;
  }
}
