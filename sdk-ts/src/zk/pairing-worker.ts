/**
 * A pairing thread (built as its own entry, dist/zk-pairing-worker.*): builds its own instance of
 * wasmcurves' bn128 module, the one ffjavascript runs (ffjavascript itself cannot load in a plain
 * worker thread: its web-worker dependency takes such threads over), and runs batch-verification
 * chunks on it (pairing-job.ts). Started only by the pairing pool (pairing-pool.ts).
 */
import { parentPort } from "node:worker_threads";
import { ModuleBuilder } from "wasmbuilder";
import { buildBn128 } from "wasmcurves";
import { type PairingChunk, pairingChunk, type WasmEnv, wasmApi } from "./pairing-job.js";

const port = parentPort;
if (!port) throw new Error("zk-pairing-worker runs only as a worker thread");

/** Initial memory in 64 KiB pages, as ffjavascript gives its instances (1.6 MB); grows on demand. */
const PAGES = 25;
const builder = new ModuleBuilder();
builder.setMemory(PAGES);
buildBn128(builder);
const memory = new wasmApi.Memory({ initial: PAGES });
const instance = new wasmApi.Instance(new wasmApi.Module(builder.build()), { env: { memory } });
const x = instance.exports as Record<string, (...args: number[]) => number>;

// The module keeps its free-memory pointer in the first word (set by its data segment), as
// ffjavascript's allocator does.
const word0 = () => new Uint32Array(memory.buffer, 0, 1);
const env: WasmEnv = {
  x,
  u8: () => new Uint8Array(memory.buffer),
  alloc(length) {
    const p = (word0()[0]! + 3) & ~3;
    const end = p + length;
    if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
    word0()[0] = end;
    return p;
  },
};

port.postMessage({
  ready: true,
  preQSize: (builder.modules as { bn128: { preQSize: number } }).bn128.preQSize,
});

port.on("message", (job: { id: number; chunk: PairingChunk }) => {
  const start = word0()[0]!;
  try {
    const r = pairingChunk(env, job.chunk);
    // the results are fresh copies (slice): their buffers move to the main thread without copying
    const moved = [r.inG2, r.pre, r.ra, r.f].map((b) => b.buffer as ArrayBuffer);
    port.postMessage({ id: job.id, result: r }, moved);
  } catch (e) {
    port.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) });
  } finally {
    word0()[0] = start;
  }
});
