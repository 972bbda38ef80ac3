/**
 * PCQ fixtures: seeded graph generators and the fixture directory format
 * (fixture.json + edges.csv + expected.json) that goldens and the replay verifier read.
 * Generators use pure-rand (xoroshiro128+), never Math.random: the same inputs give
 * byte-identical edges.csv on every machine.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { z } from "zod";
import { TfError, toTfError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fsutil.js";
import { type EdgeRow, formatEdgeCsv, parseEdgeCsv } from "./graph.js";
import { MetricSpec, MetricValue } from "./metrics.js";

export const FIXTURE_SCHEMA = "trustfabric.dev/pcq/fixture/v1";
export const EXPECTED_SCHEMA = "trustfabric.dev/pcq/expected/v1";

export const SHAPES = [
  "power-law",
  "erdos-renyi",
  "bipartite",
  "star",
  "path",
  "ring",
  "grid",
  "complete",
  "small-world",
  "community",
  "tree",
  "dag",
] as const;
export type Shape = (typeof SHAPES)[number];

/** Generator parameters; every field but shape/nodes/seed has a documented default. */
export const GeneratorParams = z
  .object({
    shape: z.enum(SHAPES),
    nodes: z.number().int().min(1).max(1_000_000),
    seed: z.number().int().min(0).max(0x7fffffff),
    directed: z.boolean().optional().describe("default false (true for dag)"),
    weighted: z.boolean().default(false).describe("integer weights drawn uniformly from 1..maxWeight"),
    maxWeight: z.number().int().min(1).max(1_000_000).default(10),
    m: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("power-law: edges per new node (2); dag: max citations (3)"),
    edges: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("erdos-renyi / bipartite: number of edges (2·nodes, capped at the possible pairs)"),
    k: z.number().int().min(2).optional().describe("small-world: ring-lattice degree, even (4)"),
    p: z.number().min(0).max(1).optional().describe("small-world: rewiring probability (0.1)"),
    communities: z.number().int().min(1).optional().describe("community: number of blocks (4)"),
    pIn: z.number().min(0).max(1).optional().describe("community: edge probability inside a block (0.3)"),
    pOut: z.number().min(0).max(1).optional().describe("community: edge probability across blocks (0.01)"),
  })
  .strict();
export type GeneratorParams = z.input<typeof GeneratorParams>;

export interface GeneratedGraph {
  rows: EdgeRow[];
  directed: boolean;
  weighted: boolean;
}

const HandGenerator = z.object({ source: z.enum(["hand", "real-world-shaped"]), note: z.string() }).strict();

export const FixtureDoc = z
  .object({
    schema: z.literal(FIXTURE_SCHEMA),
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "lowercase letters, digits, '.', '_' and '-'"),
    description: z.string(),
    shape: z.string().min(1),
    generator: z.union([HandGenerator, GeneratorParams]),
    directed: z.boolean(),
    weighted: z.boolean(),
    metrics: z.array(MetricSpec).min(1),
  })
  .strict();
export type FixtureDoc = z.output<typeof FixtureDoc>;
export type FixtureDocInput = z.input<typeof FixtureDoc>;

export const ExpectedDoc = z
  .object({
    schema: z.literal(EXPECTED_SCHEMA),
    generator: z.object({ tool: z.string(), version: z.string() }).strict(),
    results: z.array(z.object({ spec: MetricSpec, value: MetricValue }).strict()),
  })
  .strict();
export type ExpectedDoc = z.output<typeof ExpectedDoc>;
export type ExpectedDocInput = z.input<typeof ExpectedDoc>;

// ---------------------------------------------------------------------------------------
// Generators

class EdgeSet {
  private readonly all: (EdgeRow | null)[] = [];
  private readonly at = new Map<string, number>();
  count = 0;
  constructor(
    private readonly directed: boolean,
    private readonly weight: () => number,
  ) {}
  private key(a: number, b: number): string {
    return this.directed || a < b ? `${a},${b}` : `${b},${a}`;
  }
  has(a: number, b: number): boolean {
    return this.at.has(this.key(a, b));
  }
  /** Adds a–b unless it is a self-loop or already present; true when added. */
  add(a: number, b: number): boolean {
    if (a === b || this.has(a, b)) return false;
    this.at.set(this.key(a, b), this.all.length);
    this.all.push({ source: String(a), target: String(b), weight: this.weight() });
    this.count++;
    return true;
  }
  delete(a: number, b: number): void {
    const key = this.key(a, b);
    const i = this.at.get(key);
    if (i === undefined) return;
    this.at.delete(key);
    this.all[i] = null;
    this.count--;
  }
  get rows(): EdgeRow[] {
    return this.all.filter((r): r is EdgeRow => r !== null);
  }
}

/**
 * Generates a graph of the given shape. Node ids are "0".."n-1"; rows come out in
 * generation order. All randomness comes from xoroshiro128+(seed).
 */
export function generateFixture(input: GeneratorParams): GeneratedGraph {
  const parsed = GeneratorParams.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TfError(
      "TF_INPUT_INVALID",
      `Invalid generator parameters: ${issue.path.join(".") || "(params)"}: ${issue.message}`,
      { details: { path: issue.path.join(".") } },
    );
  }
  const p = parsed.data;
  const n = p.nodes;
  const directed = p.directed ?? p.shape === "dag";
  const rng = xoroshiro128plus(p.seed);
  // Weights come from their own stream so the topology does not depend on `weighted`.
  const wrng = xoroshiro128plus(p.seed ^ 0x5eed);
  const weight = p.weighted ? () => uniformInt(wrng, 1, p.maxWeight) : () => 1;
  const E = new EdgeSet(directed, weight);
  const int = (lo: number, hi: number) => uniformInt(rng, lo, hi);
  const chance = (q: number) => uniformFloat64(rng) < q;
  const need = (min: number) => {
    if (n < min)
      throw new TfError("TF_INPUT_INVALID", `Shape ${p.shape} needs at least ${min} nodes`, {
        details: { shape: p.shape, nodes: n },
      });
  };

  switch (p.shape) {
    case "path":
      need(2);
      for (let i = 0; i + 1 < n; i++) E.add(i, i + 1);
      break;
    case "ring":
      need(3);
      for (let i = 0; i < n; i++) E.add(i, (i + 1) % n);
      break;
    case "star":
      need(2);
      for (let i = 1; i < n; i++) E.add(0, i);
      break;
    case "complete":
      need(2);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) E.add(i, j);
      break;
    case "grid": {
      need(2);
      const cols = Math.ceil(Math.sqrt(n));
      for (let i = 0; i < n; i++) {
        if ((i + 1) % cols !== 0 && i + 1 < n) E.add(i, i + 1);
        if (i + cols < n) E.add(i, i + cols);
      }
      break;
    }
    case "tree":
      // Random recursive tree: node i hangs under a uniformly chosen earlier node.
      need(2);
      for (let i = 1; i < n; i++) E.add(int(0, i - 1), i);
      break;
    case "power-law": {
      // Barabási–Albert: start from a star on m+1 nodes; each new node links to m distinct
      // existing nodes chosen proportionally to degree (uniform pick from the endpoint list).
      const m = p.m ?? 2;
      need(m + 2);
      const ends: number[] = [];
      for (let i = 1; i <= m; i++) {
        E.add(0, i);
        ends.push(0, i);
      }
      for (let v = m + 1; v < n; v++) {
        const targets: number[] = [];
        while (targets.length < m) {
          const t = ends[int(0, ends.length - 1)]!;
          if (!targets.includes(t)) targets.push(t);
        }
        for (const t of targets) {
          E.add(v, t);
          ends.push(v, t);
        }
      }
      break;
    }
    case "erdos-renyi": {
      // G(n, M): M distinct edges drawn uniformly (rejection sampling).
      need(2);
      const possible = directed ? n * (n - 1) : (n * (n - 1)) / 2;
      const M = Math.min(p.edges ?? 2 * n, possible);
      while (E.count < M) E.add(int(0, n - 1), int(0, n - 1));
      break;
    }
    case "bipartite": {
      // Left part 0..L-1, right part L..n-1; M distinct left→right edges drawn uniformly.
      need(2);
      const L = Math.ceil(n / 2);
      const R = n - L;
      const M = Math.min(p.edges ?? 2 * n, L * R);
      while (E.count < M) E.add(int(0, L - 1), L + int(0, R - 1));
      break;
    }
    case "small-world": {
      // Watts–Strogatz: ring lattice of degree k, then each lattice edge (i, i+j) is rewired
      // with probability p to (i, uniform node) avoiding self-loops and duplicates.
      const k = p.k ?? 4;
      const q = p.p ?? 0.1;
      if (k % 2 !== 0 || k >= n)
        throw new TfError("TF_INPUT_INVALID", "small-world: k must be even and less than nodes", {
          details: { k, nodes: n },
        });
      for (let j = 1; j <= k / 2; j++) for (let i = 0; i < n; i++) E.add(i, (i + j) % n);
      for (let j = 1; j <= k / 2; j++)
        for (let i = 0; i < n; i++) {
          if (!chance(q)) continue;
          const t = int(0, n - 1);
          if (t === i || E.has(i, t)) continue;
          E.delete(i, (i + j) % n);
          E.add(i, t);
        }
      break;
    }
    case "community": {
      // Planted partition: c blocks of near-equal size; pIn inside, pOut across.
      const c = p.communities ?? 4;
      need(c);
      const pIn = p.pIn ?? 0.3;
      const pOut = p.pOut ?? 0.01;
      const block = (v: number) => Math.floor((v * c) / n);
      for (let i = 0; i < n; i++)
        for (let j = directed ? 0 : i + 1; j < n; j++) {
          if (i === j) continue;
          if (chance(block(i) === block(j) ? pIn : pOut)) E.add(i, j);
        }
      break;
    }
    case "dag": {
      // Citation-like DAG: node i cites 1..m distinct earlier nodes (edges i → j, j < i).
      const m = p.m ?? 3;
      need(2);
      for (let i = 1; i < n; i++) {
        const cites = Math.min(i, int(1, m));
        let added = 0;
        while (added < cites) if (E.add(i, int(0, i - 1))) added++;
      }
      break;
    }
  }
  if (E.count === 0)
    throw new TfError("TF_INPUT_INVALID", `Shape ${p.shape} with these parameters has no edges`, {
      details: { shape: p.shape },
    });
  return { rows: E.rows, directed, weighted: p.weighted };
}

// ---------------------------------------------------------------------------------------
// Fixture directories

export interface LoadedFixture {
  dir: string;
  fixture: FixtureDoc;
  rows: EdgeRow[];
  /** The raw edges.csv text (for checksums). */
  edgesCsv: string;
  expected?: ExpectedDoc;
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw toTfError(e);
  }
}

function parseDoc<T extends z.ZodType>(
  schema: T,
  schemaPrefix: string,
  supported: string,
  text: string,
  file: string,
): z.output<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TfError("TF_PCQ_FIXTURE_INVALID", `${file}: not valid JSON (${(e as Error).message})`, {
      cause: e,
      details: { file },
    });
  }
  const version = (raw as { schema?: unknown } | null)?.schema;
  if (typeof version === "string" && version.startsWith(schemaPrefix) && version !== supported)
    throw new TfError(
      "TF_PCQ_SCHEMA_VERSION",
      `${file}: schema ${JSON.stringify(version)} is not supported (this version reads ${supported})`,
      { details: { file, found: version, supported } },
    );
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.join(".") || "(document)";
    throw new TfError("TF_PCQ_FIXTURE_INVALID", `${file}: ${path}: ${issue.message}`, {
      details: { file, path },
    });
  }
  return r.data;
}

export function parseFixtureDoc(text: string, file = "fixture.json"): FixtureDoc {
  return parseDoc(FixtureDoc, "trustfabric.dev/pcq/fixture/", FIXTURE_SCHEMA, text, file);
}

export function parseExpectedDoc(text: string, file = "expected.json"): ExpectedDoc {
  return parseDoc(ExpectedDoc, "trustfabric.dev/pcq/expected/", EXPECTED_SCHEMA, text, file);
}

/**
 * Reads a fixture directory. fixture.json and edges.csv are required (TF_FILE_NOT_FOUND);
 * expected.json is optional. Invalid documents → TF_PCQ_FIXTURE_INVALID, unknown schema
 * versions → TF_PCQ_SCHEMA_VERSION, bad edge rows → TF_PCQ_DATASET_INVALID.
 */
export function loadFixtureDir(dir: string): LoadedFixture {
  const fixturePath = join(dir, "fixture.json");
  const fixture = parseFixtureDoc(readText(fixturePath), fixturePath);
  const edgesPath = join(dir, "edges.csv");
  const edgesCsv = readText(edgesPath);
  const rows = parseEdgeCsv(edgesCsv, edgesPath);
  const out: LoadedFixture = { dir, fixture, rows, edgesCsv };
  const expectedPath = join(dir, "expected.json");
  let expectedText: string | undefined;
  try {
    expectedText = readFileSync(expectedPath, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw toTfError(e);
  }
  if (expectedText !== undefined) {
    out.expected = parseExpectedDoc(expectedText, expectedPath);
    if (out.expected.results.length !== fixture.metrics.length)
      throw new TfError(
        "TF_PCQ_FIXTURE_INVALID",
        `${expectedPath}: ${out.expected.results.length} result(s) for ${fixture.metrics.length} metric(s) in fixture.json; regenerate it`,
        { details: { file: expectedPath } },
      );
  }
  return out;
}

/** Stable JSON text of a document (2-space indent, trailing newline). */
export function formatJson(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Validates and writes a fixture directory; every file is written atomically. Returns the paths. */
export function writeFixtureDir(
  dir: string,
  content: { fixture: FixtureDocInput; rows: readonly EdgeRow[]; expected?: ExpectedDocInput },
): string[] {
  const fixture = FixtureDoc.safeParse(content.fixture);
  if (!fixture.success) {
    const issue = fixture.error.issues[0]!;
    throw new TfError("TF_PCQ_FIXTURE_INVALID", `fixture.json: ${issue.path.join(".")}: ${issue.message}`);
  }
  const written: string[] = [];
  const put = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileAtomic(path, text);
    written.push(path);
  };
  put("edges.csv", formatEdgeCsv(content.rows));
  if (content.expected) put("expected.json", formatJson(ExpectedDoc.parse(content.expected)));
  // fixture.json last: a directory with a fixture.json is complete.
  put("fixture.json", formatJson(content.fixture));
  return written;
}

/** Sensible default metrics for a generated graph (all that apply to its kind). */
export function defaultMetrics(g: GeneratedGraph, seed: number): MetricSpec[] {
  const specs: unknown[] = [
    { metric: "degree" },
    { metric: "betweenness", params: { weighted: g.weighted } },
    { metric: "closeness", params: { weighted: g.weighted } },
    { metric: "pagerank", params: { weighted: g.weighted } },
    { metric: "components" },
    { metric: "clustering", params: { weighted: g.weighted } },
    ...(g.directed ? [] : [{ metric: "triangles" }]),
    { metric: "louvain", params: { seed, weighted: g.weighted } },
  ];
  return specs.map((s) => MetricSpec.parse(s));
}
