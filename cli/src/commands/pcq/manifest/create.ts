import { Args, Flags } from "@oclif/core";
import { TfCommand } from "../../../base.js";

interface CreatedData {
  digest: string;
  manifest: { name: string; outputs: { path: string }[] };
  manifestText: string;
  resultText: string;
}

export default class PcqManifestCreate extends TfCommand<typeof PcqManifestCreate> {
  static summary = "Compute metrics on an edge list and write its provenance manifest.";
  static description =
    'Reads the dataset (CSV: source,target[,weight]), computes each metric, and writes result.json (the claimed values) and manifest.json (dataset size, digest and checksum tree, pipeline with implementation and library versions, parameters, seed, result digest, runtime) into the output directory, each file atomically, the result first. Metrics are NAME or NAME:{json params}, e.g. pagerank:{"alpha":0.9}.';
  static examples = [
    "<%= config.bin %> pcq manifest create edges.csv --metric pagerank --metric 'betweenness:{\"weighted\":false}' --name karate",
    "<%= config.bin %> pcq manifest create data/edges.csv --metric louvain --seed 42 --out-dir data --json",
  ];
  static args = {
    dataset: Args.string({ description: "The dataset: a CSV edge list", required: true }),
  };
  static flags = {
    metric: Flags.string({
      description: "A metric, NAME or NAME:{json params} (repeatable)",
      multiple: true,
      required: true,
    }),
    seed: Flags.integer({ description: "RNG seed (randomized metrics such as louvain use it)", min: 0 }),
    directed: Flags.boolean({ description: "Read the edges as directed" }),
    weighted: Flags.boolean({ description: "Use the weight column" }),
    name: Flags.string({ description: "The manifest's name (default: result)" }),
    "out-dir": Flags.string({
      description: "Where manifest.json and result.json go (default: the dataset's directory)",
    }),
    "chunk-rows": Flags.integer({ description: "Rows per checksum-tree chunk (default 64)", min: 1 }),
  };

  protected async execute(): Promise<CreatedData> {
    const { dirname, join, relative, resolve, sep } = await import("node:path");
    const sdk = await this.sdk();
    const outDir = resolve(this.flags["out-dir"] ?? dirname(this.args.dataset));
    const datasetPath = relative(outDir, resolve(this.args.dataset)).split(sep).join("/");
    if (datasetPath.startsWith("../") || datasetPath === "..") {
      throw new sdk.TfError(
        "TF_USAGE",
        "The dataset must be inside --out-dir: manifests name their files relative to themselves",
      );
    }
    const metrics = this.flags.metric.map((m) => {
      const i = m.indexOf(":");
      if (i < 0) return { metric: m };
      try {
        return { metric: m.slice(0, i), params: JSON.parse(m.slice(i + 1)) };
      } catch {
        throw new sdk.TfError("TF_USAGE", `--metric ${m}: the parameters after ':' must be a JSON object`);
      }
    });
    const dataset = await this.readFile(this.args.dataset, null);
    const client = await this.client();
    const created = await client.pcq.manifestCreate({
      dataset: dataset.toString("base64"),
      datasetPath,
      metrics,
      seed: this.flags.seed,
      directed: this.flags.directed,
      weighted: this.flags.weighted,
      name: this.flags.name,
      chunkRows: this.flags["chunk-rows"],
    });
    // The result first: a manifest never names a file that is not there.
    await this.writeOut(join(outDir, created.manifest.outputs[0]!.path), created.resultText);
    await this.writeOut(join(outDir, "manifest.json"), created.manifestText);
    return created;
  }

  protected renderText(d: CreatedData): string {
    return `${this.output.out.green("✔")} wrote manifest.json and ${d.manifest.outputs[0]!.path} for ${this.output.out.bold(d.manifest.name)}\n  manifest ${d.digest}`;
  }
}
