/**
 * The backfill runner: idempotent, resumable batch processing of legacy artifacts, each
 * ending in one witness entry in the transparency log. Generic over what an artifact is
 * (the PCQ processor lives in pcq-processor.ts); this file owns the job state, ordering,
 * crash safety, throttling, pausing and the coverage report.
 *
 * Crash safety, per artifact:  prepare (pure) → journal `intent` (entry + log size, fsynced)
 * → log append (acknowledged = durable) → complete (atomic writes) → journal `done`.
 * A run killed anywhere resumes without redoing an append: an `intent` without `done` is
 * settled by finding its exact entry in the log from the recorded size on.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { digestJson } from "../core/canonical.js";
import { fromBase64, toBase64 } from "../core/encoding.js";
import { TfError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fsutil.js";
import { DirLock } from "../ledger/lock.js";
import { Journal, type JournalRecord } from "./journal.js";

export interface Artifact {
  /** Stable id within the source: its path relative to the source, '/'-separated. */
  id: string;
  dir: string;
}

export interface Prepared {
  /** Digest of the artifact's content; a changed artifact is new work. */
  digest: string;
  /** The witness entry to append (e.g. a DSSE envelope's bytes). */
  entry: Uint8Array;
}

export interface BackfillProcessor<P extends Prepared = Prepared> {
  /** Finds the legacy artifacts under source, in a stable order. */
  discover(source: string): Artifact[];
  /** A cheap digest of the artifact's content (its files' bytes); throws TfError when unreadable. */
  digest(artifact: Artifact): string;
  /** Reads, replays and signs: no side effects. Throws TfError for a failed artifact. */
  prepare(artifact: Artifact, digest: string): Promise<P>;
  /** Whether the outputs `complete` writes are present (a done artifact with outputs is skipped). */
  completed(artifact: Artifact): boolean;
  /** Writes the artifact's outputs once its entry is in the log at `index`. Atomic, idempotent. */
  complete(artifact: Artifact, prepared: P, entry: Uint8Array, index: number): Promise<void>;
}

/** Where witness entries go: the transparency log. */
export interface WitnessLog {
  size(): number;
  /** Appends entries in order in one durable commit; resolves to the first one's index. */
  append(entries: Uint8Array[]): Promise<number>;
  /** Index of the first entry equal to `entry` at or after `from`, or null. */
  find(entry: Uint8Array, from: number): number | null;
}

export interface BackfillOptions {
  home: string;
  source: string;
  processor: BackfillProcessor;
  log: WitnessLog;
  /** Artifacts per second at most (token bucket, burst 1); unlimited when absent. */
  rate?: number;
  /** Artifacts per journal/log commit (default 64). */
  batch?: number;
  /** Retry artifacts whose last attempt failed with the same content. */
  retryFailed?: boolean;
  onProgress?: (p: BackfillProgress) => void;
  signal?: AbortSignal;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Test seam: called between the steps of each artifact (kill points). */
  onStep?: (step: "prepared" | "intent" | "appended" | "completed", id: string) => void;
}

export interface BackfillProgress {
  done: number;
  total: number;
  failed: number;
  id?: string;
}

export interface FailureGroup {
  code: string;
  count: number;
  examples: { id: string; message: string }[];
}

export interface BackfillReport {
  schema: "trustfabric.dev/backfill/report/v1";
  job: string;
  source: string;
  state: "finished" | "paused" | "interrupted";
  eligible: number;
  /** Backfilled by earlier runs and skipped by this one. */
  previouslyBackfilled: number;
  backfilled: number;
  newlyBackfilled: number;
  resumedIntents: number;
  failed: number;
  pending: number;
  coverage: number;
  failures: FailureGroup[];
  durationMs: number;
  artifactsPerSecond: number;
  witnessMsPerArtifact: number | null;
}

const MAX_EXAMPLES = 5;
const DEFAULT_BATCH = 64;
const ENVIRONMENT_FAILURE = /^TF_(LOG_|KEY|HOME_|INTERNAL|INTERRUPTED)/;

export function jobId(source: string): string {
  return digestJson({ source: resolve(source) }).slice("sha256:".length, "sha256:".length + 16);
}

export function jobDir(home: string, source: string): string {
  return join(home, "backfill", "jobs", jobId(source));
}

/** Asks a running job to stop after its current artifact; `run` again resumes it. */
export function pauseJob(home: string, source: string): { job: string; dir: string } {
  const dir = jobDir(home, source);
  if (!existsSync(join(dir, "journal.jsonl")))
    throw new TfError("TF_BACKFILL_NO_JOB", `No backfill job for ${source}`, { details: { source } });
  writeFileSync(join(dir, "pause"), "");
  return { job: jobId(source), dir };
}

export async function runBackfill(opts: BackfillOptions): Promise<BackfillReport> {
  const source = resolve(opts.source);
  if (!existsSync(source))
    throw new TfError("TF_FILE_NOT_FOUND", `Backfill source ${opts.source} does not exist`, {
      details: { path: opts.source },
    });
  const now = opts.now ?? (() => new Date());
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const dir = jobDir(opts.home, source);
  mkdirSync(dir, { recursive: true });
  const lock = new DirLock(join(dir, "lock"));
  if (!lock.tryAcquire())
    throw new TfError("TF_BACKFILL_BUSY", `Another backfill of ${opts.source} is running`, {
      details: { job: jobId(source) },
    });
  const started = performance.now();
  let witnessMs = 0;
  let witnessed = 0;
  try {
    // `run` resumes a paused job.
    rmSync(join(dir, "pause"), { force: true });
    const { journal, state } = Journal.open(join(dir, "journal.jsonl"));
    try {
      const eligible = opts.processor.discover(source);
      const done = new Map<string, { digest: string; logIndex: number }>();
      const failed = new Map<string, { digest: string; code: string; message: string }>();
      const intents = new Map<string, Extract<JournalRecord, { t: "intent" }>>();
      for (const r of state.records) {
        if (r.t === "done") {
          done.set(r.id, { digest: r.digest, logIndex: r.logIndex });
          failed.delete(r.id);
        } else if (r.t === "failed") {
          failed.set(r.id, r);
          done.delete(r.id);
        } else if (r.t === "intent") intents.set(r.id, r);
      }
      opts.log.size(); // preflight: a missing or broken log stops the run before any work
      journal.append({ t: "start", at: now().toISOString(), source, eligible: eligible.length });

      let newly = 0;
      let skipped = 0;
      let resumed = 0;
      let stop: "paused" | "interrupted" | null = null;
      let nextSlot = performance.now();
      const total = eligible.length;
      const current = new Map<string, string>(); // id → digest seen in this run
      const isDone = (a: Artifact) => {
        const d = done.get(a.id);
        return d !== undefined && d.digest === current.get(a.id);
      };
      const isFailed = (a: Artifact) => {
        const f = failed.get(a.id);
        return f !== undefined && f.digest === current.get(a.id) && !isDone(a);
      };
      const countDone = () => eligible.filter(isDone).length;
      const countFailed = () => eligible.filter(isFailed).length;
      const progress = (id?: string) =>
        opts.onProgress?.({ done: countDone(), total, failed: countFailed(), id });
      const fail = (a: Artifact, digest: string, e: unknown) => {
        const err = asTfError(e);
        // A broken environment (no log, no key, a bug) is not the artifact's fault: stop the run.
        if (ENVIRONMENT_FAILURE.test(err.code)) throw err;
        const prev = failed.get(a.id);
        if (!prev || prev.digest !== digest || prev.code !== err.code || prev.message !== err.message)
          journal.append({
            t: "failed",
            id: a.id,
            digest,
            code: err.code,
            message: err.message,
            at: now().toISOString(),
          });
        failed.set(a.id, { digest, code: err.code, message: err.message });
        done.delete(a.id);
      };

      for (const artifact of eligible) {
        let digest: string;
        try {
          digest = opts.processor.digest(artifact);
        } catch (e) {
          current.set(artifact.id, "");
          fail(artifact, "", e);
          continue;
        }
        current.set(artifact.id, digest);
      }
      progress();

      // Artifacts go through in chunks: their intents share one journal fsync, their witness
      // entries one log commit, their `done` records one more fsync.
      const batch = Math.max(1, opts.batch ?? DEFAULT_BATCH);
      type Work = { artifact: Artifact; prepared: Prepared; entry: Uint8Array; index: number | null };
      let cursor = 0;
      while (cursor < eligible.length && stop === null) {
        const chunk: Work[] = [];
        while (cursor < eligible.length && chunk.length < batch) {
          if (opts.signal?.aborted) {
            stop = "interrupted";
            break;
          }
          if (existsSync(join(dir, "pause"))) {
            stop = "paused";
            break;
          }
          const artifact = eligible[cursor++]!;
          const digest = current.get(artifact.id)!;
          if (digest === "") continue; // unreadable: recorded above
          const prevDone = done.get(artifact.id);
          if (prevDone?.digest === digest && opts.processor.completed(artifact)) {
            skipped++;
            continue;
          }
          if (isFailed(artifact) && !opts.retryFailed) continue;
          if (opts.rate && opts.rate > 0) {
            const wait = nextSlot - performance.now();
            if (wait > 0) await sleep(wait);
            nextSlot = Math.max(nextSlot, performance.now()) + 1000 / opts.rate;
          }
          let prepared: Prepared;
          try {
            prepared = await opts.processor.prepare(artifact, digest);
          } catch (e) {
            fail(artifact, digest, e);
            progress(artifact.id);
            continue;
          }
          opts.onStep?.("prepared", artifact.id);
          const pending = intents.get(artifact.id);
          if (pending && pending.digest === digest) {
            // Written before a crash (or done earlier, outputs since removed): never append twice.
            const entry = fromBase64(pending.entry, "journal entry");
            const index =
              prevDone?.digest === digest ? prevDone.logIndex : opts.log.find(entry, pending.logSize);
            if (prevDone?.digest !== digest) resumed++;
            chunk.push({ artifact, prepared, entry, index });
          } else chunk.push({ artifact, prepared, entry: prepared.entry, index: null });
        }
        if (chunk.length === 0) continue;

        const toAppend = chunk.filter((w) => w.index === null);
        if (toAppend.length > 0) {
          const t0 = performance.now();
          const logSize = opts.log.size();
          const recs = toAppend.map((w) => ({
            t: "intent" as const,
            id: w.artifact.id,
            digest: w.prepared.digest,
            logSize,
            entry: toBase64(w.entry),
          }));
          journal.appendMany(recs);
          for (const r of recs) intents.set(r.id, r);
          for (const w of toAppend) opts.onStep?.("intent", w.artifact.id);
          const first = await opts.log.append(toAppend.map((w) => w.entry));
          toAppend.forEach((w, i) => {
            w.index = first + i;
          });
          witnessMs += performance.now() - t0;
          witnessed += toAppend.length;
        }
        for (const w of chunk) opts.onStep?.("appended", w.artifact.id);
        for (const w of chunk) {
          await opts.processor.complete(w.artifact, w.prepared, w.entry, w.index!);
          opts.onStep?.("completed", w.artifact.id);
        }
        journal.appendMany(
          chunk.map((w) => ({
            t: "done" as const,
            id: w.artifact.id,
            digest: w.prepared.digest,
            logIndex: w.index!,
            at: now().toISOString(),
          })),
        );
        for (const w of chunk) {
          done.set(w.artifact.id, { digest: w.prepared.digest, logIndex: w.index! });
          failed.delete(w.artifact.id);
          newly++;
          progress(w.artifact.id);
        }
      }

      const doneCount = countDone();
      const failedList = eligible.filter(isFailed);
      const groups = new Map<string, FailureGroup>();
      for (const a of failedList) {
        const f = failed.get(a.id)!;
        const g = groups.get(f.code) ?? { code: f.code, count: 0, examples: [] };
        g.count++;
        if (g.examples.length < MAX_EXAMPLES) g.examples.push({ id: a.id, message: f.message });
        groups.set(f.code, g);
      }
      if (stop === "paused")
        journal.append({ t: "paused", at: now().toISOString(), done: doneCount, eligible: total });
      else if (stop === null) journal.append({ t: "finished", at: now().toISOString() });
      const durationMs = performance.now() - started;
      const report: BackfillReport = {
        schema: "trustfabric.dev/backfill/report/v1",
        job: jobId(source),
        source,
        state: stop ?? "finished",
        eligible: total,
        previouslyBackfilled: skipped,
        backfilled: doneCount,
        newlyBackfilled: newly,
        resumedIntents: resumed,
        failed: failedList.length,
        pending: total - doneCount - failedList.length,
        coverage: total === 0 ? 1 : doneCount / total,
        failures: [...groups.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
        durationMs: Math.round(durationMs),
        artifactsPerSecond: newly === 0 ? 0 : newly / (durationMs / 1000),
        witnessMsPerArtifact: witnessed === 0 ? null : witnessMs / witnessed,
      };
      writeFileAtomic(join(dir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
      writeFileAtomic(join(dir, "report.md"), coverageMarkdown(report));
      return report;
    } finally {
      journal.close();
    }
  } finally {
    lock.release();
  }
}

function asTfError(e: unknown): TfError {
  if (e instanceof TfError) return e;
  return new TfError("TF_INTERNAL", e instanceof Error ? e.message : String(e), { cause: e });
}

/** The coverage report as Markdown, for a CI summary or a ticket. */
export function coverageMarkdown(r: BackfillReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `# Backfill coverage — ${r.source}`,
    "",
    `State: **${r.state}** · job \`${r.job}\``,
    "",
    "| | count |",
    "| --- | ---: |",
    `| eligible artifacts | ${r.eligible} |`,
    `| backfilled (manifest + witness) | ${r.backfilled} (${pct(r.coverage)}) |`,
    `| of which backfilled by earlier runs | ${r.previouslyBackfilled} |`,
    `| newly backfilled by this run | ${r.newlyBackfilled} |`,
    `| failed | ${r.failed} |`,
    `| pending | ${r.pending} |`,
    "",
  ];
  if (r.failures.length) {
    lines.push("## Failures by reason", "", "| code | count | examples |", "| --- | ---: | --- |");
    for (const g of r.failures) {
      const ex = g.examples.map((e) => `\`${e.id}\`: ${e.message.replaceAll("|", "\\|")}`).join("<br>");
      lines.push(`| ${g.code} | ${g.count} | ${ex} |`);
    }
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}
