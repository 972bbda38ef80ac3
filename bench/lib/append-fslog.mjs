// Durable appends per second of Trust Fabric's FsLog, measured exactly as bench/tessera
// measures Tessera's POSIX driver, so the two figures compare:
//
//   node bench/lib/append-fslog.mjs --dir DIR --entries N --size 256 --concurrency 1024 --batch 1024
//
// 1. Creates a fresh log in --dir (missing or empty) with a random Ed25519 key
//    (noteSignerFromSeed). Not timed.
// 2. Starts the clock; --concurrency workers each keep one `append([entry])` in flight. An
//    append resolves only once its batch is fsynced, the directories are fsynced and a
//    signed checkpoint covering it has atomically replaced the old one, i.e. durable AND
//    published: the point where Tessera's run stops its clock too.
// 3. Stops the clock when the last append has resolved.
// 4. Untimed: every index in [0, N) was assigned exactly once, the checkpoint on disk
//    verifies and has size N, then `verifyLog` re-checks every tile and entry (timed
//    on its own and reported as `verify`).
//
// --sdk FILE loads another build of the SDK than sdk-ts/dist/index.js (to compare two versions).
//
// stdout gets exactly one JSON line (same field names as bench/tessera); progress goes to stderr.
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  diskUsage,
  entryData,
  importSdk,
  info,
  parseFlags,
  positiveInt,
  quantile,
  REPO_ROOT,
} from "./common.mjs";

const ORIGIN = "bench.example/trustfabric";

const flags = parseFlags(process.argv.slice(2), {
  dir: "",
  sdk: "",
  entries: 20000,
  size: 256,
  concurrency: 1024,
  batch: 1024,
  verify: true,
});

async function main() {
  if (!flags.dir) throw new Error("--dir is required");
  const n = positiveInt(flags, "entries");
  const size = positiveInt(flags, "size");
  const concurrency = positiveInt(flags, "concurrency");
  const maxBatch = positiveInt(flags, "batch");
  if (size < 8 || size > 0xffff) throw new Error("--size must be in [8, 65535]");
  mkdirSync(flags.dir, { recursive: true });
  if (readdirSync(flags.dir).length > 0)
    throw new Error(`${flags.dir} is not empty; the benchmark needs a fresh log`);

  const sdk = await importSdk(flags.sdk);
  const signer = sdk.noteSignerFromSeed(ORIGIN, randomBytes(32));
  sdk.FsLog.init(flags.dir, ORIGIN, signer, "bench");
  const log = sdk.FsLog.open(flags.dir, signer, { maxBatch });
  const version = JSON.parse(readFileSync(join(REPO_ROOT, "sdk-ts", "package.json"), "utf8")).version;
  info(
    `trustfabric-fslog ${version} dir=${flags.dir} entries=${n} size=${size} concurrency=${concurrency} maxBatch=${maxBatch}`,
  );

  const seen = new Uint8Array(n);
  const latency = new Float32Array(n);
  const checkpointSizes = new Set();
  let next = 0;
  let done = 0;
  let failure = null;

  const start = performance.now();
  const progress = setInterval(() => {
    const s = (performance.now() - start) / 1000;
    info(`${done}/${n} durable, ${s.toFixed(1)}s, ${(done / s).toFixed(0)}/s`);
  }, 5000);
  const worker = async () => {
    while (failure === null) {
      const i = next++;
      if (i >= n) return;
      const t = performance.now();
      let r;
      try {
        r = await log.append([entryData(i, size)]);
      } catch (e) {
        failure ??= e;
        return;
      }
      latency[i] = performance.now() - t;
      if (
        r.count !== 1 ||
        !(r.index >= 0 && r.index < n) ||
        seen[r.index]++ !== 0 ||
        r.checkpoint.size <= r.index
      ) {
        failure ??= new Error(
          `bad ack for entry ${i}: index ${r.index}, count ${r.count}, checkpoint size ${r.checkpoint.size}`,
        );
        return;
      }
      checkpointSizes.add(r.checkpoint.size);
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  const seconds = (performance.now() - start) / 1000;
  clearInterval(progress);
  if (failure) throw failure;

  // Untimed checks: each index exactly once, and a checkpoint for all N entries.
  const missing = seen.indexOf(0);
  if (missing >= 0) throw new Error(`index ${missing} was never assigned`);
  const cp = log.checkpoint();
  if (cp.size !== n) throw new Error(`checkpoint has size ${cp.size}, want ${n}`);
  const du = diskUsage(flags.dir);
  info(
    `done: ${n} entries in ${seconds.toFixed(2)}s, ${checkpointSizes.size} batches, checkpoint size ${cp.size}`,
  );

  let verify = null;
  if (flags.verify) {
    const t = performance.now();
    const report = sdk.verifyLog(flags.dir, log.verifier, ORIGIN);
    verify = {
      seconds: (performance.now() - t) / 1000,
      size: report.size,
      entriesChecked: report.entriesChecked,
      tilesChecked: report.tilesChecked,
      bundlesChecked: report.bundlesChecked,
      root: report.root,
    };
    info(
      `verifyLog: ok in ${verify.seconds.toFixed(2)}s (${report.tilesChecked} tiles, ${report.bundlesChecked} bundles)`,
    );
  }

  const ms = (q) => Number(quantile(latency, q).toFixed(2));
  process.stdout.write(
    `${JSON.stringify({
      impl: "trustfabric-fslog",
      version,
      entries: n,
      entrySize: size,
      concurrency,
      seconds,
      appendsPerSec: n / seconds,
      bytesOnDisk: du.bytes,
      bytesPerEntry: du.bytes / n,
      allocatedBytes: du.allocated,
      partialBytes: du.partial,
      files: du.files,
      batchMaxSize: maxBatch,
      batches: checkpointSizes.size,
      meanBatch: n / checkpointSizes.size,
      ackLatencyMs: { p50: ms(0.5), p99: ms(0.99), max: ms(1) },
      checkpointRoot: Buffer.from(cp.root).toString("base64"),
      verify,
    })}\n`,
  );
}

main().catch((e) => {
  info(`append-fslog: ${e?.code ? `${e.code}: ` : ""}${e?.message ?? e}`);
  process.exit(1);
});
