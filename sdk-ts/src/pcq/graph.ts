/**
 * Edge lists in, graphology graphs out. PCQ graphs are simple graphs: no self-loops, no
 * duplicate edges, strictly positive finite weights. Node order is the order of first
 * appearance in the edge list, which is also the order NetworkX sees (goldens rely on it).
 */
import { DirectedGraph, UndirectedGraph } from "graphology";
import type { AbstractGraph } from "graphology-types";
import { TfError } from "../core/errors.js";
import { Carver, withScratch } from "./buffers.js";

/** A graphology graph (the type from graphology-types). */
export type Graph = AbstractGraph;

/**
 * graphology's add-on packages are CommonJS with `export default` typings: depending on the
 * loader the default import is the function itself or `{ default: fn }`. Normalize once.
 */
export function cjsDefault<T>(mod: T): T extends { default: infer D } ? D : T {
  const m = mod as { default?: unknown };
  return (typeof m === "function" || m.default === undefined ? mod : m.default) as never;
}

export interface EdgeRow {
  source: string;
  target: string;
  /** 1 when the CSV has no weight column. */
  weight: number;
}

export interface BuildGraphOptions {
  directed: boolean;
  /** When false, every edge weighs 1 whatever the rows say. */
  weighted: boolean;
}

const invalid = (msg: string, details: Record<string, unknown>) =>
  new TfError("TF_PCQ_DATASET_INVALID", msg, { details });

/** Splits one CSV record (RFC 4180 quoting, no embedded newlines). */
function splitCsvLine(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return null; // unterminated quote
        const c = line[i]!;
        if (c === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += c;
        i++;
      }
      if (i < line.length && line[i] !== ",") return null;
    } else {
      const j = line.indexOf(",", i);
      const end = j === -1 ? line.length : j;
      field = line.slice(i, end);
      if (field.includes('"')) return null;
      i = end;
    }
    out.push(field);
    if (i >= line.length) return out;
    i++; // skip the comma
  }
}

/**
 * Parses an edge list: header `source,target` or `source,target,weight`, one edge a line.
 * Blank lines are skipped; CRLF is accepted. Errors name `file:line`.
 */
export function parseEdgeCsv(text: string, file = "edges.csv"): EdgeRow[] {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  let header: string[] | null = null;
  let headerLine = 0;
  const rows: EdgeRow[] = [];
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!.endsWith("\r") ? lines[n]!.slice(0, -1) : lines[n]!;
    if (raw.trim() === "") continue;
    const where = `${file}:${n + 1}`;
    const fields = splitCsvLine(raw);
    if (!fields) throw invalid(`${where}: malformed CSV quoting`, { file, line: n + 1 });
    if (!header) {
      const h = fields.map((f) => f.trim().toLowerCase());
      const ok =
        (h.length === 2 || h.length === 3) &&
        h[0] === "source" &&
        h[1] === "target" &&
        (h.length === 2 || h[2] === "weight");
      if (!ok)
        throw invalid(
          `${where}: the header must be "source,target" or "source,target,weight", found ${JSON.stringify(raw)}`,
          { file, line: n + 1 },
        );
      header = h;
      headerLine = n + 1;
      continue;
    }
    if (fields.length !== header.length)
      throw invalid(`${where}: expected ${header.length} fields, found ${fields.length}`, {
        file,
        line: n + 1,
      });
    const source = fields[0]!.trim();
    const target = fields[1]!.trim();
    if (source === "" || target === "") throw invalid(`${where}: empty node id`, { file, line: n + 1 });
    let weight = 1;
    if (header.length === 3) {
      const w = fields[2]!.trim();
      weight = w === "" ? Number.NaN : Number(w);
      if (!Number.isFinite(weight))
        throw invalid(`${where}: weight ${JSON.stringify(w)} is not a finite number`, {
          file,
          line: n + 1,
        });
      if (weight <= 0) throw invalid(`${where}: weight ${w} must be greater than 0`, { file, line: n + 1 });
    }
    rows.push({ source, target, weight });
  }
  if (!header) throw invalid(`${file}: the file is empty (no header)`, { file });
  if (rows.length === 0) throw invalid(`${file}: no edges after the header (line ${headerLine})`, { file });
  return rows;
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) || s.trim() !== s ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The canonical edge-list text: header `source,target,weight`, LF line ends, shortest round-trip numbers. */
export function formatEdgeCsv(rows: readonly EdgeRow[]): string {
  let out = "source,target,weight\n";
  for (const r of rows) out += `${csvField(r.source)},${csvField(r.target)},${String(r.weight)}\n`;
  return out;
}

/**
 * Builds a graphology graph (simple, no self-loops). Duplicate edges (for undirected graphs,
 * a,b and b,a too) and self-loops are rejected rather than silently merged, so NetworkX and
 * graphology see exactly the same graph.
 */
export function buildGraph(rows: readonly EdgeRow[], opts: BuildGraphOptions): Graph {
  const Ctor = opts.directed ? DirectedGraph : UndirectedGraph;
  const graph: Graph = new Ctor({ multi: false, allowSelfLoops: false });
  graph.setAttribute("weighted", opts.weighted);
  rows.forEach((r, i) => {
    if (r.source === r.target)
      throw invalid(`row ${i + 1}: self-loop on ${JSON.stringify(r.source)} (PCQ graphs are simple)`, {
        row: i + 1,
      });
    if (opts.weighted && !(Number.isFinite(r.weight) && r.weight > 0))
      throw invalid(`row ${i + 1}: weight must be a finite number greater than 0`, { row: i + 1 });
    graph.mergeNode(r.source);
    graph.mergeNode(r.target);
    if (graph.hasEdge(r.source, r.target))
      throw invalid(
        `row ${i + 1}: duplicate edge ${JSON.stringify(r.source)} ${opts.directed ? "->" : "--"} ${JSON.stringify(r.target)}`,
        { row: i + 1 },
      );
    graph.addEdge(r.source, r.target, { weight: opts.weighted ? r.weight : 1 });
  });
  return graph;
}

/** True when the graph was built weighted (buildGraph records it). */
export function isWeighted(graph: Graph): boolean {
  return graph.getAttribute("weighted") === true;
}

/**
 * A compact adjacency index (node order = graph order) for the algorithms graphology lacks.
 * For undirected graphs `out` and `in` are the same neighbour lists.
 */
export interface GraphIndex {
  nodes: string[];
  index: Map<string, number>;
  directed: boolean;
  out: number[][];
  outW: number[][];
  in: number[][];
  inW: number[][];
}

export function indexGraph(graph: Graph, weighted: boolean): GraphIndex {
  const nodes = graph.nodes();
  const index = new Map<string, number>();
  nodes.forEach((n, i) => {
    index.set(n, i);
  });
  const out: number[][] = nodes.map(() => []);
  const outW: number[][] = nodes.map(() => []);
  const directed = graph.type === "directed";
  const inn: number[][] = directed ? nodes.map(() => []) : out;
  const inW: number[][] = directed ? nodes.map(() => []) : outW;
  graph.forEachEdge((_e, attr, s, t) => {
    const a = index.get(s)!;
    const b = index.get(t)!;
    const w = weighted ? (attr.weight as number) : 1;
    out[a]!.push(b);
    outW[a]!.push(w);
    if (directed) {
      inn[b]!.push(a);
      inW[b]!.push(w);
    } else {
      out[b]!.push(a);
      outW[b]!.push(w);
    }
  });
  return { nodes, index, directed, out, outW, in: inn, inW };
}

/**
 * A compressed-sparse-row index of a graph (node order = graph order, each node's neighbours
 * in graphology's adjacency order): the hot loops of PageRank, components, degree,
 * k shortest paths, clustering and triangles walk these typed arrays instead of graphology's
 * attribute maps. For undirected graphs the `in*` arrays are the `out*` arrays. `w` holds
 * the `weight` attribute (1 when absent); unweighted metrics ignore it.
 */
export interface CsrIndex {
  nodes: string[];
  /** Node id → node number (built on first use). */
  index: Map<string, number>;
  directed: boolean;
  /** Neighbours of v: outAdj[outStart[v] .. outStart[v + 1]). */
  outStart: Int32Array;
  outAdj: Int32Array;
  outW: Float64Array;
  inStart: Int32Array;
  inAdj: Int32Array;
  inW: Float64Array;
}

/** The indexes cached for one graph: `keyed` in graphology's order, `any` in any order. */
interface CsrEntry {
  keyed?: CsrIndex;
  any?: CsrIndex;
}
const csrCache = new WeakMap<Graph, CsrEntry>();
const csrWatched = new WeakSet<Graph>();
const csrInvalidatingEvents = [
  "nodeAdded",
  "nodeDropped",
  "edgeAdded",
  "edgeDropped",
  "cleared",
  "edgesCleared",
  "edgeAttributesUpdated",
  "eachEdgeAttributesUpdated",
] as const;

function csrEntry(graph: Graph): CsrEntry {
  let entry = csrCache.get(graph);
  if (entry) return entry;
  if (!csrWatched.has(graph)) {
    csrWatched.add(graph);
    const drop = () => {
      csrCache.delete(graph);
    };
    for (const ev of csrInvalidatingEvents) graph.on(ev, drop);
  }
  entry = {};
  csrCache.set(graph, entry);
  return entry;
}

/** Directed or undirected, not multi, no self-loops: what buildGraph makes. */
export const isSimpleGraph = (graph: Graph): boolean =>
  (graph.type === "directed" || graph.type === "undirected") && !graph.multi && graph.selfLoopCount === 0;

/**
 * The CSR index of `graph`, each node's neighbours in graphology's own adjacency order (the
 * order graph.forEachOutboundEdge(node) visits them): the order graphology-metrics' PageRank
 * sums weighted degrees in and the order k-shortest-paths' searches break ties in. Built once
 * and cached on the graph (WeakMap) so that several metrics over the same graph share it. Any
 * structural change or edge-attribute update to the graph drops the cached index (graphology
 * emits an event for each), so it never goes stale.
 *
 * Walking graphology's per-node adjacency objects costs ~150 ns a neighbour (for-in over
 * objects whose keys are mostly integer-like node ids), so simple graphs (isSimpleGraph) are
 * indexed from the edge list instead (csrIndexAnyOrder) and the adjacency order rebuilt from
 * the rule JavaScript objects follow for their keys: array-index keys ("0" … "4294967294")
 * first in ascending numeric order, then every other key in insertion order, i.e. the order
 * the edges were added (graphology's edge map keeps it too). Other graphs take the walk.
 */
export function csrIndex(graph: Graph): CsrIndex {
  const entry = csrEntry(graph);
  if (entry.keyed) return entry.keyed;
  if (!isSimpleGraph(graph)) entry.keyed = entry.any = buildCsrByAdjacency(graph);
  else {
    entry.any ??= buildCsrInEdgeOrder(graph);
    entry.keyed = inObjectKeyOrder(entry.any);
  }
  return entry.keyed;
}

/**
 * A CSR index of `graph` whose neighbour lists are in no promised order (edge order when built
 * for this call, graphology's when csrIndex already built that): for metrics whose result does
 * not depend on the order neighbours are visited in (degree, components, triangles, unweighted
 * PageRank). Skips csrIndex's reordering pass; cached and dropped like csrIndex.
 */
export function csrIndexAnyOrder(graph: Graph): CsrIndex {
  const entry = csrEntry(graph);
  if (entry.keyed) return entry.keyed;
  if (!entry.any) {
    if (isSimpleGraph(graph)) entry.any = buildCsrInEdgeOrder(graph);
    else entry.keyed = entry.any = buildCsrByAdjacency(graph);
  }
  return entry.any;
}

export const edgeWeightOf = (attr: Record<string, unknown>): number => {
  const w = attr.weight;
  return typeof w === "number" && !Number.isNaN(w) ? w : 1; // graphology's own coercion
};

/** The adjacency walk: exact for every graph graphology can hold; the reference for buildCsrFromEdges. */
export function buildCsrByAdjacency(graph: Graph): CsrIndex {
  const nodes = graph.nodes();
  const n = nodes.length;
  const position = nodePositions(nodes);
  const directed = graph.type === "directed";
  const total = directed ? graph.size : 2 * graph.size;
  const pack = (inbound: boolean) => {
    const start = new Int32Array(n + 1);
    const adj = new Int32Array(total);
    const wt = new Float64Array(total);
    let p = 0;
    for (let v = 0; v < n; v++) {
      const node = nodes[v]!;
      start[v] = p;
      const visit = (_e: string, attr: Record<string, unknown>, s: string, t: string) => {
        adj[p] = position[s === node ? t : s]!;
        wt[p++] = edgeWeightOf(attr);
      };
      if (inbound) graph.forEachInboundEdge(node, visit);
      else graph.forEachOutboundEdge(node, visit);
    }
    start[n] = p;
    return p === total ? ([start, adj, wt] as const) : ([start, adj.slice(0, p), wt.slice(0, p)] as const);
  };
  const [outStart, outAdj, outW] = pack(false);
  const [inStart, inAdj, inW] = directed ? pack(true) : [outStart, outAdj, outW];
  return csr(nodes, position, directed, outStart, outAdj, outW, inStart, inAdj, inW);
}

const positionsOf = new WeakMap<CsrIndex, Readonly<Record<string, number>>>();

/** A CsrIndex whose `index` Map is only built if someone reads it. */
function csr(
  nodes: string[],
  position: Record<string, number>,
  directed: boolean,
  outStart: Int32Array,
  outAdj: Int32Array,
  outW: Float64Array,
  inStart: Int32Array,
  inAdj: Int32Array,
  inW: Float64Array,
): CsrIndex {
  let index: Map<string, number> | undefined;
  const g: CsrIndex = {
    nodes,
    get index() {
      index ??= new Map(nodes.map((id, i) => [id, i]));
      return index;
    },
    directed,
    outStart,
    outAdj,
    outW,
    inStart,
    inAdj,
    inW,
  };
  positionsOf.set(g, position);
  return g;
}

/** The index already cached on `graph` (in whichever order), without building one. */
export function csrIndexIfBuilt(graph: Graph): CsrIndex | undefined {
  const entry = csrCache.get(graph);
  return entry?.keyed ?? entry?.any;
}

/**
 * id → position on a null-prototype object: 2–3× faster to build and to read than a Map for
 * the lookups an index build makes (two per edge).
 */
export function nodePositions(nodes: readonly string[]): Record<string, number> {
  const position: Record<string, number> = Object.create(null);
  for (let i = 0; i < nodes.length; i++) position[nodes[i]!] = i;
  return position;
}

/** The numeric value of an array-index property key ("0" … "4294967294"), else -1. */
export function arrayIndexValue(key: string): number {
  const len = key.length;
  if (len === 0 || len > 10) return -1;
  const c0 = key.charCodeAt(0);
  if (c0 === 48) return len === 1 ? 0 : -1; // "0"; "01" is not an array index
  let v = 0;
  for (let i = 0; i < len; i++) {
    const c = key.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v <= 4294967294 ? v : -1;
}

/**
 * Adjacency lists in edge order: list[v] = adj[start[v] .. start[v + 1]), the three arrays in
 * one buffer. `fill` is scratch of n entries.
 */
function bucket(
  n: number,
  from: Int32Array,
  to: Int32Array,
  w: Float64Array,
  both: boolean,
  fill: Int32Array,
): [Int32Array, Int32Array, Float64Array] {
  const m = from.length;
  const total = both ? 2 * m : m;
  const buf = new Carver(total, n + 1 + total);
  const wt = buf.f64(total);
  const start = buf.i32(n + 1);
  const adj = buf.i32(total);
  for (let e = 0; e < m; e++) {
    start[from[e]! + 1]!++;
    if (both) start[to[e]! + 1]!++;
  }
  for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
  fill.set(start.subarray(0, n));
  for (let e = 0; e < m; e++) {
    const a = from[e]!;
    const b = to[e]!;
    let p = fill[a]!++;
    adj[p] = b;
    wt[p] = w[e]!;
    if (both) {
      p = fill[b]!++;
      adj[p] = a;
      wt[p] = w[e]!;
    }
  }
  return [start, adj, wt];
}

/**
 * Reorders edge-order adjacency lists into object-key order: array-index neighbours first,
 * ascending by value, then the others in edge order. `rev` lists, for each node u, the nodes
 * whose list holds u (u's neighbours when undirected, its in-neighbours for out-lists):
 * visiting the array-index nodes u in ascending value and appending u to each of those lists
 * sorts every list at once, in O(n log n + m). `fill` is scratch of n entries.
 */
function objectKeyOrder(
  order: Int32Array,
  isIndexKey: Uint8Array,
  start: Int32Array,
  adj: Int32Array,
  wt: Float64Array,
  revStart: Int32Array,
  revAdj: Int32Array,
  revW: Float64Array,
  fill: Int32Array,
): [Int32Array, Float64Array] {
  const n = start.length - 1;
  const buf = new Carver(adj.length, adj.length);
  const outW = buf.f64(adj.length);
  const outAdj = buf.i32(adj.length);
  fill.set(start.subarray(0, n));
  for (let i = 0; i < order.length; i++) {
    const u = order[i]!;
    for (let j = revStart[u]!; j < revStart[u + 1]!; j++) {
      const v = revAdj[j]!;
      const p = fill[v]!++;
      outAdj[p] = u;
      outW[p] = revW[j]!;
    }
  }
  for (let v = 0; v < n; v++) {
    let p = fill[v]!;
    for (let j = start[v]!; j < start[v + 1]!; j++) {
      const u = adj[j]!;
      if (isIndexKey[u]) continue;
      outAdj[p] = u;
      outW[p++] = wt[j]!;
    }
  }
  return [outAdj, outW];
}

/** A simple graph's CSR index, each node's neighbours in the order their edges were added. */
function buildCsrInEdgeOrder(graph: Graph): CsrIndex {
  const nodes = graph.nodes();
  const n = nodes.length;
  const position = nodePositions(nodes);
  const directed = graph.type === "directed";
  const m = graph.size;
  return withScratch(m, 2 * m + n, 0, (scratch) => {
    const w = scratch.f64(m);
    const src = scratch.i32(m);
    const dst = scratch.i32(m);
    const fill = scratch.i32(n);
    let e = 0;
    graph.forEachEdge((_k, attr, s, t) => {
      src[e] = position[s]!;
      dst[e] = position[t]!;
      w[e++] = edgeWeightOf(attr);
    });
    const [outStart, outAdj, outW] = bucket(n, src, dst, w, !directed, fill);
    const [inStart, inAdj, inW] = directed ? bucket(n, dst, src, w, false, fill) : [outStart, outAdj, outW];
    return csr(nodes, position, directed, outStart, outAdj, outW, inStart, inAdj, inW);
  });
}

/** An edge-order index reordered into graphology's adjacency order (itself when that is the same). */
function inObjectKeyOrder(g: CsrIndex): CsrIndex {
  const { nodes } = g;
  const n = nodes.length;
  // key values, packed sort keys; order, fill; flags
  return withScratch(2 * n, 2 * n, n, (scratch) => keyOrdered(g, scratch));
}

function keyOrdered(g: CsrIndex, scratch: Carver): CsrIndex {
  const { nodes, directed } = g;
  const n = nodes.length;
  const keyValue = scratch.f64(n);
  const packed = scratch.f64(n);
  const orderAll = scratch.i32(n);
  const fill = scratch.i32(n);
  const isIndexKey = scratch.u8(n);
  let indexKeys = 0;
  let ascending = true; // array-index keys already ascending in node order (no sort needed)
  let last = -1;
  for (let i = 0; i < n; i++) {
    const k = arrayIndexValue(nodes[i]!);
    keyValue[i] = k;
    if (k >= 0) {
      isIndexKey[i] = 1;
      orderAll[indexKeys++] = i;
      if (k < last) ascending = false;
      last = k;
    }
  }
  if (indexKeys === 0) return g; // edge order is graphology's order
  const order = orderAll.subarray(0, indexKeys);
  if (!ascending) sortByKeyValue(order, keyValue, packed.subarray(0, indexKeys));
  const { outStart, outAdj, outW, inStart, inAdj, inW } = g;
  const position = positionsOf.get(g)!;
  if (!directed) {
    const [a, w] = objectKeyOrder(order, isIndexKey, outStart, outAdj, outW, outStart, outAdj, outW, fill);
    return csr(nodes, position, false, outStart, a, w, outStart, a, w);
  }
  const [oa, ow] = objectKeyOrder(order, isIndexKey, outStart, outAdj, outW, inStart, inAdj, inW, fill);
  const [ia, iw] = objectKeyOrder(order, isIndexKey, inStart, inAdj, inW, outStart, outAdj, outW, fill);
  return csr(nodes, position, true, outStart, oa, ow, inStart, ia, iw);
}

/**
 * Sorts node numbers by keyValue (distinct values below 2^32), natively when value · 2^21 +
 * node fits a double exactly (fewer than 2^21 nodes). `packed` is scratch as long as `order`.
 */
function sortByKeyValue(order: Int32Array, keyValue: Float64Array, packed: Float64Array): void {
  if (keyValue.length <= 2 ** 21) {
    for (let i = 0; i < order.length; i++) packed[i] = keyValue[order[i]!]! * 2 ** 21 + order[i]!;
    packed.sort();
    // x - floor(x / 2^21) · 2^21, exact, and far cheaper than x % 2^21 (fmod) on doubles
    for (let i = 0; i < order.length; i++)
      order[i] = packed[i]! - Math.floor(packed[i]! * 2 ** -21) * 2 ** 21;
  } else order.sort((a, b) => keyValue[a]! - keyValue[b]!);
}

const codeUnitRanks = new WeakMap<readonly string[], Int32Array>(); // by g.nodes: shared by both orders

/** rank[v] = position of node v's id in UTF-16 code-unit order (canonical JSON order); cached. */
export function csrCodeUnitRanks(g: CsrIndex): Int32Array {
  let rank = codeUnitRanks.get(g.nodes);
  if (rank) return rank;
  rank = nodeCodeUnitRanks(g.nodes, positionsOf.get(g) ?? nodePositions(g.nodes));
  codeUnitRanks.set(g.nodes, rank);
  return rank;
}

/** rank[v] = position of nodes[v] in UTF-16 code-unit order; `position` maps id → v. */
export function nodeCodeUnitRanks(
  nodes: readonly string[],
  position: Readonly<Record<string, number>>,
): Int32Array {
  const byDigits = digitIdRanks(nodes);
  if (byDigits) return byDigits;
  // Array.prototype.sort without a comparator orders strings by UTF-16 code units, natively
  // (faster than any comparator called from JavaScript).
  const sorted = nodes.slice().sort();
  const rank = new Int32Array(nodes.length);
  for (let i = 0; i < sorted.length; i++) rank[position[sorted[i]!]!] = i;
  return rank;
}

/**
 * Code-unit ranks when every id is a string of ASCII digits (ids "0".."n-1" and the like):
 * such strings compare like (the digits right-padded with zeros to the longest id's length,
 * then the length), which packs with the node number into one exact double, so a native
 * numeric sort replaces the string sort (~4× faster). Null when the ids do not fit that.
 */
export function digitIdRanks(ids: readonly string[]): Int32Array | null {
  const n = ids.length;
  let longest = 0;
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    if (id.length > longest) longest = id.length;
    if (longest > 9) return null;
    for (let j = 0; j < id.length; j++) {
      const c = id.charCodeAt(j);
      if (c < 48 || c > 57) return null;
    }
  }
  const slots = longest + 1; // lengths 0..longest
  const bits = Math.max(1, Math.ceil(Math.log2(n)));
  const scale = 2 ** bits; // node number in the low bits: extracted exactly without fmod
  if (10 ** longest * slots * scale >= 2 ** 53) return null;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    let v = 0;
    for (let j = 0; j < id.length; j++) v = v * 10 + (id.charCodeAt(j) - 48);
    keys[i] = (v * 10 ** (longest - id.length) * slots + id.length) * scale + i;
  }
  keys.sort();
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[keys[r]! - Math.floor(keys[r]! / scale) * scale] = r;
  return rank;
}
