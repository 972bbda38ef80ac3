#!/usr/bin/env node
// 100 Groth16 proofs: ONE batched multi-pairing (verifyGroth16Batch) vs 100 sequential
// snarkjs.groth16.verify calls, in the same run on the same proofs (the golden suite, repeated).
// The batch is timed without the pairing threads (the main thread only) and with them, in a warm
// process (threads running), and cold: threads stopped before each batch, which starts them, as a
// CLI call does (the main thread's module stays loaded: compiling it takes ~1 ms).
// Aim: >= 8x faster and <= 150 ms. Needs the built SDK: `pnpm run build` first.
//   node bench/zk/batch-verify.mjs [--n 100] [--runs 11] [--json]
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const { zk } = await import("../../sdk-ts/dist/index.js");
// the same snarkjs the SDK depends on
const snarkjsMain = createRequire(new URL("../../sdk-ts/package.json", import.meta.url)).resolve("snarkjs");
const snarkjs = await import(join(snarkjsMain, "..", "..", "main.js"));
const args = process.argv.slice(2);
const opt = (name, d) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d);
const N = opt("--n", 100);
const RUNS = opt("--runs", 11);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const golden = fileURLToPath(new URL("../../sdk-ts/test/zk/golden/", import.meta.url));
const pool = readdirSync(golden)
  .filter((f) => f.endsWith(".json"))
  .flatMap((f) => {
    const p = JSON.parse(readFileSync(join(golden, f), "utf8"));
    return [...p.bucketProofs, p.aggregateProof];
  });
const items = Array.from({ length: N }, (_, i) => pool[i % pool.length]);
const vkeys = Object.fromEntries(zk.circuitNames().map((c) => [c, zk.verificationKey(c)]));

const release = await zk.acquireCurve();
// warm-up both paths
await zk.verifyGroth16Batch(items.slice(0, 4));
for (const p of items.slice(0, 4)) await snarkjs.groth16.verify(vkeys[p.circuit], p.publicSignals, p.proof);

const seq = [];
// an odd number of runs: the median is a run, not the slower of two
for (let r = 0; r < (Math.max(1, RUNS >> 1) | 1); r++) {
  const t = performance.now();
  for (const p of items)
    if (!(await snarkjs.groth16.verify(vkeys[p.circuit], p.publicSignals, p.proof)))
      throw new Error("snarkjs rejected a golden proof");
  seq.push(performance.now() - t);
}
async function timeBatch(threads) {
  const times = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    const res = await zk.verifyGroth16Batch(items, { threads });
    times.push(performance.now() - t);
    if (!res.ok) throw new Error("batch rejected the golden proofs");
  }
  return times;
}
const single = await timeBatch(false);
const threadsStarted = await zk.startPairingThreads();
await zk.verifyGroth16Batch(items); // warm the threads' code
const batch = await timeBatch(true);
const threadCount = zk.pairingThreads();
release();
// cold: everything stopped before each batch, alternating with and without threads
const cold = { true: [], false: [] };
for (let r = 0; r < 5; r++)
  for (const threads of [true, false]) {
    await zk.releaseCurve();
    const t = performance.now();
    const res = await zk.verifyGroth16Batch(items, { threads });
    cold[threads].push(performance.now() - t);
    if (!res.ok) throw new Error("batch rejected the golden proofs");
  }
await zk.releaseCurve();

const s = median(seq);
const b = median(batch);
const out = {
  proofs: N,
  circuits: [...new Set(items.map((p) => p.circuit))],
  sequentialSnarkjsMs: Math.round(s),
  batchMs: Math.round(b),
  batchWithoutThreadsMs: Math.round(median(single)),
  pairingThreads: threadsStarted ? threadCount : 0,
  coldBatchMs: Math.round(median(cold.true)),
  coldBatchWithoutThreadsMs: Math.round(median(cold.false)),
  speedup: Number((s / b).toFixed(1)),
  aims: { speedupAtLeast: 8, batchAtMostMs: 150 },
  meetsAims: s / b >= 8 && b <= 150,
  loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
};
if (args.includes("--json")) console.log(JSON.stringify(out, null, 2));
else {
  console.log(`Groth16 verification of ${N} proofs (${out.circuits.length} circuits), median of ${RUNS}:`);
  console.log(`  100 x snarkjs.groth16.verify  ${String(out.sequentialSnarkjsMs).padStart(6)} ms`);
  console.log(
    `  verifyGroth16Batch, no threads ${String(out.batchWithoutThreadsMs).padStart(5)} ms  (main thread only)`,
  );
  console.log(
    `  verifyGroth16Batch (1 batch)  ${String(out.batchMs).padStart(6)} ms  (${out.pairingThreads} pairing threads)`,
  );
  console.log(
    `  first batch of a process        ${String(out.coldBatchMs).padStart(4)} ms with threads, ${out.coldBatchWithoutThreadsMs} ms without (threads started by the batch, as in a CLI call)`,
  );
  console.log(`  speedup ${out.speedup}x  (aim >= 8x and <= 150 ms: ${out.meetsAims ? "met" : "NOT met"})`);
  console.log(
    `  load average ${out.loadAverage.join(" ")} (the figures are wall-clock: shared cores inflate them)`,
  );
}
