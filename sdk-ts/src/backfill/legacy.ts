/**
 * Legacy artifacts: analytics results written before manifests existed. The input format is
 * documented in docs/backfill.md; this is its one definition.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, normalize, relative, sep } from "node:path";
import { z } from "zod";
import { sha256 } from "../core/canonical.js";
import { toHex } from "../core/encoding.js";
import { TfError } from "../core/errors.js";
import type { Artifact } from "./runner.js";

export const LEGACY_RESULT_FILE = "result.json";
/** Files backfill writes beside a legacy result. */
export const MANIFEST_FILE = "manifest.json";
export const RECEIPT_FILE = "receipt.json";

/** Largest legacy result or dataset read (bytes). */
const MAX_FILE = 64 * 1024 * 1024;
/** How deep discovery walks below the source. */
const MAX_DEPTH = 16;

export const LegacyResult = z.object({
  dataset: z
    .string()
    .min(1)
    .refine(
      (p) => !isAbsolute(p) && !normalize(p).startsWith(".."),
      "must be a relative path inside the artifact",
    )
    .describe("the edge list (CSV: source,target[,weight]) the result was computed from"),
  directed: z.boolean().default(false),
  weighted: z.boolean().default(false),
  seed: z.number().int().optional().describe("the RNG seed, when a metric used one (Louvain)"),
  metrics: z
    .array(
      z.object({
        metric: z.string(),
        params: z.record(z.string(), z.unknown()).optional(),
        value: z.unknown().describe("the claimed value, in the MetricValue shape of docs/pcq-metrics.md"),
      }),
    )
    .min(1),
  producedBy: z.string().optional().describe("free text: the notebook, job or person that produced it"),
});
export type LegacyResult = z.output<typeof LegacyResult>;

/** A legacy result.json has no `schema` field; results written with manifests do. */
function isLegacy(path: string): boolean {
  try {
    const doc = JSON.parse(readFileSync(path, "utf8")) as unknown;
    return typeof doc !== "object" || doc === null || !("schema" in doc);
  } catch {
    return true; // unreadable: eligible, and its failure is reported
  }
}

/** Every directory below source holding a legacy result.json, in path order. Symlinks are not followed. */
export function discoverLegacy(source: string): Artifact[] {
  const out: Artifact[] = [];
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      throw new TfError("TF_FILE_UNREADABLE", `Cannot list ${dir}`, { cause: e, details: { path: dir } });
    }
    if (names.includes(LEGACY_RESULT_FILE) && isLegacy(join(dir, LEGACY_RESULT_FILE))) {
      const id = relative(source, dir).split(sep).join("/") || ".";
      out.push({ id, dir });
    }
    if (depth >= MAX_DEPTH) return;
    for (const name of names) {
      if (name.startsWith(".")) continue;
      const p = join(dir, name);
      if (lstatSync(p).isDirectory()) walk(p, depth + 1);
    }
  };
  walk(source, 0);
  return out;
}

function readLimited(path: string, what: string): Buffer {
  if (!existsSync(path))
    throw new TfError("TF_FILE_NOT_FOUND", `${what} ${path} does not exist`, { details: { path } });
  const st = lstatSync(path);
  if (!st.isFile())
    throw new TfError("TF_FILE_UNREADABLE", `${what} ${path} is not a regular file`, { details: { path } });
  if (st.size > MAX_FILE)
    throw new TfError("TF_FILE_TOO_LARGE", `${what} ${path} is larger than ${MAX_FILE} bytes`, {
      details: { path, size: st.size },
    });
  return readFileSync(path);
}

export interface LoadedLegacy {
  result: LegacyResult;
  resultBytes: Buffer;
  datasetPath: string;
  datasetBytes: Buffer;
  /** sha256 over both files: the artifact's identity for idempotency. */
  digest: string;
}

export function loadLegacy(artifact: Artifact): LoadedLegacy {
  const resultPath = join(artifact.dir, LEGACY_RESULT_FILE);
  const resultBytes = readLimited(resultPath, "Legacy result");
  let doc: unknown;
  try {
    doc = JSON.parse(resultBytes.toString("utf8"));
  } catch (e) {
    throw new TfError("TF_JSON_MALFORMED", `${resultPath} is not valid JSON`, {
      cause: e,
      details: { path: resultPath },
    });
  }
  const parsed = LegacyResult.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join(".") || "(document)";
    throw new TfError("TF_BACKFILL_ARTIFACT_INVALID", `${resultPath}: ${path}: ${issue.message}`, {
      details: { path: resultPath, field: path },
    });
  }
  const datasetPath = join(artifact.dir, parsed.data.dataset);
  const datasetBytes = readLimited(datasetPath, "Dataset");
  const len = Buffer.alloc(8);
  len.writeBigUInt64BE(BigInt(resultBytes.length));
  const digest = `sha256:${toHex(sha256(len, resultBytes, datasetBytes))}`;
  return { result: parsed.data, resultBytes, datasetPath, datasetBytes, digest };
}
