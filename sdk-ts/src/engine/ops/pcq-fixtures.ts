import { resolve } from "node:path";
import { z } from "zod";
import { TfError } from "../../core/errors.js";
import {
  defaultMetrics,
  FIXTURE_SCHEMA,
  formatJson,
  GeneratorParams,
  generateFixture,
  writeFixtureDir,
} from "../../pcq/fixtures.js";
import { formatEdgeCsv } from "../../pcq/graph.js";
import { METRIC_NAMES, MetricSpec } from "../../pcq/metrics.js";
import { defineOperation } from "../operation.js";

const Metric = z.union([
  z.enum(METRIC_NAMES).describe("a metric name: its default parameters (louvain: seed = the graph seed)"),
  MetricSpec,
]);

function resolveMetrics(
  metrics: z.output<typeof Metric>[] | undefined,
  g: ReturnType<typeof generateFixture>,
  seed: number,
): MetricSpec[] {
  const defaults = defaultMetrics(g, seed);
  if (!metrics) return defaults;
  return metrics.map((m) => {
    if (typeof m !== "string") return m;
    const d = defaults.find((s) => s.metric === m);
    if (d) return d;
    if (m === "triangles")
      throw new TfError("TF_PCQ_METRIC_INVALID", "triangles is defined for undirected graphs only");
    throw new TfError(
      "TF_PCQ_METRIC_INVALID",
      `${m} needs parameters: pass a full spec, e.g. {"metric":"k_shortest_paths","params":{"source":"0","target":"9","k":3,"weighted":false}}`,
      { details: { metric: m } },
    );
  });
}

export const pcqFixtureGen = defineOperation({
  name: "pcq.fixtureGen",
  summary:
    "Generate a seeded synthetic graph (power-law, erdos-renyi, grid, …) as a PCQ fixture: edges.csv and fixture.json.",
  idempotent: true,
  pathInputs: ["out"],
  input: GeneratorParams.extend({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/)
      .optional()
      .describe("fixture name (default: <shape>-<nodes>-s<seed>)"),
    description: z.string().optional(),
    metrics: z
      .array(Metric)
      .min(1)
      .optional()
      .describe("metrics the fixture checks (default: every metric that applies without parameters)"),
    out: z
      .string()
      .optional()
      .describe("local only: write the fixture directory here instead of returning its content"),
  }),
  output: z.object({
    name: z.string(),
    nodes: z.number().int(),
    edges: z.number().int(),
    directed: z.boolean(),
    weighted: z.boolean(),
    edgesCsv: z.string().describe("edges.csv content (header source,target,weight)"),
    fixtureJson: z.string().describe("fixture.json content"),
    written: z.array(z.string()).describe("files written (with out); empty otherwise"),
  }),
  handler: (input) => {
    const { name, description, metrics, out, ...params } = input;
    const g = generateFixture(params);
    const fixtureName = name ?? `${params.shape}-${params.nodes}-s${params.seed}`;
    const generator = Object.fromEntries(
      Object.entries(params).filter(([, v]) => v !== undefined),
    ) as z.output<typeof GeneratorParams>;
    const fixture = {
      schema: FIXTURE_SCHEMA as typeof FIXTURE_SCHEMA,
      name: fixtureName,
      description:
        description ??
        `Synthetic ${params.shape} graph, ${params.nodes} nodes, seed ${params.seed}${g.weighted ? ", weighted" : ""}${g.directed ? ", directed" : ""}.`,
      shape: params.shape,
      generator,
      directed: g.directed,
      weighted: g.weighted,
      metrics: resolveMetrics(metrics, g, params.seed),
    };
    const written = out ? writeFixtureDir(resolve(out), { fixture, rows: g.rows }) : [];
    const nodes = new Set(g.rows.flatMap((r) => [r.source, r.target])).size;
    return {
      name: fixtureName,
      nodes,
      edges: g.rows.length,
      directed: g.directed,
      weighted: g.weighted,
      edgesCsv: formatEdgeCsv(g.rows),
      fixtureJson: formatJson(fixture),
      written,
    };
  },
});
