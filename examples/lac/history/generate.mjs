#!/usr/bin/env node
/**
 * A seeded, realistic query history for the LAC simulator (docs/lac-simulate.md).
 *
 *   node examples/lac/history/generate.mjs                 # writes queries.jsonl (3,000 lines)
 *   node examples/lac/history/generate.mjs --count 1000000 --seed 7 --out /tmp/q.jsonl --clean
 *
 * The same seed and count always give the same bytes. `queries.jsonl` also carries a few
 * malformed lines on purpose (the simulator counts and lists them, and goes on).
 */
import { createWriteStream } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// The repository's one seeded PRNG (mulberry32): the same seed gives the same bytes everywhere.
import { prng as rng } from "../../../bench/lib/common.mjs";

const pick = (r, xs) => xs[Math.floor(r() * xs.length)];
/** Picks by weight from [[value, weight], ...]. */
const weighted = (r, xs) => {
  let t = r() * xs.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of xs) {
    t -= w;
    if (t < 0) return v;
  }
  return xs[xs.length - 1][0];
};

const TEAMS = [
  // team, role mix, geo
  [
    "growth",
    [
      ["analyst", 8],
      ["admin", 1],
    ],
    "EU",
  ],
  [
    "finance",
    [
      ["analyst", 6],
      ["auditor", 3],
    ],
    "EU",
  ],
  [
    "risk",
    [
      ["analyst", 5],
      ["auditor", 2],
    ],
    "US",
  ],
  ["marketing", [["analyst", 7]], "US"],
  ["sre", [["engineer", 9]], "US"],
  [
    "platform",
    [
      ["engineer", 6],
      ["admin", 1],
    ],
    "APAC",
  ],
  ["vendor-x", [["contractor", 5]], "EU"],
  [
    "data-science",
    [
      ["analyst", 6],
      ["admin", 1],
    ],
    "EU",
  ],
];
const DATASETS = [
  // dataset, residency, license, containsPii
  ["orders", "EU", "internal", false],
  ["customers", "EU", "internal", true],
  ["payments", "US", "internal", true],
  ["logs", "APAC", "internal", false],
  ["sessions", "US", "cc-by", false],
  ["genomes", "EU", "restricted", true],
  ["market-panel", "US", "commercial", false],
];
const PURPOSE = {
  growth: "analytics",
  finance: "analytics",
  risk: "fraud-investigation",
  marketing: "marketing",
  sre: "incident-response",
  platform: "analytics",
  "vendor-x": "analytics",
  "data-science": "research",
};
const START = Date.UTC(2024, 5, 1);

/** The i-th history entry (a plain object) drawn from r. */
export function makeQuery(r, i) {
  const [team, roles, geo] = pick(r, TEAMS);
  const role = weighted(r, roles);
  const [dataset, residency, license, containsPii] = pick(r, DATASETS);
  const type = weighted(r, [
    ["query", 70],
    ["export", 25],
    ["share", 5],
  ]);
  const rows = type === "query" ? Math.floor(r() * 20000) : Math.floor(10 ** (2 + r() * 3.3));
  const onCall = team === "sre" ? r() < 0.6 : r() < 0.03;
  const purpose = r() < 0.9 ? PURPOSE[team] : pick(r, ["analytics", "marketing", "research"]);
  const request = {
    subject: {
      role,
      onCall,
      geo,
      team,
      licenses: r() < 0.2 ? ["restricted"] : r() < 0.1 ? ["commercial"] : [],
    },
    resource: { dataset, residency, license, containsPii },
    action: { type, rows },
    context: {
      purpose,
      tenantTier: weighted(r, [
        ["enterprise", 5],
        ["pro", 4],
        ["free", 1],
      ]),
      destinationGeo: r() < 0.85 ? residency : geo,
    },
  };
  if (type !== "query" || r() < 0.3)
    request.context.reasonForAccess = r() < 0.93 ? `JIRA-${1000 + Math.floor(r() * 9000)}` : "n/a";
  if (type === "export" && r() < 0.04) delete request.context.reasonForAccess;
  if (r() < 0.15) {
    request.action.aggregate = pick(r, ["count", "sum", "mean", "histogram"]);
    request.action.minGroupSize = Math.floor(1 + r() * 200);
  }
  const time = new Date(START + i * 997 + Math.floor(r() * 900)).toISOString();
  return { id: `q-${String(i + 1).padStart(7, "0")}`, time, team, dataset, request };
}

/** Malformed lines for the shipped history: line number → text. */
const BROKEN = new Map([
  [418, '{"id": "q-broken-json", "team": "growth", "request": {"subject": '],
  [1203, '{"id": "q-no-request", "team": "risk", "dataset": "payments"}'],
  [
    2077,
    '{"id": "q-bad-attr", "team": "growth", "dataset": "orders", "request": {"subject": {"role": "analyst", "clearance": 3}}}',
  ],
  [2950, "this line is not JSON at all"],
]);

/** Writes `count` lines to `out`; returns a promise that resolves when they are flushed. */
export function writeHistory({ count, seed, out, broken = false }) {
  const r = rng(seed);
  const ws = createWriteStream(out);
  let line = 0;
  let chunk = "";
  return new Promise((resolve, reject) => {
    ws.on("error", reject);
    const pump = () => {
      while (line < count) {
        line++;
        chunk += `${broken && BROKEN.has(line) ? BROKEN.get(line) : JSON.stringify(makeQuery(r, line - 1))}\n`;
        if (chunk.length > 1 << 20) {
          const ok = ws.write(chunk);
          chunk = "";
          if (!ok) return ws.once("drain", pump);
        }
      }
      ws.end(chunk, resolve);
    };
    pump();
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name, d) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : d;
  };
  const here = dirname(fileURLToPath(import.meta.url));
  const out = arg("out", join(here, "queries.jsonl"));
  const count = Number(arg("count", 3000));
  await writeHistory({
    count,
    seed: Number(arg("seed", 20240601)),
    out,
    broken: !process.argv.includes("--clean"),
  });
  console.error(`wrote ${count} lines to ${out}`);
}
