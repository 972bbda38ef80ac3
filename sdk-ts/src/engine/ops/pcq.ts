import { z } from "zod";
import { fromBase64 } from "../../core/encoding.js";
import { ReplayReport } from "../../pcq/diff.js";
import { compileDsl } from "../../pcq/dsl.js";
import {
  buildManifest,
  Manifest,
  manifestDigest,
  parseManifest,
  ResultDocument,
  simplePlan,
} from "../../pcq/manifest.js";
import { readReplayTarget, replayFiles } from "../../pcq/replay.js";
import { renderReportHtml } from "../../pcq/report-html.js";
import { Receipt, verifyReceipt, witnessReport } from "../../pcq/witness.js";
import { defineOperation } from "../operation.js";

const Files = z
  .record(z.string(), z.string())
  .describe("files by relative '/'-separated name → base64 of their bytes");

function decodeFiles(files: Record<string, string>): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [name, b64] of Object.entries(files)) out.set(name, fromBase64(b64, `files.${name}`));
  return out;
}

const Created = {
  manifest: Manifest,
  result: ResultDocument,
  manifestText: z.string().describe("the manifest file's exact text (its digests are over resultText)"),
  resultText: z.string().describe("the result file's exact text"),
  digest: z.string().describe("sha256 of the manifest's canonical JSON"),
};

export const pcqReplayOp = defineOperation({
  name: "pcq.replay",
  summary:
    "Replay a manifest (or a fixture against expected.json) and diff it within tolerance windows; optionally witness the verdict in the log.",
  idempotent: false,
  pathInputs: ["target"],
  input: z.object({
    entry: z
      .string()
      .min(1)
      .default("manifest.json")
      .describe("name in files of the manifest, or fixture.json for golden mode"),
    files: Files.default({}),
    target: z
      .string()
      .optional()
      .describe(
        "instead of files: a local manifest, directory or fixture directory to read (not over the server)",
      ),
    witness: z.boolean().default(false).describe("sign the verdict and append it to the transparency log"),
    key: z.string().optional().describe("key store name of the witness key (default: the log's key)"),
    html: z
      .boolean()
      .default(false)
      .describe("also return the diff report as one self-contained HTML page (notebooks display it)"),
  }),
  output: z.object({
    report: ReplayReport,
    receipt: Receipt.optional().describe("present with witness: the offline-verifiable receipt"),
    html: z.string().optional().describe("the self-contained HTML report, when requested"),
  }),
  handler: async ({ entry, files, target, witness, key, html }, ctx) => {
    const report = replayFiles(
      target !== undefined ? readReplayTarget(target) : { entry, files: decodeFiles(files) },
    );
    const page = html ? { html: renderReportHtml(report) } : {};
    if (!witness) return { report, ...page };
    const receipt = await witnessReport(report, { home: ctx.home, key, now: ctx.now?.() });
    return { report, receipt, ...page };
  },
});

export const pcqVerifyReceiptOp = defineOperation({
  name: "pcq.verifyReceipt",
  summary:
    "Verify a PCQ receipt offline: log identity, checkpoint and DSSE signatures, subject digests, leaf hash and inclusion proof.",
  idempotent: true,
  input: z.object({
    receipt: z.string().describe("the receipt document (JSON text)"),
    logKey: z.string().min(1).describe("the log's signed-note verifier key"),
    manifest: z.string().optional().describe("the manifest (JSON text) the verdict must be about"),
    result: z.string().optional().describe("base64 of the result file the verdict must be about"),
    publicKey: z
      .string()
      .optional()
      .describe("the witness's Ed25519 public key (base64, or tf keys show JSON)"),
  }),
  output: z.object({
    ok: z.literal(true),
    verdict: z.enum(["PASSED", "FAILED"]),
    outcome: z.enum(["match", "mismatch"]),
    name: z.string(),
    manifestDigest: z.string(),
    resultDigest: z.string().optional(),
    timeVerified: z.string(),
    origin: z.string(),
    index: z.number().int(),
    treeSize: z.number().int(),
    signer: z.object({
      keyId: z.string(),
      pinnedBy: z
        .enum(["public-key", "log-key", "receipt"])
        .describe("what the signer's key was checked against; receipt = only the receipt's own copy"),
    }),
    checks: z.array(z.string()).describe("the checks that passed, in order"),
  }),
  handler: ({ receipt, logKey, manifest, result, publicKey }) =>
    verifyReceipt(receipt, {
      logKey,
      manifest,
      result: result === undefined ? undefined : fromBase64(result, "result"),
      publicKey,
    }),
});

export const pcqManifestCreateOp = defineOperation({
  name: "pcq.manifestCreate",
  summary: "Compute metrics on an edge list and build its provenance manifest and result documents.",
  idempotent: true,
  input: z.object({
    dataset: z.string().describe("base64 of the dataset file (CSV edge list)"),
    datasetPath: z
      .string()
      .min(1)
      .default("edges.csv")
      .describe("the dataset's path relative to where the manifest will be written"),
    metrics: z.array(z.unknown()).min(1).describe("metric specs {metric, params}"),
    seed: z.number().int().min(0).max(0x7fffffff).optional(),
    directed: z.boolean().default(false),
    weighted: z.boolean().default(false),
    name: z.string().optional(),
    chunkRows: z.number().int().min(1).optional(),
  }),
  output: z.object(Created),
  handler: (input) => {
    const plan = simplePlan({
      datasetPath: input.datasetPath,
      metrics: input.metrics as never,
      seed: input.seed ?? null,
      directed: input.directed,
      weighted: input.weighted,
      name: input.name,
      chunkRows: input.chunkRows,
    });
    const created = buildManifest(plan, new Map([[input.datasetPath, fromBase64(input.dataset, "dataset")]]));
    return { ...created, digest: manifestDigest(created.manifest) };
  },
});

export const pcqManifestValidateOp = defineOperation({
  name: "pcq.manifestValidate",
  summary: "Validate a manifest against trustfabric.dev/pcq/manifest/v1; errors name the field path.",
  idempotent: true,
  input: z.object({
    manifest: z.string().describe("the manifest (JSON text)"),
    file: z.string().optional().describe("name shown in errors"),
  }),
  output: z.object({
    ok: z.literal(true),
    schema: z.string(),
    name: z.string(),
    digest: z.string(),
    inputs: z.number().int(),
    steps: z.number().int(),
    outputs: z.number().int(),
  }),
  handler: ({ manifest, file }) => {
    const m = parseManifest(manifest, file);
    return {
      ok: true as const,
      schema: m.schema,
      name: m.name,
      digest: manifestDigest(m),
      inputs: m.inputs.length,
      steps: m.pipeline.length,
      outputs: m.outputs.length,
    };
  },
});

export const pcqDslCompileOp = defineOperation({
  name: "pcq.dslCompile",
  summary:
    "Compile a provenance program (prov { source -> transform -> metric }) to a manifest by running it.",
  idempotent: true,
  input: z.object({
    source: z.string().describe("the program text"),
    file: z.string().optional().describe("name shown in file:line:col errors"),
    files: Files.default({}).describe("the datasets the program names → base64 of their bytes"),
  }),
  output: z.object(Created),
  handler: ({ source, file, files }) => {
    const created = compileDsl(source, decodeFiles(files), file);
    return {
      manifest: created.manifest,
      result: created.result,
      manifestText: created.manifestText,
      resultText: created.resultText,
      digest: manifestDigest(created.manifest),
    };
  },
});
