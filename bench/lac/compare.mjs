#!/usr/bin/env node
// LAC decisions side by side with Cedar (@cedar-policy/cedar-wasm) and OPA (Rego compiled to
// Wasm by `opa build`, run by @open-policy-agent/opa-wasm), on equivalent policies generated
// from one seed (bench/lac/abac-gen.mjs, translated by bench/lac/peers/*.mjs).
//
//   bash bench/lac/setup-opa.sh && node bench/lac/compare.mjs [--seed 42] [--rules 100] [--requests 100000]
//
// 1. Agreement first: every request goes through every engine (and a reference evaluator of the
//    neutral rules); the first disagreement is printed with its request and rules, exit 1.
// 2. Then per engine: warm-up, throughput over all requests (median of --rounds, engines
//    interleaved) and single-call latency p50/p99 (process.hrtime.bigint around each call).
// Two tiers: "as called" (request object in, decision out, as a user calls each engine) and
// "evaluation only" (input prepared once where the API allows it). See docs/lac-bench.md.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, release } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BENCH_DIR, importSdk, info, parseFlags, positiveInt, table } from "../lib/common.mjs";
import { agreementParallel, Disagreement, loadWorkload, engines as setUpEngines } from "./agreement.mjs";
import { cedarCall, cedarPolicyText } from "./peers/cedar.mjs";
import { buildWasm, findOpa, opaVersion } from "./peers/opa.mjs";
import { ENTRYPOINT, regoModule } from "./peers/rego.mjs";

const HELP = `Usage: node bench/lac/compare.mjs [flags]      (run bash bench/lac/setup-opa.sh once first)

LAC vs Cedar vs OPA: agreement on every request, then decisions/s and p50/p99 latency.

  --seed N            seed of the policy and the requests [42]
  --rules N           rules in the policy [100]
  --requests N        requests [100000]
  --rounds R          throughput passes per engine, interleaved; the median is reported [1; see docs/lac-bench.md]
  --warmup N          untimed calls per engine and tier before timing [20000]
  --pass-seconds S    a peer slower than S s per pass over all requests is timed over the first
                      requests that fit in S s (at least 2,000); LAC always over all [4]
  --engines LIST      subset of lac,cedar,opa [lac,cedar,opa]
  --gen NAME          workload generator: abac-gen (bench/lac/abac-gen.mjs) or policygen
                      (bench/lac/policygen.mjs) [abac-gen]
  --sdk PATH          the SDK build to load [sdk-ts/dist/index.js]
  --agree-workers N   threads for the (untimed) agreement check [number of CPUs, at most 4]
  --write-policies D  also write the generated LAC/Cedar/Rego sources into directory D
  --json PATH         result file [bench/out/lac-compare.json]
  --help              this text
`;

const FLAGS = {
  help: false,
  seed: 42,
  rules: 100,
  requests: 100_000,
  rounds: 1,
  warmup: 20_000,
  "pass-seconds": 4,
  engines: "lac,cedar,opa",
  gen: "abac-gen",
  sdk: "",
  "agree-workers": Math.min(4, cpus().length),
  "write-policies": "",
  json: join(BENCH_DIR, "out", "lac-compare.json"),
};

const AIM = { rate: 500_000, p99Us: 10 };

let flags;
try {
  flags = parseFlags(process.argv.slice(2), FLAGS);
  for (const k of ["rules", "requests", "rounds", "agree-workers"]) positiveInt(flags, k);
  if (!(Number.isSafeInteger(flags.warmup) && flags.warmup >= 0)) throw new Error("--warmup must be ≥ 0");
  if (!Number.isSafeInteger(flags.seed)) throw new Error("--seed must be an integer");
} catch (e) {
  process.stderr.write(`${e.message}\n\n${HELP}`);
  process.exit(2);
}
if (flags.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const engines = new Set(flags.engines.split(",").map((s) => s.trim()));
for (const e of engines)
  if (!["lac", "cedar", "opa"].includes(e)) {
    process.stderr.write(`unknown engine ${e} in --engines (lac, cedar, opa)\n`);
    process.exit(2);
  }
if (!engines.has("lac")) {
  process.stderr.write("--engines must include lac\n");
  process.exit(2);
}

// A full collection between passes, so one engine's garbage is not collected on another's
// clock: that needs --expose-gc, so the script runs itself again with it when it is missing.
if (typeof globalThis.gc !== "function") {
  const r = spawnSync(
    process.execPath,
    ["--expose-gc", fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: "inherit",
    },
  );
  process.exit(r.status ?? 1);
}
const gc = globalThis.gc;

const hr = process.hrtime.bigint;

// Quantiles over a Float64Array sorted natively: Node 20's V8 has crashed ("unreachable code"
// in the deoptimizer) inside Array.prototype.sort's comparator continuation during long runs.
const sorted = (xs) => Float64Array.from(xs).sort();
const quantileOf = (s, q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
const median = (xs) => quantileOf(sorted(xs), 0.5);
const us = (ns) => ns / 1000;
const int = (x) => Math.round(x).toLocaleString("en-US");
/** A ratio to 3 significant digits: p99 ratios against Cedar are far below 0.01×. */
const sig = (x) => (Number.isFinite(x) ? `${x.toPrecision(3)}×` : "—");
const fix = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "—");
const out = (text = "") => process.stdout.write(`${text}\n`);

/** Every request has every attribute the schema declares (the equivalence argument needs it). */
function checkComplete(requests, schema) {
  requests.forEach((r, i) => {
    for (const [ns, attrs] of Object.entries(schema))
      for (const k of Object.keys(attrs))
        if (r[ns]?.[k] === undefined || r[ns][k] === null)
          throw new Error(`request ${i} lacks ${ns}.${k}: the comparison needs complete requests`);
  });
}

async function main() {
  const t0 = hr();
  const machine = {
    platform: `${platform()} ${release()}`,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    node: process.version,
    loadavgAtStart: loadavg(),
  };
  info(
    `generating ${flags.rules} rules and ${int(flags.requests)} requests from seed ${flags.seed} (${flags.gen}) …`,
  );
  const w = await loadWorkload(flags);
  checkComplete(w.requests, w.schema);
  const versions = {};
  const setup = {};

  // --- LAC
  await importSdk(flags.sdk); // loaded first, so that the compile time below is only compiling
  let t = hr();
  const { lac } = await setUpEngines(w, { sdk: flags.sdk });
  setup.lacCompileMs = Number(hr() - t) / 1e6;
  info(`LAC compiled in ${fix(setup.lacCompileMs)} ms; index: ${JSON.stringify(lac.indexes ?? lac.index)}`);

  // --- Cedar
  let cedar;
  let cedarSetup;
  if (engines.has("cedar")) {
    t = hr();
    ({ cedar, cedarSetup } = await setUpEngines(w, { sdk: flags.sdk, cedar: true }));
    setup.cedarPrepareMs = Number(hr() - t) / 1e6;
    versions.cedar = cedar.getCedarVersion();
    versions.cedarWasm = readPkg("@cedar-policy/cedar-wasm").version;
    info(
      `Cedar ${versions.cedar}: policies preparsed and validated (strict) in ${fix(setup.cedarPrepareMs)} ms`,
    );
  }

  // --- OPA
  let opa;
  let rego;
  let opaWasm = null;
  const skipped = {};
  if (engines.has("opa")) {
    const bin = findOpa();
    if (!bin) {
      skipped.opa = "no opa binary: run `bash bench/lac/setup-opa.sh` (or set OPA_BIN)";
      info(`OPA skipped: ${skipped.opa}`);
    } else {
      versions.opa = opaVersion(bin);
      versions.opaWasm = readPkg("@open-policy-agent/opa-wasm").version;
      rego = regoModule(w.rules);
      const built = buildWasm(bin, rego, ENTRYPOINT);
      setup.opaBuildMs = built.buildMs;
      opaWasm = built.wasm;
      const { loadPolicy } = await import("@open-policy-agent/opa-wasm");
      t = hr();
      opa = await loadPolicy(built.wasm);
      setup.opaLoadMs = Number(hr() - t) / 1e6;
      setup.opaWasmBytes = built.wasm.length;
      info(
        `OPA ${versions.opa}: opa build -t wasm in ${int(setup.opaBuildMs)} ms (${int(built.wasm.length)} bytes), loaded in ${fix(setup.opaLoadMs)} ms`,
      );
    }
  }

  if (flags["write-policies"]) {
    const d = flags["write-policies"];
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "policy.yaml"), w.yaml);
    writeFileSync(join(d, "schema.yaml"), w.schemaYaml);
    writeFileSync(join(d, "rules.json"), `${JSON.stringify(w.rules, null, 2)}\n`);
    if (cedarSetup) {
      writeFileSync(join(d, "policy.cedar"), cedarPolicyText(w.rules));
      writeFileSync(join(d, "schema.cedarschema"), cedarSetup.schema);
    }
    if (rego) writeFileSync(join(d, "policy.rego"), rego);
    info(`policies written to ${d}`);
  }

  // --- 1. Agreement on every request, before any timing
  info(
    `agreement: ${int(w.requests.length)} requests through ${[...engines].filter((e) => !skipped[e]).join(", ")} and the reference …`,
  );
  t = hr();
  const workers = Math.min(flags["agree-workers"], Math.ceil(w.requests.length / 1000));
  const {
    mix,
    ns: agreementNs,
    allowed,
  } = await agreementParallel(
    w,
    { lac, cedar, cedarSetup, opa },
    {
      gen: flags.gen,
      seed: flags.seed,
      rules: flags.rules,
      requests: flags.requests,
      sdk: flags.sdk,
      cedar: !!cedar,
      opaWasm,
    },
    workers,
    (k, n) => info(`agreement: worker ${k + 1}/${workers}: ${int(n)} requests agree`),
  );
  const agreementS = Number(hr() - t) / 1e9;
  info(`agreement: all engines agree on all ${int(w.requests.length)} decisions (${fix(agreementS, 1)} s)`);
  // How many requests each engine is timed over: all, unless a pass would exceed --pass-seconds.
  const N = w.requests.length;
  const timedN = (engine) => {
    if (engine === "lac") return N;
    const perCallS = agreementNs[engine] / N / 1e9;
    return Math.min(N, Math.max(2000, Math.floor(flags["pass-seconds"] / perCallS)));
  };
  const allowsIn = (n) => {
    let a = 0;
    for (let i = 0; i < n; i++) a += allowed[i];
    return a;
  };

  // --- 2. Timing
  const NOVALIDATE = { validate: false };
  const cedarN = cedar ? timedN("cedar") : 0;
  const opaN = opa ? timedN("opa") : 0;
  const cedarRequests = w.requests.slice(0, cedarN);
  const opaRequests = w.requests.slice(0, opaN);
  const cedarPrebuilt = cedarRequests.map((r) => cedarCall(r, cedarSetup.policySetId));
  const enc = new TextEncoder();
  const opaPrebuilt = opaRequests.map((r) => {
    const b = enc.encode(JSON.stringify(r));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  });
  const subjects = [
    {
      engine: "lac",
      tier: "as called",
      call: "decide(request): validates, full decision with reasons",
      inputs: w.requests,
      fn: (r) => lac.decide(r).decision === "allow",
    },
    cedar && {
      engine: "cedar",
      tier: "as called",
      call: "statefulIsAuthorized(entities + context built from the request), schema-validated",
      inputs: cedarRequests,
      fn: (r) =>
        cedar.statefulIsAuthorized(cedarCall(r, cedarSetup.policySetId, cedarSetup.schemaName)).response
          .decision === "allow",
    },
    opa && {
      engine: "opa",
      tier: "as called",
      call: "evaluate(request): JSON.stringify into Wasm memory",
      inputs: opaRequests,
      fn: (r) => opa.evaluate(r)[0].result === true,
    },
    {
      engine: "lac",
      tier: "evaluation only",
      call: "decide(request, {validate: false})",
      inputs: w.requests,
      fn: (r) => lac.decide(r, NOVALIDATE).decision === "allow",
    },
    cedar && {
      engine: "cedar",
      tier: "evaluation only",
      call: "statefulIsAuthorized(call object built beforehand), no schema",
      inputs: cedarPrebuilt,
      fn: (c) => cedar.statefulIsAuthorized(c).response.decision === "allow",
    },
    opa && {
      engine: "opa",
      tier: "evaluation only",
      call: "evaluate(JSON bytes encoded beforehand)",
      inputs: opaPrebuilt,
      fn: (b) => opa.evaluate(b)[0].result === true,
    },
  ].filter(Boolean);

  const timerFloorNs = timerFloor();
  for (const s of subjects) {
    gc();
    const n = Math.min(flags.warmup, s.inputs.length);
    for (let i = 0; i < n; i++) s.fn(s.inputs[i]);
    s.rates = [];
    s.cpuRates = [];
  }
  for (let round = 0; round < flags.rounds; round++) {
    // Rotate the order each round so no engine always runs first (or right after a GC-heavy one).
    const order = subjects.map((_, i) => subjects[(i + round) % subjects.length]);
    for (const s of order) {
      info(`round ${round + 1}/${flags.rounds}: ${s.engine} (${s.tier}), ${int(s.inputs.length)} requests …`);
      gc();
      const { ns, cpuUs, allows } = throughput(s);
      if (allows !== allowsIn(s.inputs.length))
        throw new Error(
          `${s.engine} (${s.tier}): ${allows} allows in a timed pass, ${allowsIn(s.inputs.length)} in agreement`,
        );
      s.rates.push(s.inputs.length / (ns / 1e9));
      s.cpuRates.push(s.inputs.length / (cpuUs / 1e6));
    }
  }
  for (const s of subjects) {
    info(`latency: ${s.engine} (${s.tier}) …`);
    gc();
    const lat = sorted(latency(s, allowsIn(s.inputs.length)));
    s.timed = s.inputs.length;
    s.rate = median(s.rates);
    s.cpuRate = median(s.cpuRates);
    s.p50Us = us(quantileOf(lat, 0.5));
    s.p99Us = us(quantileOf(lat, 0.99));
    s.p999Us = us(quantileOf(lat, 0.999));
    s.maxUs = us(lat[lat.length - 1]);
  }

  // --- 3. Report
  out(
    `\nLAC vs Cedar vs OPA: ${w.rules.length} rules, ${int(w.requests.length)} requests, seed ${flags.seed} (${flags.gen})`,
  );
  out(
    `decisions: ${int(mix.allow)} allow, ${int(mix.denyByRule)} deny by a rule, ${int(mix.denyByDefault)} deny by default; ` +
      `all engines agree on every one`,
  );
  out(
    `versions: node ${process.version}${versions.cedar ? `, Cedar ${versions.cedar} (cedar-wasm ${versions.cedarWasm})` : ""}` +
      `${versions.opa ? `, OPA ${versions.opa} (opa-wasm ${versions.opaWasm})` : ""}; ${machine.cores} × ${machine.cpu}; ` +
      `load average ${machine.loadavgAtStart[0].toFixed(2)} at start, ${loadavg()[0].toFixed(2)} now`,
  );
  out(
    `set-up: LAC compile ${fix(setup.lacCompileMs, 1)} ms` +
      `${setup.cedarPrepareMs !== undefined ? `, Cedar preparse + validate ${fix(setup.cedarPrepareMs, 1)} ms` : ""}` +
      `${setup.opaBuildMs !== undefined ? `, opa build -t wasm ${int(setup.opaBuildMs)} ms + load ${fix(setup.opaLoadMs, 1)} ms` : ""}`,
  );
  out();
  const rows = [
    ["engine", "tier", "requests", "decisions/s", "per CPU-s", "p50 µs", "p99 µs", "p99.9 µs", "call"],
  ];
  for (const s of subjects)
    rows.push([
      s.engine,
      s.tier,
      int(s.timed),
      int(s.rate),
      int(s.cpuRate),
      fix(s.p50Us),
      fix(s.p99Us),
      fix(s.p999Us),
      s.call,
    ]);
  out(table(rows, "llrrrrrrl"));
  out(
    `(decisions/s: wall clock, median of ${flags.rounds} passes; per CPU-s: the same passes over this process's CPU time, ` +
      "which other load on the machine disturbs less)",
  );
  out(
    `(latency: one process.hrtime.bigint() pair around each call; the pair alone costs ${fix(timerFloorNs / 1000, 3)} µs, not subtracted)`,
  );

  const ratios = [];
  for (const tier of ["as called", "evaluation only"]) {
    const l = subjects.find((s) => s.engine === "lac" && s.tier === tier);
    for (const peer of ["cedar", "opa"]) {
      const p = subjects.find((s) => s.engine === peer && s.tier === tier);
      if (p)
        ratios.push({
          tier,
          peer,
          rate: l.rate / p.rate,
          p50: l.p50Us / p.p50Us,
          p99: l.p99Us / p.p99Us,
        });
    }
  }
  if (ratios.length) {
    out();
    const r = [["ratio", "tier", "decisions/s LAC/peer", "p50 LAC/peer", "p99 LAC/peer"]];
    for (const x of ratios) r.push([`LAC/${x.peer}`, x.tier, sig(x.rate), sig(x.p50), sig(x.p99)]);
    out(table(r, "llrrr"));
    out("(decisions/s above 1× and latency below 1× mean LAC is ahead)");
  }

  const lacCalled = subjects.find((s) => s.engine === "lac" && s.tier === "as called");
  const aims = [
    {
      aim: `LAC ≥ ${int(AIM.rate)} decisions/s`,
      value: `${int(lacCalled.rate)}/s`,
      met: lacCalled.rate >= AIM.rate,
    },
    {
      aim: `LAC p99 ≤ ${AIM.p99Us} µs`,
      value: `${fix(lacCalled.p99Us)} µs`,
      met: lacCalled.p99Us <= AIM.p99Us,
    },
  ];
  for (const x of ratios.filter((x) => x.tier === "as called"))
    aims.push({
      aim: `LAC ahead of ${x.peer} (decisions/s and p99)`,
      value: `${sig(x.rate)}, p99 ${sig(x.p99)}`,
      met: x.rate > 1 && x.p99 < 1,
    });
  for (const [e, why] of Object.entries(skipped))
    aims.push({ aim: `LAC ahead of ${e}`, value: `skipped: ${why}`, met: null });
  out();
  out(
    table(
      [
        ["aim (as called)", "value", ""],
        ...aims.map((a) => [a.aim, a.value, a.met === null ? "not checked" : a.met ? "met" : "NOT met"]),
      ],
      "lll",
    ),
  );

  const result = {
    schema: "trustfabric.dev/bench/lac-compare/v1",
    time: new Date().toISOString(),
    options: flags,
    machine: { ...machine, loadavgAtEnd: loadavg() },
    versions,
    setup,
    skipped,
    workload: {
      generator: flags.gen,
      seed: flags.seed,
      rules: w.rules.length,
      allowRules: w.rules.filter((r) => r.effect === "allow").length,
      denyRules: w.rules.filter((r) => r.effect === "deny").length,
      requests: w.requests.length,
      lacIndexes: lac.indexes ?? lac.index,
      decisions: mix,
      agreementSeconds: agreementS,
    },
    timerFloorNs,
    results: subjects.map(({ fn, inputs, throughputLoop, latencyLoop, ...s }) => s),
    ratios,
    aims,
    totalSeconds: Number(hr() - t0) / 1e9,
  };
  mkdirSync(join(flags.json, ".."), { recursive: true });
  writeFileSync(flags.json, `${JSON.stringify(result, null, 2)}\n`);
  info(`wrote ${flags.json} (${fix(result.totalSeconds, 1)} s in all)`);
}

/** A dependency's package.json (read from node_modules: not every package exports it). */
function readPkg(name) {
  return JSON.parse(
    readFileSync(join(BENCH_DIR, "..", "node_modules", ...name.split("/"), "package.json"), "utf8"),
  );
}

// Each engine and tier gets its own copy of the timing loops (new Function: a fresh function
// with its own type feedback), so that no call site is shared between engines: a shared,
// polymorphic loop would time its own deoptimization, and on Node 20 a loop optimized for LAC
// and then fed Cedar's calls has crashed V8 ("unreachable code" in the deoptimizer).
const THROUGHPUT = `
  let allows = 0;
  const cpu = process.cpuUsage();
  const start = hr();
  for (let i = 0; i < inputs.length; i++) if (fn(inputs[i])) allows++;
  const ns = Number(hr() - start);
  const c = process.cpuUsage(cpu);
  return { ns, cpuUs: c.user + c.system, allows };`;
const LATENCY = `
  const lat = new Float64Array(inputs.length);
  let allows = 0;
  for (let i = 0; i < inputs.length; i++) {
    const a = hr();
    if (fn(inputs[i])) allows++;
    lat[i] = Number(hr() - a);
  }
  return { lat, allows };`;

/** One pass over the inputs: wall time (ns) and this process's CPU time (µs, user + system). */
function throughput(s) {
  s.throughputLoop ??= new Function("hr", "fn", "inputs", THROUGHPUT);
  return s.throughputLoop(hr, s.fn, s.inputs);
}

/** One pass timing each call alone (ns per call). */
function latency(s, expectAllows) {
  s.latencyLoop ??= new Function("hr", "fn", "inputs", LATENCY);
  const { lat, allows } = s.latencyLoop(hr, s.fn, s.inputs);
  if (allows !== expectAllows)
    throw new Error(`${s.engine} (${s.tier}): ${allows} allows in the latency pass`);
  return lat;
}

/** Median cost of an empty process.hrtime.bigint() pair, in ns. */
function timerFloor() {
  const xs = new Float64Array(100_000);
  for (let i = 0; i < xs.length; i++) {
    const a = hr();
    xs[i] = Number(hr() - a);
  }
  return median(Array.from(xs));
}

main().catch((e) => {
  if (e instanceof Disagreement) process.stderr.write(`\n${e.message}\n`);
  else info(`lac-compare: ${e.stack ?? e.message}`);
  process.exit(1);
});
