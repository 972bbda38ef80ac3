import { Args, Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

interface FileResult {
  file: string;
  ok: boolean;
  kind?: "overlap" | "groth16";
  circuit?: string;
  statement?: { op: "eq"; c: number } | { op: "le"; k: number };
  code?: string;
  message?: string;
}

interface VerifyData {
  ok: boolean;
  batch: boolean;
  groth16Proofs: number;
  results: FileResult[];
}

const describeStatement = (s: FileResult["statement"]) =>
  s === undefined ? "" : s.op === "le" ? `overlap ≤ ${s.k}` : `overlap = ${s.c}`;

export default class ZkVerify extends TfCommand<typeof ZkVerify> {
  static summary = "Verify ZK-TX proofs: overlap proofs or single Groth16 proofs.";
  static description =
    "Checks each proof against the committed circuit verification keys: for an overlap proof, its layout, that the bucket commitments chain into both set roots and the bucket count commitments into the aggregate, the statement, then every Groth16 proof. With --batch, all Groth16 proofs of all files are checked with one multi-pairing (random linear combination) and a failing batch is bisected to name the bad files. --statement, --commit-a and --commit-b pin what a single overlap proof must be about. Exit code 3 when any proof does not verify or is malformed.";
  static examples = [
    "<%= config.bin %> zk verify overlap-proof.json",
    "<%= config.bin %> zk verify overlap-proof.json --statement le:0 --commit-a tenant-a.commit.json --commit-b tenant-b.commit.json",
    "<%= config.bin %> zk verify --batch proofs/*.json --json",
  ];
  static strict = false;
  static args = {
    proof: Args.string({ description: "Proof files (JSON); - reads one from stdin", required: true }),
  };
  static flags = {
    batch: Flags.boolean({ description: "Verify all files together with one multi-pairing" }),
    statement: Flags.string({
      description: "Expected statement of an overlap proof: le:K (overlap ≤ K) or eq:C (overlap = C)",
    }),
    "commit-a": Flags.string({ description: "Expected commitment of set A (a SetCommitment JSON file)" }),
    "commit-b": Flags.string({ description: "Expected commitment of set B (a SetCommitment JSON file)" }),
  };

  protected async execute(): Promise<VerifyData> {
    const sdk = await this.sdk();
    // strict = false: every positional argument is a proof file.
    const files = (await this.parse(ZkVerify)).argv as string[];
    const texts = await Promise.all(files.map((f) => this.readFile(f)));
    const client = await this.client("zk verify");
    if (this.flags.batch) {
      const pinned = ["statement", "commit-a", "commit-b"].filter(
        (f) => this.flags[f as "statement"] !== undefined,
      );
      if (pinned.length > 0)
        throw new sdk.TfError(
          "TF_USAGE",
          `--${pinned[0]} pins what one overlap proof is about; it cannot be combined with --batch`,
          { remedy: "Verify that proof without --batch, or drop the flag." },
        );
      const r = await client.zk.verifyBatch({ proofs: texts });
      return {
        ok: r.ok,
        batch: true,
        groth16Proofs: r.groth16Proofs,
        results: r.results.map((x) => ({ ...x, file: files[x.index]!, index: undefined })),
      };
    }
    const expected = await this.expected(sdk);
    const results: FileResult[] = [];
    let groth16Proofs = 0;
    for (const [i, proof] of texts.entries()) {
      try {
        const r = await client.zk.verify({ proof, expected });
        groth16Proofs += r.groth16Proofs;
        results.push({ file: files[i]!, ok: true, kind: r.kind, circuit: r.circuit, statement: r.statement });
      } catch (e) {
        // One file: its error is the command's error. Several: report each and go on.
        if (texts.length === 1 || !(e instanceof sdk.TfError) || e.exitCode !== 3) throw e;
        results.push({ file: files[i]!, ok: false, code: e.code, message: e.message });
      }
    }
    return { ok: results.every((r) => r.ok), batch: false, groth16Proofs, results };
  }

  private async expected(sdk: typeof import("@trustfabric/sdk")) {
    const { statement, "commit-a": ca, "commit-b": cb } = this.flags;
    if (!statement && !ca && !cb) return undefined;
    const readJson = async (f: string) => {
      try {
        return JSON.parse(await this.readFile(f));
      } catch (e) {
        if (e instanceof sdk.TfError) throw e;
        throw new sdk.TfError("TF_JSON_MALFORMED", `${f} is not valid JSON`, { details: { path: f } });
      }
    };
    let st: { op: "le"; k: number } | { op: "eq"; c: number } | undefined;
    if (statement) {
      const m = /^(le|eq):(\d{1,10})$/.exec(statement);
      if (!m) throw new sdk.TfError("TF_USAGE", "--statement must be le:K or eq:C, e.g. le:0");
      st = m[1] === "le" ? { op: "le", k: Number(m[2]) } : { op: "eq", c: Number(m[2]) };
    }
    return {
      statement: st,
      commitA: ca ? await readJson(ca) : undefined,
      commitB: cb ? await readJson(cb) : undefined,
    };
  }

  protected renderText(d: VerifyData): string {
    const o = this.output.out;
    const lines = d.results.map((r) =>
      r.ok
        ? `${o.green("✔")} ${r.file}: ${r.kind === "overlap" ? `overlap proof, ${describeStatement(r.statement)}` : `${r.circuit} proof`}`
        : `${o.red("✘")} ${r.file}: ${r.code}: ${r.message}`,
    );
    const bad = d.results.filter((r) => !r.ok).length;
    lines.push(
      `${bad === 0 ? o.green("all verify") : o.red(`${bad} of ${d.results.length} do not verify`)} (${d.groth16Proofs} Groth16 proofs${d.batch ? ", one batch" : ""})`,
    );
    return lines.join("\n");
  }

  protected exitCodeFor(d: VerifyData): number {
    return d.ok ? 0 : 3;
  }
}
