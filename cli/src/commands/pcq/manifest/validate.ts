import { Args } from "@oclif/core";
import { TfCommand } from "../../../base.js";

interface ValidData {
  name: string;
  schema: string;
  digest: string;
  inputs: number;
  steps: number;
  outputs: number;
}

export default class PcqManifestValidate extends TfCommand<typeof PcqManifestValidate> {
  static summary = "Check a manifest against the manifest schema.";
  static description =
    "Validates the document against trustfabric.dev/pcq/manifest/v1: field types, digests, references between inputs, steps and outputs, metric parameters and checksum-tree sizes. The first problem is named by its field path (TF_PCQ_MANIFEST_INVALID); a newer schema version is TF_PCQ_SCHEMA_VERSION. It does not read the data: `tf pcq replay` does.";
  static examples = [
    "<%= config.bin %> pcq manifest validate manifest.json",
    "<%= config.bin %> pcq manifest validate results/manifest.json --json",
  ];
  static args = {
    manifest: Args.string({ description: "The manifest file (or - for stdin)", required: true }),
  };

  protected async execute(): Promise<ValidData> {
    const manifest = await this.readFile(this.args.manifest);
    const client = await this.client();
    return client.pcq.manifestValidate({ manifest, file: this.args.manifest });
  }

  protected renderText(d: ValidData): string {
    return `${this.output.out.green("✔")} ${this.args.manifest} is a valid ${d.schema} (${d.name}: ${d.inputs} input(s), ${d.steps} step(s), ${d.outputs} output(s))\n  digest ${d.digest}`;
  }
}
