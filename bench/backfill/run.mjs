// Backfill throughput over 1,000 small legacy artifacts, and the cost of the witness step.
// The in-run peer: the same artifacts replayed in memory without manifests or witnesses
// (the floor backfill's own bookkeeping is measured against).
//
//   node bench/backfill/run.mjs [--count 1000]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeLegacyArtifacts } from "./legacy-gen.mjs";

const sdk = await import(new URL("../../sdk-ts/dist/index.js", import.meta.url).href);
const count = Number(process.argv[process.argv.indexOf("--count") + 1] || 1000) || 1000;
const root = mkdtempSync(join(tmpdir(), "tf-bench-backfill-"));
try {
  const home = join(root, "home");
  const source = join(root, "legacy");
  const client = sdk.createLocalClient({ home });
  await client.log.init({ origin: "bench.example/backfill" });
  const t0 = performance.now();
  writeLegacyArtifacts(sdk.pcq, source, { count, seed: 3 });
  const genMs = performance.now() - t0;

  // Peer: replay only (parse, rebuild the graph, recompute and compare), no files written.
  const { discoverLegacy, loadLegacy } = sdk.backfill;
  const artifacts = discoverLegacy(source);
  const t1 = performance.now();
  for (const a of artifacts) {
    const l = loadLegacy(a);
    const g = sdk.pcq.buildGraph(sdk.pcq.parseEdgeCsv(l.datasetBytes.toString("utf8")), {
      directed: l.result.directed,
      weighted: l.result.weighted,
    });
    for (const m of l.result.metrics) {
      const spec = { metric: m.metric, ...(m.params ? { params: m.params } : {}) };
      const cmp = sdk.pcq.compareMetric(spec, m.value, sdk.pcq.computeMetric(g, spec));
      if (!cmp.ok) throw new Error(`replay mismatch in ${a.id}`);
    }
  }
  const replayMs = performance.now() - t1;

  const r = await client.backfill.run({ source });
  if (r.backfilled !== count) throw new Error(`backfilled ${r.backfilled}/${count}`);
  const again = performance.now();
  const r2 = await client.backfill.run({ source });
  const idleMs = performance.now() - again;

  const perReplay = replayMs / count;
  const perBackfill = r.durationMs / count;
  console.log(`backfill: ${count} artifacts (${genMs.toFixed(0)} ms to generate)`);
  console.log(
    `  backfill run            ${r.artifactsPerSecond.toFixed(1)} artifacts/s  (${perBackfill.toFixed(2)} ms/artifact)`,
  );
  console.log(
    `  of which witness step   ${r.witnessMsPerArtifact.toFixed(2)} ms/artifact (sign + durable append)`,
  );
  console.log(
    `  peer: replay only       ${(1000 / perReplay).toFixed(1)} artifacts/s  (${perReplay.toFixed(2)} ms/artifact)`,
  );
  console.log(`  ratio backfill / replay-only time: ${(perBackfill / perReplay).toFixed(2)}×`);
  console.log(`  second run (nothing new): ${idleMs.toFixed(0)} ms, newlyBackfilled=${r2.newlyBackfilled}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
