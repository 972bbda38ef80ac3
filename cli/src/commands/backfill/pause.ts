import { Args } from "@oclif/core";
import { TfCommand } from "../../base.js";

export default class BackfillPause extends TfCommand<typeof BackfillPause> {
  static summary = "Pause a running backfill after its current artifact.";
  static description =
    "Asks the backfill of SOURCE to stop once the artifact it is working on is done; its state stays in the job's journal. Run `tf backfill run SOURCE` again to resume where it stopped.";
  static examples = [
    "<%= config.bin %> backfill pause ./legacy-results",
    "<%= config.bin %> backfill pause ./legacy-results --json",
  ];
  static args = {
    source: Args.string({ description: "The directory the backfill runs on", required: true }),
  };

  protected async execute() {
    const client = await this.client();
    return client.backfill.pause({ source: this.args.source });
  }

  protected renderText(r: { job: string }) {
    return `pause requested for job ${r.job}; the run stops after its current artifact`;
  }
}
