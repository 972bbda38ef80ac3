#!/usr/bin/env node
// `tf serve` throughput and latency on loopback, with peers measured in the same run.
//
//   node bench/server/throughput.mjs [--levels 1,4,16,64,128] [--duration 5] [--out FILE] ...
//
// The server runs as its own process (`node cli/bin/run.js serve --port 0`), so the load
// generator (undici, in this process) never shares its event loop. One tenant is created with
// `tf tenants add`, a log is built over HTTP and inclusion proofs are fetched for --proofs
// different entries; then log.verifyProof (pure CPU: a signed-checkpoint check and a Merkle
// path, no writes) is driven at each concurrency level for --duration seconds, the requests
// rotating over those proofs. Peers, in the same run:
//   - in-process: the same operation through createLocalClient, serially, no HTTP: the cost
//     of the work itself per call;
//   - http ceiling: a bare node:http server (bench/server/hello.mjs) under the same load
//     generator, levels and durations: what loopback HTTP costs with no work at all.
// Tables go to stdout, progress to stderr, everything to --out (JSON).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, platform, release, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));
const REPO_ROOT = resolve(BENCH_DIR, "..", "..");
const SDK_DIST = join(REPO_ROOT, "sdk-ts", "dist", "index.js");
const CLI = join(REPO_ROOT, "cli", "bin", "run.js");
const AIM = { rps: 1000, p95Ms: 100 };

const HELP = `Usage: node bench/server/throughput.mjs [flags]

Drives log.verifyProof on \`tf serve\` (its own process, 127.0.0.1) at increasing concurrency,
next to a bare node:http server and the same call in-process; writes one JSON result.

  --levels LIST         concurrency levels [1,4,16,64,128]
  --duration S          timed seconds per level and target [5]
  --warmup S            untimed seconds before each level, and at least until every
                        connection has been answered once (at most 60 s) [1]
  --max-requests N      stop a level after N timed requests [500000]
  --entries N           log size [1000]
  --proofs K            different proofs the requests rotate over [256]
  --checkpoints N       signed checkpoints those proofs are spread over [1]; more than 256
                        defeats the verifier's memory of checked signatures (worst case)
  --inproc-calls N      timed in-process calls (peer) [2000]
  --no-hello            skip the bare node:http peer
  --quick               --duration 2 --warmup 0.5 --inproc-calls 500
  --out FILE            JSON result [bench/out/server-throughput.json]
  --keep                keep the server's data directory
  --cpu-prof DIR        run the server under \`node --cpu-prof\`, profiles written to DIR
  --help                this text
`;

// ---------------------------------------------------------------------------------------------
// Flags, statistics, output.

function parseFlags(argv) {
  const f = {
    levels: "1,4,16,64,128",
    duration: 5,
    warmup: 1,
    "max-requests": 500_000,
    entries: 1000,
    proofs: 256,
    checkpoints: 1,
    "inproc-calls": 2000,
    hello: true,
    quick: false,
    out: join(REPO_ROOT, "bench", "out", "server-throughput.json"),
    keep: false,
    "cpu-prof": "",
    help: false,
  };
  const given = new Set();
  for (let i = 0; i < argv.length; i++) {
    let [name, value] = argv[i].replace(/^--/, "").split(/=(.*)/s, 2);
    if (!argv[i].startsWith("--")) throw new Error(`unexpected argument ${argv[i]}`);
    if (name.startsWith("no-") && typeof f[name.slice(3)] === "boolean") {
      f[name.slice(3)] = false;
      continue;
    }
    if (!(name in f)) throw new Error(`unknown flag --${name} (see --help)`);
    if (typeof f[name] === "boolean") {
      f[name] = true;
      continue;
    }
    value ??= argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (typeof f[name] === "number") {
      const n = Number(value.replace(/_/g, ""));
      if (!(Number.isFinite(n) && n > 0)) throw new Error(`--${name} must be a positive number`);
      f[name] = n;
    } else f[name] = value;
    given.add(name);
  }
  if (f.quick) {
    if (!given.has("duration")) f.duration = 2;
    if (!given.has("warmup")) f.warmup = 0.5;
    if (!given.has("inproc-calls")) f["inproc-calls"] = 500;
  }
  f.levels = f.levels.split(",").map((s) => {
    const n = Number(s);
    if (!(Number.isSafeInteger(n) && n > 0)) throw new Error(`bad concurrency level ${s}`);
    return n;
  });
  return f;
}

const info = (msg) => process.stderr.write(`${msg}\n`);

function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function latencyStats(ms) {
  const s = Float64Array.from(ms).sort();
  let sum = 0;
  for (const v of s) sum += v;
  return {
    n: s.length,
    p50Ms: quantile(s, 0.5),
    p95Ms: quantile(s, 0.95),
    p99Ms: quantile(s, 0.99),
    maxMs: s.length ? s[s.length - 1] : Number.NaN,
    meanMs: s.length ? sum / s.length : Number.NaN,
  };
}

const fmt = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : "-");
const int = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString("en-US") : "-");

function table(header, rows) {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) =>
    r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join("  ");
  return [line(header), line(w.map((n) => "-".repeat(n))), ...rows.map(line)].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Child processes (only the ones started here are ever stopped, by their pid).

const children = new Set();

/** Spawns a server that prints its URL as the first stdout line; counts its stderr lines. */
function startChild(label, args, { cwd = REPO_ROOT } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    const state = { child, url: null, stderrLines: 0, accessLogLines: 0, stderrTail: [] };
    let out = "";
    let pending = "";
    child.stdout.setEncoding("utf8").on("data", (d) => {
      out += d;
      const nl = out.indexOf("\n");
      if (state.url === null && nl >= 0) {
        state.url = out.slice(0, nl).trim();
        resolve(state);
      }
    });
    // Drained, so the server writes its access log to a pipe that is read, as in production.
    child.stderr.setEncoding("utf8").on("data", (d) => {
      pending += d;
      const lines = pending.split("\n");
      pending = lines.pop();
      for (const l of lines) {
        state.stderrLines++;
        if (l.startsWith('{"time"')) state.accessLogLines++;
        else state.stderrTail = [...state.stderrTail.slice(-5), l];
      }
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      children.delete(child);
      state.exited = { code, signal };
      if (state.url === null)
        reject(
          new Error(`${label} exited (${signal ?? code}) before listening: ${state.stderrTail.join(" / ")}`),
        );
    });
  });
}

function stopChild(state) {
  return new Promise((resolve) => {
    if (!state || state.exited) return resolve();
    const t = setTimeout(() => state.child.kill("SIGKILL"), 5000);
    state.child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    state.child.kill("SIGTERM");
  });
}

function stopAll() {
  for (const c of children) c.kill("SIGTERM");
}
process.once("SIGINT", () => {
  stopAll();
  process.exit(130);
});

const CLK_TCK = (() => {
  const r = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  return Number(r.stdout) || 100;
})();

/** CPU seconds (user + system) a process has used, from /proc; null where there is no /proc. */
function processCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Load generator.

/**
 * One level: `concurrency` workers, each keeping one request in flight on its own keep-alive
 * connection and sending the next body in rotation as soon as its answer is read. Warm-up lasts
 * `warmup` seconds and at least until every worker has had an answer (every connection is open
 * and served; bounded by `maxWarmupSeconds`); then requests started during the next `seconds`
 * (at most `maxRequests`) are timed. A response counts as an error unless it is HTTP 200 with
 * `{"ok":true`.
 */
async function drive(
  undici,
  { url, path, headers, bodies, concurrency, warmup, seconds, maxRequests, onTimedStart },
) {
  const pool = new undici.Pool(url, { connections: concurrency, pipelining: 1, keepAliveTimeout: 10_000 });
  const maxWarmupSeconds = Math.max(60, warmup);
  const latencies = [];
  const starts = [];
  const errors = { count: 0, byStatus: {}, first: null };
  let next = 0;
  let issued = 0;
  let workersServed = 0;
  let allServedMs = null;
  let timedStart = null;
  let last = 0;
  const begin = performance.now();
  const startTimingIfReady = (now) => {
    const warm = now - begin >= warmup * 1000 && workersServed === concurrency;
    if (warm || now - begin >= maxWarmupSeconds * 1000) {
      timedStart = now;
      onTimedStart?.();
    }
  };
  const worker = async () => {
    let served = false;
    for (;;) {
      const now = performance.now();
      if (timedStart === null) startTimingIfReady(now);
      if (timedStart !== null && (now >= timedStart + seconds * 1000 || issued >= maxRequests)) break;
      const timed = timedStart !== null;
      if (timed) issued++;
      const body = bodies[next++ % bodies.length];
      const t0 = performance.now();
      let status = 0;
      let text = "";
      try {
        const res = await pool.request({ path, method: "POST", headers, body });
        status = res.statusCode;
        text = await res.body.text();
      } catch (e) {
        text = String(e?.message ?? e);
      }
      const t1 = performance.now();
      if (!served) {
        served = true;
        if (++workersServed === concurrency) allServedMs = t1 - begin;
      }
      if (!timed) continue;
      last = t1;
      latencies.push(t1 - t0);
      starts.push(t0 - timedStart);
      if (status !== 200 || !text.startsWith('{"ok":true')) {
        errors.count++;
        errors.byStatus[status] = (errors.byStatus[status] ?? 0) + 1;
        errors.first ??= { status, body: text.slice(0, 300) };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await pool.close();
  // The slowest few, with when they started in the timed phase.
  const slowest = latencies
    .map((ms, i) => ({ startMs: Math.round(starts[i]), ms: Math.round(ms * 100) / 100 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5);
  return {
    done: latencies.length,
    seconds: (last - timedStart) / 1000,
    timedStart,
    warmupSeconds: (timedStart - begin) / 1000,
    allConnectionsServedMs: allServedMs,
    latencies,
    errors,
    slowest,
  };
}

async function level(undici, target, concurrency, flags) {
  let cpu0 = null;
  let me0 = null;
  const r = await drive(undici, {
    ...target,
    concurrency,
    warmup: flags.warmup,
    seconds: flags.duration,
    maxRequests: flags["max-requests"],
    onTimedStart: () => {
      cpu0 = processCpuSeconds(target.pid);
      me0 = process.cpuUsage();
    },
  });
  const cpu1 = processCpuSeconds(target.pid);
  const me = process.cpuUsage(me0);
  return {
    concurrency,
    requests: r.done,
    seconds: r.seconds,
    rps: r.done / r.seconds,
    ...latencyStats(r.latencies),
    errors: r.errors.count,
    errorsByStatus: r.errors.byStatus,
    firstError: r.errors.first,
    warmupSeconds: r.warmupSeconds,
    allConnectionsServedMs: r.allConnectionsServedMs,
    slowest: r.slowest,
    serverCpu: cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / r.seconds,
    clientCpu: (me.user + me.system) / 1e6 / r.seconds,
  };
}

// ---------------------------------------------------------------------------------------------
// Setup over HTTP, with the SDK's own remote client (what users call).

/**
 * Builds the log and fetches the proofs. With --checkpoints N > 1 the log grows in N steps and
 * the proofs are taken after each, so they carry N different signed checkpoints: with more of
 * them than the verifier remembers (256), every request pays a full Ed25519 verification.
 */
async function setup(sdk, url, apiKey, flags) {
  const client = sdk.createRemoteClient({ url, apiKey, timeoutMs: 60_000 });
  try {
    await client.log.init({ origin: "bench.example/server-throughput" });
    const entry = (i) => `bench entry ${i}`;
    const steps = Math.min(flags.checkpoints, flags.entries);
    const perStep = Math.ceil(Math.min(flags.proofs, flags.entries) / steps);
    const inputs = [];
    let size = 0;
    for (let step = 1; step <= steps; step++) {
      const target = Math.round((step * flags.entries) / steps);
      for (; size < target; ) {
        const n = Math.min(100, target - size);
        await client.log.append({ entries: Array.from({ length: n }, (_, k) => entry(size + k)) });
        size += n;
      }
      for (let j = 0; j < perStep; j++) {
        const index = Math.floor((j * size) / perStep);
        const p = await client.log.prove({ index });
        inputs.push({ proof: p.proof, entry: entry(index), vkey: p.vkey });
      }
    }
    // Every request must succeed: check one through the server before measuring.
    const v = await client.log.verifyProof(inputs[inputs.length - 1]);
    if (!v.ok) throw new Error("the server did not verify its own proof");
    const checkpoints = new Set(inputs.map((i) => i.proof.slice(i.proof.indexOf("\n\n")))).size;
    return {
      inputs,
      treeSize: v.treeSize,
      checkpoints,
      responseBytes: JSON.stringify({ ok: true, data: v }).length,
    };
  } finally {
    await client.close();
  }
}

/** The peer without HTTP: the same inputs through createLocalClient, one call at a time. */
async function inProcess(sdk, inputs, calls) {
  const home = mkdtempSync(join(tmpdir(), "tf-bench-inproc-"));
  try {
    const tf = sdk.createLocalClient({ home });
    const first0 = performance.now();
    await tf.call("log.verifyProof", inputs[0]);
    const firstMs = performance.now() - first0;
    for (let i = 0; i < Math.min(200, calls); i++)
      await tf.call("log.verifyProof", inputs[i % inputs.length]);
    const ms = [];
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      await tf.call("log.verifyProof", inputs[i % inputs.length]);
      ms.push(performance.now() - t0);
    }
    const s = latencyStats(ms);
    return { calls, firstCallMs: firstMs, ...s, callsPerSecond: 1000 / s.meanMs };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.help) {
    process.stdout.write(HELP);
    return 0;
  }
  for (const [p, what] of [
    [SDK_DIST, "the SDK (sdk-ts/dist)"],
    [join(REPO_ROOT, "cli", "dist"), "the CLI (cli/dist)"],
    [join(REPO_ROOT, "cli", "oclif.manifest.json"), "the CLI manifest"],
  ]) {
    if (!existsSync(p)) {
      info(
        `${what} is not built: run \`PATH=$PWD/.tools/node_modules/.bin:$PATH pnpm run build\` at the root`,
      );
      return 1;
    }
  }
  const sdk = await import(pathToFileURL(SDK_DIST).href);
  // undici as the SDK depends on it (bench/ has no package.json of its own).
  const undici = await import(
    pathToFileURL(createRequire(join(REPO_ROOT, "sdk-ts", "package.json")).resolve("undici")).href
  );

  const home = mkdtempSync(join(tmpdir(), "tf-bench-serve-"));
  const startedAt = new Date();
  const result = {
    schema: "tf.bench.server-throughput/v1",
    startedAt: startedAt.toISOString(),
    command: ["node", "bench/server/throughput.mjs", ...process.argv.slice(2)].join(" "),
    options: { ...flags, help: undefined },
    machine: {
      platform: `${platform()} ${release()}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      node: process.version,
      loadavgBefore: loadavg(),
    },
    operation: "log.verifyProof",
  };
  let server = null;
  let hello = null;
  try {
    info(`server throughput: data in ${home}`);
    const added = spawnSync(process.execPath, [CLI, "tenants", "add", "bench", "--home", home, "--json"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    if (added.status !== 0) throw new Error(`tf tenants add failed: ${added.stderr || added.stdout}`);
    const apiKey = JSON.parse(added.stdout).data.apiKey;

    const prof = flags["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", flags["cpu-prof"]] : [];
    server = await startChild("tf serve", [...prof, CLI, "serve", "--port", "0", "--home", home]);
    info(`tf serve: ${server.url} (pid ${server.child.pid})`);
    const t0 = performance.now();
    const { inputs, treeSize, checkpoints, responseBytes } = await setup(sdk, server.url, apiKey, flags);
    info(
      `setup: ${flags.entries} entries, ${inputs.length} proofs over ${checkpoints} checkpoint(s) (${fmt((performance.now() - t0) / 1000)} s)`,
    );
    result.setup = { entries: flags.entries, proofs: inputs.length, checkpoints, treeSize };
    const bodies = inputs.map((i) => JSON.stringify(i));

    info(`in-process: ${flags["inproc-calls"]} calls …`);
    result.inProcess = await inProcess(sdk, inputs, flags["inproc-calls"]);

    if (flags.hello) {
      hello = await startChild("hello", [join(BENCH_DIR, "hello.mjs"), String(responseBytes)]);
      info(`http ceiling: ${hello.url} (pid ${hello.child.pid})`);
    }
    const headers = { "content-type": "application/json", authorization: `Bearer ${apiKey}` };
    const targets = {
      "tf serve": {
        url: server.url,
        path: "/v1/ops/log.verifyProof",
        headers,
        bodies,
        pid: server.child.pid,
      },
      ...(hello
        ? {
            "http ceiling": {
              url: hello.url,
              path: "/v1/ops/log.verifyProof",
              headers,
              bodies,
              pid: hello.child.pid,
            },
          }
        : {}),
    };
    result.levels = Object.fromEntries(Object.keys(targets).map((t) => [t, []]));
    const accessBefore = server.accessLogLines;
    let tfRequests = 0;
    for (const [i, c] of flags.levels.entries()) {
      // Alternate which target goes first, so neither always runs on the warmer machine.
      const names = Object.keys(targets);
      if (i % 2 === 1) names.reverse();
      for (const name of names) {
        const r = await level(undici, targets[name], c, flags);
        result.levels[name].push(r);
        info(
          `  ${name.padEnd(12)} c=${String(c).padStart(3)}: ${int(r.rps)} req/s, p50 ${fmt(r.p50Ms, 2)} ms, p95 ${fmt(r.p95Ms, 2)} ms, p99 ${fmt(r.p99Ms, 2)} ms, errors ${r.errors}`,
        );
      }
    }
    // Every request the server answered must have produced one access-log line.
    for (const r of result.levels["tf serve"]) tfRequests += r.requests;
    await new Promise((r) => setTimeout(r, 200));
    result.accessLog = { linesDuringLevels: server.accessLogLines - accessBefore, timedRequests: tfRequests };
  } finally {
    await stopChild(hello);
    await stopChild(server);
    if (!flags.keep) rmSync(home, { recursive: true, force: true });
  }
  result.machine.loadavgAfter = loadavg();
  result.seconds = (Date.now() - startedAt.getTime()) / 1000;

  // Aim: at least 1,000 req/s at a level whose p95 is within 100 ms and that had no errors.
  const ok = result.levels["tf serve"].filter((r) => r.p95Ms <= AIM.p95Ms && r.errors === 0);
  const best = ok.reduce((a, r) => (a && a.rps >= r.rps ? a : r), null);
  result.aim = {
    rps: AIM.rps,
    p95Ms: AIM.p95Ms,
    bestLevel: best ? { concurrency: best.concurrency, rps: best.rps, p95Ms: best.p95Ms } : null,
    met: !!best && best.rps >= AIM.rps,
  };

  // Report.
  const ip = result.inProcess;
  const out = [];
  const st = result.setup;
  out.push(
    `\n\`tf serve\` throughput: log.verifyProof, ${st.proofs} proofs over ${st.checkpoints} signed checkpoint(s), tree size ${st.treeSize}, ${flags.duration} s per level, 127.0.0.1\n`,
  );
  const rows = [];
  for (const [name, levels] of Object.entries(result.levels)) {
    for (const r of levels)
      rows.push([
        name,
        r.concurrency,
        int(r.rps),
        fmt(r.p50Ms, 2),
        fmt(r.p95Ms, 2),
        fmt(r.p99Ms, 2),
        r.errors,
        r.serverCpu === null ? "-" : `${Math.round(r.serverCpu * 100)}%`,
        `${Math.round(r.clientCpu * 100)}%`,
        fmt(r.warmupSeconds),
      ]);
  }
  out.push(
    table(
      [
        "target",
        "conc",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "server CPU",
        "client CPU",
        "warm-up s",
      ],
      rows,
    ),
  );
  const tfBest = result.levels["tf serve"].reduce((a, r) => (a && a.rps >= r.rps ? a : r), null);
  out.push(
    `\nin-process (no HTTP, one call at a time): median ${fmt(ip.p50Ms * 1000, 0)} µs, p95 ${fmt(ip.p95Ms * 1000, 0)} µs, mean ${fmt(ip.meanMs * 1000, 0)} µs per call = ${int(ip.callsPerSecond)} calls/s on one core (first call ${fmt(ip.firstCallMs, 1)} ms)`,
  );
  if (tfBest) {
    out.push(
      `HTTP cost per request at the best level (c=${tfBest.concurrency}): ${fmt((1e6 / tfBest.rps) * (tfBest.serverCpu ?? 1), 0)} µs of server CPU per request, of which ${fmt(ip.meanMs * 1000, 0)} µs is the operation`,
    );
  }
  if (result.levels["http ceiling"]) {
    const h = result.levels["http ceiling"].reduce((a, r) => (a && a.rps >= r.rps ? a : r), null);
    out.push(
      `tf serve / http ceiling at their best levels: ${fmt((tfBest.rps / h.rps) * 100, 0)}% of ${int(h.rps)} req/s`,
    );
  }
  out.push(
    `access log: ${result.accessLog.linesDuringLevels.toLocaleString("en-US")} lines for ${result.accessLog.timedRequests.toLocaleString("en-US")} timed requests (plus warm-up)`,
  );
  out.push(
    `aim: >= ${AIM.rps} req/s with p95 <= ${AIM.p95Ms} ms: ${result.aim.met ? "met" : "NOT met"}${best ? ` (best: c=${best.concurrency}, ${int(best.rps)} req/s, p95 ${fmt(best.p95Ms, 2)} ms)` : ""}`,
  );
  out.push(
    `load average before/after: ${result.machine.loadavgBefore[0].toFixed(2)} / ${result.machine.loadavgAfter[0].toFixed(2)} on ${result.machine.cpus} CPUs`,
  );
  process.stdout.write(`${out.join("\n")}\n`);

  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, `${JSON.stringify(result)}\n`);
  info(`wrote ${flags.out}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    info(`server throughput: ${e?.stack ?? e}`);
    stopAll();
    process.exit(1);
  },
);
