/**
 * THE one definition of PCQ tolerance windows: the verifier, the golden tests and the docs
 * table (docs/pcq-metrics.md) all read TOLERANCES. A value passes when
 * |actual − expected| ≤ max(abs, rel·|expected|).
 */
import type { MetricName, MetricSpec, MetricValue } from "./metrics.js";

export interface Tolerance {
  rel: number;
  abs: number;
  note: string;
  /** Louvain only: the least normalized mutual information between the two partitions. */
  similarityFloor?: number;
}

/** Floor of the partition similarity (NMI, arithmetic normalization) for Louvain. */
export const LOUVAIN_NMI_FLOOR = 0.65;

export const TOLERANCES: Record<MetricName, Tolerance> = {
  degree: { rel: 0, abs: 0, note: "integer count: exact" },
  betweenness: {
    rel: 1e-9,
    abs: 1e-12,
    note: "exact algorithm (Brandes); only floating-point summation order differs",
  },
  closeness: {
    rel: 1e-9,
    abs: 1e-12,
    note: "exact shortest-path sums; only floating-point summation order differs",
  },
  pagerank: {
    rel: 1e-4,
    abs: 1e-6,
    note: "power iteration stopped at L1 change < n·tol: implementations may stop one iteration apart",
  },
  components: { rel: 0, abs: 0, note: "exact: the same node sets (order ignored)" },
  k_shortest_paths: {
    rel: 1e-9,
    abs: 1e-9,
    note: "same number of paths and lengths; node sequences may differ only among equal-length ties",
  },
  clustering: {
    rel: 1e-9,
    abs: 1e-12,
    note: "exact counts; weighted variant sums cube roots, so summation order differs",
  },
  triangles: { rel: 0, abs: 0, note: "integer count: exact" },
  louvain: {
    rel: 0,
    abs: 0.02,
    similarityFloor: LOUVAIN_NMI_FLOOR,
    note: `heuristic and randomized: modularity within abs and NMI ≥ ${LOUVAIN_NMI_FLOOR}; labels never compared`,
  },
};

export interface MetricDelta {
  key: string;
  expected: number;
  actual: number;
  abs: number;
  rel: number;
  allowed: number;
  ok: boolean;
}

export interface MetricComparison {
  metric: MetricName;
  ok: boolean;
  compared: number;
  failures: number;
  deltas: MetricDelta[];
  message?: string;
}

/** The window for one expected value: max(abs, rel·|expected|). */
export function allowedDelta(tol: Tolerance, expected: number): number {
  return Math.max(tol.abs, tol.rel * Math.abs(expected));
}

export function delta(key: string, expected: number, actual: number, tol: Tolerance): MetricDelta {
  const abs = Math.abs(actual - expected);
  const rel = expected === 0 ? (abs === 0 ? 0 : Number.POSITIVE_INFINITY) : abs / Math.abs(expected);
  const allowed = allowedDelta(tol, expected);
  // NaN never passes (abs <= allowed is false for NaN).
  return { key, expected, actual, abs, rel, allowed, ok: abs <= allowed };
}

function result(
  metric: MetricName,
  deltas: MetricDelta[],
  messages: string[],
  extraFailures = 0,
): MetricComparison {
  const failures = deltas.filter((d) => !d.ok).length + extraFailures;
  const out: MetricComparison = { metric, ok: failures === 0, compared: deltas.length, failures, deltas };
  const bad = deltas.filter((d) => !d.ok);
  if (bad.length > 0) {
    const shown = bad
      .slice(0, 3)
      .map(
        (d) =>
          `${d.key}: expected ${d.expected}, got ${d.actual} (|Δ|=${d.abs.toPrecision(3)} > ${d.allowed})`,
      );
    messages.push(
      `${bad.length} value(s) outside the window: ${shown.join("; ")}${bad.length > 3 ? "; …" : ""}`,
    );
  }
  if (messages.length > 0) out.message = messages.join(". ");
  return out;
}

const canonicalKey = (group: readonly string[]) => JSON.stringify([...group].sort());

/**
 * Compares an expected metric value with a replayed one under TOLERANCES[spec.metric].
 * A kind mismatch is one failure with a message.
 */
export function compareMetric(
  spec: MetricSpec,
  expected: MetricValue,
  actual: MetricValue,
): MetricComparison {
  const metric = spec.metric;
  const tol = TOLERANCES[metric];
  if (expected.kind !== actual.kind)
    return result(metric, [], [`expected a ${expected.kind} value, got ${actual.kind}`], 1);

  if (expected.kind === "node-values" && actual.kind === "node-values") {
    const deltas: MetricDelta[] = [];
    const messages: string[] = [];
    let extra = 0;
    const missing: string[] = [];
    for (const [node, e] of Object.entries(expected.values)) {
      const a = actual.values[node];
      if (a === undefined) missing.push(node);
      else deltas.push(delta(node, e, a, tol));
    }
    const unexpected = Object.keys(actual.values).filter((n) => !(n in expected.values));
    if (missing.length) {
      extra += missing.length;
      messages.push(`${missing.length} node(s) missing from the result: ${missing.slice(0, 5).join(", ")}`);
    }
    if (unexpected.length) {
      extra += unexpected.length;
      messages.push(`${unexpected.length} unexpected node(s): ${unexpected.slice(0, 5).join(", ")}`);
    }
    return result(metric, deltas, messages, extra);
  }

  if (expected.kind === "components" && actual.kind === "components") {
    // Exact set equality; one delta per expected component (its size vs the matching actual's).
    const actualKeys = new Map(actual.components.map((c) => [canonicalKey(c), c.length]));
    const deltas = expected.components.map((c, i) => {
      const size = actualKeys.get(canonicalKey(c));
      return delta(`component ${i} (${c.length} nodes)`, c.length, size ?? 0, tol);
    });
    const messages: string[] = [];
    let extra = 0;
    const expectedKeys = new Set(expected.components.map(canonicalKey));
    const unexpected = actual.components.filter((c) => !expectedKeys.has(canonicalKey(c)));
    if (unexpected.length) {
      extra += unexpected.length;
      messages.push(
        `${unexpected.length} component(s) not expected (sizes ${unexpected.map((c) => c.length).join(", ")})`,
      );
    }
    const ok = deltas.every((d) => d.ok) && extra === 0;
    if (!ok)
      messages.unshift(
        `components differ: expected ${expected.components.length}, got ${actual.components.length}`,
      );
    return result(metric, deltas, messages, extra);
  }

  if (expected.kind === "paths" && actual.kind === "paths") {
    const messages: string[] = [];
    let extra = 0;
    const e = expected.paths;
    const a = actual.paths;
    if (e.length !== a.length) {
      extra++;
      messages.push(`expected ${e.length} path(s), got ${a.length}`);
    }
    const n = Math.min(e.length, a.length);
    const deltas: MetricDelta[] = [];
    for (let i = 0; i < n; i++) deltas.push(delta(`path ${i} length`, e[i]!.length, a[i]!.length, tol));
    if (spec.metric === "k_shortest_paths") {
      const { source, target } = spec.params;
      a.forEach((p, i) => {
        if (p.nodes[0] !== source || p.nodes[p.nodes.length - 1] !== target) {
          extra++;
          messages.push(`path ${i} does not run from ${source} to ${target}`);
        }
      });
    }
    const keys = a.map((p) => JSON.stringify(p.nodes));
    if (new Set(keys).size !== keys.length) {
      extra++;
      messages.push("the result repeats a path");
    }
    // Among equal-length ties the order is free; a complete tie group (not cut off by k)
    // must hold the same node sequences on both sides.
    let start = 0;
    while (start < n) {
      let end = start + 1;
      const len = e[start]!.length;
      while (end < e.length && Math.abs(e[end]!.length - len) <= allowedDelta(tol, len)) end++;
      if (end >= e.length) break; // last group: may be truncated by k, lengths suffice
      if (end > a.length) break;
      const want = new Set(e.slice(start, end).map((p) => JSON.stringify(p.nodes)));
      const got = a.slice(start, end).map((p) => JSON.stringify(p.nodes));
      if (!got.every((g) => want.has(g))) {
        extra++;
        messages.push(`paths ${start}..${end - 1} (length ${len}) are not the expected node sequences`);
      }
      start = end;
    }
    return result(metric, deltas, messages, extra);
  }

  if (expected.kind === "partition" && actual.kind === "partition") {
    const messages: string[] = [];
    let extra = 0;
    const deltas = [delta("modularity", expected.modularity, actual.modularity, tol)];
    const nmi = normalizedMutualInformation(expected.communities, actual.communities);
    const floor = tol.similarityFloor ?? 1;
    if (nmi === null) {
      extra++;
      messages.push("the partitions cover different node sets");
    } else {
      deltas.push({
        key: "nmi",
        expected: 1,
        actual: nmi,
        abs: 1 - nmi,
        rel: 1 - nmi,
        allowed: 1 - floor,
        ok: nmi >= floor,
      });
      if (nmi < floor) messages.push(`partition similarity NMI ${nmi.toFixed(4)} < floor ${floor}`);
    }
    return result(metric, deltas, messages, extra);
  }
  return result(metric, [], ["unsupported value kind"], 1);
}

/**
 * Normalized mutual information of two partitions of the same node set, arithmetic
 * normalization 2·I(U;V)/(H(U)+H(V)) (scikit-learn's default); 1 when both are trivial.
 * null when the partitions cover different nodes or a node appears twice.
 */
export function normalizedMutualInformation(a: string[][], b: string[][]): number | null {
  const labelA = new Map<string, number>();
  a.forEach((c, i) => {
    for (const n of c) labelA.set(n, i);
  });
  const labelB = new Map<string, number>();
  b.forEach((c, i) => {
    for (const n of c) labelB.set(n, i);
  });
  const total = a.reduce((s, c) => s + c.length, 0);
  if (labelA.size !== total || labelB.size !== b.reduce((s, c) => s + c.length, 0)) return null;
  if (labelA.size !== labelB.size) return null;
  for (const n of labelA.keys()) if (!labelB.has(n)) return null;
  const n = total;
  if (n === 0) return 1;
  const joint = new Map<string, number>();
  for (const [node, i] of labelA) {
    const key = `${i},${labelB.get(node)!}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
  }
  const entropy = (sizes: number[]) => sizes.reduce((h, s) => (s > 0 ? h - (s / n) * Math.log(s / n) : h), 0);
  const ha = entropy(a.map((c) => c.length));
  const hb = entropy(b.map((c) => c.length));
  if (ha === 0 && hb === 0) return 1;
  let mi = 0;
  for (const [key, nij] of joint) {
    const [i, j] = key.split(",").map(Number) as [number, number];
    mi += (nij / n) * Math.log((n * nij) / (a[i]!.length * b[j]!.length));
  }
  const denom = (ha + hb) / 2;
  return denom === 0 ? 1 : Math.max(0, Math.min(1, mi / denom));
}

function fmt(x: number): string {
  return x === 0 ? "0" : x.toExponential().replace(/e\+?(-?)0*(\d)/, "e$1$2");
}

/** The tolerance table as Markdown; docs/pcq-metrics.md embeds exactly this text. */
export function toleranceTableMarkdown(): string {
  const rows = Object.entries(TOLERANCES).map(([name, t]) => {
    const floor = t.similarityFloor === undefined ? "—" : `NMI ≥ ${t.similarityFloor}`;
    return `| \`${name}\` | ${fmt(t.rel)} | ${fmt(t.abs)} | ${floor} | ${t.note} |`;
  });
  return ["| metric | rel | abs | partition floor | why |", "| --- | --- | --- | --- | --- |", ...rows].join(
    "\n",
  );
}
