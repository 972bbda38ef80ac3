import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain ES module shared with the benchmark
import { writeLegacyArtifacts } from "../../../bench/backfill/legacy-gen.mjs";
import { homeWitnessLog } from "../../src/backfill/fslog-witness.js";
import { discoverLegacy } from "../../src/backfill/legacy.js";
import { BACKFILL_RESULT_FILE, createPcqBackfillProcessor } from "../../src/backfill/pcq-processor.js";
import { runBackfill } from "../../src/backfill/runner.js";
import { runOperation } from "../../src/engine/index.js";
import * as pcq from "../../src/pcq/index.js";

async function setup(count: number, opts: { mismatch?: number[]; corrupt?: number[] } = {}) {
  const root = mkdtempSync(join(tmpdir(), "tf-backfill-pcq-"));
  const home = join(root, "home");
  const source = join(root, "legacy");
  const ids: string[] = writeLegacyArtifacts(pcq, source, { count, seed: 11, ...opts });
  const init = await runOperation("log.init", { origin: "test.example/pcq" }, { home });
  return { home, source, ids, vkey: init.vkey };
}

describe("PCQ backfill", () => {
  it("emits a manifest and a receipt that verify offline, and reports mismatches and corrupt datasets", async () => {
    const { home, source, ids, vkey } = await setup(6, { mismatch: [2], corrupt: [4] });
    expect(discoverLegacy(source).map((a) => a.id)).toEqual(ids);
    const processor = createPcqBackfillProcessor({ home });
    const report = await runBackfill({ home, source, processor, log: homeWitnessLog(home) });
    expect(report).toMatchObject({ eligible: 6, backfilled: 4, failed: 2 });
    expect(report.failures.map((f) => f.code).sort()).toEqual([
      "TF_BACKFILL_REPLAY_MISMATCH",
      "TF_PCQ_DATASET_INVALID",
    ]);
    const mismatch = report.failures.find((f) => f.code === "TF_BACKFILL_REPLAY_MISMATCH")!;
    expect(mismatch.examples[0]!.id).toBe(ids[2]);
    expect(mismatch.examples[0]!.message).toMatch(/pagerank/);

    for (const [i, id] of ids.entries()) {
      const dir = join(source, id);
      const has = existsSync(join(dir, "manifest.json"));
      expect(has).toBe(i !== 2 && i !== 4);
      if (!has) continue;
      // The artifact now replays like any PCQ result, and its receipt verifies offline.
      expect(pcq.replay(dir).outcome).toBe("match");
      const receipt = readFileSync(join(dir, "receipt.json"), "utf8");
      const v = pcq.verifyReceipt(receipt, {
        logKey: vkey,
        manifest: readFileSync(join(dir, "manifest.json")),
        result: readFileSync(join(dir, BACKFILL_RESULT_FILE)),
      });
      expect(v).toMatchObject({ ok: true });
      // The legacy claim is what the manifest describes: its values, verbatim.
      const legacy = JSON.parse(readFileSync(join(dir, "result.json"), "utf8"));
      const written = JSON.parse(readFileSync(join(dir, BACKFILL_RESULT_FILE), "utf8"));
      expect(written.results.map((r: { value: unknown }) => r.value)).toEqual(
        legacy.metrics.map((m: { value: unknown }) => m.value),
      );
    }

    // Fixing the mismatching artifact makes it new work; nothing else is redone.
    const res = join(source, ids[2]!, "result.json");
    const doc = JSON.parse(readFileSync(res, "utf8"));
    const g = pcq.buildGraph(pcq.parseEdgeCsv(readFileSync(join(source, ids[2]!, "edges.csv"), "utf8")), {
      directed: false,
      weighted: false,
    });
    doc.metrics[1].value = pcq.computeMetric(g, { metric: "pagerank", params: { alpha: 0.85 } });
    writeFileSync(res, JSON.stringify(doc));
    const again = await runBackfill({ home, source, processor, log: homeWitnessLog(home) });
    expect(again).toMatchObject({ newlyBackfilled: 1, previouslyBackfilled: 4, backfilled: 5, failed: 1 });
  });
});
