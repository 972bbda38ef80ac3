import { Args, Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

interface VerifyData {
  verdict: "PASSED" | "FAILED";
  name: string;
  manifestDigest: string;
  origin: string;
  index: number;
  treeSize: number;
  signer: { keyId: string; pinnedBy: "public-key" | "log-key" | "receipt" };
  checks: string[];
}

export default class PcqVerifyReceipt extends TfCommand<typeof PcqVerifyReceipt> {
  static summary = "Verify a PCQ witness receipt offline.";
  static description =
    "Checks, without the log or the network: that the receipt comes from the log whose verifier key you pass, the checkpoint's signature, the DSSE envelope's signature, that the statement is a PCQ verification summary, that it is about the manifest (and result file) you pass, the leaf hash of the envelope and its inclusion proof up to the signed checkpoint. The first failed check exits 3 with its error code. A receipt for a FAILED verdict verifies (the verdict is shown); add --require-passed to exit 3 on it.";
  static examples = [
    "<%= config.bin %> pcq verify-receipt receipt.json --log-key @log.vkey --manifest manifest.json --result result.json",
    "<%= config.bin %> pcq verify-receipt receipt.json --log-key 'example.com/log+1234abcd+AQ…' --public-key @auditor.pub --json",
  ];
  static args = {
    receipt: Args.string({
      description: "The receipt file (trustfabric.dev/pcq/receipt/v1), or - for stdin",
      required: true,
    }),
  };
  static flags = {
    "log-key": Flags.string({
      description: "The log's verifier key: the key itself, @file, or a file holding it",
      required: true,
    }),
    manifest: Flags.string({ description: "The manifest the verdict must be about" }),
    result: Flags.string({ description: "The result file the verdict must be about" }),
    "public-key": Flags.string({
      description: "The witness's Ed25519 public key (base64, @file, or a file; default: the log's key)",
    }),
    "require-passed": Flags.boolean({ description: "Exit 3 when the verdict is FAILED" }),
  };

  /** A key flag: the value itself, `@path`, or a path to a file holding it. */
  private async keyValue(value: string, looksLikeKey: (v: string) => boolean): Promise<string> {
    if (value.startsWith("@")) return (await this.readFile(value.slice(1))).trim();
    if (looksLikeKey(value)) return value.trim();
    return (await this.readFile(value)).trim();
  }

  protected async execute(): Promise<VerifyData> {
    const receipt = await this.readFile(this.args.receipt);
    const logKey = await this.keyValue(this.flags["log-key"], (v) => /^[^\s+]+\+[0-9a-fA-F]{8}\+/.test(v));
    const publicKey = this.flags["public-key"]
      ? await this.keyValue(this.flags["public-key"], (v) => /^[A-Za-z0-9+/]{43}=$/.test(v))
      : undefined;
    const manifest = this.flags.manifest ? await this.readFile(this.flags.manifest) : undefined;
    const result = this.flags.result
      ? (await this.readFile(this.flags.result, null)).toString("base64")
      : undefined;
    const client = await this.client();
    return client.pcq.verifyReceipt({ receipt, logKey, manifest, result, publicKey });
  }

  protected exitCodeFor(d: VerifyData): number {
    return this.flags["require-passed"] && d.verdict !== "PASSED" ? 3 : 0;
  }

  protected renderText(d: VerifyData): string {
    const o = this.output.out;
    const verdict = d.verdict === "PASSED" ? o.green(d.verdict) : o.red(d.verdict);
    const pinned = {
      "public-key": "the public key given",
      "log-key": "the log's key",
      receipt: "only the receipt's own copy — pass --public-key to pin it",
    }[d.signer.pinnedBy];
    return [
      `${o.green("✔")} receipt verifies: ${verdict} verdict for ${o.bold(d.name)} (${d.manifestDigest.slice(0, 19)}…)`,
      `  logged in ${d.origin} at index ${d.index} of ${d.treeSize}`,
      `  signed by ${d.signer.keyId}, checked against ${pinned}`,
      `  checks: ${d.checks.join(", ")}`,
    ].join("\n");
  }
}
