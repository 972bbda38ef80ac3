import { Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

interface MinimizeData {
  rows: Record<string, unknown>[];
  text?: string;
  applied: { preset: string; field: string; rule?: string; changed: number; missing: number }[];
  decision?: { decision: string; decidingRules: string[] };
}

export default class LacMinimize extends TfCommand<typeof LacMinimize> {
  static summary = "Apply a policy's minimization obligations to a result set.";
  static description =
    "Decides the request under the policy and applies the obligations of the decision (mask, bucket, top-k, generalize, drop — docs/lac.md gives their exact semantics) to the rows, writing the transformed rows to stdout in the input's format: JSON Lines (one object per line) or CSV with a header row (by the file's extension, or --format). A denial releases no rows: TF_LAC_DENIED, exit 3, with the reason. An obligation on a field no row has fails closed (TF_LAC_TRANSFORM_FIELD) unless --allow-missing-fields; a value of the wrong type is TF_LAC_TRANSFORM_TYPE naming the row. A line per applied obligation goes to stderr. With --json, data holds {rows, applied, decision}.";
  static examples = [
    "<%= config.bin %> lac minimize --policy examples/lac/templates/pii-export.yaml --schema examples/lac/templates/schema.yaml --request examples/lac/templates/requests/pii-export-allow.json --rows examples/lac/rows/customers.jsonl",
    "<%= config.bin %> lac minimize --policy policy.yaml --schema schema.yaml --request req.json --rows result.csv > minimized.csv",
  ];
  static flags = {
    policy: Flags.string({ description: "The policy file (YAML, kind: Policy)", required: true }),
    schema: Flags.string({ description: "The schema file (YAML, kind: Schema)", required: true }),
    request: Flags.string({ description: "The request: a JSON file (or - for stdin)", required: true }),
    rows: Flags.string({ description: "The result set: a .jsonl or .csv file", required: true }),
    format: Flags.string({ description: "Format of --rows and of the output", options: ["jsonl", "csv"] }),
    "allow-missing-fields": Flags.boolean({
      description: "Treat an obligation on a field no row has as a no-op instead of an error",
    }),
  };

  protected async execute(): Promise<MinimizeData> {
    const [policy, schema, request, rows] = await Promise.all([
      this.readFile(this.flags.policy, null),
      this.readFile(this.flags.schema, null),
      this.readFile(this.flags.request),
      this.readFile(this.flags.rows),
    ]);
    const sdk = await this.sdk();
    const client = await this.client();
    const format = (this.flags.format ?? (/\.csv$/i.test(this.flags.rows) ? "csv" : "jsonl")) as
      | "jsonl"
      | "csv";
    return client.lac.minimize({
      policy: policy.toString("base64"),
      schema: schema.toString("base64"),
      encoding: "base64",
      policyFile: this.flags.policy,
      schemaFile: this.flags.schema,
      request: sdk.parseLacRequest(request, this.flags.request),
      rowsText: rows,
      format,
      allowMissingFields: this.flags["allow-missing-fields"],
    });
  }

  protected renderText(d: MinimizeData): string {
    for (const a of d.applied)
      this.output.note(
        `${a.preset} ${a.field}${a.rule ? ` (from ${a.rule})` : ""}: ${a.changed} row${a.changed === 1 ? "" : "s"} changed${a.missing ? `, ${a.missing} without the field` : ""}`,
      );
    if (d.applied.length === 0) this.output.note("no obligations: rows released unchanged");
    return d.text ?? "";
  }
}
