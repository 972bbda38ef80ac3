/**
 * A pairing thread (built as its own entry, dist/zk-pairing-worker.*): runs its own instance of
 * wasmcurves' bn128 module, the one ffjavascript runs (ffjavascript itself cannot load in a plain
 * worker thread: its web-worker dependency takes such threads over), with our NAF preparation of
 * G2 points added (pairing-module.ts), and runs batch-verification chunks on it (pairing-job.ts).
 * Started only by the pairing pool (pairing-pool.ts).
 */
import { parentPort } from "node:worker_threads";
import { moduleDir } from "../core/module-dir.js";
import { type PairingChunk, pairingChunk } from "./pairing-job.js";
import { loadPairingModule } from "./pairing-module.js";

const port = parentPort;
if (!port) throw new Error("zk-pairing-worker runs only as a worker thread");

// the build writes the module's bytes beside this entry: compiling them takes ~1 ms. A module that
// fails to load rejects unhandled, which ends the thread: the pool then stops.
void loadPairingModule(moduleDir()).then((env) => {
  port.on("message", (job: { id: number; chunk: PairingChunk }) => {
    const start = env.top();
    try {
      const r = pairingChunk(env, job.chunk);
      // the results are fresh copies (slice): their buffers move to the main thread without copying
      const moved = [r.inG2, r.pre, r.ra, r.f].map((b) => b.buffer as ArrayBuffer);
      port.postMessage({ id: job.id, result: r }, moved);
    } catch (e) {
      port.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) });
    } finally {
      env.setTop(start);
    }
  });
  port.postMessage({ ready: true });
});
