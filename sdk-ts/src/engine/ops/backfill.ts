import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { homeWitnessLog } from "../../backfill/fslog-witness.js";
import { readJournal } from "../../backfill/journal.js";
import { createPcqBackfillProcessor } from "../../backfill/pcq-processor.js";
import { type BackfillReport, jobDir, jobId, pauseJob, runBackfill } from "../../backfill/runner.js";
import { TfError } from "../../core/errors.js";
import { DirLock } from "../../ledger/lock.js";
import { defineOperation } from "../operation.js";

const Report = z.object({
  schema: z.literal("trustfabric.dev/backfill/report/v1"),
  job: z.string(),
  source: z.string(),
  state: z.enum(["finished", "paused", "interrupted"]),
  eligible: z.number().int().describe("legacy artifacts found under the source"),
  previouslyBackfilled: z.number().int().describe("backfilled by earlier runs, skipped by this one"),
  backfilled: z.number().int().describe("artifacts that now carry a manifest and a witness receipt"),
  newlyBackfilled: z.number().int(),
  resumedIntents: z
    .number()
    .int()
    .describe("witness entries found in the log after a crash, not appended again"),
  failed: z.number().int(),
  pending: z.number().int().describe("not yet attempted (a paused or interrupted run)"),
  coverage: z.number().describe("backfilled / eligible"),
  failures: z.array(
    z.object({
      code: z.string(),
      count: z.number().int(),
      examples: z.array(z.object({ id: z.string(), message: z.string() })),
    }),
  ),
  durationMs: z.number(),
  artifactsPerSecond: z.number(),
  witnessMsPerArtifact: z.number().nullable(),
});

const Source = z.string().min(1).describe("directory holding legacy artifacts (docs/backfill.md)");

export const backfillRun = defineOperation({
  name: "backfill.run",
  summary:
    "Replay legacy results under a directory, emit and witness a manifest for each; idempotent and resumable.",
  idempotent: true,
  pathInputs: ["source"],
  input: z.object({
    source: Source,
    key: z
      .string()
      .min(1)
      .optional()
      .describe("key store name of the witness signing key (default: the log's key)"),
    rate: z.number().positive().optional().describe("artifacts per second at most"),
    retryFailed: z
      .boolean()
      .default(false)
      .describe("retry artifacts that failed before with the same content"),
  }),
  output: Report,
  handler: async (input, ctx) => {
    const processor = createPcqBackfillProcessor({ home: ctx.home, key: input.key, now: ctx.now });
    const report: BackfillReport = await runBackfill({
      home: ctx.home,
      source: input.source,
      processor,
      log: homeWitnessLog(ctx.home),
      rate: input.rate,
      retryFailed: input.retryFailed,
      now: ctx.now,
      onProgress: (p) =>
        ctx.onProgress?.({ operation: "backfill.run", done: p.done + p.failed, total: p.total }),
    });
    return report;
  },
});

export const backfillPause = defineOperation({
  name: "backfill.pause",
  summary: "Ask a running backfill to stop after its current artifact; `backfill.run` resumes it.",
  idempotent: true,
  pathInputs: ["source"],
  input: z.object({ source: Source }),
  output: z.object({ job: z.string(), paused: z.literal(true) }),
  handler: ({ source }, ctx) => ({ job: pauseJob(ctx.home, source).job, paused: true as const }),
});

/** A stale lock (a killed runner) is broken by tryAcquire, so only a live runner counts. */
function isRunning(lockPath: string): boolean {
  const lock = new DirLock(lockPath);
  if (!lock.tryAcquire()) return true;
  lock.release();
  return false;
}

export const backfillStatus = defineOperation({
  name: "backfill.status",
  summary: "The last coverage report of a backfill job and what its journal holds.",
  idempotent: true,
  pathInputs: ["source"],
  input: z.object({ source: Source }),
  output: z.object({
    job: z.string(),
    running: z.boolean(),
    pauseRequested: z.boolean(),
    journalRecords: z.number().int(),
    report: Report.nullable().describe("the report of the last run that ended (null before any)"),
  }),
  handler: ({ source }, ctx) => {
    const dir = jobDir(ctx.home, resolve(source));
    const journal = join(dir, "journal.jsonl");
    if (!existsSync(journal))
      throw new TfError("TF_BACKFILL_NO_JOB", `No backfill job for ${source}`, { details: { source } });
    const reportPath = join(dir, "report.json");
    return {
      job: jobId(source),
      running: isRunning(join(dir, "lock")),
      pauseRequested: existsSync(join(dir, "pause")),
      journalRecords: readJournal(journal).records.length,
      report: existsSync(reportPath)
        ? (JSON.parse(readFileSync(reportPath, "utf8")) as BackfillReport)
        : null,
    };
  },
});
