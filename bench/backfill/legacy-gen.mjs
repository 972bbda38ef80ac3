// Writes legacy artifacts (docs/backfill.md): result.json without a manifest, beside its dataset.
// Used by the backfill benchmark and tests; `pcq` is the SDK's pcq module (dist or source).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const SHAPES = ["power-law", "ring", "star", "erdos-renyi", "small-world", "tree"];

/**
 * count artifacts under dir/<batch>/<nnnn>/; `mismatch` indexes claim a PageRank value 10% off,
 * `corrupt` indexes get a dataset row that does not parse.
 */
export function writeLegacyArtifacts(pcq, dir, { count, seed = 1, nodes = 30, mismatch = [], corrupt = [] }) {
  const ids = [];
  for (let i = 0; i < count; i++) {
    const shape = SHAPES[i % SHAPES.length];
    const g = pcq.generateFixture({ shape, nodes, seed: seed + i });
    const graph = pcq.buildGraph(g.rows, { directed: g.directed, weighted: g.weighted });
    const specs = [
      { metric: "degree" },
      { metric: "pagerank", params: { alpha: 0.85 } },
      { metric: "components" },
    ];
    const metrics = specs.map((spec) => ({ ...spec, value: pcq.computeMetric(graph, spec) }));
    if (mismatch.includes(i)) {
      const values = metrics[1].value.values;
      const first = Object.keys(values).sort()[0];
      values[first] *= 1.1;
    }
    const id = join(`batch-${String(Math.floor(i / 100)).padStart(2, "0")}`, String(i).padStart(4, "0"));
    const at = join(dir, id);
    mkdirSync(at, { recursive: true });
    let csv = pcq.formatEdgeCsv(g.rows);
    if (corrupt.includes(i)) csv += "only-one-column\n";
    writeFileSync(join(at, "edges.csv"), csv);
    writeFileSync(
      join(at, "result.json"),
      `${JSON.stringify({ dataset: "edges.csv", directed: g.directed, weighted: g.weighted, metrics, producedBy: `legacy job ${i}` }, null, 2)}\n`,
    );
    ids.push(id);
  }
  return ids;
}
