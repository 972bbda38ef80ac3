/**
 * A simulator thread (built as its own entry, dist/lac-simulate-worker.*): compiles the two
 * policies from their checked documents, reads its byte range of the history and posts back what
 * it accumulated. Started only by simulateFile (simulate-parallel.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { toTfError } from "../core/errors.js";
import { compilePolicy } from "./compile.js";
import { feedFile, PolicySimulator } from "./simulate.js";
import type { SimulateJob, SimulateMessage } from "./simulate-parallel.js";

/** Progress is posted at most once per this many bytes. */
const PROGRESS_STEP = 4 * 1024 * 1024;

async function run(port: NonNullable<typeof parentPort>, job: SimulateJob): Promise<void> {
  const post = (m: SimulateMessage) => port.postMessage(m);
  try {
    const from = compilePolicy(job.from.policy, job.from.schema);
    const to = compilePolicy(job.to.policy, job.to.schema);
    const sim = new PolicySimulator(from, to, job.options);
    let posted = 0;
    const lines = await feedFile(
      sim,
      job.path,
      (done) => {
        if (done - posted >= PROGRESS_STEP) {
          posted = done;
          post({ type: "progress", done });
        }
      },
      job.range,
    );
    post({ type: "progress", done: job.range.end - job.range.start });
    post({ type: "done", lines, state: sim.state() });
  } catch (e) {
    post({ type: "error", error: toTfError(e).toJSON() });
  }
}

if (parentPort && workerData) void run(parentPort, workerData as SimulateJob);
