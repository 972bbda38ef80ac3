import { Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

interface Data {
  id: string;
  statement: { op: "le"; k: number } | { op: "eq"; c: number };
  rootA: string;
  rootB: string;
  logIndex: number;
  out?: string;
}

export default class ZkProve extends TfCommand<typeof ZkProve> {
  static summary =
    "Finish an exchange: verify both re-blindings, commit to both sets and prove the statement (Groth16).";
  static description =
    "Run by the exchange with the two tenants' responses. Verifies each DLEQ proof against the tenant's published key, unmasks the double-blinded points, commits to each set with Poseidon and proves the exchange's statement about their overlap with Groth16. The signed result is appended to the transparency log in TF_HOME (created on first use). When the statement does not hold, nothing is proven or recorded and the exit code is 3 (TF_ZK_STATEMENT_FALSE). Export the evidence with `tf zk bundle export`.";
  static examples = [
    "<%= config.bin %> zk prove --id x-0123456789abcdef --response globex.response.json --response acme.response.json --out result.json",
  ];
  static flags = {
    id: Flags.string({ description: "Exchange id (from tf zk exchange open)", required: true }),
    response: Flags.string({
      description: "A tenant's re-blinding response (give both)",
      required: true,
      multiple: true,
    }),
    out: Flags.string({ description: "Where to write the signed result" }),
  };

  protected async execute(): Promise<Data> {
    const responses = await Promise.all(this.flags.response.map((f) => this.readFile(f)));
    const client = await this.client();
    const r = await client.zk.prove({ id: this.flags.id, responses });
    if (this.flags.out) await this.writeOut(this.flags.out, r.result);
    return {
      id: r.id,
      statement: r.statement,
      rootA: r.rootA,
      rootB: r.rootB,
      logIndex: r.logIndex,
      out: this.flags.out,
    };
  }

  protected renderText(d: Data): string {
    const st = d.statement.op === "le" ? `overlap ≤ ${d.statement.k}` : `overlap = ${d.statement.c}`;
    return `${this.output.out.green("PROVEN")} ${st} in exchange ${d.id} (log index ${d.logIndex})\n  root A ${d.rootA}\n  root B ${d.rootB}`;
  }
}
