/**
 * The diff report as one self-contained HTML page: inline CSS and script, no external URL
 * (a Content-Security-Policy forbids loading anything), each metric's deltas drawn against
 * their tolerance window, details collapsed until opened.
 */
import { extraMessages, fmt, outside, type ReplayReport, type ReportDelta, severityOf } from "./diff.js";

const esc = (s: unknown): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

const BAR_W = 160;
const BAR_H = 14;

/**
 * One delta against its window on a ratio scale: x = r / (1 + r) of the width with r = |Δ| / allowed,
 * so the window [0, allowed] is always the left half and a value far outside it sits near the right edge.
 */
export function deltaBarSvg(d: Pick<ReportDelta, "abs" | "allowed" | "ok">): string {
  const r = d.abs === null ? Number.POSITIVE_INFINITY : severityOf({ abs: d.abs, allowed: d.allowed });
  const x = Number.isFinite(r) ? (BAR_W * r) / (1 + r) : BAR_W;
  const cx = Math.min(BAR_W - 3, Math.max(3, x));
  const label = `|Δ| ${fmt(d.abs)} vs allowed ${fmt(d.allowed)} (${d.ok ? "inside" : "outside"} the window)`;
  return `<svg class="band" role="img" aria-label="${esc(label)}" width="${BAR_W}" height="${BAR_H}" viewBox="0 0 ${BAR_W} ${BAR_H}"><title>${esc(label)}</title><rect x="0" y="3" width="${BAR_W}" height="${BAR_H - 6}" class="track"/><rect x="0" y="3" width="${BAR_W / 2}" height="${BAR_H - 6}" class="window"/><line x1="${BAR_W / 2}" y1="0" x2="${BAR_W / 2}" y2="${BAR_H}" class="edge"/><circle cx="${cx.toFixed(1)}" cy="${BAR_H / 2}" r="3.5" class="${d.ok ? "in" : "out"}"/></svg>`;
}

const CSS = `
:root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1100px;padding:24px}
h1{font-size:28px;margin:0 0 4px}h1.match{color:var(--ok)}h1.mismatch{color:var(--bad)}
h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:28px}h3{font-size:15px;margin:0 0 4px}
.meta{color:var(--muted);margin:0}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
ul.diffs{padding-left:18px}li.error{color:var(--bad)}li.warning{color:var(--warn)}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid var(--line);vertical-align:middle}th{font-weight:600;color:var(--muted)}
td.num{font-variant-numeric:tabular-nums;text-align:right}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:700;color:#fff;vertical-align:middle}.badge.ok{background:var(--ok)}.badge.fail{background:var(--bad)}.badge.warn{background:var(--warn)}
article.metric{border:1px solid var(--line);border-radius:6px;padding:10px 12px;margin:10px 0}article.metric.fail{border-color:var(--bad);border-left-width:5px}
details{margin-top:6px}summary{cursor:pointer;color:var(--muted)}
tr.out td{color:var(--bad);font-weight:600}
svg.band .track{fill:#f6f8fa;stroke:var(--line)}svg.band .window{fill:#dafbe1}svg.band .edge{stroke:var(--ok);stroke-width:1.5}svg.band circle.in{fill:var(--ok)}svg.band circle.out{fill:var(--bad)}
button{font:inherit;border:1px solid var(--line);background:#f6f8fa;border-radius:6px;padding:2px 10px;cursor:pointer}
.legend{color:var(--muted);font-size:12px}
`;

const SCRIPT = `
document.getElementById("toggle-all").addEventListener("click", function () {
  var all = document.querySelectorAll("details");
  var open = Array.prototype.some.call(all, function (d) { return !d.open; });
  all.forEach(function (d) { d.open = open; });
  this.textContent = open ? "Collapse all" : "Expand all";
});
`;

function deltasTable(m: ReplayReport["metrics"][number]): string {
  if (m.deltas.length === 0) return "";
  const rows = m.deltas
    .map(
      (d) =>
        `<tr class="${d.ok ? "in" : "out"}"><td><code>${esc(d.key)}</code></td><td class="num">${esc(fmt(d.expected))}</td><td class="num">${esc(fmt(d.actual))}</td><td class="num">${esc(fmt(d.abs))}</td><td class="num">${esc(fmt(d.allowed))}</td><td>${deltaBarSvg(d)}</td></tr>`,
    )
    .join("");
  const omitted = m.deltasOmitted
    ? `<p class="legend">${m.deltasOmitted} less severe value(s) not shown.</p>`
    : "";
  return `<details class="deltas"><summary>Values compared (${m.deltas.length} shown${outside(m) ? `, ${outside(m)} outside the window` : ""})</summary><table><thead><tr><th>key</th><th>claimed</th><th>replayed</th><th>|Δ|</th><th>allowed</th><th>against the window</th></tr></thead><tbody>${rows}</tbody></table>${omitted}<p class="legend">Green: the tolerance window [0, allowed], always the left half (scale r/(1+r), r = |Δ|/allowed). Dot: this value's |Δ|.</p></details>`;
}

function metricsSection(r: ReplayReport): string {
  const items = r.metrics
    .map((m) => {
      const badge = m.ok ? `<span class="badge ok">PASS</span>` : `<span class="badge fail">FAIL</span>`;
      const extra = m.ok ? [] : extraMessages(m);
      const message = extra.length ? `<p class="extra">${extra.map(esc).join("<br>")}</p>` : "";
      return `<article class="metric ${m.ok ? "ok" : "fail"}" data-step="${esc(m.step)}" data-ok="${m.ok}"><h3>${badge} ${esc(m.step)} <code>${esc(m.metric)}</code></h3><p class="meta">${m.compared} value(s) compared, ${outside(m)} outside the window · tolerance rel ${esc(fmt(m.tolerance.rel))}, abs ${esc(fmt(m.tolerance.abs))} — ${esc(m.tolerance.note)}</p>${message}${deltasTable(m)}<details class="spec"><summary>Spec</summary><pre><code>${esc(JSON.stringify(m.spec, null, 2))}</code></pre></details></article>`;
    })
    .join("");
  return `<section id="metrics"><h2>Metrics</h2>${items || "<p>No metrics.</p>"}</section>`;
}

function inputsSection(r: ReplayReport): string {
  if (r.inputs.length === 0 && r.outputs.length === 0) return "";
  const inputs = r.inputs
    .map((i) => {
      const chunks = i.tree.chunks.length
        ? `<details class="chunks"><summary>Differing chunks (${i.tree.differing})</summary><table><thead><tr><th>chunk</th><th>tree path</th><th>rows</th><th>manifest leaf</th><th>data leaf</th></tr></thead><tbody>${i.tree.chunks
            .map(
              (c) =>
                `<tr class="out"><td class="num">${c.chunk}</td><td><code>${esc(c.path || "(root)")}</code></td><td>${c.firstRow}–${c.lastRow}</td><td><code>${esc((c.expected ?? "—").slice(0, 16))}</code></td><td><code>${esc((c.actual ?? "—").slice(0, 16))}</code></td></tr>`,
            )
            .join("")}</tbody></table></details>`
        : "";
      return `<tr class="${i.ok ? "in" : "out"}"><td>${i.ok ? '<span class="badge ok">OK</span>' : '<span class="badge fail">DIFFERS</span>'}</td><td>${esc(i.id)}</td><td><code>${esc(i.path)}</code></td><td class="num">${i.rows.actual}${i.rows.actual !== i.rows.expected ? ` (claimed ${i.rows.expected})` : ""}</td><td><code>${esc(i.tree.root.actual.slice(0, 16))}</code></td></tr>${chunks ? `<tr><td></td><td colspan="4">${chunks}</td></tr>` : ""}`;
    })
    .join("");
  const outputs = r.outputs
    .map(
      (o) =>
        `<tr class="${o.ok ? "in" : "out"}"><td>${o.ok ? '<span class="badge ok">OK</span>' : '<span class="badge fail">DIFFERS</span>'}</td><td>${esc(o.id)}</td><td><code>${esc(o.path)}</code></td><td colspan="2"><code>${esc(o.digest.actual.slice(0, 23))}</code></td></tr>`,
    )
    .join("");
  return `<section id="inputs"><h2>Data</h2><table><thead><tr><th></th><th>id</th><th>file</th><th>rows</th><th>tree root / digest</th></tr></thead><tbody>${inputs}${outputs}</tbody></table></section>`;
}

function environmentSection(r: ReplayReport): string {
  if (r.environment.length === 0) return "";
  const rows = r.environment
    .map(
      (e) =>
        `<tr><td><span class="badge ${e.severity === "error" ? "fail" : "warn"}">${e.severity}</span></td><td>${esc(e.step)}</td><td><code>${esc(e.field)}</code></td><td>${esc(e.expected ?? "(none)")}</td><td>${esc(e.actual ?? "(none)")}</td></tr>`,
    )
    .join("");
  return `<section id="environment"><h2>Implementations and libraries</h2><details><summary>${r.environment.length} difference(s) from the manifest's environment</summary><table><thead><tr><th></th><th>step</th><th>field</th><th>manifest</th><th>verifier</th></tr></thead><tbody>${rows}</tbody></table></details></section>`;
}

/** Renders a report as one HTML document (a string; the caller writes it). */
export function renderReportHtml(r: ReplayReport): string {
  const verdict = r.outcome === "match" ? "Match" : "Mismatch";
  const errors = r.differences.filter((d) => d.severity === "error").length;
  const lead =
    r.outcome === "match"
      ? "The replay reproduces every claimed value within its tolerance window."
      : `${errors} difference(s) between the claim and the replay.`;
  const diffs = r.differences.length
    ? `<section id="summary"><h2>What differs</h2><ul class="diffs">${r.differences.map((d) => `<li class="${d.severity}">${esc(d.message)}</li>`).join("")}</ul></section>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PCQ replay: ${esc(verdict)} — ${esc(r.name)}</title>
<style>${CSS}</style></head>
<body>
<header><h1 id="verdict" class="${r.outcome}">${verdict}</h1>
<p class="lead">${esc(lead)}</p>
<p class="meta">${esc(r.name)} · ${esc(r.mode)} replay of <code>${esc(r.subject.name)}</code> <code>${esc(r.subject.digest)}</code></p>
<p class="meta">verifier engine ${esc(r.verifier.engine)} · node ${esc(r.verifier.node)} · ${esc(r.verifier.platform)} · <button id="toggle-all" type="button">Expand all</button></p></header>
${diffs}${inputsSection(r)}${metricsSection(r)}${environmentSection(r)}
<script>${SCRIPT}</script>
</body></html>
`;
}
