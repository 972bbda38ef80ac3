/**
 * The nine PCQ graph metrics, defined exactly as NetworkX defines them (docs/pcq-metrics.md),
 * computed with graphology where it has the algorithm and by hand where it does not.
 * Deterministic: same graph + same spec → same value, bit for bit, on every machine.
 */
import louvainMod from "graphology-communities-louvain";
import * as components from "graphology-components";
import betweennessMod from "graphology-metrics/centrality/betweenness.js";
import closenessMod from "graphology-metrics/centrality/closeness.js";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { z } from "zod";
import { TfError } from "../core/errors.js";
import { Carver, withScratch } from "./buffers.js";
import {
  type CsrIndex,
  cjsDefault,
  csrCodeUnitRanks,
  csrIndex,
  csrIndexAnyOrder,
  csrIndexIfBuilt,
  type Graph,
  type GraphIndex,
  indexGraph,
  isSimpleGraph,
  nodeCodeUnitRanks,
  nodePositions,
} from "./graph.js";
import {
  dijkstraDistances,
  edgeWeight,
  kShortestSimplePaths,
  LazyNeighbours,
  type Neighbours,
} from "./kpaths.js";

export const METRIC_NAMES = [
  "degree",
  "betweenness",
  "closeness",
  "pagerank",
  "components",
  "k_shortest_paths",
  "clustering",
  "triangles",
  "louvain",
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

const louvain = cjsDefault(louvainMod);
const betweennessCentrality = cjsDefault(betweennessMod);
const closenessCentrality = cjsDefault(closenessMod);
const { stronglyConnectedComponents } = components;

/**
 * Connected (weakly, for directed graphs) components, already in canonical order (each sorted
 * by code units, then by size descending and first node): the same sets as
 * graphology-components' connectedComponents, which is far slower. With a CSR index already
 * on the graph, a BFS over it; without one, union-find straight over the edge list (one pass
 * and no index to build: a lone components call costs about half). Sorting node ranks
 * (code-unit order) instead of strings keeps canonicalization cheap.
 */
function weakComponents(graph: Graph): string[][] {
  const g = csrIndexIfBuilt(graph);
  const nodes = g ? g.nodes : graph.nodes();
  const n = nodes.length;
  return withScratch(0, 4 * n, 0, (scratch) => {
    const comp = scratch.i32(n); // node → component number
    const work = scratch.i32(n); // BFS queue / union-find parents
    let sizes: number[];
    let rank: Int32Array;
    if (g) {
      sizes = labelByBfs(g, comp, work);
      rank = csrCodeUnitRanks(g);
    } else {
      const position = nodePositions(nodes);
      sizes = labelByUnionFind(graph, position, comp, work);
      rank = nodeCodeUnitRanks(nodes, position);
    }
    // Walking nodes in code-unit order fills each component already sorted; the first node of
    // a component in that walk is its smallest, so components compare by (size desc, that rank).
    const byRank = scratch.i32(n); // rank → node
    for (let v = 0; v < n; v++) byRank[rank[v]!] = v;
    const firstRank = scratch.i32(n).fill(-1); // per component (at most n)
    const groups: string[][] = sizes.map(() => []);
    for (let r = 0; r < n; r++) {
      const v = byRank[r]!;
      const c = comp[v]!;
      if (firstRank[c] === -1) firstRank[c] = r;
      groups[c]!.push(nodes[v]!);
    }
    const order = Array.from({ length: sizes.length }, (_, i) => i);
    order.sort((a, b) => sizes[b]! - sizes[a]! || firstRank[a]! - firstRank[b]!);
    return order.map((c) => groups[c]!);
  });
}

/** BFS labelling over the index (both directions when directed); returns component sizes. */
function labelByBfs(g: CsrIndex, comp: Int32Array, queue: Int32Array): number[] {
  const n = g.nodes.length;
  comp.fill(-1);
  const { outStart, outAdj, inStart, inAdj, directed } = g;
  const sizes: number[] = [];
  for (let s = 0; s < n; s++) {
    if (comp[s] !== -1) continue;
    const c = sizes.length;
    comp[s] = c;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    while (head < tail) {
      const v = queue[head++]!;
      for (let j = outStart[v]!; j < outStart[v + 1]!; j++) {
        const w = outAdj[j]!;
        if (comp[w] === -1) {
          comp[w] = c;
          queue[tail++] = w;
        }
      }
      if (directed)
        for (let j = inStart[v]!; j < inStart[v + 1]!; j++) {
          const w = inAdj[j]!;
          if (comp[w] === -1) {
            comp[w] = c;
            queue[tail++] = w;
          }
        }
    }
    sizes.push(tail);
  }
  return sizes;
}

/**
 * Union-find over the edge list (direction ignored); the root of each set is its smallest node
 * number, so numbering roots in node order labels every node in one pass. Returns sizes.
 */
function labelByUnionFind(
  graph: Graph,
  position: Readonly<Record<string, number>>,
  comp: Int32Array,
  parent: Int32Array,
): number[] {
  const n = parent.length;
  for (let v = 0; v < n; v++) parent[v] = v;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      const up = parent[parent[x]!]!; // path halving
      parent[x] = up;
      x = up;
    }
    return x;
  };
  graph.forEachEdge((_e, _a, s, t) => {
    const a = find(position[s]!);
    const b = find(position[t]!);
    if (a < b) parent[b] = a;
    else if (b < a) parent[a] = b;
  });
  const sizes: number[] = [];
  for (let v = 0; v < n; v++) {
    const r = find(v);
    if (r === v) {
      comp[v] = sizes.length;
      sizes.push(1);
    } else {
      const c = comp[r]!; // r < v: already labelled
      comp[v] = c;
      sizes[c]!++;
    }
  }
  return sizes;
}

/**
 * PageRank as NetworkX defines it (x ← α(xP + Σdangling·x/n) + (1−α)/n, P the row-normalized
 * weighted adjacency, undirected edges both ways, x₀ = 1/n, stop when ‖x − x_prev‖₁ < n·tol,
 * no final renormalization), with graphology-metrics' exact floating-point operation order so
 * values stay bit for bit what they were (manifests pin result digests). Written by hand
 * because graphology's pagerank was the bottleneck (0.4–0.8× NetworkX: it rebuilds a
 * neighbourhood index through attribute lookups on every call and allocates a vector per
 * iteration); this runs over the cached CSR index with two preallocated Float64Arrays.
 * Returns null when it does not converge within maxIter iterations.
 */
function pagerank(
  g: CsrIndex,
  alpha: number,
  maxIter: number,
  tol: number,
  weighted: boolean,
): Float64Array | null {
  const n = g.nodes.length;
  if (n === 0) return new Float64Array(0);
  const { outStart, outAdj, outW } = g;
  const p = 1 / n;
  const buf = new Carver(outAdj.length + 2 * n, 0);
  const norm = buf.f64(outAdj.length); // w / weighted out-degree
  const dangling: number[] = [];
  for (let v = 0; v < n; v++) {
    const a = outStart[v]!;
    const b = outStart[v + 1]!;
    let d = 0;
    if (weighted) for (let j = a; j < b; j++) d += outW[j]!;
    else d = b - a;
    if (d === 0) dangling.push(v);
    for (let j = a; j < b; j++) norm[j] = (weighted ? outW[j]! : 1) / d;
  }
  let x = buf.f64(n).fill(p);
  let last = buf.f64(n);
  for (let iter = 0; iter < maxIter; iter++) {
    const tmp = last;
    last = x;
    x = tmp;
    x.fill(0);
    let dangleSum = 0;
    for (const v of dangling) dangleSum += last[v]!;
    dangleSum *= alpha;
    const add = dangleSum * p + (1 - alpha) * p;
    for (let v = 0; v < n; v++) {
      const share = alpha * last[v]!;
      for (let j = outStart[v]!; j < outStart[v + 1]!; j++) x[outAdj[j]!]! += share * norm[j]!;
      x[v]! += add;
    }
    let err = 0;
    for (let v = 0; v < n; v++) err += Math.abs(x[v]! - last[v]!);
    if (err < n * tol) return x;
  }
  return null;
}

const Empty = z.object({}).strict().prefault({});

/** One metric and its parameters. Defaults follow NetworkX's own defaults. */
export const MetricSpec = z.discriminatedUnion("metric", [
  z.object({ metric: z.literal("degree"), params: Empty }).strict(),
  z
    .object({
      metric: z.literal("betweenness"),
      params: z
        .object({
          normalized: z.boolean().default(true),
          weighted: z.boolean().describe("use edge weights as distances (explicit: no default)"),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      metric: z.literal("closeness"),
      params: z
        .object({ weighted: z.boolean().default(false).describe("edge weights as distances") })
        .strict()
        .prefault({}),
    })
    .strict(),
  z
    .object({
      metric: z.literal("pagerank"),
      params: z
        .object({
          alpha: z.number().gt(0).lt(1).default(0.85),
          maxIter: z.number().int().min(1).max(100_000).default(100),
          tol: z.number().gt(0).default(1e-6),
          weighted: z.boolean().default(true).describe("edge weights as transition weights"),
        })
        .strict()
        .prefault({}),
    })
    .strict(),
  z
    .object({
      metric: z.literal("components"),
      params: z
        .object({
          strongly: z
            .boolean()
            .default(false)
            .describe("directed graphs: strongly instead of weakly connected components"),
        })
        .strict()
        .prefault({}),
    })
    .strict(),
  z
    .object({
      metric: z.literal("k_shortest_paths"),
      params: z
        .object({
          source: z.string().min(1),
          target: z.string().min(1),
          k: z.number().int().min(1).max(1000),
          weighted: z.boolean(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      metric: z.literal("clustering"),
      params: z
        .object({
          weighted: z
            .boolean()
            .default(false)
            .describe("geometric mean of max-normalized weights (Onnela et al.)"),
        })
        .strict()
        .prefault({}),
    })
    .strict(),
  z.object({ metric: z.literal("triangles"), params: Empty }).strict(),
  z
    .object({
      metric: z.literal("louvain"),
      params: z
        .object({
          seed: z.number().int().min(0).max(0x7fffffff),
          resolution: z.number().gt(0).default(1),
          weighted: z.boolean().default(true),
        })
        .strict(),
    })
    .strict(),
]);
export type MetricSpec = z.output<typeof MetricSpec>;
export type MetricSpecInput = z.input<typeof MetricSpec>;

export const MetricValue = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("node-values"), values: z.record(z.string(), z.number()) }).strict(),
  z.object({ kind: z.literal("components"), components: z.array(z.array(z.string())) }).strict(),
  z
    .object({
      kind: z.literal("paths"),
      paths: z.array(z.object({ nodes: z.array(z.string()), length: z.number() }).strict()),
    })
    .strict(),
  z
    .object({
      kind: z.literal("partition"),
      communities: z.array(z.array(z.string())),
      modularity: z.number(),
    })
    .strict(),
]);
export type MetricValue = z.output<typeof MetricValue>;

/** Parses a spec (defaults filled in); TF_PCQ_METRIC_INVALID names the bad field. */
export function parseMetricSpec(input: unknown): MetricSpec {
  const r = MetricSpec.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.join(".") || "(spec)";
    throw new TfError("TF_PCQ_METRIC_INVALID", `Invalid metric spec: ${path}: ${issue.message}`, {
      details: { path, spec: input },
    });
  }
  return r.data;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Canonical order of node groups: each group sorted, groups by size descending then first node. */
export function canonicalGroups(groups: string[][]): string[][] {
  return groups
    .map((g) => [...g].sort(byCodeUnits))
    .sort((a, b) => b.length - a.length || byCodeUnits(a[0] ?? "", b[0] ?? ""));
}

/** node-values objects whose values nodeValues already found finite (assertFinite skips them). */
const checkedFinite = new WeakSet<object>();

/**
 * `{node: value}` built on a null-prototype object: ~4× faster to fill than `{}` and safe for
 * a node named "__proto__". Finiteness is checked here on the array (cheaper than re-reading
 * the object); a non-finite value is left for assertFinite to report.
 */
function nodeValues(nodes: string[], arr: ArrayLike<number>): MetricValue {
  const values: Record<string, number> = Object.create(null);
  let finite = true;
  for (let i = 0; i < nodes.length; i++) {
    const v = arr[i]!;
    if (!Number.isFinite(v)) finite = false;
    values[nodes[i]!] = v;
  }
  if (finite) checkedFinite.add(values);
  return { kind: "node-values", values };
}

function assertFinite(metric: MetricName, value: MetricValue): MetricValue {
  const bad = (key: string, v: number) => {
    throw new TfError(
      "TF_PCQ_METRIC_NON_FINITE",
      `${metric} produced a non-finite value (${v}) for ${JSON.stringify(key)}`,
      { details: { metric, key, value: String(v) } },
    );
  };
  if (value.kind === "node-values" && !checkedFinite.has(value.values))
    for (const [k, v] of Object.entries(value.values)) if (!Number.isFinite(v)) bad(k, v);
  if (value.kind === "paths")
    value.paths.forEach((p, i) => {
      if (!Number.isFinite(p.length)) bad(`path ${i}`, p.length);
    });
  if (value.kind === "partition" && !Number.isFinite(value.modularity)) bad("modularity", value.modularity);
  return value;
}

/** Computes one metric. Deterministic; throws TF_PCQ_METRIC_NON_FINITE on NaN/Infinity. */
export function computeMetric(graph: Graph, specInput: MetricSpec | MetricSpecInput): MetricValue {
  const spec = parseMetricSpec(specInput);
  return assertFinite(spec.metric, compute(graph, spec));
}

function compute(graph: Graph, spec: MetricSpec): MetricValue {
  let nodeList: string[] | undefined;
  const nodes = () => {
    nodeList ??= graph.nodes(); // graph order, as the CSR index's (no index built for it)
    return nodeList;
  };
  switch (spec.metric) {
    case "degree": {
      if (isSimpleGraph(graph)) {
        // graphology keeps degree counters: no index needed (the same values as below).
        const values: Record<string, number> = Object.create(null);
        graph.forEachNode((node) => {
          values[node] = graph.degree(node);
        });
        checkedFinite.add(values);
        return { kind: "node-values", values };
      }
      const g = csrIndexAnyOrder(graph);
      const deg = new Float64Array(g.nodes.length);
      for (let v = 0; v < deg.length; v++)
        deg[v] = g.outStart[v + 1]! - g.outStart[v]! + (g.directed ? g.inStart[v + 1]! - g.inStart[v]! : 0);
      return nodeValues(g.nodes, deg);
    }
    case "betweenness": {
      const r = betweennessCentrality(graph, {
        normalized: spec.params.normalized,
        getEdgeWeight: spec.params.weighted ? "weight" : null,
      });
      return nodeValues(
        nodes(),
        nodes().map((n) => r[n]!),
      );
    }
    case "closeness": {
      if (!spec.params.weighted) {
        const r = closenessCentrality(graph, { wassermanFaust: true });
        return nodeValues(
          nodes(),
          nodes().map((n) => r[n]!),
        );
      }
      return nodeValues(nodes(), weightedCloseness(indexGraph(graph, true)));
    }
    case "pagerank": {
      const { alpha, maxIter, tol, weighted } = spec.params;
      // Unweighted, every x[w] gets its terms in node order whatever the order within a
      // neighbour list; weighted, the out-degree sums follow graphology's adjacency order.
      const g = weighted ? csrIndex(graph) : csrIndexAnyOrder(graph);
      const r = pagerank(g, alpha, maxIter, tol, weighted);
      if (!r)
        throw new TfError(
          "TF_PCQ_METRIC_INVALID",
          `pagerank did not converge within maxIter=${maxIter} iterations (tol=${tol}); raise maxIter or tol`,
          { details: { metric: "pagerank" } },
        );
      return nodeValues(g.nodes, r);
    }
    case "components": {
      if (spec.params.strongly && graph.type !== "directed")
        throw new TfError("TF_PCQ_METRIC_INVALID", "components: strongly=true needs a directed graph", {
          details: { metric: "components" },
        });
      if (spec.params.strongly)
        return { kind: "components", components: canonicalGroups(stronglyConnectedComponents(graph)) };
      return { kind: "components", components: weakComponents(graph) };
    }
    case "k_shortest_paths": {
      const { source, target, k, weighted } = spec.params;
      for (const [name, v] of [
        ["source", source],
        ["target", target],
      ] as const)
        if (!graph.hasNode(v))
          throw new TfError(
            "TF_PCQ_METRIC_INVALID",
            `k_shortest_paths: ${name} ${JSON.stringify(v)} is not a node of the graph`,
            { details: { metric: "k_shortest_paths", [name]: v } },
          );
      // no index of the whole graph: the searches read the neighbours of the nodes they expand
      const g = new LazyNeighbours(graph);
      const paths = kShortestSimplePaths(g, g.number(source), g.number(target), k, weighted);
      return {
        kind: "paths",
        paths: paths.map((p) => ({
          nodes: p.nodes.map((i) => g.keys[i]!),
          length: pathLength(g, p.nodes, weighted),
        })),
      };
    }
    case "clustering":
      return nodeValues(nodes(), clustering(indexGraph(graph, spec.params.weighted)));
    case "triangles": {
      if (graph.type === "directed")
        throw new TfError(
          "TF_PCQ_METRIC_INVALID",
          "triangles is defined for undirected graphs only (as in NetworkX); use clustering for directed graphs",
          { details: { metric: "triangles" } },
        );
      const g = csrIndexAnyOrder(graph);
      return nodeValues(g.nodes, triangles(g));
    }
    case "louvain": {
      const rng = xoroshiro128plus(spec.params.seed);
      const mapping = louvain(graph, {
        getEdgeWeight: spec.params.weighted ? "weight" : null,
        resolution: spec.params.resolution,
        rng: () => uniformFloat64(rng),
      });
      const groups = new Map<number, string[]>();
      for (const n of nodes()) {
        const c = mapping[n]!;
        const list = groups.get(c);
        if (list) list.push(n);
        else groups.set(c, [n]);
      }
      const communities = canonicalGroups([...groups.values()]);
      return {
        kind: "partition",
        communities,
        modularity: modularity(graph, communities, spec.params.resolution, spec.params.weighted),
      };
    }
  }
}

/** Sum of edge weights along the path, in path order (as NetworkX's path_weight). */
function pathLength(g: Neighbours, path: number[], weighted: boolean): number {
  let total = 0;
  for (let i = 0; i + 1 < path.length; i++) total += edgeWeight(g, path[i]!, path[i + 1]!, weighted)!;
  return total;
}

/**
 * NetworkX closeness_centrality(G, distance="weight", wf_improved=True): incoming distances
 * for directed graphs; (r/total) * (r/(n-1)) where r nodes reach u at total distance `total`.
 */
function weightedCloseness(g: GraphIndex): Float64Array {
  const n = g.nodes.length;
  const out = new Float64Array(n);
  const dist = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    dijkstraDistances(g.in, g.inW, u, dist);
    let total = 0;
    let reached = 0;
    for (let v = 0; v < n; v++) {
      const d = dist[v]!;
      if (v !== u && d !== Number.POSITIVE_INFINITY) {
        total += d;
        reached++;
      }
    }
    out[u] = total > 0 && n > 1 ? (reached / total) * (reached / (n - 1)) : 0;
  }
  return out;
}

/** Per-node triangle counts of an undirected graph. */
function triangles(g: CsrIndex): Float64Array {
  const n = g.nodes.length;
  const { outStart, outAdj } = g;
  const buf = new Carver(n, 0, n);
  const out = buf.f64(n);
  const mark = buf.u8(n);
  for (let u = 0; u < n; u++) {
    const a = outStart[u]!;
    const b = outStart[u + 1]!;
    for (let i = a; i < b; i++) mark[outAdj[i]!] = 1;
    let count = 0;
    for (let i = a; i < b; i++) {
      const v = outAdj[i]!;
      for (let j = outStart[v]!; j < outStart[v + 1]!; j++) count += mark[outAdj[j]!]!;
    }
    for (let i = a; i < b; i++) mark[outAdj[i]!] = 0;
    out[u] = count / 2;
  }
  return out;
}

/**
 * NetworkX clustering(): undirected 2T/(d(d-1)); weighted with the geometric mean of
 * max-normalized weights (Onnela); directed after Fagiolo: T/(2(dt(dt-1) - 2 d↔)).
 * Unweighted = every normalized weight 1, so one code path serves both.
 */
function clustering(g: GraphIndex): Float64Array {
  const n = g.nodes.length;
  let maxW = 0;
  for (const ws of g.outW) for (const w of ws) if (w > maxW) maxW = w;
  if (maxW === 0) maxW = 1;
  const out = new Float64Array(n);
  if (!g.directed) {
    const markW = new Float64Array(n); // normalized w(u,k), 0 when k is not a neighbour
    for (let u = 0; u < n; u++) {
      const nb = g.out[u]!;
      const ws = g.outW[u]!;
      nb.forEach((v, j) => {
        markW[v] = ws[j]! / maxW;
      });
      let t = 0; // each triangle twice (both orders), as NetworkX's t = 2T
      nb.forEach((v, j) => {
        const wuv = ws[j]! / maxW;
        const nv = g.out[v]!;
        const wv = g.outW[v]!;
        for (let i = 0; i < nv.length; i++) {
          const k = nv[i]!;
          const wuk = markW[k]!;
          if (wuk > 0) t += Math.cbrt(wuv * (wv[i]! / maxW) * wuk);
        }
      });
      for (const v of nb) markW[v] = 0;
      const d = nb.length;
      out[u] = t === 0 ? 0 : t / (d * (d - 1));
    }
    return out;
  }
  const predW = new Float64Array(n); // normalized w(k,u)
  const succW = new Float64Array(n); // normalized w(u,k)
  for (let u = 0; u < n; u++) {
    const preds = g.in[u]!;
    const succs = g.out[u]!;
    preds.forEach((k, j) => {
      predW[k] = g.inW[u]![j]! / maxW;
    });
    succs.forEach((k, j) => {
      succW[k] = g.outW[u]![j]! / maxW;
    });
    let t = 0;
    const visit = (j: number, a: number) => {
      // k ranges over predecessors of j (edge k->j) and successors of j (edge j->k)
      const jp = g.in[j]!;
      const jpw = g.inW[j]!;
      for (let i = 0; i < jp.length; i++) {
        const k = jp[i]!;
        const wkj = jpw[i]! / maxW;
        if (predW[k]! > 0) t += Math.cbrt(a * predW[k]! * wkj);
        if (succW[k]! > 0) t += Math.cbrt(a * succW[k]! * wkj);
      }
      const js = g.out[j]!;
      const jsw = g.outW[j]!;
      for (let i = 0; i < js.length; i++) {
        const k = js[i]!;
        const wjk = jsw[i]! / maxW;
        if (predW[k]! > 0) t += Math.cbrt(a * predW[k]! * wjk);
        if (succW[k]! > 0) t += Math.cbrt(a * succW[k]! * wjk);
      }
    };
    for (const j of preds) visit(j, predW[j]!);
    for (const j of succs) visit(j, succW[j]!);
    let recip = 0;
    for (const k of succs) if (predW[k]! > 0) recip++;
    for (const k of preds) predW[k] = 0;
    for (const k of succs) succW[k] = 0;
    const dt = preds.length + succs.length;
    out[u] = t === 0 ? 0 : t / ((dt * (dt - 1) - 2 * recip) * 2);
  }
  return out;
}

/**
 * Modularity exactly as networkx.community.modularity: undirected
 * Σc L_c/m − γ (d_c/2m)²; directed (Leicht–Newman) Σc L_c/m − γ out_c·in_c/m².
 */
export function modularity(graph: Graph, communities: string[][], resolution = 1, weighted = true): number {
  const community = new Map<string, number>();
  communities.forEach((c, i) => {
    for (const n of c) community.set(n, i);
  });
  const directed = graph.type === "directed";
  const k = communities.length;
  const inside = new Float64Array(k);
  const outSum = new Float64Array(k);
  const inSum = new Float64Array(k);
  let m = 0;
  graph.forEachEdge((_e, attr, s, t) => {
    const w = weighted ? (attr.weight as number) : 1;
    const cs = community.get(s);
    const ct = community.get(t);
    if (cs === undefined || ct === undefined)
      throw new TfError("TF_PCQ_METRIC_INVALID", "modularity: the partition does not cover every node", {
        details: { node: cs === undefined ? s : t },
      });
    m += w;
    if (cs === ct) inside[cs] = inside[cs]! + w;
    outSum[cs] = outSum[cs]! + w;
    inSum[ct] = inSum[ct]! + w;
    if (!directed) {
      outSum[ct] = outSum[ct]! + w;
      inSum[cs] = inSum[cs]! + w;
    }
  });
  if (m === 0) return 0;
  let q = 0;
  for (let c = 0; c < k; c++) {
    const norm = directed ? m * m : 4 * m * m;
    q += inside[c]! / m - (resolution * outSum[c]! * inSum[c]!) / norm;
  }
  return q;
}
