import { Args, Flags } from "@oclif/core";
import { TfCommand } from "../../../base.js";

interface CompiledData {
  digest: string;
  manifest: { name: string; outputs: { path: string }[]; pipeline: unknown[] };
  manifestText: string;
  resultText: string;
  written: string[];
}

export default class PcqDslCompile extends TfCommand<typeof PcqDslCompile> {
  static summary = "Compile a provenance program to a manifest.";
  static description =
    "Parses the program (prov NAME { source … transform … metric … seed … }, grammar in docs/pcq.md), runs it on the datasets it names (relative to the program) and writes manifest.json and result.json beside the program, each atomically. Errors name file:line:col (TF_PCQ_DSL_PARSE). With --dry-run nothing is written and the manifest is printed.";
  static examples = [
    "<%= config.bin %> pcq dsl compile karate/program.prov",
    "<%= config.bin %> pcq dsl compile program.prov --dry-run --json",
  ];
  static args = {
    program: Args.string({ description: "The program file (.prov)", required: true }),
  };
  static flags = {
    "dry-run": Flags.boolean({ description: "Print the manifest; write nothing" }),
  };

  protected async execute(): Promise<CompiledData> {
    const { dirname, join } = await import("node:path");
    const sdk = await this.sdk();
    let read: ReturnType<typeof sdk.pcq.readDslFiles>;
    try {
      read = sdk.pcq.readDslFiles(this.args.program);
    } catch (e) {
      throw sdk.toTfError(e);
    }
    const files: Record<string, string> = {};
    for (const [name, bytes] of read.files) files[name] = sdk.toBase64(bytes);
    const client = await this.client();
    const c = await client.pcq.dslCompile({ source: read.source, file: this.args.program, files });
    const written: string[] = [];
    if (!this.flags["dry-run"]) {
      const dir = dirname(this.args.program);
      const result = join(dir, c.manifest.outputs[0]!.path);
      const manifest = join(dir, "manifest.json");
      await this.writeOut(result, c.resultText);
      await this.writeOut(manifest, c.manifestText);
      written.push(result, manifest);
    }
    return { ...c, written };
  }

  protected renderText(d: CompiledData): string {
    if (this.flags["dry-run"]) return d.manifestText;
    return `${this.output.out.green("✔")} compiled ${this.output.out.bold(d.manifest.name)} (${d.manifest.pipeline.length} steps): wrote ${d.written.join(", ")}\n  manifest ${d.digest}`;
  }
}
