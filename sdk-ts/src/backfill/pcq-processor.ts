/**
 * Backfill for PCQ: a legacy result (docs/backfill.md) gets a manifest that claims exactly its
 * values, is replayed through the same verifier as `tf pcq replay`, and — on a match — its
 * signed verdict is witnessed in the log and written beside it as receipt.json.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { digestBytes } from "../core/canonical.js";
import { utf8 } from "../core/encoding.js";
import { TfError } from "../core/errors.js";
import { fsyncDir, writeFileAtomic } from "../core/fsutil.js";
import type { ReplayReport } from "../pcq/diff.js";
import { buildManifest, MANIFEST_FILE, parseManifest, RESULT_SCHEMA, simplePlan } from "../pcq/manifest.js";
import { replayFiles } from "../pcq/replay.js";
import { receiptFor, signVerdict } from "../pcq/witness.js";
import { discoverLegacy, type LoadedLegacy, loadLegacy, RECEIPT_FILE } from "./legacy.js";
import type { Artifact, BackfillProcessor, Prepared } from "./runner.js";

/** The result document backfill writes: the legacy claims in the v1 result format. */
export const BACKFILL_RESULT_FILE = "result.pcq.json";

interface PcqPrepared extends Prepared {
  manifestText: string;
  resultText: string;
  signer: { keyId: string; publicKey: string };
}

export interface PcqBackfillOptions {
  home: string;
  /** Key store name of the witness key; created on first use. */
  key?: string;
  now?: () => Date;
}

export function createPcqBackfillProcessor(o: PcqBackfillOptions): BackfillProcessor<PcqPrepared> {
  const now = o.now ?? (() => new Date());
  const cache = new Map<string, LoadedLegacy>();
  const load = (a: Artifact) => {
    const hit = cache.get(a.id);
    if (hit) return hit;
    const l = loadLegacy(a);
    cache.clear(); // one artifact at a time: keep memory flat on big sources
    cache.set(a.id, l);
    return l;
  };
  return {
    discover: discoverLegacy,
    digest: (a) => load(a).digest,
    completed: (a) => existsSync(join(a.dir, MANIFEST_FILE)) && existsSync(join(a.dir, RECEIPT_FILE)),
    prepare: async (a, digest) => {
      const legacy = load(a);
      const { manifestText, resultText, report } = manifestForLegacy(a, legacy);
      if (report.outcome !== "match") {
        const first = report.differences[0];
        throw new TfError(
          "TF_BACKFILL_REPLAY_MISMATCH",
          `${a.id}: the replay does not reproduce the legacy result: ${first ? first.message : "mismatch"}`,
          { details: { artifact: a.id, differences: report.differences.slice(0, 5) } },
        );
      }
      const signed = signVerdict(report, { home: o.home, key: o.key, now: now() });
      cache.delete(a.id);
      return { digest, entry: signed.entry, manifestText, resultText, signer: signed.signer };
    },
    complete: async (a, p, entry, index) => {
      const receipt = receiptFor(o.home, entry, p.signer, index);
      // Result first, then the manifest naming it, then the receipt: each file atomic, and the
      // directory synced once for the three renames.
      writeFileAtomic(join(a.dir, BACKFILL_RESULT_FILE), p.resultText, { syncDir: false });
      writeFileAtomic(join(a.dir, MANIFEST_FILE), p.manifestText, { syncDir: false });
      writeFileAtomic(join(a.dir, RECEIPT_FILE), `${JSON.stringify(receipt, null, 2)}\n`, { syncDir: false });
      fsyncDir(a.dir);
    },
  };
}

/**
 * The manifest of a legacy result: the metrics are recomputed by buildManifest, then the result
 * document is replaced by the legacy claims (so the manifest is about what was claimed), and
 * the pair is replayed in memory.
 */
function manifestForLegacy(
  a: Artifact,
  l: LoadedLegacy,
): { manifestText: string; resultText: string; report: ReplayReport } {
  const plan = simplePlan({
    datasetPath: l.result.dataset,
    metrics: l.result.metrics.map((m) => ({
      metric: m.metric,
      ...(m.params ? { params: m.params } : {}),
    })) as never,
    seed: l.result.seed ?? null,
    directed: l.result.directed,
    weighted: l.result.weighted,
    // Manifest names are identifiers: the artifact's path with separators as dots.
    name: a.id.replace(/[^A-Za-z0-9_.-]+/g, ".").replace(/^[^A-Za-z0-9]+/, "") || "backfilled",
  });
  plan.resultPath = BACKFILL_RESULT_FILE;
  const files = new Map<string, Uint8Array>([[l.result.dataset, l.datasetBytes]]);
  const built = buildManifest(plan, files);
  const claimed = {
    schema: RESULT_SCHEMA,
    results: built.result.results.map((r, i) => ({ ...r, value: l.result.metrics[i]!.value as never })),
  };
  const resultText = `${JSON.stringify(claimed, null, 2)}\n`;
  const resultBytes = utf8(resultText);
  const manifest = parseManifest({
    ...built.manifest,
    ...(l.result.producedBy
      ? { description: `Backfilled from a legacy result produced by ${l.result.producedBy}` }
      : {}),
    outputs: built.manifest.outputs.map((out) => ({
      ...out,
      size: resultBytes.length,
      digest: digestBytes(resultBytes),
    })),
  });
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  files.set(BACKFILL_RESULT_FILE, resultBytes);
  files.set(MANIFEST_FILE, utf8(manifestText));
  const report = replayFiles({ entry: MANIFEST_FILE, files });
  return { manifestText, resultText, report };
}
