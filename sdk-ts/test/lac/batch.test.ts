import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTfError } from "../../src/core/errors.js";
import {
  type BatchLineResult,
  decideLines,
  localChunkDecider,
  MAX_BATCH_LINE_BYTES,
  runBatch,
} from "../../src/lac/batch.js";
import { compilePolicy } from "../../src/lac/compile.js";
import { clientKinds } from "../support/clients.js";
import { example, exampleRequest } from "./fixtures.js";

const POLICY = example("analytics-export.yaml");
const SCHEMA = example("schema.yaml");
const compiled = compilePolicy(POLICY, SCHEMA);
const line = (name: string) => JSON.stringify(exampleRequest(name));

async function* pieces(text: string | Buffer, size: number) {
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

describe("decideLines", () => {
  it("decides each line in order; bad lines yield error results with their line numbers", () => {
    const text = [
      line("analyst-query.json"),
      "",
      "{not json",
      line("contractor-pii.json"),
      '{"subject": {"rol": "admin"}}',
      "[1,2]",
    ].join("\n");
    const r = decideLines(compiled, text, { firstLine: 10 });
    expect(r.map((x) => [x.line, x.decision?.decision ?? x.error?.code])).toEqual([
      [10, "allow"],
      [12, "TF_JSON_MALFORMED"],
      [13, "deny"],
      [14, "TF_LAC_REQUEST_INVALID"],
      [15, "TF_LAC_REQUEST_INVALID"],
    ]);
    expect(r[3]!.error!.details).toMatchObject({ suggestion: "subject.role" });
  });
});

describe("runBatch (streaming)", () => {
  it("gives the same results whatever the chunking; lines too long or not UTF-8 fail alone", async () => {
    const big = `{"subject": {"team": "${"x".repeat(MAX_BATCH_LINE_BYTES)}"}}`;
    const input = Buffer.concat([
      Buffer.from(`${line("analyst-query.json")}\r\n${big}\n`),
      Buffer.from([0x7b, 0xff, 0x7d, 0x0a]),
      Buffer.from(`${line("contractor-pii.json")}\n\n${line("engineer-query.json")}`),
    ]);
    const runs: BatchLineResult[][] = [];
    for (const [piece, maxLines] of [
      [7, 1],
      [1 << 20, 1000],
      [4096, 2],
    ] as const) {
      const out: BatchLineResult[] = [];
      const summary = await runBatch(
        pieces(input, piece),
        localChunkDecider(compiled),
        (r) => {
          out.push(r);
        },
        { maxLines },
      );
      expect(summary).toEqual({ lines: 6, decided: 3, failed: 2, allowed: 1, denied: 2 });
      runs.push(out);
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
    expect(runs[0]!.map((r) => [r.line, r.decision?.decision ?? r.error?.message])).toEqual([
      [1, "allow"],
      [2, `line 2 is longer than ${MAX_BATCH_LINE_BYTES} bytes`],
      [3, "line 3 is not valid UTF-8"],
      [4, "deny"],
      [6, "deny"],
    ]);
  });

  it("streams: 20,000 lines pass through chunks of at most maxLines", async () => {
    const one = line("analyst-query.json");
    async function* gen() {
      for (let i = 0; i < 20; i++) yield `${Array.from({ length: 1000 }, () => one).join("\n")}\n`;
    }
    let biggest = 0;
    let n = 0;
    let last = 0;
    const summary = await runBatch(
      gen(),
      (chunk) => {
        biggest = Math.max(biggest, chunk.requests.split("\n").length);
        return localChunkDecider(compiled)(chunk);
      },
      (r) => {
        n++;
        if (r.line !== last + 1) throw new Error(`line ${r.line} after ${last}`);
        last = r.line;
      },
      { maxLines: 700 },
    );
    expect(summary).toMatchObject({ lines: 20_000, decided: 20_000, failed: 0 });
    expect(n).toBe(20_000);
    expect(biggest).toBeLessThanOrEqual(700);
  });
});

let kinds: Awaited<ReturnType<typeof clientKinds>>;
beforeAll(async () => {
  kinds = await clientKinds();
});
afterAll(async () => {
  await kinds?.close();
});

describe.each(["local", "remote"] as const)("lac.evalBatch, %s client", (kind) => {
  it("decides chunks with line numbers; oversize input is refused", async () => {
    const client = kinds.make[kind]();
    const r = await client.lac.evalBatch({
      policy: POLICY,
      schema: SCHEMA,
      requests: `${line("analyst-query.json")}\nnope\n${line("contractor-pii.json")}\n`,
      firstLine: 101,
      locale: "de",
    });
    expect(r.decided).toBe(2);
    expect(r.failed).toBe(1);
    expect(r.results.map((x) => x.line)).toEqual([101, 102, 103]);
    expect(r.results[1]!.error!.code).toBe("TF_JSON_MALFORMED");
    expect(r.results[2]!.decision!.locale).toBe("de");
    const err = await client.lac
      .evalBatch({ policy: POLICY, schema: SCHEMA, requests: "x".repeat(9 * 1024 * 1024) })
      .catch((e) => e);
    expect(isTfError(err)).toBe(true);
    expect(["TF_INPUT_INVALID", "TF_REQUEST_TOO_LARGE"]).toContain(err.code);
  });
});
