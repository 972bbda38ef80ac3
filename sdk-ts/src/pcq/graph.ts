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
