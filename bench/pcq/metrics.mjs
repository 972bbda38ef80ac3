#!/usr/bin/env node
// PCQ graph metrics: Trust Fabric (graphology + our own code, as built in sdk-ts/dist) vs
// NetworkX, on the same generated graphs in the same run.
//
//   node bench/pcq/metrics.mjs [--sizes 1000,10000,50000] [--rounds 3] [--cap 10000] [--sdk path]
//
// Graphs: Barabási–Albert power-law graphs (m = 4, so edges ≈ 4 × nodes), unweighted, seed 1.
// Every metric is timed on an already-built graph (graph construction is not timed on either
// side), best of --rounds runs (one round at the largest size). Betweenness and closeness are
// O(n·m): NetworkX needs minutes at 50k edges, so both run only on graphs of at most --cap
// edges; the table shows "capped" beyond that. A metric taking over 1 s runs once. Results: stdout table, bench/out/pcq-metrics.json.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_DIR, importSdk, info, parseFlags, REPO_ROOT } from "../lib/common.mjs";

const flags = parseFlags(process.argv.slice(2), {
  sizes: "1000,10000,50000",
  rounds: 3,
  cap: 10000,
  sdk: "",
});
const sizes = flags.sizes.split(",").map(Number);
const sdk = await importSdk(flags.sdk);
const { generateFixture, buildGraph, computeMetric, formatEdgeCsv } = sdk.pcq;
const PYTHON = join(REPO_ROOT, ".tools/venv/bin/python");

const METRICS = (n) => [
  { label: "degree", metric: "degree" },
  { label: "betweenness", metric: "betweenness", params: { weighted: false } },
  { label: "closeness", metric: "closeness" },
  { label: "pagerank", metric: "pagerank", params: { weighted: false } },
  { label: "components", metric: "components" },
  {
    label: "k_shortest_paths",
    metric: "k_shortest_paths",
    params: { source: "0", target: String(n - 1), k: 10, weighted: false },
  },
  { label: "clustering", metric: "clustering" },
  { label: "triangles", metric: "triangles" },
  { label: "louvain", metric: "louvain", params: { seed: 1, weighted: false } },
];
const spec = ({ label, ...s }) => s;

const work = mkdtempSync(join(tmpdir(), "tf-bench-pcq-"));
const graphs = [];
for (const edges of sizes) {
  const nodes = Math.round(edges / 4) + 2;
  const g = generateFixture({ shape: "power-law", nodes, seed: 1, m: 4 });
  const csv = join(work, `${edges}.csv`);
  writeFileSync(csv, formatEdgeCsv(g.rows));
  const metrics = METRICS(nodes).filter(
    (m) => !(["betweenness", "closeness"].includes(m.label) && g.rows.length > flags.cap),
  );
  const rounds = edges === Math.max(...sizes) && edges > 10000 ? 1 : flags.rounds;
  graphs.push({ name: String(edges), edges: g.rows.length, nodes, rows: g.rows, csv, metrics, rounds });
}

// Ours
const ours = {};
for (const g of graphs) {
  const graph = buildGraph(g.rows, { directed: false, weighted: false });
  ours[g.name] = {};
  for (const m of g.metrics) {
    computeMetric(graph, spec(m)); // warm-up (JIT)
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r < g.rounds; r++) {
      const t = performance.now();
      computeMetric(graph, spec(m));
      best = Math.min(best, performance.now() - t);
      if (best > 1000) break; // one round of a slow metric is enough
    }
    ours[g.name][m.label] = best;
    info(`  trustfabric ${g.name} ${m.label}: ${best.toFixed(1)} ms`);
  }
}

// NetworkX
let nx = null;
if (existsSync(PYTHON)) {
  const cfg = { graphs: graphs.map(({ name, csv, metrics, rounds }) => ({ name, csv, metrics, rounds })) };
  const r = spawnSync(PYTHON, [join(BENCH_DIR, "pcq/networkx_bench.py"), JSON.stringify(cfg)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) info(`NetworkX run failed (exit ${r.status}); reporting our figures only`);
  else nx = JSON.parse(r.stdout);
} else info(`NetworkX skipped: ${PYTHON} not found (run scripts/bootstrap.sh)`);
rmSync(work, { recursive: true, force: true });

// Table
const pad = (s, n) => String(s).padStart(n);
const lines = [];
lines.push(
  `PCQ metrics: ms per metric (best of ${flags.rounds}; 1 round at the largest size), Barabási–Albert m=4, ${cpus()[0]?.model ?? "cpu"}`,
);
lines.push(`NetworkX ${nx?.version ?? "—"}; betweenness/closeness capped at ${flags.cap} edges`);
lines.push("");
const header = ["metric", ...graphs.flatMap((g) => [`tf ${g.name}`, `nx ${g.name}`, "×"])];
const widths = [18, ...graphs.flatMap(() => [10, 10, 7])];
lines.push(header.map((h, i) => (i === 0 ? h.padEnd(widths[i]) : pad(h, widths[i]))).join(" "));
const ratios = {};
for (const { label } of METRICS(10)) {
  const cells = [label.padEnd(widths[0])];
  graphs.forEach((g, gi) => {
    const a = ours[g.name][label];
    const b = nx?.results[g.name]?.[label];
    const ratio = a !== undefined && b !== undefined ? b / a : undefined;
    if (ratio !== undefined) {
      ratios[label] ??= [];
      ratios[label].push(ratio);
    }
    const w = widths.slice(1 + gi * 3);
    cells.push(pad(a === undefined ? "capped" : a.toFixed(1), w[0]));
    cells.push(pad(b === undefined ? (a === undefined ? "capped" : "—") : b.toFixed(1), w[1]));
    cells.push(pad(ratio === undefined ? "—" : `${ratio.toFixed(1)}×`, w[2]));
  });
  lines.push(cells.join(" "));
}
lines.push("");
lines.push("× = NetworkX time / Trust Fabric time (higher is better for us).");
const slowest = Object.entries(ratios).map(([k, v]) => [k, Math.min(...v)]);
lines.push(`Smallest ratio per metric: ${slowest.map(([k, v]) => `${k} ${v.toFixed(1)}×`).join(", ")}`);
process.stdout.write(`${lines.join("\n")}\n`);
mkdirSync(join(BENCH_DIR, "out"), { recursive: true });
writeFileSync(
  join(BENCH_DIR, "out", "pcq-metrics.json"),
  JSON.stringify(
    {
      when: new Date().toISOString(),
      flags,
      graphs: graphs.map(({ name, edges, nodes }) => ({ name, edges, nodes })),
      ours,
      networkx: nx,
    },
    null,
    2,
  ),
);
