/**
 * The simulator over a history file on every core: the file is cut at line boundaries into one
 * byte range per thread; this thread reads the first range while worker threads (each compiling
 * the same two policies from their checked documents) read the others; their accumulations are
 * then absorbed in file order, which gives exactly the report of reading the file in one piece.
 */
import { existsSync } from "node:fs";
import type { open } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { fromErrorBody, TfError } from "../core/errors.js";
import { moduleDir } from "../core/module-dir.js";
import type { CompiledPolicy } from "./compile.js";
import {
  type ByteRange,
  feedFile,
  openHistory,
  PolicySimulator,
  type SimulateOptions,
  type SimulationReport,
  type SimulatorState,
} from "./simulate.js";

/** Below this size a file is read by one thread (starting a worker costs more than it saves). */
export const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;
/** Most threads a simulation uses by default. */
const MAX_DEFAULT_THREADS = 4;

export interface SimulateFileOptions extends SimulateOptions {
  /**
   * Threads reading the file (this one included): default one per core (at most 4) for files of
   * 16 MiB or more, else 1. The report is the same whatever the number.
   */
  threads?: number;
}

/** What the main thread sends a worker (see simulate-worker.ts). */
export interface SimulateJob {
  path: string;
  range: ByteRange;
  from: CompiledPolicy["documents"];
  to: CompiledPolicy["documents"];
  options: Omit<SimulateOptions, "onProgress" | "now">;
}
/** What a worker posts back. */
export type SimulateMessage =
  | { type: "progress"; done: number }
  | { type: "done"; lines: number; state: SimulatorState }
  | {
      type: "error";
      error: { code?: string; message?: string; remedy?: string; details?: Record<string, unknown> };
    };

const WORKER_FILES = ["lac-simulate-worker.js", "lac-simulate-worker.mjs", "lac-simulate-worker.cjs"];

/** The built worker entry beside this code; undefined when running from source (one thread then). */
function workerScript(): string | undefined {
  const dir = moduleDir();
  for (const f of WORKER_FILES) if (existsSync(join(dir, f))) return join(dir, f);
  return undefined;
}

/** Cuts [0, size) into up to `parts` ranges, each starting at 0 or just after a newline. */
async function lineRanges(
  fh: Awaited<ReturnType<typeof open>>,
  size: number,
  parts: number,
): Promise<ByteRange[]> {
  const buf = Buffer.allocUnsafe(64 * 1024);
  const cuts = [0];
  for (let k = 1; k < parts; k++) {
    let pos = Math.max(cuts[cuts.length - 1]!, Math.floor((size * k) / parts) - 1);
    let cut = size;
    while (pos < size) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      const nl = buf.subarray(0, bytesRead).indexOf(10);
      if (nl >= 0) {
        cut = pos + nl + 1;
        break;
      }
      pos += bytesRead;
    }
    if (cut > cuts[cuts.length - 1]! && cut < size) cuts.push(cut);
  }
  cuts.push(size);
  return cuts.slice(1).map((end, i) => ({ start: cuts[i]!, end }));
}

function runWorker(
  script: string,
  job: SimulateJob,
  progress: (done: number) => void,
): { result: Promise<{ lines: number; state: SimulatorState }>; stop: () => void } {
  const worker = new Worker(script, { workerData: job });
  let settled = false;
  const result = new Promise<{ lines: number; state: SimulatorState }>((resolve, reject) => {
    worker.on("message", (m: SimulateMessage) => {
      if (m.type === "progress") progress(m.done);
      else if (m.type === "done") {
        settled = true;
        resolve({ lines: m.lines, state: m.state });
      } else {
        settled = true;
        reject(fromErrorBody(m.error, "TF_INTERNAL"));
      }
    });
    worker.on("error", (e) => {
      settled = true;
      reject(new TfError("TF_INTERNAL", `A simulator thread failed: ${e.message}`, { cause: e }));
    });
    worker.on("exit", (code) => {
      if (!settled)
        reject(new TfError("TF_INTERNAL", `A simulator thread stopped (exit code ${code}) before finishing`));
    });
  });
  return { result, stop: () => void worker.terminate() };
}

/** Simulates a change over a JSONL history file, streamed, on several threads when it is large. */
export async function simulateFile(
  from: CompiledPolicy,
  to: CompiledPolicy,
  path: string,
  options: SimulateFileOptions = {},
): Promise<SimulationReport> {
  const { threads: wanted, ...simOptions } = options;
  const script = workerScript();
  const fh = await openHistory(path);
  let ranges: ByteRange[];
  let size: number;
  try {
    size = (await fh.stat()).size;
    const byDefault = size >= PARALLEL_MIN_BYTES ? Math.min(availableParallelism(), MAX_DEFAULT_THREADS) : 1;
    const threads = script === undefined ? 1 : Math.max(1, Math.floor(wanted ?? byDefault));
    ranges = threads > 1 ? await lineRanges(fh, size, threads) : [{ start: 0, end: size }];
  } finally {
    await fh.close();
  }
  const sim = new PolicySimulator(from, to, simOptions);
  if (ranges.length === 1 || script === undefined) {
    await feedFile(sim, path, simOptions.onProgress);
    return sim.report();
  }

  // Progress: bytes done per range, summed.
  const done = ranges.map(() => 0);
  const onProgress = simOptions.onProgress;
  const report = (k: number, d: number) => {
    done[k] = d;
    onProgress?.(
      done.reduce((a, b) => a + b, 0),
      size,
    );
  };
  const { onProgress: _p, now: _n, ...plain } = simOptions;
  const workers = ranges
    .slice(1)
    .map((range, i) =>
      runWorker(script, { path, range, from: from.documents, to: to.documents, options: plain }, (d) =>
        report(i + 1, d),
      ),
    );
  try {
    // Settle every worker promise even if this thread fails (no unhandled rejections).
    const parts = Promise.allSettled(workers.map((w) => w.result));
    let lineOffset = await feedFile(sim, path, (d) => report(0, d), ranges[0]);
    for (const p of await parts) {
      if (p.status === "rejected") throw p.reason;
      if (!sim.absorb(p.value.state, lineOffset)) {
        // More distinct teams or datasets than the cap: which ones are folded depends on file
        // order across the parts, so read the history in one piece instead.
        const whole = new PolicySimulator(from, to, simOptions);
        await feedFile(whole, path, simOptions.onProgress);
        return whole.report();
      }
      lineOffset += p.value.lines;
    }
    return sim.report();
  } finally {
    for (const w of workers) w.stop();
  }
}
