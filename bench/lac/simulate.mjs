#!/usr/bin/env node
// The LAC simulator on a large history: replays N seeded historical queries (default 1,000,000)
// under analytics-export 1.0.0 and 2.0.0, streamed from a JSONL file.
//   node bench/lac/simulate.mjs [--queries 1000000] [--seed 7] [--threads N] [--sdk path] [--keep] [--json]
// Ours runs twice: on one thread, and on the default threads (one per core, at most 4; --threads
// overrides); both reports must be identical.
// Peers, measured in the same run on the same file:
//   floor  — reading the file and JSON.parse of every line, nothing else (no simulator is faster);
//   naive  — the same replay with an uncompiled reference interpreter (walks each policy's
//            parsed YAML per query), the cost the compiler saves.
// Aim: ≤ 5 s for 1,000,000 queries. Uses the SDK as built (sdk-ts/dist).
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { writeHistory } from "../../examples/lac/history/generate.mjs";
import { importSdk, info, parseFlags, positiveInt, REPO_ROOT } from "../lib/common.mjs";

const flags = parseFlags(process.argv.slice(2), {
  queries: 1_000_000,
  seed: 7,
  sdk: "",
  threads: 0,
  keep: false,
  json: false,
});
const n = positiveInt(flags, "queries");
// yaml is a dependency of the SDK, not of bench/
const { parse: parseYaml } = createRequire(join(REPO_ROOT, "sdk-ts", "package.json"))("yaml");
const sdk = await importSdk(flags.sdk);
const ex = (p) => readFileSync(join(REPO_ROOT, "examples", "lac", p), "utf8");
const SCHEMA = ex("schema.yaml");
const V1 = ex("analytics-export.yaml");
const V2 = ex("analytics-export.v2.yaml");

const dir = mkdtempSync(join(tmpdir(), "tf-bench-sim-"));
const file = join(dir, "history.jsonl");
const t = performance.now();
await writeHistory({ count: n, seed: flags.seed, out: file });
const bytes = statSync(file).size;
info(
  `generated ${n.toLocaleString("en")} queries (${(bytes / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

const cpuSecs = (c0) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

// ---- ours: compile both once, stream the file -------------------------------------------------
// CPU time counts every thread of this process (worker threads included).
async function ours(threads) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const from = sdk.compilePolicy(V1, SCHEMA);
  const to = sdk.compilePolicy(V2, SCHEMA);
  const report = await sdk.lac.simulateFile(from, to, file, threads ? { threads } : {});
  return { secs: (performance.now() - t0) / 1000, cpu: cpuSecs(c0), report };
}
const sameReport = (a, b) =>
  JSON.stringify({ ...a, durationMs: 0, queriesPerSecond: 0 }) ===
  JSON.stringify({ ...b, durationMs: 0, queriesPerSecond: 0 });

// ---- floor: read + JSON.parse every line ------------------------------------------------------
async function floor() {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let count = 0;
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) if (line && JSON.parse(line).request) count++;
  return { secs: (performance.now() - t0) / 1000, cpu: cpuSecs(c0), count };
}

// ---- naive: an uncompiled reference interpreter over the parsed YAML ---------------------------
function reference(policyYaml) {
  const p = parseYaml(policyYaml);
  const get = (r, attr) => {
    const [ns, k] = attr.split(".");
    return r[ns]?.[k];
  };
  const val = (r, v) => (v !== null && typeof v === "object" && !Array.isArray(v) ? get(r, v.attr) : v);
  const test = (c, r) => {
    if (c.all) {
      let u = false;
      for (const x of c.all) {
        const t = test(x, r);
        if (t === false) return false;
        if (t === undefined) u = true;
      }
      return u ? undefined : true;
    }
    if (c.any) {
      let u = false;
      for (const x of c.any) {
        const t = test(x, r);
        if (t === true) return true;
        if (t === undefined) u = true;
      }
      return u ? undefined : false;
    }
    if (c.not) {
      const t = test(c.not, r);
      return t === undefined ? undefined : !t;
    }
    if (c.attr.startsWith("graph.")) return undefined; // the bench history carries no graphs
    const x = get(r, c.attr);
    if (c.op === "exists") return x !== undefined && x !== null;
    const y = val(r, c.value);
    if (x === undefined || x === null) return undefined;
    switch (c.op) {
      case "eq":
        return y === undefined ? undefined : x === y;
      case "ne":
        return y === undefined ? undefined : x !== y;
      case "in":
        return Array.isArray(y) ? y.includes(x) : undefined;
      case "not_in":
        return Array.isArray(y) ? !y.includes(x) : undefined;
      case "contains":
        return Array.isArray(x) ? x.includes(y) : undefined;
      default: {
        if (typeof x !== "number" || typeof y !== "number") return undefined;
        return c.op === "lt" ? x < y : c.op === "le" ? x <= y : c.op === "gt" ? x > y : x >= y;
      }
    }
  };
  return (r) => {
    const allow = [];
    const deny = [];
    for (const rule of p.rules)
      if (!rule.when || test(rule.when, r) === true) (rule.effect === "allow" ? allow : deny).push(rule);
    const deciding = deny.length ? deny : allow;
    const decision = deny.length || !allow.length ? "deny" : "allow";
    const obligations = decision === "allow" ? deciding.flatMap((x) => x.obligations ?? []) : [];
    return { decision, obligations: JSON.stringify(obligations.map((o) => JSON.stringify(o)).sort()) };
  };
}
async function naive() {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const a = reference(V1);
  const b = reference(V2);
  const kinds = { blocked: 0, allowed: 0, obligations: 0, unchanged: 0 };
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    if (!line) continue;
    const q = JSON.parse(line);
    const x = a(q.request);
    const y = b(q.request);
    if (x.decision !== y.decision) kinds[y.decision === "deny" ? "blocked" : "allowed"]++;
    else if (y.decision === "allow" && x.obligations !== y.obligations) kinds.obligations++;
    else kinds.unchanged++;
  }
  return { secs: (performance.now() - t0) / 1000, cpu: cpuSecs(c0), kinds };
}

// Order: floor, ours, naive (ours runs on a warm page cache, as do the peers).
const f = await floor();
info(`floor (read + JSON.parse): ${f.secs.toFixed(2)} s (${f.cpu.toFixed(2)} s CPU)`);
const o1 = await ours(1);
info(`simulate, 1 thread: ${o1.secs.toFixed(2)} s (${o1.cpu.toFixed(2)} s CPU)`);
const o = await ours(flags.threads || undefined);
const threadsUsed =
  flags.threads || (bytes >= sdk.lac.PARALLEL_MIN_BYTES ? Math.min(availableParallelism(), 4) : 1);
info(`simulate, ${threadsUsed} threads: ${o.secs.toFixed(2)} s (${o.cpu.toFixed(2)} s CPU)`);
if (!sameReport(o.report, o1.report))
  throw new Error("the threaded report differs from the one-thread report");
const nv = await naive();
info(`naive reference replay: ${nv.secs.toFixed(2)} s (${nv.cpu.toFixed(2)} s CPU)`);
clearInterval(sampler);

const t_ = o.report.totals;
const agree =
  nv.kinds.blocked === t_.newlyBlocked &&
  nv.kinds.allowed === t_.newlyAllowed &&
  nv.kinds.obligations === t_.obligationsChanged;
const result = {
  queries: n,
  fileMiB: Math.round(bytes / 2 ** 20),
  threads: threadsUsed,
  simulateSecs: +o.secs.toFixed(3),
  simulateCpuSecs: +o.cpu.toFixed(3),
  simulateOneThreadSecs: +o1.secs.toFixed(3),
  simulateOneThreadCpuSecs: +o1.cpu.toFixed(3),
  threadedReportIdentical: true,
  floorCpuSecs: +f.cpu.toFixed(3),
  naiveCpuSecs: +nv.cpu.toFixed(3),
  overFloorCpu: +(o.cpu / f.cpu).toFixed(2),
  naiveOverOursCpu: +(nv.cpu / o.cpu).toFixed(2),
  loadAverage: (await import("node:os")).loadavg().map((x) => +x.toFixed(2)),
  queriesPerSec: Math.round(n / o.secs),
  floorSecs: +f.secs.toFixed(3),
  naiveSecs: +nv.secs.toFixed(3),
  overFloor: +(o.secs / f.secs).toFixed(2),
  naiveOverOurs: +(nv.secs / o.secs).toFixed(2),
  peakRssMiB: Math.round(peakRss / 2 ** 20),
  aim: "≤ 5 s for 1,000,000 queries",
  metAim: n === 1_000_000 ? o.secs <= 5 : null,
  totals: t_,
  naiveAgrees: agree,
};
if (!flags.keep) rmSync(dir, { recursive: true, force: true });
if (flags.json) console.log(JSON.stringify(result, null, 2));
else {
  const row = (k, v) => console.log(`${k.padEnd(38)} ${v}`);
  row("queries replayed", `${n.toLocaleString("en")} (${result.fileMiB} MiB of JSONL)`);
  row("", "wall s      CPU s");
  const line = (k, w, c, note) => row(k, `${String(w).padEnd(11)} ${String(c).padEnd(9)} ${note}`);
  line(
    `tf lac simulate, ${threadsUsed} threads`,
    result.simulateSecs,
    result.simulateCpuSecs,
    `${result.queriesPerSec.toLocaleString("en")} queries/s; report identical to 1 thread`,
  );
  line(
    "tf lac simulate, 1 thread",
    result.simulateOneThreadSecs,
    result.simulateOneThreadCpuSecs,
    `${Math.round(n / o1.secs).toLocaleString("en")} queries/s`,
  );
  line(
    "floor: read + JSON.parse only (1 thread)",
    result.floorSecs,
    result.floorCpuSecs,
    `simulate = ${result.overFloor}× (CPU ${result.overFloorCpu}×) the floor`,
  );
  line(
    "naive: uncompiled reference replay",
    result.naiveSecs,
    result.naiveCpuSecs,
    `${result.naiveOverOurs}× (CPU ${result.naiveOverOursCpu}×) slower than simulate`,
  );
  row("peak RSS", `${result.peakRssMiB} MiB`);
  row("load average (1, 5, 15 min)", result.loadAverage.join(", "));
  row(
    "changes (blocked/allowed/obligations)",
    `${t_.newlyBlocked}/${t_.newlyAllowed}/${t_.obligationsChanged}, naive agrees: ${agree}`,
  );
  if (result.metAim !== null) row("aim ≤ 5 s", result.metAim ? "met" : "NOT met");
}
