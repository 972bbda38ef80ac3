#!/usr/bin/env node
// The end-to-end demo on the embedded default (no server, no setup): one story across the three
// pillars, every step a real `tf` command. PCQ: replay and witness a result, catch a changed
// row, verify the receipt offline. LAC: lint a policy, block an unsafe query with its reason,
// simulate a policy change. ZK-TX: two tenants prove their overlap is at most k and an auditor
// verifies the evidence bundle. Then it prints where the artifacts and HTML reports are.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const out = resolve(process.env.TF_DEMO_DIR ?? join(root, ".tf-demo"));
rmSync(out, { recursive: true, force: true });
const dirs = Object.fromEntries(
  ["pcq", "lac", "exchange", "acme", "globex", "auditor"].map((d) => [d, join(out, d)]),
);
for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
const bin = join(root, "cli", "bin", "run.js");
const ex = (...p) => join(root, "examples", ...p);
const started = Date.now();

function step(title) {
  process.stdout.write(`\n\u001b[1m▸ ${title}\u001b[0m\n`);
}

/** Runs `tf` with TF_HOME=home in cwd; fails the demo on an unexpected exit code. */
function tf(home, args, { expect = 0, cwd = out, show = true, head = Infinity } = {}) {
  const shown = args.map((a) => (a.startsWith(out) ? relative(cwd, a) || "." : a));
  process.stdout.write(`  $ tf ${shown.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(" ")}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    env: { ...process.env, TF_HOME: join(out, "homes", home) },
    encoding: "utf8",
  });
  const text = `${r.stdout}${r.stderr}`.trimEnd();
  const lines = text.split("\n");
  const shownText =
    lines.length > head
      ? [...lines.slice(0, head), `… (${lines.length - head} more lines)`].join("\n")
      : text;
  if (show && text) process.stdout.write(`${shownText.replace(/^/gm, "    ")}\n`);
  if (r.status !== expect) {
    if (!show) process.stdout.write(`${text.replace(/^/gm, "    ")}\n`);
    process.stderr.write(`demo: expected exit ${expect}, got ${r.status}\n`);
    process.exit(1);
  }
  return r.stdout;
}
const data = (stdout) => JSON.parse(stdout).data;

// ── PCQ ────────────────────────────────────────────────────────────────────────────────────
const pcq = dirs.pcq;
cpSync(ex("pcq", "dsl", "karate", "program.prov"), join(pcq, "program.prov"));
cpSync(ex("pcq", "dsl", "karate", "edges.csv"), join(pcq, "edges.csv"));

step("PCQ 1. A transparency log for verdicts, and a result with a provenance manifest");
const log = data(
  tf("analyst", ["log", "init", "--origin", "demo.trustfabric.dev/pcq", "--json"], { show: false }),
);
writeFileSync(join(pcq, "log.vkey"), `${log.vkey}\n`);
process.stdout.write(`    log ${log.origin}, verifier key ${log.vkey}\n`);
tf("analyst", ["pcq", "dsl", "compile", join(pcq, "program.prov")]);

step("PCQ 2. Replay it (same numbers within the tolerance windows), witness the verdict");
tf("analyst", ["pcq", "replay", pcq, "--witness", "--receipt", join(pcq, "receipt.json")]);

step("PCQ 3. An auditor checks the receipt offline: the manifest, the receipt and the log key");
tf("auditor", [
  "pcq",
  "verify-receipt",
  join(pcq, "receipt.json"),
  "--log-key",
  join(pcq, "log.vkey"),
  "--manifest",
  join(pcq, "manifest.json"),
]);

step("PCQ 4. One changed friendship in the dataset: the replay names the chunk and the values");
const edges = readFileSync(join(pcq, "edges.csv"), "utf8").split("\n");
edges[40] = "13,99";
writeFileSync(join(pcq, "edges.csv"), edges.join("\n"));
const report = join(pcq, "replay-report.html");
tf("analyst", ["pcq", "replay", pcq, "--report-html", report], { expect: 3 });

// ── LAC ────────────────────────────────────────────────────────────────────────────────────
const policy = ex("lac", "analytics-export.yaml");
const schema = ex("lac", "schema.yaml");

step("LAC 1. Lint the export policy (bugs, safety, style, performance) — SARIF for CI too");
tf("author", ["lac", "lint", policy, "--schema", schema, "--fail-on", "error"]);
tf("author", ["lac", "lint", policy, "--schema", schema, "--format", "sarif"], { show: false });

step("LAC 2. An unsafe query: an export of EU-resident data to the US is blocked, with its reason");
tf("author", [
  "lac",
  "eval",
  policy,
  "--schema",
  schema,
  "--request",
  ex("lac", "requests", "export-outside-residency.json"),
]);
tf("author", [
  "lac",
  "eval",
  policy,
  "--schema",
  schema,
  "--request",
  ex("lac", "requests", "analyst-query.json"),
  "--locale",
  "de",
]);

step("LAC 3. Simulate the next policy version over the query history: who is newly blocked or allowed");
const simulation = join(dirs.lac, "simulation.html");
const simulate = [
  "lac",
  "simulate",
  "--from",
  policy,
  "--to",
  ex("lac", "analytics-export.v2.yaml"),
  "--schema",
  schema,
  "--history",
  ex("lac", "history", "queries.jsonl"),
];
tf("author", simulate, { head: 9 });
tf("author", [...simulate, "--format", "html", "--out", simulation], { show: false });

// ── ZK-TX ──────────────────────────────────────────────────────────────────────────────────
const x = dirs.exchange;
step("ZK-TX 1. The exchange starts an epoch; each tenant creates its blinding key");
tf("exchange", ["zk", "epoch", "rotate", "--out", join(x, "epoch.json")], { cwd: x });
tf("acme", [
  "zk",
  "tenant",
  "init",
  "--tenant",
  "acme",
  "--epoch",
  join(x, "epoch.json"),
  "--out",
  join(dirs.acme, "acme.tenant.json"),
]);
tf("globex", [
  "zk",
  "tenant",
  "init",
  "--tenant",
  "globex",
  "--epoch",
  join(x, "epoch.json"),
  "--out",
  join(dirs.globex, "globex.tenant.json"),
]);

step("ZK-TX 2. Each tenant seals its selector list locally: blinded, padded, signed — no selector leaves");
for (const [t, file] of [
  ["acme", "tenant-a-emails.txt"],
  ["globex", "tenant-b-emails.txt"],
]) {
  tf(t, [
    "zk",
    "seal",
    "--tenant",
    t,
    "--epoch",
    join(x, "epoch.json"),
    "--type",
    "email",
    "--selectors",
    ex("zk", file),
    "--out",
    join(dirs[t], `${t}.envelope.json`),
  ]);
}

step(
  "ZK-TX 3. The exchange opens the exchange for the statement “overlap ≤ 3”; each tenant re-blinds (DLEQ)",
);
const opened = data(
  tf(
    "exchange",
    [
      "zk",
      "exchange",
      "open",
      "--tenant-a",
      join(dirs.acme, "acme.tenant.json"),
      "--envelope-a",
      join(dirs.acme, "acme.envelope.json"),
      "--tenant-b",
      join(dirs.globex, "globex.tenant.json"),
      "--envelope-b",
      join(dirs.globex, "globex.envelope.json"),
      "--statement",
      "le:3",
      "--dir",
      join(x, "xchg"),
      "--json",
    ],
    { cwd: x, show: false },
  ),
);
process.stdout.write(`    exchange ${opened.id} opened\n`);
tf("globex", [
  "zk",
  "reblind",
  "--tenant",
  "globex",
  "--epoch",
  join(x, "epoch.json"),
  "--relay",
  join(x, "xchg", "relay-a.json"),
  "--out",
  join(dirs.globex, "globex.response.json"),
]);
tf("acme", [
  "zk",
  "reblind",
  "--tenant",
  "acme",
  "--epoch",
  join(x, "epoch.json"),
  "--relay",
  join(x, "xchg", "relay-b.json"),
  "--out",
  join(dirs.acme, "acme.response.json"),
]);

step("ZK-TX 4. The exchange proves the statement with Groth16 and exports a signed evidence bundle");
tf(
  "exchange",
  [
    "zk",
    "prove",
    "--id",
    opened.id,
    "--response",
    join(dirs.globex, "globex.response.json"),
    "--response",
    join(dirs.acme, "acme.response.json"),
    "--out",
    join(x, "result.json"),
  ],
  { cwd: x },
);
const exported = data(
  tf("exchange", ["zk", "bundle", "export", "--id", opened.id, "--out", join(x, "evidence.tar"), "--json"], {
    cwd: x,
    show: false,
  }),
);

step(
  "ZK-TX 5. An auditor verifies the bundle with nothing but it and the pinned keys; acme checks its own side",
);
cpSync(join(x, "evidence.tar"), join(dirs.auditor, "evidence.tar"));
tf(
  "auditor",
  [
    "zk",
    "bundle",
    "verify",
    "evidence.tar",
    "--exchange-key",
    exported.exchangeKey,
    "--log-key",
    exported.logKey,
  ],
  { cwd: dirs.auditor },
);
tf("acme", [
  "zk",
  "bundle",
  "verify",
  join(dirs.auditor, "evidence.tar"),
  "--exchange-key",
  exported.exchangeKey,
  "--log-key",
  exported.logKey,
  "--ticket",
  join(x, "xchg", "ticket-a.json"),
  "--envelope",
  join(dirs.acme, "acme.envelope.json"),
  "--epoch",
  join(x, "epoch.json"),
]);

step("Where things are");
const rel = (p) => relative(process.cwd(), p) || ".";
process.stdout.write(
  [
    `  HTML reports:  ${rel(report)} (the PCQ mismatch), ${rel(simulation)} (the LAC simulation)`,
    `  PCQ:           ${rel(join(pcq, "manifest.json"))}, ${rel(join(pcq, "receipt.json"))}`,
    `  ZK-TX:         ${rel(join(x, "evidence.tar"))}, ${rel(join(x, "result.json"))}`,
    `  data dirs:     ${rel(join(out, "homes"))}/<analyst|author|exchange|acme|globex|auditor>`,
    `  finished in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    "",
  ].join("\n"),
);
