import { Args, Flags } from "@oclif/core";
import type { backfill } from "@trustfabric/sdk";
import { TfCommand } from "../../base.js";

/** The SDK's coverage report (backfill.run output), as this command and `backfill status` render it. */
export type BackfillReportView = backfill.BackfillReport;

export default class BackfillRun extends TfCommand<typeof BackfillRun> {
  static summary = "Give legacy results manifests and witness receipts.";
  static description =
    "Finds legacy artifacts under SOURCE (a result.json without a manifest, next to its dataset; see docs/backfill.md), replays each one, and when the replay matches writes manifest.json and receipt.json beside it: the verdict signed and appended to the transparency log. Idempotent: a second run does nothing new. Resumable: after a crash or kill -9 the next run neither redoes nor loses work. `tf backfill pause SOURCE` stops a run after its current artifact; running again resumes. Ends with a coverage report (also written as report.json and report.md in the job's folder under TF_HOME/backfill). Exits 3 when an artifact failed.";
  static examples = [
    "<%= config.bin %> backfill run ./legacy-results",
    "<%= config.bin %> backfill run ./legacy-results --rate 20 --json",
    "<%= config.bin %> backfill run ./legacy-results --retry-failed",
  ];
  static args = {
    source: Args.string({ description: "Directory holding legacy artifacts", required: true }),
  };
  static flags = {
    rate: Flags.integer({
      description: "Artifacts per second at most (default: as fast as possible)",
      min: 1,
    }),
    key: Flags.string({ description: "Key store name of the witness signing key (default: the log's key)" }),
    "retry-failed": Flags.boolean({
      description: "Retry artifacts that failed before with unchanged content",
    }),
  };

  protected async execute(): Promise<BackfillReportView> {
    const client = await this.client("backfill");
    return client.backfill.run({
      source: this.args.source,
      key: this.flags.key,
      rate: this.flags.rate,
      retryFailed: this.flags["retry-failed"],
    });
  }

  protected exitCodeFor(r: BackfillReportView): number {
    return r.failed > 0 ? 3 : 0;
  }

  protected renderText(r: BackfillReportView): string {
    return renderBackfillReport(r, this.output.out);
  }
}

export function renderBackfillReport(
  r: BackfillReportView,
  o: {
    green: (s: string) => string;
    red: (s: string) => string;
    bold: (s: string) => string;
    yellow: (s: string) => string;
  },
): string {
  const pct = `${(r.coverage * 100).toFixed(1)}%`;
  const head =
    r.state === "finished"
      ? `${r.failed ? o.yellow("●") : o.green("✔")} backfill ${r.state}`
      : `${o.yellow("‖")} backfill ${r.state} — run \`tf backfill run ${r.source}\` again to resume`;
  const lines = [
    head,
    `  coverage ${o.bold(pct)}: ${r.backfilled}/${r.eligible} artifacts carry a manifest and a witness receipt`,
    `  this run: ${r.newlyBackfilled} new, ${r.previouslyBackfilled} already done, ${r.failed} failed, ${r.pending} pending${r.resumedIntents ? `, ${r.resumedIntents} resumed after a crash` : ""}`,
  ];
  if (r.newlyBackfilled > 0)
    lines.push(
      `  ${r.artifactsPerSecond.toFixed(1)} artifacts/s${r.witnessMsPerArtifact === null ? "" : `, witness ${r.witnessMsPerArtifact.toFixed(2)} ms/artifact`}`,
    );
  for (const g of r.failures) {
    lines.push(`  ${o.red(g.code)} × ${g.count}`);
    for (const ex of g.examples) lines.push(`    ${ex.id}: ${ex.message}`);
  }
  return lines.join("\n");
}
