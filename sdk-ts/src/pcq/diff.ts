/**
 * The replay diff report (trustfabric.dev/pcq/report/v1): what was compared and exactly what
 * differs — dataset chunks, result files, implementations and library versions, metric values
 * against their tolerance windows. One zod definition; JSON, text and HTML are renderings of it.
 */
import { z } from "zod";
import type { TreeComparison } from "./checksum-tree.js";
import type { MetricComparison, MetricDelta, Tolerance } from "./tolerance.js";

export const REPORT_SCHEMA = "trustfabric.dev/pcq/report/v1";
/** Deltas kept per metric in a report: the failing ones first (worst first), then the closest to their window. */
export const MAX_DELTAS_PER_METRIC = 50;
/** At most this many failing deltas per metric (a report about a huge graph stays small). */
export const MAX_FAILING_DELTAS = 1000;

const Num = z.number().nullable().describe("null stands for an infinite value (JSON has none)");

export const ReportDelta = z.object({
  key: z.string(),
  expected: z.number(),
  actual: z.number(),
  abs: Num,
  rel: Num,
  allowed: z.number(),
  ok: z.boolean(),
});
export type ReportDelta = z.infer<typeof ReportDelta>;

export const ReportChunk = z.object({
  chunk: z.number().int().describe("leaf index of the chunk, 0-based"),
  path: z.string().describe("L/R steps from the tree's root down to the chunk's leaf"),
  firstRow: z.number().int().describe("first data row of the chunk, 1-based (the header is not a row)"),
  lastRow: z.number().int(),
  expected: z
    .string()
    .nullable()
    .describe("leaf hash in the manifest (hex), null when the manifest has fewer chunks"),
  actual: z
    .string()
    .nullable()
    .describe("leaf hash of the data now (hex), null when the data has fewer chunks"),
});

export const ReportInput = z.object({
  id: z.string(),
  path: z.string(),
  ok: z.boolean(),
  digest: z.object({ expected: z.string(), actual: z.string() }),
  rows: z.object({ expected: z.number().int(), actual: z.number().int() }),
  tree: z.object({
    ok: z.boolean(),
    chunkRows: z.number().int(),
    root: z.object({ expected: z.string(), actual: z.string() }),
    differing: z.number().int().describe("differing chunks in all"),
    chunks: z.array(ReportChunk).describe("the first differing chunks"),
  }),
});

export const ReportOutput = z.object({
  id: z.string(),
  path: z.string(),
  ok: z.boolean(),
  digest: z.object({ expected: z.string(), actual: z.string() }),
});

export const ReportEnvironment = z.object({
  step: z.string(),
  field: z.string().describe("code.name, code.version or libraries.<package>"),
  expected: z.string().nullable(),
  actual: z.string().nullable(),
  severity: z.enum(["error", "warning"]),
});

export const ReportMetric = z.object({
  step: z.string(),
  metric: z.string(),
  spec: z.record(z.string(), z.unknown()),
  ok: z.boolean(),
  compared: z.number().int(),
  failures: z.number().int().describe("values outside the window plus missing/unexpected keys"),
  outside: z.number().int().describe("values outside their window"),
  tolerance: z.object({
    rel: z.number(),
    abs: z.number(),
    note: z.string(),
    similarityFloor: z.number().optional(),
  }),
  message: z.string().optional(),
  deltas: z.array(ReportDelta),
  deltasOmitted: z.number().int().describe("deltas left out of this report (the least severe)"),
});
export type ReportMetric = z.infer<typeof ReportMetric>;

export const ReportDifference = z.object({
  severity: z.enum(["error", "warning"]),
  where: z.string().describe("input:<id>, output:<id>, step:<id> or metric:<step>"),
  message: z.string(),
});
export type ReportDifference = z.infer<typeof ReportDifference>;

export const ReplayReport = z.object({
  schema: z.literal(REPORT_SCHEMA),
  outcome: z.enum(["match", "mismatch"]),
  mode: z
    .enum(["manifest", "golden"])
    .describe("manifest: replay a manifest; golden: a fixture against expected.json"),
  name: z.string(),
  subject: z.object({
    name: z.string().describe("manifest.json, or fixture:<name>"),
    digest: z.string().describe("sha256 of the manifest's (or fixture's) canonical JSON"),
    resultDigest: z.string().optional().describe("sha256 of the result file's (or expected.json's) bytes"),
  }),
  verifier: z.object({ engine: z.string(), node: z.string(), platform: z.string() }),
  inputs: z.array(ReportInput),
  outputs: z.array(ReportOutput),
  environment: z.array(ReportEnvironment),
  metrics: z.array(ReportMetric),
  differences: z.array(ReportDifference).describe("every difference, errors first, one readable line each"),
});
export type ReplayReport = z.infer<typeof ReplayReport>;

const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null);

/** How far outside (>1) or inside (<1) its window a delta is. */
export function severityOf(d: Pick<MetricDelta, "abs" | "allowed">): number {
  if (d.allowed === 0) return d.abs === 0 ? 0 : Number.POSITIVE_INFINITY;
  return d.abs / d.allowed;
}

export function reportMetric(
  step: string,
  spec: { metric: string; params?: unknown },
  tol: Tolerance,
  cmp: MetricComparison,
): ReportMetric {
  const sorted = [...cmp.deltas].sort((a, b) => Number(a.ok) - Number(b.ok) || severityOf(b) - severityOf(a));
  const failing = cmp.deltas.filter((d) => !d.ok).length;
  const kept = sorted.slice(0, Math.max(MAX_DELTAS_PER_METRIC, Math.min(failing, MAX_FAILING_DELTAS)));
  return {
    step,
    metric: spec.metric,
    spec: spec as Record<string, unknown>,
    ok: cmp.ok,
    compared: cmp.compared,
    failures: cmp.failures,
    outside: failing,
    tolerance: { ...tol },
    ...(cmp.message !== undefined ? { message: cmp.message } : {}),
    deltas: kept.map((d) => ({
      key: d.key,
      expected: d.expected,
      actual: d.actual,
      abs: finiteOrNull(d.abs),
      rel: finiteOrNull(d.rel),
      allowed: d.allowed,
      ok: d.ok,
    })),
    deltasOmitted: cmp.deltas.length - kept.length,
  };
}

export function treeDifferences(id: string, cmp: TreeComparison, chunkRows: number): string {
  if (cmp.chunks.length === 0) return `input ${id}: chunking differs (chunks of ${chunkRows} rows)`;
  const first = cmp.chunks[0]!;
  const rows =
    cmp.rows.expected !== cmp.rows.actual
      ? `; ${cmp.rows.expected} rows claimed, ${cmp.rows.actual} now`
      : "";
  return `input ${id}: data differs in chunk ${first.chunk} (rows ${first.firstRow}–${first.lastRow}, tree path ${first.path || "(root)"})${
    cmp.differing > 1 ? ` and ${cmp.differing - 1} more chunk(s)` : ""
  }${rows}`;
}

/** A short number for people: up to 6 significant digits. */
export function fmt(n: number | null): string {
  if (n === null) return "∞";
  if (n === 0) return "0";
  const a = Math.abs(n);
  if (a >= 1e-4 && a < 1e6) return String(Number(n.toPrecision(6)));
  return n.toExponential(3);
}

/** Values outside their window. */
export function outside(m: ReportMetric): number {
  return m.outside;
}

/**
 * What the comparison found besides values outside their window (missing or unexpected keys,
 * a different kind of value): the parts of its message the deltas do not already show.
 */
export function extraMessages(m: ReportMetric): string[] {
  return (m.message ?? "")
    .split(". ")
    .filter((part) => part !== "" && !/value\(s\) outside the window/.test(part));
}

/** One line saying how a metric failed. */
export function metricLine(m: ReportMetric): string {
  const worst = m.deltas.find((d) => !d.ok);
  const parts = [
    `${outside(m)} of ${m.compared} value(s) outside the window (rel ${fmt(m.tolerance.rel)}, abs ${fmt(m.tolerance.abs)})`,
  ];
  if (worst)
    parts.push(
      `worst ${worst.key}: claimed ${fmt(worst.expected)}, replayed ${fmt(worst.actual)}, |Δ| ${fmt(worst.abs)} > allowed ${fmt(worst.allowed)}`,
    );
  parts.push(...extraMessages(m));
  return `metric ${m.step}: ${parts.join("; ")}`;
}

/** The plain-text rendering (the CLI colours it; the SDK never prints). */
export function renderReportText(r: ReplayReport): string[] {
  const lines: string[] = [];
  const head = r.outcome === "match" ? "MATCH" : "MISMATCH";
  lines.push(`${head} ${r.name} (${r.mode}, ${r.subject.name} ${r.subject.digest.slice(0, 19)}…)`);
  for (const inp of r.inputs) {
    lines.push(
      `  input ${inp.id} (${inp.path}): ${inp.ok ? "ok" : "DIFFERS"} — ${inp.rows.actual} rows, ${inp.tree.root.actual === inp.tree.root.expected ? "tree root matches" : "tree root differs"}`,
    );
    for (const c of inp.tree.chunks)
      lines.push(
        `    chunk ${c.chunk} (rows ${c.firstRow}–${c.lastRow}, path ${c.path || "(root)"}) differs`,
      );
    if (inp.tree.differing > inp.tree.chunks.length)
      lines.push(`    … ${inp.tree.differing - inp.tree.chunks.length} more chunk(s)`);
  }
  for (const o of r.outputs)
    if (!o.ok) lines.push(`  output ${o.id} (${o.path}): digest differs from the manifest's`);
  for (const e of r.environment)
    lines.push(
      `  step ${e.step}: ${e.field} ${e.expected ?? "(none)"} → ${e.actual ?? "(none)"} (${e.severity})`,
    );
  for (const m of r.metrics) {
    const tol = `rel ${fmt(m.tolerance.rel)}, abs ${fmt(m.tolerance.abs)}`;
    lines.push(
      `  metric ${m.step}: ${m.ok ? "ok" : "FAILS"} — ${m.compared} compared, ${outside(m)} outside the window (${tol})`,
    );
    for (const d of m.deltas.filter((x) => !x.ok).slice(0, 5))
      lines.push(
        `    ${d.key}: claimed ${fmt(d.expected)}, replayed ${fmt(d.actual)}, |Δ| ${fmt(d.abs)} > allowed ${fmt(d.allowed)}`,
      );
    if (m.failures > 0) for (const part of extraMessages(m)) lines.push(`    ${part}`);
  }
  return lines;
}
