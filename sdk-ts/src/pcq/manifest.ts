/**
 * Provenance manifests (trustfabric.dev/pcq/manifest/v1): what a result was computed from
 * (datasets with checksum trees), how (pipeline steps with implementation ids and library
 * versions), with which parameters and seed, what it claims (result file digests) and where
 * (runtime environment). One zod definition; the JSON Schema is exported from it.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, normalize, relative, resolve } from "node:path";
import { z } from "zod";
import { digestBytes, digestJson } from "../core/canonical.js";
import { decodeUtf8, utf8 } from "../core/encoding.js";
import { TfError, toTfError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fsutil.js";
import { ENGINE_VERSION } from "../version.js";
import { buildChecksumTree, ChecksumTree, DEFAULT_CHUNK_ROWS } from "./checksum-tree.js";
import { buildGraph, type EdgeRow, parseEdgeCsv } from "./graph.js";
import { computeMetric, MetricSpec, MetricValue } from "./metrics.js";

export const MANIFEST_SCHEMA = "trustfabric.dev/pcq/manifest/v1";
export const RESULT_SCHEMA = "trustfabric.dev/pcq/result/v1";
export const MANIFEST_FILE = "manifest.json";
export const RESULT_FILE = "result.json";

const Digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be sha256:<64 hex digits>");
const Id = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, "must be an identifier (letters, digits, _ . -)");
const RelPath = z
  .string()
  .min(1)
  .refine(
    (p) => !isAbsolute(p) && !normalize(p).startsWith("..") && !p.includes("\\"),
    "must be a relative path inside the manifest's directory",
  );
const Json: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(Json), z.record(z.string(), Json)]),
);

export const ManifestInput = z.object({
  id: Id.describe("name the pipeline refers to"),
  path: RelPath.describe("the dataset file, relative to the manifest"),
  format: z.literal("csv").describe("edge list: CSV with a source,target[,weight] header"),
  size: z.number().int().min(0).describe("file size in bytes"),
  digest: Digest.describe("SHA-256 of the file's bytes"),
  options: z.object({ directed: z.boolean(), weighted: z.boolean() }).strict(),
  checksumTree: ChecksumTree,
});

const Code = z
  .object({
    name: z.string().min(1).describe("the implementation, e.g. trustfabric.dev/pcq/metric/pagerank"),
    version: z.string().min(1).describe("engine version that ran it"),
    digest: Digest.describe("SHA-256 of the canonical {name, version}"),
  })
  .strict();

export const PipelineStep = z
  .object({
    id: Id,
    kind: z.enum(["transform", "metric"]),
    op: z.string().min(1).describe("graph for transforms; a metric name for metrics"),
    inputs: z.array(Id).min(1).describe("ids of the inputs or steps this step reads"),
    params: z.record(z.string(), Json).describe("parameters as given to the implementation"),
    code: Code,
    libraries: z.record(z.string(), z.string()).describe("package versions the implementation used"),
  })
  .strict();
export type PipelineStep = z.infer<typeof PipelineStep>;

export const ManifestOutput = z
  .object({
    id: Id,
    path: RelPath,
    format: z.literal(RESULT_SCHEMA),
    size: z.number().int().min(0),
    digest: Digest.describe("SHA-256 of the result file's bytes"),
    steps: z.array(Id).describe("metric steps whose values the file holds"),
  })
  .strict();

export const Runtime = z
  .object({
    node: z.string(),
    platform: z.string().describe("process.platform-process.arch"),
    engine: z.string().describe("Trust Fabric engine version"),
  })
  .strict();

export const Manifest = z
  .object({
    schema: z.literal(MANIFEST_SCHEMA),
    name: Id,
    description: z.string().optional(),
    inputs: z.array(ManifestInput.strict()).min(1),
    pipeline: z.array(PipelineStep).min(1),
    parameters: z.record(z.string(), Json).describe("named parameters the steps were given"),
    hyperparameters: z.record(z.string(), Json).describe("named tuning knobs (e.g. louvain resolution)"),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .nullable()
      .describe("RNG seed (null: nothing random)"),
    modelCard: z
      .object({ digest: Digest, uri: z.string().optional() })
      .strict()
      .optional()
      .describe("hash of the model card the result belongs to"),
    outputs: z.array(ManifestOutput).min(1),
    runtime: Runtime,
  })
  .strict()
  .superRefine((m, ctx) => {
    const ids = new Set<string>();
    const known = new Set<string>();
    m.inputs.forEach((inp, i) => {
      if (ids.has(inp.id))
        ctx.addIssue({ code: "custom", path: ["inputs", i, "id"], message: "duplicate id" });
      ids.add(inp.id);
      known.add(inp.id);
    });
    m.pipeline.forEach((s, i) => {
      if (ids.has(s.id))
        ctx.addIssue({ code: "custom", path: ["pipeline", i, "id"], message: "duplicate id" });
      ids.add(s.id);
      s.inputs.forEach((ref, j) => {
        if (!known.has(ref))
          ctx.addIssue({
            code: "custom",
            path: ["pipeline", i, "inputs", j],
            message: `refers to ${ref}, which is not an earlier input or step`,
          });
      });
      if (s.kind === "metric") {
        const spec = MetricSpec.safeParse({ metric: s.op, params: s.params });
        if (!spec.success) {
          const issue = spec.error.issues[0]!;
          const sub = issue.path[0] === "metric" ? ["op"] : issue.path;
          ctx.addIssue({ code: "custom", path: ["pipeline", i, ...sub], message: issue.message });
        }
      }
      known.add(s.id);
    });
    const metricIds = new Set(m.pipeline.filter((s) => s.kind === "metric").map((s) => s.id));
    m.outputs.forEach((o, i) => {
      o.steps.forEach((st, j) => {
        if (!metricIds.has(st))
          ctx.addIssue({
            code: "custom",
            path: ["outputs", i, "steps", j],
            message: `${st} is not a metric step`,
          });
      });
    });
    m.inputs.forEach((inp, i) => {
      const t = inp.checksumTree;
      if (t.leaves.length !== Math.ceil(t.rows / t.chunkRows))
        ctx.addIssue({
          code: "custom",
          path: ["inputs", i, "checksumTree", "leaves"],
          message: `${t.rows} rows in chunks of ${t.chunkRows} need ${Math.ceil(t.rows / t.chunkRows)} leaves`,
        });
    });
  });
export type Manifest = z.infer<typeof Manifest>;

export const ResultDocument = z
  .object({
    schema: z.literal(RESULT_SCHEMA),
    results: z.array(
      z.object({
        step: Id,
        spec: z.object({ metric: z.string(), params: z.record(z.string(), Json).optional() }),
        value: MetricValue,
      }),
    ),
  })
  .strict();
export type ResultDocument = z.infer<typeof ResultDocument>;

/** Parses JSON text, checks the schema version, then the shape; errors name the field path. */
function parseVersioned<T>(
  input: string | Uint8Array | unknown,
  schema: z.ZodType<T>,
  family: string,
  version: string,
  code: "TF_PCQ_MANIFEST_INVALID" | "TF_PCQ_RESULT_INVALID" | "TF_PCQ_RECEIPT_MALFORMED",
  file: string,
): T {
  let value: unknown = input;
  if (typeof input === "string" || input instanceof Uint8Array) {
    const text = typeof input === "string" ? input : decodeUtf8(input, file);
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new TfError(code, `${file} is not valid JSON: ${(e as Error).message}`, {
        cause: e,
        details: { file, path: "(document)" },
      });
    }
  }
  const declared = (value as { schema?: unknown } | null)?.schema;
  if (typeof declared === "string" && declared.startsWith(`${family}/`) && declared !== version) {
    throw new TfError(
      "TF_PCQ_SCHEMA_VERSION",
      `${file} has schema ${declared}; this verifier reads ${version}`,
      {
        details: { file, path: "schema", found: declared, supported: [version] },
      },
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = formatPath(issue.path);
    throw new TfError(code, `${file}: ${path}: ${issue.message}`, {
      details: {
        file,
        path,
        issues: parsed.error.issues
          .slice(0, 10)
          .map((i) => ({ path: formatPath(i.path), message: i.message })),
      },
    });
  }
  return parsed.data;
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(document)";
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

export function parseManifest(input: string | Uint8Array | unknown, file = MANIFEST_FILE): Manifest {
  return parseVersioned(
    input,
    Manifest,
    "trustfabric.dev/pcq/manifest",
    MANIFEST_SCHEMA,
    "TF_PCQ_MANIFEST_INVALID",
    file,
  );
}

export function parseResult(input: string | Uint8Array | unknown, file = RESULT_FILE): ResultDocument {
  return parseVersioned(
    input,
    ResultDocument,
    "trustfabric.dev/pcq/result",
    RESULT_SCHEMA,
    "TF_PCQ_RESULT_INVALID",
    file,
  );
}

/** The manifest's identity: SHA-256 of its canonical JSON (RFC 8785), so formatting does not matter. */
export function manifestDigest(m: Manifest): string {
  return digestJson(m);
}

// ---- implementations and their versions ---------------------------------------------------

/** Packages each step kind runs on; their versions are read from their package.json at runtime. */
const LIBRARIES: Record<string, readonly string[]> = {
  graph: ["graphology"],
  degree: ["graphology"],
  betweenness: ["graphology", "graphology-metrics"],
  closeness: ["graphology", "graphology-metrics"],
  pagerank: ["graphology", "graphology-metrics"],
  components: ["graphology", "graphology-components"],
  k_shortest_paths: ["graphology", "graphology-shortest-path"],
  clustering: ["graphology"],
  triangles: ["graphology"],
  louvain: ["graphology", "graphology-communities-louvain"],
};

const versionCache = new Map<string, string>();

/** A package's version from its package.json, or "unknown" when it is bundled without one. */
export function packageVersion(name: string): string {
  const cached = versionCache.get(name);
  if (cached) return cached;
  let version = "unknown";
  try {
    // ESM (source, dist/index.js): resolve from this module; CJS (dist/index.cjs): import.meta is empty.
    const here = (import.meta as { url?: string }).url;
    const req = typeof here === "string" ? createRequire(here) : require;
    // Resolve the entry point, then walk up to the package's own package.json (not every
    // package exports ./package.json).
    let dir = dirname(req.resolve(name));
    for (let i = 0; i < 6; i++) {
      const p = join(dir, "package.json");
      if (existsSync(p)) {
        const pkg = JSON.parse(readFileSync(p, "utf8")) as { name?: string; version?: string };
        if (pkg.name === name && typeof pkg.version === "string") {
          version = pkg.version;
          break;
        }
      }
      dir = dirname(dir);
    }
  } catch {
    version = "unknown";
  }
  versionCache.set(name, version);
  return version;
}

export function librariesFor(op: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of LIBRARIES[op] ?? ["graphology"]) out[name] = packageVersion(name);
  return out;
}

export function codeFor(kind: "transform" | "metric", op: string): z.infer<typeof Code> {
  const name = `trustfabric.dev/pcq/${kind}/${op}`;
  return { name, version: ENGINE_VERSION, digest: digestJson({ name, version: ENGINE_VERSION }) };
}

export function currentRuntime(): z.infer<typeof Runtime> {
  return { node: process.version, platform: `${process.platform}-${process.arch}`, engine: ENGINE_VERSION };
}

// ---- plans: what the DSL compiles to and createManifest runs ------------------------------

export interface PlanSource {
  id: string;
  path: string;
  directed: boolean;
  weighted: boolean;
}
export interface PlanTransform {
  id: string;
  op: "graph";
  input: string;
}
export interface PlanMetric {
  id: string;
  graph: string;
  spec: MetricSpec;
}
export interface ProvenancePlan {
  name: string;
  description?: string;
  sources: PlanSource[];
  transforms: PlanTransform[];
  metrics: PlanMetric[];
  seed: number | null;
  parameters?: Record<string, unknown>;
  hyperparameters?: Record<string, unknown>;
  modelCard?: { digest: string; uri?: string };
  chunkRows?: number;
  resultPath?: string;
}

export interface CreatedManifest {
  manifest: Manifest;
  result: ResultDocument;
  /** The exact bytes to write (the digests in the manifest are over these). */
  manifestText: string;
  resultText: string;
}

/** A randomized metric without its own seed takes the manifest's (the seed is then explicit in its params). */
export function withSeed(spec: unknown, seed: number | null): unknown {
  const s = spec as { metric?: unknown; params?: Record<string, unknown> } | null;
  if (s && s.metric === "louvain" && seed !== null && s.params?.seed === undefined)
    return { ...s, params: { ...(s.params ?? {}), seed } };
  return spec;
}

/** Parses a dataset's bytes as the manifest input says. */
export function loadInput(bytes: Uint8Array, path: string): EdgeRow[] {
  let text: string;
  try {
    text = decodeUtf8(bytes, path);
  } catch (e) {
    throw new TfError("TF_PCQ_DATASET_INVALID", `${path} is not UTF-8 text`, {
      cause: e,
      details: { file: path },
    });
  }
  return parseEdgeCsv(text, path);
}

/**
 * Runs a plan on the given files (name → bytes) and builds the manifest and result documents.
 * Pure: nothing is written; the caller writes resultText then manifestText.
 */
export function buildManifest(plan: ProvenancePlan, files: ReadonlyMap<string, Uint8Array>): CreatedManifest {
  const chunkRows = plan.chunkRows ?? DEFAULT_CHUNK_ROWS;
  const inputs: Manifest["inputs"] = [];
  const rowsById = new Map<string, { rows: EdgeRow[]; source: PlanSource }>();
  for (const src of plan.sources) {
    const bytes = files.get(src.path);
    if (!bytes)
      throw new TfError("TF_PCQ_FILE_MISSING", `The dataset ${src.path} of source ${src.id} was not given`, {
        details: { file: src.path, source: src.id },
      });
    const rows = loadInput(bytes, src.path);
    rowsById.set(src.id, { rows, source: src });
    inputs.push({
      id: src.id,
      path: src.path,
      format: "csv",
      size: bytes.length,
      digest: digestBytes(bytes),
      options: { directed: src.directed, weighted: src.weighted },
      checksumTree: buildChecksumTree(rows, chunkRows),
    });
  }
  const graphs = new Map<string, ReturnType<typeof buildGraph>>();
  const pipeline: PipelineStep[] = [];
  for (const t of plan.transforms) {
    const input = rowsById.get(t.input);
    if (!input)
      throw new TfError(
        "TF_PCQ_MANIFEST_INVALID",
        `Transform ${t.id} reads ${t.input}, which is not a source`,
        {
          details: { path: `transform ${t.id}` },
        },
      );
    graphs.set(
      t.id,
      buildGraph(input.rows, { directed: input.source.directed, weighted: input.source.weighted }),
    );
    pipeline.push({
      id: t.id,
      kind: "transform",
      op: t.op,
      inputs: [t.input],
      params: {},
      code: codeFor("transform", t.op),
      libraries: librariesFor(t.op),
    });
  }
  const results: ResultDocument["results"] = [];
  for (const m of plan.metrics) {
    const g = graphs.get(m.graph);
    if (!g)
      throw new TfError(
        "TF_PCQ_MANIFEST_INVALID",
        `Metric ${m.id} reads ${m.graph}, which is not a graph transform`,
        {
          details: { path: `metric ${m.id}` },
        },
      );
    const value = computeMetric(g, m.spec);
    results.push({ step: m.id, spec: m.spec as never, value: value as never });
    pipeline.push({
      id: m.id,
      kind: "metric",
      op: m.spec.metric,
      inputs: [m.graph],
      params: (m.spec.params ?? {}) as Record<string, unknown>,
      code: codeFor("metric", m.spec.metric),
      libraries: librariesFor(m.spec.metric),
    });
  }
  const result: ResultDocument = { schema: RESULT_SCHEMA, results };
  const resultText = `${JSON.stringify(result, null, 2)}\n`;
  // Refuse to claim values JSON cannot carry (NaN, Infinity) before anything is written.
  parseResult(resultText, plan.resultPath ?? RESULT_FILE);
  const resultBytes = utf8(resultText);
  const manifestValue = {
    schema: MANIFEST_SCHEMA,
    name: plan.name,
    ...(plan.description !== undefined ? { description: plan.description } : {}),
    inputs,
    pipeline,
    parameters: plan.parameters ?? {},
    hyperparameters: plan.hyperparameters ?? {},
    seed: plan.seed,
    ...(plan.modelCard ? { modelCard: plan.modelCard } : {}),
    outputs: [
      {
        id: "result",
        path: plan.resultPath ?? RESULT_FILE,
        format: RESULT_SCHEMA,
        size: resultBytes.length,
        digest: digestBytes(resultBytes),
        steps: plan.metrics.map((m) => m.id),
      },
    ],
    runtime: currentRuntime(),
  };
  const manifest = parseManifest(manifestValue);
  return { manifest, result, manifestText: `${JSON.stringify(manifest, null, 2)}\n`, resultText };
}

export interface CreateManifestOptions {
  /** The dataset file (CSV edge list). */
  dataset: string;
  /** Metric specs {metric, params}; checked here (a Louvain spec may leave its seed to `seed`). */
  metrics: readonly { metric: string; params?: Record<string, unknown> }[];
  seed?: number | null;
  directed?: boolean;
  weighted?: boolean;
  name?: string;
  /** Where manifest.json and result.json go (default: the dataset's directory). */
  outDir?: string;
  chunkRows?: number;
  modelCard?: { digest: string; uri?: string };
}

/** A plan for the common case: one dataset, one graph, a list of metrics. */
export function simplePlan(
  o: Omit<CreateManifestOptions, "outDir" | "dataset"> & { datasetPath: string },
): ProvenancePlan {
  const specs = o.metrics.map((m, i) => {
    const parsed = MetricSpec.safeParse(withSeed(m, o.seed ?? null));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new TfError(
        "TF_PCQ_METRIC_INVALID",
        `metrics[${i}]: ${formatPath(issue.path)}: ${issue.message}`,
        {
          details: { path: `metrics[${i}].${formatPath(issue.path)}` },
        },
      );
    }
    return parsed.data;
  });
  const used = new Map<string, number>();
  return {
    name: o.name ?? "result",
    sources: [
      { id: "edges", path: o.datasetPath, directed: o.directed ?? false, weighted: o.weighted ?? false },
    ],
    transforms: [{ id: "g", op: "graph", input: "edges" }],
    metrics: specs.map((spec) => {
      const n = (used.get(spec.metric) ?? 0) + 1;
      used.set(spec.metric, n);
      return { id: n === 1 ? spec.metric : `${spec.metric}-${n}`, graph: "g", spec };
    }),
    seed: o.seed ?? null,
    chunkRows: o.chunkRows,
    modelCard: o.modelCard,
  };
}

/**
 * Computes the result of the metrics on a dataset and writes manifest.json and result.json
 * beside each other (each atomically; the result first, so a manifest never names a missing file).
 */
export function createManifest(
  o: CreateManifestOptions,
): CreatedManifest & { manifestPath: string; resultPath: string } {
  const outDir = resolve(o.outDir ?? dirname(o.dataset));
  const datasetAbs = resolve(o.dataset);
  let rel = relative(outDir, datasetAbs);
  if (isAbsolute(rel) || rel.startsWith("..")) {
    throw new TfError(
      "TF_INPUT_INVALID",
      "The dataset must be inside the output directory (paths in a manifest are relative)",
      {
        details: { path: "dataset", dataset: o.dataset, outDir },
      },
    );
  }
  rel = rel.split("\\").join("/");
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(datasetAbs);
  } catch (e) {
    throw toTfError(e);
  }
  const created = buildManifest(simplePlan({ ...o, datasetPath: rel }), new Map([[rel, bytes]]));
  const resultPath = join(outDir, RESULT_FILE);
  const manifestPath = join(outDir, MANIFEST_FILE);
  writeFileAtomic(resultPath, created.resultText);
  writeFileAtomic(manifestPath, created.manifestText);
  return { ...created, manifestPath, resultPath };
}
