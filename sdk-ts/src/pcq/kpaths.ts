/**
 * Shortest paths: Dijkstra distances and Yen's k shortest simple paths. graphology-shortest-path
 * has no way to exclude nodes or edges from a search, which Yen's spur searches need, so this is
 * written here. Spur paths use bidirectional search (BFS for hop counts, Dijkstra for weights), as
 * NetworkX's shortest_simple_paths does, with stamped scratch arrays reused across spur searches.
 *
 * The searches read a node's neighbours only when they expand it (LazyNeighbours): building an
 * index of the whole graph first cost ~10x the searches themselves on a 50k-edge graph. The
 * neighbours come in graphology's order (that of csrIndex), so results are those of a search over
 * the index.
 */
import type { Graph } from "./graph.js";
import { edgeWeightOf } from "./graph.js";

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

/** A node's neighbours and the weights of the edges to them, in graphology's order. */
export interface NeighbourList {
  nb: readonly number[];
  w: readonly number[];
}

/** What the searches read: node numbers 0.. (handed out as nodes are met) and their neighbours. */
export interface Neighbours {
  readonly directed: boolean;
  /** Upper bound on node numbers (the graph's order). */
  readonly capacity: number;
  out(v: number): NeighbourList;
  /** In-neighbours (the out-neighbours when the graph is not directed). */
  in(v: number): NeighbourList;
}

/**
 * A graphology graph's neighbours, read node by node on first use: node numbers are handed out
 * in the order nodes are met (`number`, then as neighbours are read) and `keys` maps them back.
 * Lists follow forEachOutboundEdge / forEachInboundEdge, as buildCsrByAdjacency does; a graph that
 * is not directed is read through its outbound edges for both directions.
 */
export class LazyNeighbours implements Neighbours {
  readonly directed: boolean;
  readonly capacity: number;
  readonly keys: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly outs: (NeighbourList | undefined)[] = [];
  private readonly ins: (NeighbourList | undefined)[] = [];

  constructor(private readonly graph: Graph) {
    this.directed = graph.type === "directed";
    this.capacity = graph.order;
  }

  /** The number of node `key` (handing one out if it has none yet). */
  number(key: string): number {
    let v = this.ids.get(key);
    if (v === undefined) {
      v = this.keys.length;
      this.keys.push(key);
      this.ids.set(key, v);
    }
    return v;
  }

  out(v: number): NeighbourList {
    let list = this.outs[v];
    if (list === undefined) {
      list = this.read(v, false);
      this.outs[v] = list;
    }
    return list;
  }

  in(v: number): NeighbourList {
    if (!this.directed) return this.out(v);
    let list = this.ins[v];
    if (list === undefined) {
      list = this.read(v, true);
      this.ins[v] = list;
    }
    return list;
  }

  private read(v: number, inbound: boolean): NeighbourList {
    const node = this.keys[v]!;
    const nb: number[] = [];
    const w: number[] = [];
    const visit = (_e: string, attr: Record<string, unknown>, s: string, t: string) => {
      nb.push(this.number(s === node ? t : s));
      w.push(edgeWeightOf(attr));
    };
    if (inbound) this.graph.forEachInboundEdge(node, visit);
    else this.graph.forEachOutboundEdge(node, visit);
    return { nb, w };
  }
}

/** Weight of the edge a→b (the first in a's list; 1 when `weighted` is false); undefined when absent. */
export function edgeWeight(g: Neighbours, a: number, b: number, weighted: boolean): number | undefined {
  const { nb, w } = g.out(a);
  for (let j = 0; j < nb.length; j++) if (nb[j] === b) return weighted ? w[j]! : 1;
  return undefined;
}

/** Binary min-heap of (distance, node) on typed arrays; ties broken by insertion order. */
class NodeHeap {
  private keys: Float64Array;
  private seqs: Float64Array;
  private vals: Int32Array;
  private seq = 0;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(capacity, 16));
    this.seqs = new Float64Array(this.keys.length);
    this.vals = new Int32Array(this.keys.length);
  }

  clear(): void {
    this.size = 0;
    this.seq = 0;
  }

  get topKey(): number {
    return this.keys[0]!;
  }

  push(key: number, v: number): void {
    if (this.size === this.keys.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.keys = grow(this.keys);
      this.seqs = grow(this.seqs);
      const vals = new Int32Array(this.vals.length * 2);
      vals.set(this.vals);
      this.vals = vals;
    }
    const keys = this.keys;
    const seqs = this.seqs;
    const vals = this.vals;
    const sq = this.seq++;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const kp = keys[p]!;
      if (kp < key || (kp === key && seqs[p]! < sq)) break;
      keys[i] = kp;
      seqs[i] = seqs[p]!;
      vals[i] = vals[p]!;
      i = p;
    }
    keys[i] = key;
    seqs[i] = sq;
    vals[i] = v;
  }

  /** Removes the minimum and returns its node (call only when size > 0). */
  pop(): number {
    const keys = this.keys;
    const seqs = this.seqs;
    const vals = this.vals;
    const top = vals[0]!;
    const m = --this.size;
    const key = keys[m]!;
    const sq = seqs[m]!;
    const v = vals[m]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= m) break;
      const r = c + 1;
      if (r < m && (keys[r]! < keys[c]! || (keys[r] === keys[c] && seqs[r]! < seqs[c]!))) c = r;
      const kc = keys[c]!;
      if (key < kc || (key === kc && sq < seqs[c]!)) break;
      keys[i] = kc;
      seqs[i] = seqs[c]!;
      vals[i] = vals[c]!;
      i = c;
    }
    keys[i] = key;
    seqs[i] = sq;
    vals[i] = v;
    return top;
  }
}

/**
 * Scratch state for repeated s→t searches on one index: generation stamps make "visited",
 * "blocked node" and "has a blocked edge" checks O(1) without clearing n-sized arrays.
 */
class SpurSearch {
  private readonly n: number;
  private gen = 0;
  private readonly seenF: Int32Array;
  private readonly seenB: Int32Array;
  private readonly doneF: Int32Array;
  private readonly doneB: Int32Array;
  private readonly predF: Int32Array;
  private readonly predB: Int32Array;
  private readonly distF: Float64Array;
  private readonly distB: Float64Array;
  private readonly blockedNode: Int32Array;
  private readonly blockedFrom: Int32Array;
  private blockedEdges = new Set<number>();
  private readonly heapF: NodeHeap;
  private readonly heapB: NodeHeap;
  private readonly bufA: Int32Array;
  private readonly bufB: Int32Array;
  private readonly bufC: Int32Array;

  constructor(
    private readonly g: Neighbours,
    private readonly weighted: boolean,
  ) {
    const n = g.capacity;
    this.n = n;
    this.seenF = new Int32Array(n);
    this.seenB = new Int32Array(n);
    this.doneF = new Int32Array(n);
    this.doneB = new Int32Array(n);
    this.predF = new Int32Array(n);
    this.predB = new Int32Array(n);
    this.distF = new Float64Array(n);
    this.distB = new Float64Array(n);
    this.blockedNode = new Int32Array(n);
    this.blockedFrom = new Int32Array(n);
    this.heapF = new NodeHeap(64);
    this.heapB = new NodeHeap(64);
    this.bufA = new Int32Array(n);
    this.bufB = new Int32Array(n);
    this.bufC = new Int32Array(n);
  }

  /** Starts a new search: nothing blocked, nothing visited. */
  reset(): void {
    this.gen++;
    this.blockedEdges.clear();
  }

  blockNode(v: number): void {
    this.blockedNode[v] = this.gen;
  }

  /** Blocks a→b (and b→a in an undirected graph). */
  blockEdge(a: number, b: number): void {
    this.blockedEdges.add(a * this.n + b);
    this.blockedFrom[a] = this.gen;
    if (!this.g.directed) {
      this.blockedEdges.add(b * this.n + a);
      this.blockedFrom[b] = this.gen;
    }
  }

  private edgeBlocked(a: number, b: number): boolean {
    return this.blockedFrom[a] === this.gen && this.blockedEdges.has(a * this.n + b);
  }

  /** Shortest s→t path avoiding what is blocked (s and t must not be blocked); null when none. */
  find(s: number, t: number): Path | null {
    if (s === t) return { nodes: [s], length: 0 };
    return this.weighted ? this.dijkstra(s, t) : this.bfs(s, t);
  }

  private path(meet: number, s: number, t: number): number[] {
    const nodes: number[] = [];
    for (let v = meet; v !== s; v = this.predF[v]!) nodes.push(v);
    nodes.push(s);
    nodes.reverse();
    for (let v = meet; v !== t; ) {
      v = this.predB[v]!;
      nodes.push(v);
    }
    return nodes;
  }

  /** Bidirectional BFS, expanding the smaller fringe a whole level at a time (as NetworkX). */
  private bfs(s: number, t: number): Path | null {
    const g = this.g;
    const gen = this.gen;
    const { seenF, seenB, predF, predB, blockedNode } = this;
    seenF[s] = gen;
    seenB[t] = gen;
    // Forward fringe in `fwd`, backward fringe in `bwd`; a level's new fringe is written into
    // `scratch`, which then swaps with the fringe it replaces (each fringe holds distinct nodes).
    let fwd = this.bufA;
    let bwd = this.bufB;
    let scratch = this.bufC;
    let nf = 1;
    let nb = 1;
    fwd[0] = s;
    bwd[0] = t;
    while (nf > 0 && nb > 0) {
      let nn = 0;
      if (nf <= nb) {
        for (let i = 0; i < nf; i++) {
          const v = fwd[i]!;
          const { nb } = g.out(v);
          for (let j = 0; j < nb.length; j++) {
            const w = nb[j]!;
            if (blockedNode[w] === gen || this.edgeBlocked(v, w)) continue;
            if (seenF[w] !== gen) {
              seenF[w] = gen;
              predF[w] = v;
              scratch[nn++] = w;
            }
            if (seenB[w] === gen) return this.hopPath(w, s, t);
          }
        }
        const tmp = fwd;
        fwd = scratch;
        scratch = tmp;
        nf = nn;
      } else {
        for (let i = 0; i < nb; i++) {
          const v = bwd[i]!;
          const { nb } = g.in(v);
          for (let j = 0; j < nb.length; j++) {
            const w = nb[j]!;
            if (blockedNode[w] === gen || this.edgeBlocked(w, v)) continue;
            if (seenB[w] !== gen) {
              seenB[w] = gen;
              predB[w] = v;
              scratch[nn++] = w;
            }
            if (seenF[w] === gen) return this.hopPath(w, s, t);
          }
        }
        const tmp = bwd;
        bwd = scratch;
        scratch = tmp;
        nb = nn;
      }
    }
    return null;
  }

  private hopPath(meet: number, s: number, t: number): Path {
    const nodes = this.path(meet, s, t);
    return { nodes, length: nodes.length - 1 };
  }

  /**
   * Bidirectional Dijkstra: alternate directions; μ = best s→t length seen through a node
   * reached from both sides; stop once a node is settled from both sides (as NetworkX).
   */
  private dijkstra(s: number, t: number): Path | null {
    const g = this.g;
    const gen = this.gen;
    const { seenF, seenB, doneF, doneB, predF, predB, distF, distB, blockedNode, heapF, heapB } = this;
    heapF.clear();
    heapB.clear();
    seenF[s] = gen;
    distF[s] = 0;
    seenB[t] = gen;
    distB[t] = 0;
    heapF.push(0, s);
    heapB.push(0, t);
    let best = Number.POSITIVE_INFINITY;
    let meet = -1;
    let forward = false;
    while (heapF.size > 0 && heapB.size > 0) {
      forward = !forward;
      if (forward) {
        const d = heapF.topKey;
        const v = heapF.pop();
        if (doneF[v] === gen) continue;
        doneF[v] = gen;
        if (doneB[v] === gen) break;
        const { nb, w: ws } = g.out(v);
        for (let j = 0; j < nb.length; j++) {
          const w = nb[j]!;
          if (blockedNode[w] === gen || this.edgeBlocked(v, w)) continue;
          const nd = d + ws[j]!;
          if (seenF[w] !== gen || nd < distF[w]!) {
            seenF[w] = gen;
            distF[w] = nd;
            predF[w] = v;
            heapF.push(nd, w);
            if (seenB[w] === gen && nd + distB[w]! < best) {
              best = nd + distB[w]!;
              meet = w;
            }
          }
        }
      } else {
        const d = heapB.topKey;
        const v = heapB.pop();
        if (doneB[v] === gen) continue;
        doneB[v] = gen;
        if (doneF[v] === gen) break;
        const { nb, w: ws } = g.in(v);
        for (let j = 0; j < nb.length; j++) {
          const w = nb[j]!;
          if (blockedNode[w] === gen || this.edgeBlocked(w, v)) continue;
          const nd = d + ws[j]!;
          if (seenB[w] !== gen || nd < distB[w]!) {
            seenB[w] = gen;
            distB[w] = nd;
            predB[w] = v;
            heapB.push(nd, w);
            if (seenF[w] === gen && nd + distF[w]! < best) {
              best = nd + distF[w]!;
              meet = w;
            }
          }
        }
      }
    }
    if (meet === -1) return null;
    return { nodes: this.path(meet, s, t), length: distF[meet]! + distB[meet]! };
  }
}

/**
 * Yen's algorithm: up to k loopless paths from s to t in order of length (sum of edge weights,
 * or hop count when `weighted` is false). Candidates of equal length come out in the order they
 * were found, so the result is deterministic.
 */
export function kShortestSimplePaths(
  g: Neighbours,
  s: number,
  t: number,
  k: number,
  weighted: boolean,
): Path[] {
  if (s === t) return [{ nodes: [s], length: 0 }];
  const search = new SpurSearch(g, weighted);
  search.reset();
  const first = search.find(s, t);
  if (!first) return [];
  const found: Path[] = [first];
  const seen = new Set<string>([first.nodes.join(",")]);
  const candidates = new MinHeap<Path>();
  while (found.length < k) {
    const prev = found[found.length - 1]!.nodes;
    let rootLength = 0;
    for (let i = 0; i < prev.length - 1; i++) {
      if (i > 0) rootLength += edgeWeight(g, prev[i - 1]!, prev[i]!, weighted)!; // path edges exist
      const spur = prev[i]!;
      search.reset();
      for (const p of found) {
        const q = p.nodes;
        if (q.length <= i + 1) continue;
        let same = true;
        for (let j = 0; j <= i; j++)
          if (q[j] !== prev[j]) {
            same = false;
            break;
          }
        if (same) search.blockEdge(q[i]!, q[i + 1]!);
      }
      for (let j = 0; j < i; j++) search.blockNode(prev[j]!);
      const spurPath = search.find(spur, t);
      if (!spurPath) continue;
      const nodes = prev.slice(0, i);
      for (const v of spurPath.nodes) nodes.push(v);
      const key = nodes.join(",");
      if (seen.has(key)) continue;
      seen.add(key);
      const length = rootLength + spurPath.length;
      candidates.push(length, { nodes, length });
    }
    const next = candidates.pop();
    if (!next) break;
    found.push(next[1]);
  }
  return found;
}
