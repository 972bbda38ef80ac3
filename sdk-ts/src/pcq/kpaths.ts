/**
 * Shortest paths on a GraphIndex: Dijkstra with excluded nodes/edges and Yen's k shortest
 * simple paths. graphology-shortest-path has no way to exclude nodes or edges from a search,
 * which Yen's spur searches need, so these few lines are written here.
 */
import type { GraphIndex } from "./graph.js";

/** Binary min-heap of (priority, tiebreak, value); ties broken by insertion order. */
export class MinHeap<T> {
  private keys: number[] = [];
  private seqs: number[] = [];
  private vals: T[] = [];
  private seq = 0;

  get size(): number {
    return this.vals.length;
  }

  push(key: number, value: T): void {
    this.keys.push(key);
    this.seqs.push(this.seq++);
    this.vals.push(value);
    let i = this.vals.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): [number, T] | undefined {
    const n = this.vals.length;
    if (n === 0) return undefined;
    const top: [number, T] = [this.keys[0]!, this.vals[0]!];
    this.swap(0, n - 1);
    this.keys.pop();
    this.seqs.pop();
    this.vals.pop();
    let i = 0;
    const m = n - 1;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let s = i;
      if (l < m && this.less(l, s)) s = l;
      if (r < m && this.less(r, s)) s = r;
      if (s === i) break;
      this.swap(i, s);
      i = s;
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const ka = this.keys[a]!;
    const kb = this.keys[b]!;
    return ka < kb || (ka === kb && this.seqs[a]! < this.seqs[b]!);
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
    [this.seqs[a], this.seqs[b]] = [this.seqs[b]!, this.seqs[a]!];
    [this.vals[a], this.vals[b]] = [this.vals[b]!, this.vals[a]!];
  }
}

/** Single-source distances over `adj`/`adjW` (Infinity when unreachable). */
export function dijkstraDistances(
  adj: number[][],
  adjW: number[][],
  source: number,
  dist: Float64Array,
): void {
  dist.fill(Number.POSITIVE_INFINITY);
  dist[source] = 0;
  const heap = new MinHeap<number>();
  heap.push(0, source);
  const done = new Uint8Array(adj.length);
  for (;;) {
    const top = heap.pop();
    if (!top) break;
    const [d, v] = top;
    if (done[v]) continue;
    done[v] = 1;
    const nb = adj[v]!;
    const ws = adjW[v]!;
    for (let j = 0; j < nb.length; j++) {
      const w = nb[j]!;
      const nd = d + ws[j]!;
      if (nd < dist[w]!) {
        dist[w] = nd;
        heap.push(nd, w);
      }
    }
  }
}

interface Path {
  nodes: number[];
  length: number;
}

/** Shortest path from s to t avoiding blocked nodes and edges; null when there is none. */
function shortestPath(
  g: GraphIndex,
  s: number,
  t: number,
  blockedNodes: Uint8Array,
  blockedEdges: Set<number>,
): Path | null {
  const n = g.nodes.length;
  const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const prev = new Int32Array(n).fill(-1);
  const done = new Uint8Array(n);
  dist[s] = 0;
  const heap = new MinHeap<number>();
  heap.push(0, s);
  for (;;) {
    const top = heap.pop();
    if (!top) return null;
    const [d, v] = top;
    if (done[v]) continue;
    done[v] = 1;
    if (v === t) break;
    const nb = g.out[v]!;
    const ws = g.outW[v]!;
    for (let j = 0; j < nb.length; j++) {
      const w = nb[j]!;
      if (blockedNodes[w] || blockedEdges.has(v * n + w)) continue;
      const nd = d + ws[j]!;
      if (nd < dist[w]!) {
        dist[w] = nd;
        prev[w] = v;
        heap.push(nd, w);
      }
    }
  }
  const nodes: number[] = [];
  for (let v = t; v !== -1; v = prev[v]!) nodes.push(v);
  nodes.reverse();
  return { nodes, length: dist[t]! };
}

/**
 * Yen's algorithm: up to k loopless paths from s to t in order of length (sum of edge
 * weights; hop count when the index is unweighted). Candidates of equal length come out in
 * the order they were found, so the result is deterministic.
 */
export function kShortestSimplePaths(g: GraphIndex, s: number, t: number, k: number): Path[] {
  const n = g.nodes.length;
  const weightOf = new Map<number, number>();
  g.out.forEach((nb, v) => {
    nb.forEach((w, j) => {
      weightOf.set(v * n + w, g.outW[v]![j]!);
    });
  });
  const edgeKey = (a: number, b: number) => a * n + b;
  const blockEdge = (set: Set<number>, a: number, b: number) => {
    set.add(edgeKey(a, b));
    if (!g.directed) set.add(edgeKey(b, a));
  };
  if (s === t) return [{ nodes: [s], length: 0 }];
  const first = shortestPath(g, s, t, new Uint8Array(n), new Set());
  if (!first) return [];
  const found: Path[] = [first];
  const seen = new Set<string>([first.nodes.join(",")]);
  const candidates = new MinHeap<Path>();
  while (found.length < k) {
    const prev = found[found.length - 1]!;
    for (let i = 0; i < prev.nodes.length - 1; i++) {
      const spur = prev.nodes[i]!;
      const root = prev.nodes.slice(0, i + 1);
      const blockedEdges = new Set<number>();
      for (const p of found) {
        if (p.nodes.length > i + 1 && root.every((v, j) => p.nodes[j] === v))
          blockEdge(blockedEdges, p.nodes[i]!, p.nodes[i + 1]!);
      }
      const blockedNodes = new Uint8Array(n);
      for (let j = 0; j < i; j++) blockedNodes[root[j]!] = 1;
      const spurPath = shortestPath(g, spur, t, blockedNodes, blockedEdges);
      if (!spurPath) continue;
      const nodes = [...root.slice(0, -1), ...spurPath.nodes];
      const key = nodes.join(",");
      if (seen.has(key)) continue;
      seen.add(key);
      let rootLength = 0;
      for (let j = 0; j < i; j++) rootLength += weightOf.get(edgeKey(root[j]!, root[j + 1]!))!;
      const length = rootLength + spurPath.length;
      candidates.push(length, { nodes, length });
    }
    const next = candidates.pop();
    if (!next) break;
    found.push(next[1]);
  }
  return found;
}
