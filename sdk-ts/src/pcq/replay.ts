/**
 * Deterministic replay. A manifest's datasets are re-read and their checksum trees rebuilt,
 * its result file is checked against its digest, every metric is recomputed from the data as
 * it is now and compared with the claimed value under TOLERANCES. A fixture directory is
 * replayed the same way against its expected.json (golden mode).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, posix } from "node:path";
import { canonicalJson, digestBytes, digestJson } from "../core/canonical.js";
import { decodeUtf8, utf8 } from "../core/encoding.js";
import { TfError, toTfError } from "../core/errors.js";
import { buildChecksumTree, compareChecksumTrees } from "./checksum-tree.js";
import {
  metricLine,
  REPORT_SCHEMA,
  type ReplayReport,
  type ReportDifference,
  reportMetric,
  treeDifferences,
} from "./diff.js";
import { parseExpectedDoc, parseFixtureDoc } from "./fixtures.js";
import { buildGraph, type EdgeRow, parseEdgeCsv } from "./graph.js";
import {
  codeFor,
  currentRuntime,
  librariesFor,
  loadInput,
  MANIFEST_FILE,
  type Manifest,
  manifestDigest,
  parseManifest,
  parseResult,
} from "./manifest.js";
import { computeMetric, type MetricValue, parseMetricSpec } from "./metrics.js";
import { compareMetric, TOLERANCES } from "./tolerance.js";

export const FIXTURE_FILE = "fixture.json";
/** Largest file a replay target may hold (bytes). */
export const MAX_REPLAY_FILE = 64 * 1024 * 1024;

/** A replay target as contents: the entry file (a manifest or fixture.json) and the files beside it. */
export interface ReplayFiles {
  /** Name of the entry in `files`: a manifest (any name) or `fixture.json`. */
  entry: string;
  /** Relative, '/'-separated names → bytes. */
  files: ReadonlyMap<string, Uint8Array>;
}

function readBytes(path: string): Uint8Array {
  try {
    const st = statSync(path);
    if (!st.isFile())
      throw new TfError("TF_FILE_UNREADABLE", `${path} is not a regular file`, { details: { path } });
    if (st.size > MAX_REPLAY_FILE)
      throw new TfError("TF_FILE_TOO_LARGE", `${path} is larger than ${MAX_REPLAY_FILE} bytes`, {
        details: { path },
      });
    return readFileSync(path);
  } catch (e) {
    throw toTfError(e);
  }
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Reads a target from disk: a manifest file, a directory holding manifest.json, or a fixture
 * directory (fixture.json + its files). Files a manifest names but that are absent are left out;
 * replay reports them as TF_PCQ_FILE_MISSING.
 */
export function readReplayTarget(target: string): ReplayFiles {
  if (!existsSync(target))
    throw new TfError("TF_FILE_NOT_FOUND", `${target} does not exist`, { details: { path: target } });
  if (isDir(target)) {
    if (existsSync(join(target, MANIFEST_FILE))) return readManifestTarget(join(target, MANIFEST_FILE));
    if (existsSync(join(target, FIXTURE_FILE))) {
      const files = new Map<string, Uint8Array>();
      for (const name of readdirSync(target).sort()) {
        const p = join(target, name);
        if (statSync(p).isFile()) files.set(name, readBytes(p));
      }
      return { entry: FIXTURE_FILE, files };
    }
    throw new TfError("TF_FILE_NOT_FOUND", `${target} holds neither ${MANIFEST_FILE} nor ${FIXTURE_FILE}`, {
      details: { path: target },
      remedy: "Pass a manifest file, a directory with manifest.json, or a fixture directory.",
    });
  }
  if (basename(target) === FIXTURE_FILE) return readReplayTarget(dirname(target));
  return readManifestTarget(target);
}

function readManifestTarget(path: string): ReplayFiles {
  const entry = basename(path);
  const bytes = readBytes(path);
  const files = new Map<string, Uint8Array>([[entry, bytes]]);
  const manifest = parseManifest(bytes, path);
  const dir = dirname(path);
  for (const p of [...manifest.inputs.map((i) => i.path), ...manifest.outputs.map((o) => o.path)]) {
    const abs = join(dir, ...p.split("/"));
    if (existsSync(abs)) files.set(posix.normalize(p), readBytes(abs));
  }
  return { entry, files };
}

/** Replays a target on disk (see readReplayTarget). */
export function replay(target: string): ReplayReport {
  return replayFiles(readReplayTarget(target));
}

/** Replays a target given as contents (what the pcq.replay operation receives). */
export function replayFiles(t: ReplayFiles): ReplayReport {
  const entryBytes = t.files.get(t.entry);
  if (!entryBytes)
    throw new TfError("TF_PCQ_FILE_MISSING", `The entry ${t.entry} is not among the files given`, {
      details: { file: t.entry },
    });
  if (posix.basename(t.entry) === FIXTURE_FILE) return replayGolden(t);
  return replayManifest(t.entry, parseManifest(entryBytes, t.entry), t.files);
}

function verifierInfo(): ReplayReport["verifier"] {
  const rt = currentRuntime();
  return { engine: rt.engine, node: rt.node, platform: rt.platform };
}

function sortDifferences(d: ReportDifference[]): ReportDifference[] {
  return [...d.filter((x) => x.severity === "error"), ...d.filter((x) => x.severity === "warning")];
}

function replayManifest(
  entry: string,
  manifest: Manifest,
  files: ReadonlyMap<string, Uint8Array>,
): ReplayReport {
  const base = posix.dirname(entry.split("\\").join("/"));
  const fileOf = (p: string, what: string): Uint8Array => {
    const key = posix.normalize(base === "." ? p : posix.join(base, p));
    const bytes = files.get(key) ?? files.get(posix.normalize(p));
    if (!bytes)
      throw new TfError("TF_PCQ_FILE_MISSING", `The ${what} ${p} named by the manifest is missing`, {
        details: { file: p },
      });
    return bytes;
  };
  const differences: ReportDifference[] = [];
  const inputs: ReplayReport["inputs"] = [];
  const rowsById = new Map<string, { rows: EdgeRow[]; directed: boolean; weighted: boolean }>();
  for (const inp of manifest.inputs) {
    const bytes = fileOf(inp.path, "dataset");
    const rows = loadInput(bytes, inp.path);
    rowsById.set(inp.id, { rows, ...inp.options });
    const claimed = inp.checksumTree;
    const now = buildChecksumTree(rows, claimed.chunkRows);
    const cmp = compareChecksumTrees(claimed, now);
    const digest = digestBytes(bytes);
    inputs.push({
      id: inp.id,
      path: inp.path,
      ok: cmp.ok,
      digest: { expected: inp.digest, actual: digest },
      rows: { expected: claimed.rows, actual: now.rows },
      tree: {
        ok: cmp.ok,
        chunkRows: claimed.chunkRows,
        root: { expected: claimed.root, actual: now.root },
        differing: cmp.differing,
        chunks: cmp.chunks,
      },
    });
    if (!cmp.ok)
      differences.push({
        severity: "error",
        where: `input:${inp.id}`,
        message: treeDifferences(inp.id, cmp, claimed.chunkRows),
      });
    else if (digest !== inp.digest)
      differences.push({
        severity: "warning",
        where: `input:${inp.id}`,
        message: `input ${inp.id}: the file's bytes changed but its rows did not (formatting only)`,
      });
  }

  const outputs: ReplayReport["outputs"] = [];
  const claims = new Map<string, { spec: unknown; value: MetricValue }>();
  let resultDigest: string | undefined;
  for (const out of manifest.outputs) {
    const bytes = fileOf(out.path, "result file");
    const digest = digestBytes(bytes);
    resultDigest ??= digest;
    const ok = digest === out.digest;
    outputs.push({ id: out.id, path: out.path, ok, digest: { expected: out.digest, actual: digest } });
    if (!ok)
      differences.push({
        severity: "error",
        where: `output:${out.id}`,
        message: `output ${out.id}: ${out.path} is not the file the manifest names (digest differs)`,
      });
    const doc = parseResult(bytes, out.path);
    for (const r of doc.results) claims.set(r.step, { spec: r.spec, value: r.value as MetricValue });
  }

  const environment: ReplayReport["environment"] = [];
  const graphs = new Map<string, ReturnType<typeof buildGraph>>();
  const metrics: ReplayReport["metrics"] = [];
  for (const step of manifest.pipeline) {
    const code = codeFor(step.kind, step.op);
    const env = (
      field: string,
      expected: string | null,
      actual: string | null,
      severity: "error" | "warning",
    ) => {
      environment.push({ step: step.id, field, expected, actual, severity });
      differences.push({
        severity,
        where: `step:${step.id}`,
        message: `step ${step.id}: ${field} was ${expected ?? "(none)"}, the verifier runs ${actual ?? "(none)"}`,
      });
    };
    if (step.code.name !== code.name) env("code.name", step.code.name, code.name, "error");
    else if (step.code.version !== code.version)
      env("code.version", step.code.version, code.version, "warning");
    const libs = librariesFor(step.op);
    for (const name of new Set([...Object.keys(step.libraries), ...Object.keys(libs)]).values()) {
      const e = step.libraries[name] ?? null;
      const a = libs[name] ?? null;
      if (e !== a) env(`libraries.${name}`, e, a, "warning");
    }
    if (step.kind === "transform") {
      if (step.op !== "graph") continue;
      const src = rowsById.get(step.inputs[0]!);
      if (!src) throw readsMissing(`Step ${step.id}`, step, "an input");
      graphs.set(step.id, buildGraph(src.rows, { directed: src.directed, weighted: src.weighted }));
      continue;
    }
    const spec = parseMetricSpec({ metric: step.op, params: step.params });
    const g = graphs.get(step.inputs[0]!);
    if (!g) throw readsMissing(`Metric ${step.id}`, step, "a graph");
    const claim = claims.get(step.id);
    const tol = TOLERANCES[spec.metric];
    if (!claim) {
      metrics.push({
        step: step.id,
        metric: spec.metric,
        spec: spec as unknown as Record<string, unknown>,
        ok: false,
        compared: 0,
        failures: 1,
        outside: 0,
        tolerance: { ...tol },
        message: "the result file has no value for this step",
        deltas: [],
        deltasOmitted: 0,
      });
      differences.push({
        severity: "error",
        where: `metric:${step.id}`,
        message: `metric ${step.id}: no claimed value in the result file`,
      });
      continue;
    }
    if (canonicalJson(claim.spec) !== canonicalJson(spec)) {
      const claimed = parseMetricSpec(claim.spec);
      if (canonicalJson(claimed) !== canonicalJson(spec))
        differences.push({
          severity: "error",
          where: `metric:${step.id}`,
          message: `metric ${step.id}: the result file's spec ${canonicalJson(claim.spec)} is not the manifest's ${canonicalJson(spec)}`,
        });
    }
    const actual = computeMetric(g, spec);
    const cmp = compareMetric(spec, claim.value, actual);
    const rm = reportMetric(step.id, spec, tol, cmp);
    metrics.push(rm);
    if (!cmp.ok) differences.push({ severity: "error", where: `metric:${step.id}`, message: metricLine(rm) });
  }
  const sorted = sortDifferences(differences);
  return {
    schema: REPORT_SCHEMA,
    outcome: sorted.some((d) => d.severity === "error") ? "mismatch" : "match",
    mode: "manifest",
    name: manifest.name,
    subject: {
      name: basename(entry),
      digest: manifestDigest(manifest),
      ...(resultDigest ? { resultDigest } : {}),
    },
    verifier: verifierInfo(),
    inputs,
    outputs,
    environment,
    metrics,
    differences: sorted,
  };
}

/** Golden mode: recompute each of the fixture's metrics and compare with expected.json. */
function replayGolden(t: ReplayFiles): ReplayReport {
  const base = posix.dirname(t.entry);
  const text = (name: string, required: boolean): string | undefined => {
    const bytes = t.files.get(base === "." ? name : posix.join(base, name));
    if (!bytes) {
      if (!required) return undefined;
      throw new TfError("TF_PCQ_FILE_MISSING", `The fixture has no ${name}`, { details: { file: name } });
    }
    return decodeUtf8(bytes, name);
  };
  const fixture = parseFixtureDoc(text(FIXTURE_FILE, true)!, FIXTURE_FILE);
  const edgesCsv = text("edges.csv", true)!;
  const rows = parseEdgeCsv(edgesCsv, "edges.csv");
  const expectedText = text("expected.json", false);
  if (expectedText === undefined)
    throw new TfError(
      "TF_PCQ_FILE_MISSING",
      `The fixture ${fixture.name} has no expected.json to replay against`,
      {
        details: { file: "expected.json" },
        remedy: "Generate expected.json for the fixture (docs/pcq-metrics.md), or replay a manifest instead.",
      },
    );
  const expected = parseExpectedDoc(expectedText, "expected.json");
  const g = buildGraph(rows, { directed: fixture.directed, weighted: fixture.weighted });
  const byCanonical = new Map(expected.results.map((r) => [canonicalJson(r.spec), r.value]));
  const differences: ReportDifference[] = [];
  const metrics: ReplayReport["metrics"] = [];
  const used = new Map<string, number>();
  for (const spec of fixture.metrics) {
    const n = (used.get(spec.metric) ?? 0) + 1;
    used.set(spec.metric, n);
    const step = n === 1 ? spec.metric : `${spec.metric}-${n}`;
    const tol = TOLERANCES[spec.metric];
    const value = byCanonical.get(canonicalJson(spec));
    if (!value) {
      metrics.push({
        step,
        metric: spec.metric,
        spec: spec as unknown as Record<string, unknown>,
        ok: false,
        compared: 0,
        failures: 1,
        outside: 0,
        tolerance: { ...tol },
        message: "expected.json has no value for this spec",
        deltas: [],
        deltasOmitted: 0,
      });
      differences.push({
        severity: "error",
        where: `metric:${step}`,
        message: `metric ${step}: expected.json has no value for it`,
      });
      continue;
    }
    const rm = reportMetric(step, spec, tol, compareMetric(spec, value, computeMetric(g, spec)));
    metrics.push(rm);
    if (!rm.ok) differences.push({ severity: "error", where: `metric:${step}`, message: metricLine(rm) });
  }
  const tree = buildChecksumTree(rows);
  return {
    schema: REPORT_SCHEMA,
    outcome: differences.length ? "mismatch" : "match",
    mode: "golden",
    name: fixture.name,
    subject: {
      name: `fixture:${fixture.name}`,
      digest: digestJson({ fixture, dataset: tree.root }),
      resultDigest: digestBytes(utf8(expectedText)),
    },
    verifier: verifierInfo(),
    inputs: [],
    outputs: [],
    environment: [],
    metrics,
    differences,
  };
}

/** A pipeline step whose input names nothing of the kind it needs. */
function readsMissing(who: string, step: { id: string; inputs: readonly string[] }, what: string): TfError {
  return new TfError("TF_PCQ_MANIFEST_INVALID", `${who} reads ${step.inputs[0]}, which is not ${what}`, {
    details: { path: `pipeline.${step.id}.inputs` },
  });
}
