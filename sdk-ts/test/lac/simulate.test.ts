import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOperation } from "../../src/engine/index.js";
import { compilePolicy } from "../../src/lac/compile.js";
import {
  type ChangeKind,
  feedText,
  PolicySimulator,
  SimulationReport,
  simulateText,
} from "../../src/lac/simulate.js";
import { simulateFile } from "../../src/lac/simulate-parallel.js";
import { CSV_COLUMNS, escapeHtml, simulationCsv, simulationHtml } from "../../src/lac/simulate-report.js";
import { example } from "./fixtures.js";

const SCHEMA = example("schema.yaml");
const V1 = example("analytics-export.yaml");
const V2 = example("analytics-export.v2.yaml");
const HISTORY = example("history/queries.jsonl");
const from = compilePolicy(V1, SCHEMA);
const to = compilePolicy(V2, SCHEMA);

/** Minimal RFC 4180 parser (quoted fields, doubled quotes, CRLF inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = "";
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        f += '"';
        i++;
      } else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ",") {
      row.push(f);
      f = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(f);
      rows.push(row);
      row = [];
      f = "";
      i++;
    } else f += c;
  }
  if (f !== "" || row.length) rows.push([...row, f]);
  return rows;
}

describe("simulating analytics-export 1.0.0 → 2.0.0 over the shipped history", () => {
  const report = simulateText(from, to, HISTORY);

  it("counts every line once: decided, unchanged or changed, or listed as invalid with its line number", () => {
    const t = report.totals;
    expect(t.lines).toBe(3000);
    expect(t.queries + t.invalid).toBe(t.lines);
    expect(t.unchanged + t.changed).toBe(t.queries);
    expect(t.newlyBlocked + t.newlyAllowed + t.obligationsChanged).toBe(t.changed);
    expect(t.allowedAfter - t.allowedBefore).toBe(t.newlyAllowed - t.newlyBlocked);
    expect(report.invalid.map((i) => [i.line, i.code])).toEqual([
      [418, "TF_JSON_MALFORMED"],
      [1203, "TF_LAC_REQUEST_INVALID"],
      [2077, "TF_LAC_REQUEST_INVALID"],
      [2950, "TF_JSON_MALFORMED"],
    ]);
    expect(report.invalid[2]!.message).toMatch(/subject\.clearance/);
    expect(report.invalidListed).toBe(true);
    expect(report.timeRange?.first).toMatch(/^2024-06-01T00:00:0/);
    expect(report.timeRange!.last > report.timeRange!.first).toBe(true);
    expect(SimulationReport.parse(report)).toEqual(report);
  });

  it("matches an independent replay, query by query", () => {
    const want: Record<ChangeKind | "unchanged", number> = {
      "newly-blocked": 0,
      "newly-allowed": 0,
      "obligations-changed": 0,
      unchanged: 0,
    };
    const byRule = new Map<string, number>();
    for (const line of HISTORY.split("\n")) {
      let q: { request: Record<string, unknown> };
      try {
        q = JSON.parse(line);
        from.decide(q.request);
      } catch {
        continue;
      }
      const a = from.decide(q.request);
      const b = to.decide(q.request);
      const obl = (d: typeof a) =>
        JSON.stringify(
          d.obligations.map(({ rule: _r, ...o }) => JSON.stringify(o, Object.keys(o).sort())).sort(),
        );
      const kind: ChangeKind | "unchanged" =
        a.decision !== b.decision
          ? b.decision === "deny"
            ? "newly-blocked"
            : "newly-allowed"
          : b.decision === "allow" && obl(a) !== obl(b)
            ? "obligations-changed"
            : "unchanged";
      want[kind]++;
      if (kind !== "unchanged") {
        const k = `${kind} ${b.defaulted ? "(default)" : b.decidingRules.join("+")}`;
        byRule.set(k, (byRule.get(k) ?? 0) + 1);
      }
    }
    expect(report.totals).toMatchObject({
      newlyBlocked: want["newly-blocked"],
      newlyAllowed: want["newly-allowed"],
      obligationsChanged: want["obligations-changed"],
      unchanged: want.unchanged,
    });
    expect(new Map(report.byRule.map((g) => [`${g.kind} ${g.key}`, g.count]))).toEqual(byRule);
  });

  it("shows the interesting diff: every change kind, each grouping summing to its total", () => {
    const t = report.totals;
    expect(t.newlyBlocked).toBeGreaterThan(10);
    expect(t.newlyAllowed).toBeGreaterThan(10);
    expect(t.obligationsChanged).toBeGreaterThan(10);
    const keys = (kind: ChangeKind) => report.byRule.filter((g) => g.kind === kind).map((g) => g.key);
    expect(keys("newly-blocked")).toEqual(expect.arrayContaining(["(default)", "deny-marketing-export"]));
    expect(keys("newly-allowed")).toEqual(["allow-contractor-non-pii-query"]);
    expect(keys("obligations-changed")).toContain("allow-analyst-query");
    const bulk = report.byRule.find((g) => g.kind === "newly-blocked" && g.key === "(default)")!;
    expect(bulk.previous[0]!.rules).toBe("allow-analyst-export");
    for (const kind of ["newly-blocked", "newly-allowed", "obligations-changed"] as const) {
      const total = {
        "newly-blocked": t.newlyBlocked,
        "newly-allowed": t.newlyAllowed,
        "obligations-changed": t.obligationsChanged,
      }[kind];
      for (const grouping of [report.byRule, report.byTeam, report.byDataset, report.groups])
        expect(grouping.filter((g) => g.kind === kind).reduce((s, g) => s + g.count, 0)).toBe(total);
    }
    expect(report.byTeam.find((g) => g.kind === "newly-allowed")!.key).toBe("vendor-x");
    for (const g of report.groups) {
      expect(g.examples.length).toBe(Math.min(5, g.count));
      for (const id of g.examples) expect(id).toMatch(/^q-\d{7}$/);
    }
  });

  it("streams a file in chunks to the same report, across CRLF, multi-byte characters and chunk edges", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tf-sim-"));
    // Long lines of multi-byte team names put 1 MiB chunk edges inside characters and lines.
    const lines = HISTORY.split("\n").filter(Boolean);
    const big = lines.map((l, i) => {
      const q = JSON.parse(l.startsWith("{") && l.endsWith("}") ? l : "{}");
      if (i % 7 === 0 && q.request) q.team = `team-${"é€".repeat(300 + (i % 13))}-${i % 3}`;
      return q.request ? JSON.stringify(q) : l;
    });
    const text = `${big.join("\r\n")}\r\n`;
    const file = join(dir, "h.jsonl");
    writeFileSync(file, text);
    const progress: number[] = [];
    const a = await simulateFile(from, to, file, { onProgress: (d) => progress.push(d) });
    const b = simulateText(from, to, text);
    const strip = (r: typeof a) => ({ ...r, durationMs: 0, queriesPerSecond: 0 });
    expect(strip(a)).toEqual(strip(b));
    expect(a.totals.lines).toBe(3000);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(Buffer.byteLength(text));
    await expect(simulateFile(from, to, join(dir, "missing.jsonl"))).rejects.toMatchObject({
      code: "TF_FILE_NOT_FOUND",
    });
  });

  it("skips a line longer than the limit without holding it, and counts it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tf-sim-"));
    const ok = HISTORY.split("\n")[0]!;
    const file = join(dir, "h.jsonl");
    writeFileSync(file, `${ok}\n${"x".repeat(3_000_000)}\n${ok}\n${"y".repeat(2_500_000)}`);
    const r = await simulateFile(from, to, file, { maxLine: 1_000_000 });
    expect(r.totals).toMatchObject({ lines: 4, queries: 2, invalid: 2 });
    expect(r.invalid.map((i) => [i.line, i.code])).toEqual([
      [2, "TF_LAC_TOO_LARGE"],
      [4, "TF_LAC_TOO_LARGE"],
    ]);
  });
});

describe("a history read in parts and absorbed in order (how threads share a file)", () => {
  const strip = (r: SimulationReport) => ({ ...r, durationMs: 0, queriesPerSecond: 0 });
  /** Cuts the text after whole lines into `parts` pieces and reads each with its own simulator. */
  const inParts = (text: string, parts: number, options = {}) => {
    const lines = text.split("\n");
    const per = Math.ceil(lines.length / parts);
    const sims = [];
    for (let k = 0; k < parts; k++) {
      const piece = lines.slice(k * per, (k + 1) * per);
      const sim = new PolicySimulator(from, to, options);
      feedText(sim, piece.join("\n"));
      sims.push({ sim, lines: piece.length });
    }
    const [first, ...rest] = sims;
    let offset = first!.lines;
    for (const { sim, lines: n } of rest) {
      if (!first!.sim.absorb(sim.state(), offset)) return undefined;
      offset += n;
    }
    return first!.sim.report();
  };

  it("gives exactly the report of one reader: counts, examples in file order, line numbers, invalid lines", () => {
    // ids dropped from every 5th query: their examples are line numbers, which must be shifted
    const text = HISTORY.split("\n")
      .map((l, i) => (i % 5 === 0 ? l.replace(/"id":"q-\d{7}",?/, "") : l))
      .join("\n");
    const whole = simulateText(from, to, text, { examplesPerGroup: 3, maxInvalidListed: 3 });
    expect(whole.groups.some((g) => g.examples.some((e) => e.startsWith("line:")))).toBe(true);
    for (const parts of [2, 3, 7]) {
      const r = inParts(text, parts, { examplesPerGroup: 3, maxInvalidListed: 3 });
      expect(strip(r!)).toEqual(strip(whole));
    }
  });

  it("refuses to absorb when the teams of all parts exceed the distinct-value cap (order decides the folding)", () => {
    const teams = new Set(simulateText(from, to, HISTORY).byTeam.map((g) => g.key));
    expect(teams.size).toBeGreaterThan(2);
    expect(inParts(HISTORY, 3, { maxDistinct: teams.size })).toBeDefined();
    expect(inParts(HISTORY, 3, { maxDistinct: teams.size - 1 })).toBeUndefined();
  });

  it("a file read from source runs on one thread, whatever is asked, with the same report", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tf-sim-"));
    const file = join(dir, "h.jsonl");
    writeFileSync(file, HISTORY);
    const r = await simulateFile(from, to, file, { threads: 3 });
    expect(strip(r)).toEqual(strip(simulateText(from, to, HISTORY)));
  });
});

describe("PolicySimulator bounds and options", () => {
  const P = (version: string, rules: string) =>
    compilePolicy(
      `apiVersion: trustfabric.dev/lac/v1
kind: Policy
metadata: { name: t, version: "${version}" }
mode: audit
rules:
${rules}
reasons: { r: { en: "r" } }
`,
      SCHEMA,
    );
  const allowAll = P("1", "  - { id: allow-all, effect: allow, reason: r }");
  const denyAll = P("2", "  - { id: deny-all, effect: deny, reason: r }");
  const q = (i: number, team: string) =>
    JSON.stringify({ id: `q${i}`, team, dataset: "d", request: { subject: { role: "analyst" } } });

  it("in audit mode nothing changes effectively; compare: policy shows what would", () => {
    const text = [q(1, "a"), q(2, "b")].join("\n");
    expect(simulateText(allowAll, denyAll, text).totals.changed).toBe(0);
    const r = simulateText(allowAll, denyAll, text, { compare: "policy" });
    expect(r.totals.newlyBlocked).toBe(2);
    expect(r.byRule[0]).toMatchObject({ key: "deny-all", previous: [{ rules: "allow-all", count: 2 }] });
  });

  it("bounds examples, invalid listings and distinct teams", () => {
    const sim = new PolicySimulator(allowAll, denyAll, {
      compare: "policy",
      examplesPerGroup: 2,
      maxInvalidListed: 3,
      maxDistinct: 2,
    });
    for (let i = 1; i <= 10; i++) sim.line(q(i, `team${i}`), i);
    for (let i = 11; i <= 20; i++) sim.line("{", i);
    sim.line("   ", 21);
    const r = sim.report();
    expect(r.totals).toMatchObject({ lines: 20, queries: 10, invalid: 10, newlyBlocked: 10 });
    expect(r.invalid.map((i) => i.line)).toEqual([11, 12, 13]);
    expect(r.invalidListed).toBe(false);
    expect(r.foldedValues).toBe(true);
    expect(r.byTeam.map((g) => [g.key, g.count, g.examples])).toEqual([
      ["(other)", 8, ["q3", "q4"]],
      ["team1", 1, ["q1"]],
      ["team2", 1, ["q2"]],
    ]);
  });

  it("falls back to the request's team and dataset, then the line number as id", () => {
    const line = JSON.stringify({ request: { subject: { team: "t1" }, resource: { dataset: "ds" } } });
    const r = simulateText(allowAll, denyAll, `\n${line}`, { compare: "policy" });
    expect(r.groups).toEqual([
      { kind: "newly-blocked", rule: "deny-all", team: "t1", dataset: "ds", count: 1, examples: ["line:2"] },
    ]);
  });
});

// ------------------------------------------------------------------------------------------------
// Reports: CSV and HTML

const EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const evilHistory = [
  {
    id: "e1",
    team: EVIL,
    dataset: '=HYPERLINK("http://evil.example/")',
    request: { subject: { role: "contractor" } },
  },
  { id: 'e2,"quoted"', team: "a,b", dataset: "line\nbreak", request: { subject: { role: "contractor" } } },
  { id: "e3", team: "zeta", dataset: "orders", request: { subject: { role: "contractor" } } },
  { id: "e4", team: "zeta", dataset: "orders", request: { subject: { role: "contractor" } } },
]
  .map((x) => JSON.stringify(x))
  .join("\n");
const ALLOW_CONTRACTORS = compilePolicy(
  `apiVersion: trustfabric.dev/lac/v1
kind: Policy
metadata: { name: "<b>open</b>", version: "2" }
rules:
  - { id: allow-contractor, effect: allow, when: { attr: subject.role, op: eq, value: contractor }, reason: r }
reasons: { r: { en: "r" } }
`,
  SCHEMA,
);
const evil = simulateText(
  from,
  ALLOW_CONTRACTORS,
  `${evilHistory}\nnot json <script>window.__pwned=3</script>`,
);

describe("CSV report", () => {
  it("has one row per (kind, rule, team, dataset), RFC 4180 quoted, formulas defused", () => {
    const csv = simulationCsv(evil);
    expect(csv.endsWith("\r\n")).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.length - 1).toBe(evil.groups.length);
    const body = rows.slice(1).map((r) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]])));
    expect(body).toContainEqual({
      kind: "newly-allowed",
      rule: "allow-contractor",
      team: "a,b",
      dataset: "line\nbreak",
      count: "1",
      examples: 'e2,"quoted"',
    });
    expect(body.find((r) => r.examples === "e1")!.dataset).toBe(`'=HYPERLINK("http://evil.example/")`);
    expect(body.find((r) => r.team === "zeta")).toMatchObject({ count: "2", examples: "e3; e4" });
    expect(csv).toContain('"line\nbreak"');
    expect(csv).toContain('"e2,""quoted"""');
  });
});

describe("HTML report", () => {
  it("escapes every value and loads nothing from outside", () => {
    const html = simulationHtml(evil);
    expect(html).not.toContain("<script>window.__pwned");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain(escapeHtml(EVIL));
    expect(html).toContain("&lt;b&gt;open&lt;/b&gt;");
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: process.env.TF_CHROMIUM ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("in Chromium: the numbers match the JSON, headers sort, no request leaves, no injected script runs", async () => {
    const report = simulateText(from, to, HISTORY);
    const dir = mkdtempSync(join(tmpdir(), "tf-sim-html-"));
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith("file:")) requests.push(r.url());
    });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    // 1. The shipped example: tiles and tables show the JSON's numbers.
    const file = join(dir, "report.html");
    writeFileSync(file, simulationHtml(report));
    await page.goto(`file://${file}`);
    // innerText on purpose: the number as rendered, what a person sees
    // biome-ignore lint/performance/useDomNodeTextContent: see above
    const tile = (k: string) => page.locator(`[data-total="${k}"] .value`).innerText();
    const num = (s: string) => Number(s.replace(/,/g, ""));
    expect(num(await tile("queries"))).toBe(report.totals.queries);
    expect(num(await tile("unchanged"))).toBe(report.totals.unchanged);
    expect(num(await tile("newly-blocked"))).toBe(report.totals.newlyBlocked);
    expect(num(await tile("newly-allowed"))).toBe(report.totals.newlyAllowed);
    expect(num(await tile("obligations-changed"))).toBe(report.totals.obligationsChanged);
    expect(num(await tile("invalid"))).toBe(report.totals.invalid);
    const rows = async (id: string) =>
      page
        .locator(`#${id} tbody tr`)
        .evaluateAll((trs) =>
          trs.map((tr) =>
            Array.from((tr as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells).map(
              (c) => (c.textContent ?? "").trim(),
            ),
          ),
        );
    const teamRows = await rows("by-team");
    expect(teamRows.map((r) => [r[1], num(r[2]!)])).toEqual(report.byTeam.map((g) => [g.key, g.count]));
    const ruleRows = await rows("by-rule");
    expect(ruleRows.map((r) => [r[1], num(r[3]!)])).toEqual(report.byRule.map((g) => [g.key, g.count]));
    expect((await rows("invalid")).map((r) => num(r[0]!))).toEqual(report.invalid.map((i) => i.line));
    // examples are collapsed until opened
    const firstDetails = page.locator("#by-team tbody tr").first().locator("details");
    expect(await firstDetails.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);

    // 2. Sorting: click "count" → descending; click again → ascending; click "team" → by name.
    const counts = async () => (await rows("by-team")).map((r) => num(r[2]!));
    const header = (name: string) => page.locator("#by-team thead th", { hasText: new RegExp(`^${name}$`) });
    await header("count").click();
    const desc = await counts();
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    expect(await header("count").getAttribute("aria-sort")).toBe("descending");
    await header("count").click();
    const asc = await counts();
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(asc).not.toEqual(desc);
    await header("team").click();
    const teams = (await rows("by-team")).map((r) => r[1]!);
    expect(teams).toEqual([...teams].sort((a, b) => a.localeCompare(b)));

    // 3. Injection-like values are shown as text and never run.
    const evilFile = join(dir, "evil.html");
    writeFileSync(evilFile, simulationHtml(evil));
    await page.goto(`file://${evilFile}`);
    expect(
      await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned),
    ).toBeUndefined();
    const shownTeams = (await rows("by-team")).map((r) => r[1]);
    expect(shownTeams).toContain(EVIL);
    expect(await page.locator("#by-team img").count()).toBe(0);
    expect(await page.title()).toContain("<b>open</b>");
    // the page's own script did run (sorting works on this page too)
    await page.locator("#by-team thead th", { hasText: /^count$/ }).click();
    expect(await page.locator("#by-team thead th", { hasText: /^count$/ }).getAttribute("aria-sort")).toBe(
      "descending",
    );
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("lac.simulate operation", () => {
  it("takes the history as text or as a file and returns the report; one of the two is required", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tf-sim-op-"));
    const file = join(dir, "h.jsonl");
    writeFileSync(file, HISTORY);
    const base = { from: V1, to: V2, schema: SCHEMA };
    const a = await runOperation("lac.simulate", { ...base, historyFile: file }, { home: dir });
    const b = await runOperation(
      "lac.simulate",
      { ...base, history: readFileSync(file, "utf8") },
      { home: dir },
    );
    expect(a.totals).toEqual(b.totals);
    expect(a.groups).toEqual(b.groups);
    await expect(runOperation("lac.simulate", base, { home: dir })).rejects.toMatchObject({
      code: "TF_USAGE",
    });
    await expect(
      runOperation("lac.simulate", { ...base, to: "kind: Policy", history: "" }, { home: dir }),
    ).rejects.toMatchObject({ code: "TF_LAC_POLICY_INVALID" });
  });
});
