#!/usr/bin/env node
// Prove time per circuit (median of RUNS), the full 64x64 overlap proof (aim: <= 1.4 s), and
// bucket proofs one at a time vs two in flight. Needs the built SDK: `pnpm run build` first.
//   node bench/zk/prove.mjs [--runs 5] [--json]
import { createHash } from "node:crypto";

const { zk } = await import("../../sdk-ts/dist/index.js");
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf("--runs") + 1] || 0) || 5;
const el = (s) => zk.toField(createHash("sha256").update(s).digest());
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function time(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function bucketInput(s, overlap) {
  const a = Array.from({ length: s }, (_, i) => el(`a${s}/${i}`)).sort((x, y) => (x < y ? -1 : 1));
  const b = [...a.slice(0, overlap), ...Array.from({ length: s - overlap }, (_, i) => el(`b${s}/${i}`))];
  return { a: a.map(String), b: b.map(String), saltA: "11", saltB: "22", r: "33" };
}

function aggregateInput(slots) {
  const counts = Array.from({ length: slots }, (_, i) => (i < 2 ? 3 : 0));
  const rs = counts.map((_, i) => (i < 2 ? BigInt(i + 5) : 0n));
  return {
    countCommits: counts.map((c, i) => String(zk.countCommit(c, rs[i]))),
    op: "0",
    k: "10",
    counts: counts.map(String),
    rs: rs.map(String),
  };
}

const rows = [];
const release = await zk.acquireCurve();
await zk.proveGroth16("bucket_8", bucketInput(8, 2)); // warm-up: curve, workers, JIT
for (const [circuit, input] of [
  ["bucket_8", bucketInput(8, 2)],
  ["bucket_32", bucketInput(32, 5)],
  ["bucket_64", bucketInput(64, 7)],
  ["aggregate_4", aggregateInput(4)],
  ["aggregate_64", aggregateInput(64)],
]) {
  const ts = [];
  for (let i = 0; i < RUNS; i++) ts.push(await time(() => zk.proveGroth16(circuit, input)));
  rows.push({
    what: circuit,
    constraints: zk.circuitInfo(circuit).constraints,
    medianMs: Math.round(median(ts)),
  });
}

const overlap = (n, layout, concurrency) => {
  const a = Array.from({ length: n }, (_, i) => el(`oa/${i}`));
  const b = [...a.slice(0, 5), ...Array.from({ length: n - 5 }, (_, i) => el(`ob/${i}`))];
  return () =>
    zk.proveOverlap({ a, b, saltA: 7n, saltB: 9n, statement: { op: "le", k: 5 }, layout }, { concurrency });
};
const full = [];
for (let i = 0; i < RUNS; i++) full.push(await time(overlap(60, { buckets: 1, bucketSize: 64 }, 1)));
const full64 = Math.round(median(full));
rows.push({
  what: "overlap 64x64 (bucket_64 + aggregate_4)",
  medianMs: full64,
  aimMs: 1400,
  meetsAim: full64 <= 1400,
});
for (const c of [1, 2]) {
  const ts = [];
  for (let i = 0; i < Math.max(2, RUNS >> 1); i++)
    ts.push(await time(overlap(60, { buckets: 4, bucketSize: 32 }, c)));
  rows.push({ what: `overlap 4x32 buckets, ${c} in flight`, medianMs: Math.round(median(ts)) });
}
release();
await zk.releaseCurve();

if (args.includes("--json")) console.log(JSON.stringify({ runs: RUNS, rows }, null, 2));
else {
  console.log(
    `ZK prove times (median of ${RUNS}; snarkjs ${"groth16"}, ${process.arch}, node ${process.version})`,
  );
  for (const r of rows)
    console.log(
      `  ${r.what.padEnd(44)} ${String(r.medianMs).padStart(6)} ms${r.constraints ? `  (${r.constraints} constraints)` : ""}${r.aimMs ? `  aim <= ${r.aimMs} ms: ${r.meetsAim ? "met" : "NOT met"}` : ""}`,
    );
}
