import { Args } from "@oclif/core";
import { TfCommand } from "../../base.js";
import { type BackfillReportView, renderBackfillReport } from "./run.js";

interface StatusData {
  job: string;
  running: boolean;
  pauseRequested: boolean;
  journalRecords: number;
  report: BackfillReportView | null;
}

export default class BackfillStatus extends TfCommand<typeof BackfillStatus> {
  static summary = "Show a backfill job's state and its last coverage report.";
  static description =
    "Reports whether the backfill of SOURCE is running, whether a pause was requested, how many records its journal holds, and the coverage report of its last run.";
  static examples = ["<%= config.bin %> backfill status ./legacy-results --json"];
  static args = {
    source: Args.string({ description: "The directory the backfill runs on", required: true }),
  };

  protected async execute(): Promise<StatusData> {
    const client = await this.client();
    return client.backfill.status({ source: this.args.source });
  }

  protected renderText(s: StatusData): string {
    const state = s.running ? (s.pauseRequested ? "running (pause requested)" : "running") : "idle";
    const head = `job ${s.job}: ${state}, ${s.journalRecords} journal records`;
    return s.report ? `${head}\nlast run:\n${renderBackfillReport(s.report, this.output.out)}` : head;
  }
}
