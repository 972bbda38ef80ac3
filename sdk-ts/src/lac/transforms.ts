/**
 * Data minimization: applies a decision's obligations (mask, bucket, top-k, generalize, drop)
 * to a result set. Deterministic — the same rows and obligations always give the same output —
 * and exact per type, as docs/lac.md specifies. Rows are plain objects; they are copied, never
 * changed in place.
 */
import { TfError } from "../core/errors.js";
import { formatDiagnostic, NO_POSITION, suggest } from "./diagnostics.js";
import { Obligation, PRESETS } from "./model.js";
import { validateShape } from "./source.js";

export type Row = Record<string, unknown>;
export type RowsFormat = "jsonl" | "csv";

export interface TransformOptions {
  /**
   * When no row has a field an obligation transforms: false (default) throws
   * TF_LAC_TRANSFORM_FIELD, failing closed; true makes it a no-op reported in `applied`.
   */
  allowMissingFields?: boolean;
}

export interface AppliedObligation {
  preset: Obligation["preset"];
  field: string;
  rule?: string;
  /** Rows whose field was transformed (or removed, for drop). */
  changed: number;
  /** Rows without the field (or with null): left as they are. */
  missing: number;
}

export interface MinimizeResult {
  rows: Row[];
  applied: AppliedObligation[];
}

/** Largest result set one call transforms (top-k needs the whole column). */
export const MAX_ROWS = 1_000_000;

const typeError = (o: Obligation, row: number, v: unknown, expected: string): TfError =>
  new TfError(
    "TF_LAC_TRANSFORM_TYPE",
    `${o.preset} on ${JSON.stringify(o.field)}: row ${row + 1} holds ${describe(v)}, but ${o.preset} transforms ${expected}`,
    { details: { preset: o.preset, field: o.field, row: row + 1, expected, found: kind(v) } },
  );

function kind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "list" : typeof v === "object" ? "map" : typeof v;
}
function describe(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return `a ${kind(v)} (${s.length > 40 ? `${s.slice(0, 37)}...` : s})`;
}

/** Validates obligations (as decisions or policies carry them), filling preset defaults. */
export function parseObligations(input: readonly unknown[]): (Obligation & { rule?: string })[] {
  return input.map((raw, i) => {
    const { rule, ...o } = (raw ?? {}) as { rule?: unknown } & Record<string, unknown>;
    if (typeof o.preset !== "string" || !(PRESETS as readonly string[]).includes(o.preset)) {
      const s = typeof o.preset === "string" ? suggest(o.preset, PRESETS) : undefined;
      throw new TfError(
        "TF_LAC_UNKNOWN_PRESET",
        `obligations[${i}]: unknown preset ${JSON.stringify(o.preset) ?? "(none)"}${s ? ` (did you mean ${JSON.stringify(s)}?)` : ""}`,
        { details: { index: i, expected: PRESETS.join(" | "), suggestion: s } },
      );
    }
    const r = validateShape(Obligation, o, "obligations", NO_POSITION, [i]);
    if (!r.data)
      throw new TfError(
        "TF_LAC_DOCUMENT_INVALID",
        `Invalid obligation: ${formatDiagnostic(r.diagnostics[0]!)}`,
        {
          details: { index: i },
        },
      );
    return typeof rule === "string" ? { ...r.data, rule } : r.data;
  });
}

/** Applies obligations in order to copies of the rows. */
export function applyObligations(
  rows: readonly Row[],
  obligations: readonly unknown[],
  options: TransformOptions = {},
): MinimizeResult {
  if (rows.length > MAX_ROWS)
    throw new TfError("TF_LAC_ROWS_INVALID", `${rows.length} rows; one call transforms at most ${MAX_ROWS}`, {
      details: { rows: rows.length },
    });
  const out: Row[] = rows.map((r, i) => {
    if (r === null || typeof r !== "object" || Array.isArray(r))
      throw new TfError("TF_LAC_ROWS_INVALID", `Row ${i + 1} is ${kind(r)}, not an object`, {
        details: { row: i + 1 },
      });
    return { ...r };
  });
  const dropped = new Set<string>();
  const applied: AppliedObligation[] = [];
  for (const o of parseObligations(obligations)) {
    const has = (r: Row) => Object.hasOwn(r, o.field) && r[o.field] !== undefined;
    let present = 0;
    for (const r of out) if (has(r)) present++;
    const report: AppliedObligation = {
      preset: o.preset,
      field: o.field,
      ...(o.rule === undefined ? {} : { rule: o.rule }),
      changed: 0,
      missing: 0,
    };
    if (o.preset === "drop") {
      for (const r of out)
        if (Object.hasOwn(r, o.field)) {
          delete r[o.field];
          report.changed++;
        } else report.missing++;
      dropped.add(o.field);
      applied.push(report);
      continue;
    }
    if (present === 0 && out.length > 0 && !dropped.has(o.field) && !options.allowMissingFields) {
      const columns = [...new Set(out.flatMap((r) => Object.keys(r)))];
      const s = suggest(o.field, columns);
      throw new TfError(
        "TF_LAC_TRANSFORM_FIELD",
        `${o.preset} on ${JSON.stringify(o.field)}: no row has that field${s ? ` (did you mean ${JSON.stringify(s)}?)` : ""}`,
        {
          details: {
            preset: o.preset,
            field: o.field,
            rule: o.rule,
            columns: columns.slice(0, 50),
            suggestion: s,
          },
        },
      );
    }
    const fn = transformer(o, out);
    out.forEach((r, i) => {
      const v = r[o.field];
      if (!has(r) || v === null) {
        report.missing++;
        return;
      }
      r[o.field] = fn(v, i);
      report.changed++;
    });
    applied.push(report);
  }
  return { rows: out, applied };
}

type Fn = (v: unknown, row: number) => unknown;

function transformer(o: Obligation, rows: Row[]): Fn {
  switch (o.preset) {
    case "mask":
      return (v, i) => {
        if (typeof v !== "string" && typeof v !== "number") throw typeError(o, i, v, "strings and numbers");
        return mask(String(v), o.keepLast, o.char);
      };
    case "bucket":
      return (v, i) => {
        if (typeof v !== "number" || !Number.isFinite(v)) throw typeError(o, i, v, "finite numbers");
        return bucket(v, o.size, o.as ?? "lower");
      };
    case "generalize":
      return (v, i) => {
        if (typeof v === "number" && Number.isFinite(v)) return generalizeNumber(v, o.level);
        if (typeof v === "string") return generalizeString(v, o.level);
        throw typeError(o, i, v, "finite numbers and strings");
      };
    case "top-k":
      return topK(o, rows);
    default:
      throw new TfError("TF_INTERNAL", `no transformer for ${o.preset}`);
  }
}

/** Every code point but the last `keepLast` becomes `char`; values no longer than keepLast are masked whole. */
export function mask(s: string, keepLast: number, char = "*"): string {
  const cps = Array.from(s);
  if (cps.length <= keepLast) return char.repeat(cps.length);
  return char.repeat(cps.length - keepLast) + cps.slice(cps.length - keepLast).join("");
}

const decimals = (x: number): number => {
  const s = String(x);
  const e = s.match(/e-(\d+)$/);
  if (e) return Math.min(20, Number(e[1]) + (s.split("e")[0]!.split(".")[1]?.length ?? 0));
  return Math.min(20, s.split(".")[1]?.length ?? 0);
};

/** The bucket [k·size, (k+1)·size) holding x: its lower bound, or the label "[lo, hi)". */
export function bucket(x: number, size: number, as: "lower" | "range" = "lower"): number | string {
  let q = x / size;
  // 0.3 / 0.1 is 2.9999999999999996 in binary floating point: snap near-integers first.
  if (Math.abs(q - Math.round(q)) < 1e-9) q = Math.round(q);
  const k = Math.floor(q);
  const d = decimals(size);
  const lo = Number((k * size).toFixed(d));
  if (as === "lower") return lo === 0 ? 0 : lo;
  const hi = Number(((k + 1) * size).toFixed(d));
  return `[${lo === 0 ? 0 : lo}, ${hi})`;
}

/** Numbers round down (towards −∞) to a multiple of 10^level. */
export function generalizeNumber(x: number, level: number): number {
  const step = 10 ** level;
  const r = Math.floor(x / step) * step;
  return r === 0 ? 0 : r;
}

const DATE =
  /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
/** second → minute → hour → day → month → year → decade. */
const UNITS = ["second", "minute", "hour", "day", "month", "year", "decade"] as const;

/**
 * Strings, by what they hold: ISO 8601 dates and date-times go `level` units coarser; IPv4 and
 * IPv6 addresses become their enclosing network; any other string keeps its first
 * (length − level) code points and masks the rest with `*`.
 */
export function generalizeString(s: string, level: number): string {
  const d = DATE.exec(s);
  if (d) {
    const [, y, mo, day, h, mi, sec, zone] = d;
    if (Number(mo) >= 1 && Number(mo) <= 12) {
      const own =
        sec !== undefined ? 0 : mi !== undefined ? 1 : h !== undefined ? 2 : day !== undefined ? 3 : 4;
      const unit = UNITS[Math.min(own + level, UNITS.length - 1)]!;
      const z = zone ?? "";
      switch (unit) {
        case "minute":
          return `${y}-${mo}-${day}T${h}:${mi}${z}`;
        case "hour":
          return `${y}-${mo}-${day}T${h}${z}`;
        case "day":
          return `${y}-${mo}-${day}`;
        case "month":
          return `${y}-${mo}`;
        case "year":
          return y!;
        default:
          return `${y!.slice(0, 3)}0s`;
      }
    }
  }
  const v4 = IPV4.exec(s);
  if (v4?.slice(1).every((o) => Number(o) <= 255)) {
    const keep = Math.max(0, 4 - level);
    const octets = v4.slice(1).map((o, i) => (i < keep ? String(Number(o)) : "0"));
    return `${octets.join(".")}/${keep * 8}`;
  }
  if (s.includes(":")) {
    const groups = parseIpv6(s);
    if (groups) {
      const prefix = [64, 48, 32, 0][Math.min(level, 4) - 1]!;
      const kept = groups.map((g, i) => (i * 16 < prefix ? g : 0));
      return `${formatIpv6(kept)}/${prefix}`;
    }
  }
  const cps = Array.from(s);
  const keep = Math.max(0, cps.length - level);
  return cps.slice(0, keep).join("") + "*".repeat(cps.length - keep);
}

/** Eight 16-bit groups of an IPv6 address (no zone, no embedded IPv4), or undefined. */
export function parseIpv6(s: string): number[] | undefined {
  if (!/^[0-9A-Fa-f:]+$/.test(s) || s.length > 39) return undefined;
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const part = (h: string) => (h === "" ? [] : h.split(":"));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const all = [...head, ...tail];
  if (all.some((g) => g.length === 0 || g.length > 4)) return undefined;
  if (halves.length === 1 ? all.length !== 8 : all.length > 7) return undefined;
  const nums = (a: string[]) => a.map((g) => Number.parseInt(g, 16));
  return [...nums(head), ...new Array(8 - all.length).fill(0), ...nums(tail)];
}

/** RFC 5952 text: lower case, no leading zeros, the longest run of ≥ 2 zero groups as "::". */
export function formatIpv6(groups: number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

const scalarKey = (v: unknown): string => `${typeof v}:${String(v)}`;

/** Keeps the k most frequent values of the column; the rest become "other". Ties: smaller value first. */
function topK(o: Extract<Obligation, { preset: "top-k" }>, rows: Row[]): Fn {
  const counts = new Map<string, { value: unknown; n: number }>();
  rows.forEach((r, i) => {
    const v = r[o.field];
    if (v === undefined || v === null) return;
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean")
      throw typeError(o, i, v, "strings, numbers and booleans");
    const k = scalarKey(v);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { value: v, n: 1 });
  });
  const order = (a: unknown, b: unknown): number => {
    if (typeof a !== typeof b) return typeof a < typeof b ? -1 : 1;
    if (typeof a === "number") return a - (b as number);
    const [x, y] = [String(a), String(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  };
  const ranked = [...counts.entries()].sort((a, b) => b[1].n - a[1].n || order(a[1].value, b[1].value));
  const kept = new Set(ranked.slice(0, o.k).map(([k]) => k));
  return (v) => (kept.has(scalarKey(v)) ? v : "other");
}

// ---------------------------------------------------------------------------------------------
// Rows in and out: JSON Lines and CSV (RFC 4180).

const rowsError = (message: string, line: number): TfError =>
  new TfError("TF_LAC_ROWS_INVALID", message, { details: { line } });

/** Parses rows: JSON Lines (one object per non-blank line) or CSV with a header row. */
export function parseRows(text: string, format: RowsFormat, file = "rows"): Row[] {
  if (format === "jsonl") {
    const rows: Row[] = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === "") continue;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch (e) {
        throw rowsError(`${file}:${i + 1}: not valid JSON (${(e as Error).message})`, i + 1);
      }
      if (v === null || typeof v !== "object" || Array.isArray(v))
        throw rowsError(`${file}:${i + 1}: a row must be a JSON object, found ${kind(v)}`, i + 1);
      rows.push(v as Row);
      if (rows.length > MAX_ROWS) throw rowsError(`${file}: more than ${MAX_ROWS} rows`, i + 1);
    }
    return rows;
  }
  const records = parseCsv(text, file);
  if (records.length === 0) return [];
  const header = records[0]!.cells;
  const seen = new Set<string>();
  for (const h of header) {
    if (h === "") throw rowsError(`${file}:1: a CSV header cell is empty`, 1);
    if (seen.has(h)) throw rowsError(`${file}:1: the CSV header repeats ${JSON.stringify(h)}`, 1);
    seen.add(h);
  }
  return records.slice(1).map(({ cells, quoted, line }) => {
    if (cells.length !== header.length)
      throw rowsError(`${file}:${line}: ${cells.length} cells, but the header has ${header.length}`, line);
    const row: Row = {};
    header.forEach((h, i) => {
      row[h] = csvValue(cells[i]!, quoted[i]!);
    });
    return row;
  });
}

const CSV_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
/**
 * CSV cells: a quoted cell is a string, always; unquoted, a JSON-style number becomes a number,
 * an empty cell null, anything else a string. (Quote postcodes and ids that look numeric.)
 */
const csvValue = (c: string, quoted: boolean): unknown =>
  quoted ? c : c === "" ? null : CSV_NUMBER.test(c) ? Number(c) : c;

function parseCsv(text: string, file: string): { cells: string[]; quoted: boolean[]; line: number }[] {
  const out: { cells: string[]; quoted: boolean[]; line: number }[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const cells: string[] = [];
    const quoted: boolean[] = [];
    for (;;) {
      let cell = "";
      quoted.push(text[i] === '"');
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw rowsError(`${file}:${start}: a quoted CSV cell is not closed`, start);
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === "\n") line++;
          cell += ch;
          i++;
        }
        if (i < text.length && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r")
          throw rowsError(`${file}:${line}: text after a closing quote`, line);
      } else {
        while (i < text.length && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") {
          if (text[i] === '"') throw rowsError(`${file}:${line}: a quote inside an unquoted CSV cell`, line);
          cell += text[i++];
        }
      }
      cells.push(cell);
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "\r") i++;
      if (text[i] === "\n") i++;
      line++;
      break;
    }
    if (!(cells.length === 1 && cells[0] === "" && !quoted[0])) out.push({ cells, quoted, line: start });
    if (out.length > MAX_ROWS + 1) throw rowsError(`${file}: more than ${MAX_ROWS} rows`, start);
  }
  return out;
}

/** Strings that would read back as numbers or null are quoted, so types survive a round trip. */
const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return "";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  const quote =
    /[",\r\n]/.test(s) || s !== s.trim() || (typeof v === "string" && (s === "" || CSV_NUMBER.test(s)));
  return quote ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Formats rows as JSON Lines, or CSV whose columns are `columns` (default: first-seen order). */
export function formatRows(rows: readonly Row[], format: RowsFormat, columns?: readonly string[]): string {
  if (format === "jsonl") return rows.map((r) => `${JSON.stringify(r)}\n`).join("");
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const lines = [cols.map(csvCell).join(",")];
  for (const r of rows) lines.push(cols.map((c) => csvCell(r[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
