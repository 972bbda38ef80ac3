import { Args, Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

interface ReplayData {
  report: { outcome: "match" | "mismatch"; [k: string]: unknown };
  receipt?: { log: { origin: string; index: number; treeSize: number } };
  written: string[];
}

export default class PcqReplay extends TfCommand<typeof PcqReplay> {
  static summary = "Replay a manifest (or a fixture) and diff it within tolerance windows.";
  static description =
    "Recomputes every metric a manifest claims from its dataset as it is now and compares the claimed values within each metric's tolerance window. Says exactly what differs: the dataset chunk (checksum-tree path and row range), the result file, implementation or library versions, and each metric value against its window. A fixture directory (fixture.json, edges.csv, expected.json) is replayed against expected.json (golden mode). Exits 0 on a match and 3 on a mismatch. With --witness the verdict is signed (DSSE, in-toto verification summary), appended to the transparency log in $TF_HOME and returned as a receipt that `tf pcq verify-receipt` checks offline.";
  static examples = [
    "<%= config.bin %> pcq replay results/karate/manifest.json",
    "<%= config.bin %> pcq replay results/2026-06/ --report-html report.html --report-json report.json",
    "<%= config.bin %> pcq replay examples/pcq/fixtures/karate-club",
    "<%= config.bin %> pcq replay manifest.json --witness --receipt receipt.json --json",
  ];
  static args = {
    target: Args.string({
      description: "A manifest file, a directory holding manifest.json, or a fixture directory",
      required: true,
    }),
  };
  static flags = {
    "report-html": Flags.string({ description: "Write the diff report as one self-contained HTML file" }),
    "report-json": Flags.string({
      description: "Write the diff report as JSON (trustfabric.dev/pcq/report/v1)",
    }),
    witness: Flags.boolean({ description: "Sign the verdict and append it to the transparency log" }),
    key: Flags.string({
      description: "Key store name of the witness key (default: the log's key)",
      dependsOn: ["witness"],
    }),
    receipt: Flags.string({ description: "Write the witness receipt to this file", dependsOn: ["witness"] }),
  };

  private lines: string[] = [];

  protected async execute(): Promise<ReplayData> {
    const sdk = await this.sdk();
    let target: ReturnType<typeof sdk.pcq.readReplayTarget>;
    try {
      target = sdk.pcq.readReplayTarget(this.args.target);
    } catch (e) {
      throw sdk.toTfError(e);
    }
    const files: Record<string, string> = {};
    for (const [name, bytes] of target.files) files[name] = sdk.toBase64(bytes);
    const client = await this.client("replaying");
    const { report, receipt } = await client.pcq.replay({
      entry: target.entry,
      files,
      witness: this.flags.witness,
      key: this.flags.key,
    });
    const written: string[] = [];
    if (this.flags["report-json"]) {
      await this.writeOut(this.flags["report-json"], `${JSON.stringify(report, null, 2)}\n`);
      written.push(this.flags["report-json"]);
    }
    if (this.flags["report-html"]) {
      await this.writeOut(this.flags["report-html"], sdk.pcq.renderReportHtml(report));
      written.push(this.flags["report-html"]);
    }
    if (receipt && this.flags.receipt) {
      await this.writeOut(this.flags.receipt, `${JSON.stringify(receipt, null, 2)}\n`);
      written.push(this.flags.receipt);
    }
    this.lines = sdk.pcq.renderReportText(report);
    return { report, ...(receipt ? { receipt } : {}), written };
  }

  protected exitCodeFor(d: ReplayData): number {
    return d.report.outcome === "match" ? 0 : 3;
  }

  protected renderText(d: ReplayData): string {
    const o = this.output.out;
    const [head = "", ...rest] = this.lines;
    const mark = d.report.outcome === "match" ? o.green(`✔ ${head}`) : o.red(`✖ ${head}`);
    const tail: string[] = [];
    if (d.receipt) {
      const { origin, index, treeSize } = d.receipt.log;
      tail.push(
        `witnessed in ${o.bold(origin)} at index ${index} (tree size ${treeSize})${this.flags.receipt ? `; receipt in ${this.flags.receipt}` : "; pass --receipt FILE to keep the receipt"}`,
      );
    }
    for (const w of d.written) if (w !== this.flags.receipt) tail.push(`report written to ${w}`);
    return [mark, ...rest, ...tail].join("\n");
  }
}
