/**
 * Graph-aware constraints: the metrics of a query's planned subgraph, as built-in number
 * attributes (`graph.componentSize`, …). The graph is read as a simple undirected graph over
 * compact typed arrays (node interning, CSR adjacency, union-find, multi-source BFS), once per
 * request and only for the metrics some rule tests.
 */
import { TfError } from "../core/errors.js";

/** The planned subgraph a request may carry: `graph: {edges: [[u, v], …], seeds: [...]}`. */
export interface GraphInput {
  edges: readonly (readonly [NodeId, NodeId])[] | readonly unknown[];
  seeds?: readonly NodeId[] | readonly unknown[];
}
export type NodeId = string | number;

export const GRAPH_METRICS = ["componentSize", "pathLength", "maxDegree", "nodeCount", "edgeCount"] as const;
export type GraphMetric = (typeof GRAPH_METRICS)[number];

/** The built-in attributes and what they mean (typed number; usable without a schema entry). */
export const GRAPH_ATTRIBUTES: Readonly<Record<`graph.${GraphMetric}`, string>> = {
  "graph.componentSize": "nodes in the largest connected component of the planned subgraph",
  "graph.pathLength": "longest hop distance from the seed set to a node reachable from it",
  "graph.maxDegree": "largest number of distinct neighbours of one node",
  "graph.nodeCount": "distinct nodes (edge endpoints and seeds)",
  "graph.edgeCount": "distinct undirected edges (self-loops excluded)",
};

export const isGraphAttribute = (name: string): boolean => Object.hasOwn(GRAPH_ATTRIBUTES, name);

/** Largest accepted planned subgraph (edges), so a request cannot make a decision unbounded. */
export const MAX_GRAPH_EDGES = 5_000_000;

export type GraphMetrics = Partial<Record<GraphMetric, number | undefined>>;

const bad = (message: string, details: Record<string, unknown>): TfError =>
  new TfError("TF_LAC_REQUEST_INVALID", message, { details: { attribute: "graph", ...details } });

/** Checks the cheap outer shape of request.graph (the edges themselves are read lazily). */
export function checkGraphShape(g: unknown): void {
  if (g === null || typeof g !== "object" || Array.isArray(g))
    throw bad("request.graph must be an object {edges: [[u, v], ...], seeds: [...]}", {});
  for (const k of Object.keys(g))
    if (k !== "edges" && k !== "seeds")
      throw bad(`Unknown field ${JSON.stringify(k)} in request.graph (expected edges, seeds)`, { field: k });
  const { edges, seeds } = g as { edges?: unknown; seeds?: unknown };
  if (!Array.isArray(edges)) throw bad("request.graph.edges must be a list of [u, v] pairs", {});
  if (edges.length > MAX_GRAPH_EDGES)
    throw bad(`request.graph has ${edges.length} edges; the limit is ${MAX_GRAPH_EDGES}`, {});
  if (seeds !== undefined && !Array.isArray(seeds))
    throw bad("request.graph.seeds must be a list of node ids", {});
}

const isId = (v: unknown): v is NodeId =>
  (typeof v === "string" && v.length > 0) || (typeof v === "number" && Number.isSafeInteger(v));

/**
 * Dense node numbering: integer ids in 0..4·E (the usual planner output) by direct indexing,
 * any other id through a Map. One pass, no hashing in the common case.
 */
class Interner {
  count = 0;
  private readonly direct: Int32Array;
  private readonly map = new Map<NodeId, number>();

  constructor(edges: number) {
    this.direct = new Int32Array(4 * edges + 1024).fill(-1);
  }

  id(v: NodeId): number {
    const d = this.direct;
    if (typeof v === "number" && v >= 0 && v < d.length) {
      let x = d[v]!;
      if (x < 0) {
        x = this.count++;
        d[v] = x;
      }
      return x;
    }
    let x = this.map.get(v);
    if (x === undefined) {
      x = this.count++;
      this.map.set(v, x);
    }
    return x;
  }
}

/**
 * Computes the requested metrics of a planned subgraph. Throws TF_LAC_REQUEST_INVALID naming the
 * first malformed edge (or seed) index. Node ids are non-empty strings or integers; 1 and "1"
 * are different nodes.
 */
export function graphMetrics(graph: GraphInput, wanted: ReadonlySet<GraphMetric>): GraphMetrics {
  checkGraphShape(graph);
  const edges = graph.edges as readonly unknown[];
  const seedsIn = graph.seeds as readonly unknown[] | undefined;
  const m = edges.length;
  const interner = new Interner(m);
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const e = edges[i] as unknown[];
    if (!Array.isArray(e) || e.length !== 2 || !isId(e[0]) || !isId(e[1]))
      throw bad(
        `request.graph.edges[${i}] must be a pair [u, v] of node ids (non-empty strings or integers); found ${short(e)}`,
        { edge: i },
      );
    src[i] = interner.id(e[0]);
    dst[i] = interner.id(e[1]);
  }
  let seeds: Int32Array | undefined;
  if (seedsIn !== undefined) {
    seeds = new Int32Array(seedsIn.length);
    for (let i = 0; i < seedsIn.length; i++) {
      const s = seedsIn[i];
      if (!isId(s))
        throw bad(
          `request.graph.seeds[${i}] must be a node id (a non-empty string or an integer); found ${short(s)}`,
          { seed: i },
        );
      seeds[i] = interner.id(s);
    }
  }
  const n = interner.count;
  const out: GraphMetrics = {};
  if (wanted.has("nodeCount")) out.nodeCount = n;
  if (wanted.has("componentSize")) out.componentSize = largestComponent(n, src, dst);
  if (wanted.has("maxDegree") || wanted.has("edgeCount") || wanted.has("pathLength")) {
    const csr = buildCsr(n, src, dst);
    if (wanted.has("maxDegree") || wanted.has("edgeCount")) {
      const { maxDegree, edgeCount } = distinctDegrees(n, csr);
      if (wanted.has("maxDegree")) out.maxDegree = maxDegree;
      if (wanted.has("edgeCount")) out.edgeCount = edgeCount;
    }
    if (wanted.has("pathLength"))
      out.pathLength = seeds && seeds.length > 0 ? eccentricity(n, csr, seeds) : undefined;
  }
  return out;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Union-find with path halving and union by size; returns the largest set's size. */
function largestComponent(n: number, src: Int32Array, dst: Int32Array): number {
  if (n === 0) return 0;
  const parent = new Int32Array(n);
  const size = new Int32Array(n).fill(1);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      const gp = parent[parent[x]!]!;
      parent[x] = gp;
      x = gp;
    }
    return x;
  };
  let best = 1;
  for (let i = 0; i < src.length; i++) {
    let a = find(src[i]!);
    let b = find(dst[i]!);
    if (a === b) continue;
    if (size[a]! < size[b]!) [a, b] = [b, a];
    parent[b] = a;
    const s = size[a]! + size[b]!;
    size[a] = s;
    if (s > best) best = s;
  }
  return best;
}

interface Csr {
  offsets: Int32Array;
  adj: Int32Array;
}

/** Compressed sparse rows of the undirected graph (both directions; self-loops left out). */
function buildCsr(n: number, src: Int32Array, dst: Int32Array): Csr {
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < src.length; i++) {
    const a = src[i]!;
    const b = dst[i]!;
    if (a === b) continue;
    offsets[a + 1]!++;
    offsets[b + 1]!++;
  }
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const adj = new Int32Array(offsets[n]!);
  const fill = offsets.slice(0, n);
  for (let i = 0; i < src.length; i++) {
    const a = src[i]!;
    const b = dst[i]!;
    if (a === b) continue;
    adj[fill[a]!++] = b;
    adj[fill[b]!++] = a;
  }
  return { offsets, adj };
}

/** Distinct-neighbour degrees with a stamp array (no sorting); edges = sum / 2. */
function distinctDegrees(n: number, { offsets, adj }: Csr): { maxDegree: number; edgeCount: number } {
  const stamp = new Int32Array(n).fill(-1);
  let maxDegree = 0;
  let total = 0;
  for (let v = 0; v < n; v++) {
    let d = 0;
    for (let j = offsets[v]!; j < offsets[v + 1]!; j++) {
      const w = adj[j]!;
      if (stamp[w] !== v) {
        stamp[w] = v;
        d++;
      }
    }
    total += d;
    if (d > maxDegree) maxDegree = d;
  }
  return { maxDegree, edgeCount: total / 2 };
}

/** Multi-source BFS from the seeds: the largest distance to any node they reach. */
function eccentricity(n: number, { offsets, adj }: Csr, seeds: Int32Array): number {
  const dist = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < seeds.length; i++) {
    const s = seeds[i]!;
    if (dist[s] === -1) {
      dist[s] = 0;
      queue[tail++] = s;
    }
  }
  let far = 0;
  while (head < tail) {
    const v = queue[head++]!;
    const dv = dist[v]! + 1;
    for (let j = offsets[v]!; j < offsets[v + 1]!; j++) {
      const w = adj[j]!;
      if (dist[w] === -1) {
        dist[w] = dv;
        if (dv > far) far = dv;
        queue[tail++] = w;
      }
    }
  }
  return far;
}
