/**
 * `lacFormat`: the canonical layout of LAC documents (policies, schemas, policy tests), done on
 * yaml's Document so comments stay with the nodes they annotate. Only layout changes: key
 * order, flow or block style, quoting of reason texts. Values never change, so a formatted
 * policy decides every request exactly as before.
 */
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  Scalar,
  stringify,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import type { Diagnostic } from "./diagnostics.js";
import { loadYaml, type SourceInput } from "./source.js";

export interface FormatResult {
  /** The canonical text; absent when the input does not parse (see diagnostics). */
  formatted?: string;
  /** True when `formatted` differs from the input. */
  changed: boolean;
  diagnostics: Diagnostic[];
}

const TOP_POLICY = [
  "apiVersion",
  "kind",
  "metadata",
  "mode",
  "combining",
  "defaultLocale",
  "defaultReason",
  "rules",
  "reasons",
];
const TOP_SCHEMA = ["apiVersion", "kind", "metadata", "attributes"];
const TOP_TEST = ["apiVersion", "kind", "metadata", "cases"];
const METADATA = ["name", "version", "description"];
const RULE = ["id", "description", "effect", "when", "reason", "obligations"];
const TEST = ["attr", "op", "value"];
const OBLIGATION = ["preset", "field"];
const ATTRIBUTE = ["type", "values", "description"];
const CASE = ["name", "description", "locale", "request", "expect"];
const EXPECT = ["decision", "rules", "reasons", "obligations", "notEvaluable"];
const NAMESPACES = ["subject", "resource", "action", "context"];
/** Longest test written as one flow map `{ attr, op, value }` (characters of the map alone). */
export const MAX_FLOW_TEST = 100;

/** Options of yaml's stringifier that make the canonical layout. */
export const CANONICAL_STRINGIFY = {
  indent: 2,
  indentSeq: true,
  lineWidth: 0,
  minContentWidth: 0,
  flowCollectionPadding: true,
} as const;

/** Parses text with the same options as source.ts (positions, strict, unique keys). */
export function parseForEdit(text: string): Document.Parsed {
  return parseDocument(text, {
    lineCounter: new LineCounter(),
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    keepSourceTokens: false,
  });
}

/** Formats one LAC document. Never throws on bad input: parse problems come back as diagnostics. */
export function lacFormat(input: SourceInput, file = "policy"): FormatResult {
  const loaded = loadYaml(input, file);
  if (loaded.diagnostics.length) return { changed: false, diagnostics: loaded.diagnostics };
  const text = typeof input === "string" ? input : new TextDecoder().decode(input);
  const doc = parseForEdit(text);
  canonicalize(doc);
  const formatted = render(doc);
  return { formatted, changed: formatted !== text, diagnostics: [] };
}

/** Rewrites a parsed document's layout in place. */
export function canonicalize(doc: Document): void {
  const root = doc.contents;
  if (!isMap(root)) return;
  root.flow = false;
  const kind = scalarValue(root.get("kind", true));
  reorder(root, kind === "Schema" ? TOP_SCHEMA : kind === "PolicyTest" ? TOP_TEST : TOP_POLICY);
  const metadata = root.get("metadata", true);
  if (isMap(metadata)) {
    metadata.flow = false;
    reorder(metadata, METADATA);
  }
  if (kind === "Schema") schema(root.get("attributes", true));
  else if (kind === "PolicyTest") tests(root.get("cases", true));
  else policy(root, scalarValue(root.get("defaultLocale", true)));
  emptyFlow(root);
}

/** Empty maps and lists are written `{}` and `[]` wherever they are. */
function emptyFlow(n: unknown): void {
  if (!isMap(n) && !isSeq(n)) return;
  if (n.items.length === 0) n.flow = true;
  for (const it of n.items as unknown[]) emptyFlow(isPair(it) ? it.value : it);
}

/** yaml pads flow sequences as `[ a, b ]`; the house style is `[a, b]` inside `{ ... }`. */
export function render(doc: Document): string {
  const text = doc.toString(CANONICAL_STRINGIFY);
  const again = parseDocument(text, { keepSourceTokens: false });
  const edits: [number, number][] = [];
  const visit = (n: unknown): void => {
    if (isMap(n) || isSeq(n)) {
      if (isSeq(n) && n.flow && n.range && n.items.length) {
        const [s, e] = n.range;
        const src = text.slice(s, e);
        if (!src.includes("\n") && src.startsWith("[ ") && src.trimEnd().endsWith(" ]")) {
          const close = s + src.trimEnd().length - 2;
          edits.push([close, close + 1], [s + 1, s + 2]);
        }
      }
      for (const it of n.items as unknown[]) {
        if (isPair(it)) {
          visit(it.key);
          visit(it.value);
        } else visit(it);
      }
    }
  };
  visit(again.contents);
  edits.sort((a, b) => b[0] - a[0]);
  let out = text;
  for (const [s, e] of edits) out = out.slice(0, s) + out.slice(e);
  return out;
}

function scalarValue(n: unknown): unknown {
  return isScalar(n) ? n.value : undefined;
}

function keyOf(p: Pair): unknown {
  return isScalar(p.key) ? p.key.value : p.key;
}

/** Orders a map's pairs: `order` first, then any other keys in their original order. */
function reorder(map: YAMLMap, order: readonly string[], rest: "keep" | "sort" = "keep"): void {
  const rank = (p: Pair) => {
    const i = order.indexOf(String(keyOf(p)));
    return i < 0 ? order.length : i;
  };
  const others = map.items.filter((p) => rank(p as Pair) === order.length) as Pair[];
  if (rest === "sort") others.sort((a, b) => String(keyOf(a)).localeCompare(String(keyOf(b))));
  const known = (map.items as Pair[]).filter((p) => rank(p) < order.length).sort((a, b) => rank(a) - rank(b));
  const next = [...known, ...others];
  // Comments before the first pair belong to the map's position, not to that key.
  const first = map.items[0] as Pair | undefined;
  if (first && next[0] !== first && isScalar(first.key) && first.key.commentBefore) {
    const c = first.key.commentBefore;
    first.key.commentBefore = undefined;
    const head = next[0]!;
    if (isScalar(head.key))
      head.key.commentBefore = head.key.commentBefore ? `${c}\n${head.key.commentBefore}` : c;
    else map.commentBefore = map.commentBefore ? `${map.commentBefore}\n${c}` : c;
  }
  map.items = next;
}

function policy(root: YAMLMap, defaultLocale: unknown): void {
  const rules = root.get("rules", true);
  if (isSeq(rules)) {
    rules.flow = false;
    for (const r of rules.items) {
      if (!isMap(r)) continue;
      r.flow = false;
      reorder(r, RULE);
      const when = r.get("when", true);
      if (when) condition(when as Node);
      const obligations = r.get("obligations", true);
      if (isSeq(obligations)) {
        obligations.flow = obligations.items.length === 0;
        for (const o of obligations.items) if (isMap(o)) flowMap(o, OBLIGATION);
      }
    }
  }
  const reasons = root.get("reasons", true);
  if (isMap(reasons)) {
    reasons.flow = false;
    const first = typeof defaultLocale === "string" ? defaultLocale : "en";
    for (const p of reasons.items) {
      const texts = p.value;
      if (!isMap(texts)) continue;
      texts.flow = false;
      reorder(texts, [first]);
      for (const t of texts.items)
        if (isScalar(t.value) && typeof t.value.value === "string") t.value.type = Scalar.QUOTE_DOUBLE;
    }
  }
}

/** A test is one flow map `{ attr, op, value }`; combinators are block maps of such tests. */
function condition(n: Node): void {
  if (!isMap(n)) return;
  const isTest = n.items.some((p) => keyOf(p as Pair) === "attr");
  if (isTest) {
    flowMap(n, TEST);
    // A test too long for one line (a long `in` list) is a block map; its lists stay flow.
    if (stringify(n.toJSON(), { collectionStyle: "flow", lineWidth: 0 }).trim().length > MAX_FLOW_TEST)
      n.flow = false;
    return;
  }
  n.flow = false;
  for (const p of n.items) {
    const k = keyOf(p as Pair);
    const v = (p as Pair).value as Node;
    if ((k === "all" || k === "any") && isSeq(v)) {
      v.flow = false;
      for (const c of v.items) condition(c as Node);
    } else if (k === "not") condition(v);
  }
}

/** Makes a map (and every collection inside it) flow style, with the given keys first. */
function flowMap(m: YAMLMap, order: readonly string[]): void {
  reorder(m, order);
  const flowAll = (n: unknown) => {
    if (isMap(n) || isSeq(n)) {
      n.flow = true;
      for (const it of n.items as unknown[]) {
        if (isPair(it)) flowAll(it.value);
        else flowAll(it);
      }
    }
  };
  flowAll(m);
}

function schema(attributes: unknown): void {
  if (!isMap(attributes)) return;
  attributes.flow = false;
  reorder(attributes, NAMESPACES);
  for (const ns of attributes.items) {
    const attrs = ns.value;
    if (!isMap(attrs)) continue;
    attrs.flow = false;
    // Long declarations may stay in block style; only their key order is fixed.
    for (const a of attrs.items)
      if (isMap(a.value)) {
        if (a.value.flow) flowMap(a.value, ATTRIBUTE);
        else reorder(a.value, ATTRIBUTE);
      }
  }
}

function tests(cases: unknown): void {
  if (!isSeq(cases)) return;
  cases.flow = false;
  for (const c of cases.items) {
    if (!isMap(c)) continue;
    c.flow = false;
    reorder(c, CASE);
    const request = c.get("request", true);
    if (isMap(request)) {
      request.flow = false;
      reorder(request, NAMESPACES);
      for (const ns of request.items) if (isMap(ns.value)) flowMap(ns.value, []);
    }
    const expect = c.get("expect", true);
    if (isMap(expect)) {
      expect.flow = false;
      reorder(expect, EXPECT);
      for (const p of expect.items) {
        const v = p.value;
        if (keyOf(p as Pair) === "obligations" && isSeq(v)) {
          v.flow = v.items.length === 0;
          for (const o of v.items) if (isMap(o)) flowMap(o, OBLIGATION);
        } else if (isSeq(v)) (v as YAMLSeq).flow = true;
      }
    }
  }
}

/** A unified diff (3 lines of context) from `a` to `b`; "" when they are equal. */
export function unifiedDiff(a: string, b: string, file: string, context = 3): string {
  if (a === b) return "";
  // A final newline ends the last line; it is not an empty line of its own.
  const lines = (t: string) => (t.endsWith("\n") ? t.slice(0, -1) : t).split("\n");
  const x = lines(a);
  const y = lines(b);
  // Trim the common head and tail, then an LCS table on the rest (bounded; else one hunk).
  let pre = 0;
  while (pre < x.length && pre < y.length && x[pre] === y[pre]) pre++;
  let suf = 0;
  while (suf < x.length - pre && suf < y.length - pre && x[x.length - 1 - suf] === y[y.length - 1 - suf])
    suf++;
  const xs = x.slice(pre, x.length - suf);
  const ys = y.slice(pre, y.length - suf);
  const ops: { t: " " | "-" | "+"; s: string }[] = [];
  if (xs.length * ys.length <= 4_000_000) {
    const n = xs.length;
    const m = ys.length;
    const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        L[i]![j] = xs[i] === ys[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && xs[i] === ys[j]) {
        ops.push({ t: " ", s: xs[i]! });
        i++;
        j++;
      } else if (i < n && (j === m || L[i + 1]![j]! >= L[i]![j + 1]!)) ops.push({ t: "-", s: xs[i++]! });
      else ops.push({ t: "+", s: ys[j++]! });
    }
  } else {
    for (const s of xs) ops.push({ t: "-", s });
    for (const s of ys) ops.push({ t: "+", s });
  }
  const all = [
    ...x.slice(0, pre).map((s) => ({ t: " " as const, s })),
    ...ops,
    ...x.slice(x.length - suf).map((s) => ({ t: " " as const, s })),
  ];
  const out = [`--- ${file}`, `+++ ${file} (formatted)`];
  let k = 0;
  while (k < all.length) {
    if (all[k]!.t === " ") {
      k++;
      continue;
    }
    let start = Math.max(0, k - context);
    let end = k;
    // Extend the hunk while changes are within 2×context lines of each other.
    while (end < all.length) {
      let next = end;
      while (next < all.length && all[next]!.t !== " ") next++;
      let gap = next;
      while (gap < all.length && all[gap]!.t === " ") gap++;
      if (gap < all.length && gap - next <= 2 * context) end = gap;
      else {
        end = Math.min(all.length, next + context);
        break;
      }
    }
    let aLine = 1;
    let bLine = 1;
    for (let q = 0; q < start; q++) {
      if (all[q]!.t !== "+") aLine++;
      if (all[q]!.t !== "-") bLine++;
    }
    const hunk = all.slice(start, end);
    const aLen = hunk.filter((h) => h.t !== "+").length;
    const bLen = hunk.filter((h) => h.t !== "-").length;
    out.push(`@@ -${aLine},${aLen} +${bLine},${bLen} @@`, ...hunk.map((h) => `${h.t}${h.s}`));
    k = end;
    start = end;
  }
  return `${out.join("\n")}\n`;
}
