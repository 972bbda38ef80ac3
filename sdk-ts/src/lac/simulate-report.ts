/**
 * Renderings of a simulation report: CSV (one row per change kind × rule × team × dataset,
 * RFC 4180) and one self-contained HTML page (inline CSS and JS, no external URL, a CSP that
 * forbids any network access and any script but its own; every value HTML-escaped).
 */
import { createHash } from "node:crypto";
import type { ChangeKind, SimulationReport } from "./simulate.js";

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A text cell that a spreadsheet would read as a formula (=, +, -, @, tab, CR first) gets a
 * leading apostrophe, as OWASP advises against CSV injection. Numbers are written as they are.
 */
export function csvText(value: string): string {
  return csvField(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

export const CSV_COLUMNS = ["kind", "rule", "team", "dataset", "count", "examples"] as const;

/** CSV of the report's groups; examples are separated by a space and a semicolon ("; "). */
export function simulationCsv(report: SimulationReport): string {
  const rows = [CSV_COLUMNS.join(",")];
  for (const g of report.groups)
    rows.push(
      [
        csvText(g.kind),
        csvText(g.rule),
        csvText(g.team),
        csvText(g.dataset),
        csvField(g.count),
        csvText(g.examples.join("; ")),
      ].join(","),
    );
  return `${rows.join("\r\n")}\r\n`;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const KIND_LABEL: Record<ChangeKind, string> = {
  "newly-blocked": "newly blocked",
  "newly-allowed": "newly allowed",
  "obligations-changed": "obligations changed",
};

const CSS = `
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--mute:#5b636e;--line:#d8dde3;--blk:#b42318;--alw:#067647;--obl:#b54708}
@media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--bg:#14171a;--mute:#9aa3ad;--line:#2d333a}}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:2rem auto;max-width:72rem;padding:0 1rem}
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:2rem 0 .5rem}
.sub{color:var(--mute);margin:0 0 1.5rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));gap:.75rem}
.tile{border:1px solid var(--line);border-radius:.5rem;padding:.75rem}
.tile .value{font-size:1.6rem;font-weight:600;font-variant-numeric:tabular-nums}
.tile .label{color:var(--mute)}
.tile.newly-blocked .value{color:var(--blk)}.tile.newly-allowed .value{color:var(--alw)}.tile.obligations-changed .value{color:var(--obl)}
table{border-collapse:collapse;width:100%;margin:.25rem 0}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{cursor:pointer;user-select:none;white-space:nowrap}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.kind-newly-blocked{color:var(--blk)}.kind-newly-allowed{color:var(--alw)}.kind-obligations-changed{color:var(--obl)}
details summary{cursor:pointer;color:var(--mute)}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.92em;word-break:break-all}
.empty{color:var(--mute)}
`;

/** Sorts a table by the clicked header: numbers numerically, text by locale; again to reverse. */
const SCRIPT = `
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.querySelectorAll("thead th");
  heads.forEach(function (th, col) {
    th.addEventListener("click", function () {
      var dir = th.getAttribute("aria-sort") === "descending" ? "ascending" : "descending";
      if (!th.hasAttribute("aria-sort") && !th.classList.contains("num")) dir = "ascending";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (r) { var c = r.cells[col]; return c.getAttribute("data-sort") || c.textContent; };
      var num = th.classList.contains("num");
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var c = num ? Number(x) - Number(y) : x.localeCompare(y);
        return dir === "ascending" ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
`;

function examplesCell(examples: readonly string[]): string {
  if (examples.length === 0) return '<td class="empty">—</td>';
  return `<td><details><summary>${examples.length} example${examples.length === 1 ? "" : "s"}</summary>${examples
    .map((e) => `<div class="mono">${escapeHtml(e)}</div>`)
    .join("")}</details></td>`;
}

function table(id: string, columns: { name: string; num?: boolean }[], rows: string[][]): string {
  if (rows.length === 0) return `<p class="empty" id="${id}">No changes.</p>`;
  const head = columns
    .map((c) => `<th scope="col"${c.num ? ' class="num"' : ""}>${escapeHtml(c.name)}</th>`)
    .join("");
  return `<table class="sortable" id="${id}"><thead><tr>${head}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.join("")}</tr>`)
    .join("")}</tbody></table>`;
}

const kindCell = (k: ChangeKind) =>
  `<td class="kind-${k}" data-sort="${k}">${escapeHtml(KIND_LABEL[k])}</td>`;
const textCell = (v: string) => `<td class="mono">${escapeHtml(v)}</td>`;
const numCell = (n: number) => `<td class="num" data-sort="${n}">${n.toLocaleString("en-US")}</td>`;

/** The report as one self-contained HTML page. */
export function simulationHtml(report: SimulationReport): string {
  const t = report.totals;
  const tiles: [string, string, number][] = [
    ["queries", "queries replayed", t.queries],
    ["unchanged", "unchanged", t.unchanged],
    ["newly-blocked", "newly blocked", t.newlyBlocked],
    ["newly-allowed", "newly allowed", t.newlyAllowed],
    ["obligations-changed", "obligations changed", t.obligationsChanged],
    ["invalid", "invalid lines", t.invalid],
  ];
  const tileHtml = tiles
    .map(
      ([k, l, v]) =>
        `<div class="tile ${k}" data-total="${k}"><div class="value" data-sort="${v}">${v.toLocaleString("en-US")}</div><div class="label">${escapeHtml(l)}</div></div>`,
    )
    .join("");
  const grouping = (
    id: string,
    title: string,
    keyName: string,
    groups: {
      kind: ChangeKind;
      key: string;
      count: number;
      examples: string[];
      previous?: { rules: string; count: number }[];
    }[],
  ) =>
    `<h2>${escapeHtml(title)}</h2>${table(
      id,
      [
        { name: "change" },
        { name: keyName },
        ...(id === "by-rule" ? [{ name: "decided before by" }] : []),
        { name: "count", num: true },
        { name: "examples" },
      ],
      groups.map((g) => [
        kindCell(g.kind),
        textCell(g.key),
        ...(g.previous
          ? [
              `<td class="mono">${g.previous.map((p) => `${escapeHtml(p.rules)} (${p.count})`).join("<br>")}</td>`,
            ]
          : []),
        numCell(g.count),
        examplesCell(g.examples),
      ]),
    )}`;
  const invalid =
    report.invalid.length === 0
      ? ""
      : `<h2>Invalid lines (${t.invalid.toLocaleString("en-US")})</h2>${table(
          "invalid",
          [{ name: "line", num: true }, { name: "code" }, { name: "message" }],
          report.invalid.map((i) => [numCell(i.line), textCell(i.code), `<td>${escapeHtml(i.message)}</td>`]),
        )}${report.invalidListed ? "" : `<p class="empty">Only the first ${report.invalid.length} are listed.</p>`}`;
  const title = `${report.from.name}@${report.from.version} → ${report.to.name}@${report.to.version}`;
  const range = report.timeRange
    ? ` · queries from ${report.timeRange.first} to ${report.timeRange.last}`
    : "";
  const scriptHash = createHash("sha256").update(SCRIPT).digest("base64");
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src 'none'; form-action 'none'; base-uri 'none'`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Policy simulation: ${escapeHtml(title)}</title>
<style>${CSS}</style></head>
<body>
<h1>Policy simulation: <span class="mono">${escapeHtml(title)}</span></h1>
<p class="sub">Compared: ${escapeHtml(report.compare === "policy" ? "the policy's decisions" : "effective decisions")} · modes ${escapeHtml(report.from.mode)} → ${escapeHtml(report.to.mode)} · ${t.lines.toLocaleString("en-US")} lines${escapeHtml(range)} · allowed before ${t.allowedBefore.toLocaleString("en-US")}, after ${t.allowedAfter.toLocaleString("en-US")}</p>
<section class="tiles">${tileHtml}</section>
${grouping("by-rule", "By rule (the new version's deciding rules)", "rule", report.byRule)}
${grouping("by-team", "By team", "team", report.byTeam)}
${grouping("by-dataset", "By dataset", "dataset", report.byDataset)}
<h2>By rule, team and dataset</h2>${table(
    "groups",
    [
      { name: "change" },
      { name: "rule" },
      { name: "team" },
      { name: "dataset" },
      { name: "count", num: true },
      { name: "examples" },
    ],
    report.groups.map((g) => [
      kindCell(g.kind),
      textCell(g.rule),
      textCell(g.team),
      textCell(g.dataset),
      numCell(g.count),
      examplesCell(g.examples),
    ]),
  )}
${invalid}
<script>${SCRIPT}</script>
</body></html>
`;
}
