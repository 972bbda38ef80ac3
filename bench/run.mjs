#!/usr/bin/env node
// Trust Fabric benchmarks, each side by side with a peer measured in the same run:
//
//   1. durable appends/s and bytes on disk per entry: our FsLog vs Tessera's POSIX driver;
//   2. inclusion proofs at that size: generation, and verification vs the Go reference
//      verifier (transparency-dev/merkle) and a straightforward JavaScript one;
//   3. `tf --help` start-up time vs a bare `node -e 0`.
//
//   node bench/run.mjs [--quick] [--entries N] [--steps append,proofs,cli] ...   (see --help)
//
// Results go to stdout as tables, progress to stderr, and everything to bench/out/*.json.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, release, tmpdir, totalmem } from "node:os";
import { join, relative } from "node:path";
import {
  BENCH_DIR,
  info,
  median,
  parseFlags,
  positiveInt,
  quantile,
  REPO_ROOT,
  SDK_DIST,
  table,
} from "./lib/common.mjs";

const STEPS = ["append", "proofs", "cli", "server", "python"];

const HELP = `Usage: node bench/run.mjs [flags]      (also: pnpm run bench -- [flags], make bench)

Runs the benchmarks and writes bench/out/bench-<time>.json and bench/out/latest.json.

  --quick                 smoke run: 100,000 entries, 1 round, 2,000 proofs, 10 CLI runs
  --entries N             entries to append [1000000]
  --size BYTES            entry size [256]
  --concurrency C         appends in flight [1024]
  --batch B               batch size: FsLog maxBatch and Tessera's batch-size [1024]
  --batch-age DUR         Tessera's batch-age [100ms]
  --rounds R              runs of each append and verify implementation, alternating; medians reported [3]
  --proofs K              random indexes to prove [5000]
  --verify-reps R         timed verification passes [20]
  --cli-runs N            timed runs of each command [20]
  --cli-warmup N          untimed warm-up runs of each command [3]
  --steps LIST            comma-separated subset of append,proofs,cli,server,python [all]
                          (server: bench/server/throughput.mjs; python: bench/python/overhead.py)
  --no-tessera            skip the Tessera peer
  --no-go-verifier        skip the Go verifier peer
  --tmp DIR               where the temporary logs go [${tmpdir()}]
  --keep                  keep the temporary logs and binaries
  --build                 rebuild the SDK (sdk-ts/dist) first
  --timeout SECONDS       limit for each child process [900]
  --help                  this text
`;

const FLAGS = {
  help: false,
  quick: false,
  entries: 0,
  size: 256,
  concurrency: 1024,
  batch: 1024,
  "batch-age": "100ms",
  rounds: 0,
  proofs: 0,
  "verify-reps": 20,
  "cli-runs": 0,
  "cli-warmup": 3,
  steps: "append,proofs,cli,server,python",
  tessera: true,
  "go-verifier": true,
  tmp: tmpdir(),
  keep: false,
  build: false,
  timeout: 900,
};

let flags;
let steps;
try {
  flags = parseFlags(process.argv.slice(2), FLAGS);
  if (flags.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  flags.entries ||= flags.quick ? 100_000 : 1_000_000;
  flags.proofs ||= flags.quick ? 2_000 : 5_000;
  flags.rounds ||= flags.quick ? 1 : 3;
  flags["cli-runs"] ||= flags.quick ? 10 : 20;
  for (const name of [
    "entries",
    "size",
    "concurrency",
    "batch",
    "rounds",
    "proofs",
    "verify-reps",
    "cli-runs",
    "timeout",
  ]) {
    positiveInt(flags, name);
  }
  steps = new Set(flags.steps.split(",").map((s) => s.trim()));
  for (const s of steps) if (!STEPS.includes(s)) throw new Error(`unknown step ${s} in --steps`);
} catch (e) {
  info(`bench: ${e.message} (see node bench/run.mjs --help)`);
  process.exit(2);
}

const PNPM = join(REPO_ROOT, ".tools", "node_modules", ".bin", "pnpm");
const work = mkdtempSync(join(flags.tmp, "tf-bench-"));
const results = {
  schema: "tf.bench/v1",
  startedAt: new Date().toISOString(),
  command: ["node", "bench/run.mjs", ...process.argv.slice(2)].join(" "),
  options: { ...flags, help: undefined },
  machine: machineInfo(),
  append: null,
  proofs: null,
  cli: null,
  server: null,
  python: null,
};
let failed = false;

// ---------------------------------------------------------------------------------------------
// Child processes: one JSON line on stdout; their stderr is passed on, prefixed.

function runChild(label, cmd, args, { cwd = REPO_ROOT, env = process.env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderrTail = "";
    let pending = "";
    child.stdout.setEncoding("utf8").on("data", (d) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d) => {
      stderrTail = (stderrTail + d).slice(-4000);
      pending += d;
      const lines = pending.split("\n");
      pending = lines.pop();
      for (const l of lines) info(`  ${label} | ${l}`);
    });
    const timer = setTimeout(() => {
      info(`  ${label} | timed out after ${flags.timeout}s; killing it`);
      child.kill("SIGKILL");
    }, flags.timeout * 1000);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ ok: false, error: `${cmd}: ${e.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (pending) info(`  ${label} | ${pending}`);
      const line = stdout.trim().split("\n").pop() ?? "";
      if (code === 0) {
        try {
          return resolve({ ok: true, value: JSON.parse(line) });
        } catch {
          return resolve({ ok: false, error: `${label} printed no JSON result` });
        }
      }
      const why = stderrTail.trim().split("\n").slice(-3).join(" / ");
      resolve({ ok: false, error: `${label} exited with ${signal ?? code}${why ? `: ${why}` : ""}` });
    });
  });
}

/** `go build` of a harness; returns { binary } or { reason } saying exactly why not. */
function goBuild(dirName, binaryName) {
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.error)
    return { reason: `Go is not installed (no \`go\` on PATH: ${go.error.code ?? go.error.message})` };
  const binary = join(work, binaryName);
  info(`building bench/${dirName} with ${go.stdout.trim()} …`);
  const b = spawnSync("go", ["build", "-o", binary, "."], {
    cwd: join(BENCH_DIR, dirName),
    encoding: "utf8",
    timeout: 600_000,
  });
  if (b.status !== 0) {
    const out = `${b.stderr ?? ""}${b.stdout ?? ""}`.trim().split("\n").slice(-6).join("\n    ");
    return {
      reason: `\`go build\` in bench/${dirName} failed (module proxy unreachable or modules missing?):\n    ${out || b.error?.message}`,
    };
  }
  return { binary, goVersion: go.stdout.trim() };
}

// ---------------------------------------------------------------------------------------------
// Step 1: durable appends.

async function appendStep() {
  const n = flags.entries;
  info(
    `\n== step 1: durable appends, ${n} entries of ${flags.size} B, ${flags.concurrency} in flight, batch ${flags.batch}`,
  );
  let tessera = null;
  let tesseraSkipped = null;
  if (flags.tessera) {
    const built = goBuild("tessera", "tessera-bench");
    if (built.binary) tessera = built.binary;
    else tesseraSkipped = built.reason;
  } else tesseraSkipped = "disabled with --no-tessera";
  if (tesseraSkipped) info(`tessera: skipped: ${tesseraSkipped}`);

  const ours = [];
  const theirs = [];
  let ourLog = null;
  for (let round = 1; round <= flags.rounds; round++) {
    // Alternate the order between rounds so neither always runs on a warmer machine.
    const order = round % 2 === 1 ? ["ours", "tessera"] : ["tessera", "ours"];
    for (const who of order) {
      if (who === "ours") {
        const dir = join(work, `fslog-${round}`);
        const load = loadavg()[0];
        info(`round ${round}: trustfabric-fslog (load ${loadText()})`);
        const r = await runChild("fslog", process.execPath, [
          join(BENCH_DIR, "lib", "append-fslog.mjs"),
          `--dir=${dir}`,
          `--entries=${n}`,
          `--size=${flags.size}`,
          `--concurrency=${flags.concurrency}`,
          `--batch=${flags.batch}`,
        ]);
        if (!r.ok) throw new Error(r.error);
        ours.push({ ...r.value, loadavgBefore: load });
        if (ourLog && !flags.keep) rmSync(ourLog, { recursive: true, force: true });
        ourLog = dir;
      } else if (tessera) {
        const dir = join(work, `tessera-${round}`);
        const load = loadavg()[0];
        info(`round ${round}: tessera-posix (load ${loadText()})`);
        const r = await runChild("tessera", tessera, [
          `--dir=${dir}`,
          `--entries=${n}`,
          `--size=${flags.size}`,
          `--concurrency=${flags.concurrency}`,
          `--batch-size=${flags.batch}`,
          `--batch-age=${flags["batch-age"]}`,
        ]);
        if (!flags.keep) rmSync(dir, { recursive: true, force: true });
        if (r.ok) theirs.push({ ...r.value, loadavgBefore: load });
        else {
          tesseraSkipped = `the Tessera run failed: ${r.error}`;
          info(`tessera: ${tesseraSkipped}`);
          tessera = null;
        }
      }
    }
  }
  const pick = (runs) =>
    runs.length === 0
      ? null
      : runs.slice().sort((a, b) => a.appendsPerSec - b.appendsPerSec)[(runs.length - 1) >> 1];
  const o = pick(ours);
  const t = pick(theirs);
  const perEntry = (r) => r.allocatedBytes / r.entries;
  const ratio = t
    ? {
        seconds: o.seconds / t.seconds,
        appendsPerSec: o.appendsPerSec / t.appendsPerSec,
        bytesPerEntry: o.bytesPerEntry / t.bytesPerEntry,
        allocatedPerEntry: perEntry(o) / perEntry(t),
      }
    : null;
  results.append = {
    ours: o,
    tessera: t ?? { skipped: tesseraSkipped },
    ratio,
    rounds: { ours, tessera: theirs },
  };

  const rows = [
    ["impl", "entries", "seconds", "appends/s", "bytes/entry", "alloc/entry", "files", "ratio ours/tessera"],
  ];
  rows.push([
    `${o.impl} ${o.version}`,
    int(o.entries),
    o.seconds.toFixed(2),
    int(o.appendsPerSec),
    o.bytesPerEntry.toFixed(1),
    perEntry(o).toFixed(1),
    int(o.files),
    ratio ? `${ratio.appendsPerSec.toFixed(2)}× appends/s` : "—",
  ]);
  if (t) {
    rows.push([
      `${t.impl} ${t.version}`,
      int(t.entries),
      t.seconds.toFixed(2),
      int(t.appendsPerSec),
      t.bytesPerEntry.toFixed(1),
      perEntry(t).toFixed(1),
      int(t.files),
      "1.00×",
    ]);
    rows.push([
      "ratio ours/tessera",
      "",
      `${ratio.seconds.toFixed(2)}×`,
      `${ratio.appendsPerSec.toFixed(2)}×`,
      `${ratio.bytesPerEntry.toFixed(2)}×`,
      `${ratio.allocatedPerEntry.toFixed(2)}×`,
      "",
      "",
    ]);
  }
  out(
    `\nStep 1 — durable appends: ${int(n)} entries × ${flags.size} B, ${flags.concurrency} in flight, batch ${flags.batch}` +
      (flags.rounds > 1 ? `, median of ${flags.rounds} rounds` : ""),
  );
  out(table(rows));
  if (!t) out(`tessera: skipped: ${tesseraSkipped}`);
  else
    out(
      `tessera bytes include ${int(t.partialBytes)} B of partial tiles its GC had not yet removed (ours: ${int(o.partialBytes)} B).`,
    );
  if (flags.rounds > 1) {
    const list = (runs) =>
      runs.map((r) => `${int(r.appendsPerSec)} (load ${r.loadavgBefore.toFixed(1)})`).join(", ");
    out(`appends/s by round: ours ${list(ours)}${theirs.length ? `; tessera ${list(theirs)}` : ""}`);
  }
  out(
    `ours: ${o.batches} batches (mean ${o.meanBatch.toFixed(0)} entries), ack latency p50 ${o.ackLatencyMs.p50} ms, p99 ${o.ackLatencyMs.p99} ms`,
  );
  if (o.verify) {
    out(
      `verifyLog over the result (not timed above): ok, ${o.verify.seconds.toFixed(2)} s for ${int(o.verify.entriesChecked)} entries ` +
        `(${int(o.verify.entriesChecked / o.verify.seconds)} entries/s, ${o.verify.tilesChecked} tiles, ${o.verify.bundlesChecked} bundles)`,
    );
  }
  return ourLog;
}

// ---------------------------------------------------------------------------------------------
// Step 2: inclusion proofs.

async function proofsStep(logDir) {
  info(`\n== step 2: inclusion proofs`);
  if (!logDir) {
    logDir = join(work, "fslog-proofs");
    info(`building a log of ${flags.entries} entries for the proofs (not timed) …`);
    const r = await runChild("fslog", process.execPath, [
      join(BENCH_DIR, "lib", "append-fslog.mjs"),
      `--dir=${logDir}`,
      `--entries=${flags.entries}`,
      `--size=${flags.size}`,
      "--batch=4096",
      "--no-verify",
    ]);
    if (!r.ok) throw new Error(r.error);
  }
  const vectors = join(work, "proofs.bin");
  const r = await runChild("proofs", process.execPath, [
    join(BENCH_DIR, "lib", "proofs.mjs"),
    `--dir=${logDir}`,
    `--count=${flags.proofs}`,
    `--vectors-out=${vectors}`,
  ]);
  if (!r.ok) throw new Error(r.error);
  const p = r.value;

  // Verifiers, each in a process of its own over the same proof file, in rounds whose order
  // alternates; per verifier the median of its round medians and its fastest pass.
  const reps = `--reps=${flags["verify-reps"]}`;
  const verifiers = [
    {
      key: "ours",
      name: "trustfabric verifyInclusion",
      cmd: process.execPath,
      args: [join(BENCH_DIR, "lib", "verify-js.mjs"), `--vectors=${vectors}`, "--impl=trustfabric", reps],
    },
    {
      key: "naive",
      name: "straightforward JS (createHash)",
      cmd: process.execPath,
      args: [join(BENCH_DIR, "lib", "verify-js.mjs"), `--vectors=${vectors}`, "--impl=naive", reps],
    },
  ];
  let goSkipped = null;
  if (flags["go-verifier"]) {
    const built = goBuild("merkle-go", "merkle-verify");
    if (built.binary)
      verifiers.push({
        key: "go",
        name: "transparency-dev/merkle (Go)",
        cmd: built.binary,
        args: [`--vectors=${vectors}`, reps],
      });
    else goSkipped = built.reason;
  } else goSkipped = "disabled with --no-go-verifier";
  const runs = Object.fromEntries(verifiers.map((v) => [v.key, []]));
  for (let round = 1; round <= flags.rounds; round++) {
    const order = round % 2 === 1 ? verifiers : [...verifiers].reverse();
    for (const v of order) {
      if (!runs[v.key]) continue;
      const res = await runChild(`verify ${v.key}`, v.cmd, v.args);
      if (res.ok && res.value.allValid !== false) runs[v.key].push(res.value);
      else if (v.key === "go") {
        goSkipped = res.ok ? "the Go verifier rejected a proof during timing" : res.error;
        delete runs.go;
      } else throw new Error(res.ok ? `${v.name} rejected a proof` : res.error);
    }
  }
  if (goSkipped) info(`go verifier: skipped: ${goSkipped}`);
  const summary = (key) => {
    const list = runs[key];
    if (!list?.length) return null;
    return {
      usPerOp: median(list.map((x) => x.usPerOp)),
      usMin: Math.min(...list.map((x) => x.usMin)),
      version: list[0].version,
      rounds: list,
    };
  };
  const ours = summary("ours");
  const naive = summary("naive");
  const go = summary("go");
  results.proofs = {
    ...p,
    verify: {
      ours,
      naive: { impl: "straightforward RFC 9162 (createHash)", ...naive },
      go: go ? { impl: "transparency-dev/merkle (Go)", ...go } : { skipped: goSkipped },
    },
    verifyUs: ours.usPerOp,
    ratio: { oursOverNaive: ours.usPerOp / naive.usPerOp, oursOverGo: go ? ours.usPerOp / go.usPerOp : null },
  };
  const len =
    p.proofLength.min === p.proofLength.max
      ? `${p.proofLength.min}`
      : `${p.proofLength.min}–${p.proofLength.max}`;
  out(
    `\nStep 2 — inclusion proofs at size ${int(p.size)}: ${int(p.count)} random indexes, proof length ${len}; ` +
      `verify: ${flags.rounds} × ${flags["verify-reps"]} passes per verifier, each in its own process`,
  );
  const rows = [["operation", "impl", "µs/op", "best pass", "ratio ours/peer"]];
  rows.push(["generate, fresh TileReader", "trustfabric", p.generateFreshUs.toFixed(1), "", ""]);
  rows.push(["generate, shared TileReader", "trustfabric", p.generateSharedUs.toFixed(1), "", ""]);
  rows.push(["verify", "trustfabric verifyInclusion", ours.usPerOp.toFixed(2), ours.usMin.toFixed(2), ""]);
  const peer = (name, x) => [
    "verify",
    name,
    x.usPerOp.toFixed(2),
    x.usMin.toFixed(2),
    `${(ours.usPerOp / x.usPerOp).toFixed(2)}×`,
  ];
  rows.push(peer("straightforward JS (createHash)", naive));
  if (go) rows.push(peer(`transparency-dev/merkle ${go.version} (Go)`, go));
  out(table(rows, "llrrr"));
  if (!go) out(`go verifier: skipped: ${goSkipped}`);
  else out(`the Go reference verifier accepted all ${int(p.count)} proofs generated by trustfabric.`);
}

// ---------------------------------------------------------------------------------------------
// Step 3: CLI start-up.

function cliStep() {
  info(`\n== step 3: tf --help start-up`);
  const bin = join(REPO_ROOT, "cli", "bin", "run.js");
  const needs = [bin, join(REPO_ROOT, "cli", "dist"), join(REPO_ROOT, "cli", "oclif.manifest.json")];
  const missing = needs.filter((p) => !existsSync(p)).map((p) => relative(REPO_ROOT, p));
  out(
    `\nStep 3 — \`tf --help\` wall time vs \`node -e 0\` (${flags["cli-warmup"]} warm-ups, ${flags["cli-runs"]} runs each, interleaved)`,
  );
  if (missing.length > 0) {
    results.cli = { skipped: `CLI not built (missing ${missing.join(", ")})` };
    out(
      `skipped: CLI not built (missing ${missing.join(", ")}; build it with \`pnpm --filter @trustfabric/cli run build\`)`,
    );
    return;
  }
  const env = { ...process.env, NO_COLOR: "1" };
  const commands = {
    tf: [process.execPath, [bin, "--help"]],
    node: [process.execPath, ["-e", "0"]],
  };
  const once = (name) => {
    const [cmd, args] = commands[name];
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, {
      cwd: REPO_ROOT,
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0 || (name === "tf" && !r.stdout.trim())) {
      const why = (r.stderr || r.stdout || r.error?.message || "").trim().split("\n")[0];
      throw new Error(`\`${name === "tf" ? "tf --help" : "node -e 0"}\` failed (exit ${r.status}): ${why}`);
    }
    return ms;
  };
  const times = { tf: [], node: [] };
  try {
    for (let i = 0; i < flags["cli-warmup"]; i++) for (const name of ["tf", "node"]) once(name);
    for (let i = 0; i < flags["cli-runs"]; i++)
      for (const name of ["tf", "node"]) times[name].push(once(name));
  } catch (e) {
    results.cli = { failed: e.message };
    out(`failed: ${e.message}`);
    failed = true;
    return;
  }
  const stat = (xs) => ({
    medianMs: median(xs),
    p90Ms: quantile(xs, 0.9),
    minMs: Math.min(...xs),
    runs: xs.length,
    samplesMs: xs,
  });
  const tf = stat(times.tf);
  const node = stat(times.node);
  const ratio = { median: tf.medianMs / node.medianMs, p90: tf.p90Ms / node.p90Ms };
  results.cli = { tf, node, ratio };
  out(
    table([
      ["command", "median ms", "p90 ms", "min ms", "ratio tf/node"],
      [
        "tf --help",
        tf.medianMs.toFixed(1),
        tf.p90Ms.toFixed(1),
        tf.minMs.toFixed(1),
        `${ratio.median.toFixed(2)}× (p90 ${ratio.p90.toFixed(2)}×)`,
      ],
      ["node -e 0", node.medianMs.toFixed(1), node.p90Ms.toFixed(1), node.minMs.toFixed(1), "1.00×"],
    ]),
  );
}

// ---------------------------------------------------------------------------------------------

function machineInfo() {
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  let fs = null;
  for (const [cmd, args] of [
    ["findmnt", ["-n", "-o", "FSTYPE", "-T", flags.tmp]],
    ["stat", ["-f", "-c", "%T", flags.tmp]],
  ]) {
    try {
      fs = execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || null;
      if (fs) break;
    } catch {
      // not on this system: try the next, or leave it out
    }
  }
  let commit = null;
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    }).trim();
  } catch {
    // not a git checkout
  }
  return {
    platform: `${platform()} ${release()}`,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    go: go.error ? null : go.stdout.trim(),
    tmp: flags.tmp,
    tmpFilesystem: fs,
    loadavgAtStart: loadavg(),
    gitCommit: commit,
  };
}

function loadText() {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
}

function int(x) {
  return Math.round(x).toLocaleString("en-US");
}

function out(text) {
  process.stdout.write(`${text}\n`);
}

function ensureSdk() {
  if (flags.build || !existsSync(SDK_DIST)) {
    info(`building the SDK (${relative(REPO_ROOT, SDK_DIST)}) …`);
    const pnpm = existsSync(PNPM) ? PNPM : "pnpm";
    const r = spawnSync(pnpm, ["--filter", "@trustfabric/sdk", "run", "build"], {
      cwd: REPO_ROOT,
      stdio: ["ignore", 2, 2],
    });
    if (r.status !== 0) throw new Error("the SDK build failed; run `make install` first");
  }
}

async function main() {
  info(
    `tf bench: ${results.command}\nwork dir ${work}; ${results.machine.cores} cores, ${results.machine.tmpFilesystem ?? "?"} at ${flags.tmp}, load ${loadText()}`,
  );
  ensureSdk();
  out(
    `Trust Fabric benchmarks — ${results.startedAt}, node ${process.version}, ${results.machine.go ?? "no Go"}, ` +
      `${results.machine.cores} cores, ${results.machine.tmpFilesystem ?? "?"} at ${flags.tmp}, load ${loadText()}`,
  );
  let ourLog = null;
  const guard = async (name, fn) => {
    try {
      return await fn();
    } catch (e) {
      failed = true;
      results[name] = { failed: e.message };
      out(`\n${name}: FAILED: ${e.message}`);
      return null;
    }
  };
  if (steps.has("append")) ourLog = await guard("append", appendStep);
  if (steps.has("proofs")) await guard("proofs", () => proofsStep(ourLog));
  if (steps.has("cli")) await guard("cli", async () => cliStep());
  if (steps.has("server")) await guard("server", async () => externalStep("server", serverArgs()));
  if (steps.has("python")) await guard("python", async () => externalStep("python", pythonArgs()));

  results.aims = aims();
  if (results.aims.length > 0) {
    out("\nAims");
    for (const a of results.aims) out(`  ${a.met ? "met    " : "NOT met"}  ${a.aim}: ${a.value}`);
  }
  results.finishedAt = new Date().toISOString();
  const outDir = join(BENCH_DIR, "out");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `bench-${results.startedAt.replace(/[:.]/g, "-")}.json`);
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(file, json);
  writeFileSync(join(outDir, "latest.json"), json);
  out(`\nresults: ${relative(process.cwd(), file) || file} (also bench/out/latest.json)`);
  if (!flags.keep) rmSync(work, { recursive: true, force: true });
  else info(`kept ${work}`);
  process.exitCode = failed ? 1 : 0;
}

// Steps 4 and 5 are stand-alone scripts (each also runnable on its own); run.mjs runs them,
// shows their tables and folds their JSON results into one file.
function serverArgs() {
  const out = join(work, "server.json");
  return {
    cmd: process.execPath,
    args: [join(BENCH_DIR, "server", "throughput.mjs"), ...(flags.quick ? ["--quick"] : []), `--out=${out}`],
    out,
  };
}

function pythonArgs() {
  const out = join(work, "python.json");
  const py = join(REPO_ROOT, ".tools", "venv", "bin", "python");
  return {
    cmd: py,
    args: [
      join(BENCH_DIR, "python", "overhead.py"),
      ...(flags.quick ? ["--calls", "1000"] : []),
      "--out",
      out,
    ],
    out,
  };
}

function externalStep(name, { cmd, args, out: file }) {
  info(`\n== step: ${name} (${relative(REPO_ROOT, args[0])})`);
  const r = spawnSync(cmd, args, {
    cwd: REPO_ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    timeout: flags.timeout * 1000,
  });
  if (r.status !== 0) throw new Error(`${relative(REPO_ROOT, args[0])} exited with ${r.status ?? r.signal}`);
  results[name] = JSON.parse(readFileSync(file, "utf8"));
}

function aims() {
  const list = [];
  const a = results.append;
  if (a?.ours) {
    list.push({
      aim: "ours ≥ 20,000 appends/s",
      value: `${int(a.ours.appendsPerSec)}/s`,
      met: a.ours.appendsPerSec >= 20_000,
    });
    if (a.ratio)
      list.push({
        aim: "ours ≥ Tessera's rate",
        value: `${a.ratio.appendsPerSec.toFixed(2)}×`,
        met: a.ratio.appendsPerSec >= 1,
      });
  }
  const p = results.proofs;
  if (p?.verifyUs)
    list.push({ aim: "verification ≤ 20 µs", value: `${p.verifyUs.toFixed(2)} µs`, met: p.verifyUs <= 20 });
  const c = results.cli;
  if (c?.ratio)
    list.push({
      aim: "tf --help ≤ 4× node -e 0",
      value: `${c.ratio.median.toFixed(2)}×`,
      met: c.ratio.median <= 4,
    });
  return list;
}

main().catch((e) => {
  info(`bench: ${e.message}`);
  if (!flags.keep) rmSync(work, { recursive: true, force: true });
  process.exit(1);
});
