/**
 * Edge lists in, graphology graphs out. PCQ graphs are simple graphs: no self-loops, no
 * duplicate edges, strictly positive finite weights. Node order is the order of first
 * appearance in the edge list, which is also the order NetworkX sees (goldens rely on it).
 */
import { DirectedGraph, UndirectedGraph } from "graphology";
import type { AbstractGraph } from "graphology-types";
import { TfError } from "../core/errors.js";

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

const csrCache = new WeakMap<Graph, CsrIndex>();
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

/**
 * The CSR index of `graph`, built once and cached on the graph (WeakMap) so that several
 * metrics over the same graph share it. Any structural change or edge-attribute update to
 * the graph drops the cached index (graphology emits an event for each), so it never goes stale.
 */
export function csrIndex(graph: Graph): CsrIndex {
  const hit = csrCache.get(graph);
  if (hit) return hit;
  if (!csrWatched.has(graph)) {
    csrWatched.add(graph);
    const drop = () => {
      csrCache.delete(graph);
    };
    for (const ev of csrInvalidatingEvents) graph.on(ev, drop);
  }
  const built = buildCsr(graph);
  csrCache.set(graph, built);
  return built;
}

const edgeWeightOf = (attr: Record<string, unknown>): number => {
  const w = attr.weight;
  return typeof w === "number" && !Number.isNaN(w) ? w : 1; // graphology's own coercion
};

function buildCsr(graph: Graph): CsrIndex {
  const nodes = graph.nodes();
  const n = nodes.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(nodes[i]!, i);
  const directed = graph.type === "directed";
  const total = directed ? graph.size : 2 * graph.size;
  // Neighbours in graphology's own adjacency order (graph.outboundEdges(node)), which is the
  // order graphology-metrics' PageRank sums in: our PageRank reproduces it bit for bit.
  const pack = (inbound: boolean) => {
    const start = new Int32Array(n + 1);
    const adj = new Int32Array(total);
    const wt = new Float64Array(total);
    let p = 0;
    for (let v = 0; v < n; v++) {
      const node = nodes[v]!;
      start[v] = p;
      const visit = (_e: string, attr: Record<string, unknown>, s: string, t: string) => {
        adj[p] = index.get(s === node ? t : s)!;
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
  return { nodes, index, directed, outStart, outAdj, outW, inStart, inAdj, inW };
}

/** Weight of the edge a→b in the index (1 when `weighted` is false); undefined when absent. */
export function csrEdgeWeight(g: CsrIndex, a: number, b: number, weighted: boolean): number | undefined {
  for (let j = g.outStart[a]!; j < g.outStart[a + 1]!; j++)
    if (g.outAdj[j] === b) return weighted ? g.outW[j]! : 1;
  return undefined;
}

const codeUnitRanks = new WeakMap<CsrIndex, Int32Array>();

/** rank[v] = position of node v's id in UTF-16 code-unit order (canonical JSON order); cached. */
export function csrCodeUnitRanks(g: CsrIndex): Int32Array {
  let rank = codeUnitRanks.get(g);
  if (rank) return rank;
  const n = g.nodes.length;
  const order = Array.from({ length: n }, (_, i) => i);
  const ids = g.nodes;
  order.sort((a, b) => {
    const x = ids[a]!;
    const y = ids[b]!;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  rank = new Int32Array(n);
  for (let i = 0; i < n; i++) rank[order[i]!] = i;
  codeUnitRanks.set(g, rank);
  return rank;
}
