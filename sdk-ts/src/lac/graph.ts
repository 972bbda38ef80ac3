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
const S_STAMP2 = 11;
/** Generation of the direct-id table: an entry is valid only when its stamp equals it. */
let generation = 0;

/**
 * Computes the requested metrics of a planned subgraph. Throws TF_LAC_REQUEST_INVALID naming the
 * first malformed edge (or seed) index. Node ids are non-empty strings or integers; 1 and "1"
 * are different nodes.
 *
 * Passes over compact arrays, each a tight loop: the edges are read once to intern their ids
 * (integer ids in 0..4·E by direct indexing with a generation stamp, inline; any other id through
 * a Map) into endpoint arrays; then, only for the metrics wanted, union-find (path halving, union
 * by size) for the component size, and a CSR adjacency for degrees and seed distances.
 */
export function graphMetrics(graph: GraphInput, wanted: ReadonlySet<GraphMetric>): GraphMetrics {
  checkGraphShape(graph);
  const edges = graph.edges as readonly unknown[];
  const seedsIn = graph.seeds as readonly unknown[] | undefined;
  const m = edges.length;
  const nSeeds = seedsIn === undefined ? 0 : seedsIn.length;
  const wantComponents = wanted.has("componentSize");
  const wantDegrees = wanted.has("maxDegree") || wanted.has("edgeCount");
  const wantPath = wanted.has("pathLength") && nSeeds > 0;

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
  /** The compact index of a node id; -1 when it is not an id. */
  const intern = (v: unknown): number => {
    // the common case first: an integer id small enough to index the direct table
    if (typeof v === "number" && v >= 0 && v < directSize && (v | 0) === v) {
      if (stamp[v] === gen) return direct[v]!;
      stamp[v] = gen;
      direct[v] = count;
      return count++;
    }
    if (!isId(v)) return -1;
    map ??= new Map();
    let x = map.get(v);
    if (x === undefined) {
      x = count++;
      map.set(v, x);
    }
    return x;
  };
  const src = scratch(S_SRC, m);
  const dst = scratch(S_DST, m);
  for (let i = 0; i < m; i++) {
    const e = edges[i] as unknown[];
    if (!Array.isArray(e) || e.length !== 2) throw badEdge(i, e);
    const u = e[0];
    const v = e[1];
    const a = intern(u);
    const b = intern(v);
    if (a < 0 || b < 0) throw badEdge(i, e);
    src[i] = a;
    dst[i] = b;
  }
  let seeds: Int32Array | undefined;
  if (seedsIn !== undefined) {
    seeds = scratch(S_SEEDS, nSeeds);
    for (let i = 0; i < nSeeds; i++) {
      const s = seedsIn[i];
      const x = intern(s);
      if (x < 0)
        throw bad(
          `request.graph.seeds[${i}] must be a node id (a non-empty string or an integer); found ${short(s)}`,
          { seed: i },
        );
      seeds[i] = x;
    }
  }
  const n = count;
  const out: GraphMetrics = {};
  if (wanted.has("nodeCount")) out.nodeCount = n;
  if (wantComponents) out.componentSize = largestComponent(n, m, src, dst);
  if (wantDegrees || wantPath) {
    const csr = adjacency(n, m, src, dst);
    let degrees: { maxDegree: number; edgeCount: number } | undefined;
    if (wantPath) {
      const r = eccentricity(n, csr, seeds!, nSeeds, wantDegrees);
      out.pathLength = r.eccentricity;
      degrees = r.degrees;
    } else degrees = distinctDegrees(n, csr);
    if (wanted.has("maxDegree")) out.maxDegree = degrees?.maxDegree;
    if (wanted.has("edgeCount")) out.edgeCount = degrees?.edgeCount;
  }
  if (wanted.has("pathLength") && !wantPath) out.pathLength = undefined;
  return out;
}

const badEdge = (i: number, e: unknown): TfError =>
  bad(
    `request.graph.edges[${i}] must be a pair [u, v] of node ids (non-empty strings or integers); found ${short(e)}`,
    { edge: i },
  );

/** Nodes in the largest connected component: union-find, path halving, union by size. */
function largestComponent(n: number, m: number, src: Int32Array, dst: Int32Array): number {
  if (n === 0) return 0;
  const parent = scratch(S_PARENT, n);
  const size = scratch(S_SIZE, n).fill(1, 0, n);
  for (let x = 0; x < n; x++) parent[x] = x;
  let best = 1;
  for (let i = 0; i < m; i++) {
    let ra = src[i]!;
    while (parent[ra] !== ra) {
      const gp = parent[parent[ra]!]!;
      parent[ra] = gp;
      ra = gp;
    }
    let rb = dst[i]!;
    while (parent[rb] !== rb) {
      const gp = parent[parent[rb]!]!;
      parent[rb] = gp;
      rb = gp;
    }
    if (ra !== rb) {
      if (size[ra]! < size[rb]!) {
        const t = ra;
        ra = rb;
        rb = t;
      }
      parent[rb] = ra;
      const s = size[ra]! + size[rb]!;
      size[ra] = s;
      if (s > best) best = s;
    }
  }
  return best;
}

/** CSR adjacency of the undirected graph, self-loops left out (duplicates kept). */
function adjacency(n: number, m: number, src: Int32Array, dst: Int32Array): Csr {
  const offsets = scratch(S_OFFSETS, n + 1).fill(0, 0, n + 1);
  for (let i = 0; i < m; i++) {
    const a = src[i]!;
    const b = dst[i]!;
    const notLoop = a === b ? 0 : 1;
    offsets[a + 1]! += notLoop;
    offsets[b + 1]! += notLoop;
  }
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
  return { offsets, adj };
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

interface Csr {
  offsets: Int32Array;
  adj: Int32Array;
}

/**
 * Distinct-neighbour degrees with a stamp array (no sorting); edges = sum / 2. Branch-free inner
 * loop: whether a neighbour is new is data, not control flow (random graphs mispredict it).
 * `skip` (when given) marks nodes already counted (dist ≥ 0 after eccentricity): only the others
 * are counted, and `from` carries what was counted for them.
 */
function distinctDegrees(
  n: number,
  { offsets, adj }: Csr,
  skip?: Int32Array,
  from = { maxDegree: 0, total: 0 },
): { maxDegree: number; edgeCount: number } {
  const stamp = scratch(S_STAMP2, n).fill(-1, 0, n);
  let { maxDegree, total } = from;
  for (let v = 0; v < n; v++) {
    if (skip !== undefined && skip[v]! >= 0) continue;
    let d = 0;
    const end = offsets[v + 1]!;
    for (let j = offsets[v]!; j < end; j++) {
      const w = adj[j]!;
      const x = stamp[w]! ^ v;
      d += (x | -x) >>> 31; // 1 unless w was already counted for v
      stamp[w] = v;
    }
    total += d;
    if (d > maxDegree) maxDegree = d;
  }
  return { maxDegree, edgeCount: total / 2 };
}

/**
 * Multi-source BFS from the seeds: the largest distance to any node they reach (that of the last
 * node queued, as BFS queues nodes by distance). Branch-free inner loop: an unseen neighbour
 * (dist −1) gets its distance and is queued by arithmetic on the sign bit. With `degrees`, the
 * same loop counts each reached node's distinct neighbours (one pass over their lists, not two),
 * and the nodes it does not reach are counted after.
 */
function eccentricity(
  n: number,
  csr: Csr,
  seeds: Int32Array,
  nSeeds: number,
  degrees: boolean,
): { eccentricity: number; degrees?: { maxDegree: number; edgeCount: number } } {
  const { offsets, adj } = csr;
  const dist = scratch(S_MARK, n).fill(-1, 0, n);
  const queue = scratch(S_QUEUE, n + 1); // one slot past the last node: the loop writes before it counts
  let head = 0;
  let tail = 0;
  for (let i = 0; i < nSeeds; i++) {
    const s = seeds[i]!;
    if (dist[s] === -1) {
      dist[s] = 0;
      queue[tail++] = s;
    }
  }
  if (!degrees) {
    while (head < tail) {
      const v = queue[head++]!;
      const dv = dist[v]! + 1;
      const end = offsets[v + 1]!;
      for (let j = offsets[v]!; j < end; j++) {
        const w = adj[j]!;
        const d = dist[w]!;
        const unseen = d >>> 31; // 1 when d is -1
        dist[w] = d + ((dv - d) & -unseen);
        queue[tail] = w;
        tail += unseen;
      }
    }
    return { eccentricity: tail === 0 ? 0 : dist[queue[tail - 1]!]! };
  }
  const stamp = scratch(S_STAMP2, n).fill(-1, 0, n);
  let maxDegree = 0;
  let total = 0;
  while (head < tail) {
    const v = queue[head++]!;
    const dv = dist[v]! + 1;
    const end = offsets[v + 1]!;
    let deg = 0;
    for (let j = offsets[v]!; j < end; j++) {
      const w = adj[j]!;
      const d = dist[w]!;
      const unseen = d >>> 31;
      dist[w] = d + ((dv - d) & -unseen);
      queue[tail] = w;
      tail += unseen;
      const x = stamp[w]! ^ v;
      deg += (x | -x) >>> 31;
      stamp[w] = v;
    }
    total += deg;
    if (deg > maxDegree) maxDegree = deg;
  }
  const eccentricityValue = tail === 0 ? 0 : dist[queue[tail - 1]!]!;
  const counted =
    tail === n ? { maxDegree, edgeCount: total / 2 } : distinctDegrees(n, csr, dist, { maxDegree, total });
  return { eccentricity: eccentricityValue, degrees: counted };
}
