#!/usr/bin/env node
// Overhead of LAC graph constraints on a planned subgraph of 10,000 nodes, and the same metrics
// through graphology (the peer), in the same run.
//   node bench/lac/graph.mjs [--nodes 10000] [--degree 3] [--iterations 300] [--seed 7] [--sdk path]
// Each decision gets a fresh graph object (metrics are cached per graph object, so reusing one
// would measure the cache). Edges are given as arrays of integer pairs, as a planner emits them.
// Decisions with and without graph rules are interleaved, so load changes hit both alike. The
// peer runs in its own phase before them and its garbage (megabytes of graphology objects per run)
// is collected before they start, so a decision is not charged for the peer's collections (its
// own garbage still counts).
import { createRequire } from "node:module";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { importSdk, info, parseFlags, positiveInt, prng, quantile, REPO_ROOT } from "../lib/common.mjs";

const flags = parseFlags(process.argv.slice(2), {
  nodes: 10_000,
  degree: 3,
  iterations: 300,
  seed: 7,
  sdk: "",
  json: false,
});
const nodes = positiveInt(flags, "nodes");
const iterations = positiveInt(flags, "iterations");
const sdk = await importSdk(flags.sdk);
const require = createRequire(join(REPO_ROOT, "sdk-ts", "package.json"));
const { UndirectedGraph } = require("graphology");
const { largestConnectedComponent } = require("graphology-components");
const { singleSourceLength } = require("graphology-shortest-path");

// A random connected-ish graph: a random spanning tree plus (degree/2 − 1)·n extra edges.
const rnd = prng(flags.seed);
const edges = [];
for (let v = 1; v < nodes; v++) edges.push([Math.floor(rnd() * v), v]);
const extra = Math.max(0, Math.round((flags.degree / 2 - 1) * nodes));
for (let i = 0; i < extra; i++) edges.push([Math.floor(rnd() * nodes), Math.floor(rnd() * nodes)]);
const seeds = [0, Math.floor(nodes / 2)];
info(`planned subgraph: ${nodes} nodes, ${edges.length} edges, ${seeds.length} seeds`);

const schema = `apiVersion: trustfabric.dev/lac/v1
kind: Schema
metadata: { name: g }
attributes:
  subject: { role: { type: enum, values: [analyst, admin] } }
  context: { purpose: string }
`;
const base = `  - id: allow-analyst
    effect: allow
    when: { attr: subject.role, op: eq, value: analyst }
    reason: ok
`;
const graphRules = `  - id: deny-wide
    effect: deny
    when: { attr: graph.componentSize, op: gt, value: ${nodes * 2} }
    reason: ok
  - id: deny-deep
    effect: deny
    when: { attr: graph.pathLength, op: gt, value: ${nodes} }
    reason: ok
  - id: deny-hub
    effect: deny
    when: { any: [ { attr: graph.maxDegree, op: gt, value: ${nodes} }, { attr: graph.edgeCount, op: gt, value: ${edges.length * 2} }, { attr: graph.nodeCount, op: gt, value: ${nodes * 2} } ] }
    reason: ok
`;
const policy = (rules) => `apiVersion: trustfabric.dev/lac/v1
kind: Policy
metadata: { name: g, version: "1" }
rules:
${rules}reasons:
  ok: { en: "ok" }
`;
const without = sdk.compilePolicy(policy(base), schema);
const withGraph = sdk.compilePolicy(policy(base + graphRules), schema);
const request = () => ({ subject: { role: "analyst" }, context: { purpose: "x" }, graph: { edges, seeds } });

// The peer: the same five metrics with graphology, from the same arrays.
function graphologyMetrics() {
  const g = new UndirectedGraph({ allowSelfLoops: false });
  for (const [u, v] of edges) {
    g.mergeNode(u);
    g.mergeNode(v);
    if (u !== v) g.mergeEdge(u, v);
  }
  for (const s of seeds) g.mergeNode(s);
  let maxDegree = 0;
  g.forEachNode((n) => {
    const d = g.degree(n);
    if (d > maxDegree) maxDegree = d;
  });
  const componentSize = largestConnectedComponent(g).length;
  // distance from the nearest seed: one BFS per seed, minimum per node
  const dist = new Map();
  for (const s of seeds)
    for (const [node, d] of Object.entries(singleSourceLength(g, String(s))))
      if (!(dist.get(node) <= d)) dist.set(node, d);
  let pathLength = 0;
  for (const d of dist.values()) if (d > pathLength) pathLength = d;
  return { nodeCount: g.order, edgeCount: g.size, maxDegree, componentSize, pathLength };
}

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc");

const time = (f) => {
  const s = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - s) / 1e6;
};
// Agreement first: the decision's metrics equal graphology's.
const ours = sdk.lac.graphMetrics({ edges, seeds }, new Set(sdk.lac.GRAPH_METRICS));
const theirs = graphologyMetrics();
for (const k of Object.keys(theirs))
  if (ours[k] !== theirs[k]) throw new Error(`metric ${k}: ours ${ours[k]}, graphology ${theirs[k]}`);
if (withGraph.decide(request()).decision !== "allow") throw new Error("the graph rules should not fire");

for (let i = 0; i < 30; i++) {
  without.decide(request());
  withGraph.decide(request());
  graphologyMetrics();
}
const peer = [];
for (let i = 0; i < Math.ceil(iterations / 3); i++) peer.push(time(graphologyMetrics));
collect();
for (let i = 0; i < 30; i++) {
  without.decide(request());
  withGraph.decide(request());
}
const a = [];
const b = [];
for (let i = 0; i < iterations; i++) {
  a.push(time(() => without.decide(request())));
  b.push(time(() => withGraph.decide(request())));
}
const q = (xs, p) => quantile(xs, p);
const overhead = (p) => q(b, p) - q(a, p);
const result = {
  nodes,
  edges: edges.length,
  iterations,
  withoutGraphRulesMs: { p50: q(a, 0.5), p95: q(a, 0.95), p99: q(a, 0.99) },
  withGraphRulesMs: { p50: q(b, 0.5), p95: q(b, 0.95), p99: q(b, 0.99) },
  overheadMs: { p50: overhead(0.5), p95: overhead(0.95), p99: overhead(0.99) },
  graphologyMs: { p50: q(peer, 0.5), p95: q(peer, 0.95), p99: q(peer, 0.99) },
  ratioGraphologyOverOurs: q(peer, 0.5) / Math.max(1e-9, overhead(0.5)),
  loadavg: (await import("node:os")).loadavg()[0],
  aims: { overheadP95Ms: 1 },
};
if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  const f = (x) => x.toFixed(3);
  const row = (name, r) => `| ${name} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p99)} |\n`;
  process.stdout.write(
    `planned subgraph: ${nodes.toLocaleString("en")} nodes, ${edges.length.toLocaleString("en")} edges; ${iterations} decisions each; load average ${result.loadavg.toFixed(2)}\n\n` +
      "| ms per decision | p50 | p95 | p99 |\n| --- | --- | --- | --- |\n" +
      row("decide, no graph rules", result.withoutGraphRulesMs) +
      row("decide, 5 graph metrics", result.withGraphRulesMs) +
      row("overhead of graph constraints", result.overheadMs) +
      row("graphology: same 5 metrics (peer)", result.graphologyMs) +
      `\ngraphology / ours (p50): ${result.ratioGraphologyOverOurs.toFixed(1)}×; aim p95 overhead ≤ 1 ms: ${result.overheadMs.p95 <= 1 ? "met" : "NOT met"}\n`,
  );
}
