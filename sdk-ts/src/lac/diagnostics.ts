/** Diagnostics of the LAC checker: positioned, coded with taxonomy codes, never thrown. */
import type { ErrorCode } from "../core/errors.js";

export type Severity = "error" | "warning";

export interface Diagnostic {
  /** The file's name as given (or "policy"/"schema"). */
  file: string;
  /** 1-based; 0 when the input had no source text (an object rather than YAML). */
  line: number;
  col: number;
  severity: Severity;
  code: ErrorCode;
  message: string;
  /** Path of the offending node in the document, e.g. rules.2.when.attr. */
  path?: string;
  expected?: string;
  found?: string;
  /** "did you mean" replacement for a misspelt name. */
  suggestion?: string;
}

export interface Position {
  line: number;
  col: number;
}

/** Maps a document path to a source position. */
export type Locator = (path: readonly (string | number)[]) => Position;

export const NO_POSITION: Locator = () => ({ line: 0, col: 0 });

export function formatDiagnostic(d: Diagnostic): string {
  let s = `${d.file}:${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}`;
  if (d.expected !== undefined || d.found !== undefined)
    s += ` (expected ${d.expected ?? "?"}, found ${d.found ?? "?"})`;
  if (d.suggestion !== undefined) s += ` — did you mean ${JSON.stringify(d.suggestion)}?`;
  return s;
}

/** Levenshtein distance, with an early exit once every cell of a row exceeds `max`. */
export function levenshtein(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest candidate within edit distance 2 (first one on ties), if any. */
export function suggest(name: string, candidates: Iterable<string>, maxDistance = 2): string | undefined {
  let best: string | undefined;
  let bestD = maxDistance + 1;
  for (const c of candidates) {
    const d = levenshtein(name.toLowerCase(), c.toLowerCase(), maxDistance);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** A JSON-ish type name of a value, for "found" in type errors. */
export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "list";
  if (typeof v === "object") return "map";
  return typeof v;
}
