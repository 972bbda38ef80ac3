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
 * Scratch typed arrays reused across calls (decisions are synchronous and never re-enter), so a
 * request allocates no large buffers: allocating and zeroing ~10 arrays per graph cost more than
 * the algorithms. Buffers above POOL_LIMIT elements are allocated per call, so a huge graph does
 * not pin its memory.
 */
const POOL_LIMIT = 1 << 21;
const pool: Int32Array[] = [];
function scratch(slot: number, size: number): Int32Array {
  if (size > POOL_LIMIT) return new Int32Array(size);
  let b = pool[slot];
  if (b === undefined || b.length < size) {
    b = new Int32Array(Math.min(POOL_LIMIT, Math.max(size, 2 * (b?.length ?? 0), 1024)));
    pool[slot] = b;
  }
  return b;
}
// Scratch slots.
const S_DIRECT = 0;
const S_STAMP = 1;
const S_SRC = 2;
const S_DST = 3;
const S_PARENT = 4;
const S_SIZE = 5;
const S_OFFSETS = 6;
const S_ADJ = 7;
const S_MARK = 8;
const S_SEEDS = 9;
const S_QUEUE = 10;
/** Generation of the direct-id table: an entry is valid only when its stamp equals it. */
let generation = 0;

/**
 * Computes the requested metrics of a planned subgraph. Throws TF_LAC_REQUEST_INVALID naming the
 * first malformed edge (or seed) index. Node ids are non-empty strings or integers; 1 and "1"
 * are different nodes.
 *
 * One pass over the edges interns ids (integer ids in 0..4·E by direct indexing with a
 * generation stamp, any other id through a Map), counts degrees for the CSR and, when the
 * component size is wanted, unites endpoints (union-find, path halving, union by size).
 */
export function graphMetrics(graph: GraphInput, wanted: ReadonlySet<GraphMetric>): GraphMetrics {
  checkGraphShape(graph);
  const edges = graph.edges as readonly unknown[];
  const seedsIn = graph.seeds as readonly unknown[] | undefined;
  const m = edges.length;
  const nSeeds = seedsIn === undefined ? 0 : seedsIn.length;
  const bound = 2 * m + nSeeds; // most nodes there can be
  const wantComponents = wanted.has("componentSize");
  const wantDegrees = wanted.has("maxDegree") || wanted.has("edgeCount");
  const wantPath = wanted.has("pathLength") && nSeeds > 0;
  const wantCsr = wantDegrees || wantPath;

  const directSize = 4 * m + 1024;
  const direct = scratch(S_DIRECT, directSize);
  const stamp = scratch(S_STAMP, directSize);
  // A buffer above POOL_LIMIT is fresh (all zero): generation 1 marks it. The pooled one
  // advances the shared generation, clearing the stamps when it would overflow.
  let gen = 1;
  if (directSize <= POOL_LIMIT) {
    if (++generation > 0x7ffffff0) {
      stamp.fill(0);
      generation = 1;
    }
    gen = generation;
  }
  let map: Map<NodeId, number> | undefined;
  let count = 0;
  const src = scratch(S_SRC, m);
  const dst = scratch(S_DST, m);
  const parent = wantComponents ? scratch(S_PARENT, bound) : undefined;
  const size = wantComponents ? scratch(S_SIZE, bound) : undefined;
  // degree counts at offsets[id + 1]; zeroed as ids are created
  const offsets = wantCsr ? scratch(S_OFFSETS, bound + 1) : undefined;
  if (offsets !== undefined) offsets[0] = 0;
  let best = 0;

  const intern = (v: NodeId): number => {
    let x: number;
    if (typeof v === "number" && v >= 0 && v < directSize) {
      if (stamp[v] === gen) return direct[v]!;
      stamp[v] = gen;
      x = count++;
      direct[v] = x;
    } else {
      if (map === undefined) map = new Map();
      const got = map.get(v);
      if (got !== undefined) return got;
      x = count++;
      map.set(v, x);
    }
    if (parent !== undefined) {
      parent[x] = x;
      size![x] = 1;
    }
    if (offsets !== undefined) offsets[x + 1] = 0;
    return x;
  };
  for (let i = 0; i < m; i++) {
    const e = edges[i] as unknown[];
    if (!Array.isArray(e) || e.length !== 2 || !isId(e[0]) || !isId(e[1]))
      throw bad(
        `request.graph.edges[${i}] must be a pair [u, v] of node ids (non-empty strings or integers); found ${short(e)}`,
        { edge: i },
      );
    const a = intern(e[0]);
    const b = intern(e[1]);
    src[i] = a;
    dst[i] = b;
    if (a === b) continue;
    if (offsets !== undefined) {
      offsets[a + 1]!++;
      offsets[b + 1]!++;
    }
    if (parent !== undefined) {
      let ra = a;
      while (parent[ra] !== ra) {
        const gp = parent[parent[ra]!]!;
        parent[ra] = gp;
        ra = gp;
      }
      let rb = b;
      while (parent[rb] !== rb) {
        const gp = parent[parent[rb]!]!;
        parent[rb] = gp;
        rb = gp;
      }
      if (ra !== rb) {
        if (size![ra]! < size![rb]!) {
          const t = ra;
          ra = rb;
          rb = t;
        }
        parent[rb] = ra;
        const s = size![ra]! + size![rb]!;
        size![ra] = s;
        if (s > best) best = s;
      }
    }
  }
  let seeds: Int32Array | undefined;
  if (seedsIn !== undefined) {
    seeds = scratch(S_SEEDS, nSeeds);
    for (let i = 0; i < nSeeds; i++) {
      const s = seedsIn[i];
      if (!isId(s))
        throw bad(
          `request.graph.seeds[${i}] must be a node id (a non-empty string or an integer); found ${short(s)}`,
          { seed: i },
        );
      seeds[i] = intern(s);
    }
  }
  const n = count;
  const out: GraphMetrics = {};
  if (wanted.has("nodeCount")) out.nodeCount = n;
  if (wantComponents) out.componentSize = n === 0 ? 0 : Math.max(best, 1);
  if (offsets !== undefined) {
    for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
    const adj = scratch(S_ADJ, offsets[n]!);
    const fill = scratch(S_MARK, n);
    fill.set(offsets.subarray(0, n));
    for (let i = 0; i < m; i++) {
      const a = src[i]!;
      const b = dst[i]!;
      if (a === b) continue;
      adj[fill[a]!++] = b;
      adj[fill[b]!++] = a;
    }
    const csr = { offsets, adj };
    if (wantDegrees) {
      const { maxDegree, edgeCount } = distinctDegrees(n, csr);
      if (wanted.has("maxDegree")) out.maxDegree = maxDegree;
      if (wanted.has("edgeCount")) out.edgeCount = edgeCount;
    }
    if (wantPath) out.pathLength = eccentricity(n, csr, seeds!, nSeeds);
  }
  if (wanted.has("pathLength") && !wantPath) out.pathLength = undefined;
  return out;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

interface Csr {
  offsets: Int32Array;
  adj: Int32Array;
}

/** Distinct-neighbour degrees with a stamp array (no sorting); edges = sum / 2. */
function distinctDegrees(n: number, { offsets, adj }: Csr): { maxDegree: number; edgeCount: number } {
  const stamp = scratch(S_MARK, n).fill(-1, 0, n);
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
function eccentricity(n: number, { offsets, adj }: Csr, seeds: Int32Array, nSeeds: number): number {
  const dist = scratch(S_MARK, n).fill(-1, 0, n);
  const queue = scratch(S_QUEUE, n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < nSeeds; i++) {
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
