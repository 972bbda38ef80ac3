/** PCQ — proof-carrying queries: manifests, checksum trees, the provenance DSL, replay, diff reports, witnesses. */
import { z } from "zod";
import { ReplayReport } from "./diff.js";
import { ExpectedDoc, FixtureDoc } from "./fixtures.js";
import { Manifest, ResultDocument } from "./manifest.js";
import { Receipt, VerdictStatement } from "./witness.js";

export * from "./checksum-tree.js";
export * from "./diff.js";
export * from "./dsl.js";
export * from "./fixtures.js";
export * from "./graph.js";
export * from "./manifest.js";
export * from "./metrics.js";
export * from "./replay.js";
export * from "./report-html.js";
export * from "./tolerance.js";
export * from "./witness.js";

/**
 * JSON Schemas (draft 2020-12) of every document PCQ stores or exchanges, keyed by the
 * document's schema id. Generated from the zod definitions; never written by hand.
 */
export function pcqDocumentJsonSchemas(): Record<string, unknown> {
  const docs: Record<string, z.ZodType> = {
    "trustfabric.dev/pcq/manifest/v1": Manifest,
    "trustfabric.dev/pcq/result/v1": ResultDocument,
    "trustfabric.dev/pcq/report/v1": ReplayReport,
    "trustfabric.dev/pcq/receipt/v1": Receipt,
    "trustfabric.dev/pcq/verdict/v1": VerdictStatement,
    "trustfabric.dev/pcq/fixture/v1": FixtureDoc,
    "trustfabric.dev/pcq/expected/v1": ExpectedDoc,
  };
  const out: Record<string, unknown> = {};
  for (const [id, schema] of Object.entries(docs)) out[id] = z.toJSONSchema(schema, { io: "input" });
  return out;
}
