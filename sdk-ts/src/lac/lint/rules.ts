/** The lint rules. Each reads a checked policy and reports findings; some offer a fix. */
import { type Document, isNode, isSeq, type YAMLSeq } from "yaml";
import type { Position } from "../diagnostics.js";
import {
  type AttributeType,
  type Condition,
  type Obligation,
  Obligation as ObligationSchema,
  type Policy,
  type SchemaDoc,
} from "../model.js";
import type { LintSeverity } from "./catalogue.js";
import {
  disjoint,
  existsOnly,
  implies,
  type Node,
  requiredAttributes,
  type Types,
  attributes as testedAttributes,
  toNode,
  unsat,
  valid,
} from "./logic.js";

export type Path = (string | number)[];

/** A fix edits the parsed document; it re-reads the document so it can run after other fixes. */
export interface Fix {
  description: string;
  apply(doc: Document): void;
}

export interface Report {
  rule: string;
  path: Path;
  message: string;
  severity?: LintSeverity;
  fix?: Fix;
  related?: { path: Path; message: string }[];
}

export interface RuleContext {
  policy: Policy;
  schema: SchemaDoc;
  /** Each rule's condition in negation normal form (TRUE when it has no `when`). */
  nodes: Node[];
  types: Types;
  /** Rule ids that decided at least one test case; undefined when no tests were given. */
  covered?: Set<string>;
  /** Canonical text of the file when it differs from the source (LAC302). */
  canonical?: { firstDifference: Position; fix: Fix };
  report(r: Report): void;
}

const isRef = (v: unknown): v is { attr: string } => v !== null && typeof v === "object" && !Array.isArray(v);
const key = (c: unknown) => JSON.stringify(c);
/** JSON with sorted keys: {attr, op} and {op, attr} are the same test. */
export function canon(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canon).join(",")}]`;
  if (v !== null && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}
const rulePath = (i: number, ...rest: Path): Path => ["rules", i, ...rest];

/** Calls f on every condition node with its path and polarity (false under an odd number of not:). */
function walk(
  c: Condition,
  path: Path,
  f: (c: Condition, path: Path, positive: boolean) => void,
  positive = true,
): void {
  f(c, path, positive);
  if ("all" in c || "any" in c) {
    const comb = "all" in c ? "all" : "any";
    const list = "all" in c ? c.all : c.any;
    for (let i = 0; i < list.length; i++) walk(list[i]!, [...path, comb, i], f, positive);
  } else if ("not" in c) walk(c.not, [...path, "not"], f, !positive);
}

/** Every all:/any: list of every rule's condition, with its combinator and the path to it. */
function eachList(
  ctx: RuleContext,
  f: (list: Condition[], comb: "all" | "any", path: Path, rule: Policy["rules"][number]) => void,
): void {
  ctx.policy.rules.forEach((rule, i) => {
    if (!rule.when) return;
    walk(rule.when, rulePath(i, "when"), (c, path) => {
      if ("all" in c) f(c.all, "all", [...path, "all"], rule);
      else if ("any" in c) f(c.any, "any", [...path, "any"], rule);
    });
  });
}

function describe(c: Condition): string {
  if ("all" in c) return `all(${c.all.map(describe).join(", ")})`;
  if ("any" in c) return `any(${c.any.map(describe).join(", ")})`;
  if ("not" in c) return `not ${describe(c.not)}`;
  const v = c.value === undefined ? "" : ` ${isRef(c.value) ? c.value.attr : JSON.stringify(c.value)}`;
  return `${c.attr} ${c.op}${v}`;
}

// LAC101 unreachable-rule, LAC102 shadowed-rule, LAC103 conflicting-rules
export function ruleInteractions(ctx: RuleContext): void {
  const { policy, nodes } = ctx;
  const rules = policy.rules;
  const dead = nodes.map((n) => unsat(n));
  const attrs = nodes.map((n) => testedAttributes(n));
  const required = nodes.map((n) => (valid(n) ? new Set<string>() : requiredAttributes(n)));
  // Only a rule testing every attribute another one requires can imply it (see logic.implies).
  const canImply = (j: number, i: number) => {
    for (const a of required[i]!) if (!attrs[j]!.has(a)) return false;
    return implies(nodes[j]!, nodes[i]!);
  };
  const first = policy.combining === "first-applicable";
  const winner = policy.combining === "deny-overrides" ? "deny" : "allow";
  for (let j = 0; j < rules.length; j++) {
    if (dead[j]) continue;
    const rj = rules[j]!;
    for (let i = 0; i < rules.length; i++) {
      if (i === j || dead[i]) continue;
      const ri = rules[i]!;
      const other = { path: rulePath(i, "id"), message: `rule ${ri.id}` };
      if (ri.effect !== rj.effect && (first ? i < j : ri.effect === winner)) {
        if (!canImply(j, i)) continue;
        if (canImply(i, j)) {
          // Report an equivalent pair once, on the rule that loses.
          ctx.report({
            rule: "LAC103",
            path: rulePath(j, "id"),
            message: `${rj.id} (${rj.effect}) and ${ri.id} (${ri.effect}) have equivalent conditions; ${ri.id} always wins under ${policy.combining}, so ${rj.id} never decides`,
            related: [other],
          });
        } else
          ctx.report({
            rule: "LAC101",
            path: rulePath(j, "id"),
            message: ri.when
              ? `${rj.id} never decides: ${ri.id} (${ri.effect}) applies whenever it does and wins under ${policy.combining}`
              : `${rj.id} never decides: ${ri.id} (${ri.effect}) has no condition and wins under ${policy.combining}`,
            related: [other],
          });
        break;
      }
      if (ri.effect === rj.effect && i < j) {
        if (!canImply(j, i)) continue;
        if (first)
          ctx.report({
            rule: ri.when ? "LAC102" : "LAC101",
            path: rulePath(j, "id"),
            message: ri.when
              ? `${rj.id} never decides: the earlier ${ri.id} (${ri.effect}) applies whenever it does`
              : `${rj.id} never decides: the earlier ${ri.id} has no condition`,
            related: [other],
          });
        else if (ri.reason === rj.reason && key(ri.obligations) === key(rj.obligations))
          ctx.report({
            rule: "LAC102",
            path: rulePath(j, "id"),
            message: `${rj.id} adds nothing: ${ri.id} applies whenever it does, with the same effect, reason and obligations`,
            related: [other],
          });
        else continue;
        break;
      }
    }
  }
}

// LAC104 contradictory-condition, LAC105 tautological-condition
export function conditionLogic(ctx: RuleContext): void {
  ctx.policy.rules.forEach((rule, i) => {
    if (!rule.when) return;
    const done: string[] = [];
    const under = (p: Path) => done.some((d) => key(p).startsWith(d.slice(0, -1)));
    walk(rule.when, rulePath(i, "when"), (c, path, positive) => {
      if (under(path)) return;
      const n = toNode(c, ctx.types);
      const whole = path.length === 3;
      if (unsat(n)) {
        done.push(key(path));
        ctx.report({
          rule: "LAC104",
          path,
          message: whole
            ? `The condition of ${rule.id} can never be true, so the rule never applies: ${describe(c)}`
            : `This part of ${rule.id}'s condition can never be true: ${describe(c)}`,
        });
      } else if (valid(n)) {
        done.push(key(path));
        ctx.report({
          rule: "LAC105",
          path,
          message: whole
            ? `The condition of ${rule.id} is always true: it applies to every request`
            : `This part of ${rule.id}'s condition is always true: ${describe(c)}`,
        });
      } else if (positive && ("all" in c || "any" in c)) {
        // Where only "true" matters, a conjunct implied by a sibling (a disjunct implying one) is redundant.
        const conj = "all" in c;
        const list = conj ? c.all : c.any;
        const ns = list.map((x) => toNode(x, ctx.types));
        const weaker = (k: number, m: number) => (conj ? implies(ns[m]!, ns[k]!) : implies(ns[k]!, ns[m]!));
        ns.forEach((nk, k) => {
          // `x exists` beside a test of x is the idiom that makes a rule false, not unevaluable, when x is absent.
          if (conj && existsOnly(nk)) return;
          const m = ns.findIndex(
            (_n, m) =>
              m !== k && canon(list[m]) !== canon(list[k]) && weaker(k, m) && !(weaker(m, k) && k < m),
          );
          if (m < 0) return;
          ctx.report({
            rule: "LAC105",
            path: [...path, conj ? "all" : "any", k],
            message: conj
              ? `Redundant test in ${rule.id}: ${describe(list[m]!)} already implies ${describe(list[k]!)}`
              : `Redundant test in ${rule.id}: ${describe(list[k]!)} already implies ${describe(list[m]!)}`,
          });
        });
      }
    });
  });
}

/** Removes later copies of identical items from the list at `path` (idempotent in Kleene logic). */
function dedupeFix(path: Path, normalize: (v: unknown) => unknown = (v) => v): Fix {
  return {
    description: "remove the repeated tests",
    apply(doc) {
      const seq = doc.getIn(path, true);
      if (!isSeq(seq)) return;
      const seen = new Set<string>();
      for (let k = 0; k < seq.items.length; k++) {
        const item = seq.items[k];
        const id = canon(normalize(isNode(item) ? item.toJSON() : item));
        if (seen.has(id)) {
          seq.items.splice(k, 1);
          k--;
        } else seen.add(id);
      }
    },
  };
}

// LAC106 duplicate-condition
export function duplicateConditions(ctx: RuleContext): void {
  eachList(ctx, (list, comb, path, rule) => {
    const seen = new Map<string, number>();
    list.forEach((x, k) => {
      const first = seen.get(canon(x));
      if (first === undefined) {
        seen.set(canon(x), k);
        return;
      }
      ctx.report({
        rule: "LAC106",
        path: [...path, k],
        message: `${describe(x)} repeats item ${first} of this ${comb}: list in ${rule.id}`,
        fix: dedupeFix(path),
      });
    });
  });
}

const values = (t: AttributeType | undefined): string[] | undefined =>
  t?.type === "enum" || t?.type === "set" ? t.values : undefined;

// LAC107 impossible-comparison
export function impossibleComparisons(ctx: RuleContext): void {
  ctx.policy.rules.forEach((rule, i) => {
    if (!rule.when) return;
    walk(rule.when, rulePath(i, "when"), (c, path) => {
      if (!("attr" in c) || !isRef(c.value)) return;
      const a = values(ctx.types(c.attr));
      const b = values(ctx.types(c.value.attr));
      if (!a || !b || c.op === "lt" || c.op === "le" || c.op === "gt" || c.op === "ge") return;
      if (a.some((v) => b.includes(v))) return;
      const never = c.op === "eq" || c.op === "in" || c.op === "contains";
      ctx.report({
        rule: "LAC107",
        path,
        message: `${c.attr} (${a.join("|")}) and ${c.value.attr} (${b.join("|")}) share no value: ${c.op} is ${never ? "never" : "always"} true when both are present`,
      });
    });
  });
}

// LAC108 id-effect-mismatch
export function idEffect(ctx: RuleContext): void {
  ctx.policy.rules.forEach((rule, i) => {
    const m = /^(allow|permit|grant|deny|block|reject|forbid)(?=$|[-_.])/i.exec(rule.id);
    if (!m) return;
    const says = /^(allow|permit|grant)$/i.test(m[1]!) ? "allow" : "deny";
    if (says !== rule.effect)
      ctx.report({
        rule: "LAC108",
        path: rulePath(i, "effect"),
        message: `Rule ${rule.id} is named like a${says === "allow" ? "n allow" : " deny"} rule but its effect is ${rule.effect}`,
      });
  });
}

const BUILTIN_LOCALES = ["en", "de"];

// LAC201 deny-without-reason
export function denyWithoutReason(ctx: RuleContext): void {
  const p = ctx.policy;
  const blank = (key: string) => (p.reasons[key]?.[p.defaultLocale] ?? "").trim() === "";
  p.rules.forEach((rule, i) => {
    if (rule.effect === "deny" && blank(rule.reason))
      ctx.report({
        rule: "LAC201",
        path: ["reasons", rule.reason, p.defaultLocale],
        message: `${rule.id} denies with reason ${rule.reason}, whose ${p.defaultLocale} text is empty`,
        related: [{ path: rulePath(i, "reason"), message: `rule ${rule.id}` }],
      });
  });
  if (p.defaultReason !== undefined) {
    if (blank(p.defaultReason))
      ctx.report({
        rule: "LAC201",
        path: ["defaultReason"],
        message: `The default denial's reason ${p.defaultReason} has an empty ${p.defaultLocale} text`,
      });
  } else if (!BUILTIN_LOCALES.includes(p.defaultLocale))
    ctx.report({
      rule: "LAC201",
      path: p.defaultLocale === "en" ? ["rules"] : ["defaultLocale"],
      message: `No defaultReason: the default denial falls back to the built-in English text, not ${p.defaultLocale}; add defaultReason`,
    });
}

// LAC202 reason-locale-missing
export function reasonLocales(ctx: RuleContext): void {
  const p = ctx.policy;
  const locales = new Set<string>();
  for (const texts of Object.values(p.reasons)) for (const l of Object.keys(texts)) locales.add(l);
  for (const [k, texts] of Object.entries(p.reasons)) {
    const missing = [...locales].filter((l) => !(l in texts) && l !== p.defaultLocale);
    if (missing.length)
      ctx.report({
        rule: "LAC202",
        path: ["reasons", k],
        message: `Reason ${k} has no text in ${missing.join(", ")}; those readers get the ${p.defaultLocale} text`,
      });
  }
}

// LAC203 unused-reason
export function unusedReasons(ctx: RuleContext): void {
  const p = ctx.policy;
  const used = new Set(p.rules.map((r) => r.reason));
  if (p.defaultReason !== undefined) used.add(p.defaultReason);
  for (const k of Object.keys(p.reasons))
    if (!used.has(k))
      ctx.report({
        rule: "LAC203",
        path: ["reasons", k],
        message: `Reason ${k} is not used by any rule or defaultReason`,
        fix: {
          description: `remove reasons.${k}`,
          apply: (doc) => {
            if (doc.hasIn(["reasons", k])) doc.deleteIn(["reasons", k]);
          },
        },
      });
}

// LAC204 over-broad-allow
export function overBroad(ctx: RuleContext): void {
  ctx.policy.rules.forEach((rule, i) => {
    if (rule.effect !== "allow") return;
    const n = ctx.nodes[i]!;
    if (!rule.when)
      ctx.report({
        rule: "LAC204",
        path: rulePath(i, "id"),
        message: `${rule.id} allows every request: it has no condition`,
      });
    else if (valid(n) || existsOnly(n))
      ctx.report({
        rule: "LAC204",
        path: rulePath(i, "when"),
        message: `${rule.id} allows any request that ${valid(n) ? "is made at all" : "merely carries the attributes it tests"}: its condition only tests existence`,
      });
  });
}

/** Action values that move data out (exports). */
export const EXPORT_VALUES = ["export", "share", "download", "copy", "transfer", "extract"];

// LAC205 unminimized-export
export function unminimizedExport(ctx: RuleContext): void {
  const actions = Object.entries(ctx.schema.attributes.action)
    .filter(([, t]) => t.type === "enum" && t.values.some((v) => EXPORT_VALUES.includes(v)))
    .map(([name, t]) => ({
      attr: `action.${name}`,
      vals: (t as { values: string[] }).values.filter((v) => EXPORT_VALUES.includes(v)),
    }));
  if (!actions.length) return;
  ctx.policy.rules.forEach((rule, i) => {
    if (rule.effect !== "allow" || rule.obligations.length) return;
    for (const a of actions) {
      const exporting = toNode({ attr: a.attr, op: "in", value: a.vals }, ctx.types);
      if (disjoint(ctx.nodes[i]!, exporting)) continue;
      ctx.report({
        rule: "LAC205",
        path: rulePath(i, rule.when ? "when" : "id"),
        message: `${rule.id} can allow ${a.attr} ${a.vals.join("/")} with no obligation: the data leaves unminimized`,
      });
      return;
    }
  });
}

/** Thresholds at which a preset stops minimizing (documented in docs/lac-lint.md). */
export const PRESET_LIMITS = { maskKeepLast: 12, bucketSize: 1, topK: 10_000 } as const;

// LAC206 preset-bypass
export function presetBypass(ctx: RuleContext): void {
  ctx.policy.rules.forEach((rule, i) => {
    const dropped = new Map<string, number>();
    const seen = new Map<string, number>();
    rule.obligations.forEach((o: Obligation, j) => {
      const path = rulePath(i, "obligations", j);
      const report = (message: string, fix?: Fix) =>
        ctx.report({ rule: "LAC206", path, message, ...(fix ? { fix } : {}) });
      const k = canon(o);
      const first = seen.get(k);
      if (first !== undefined) {
        report(`${rule.id} repeats obligation ${first} (${o.preset} ${o.field})`, {
          description: "remove the repeated obligation",
          apply: dedupeFix(rulePath(i, "obligations"), (v) => {
            const parsed = ObligationSchema.safeParse(v);
            return parsed.success ? parsed.data : v;
          }).apply,
        });
        return;
      }
      seen.set(k, j);
      const d = dropped.get(o.field);
      if (d !== undefined && o.preset !== "drop") {
        report(`${rule.id} applies ${o.preset} to ${o.field} after obligation ${d} dropped it`);
        return;
      }
      if (o.preset === "drop") dropped.set(o.field, j);
      else if (o.preset === "mask" && o.keepLast >= PRESET_LIMITS.maskKeepLast)
        report(
          `mask of ${o.field} keeps the last ${o.keepLast} characters: most identifiers are that short, so little or nothing is masked`,
        );
      else if (o.preset === "bucket" && o.size <= PRESET_LIMITS.bucketSize)
        report(`bucket of ${o.field} with size ${o.size} leaves integer values unchanged`);
      else if (o.preset === "top-k" && o.k >= PRESET_LIMITS.topK)
        report(`top-k of ${o.field} with k = ${o.k} keeps practically every row`);
    });
  });
}

// LAC207 untested-rule
export function untested(ctx: RuleContext): void {
  if (!ctx.covered) return;
  ctx.policy.rules.forEach((rule, i) => {
    if (!ctx.covered!.has(rule.id))
      ctx.report({
        rule: "LAC207",
        path: rulePath(i, "id"),
        message: `No test case makes ${rule.id} decide`,
      });
  });
}

// LAC301 rule-id-style
export function idStyle(ctx: RuleContext): void {
  ctx.policy.rules.forEach((rule, i) => {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(rule.id))
      ctx.report({
        rule: "LAC301",
        path: rulePath(i, "id"),
        message: `Rule id ${rule.id} is not lower-case kebab-case (e.g. deny-export-outside-residency)`,
      });
  });
}

// LAC302 non-canonical-format
export function canonicalFormat(ctx: RuleContext): void {
  if (!ctx.canonical) return;
  ctx.report({
    rule: "LAC302",
    path: [],
    message: `The file is not in the canonical layout (first difference at line ${ctx.canonical.firstDifference.line}); run tf lac fmt`,
    fix: ctx.canonical.fix,
  });
}

const expensive = (c: Condition): boolean =>
  "all" in c
    ? c.all.some(expensive)
    : "any" in c
      ? c.any.some(expensive)
      : "not" in c
        ? expensive(c.not)
        : c.attr.startsWith("graph.") || (isRef(c.value) && c.value.attr.startsWith("graph."));

/** Stable reorder: cheap items first. The result of all/any does not depend on order (Kleene logic). */
function reorderFix(path: Path): Fix {
  return {
    description: "move graph.* tests after the cheaper tests",
    apply(doc) {
      const seq = doc.getIn(path, true) as YAMLSeq | undefined;
      if (!isSeq(seq)) return;
      const items = seq.items.map((n) => ({ n, e: expensive((n as { toJSON(): Condition }).toJSON()) }));
      seq.items = [...items.filter((x) => !x.e), ...items.filter((x) => x.e)].map((x) => x.n);
    },
  };
}

// LAC401 expensive-test-first
export function expensiveFirst(ctx: RuleContext): void {
  eachList(ctx, (list, comb, path) => {
    const k = list.findIndex(expensive);
    if (k < 0 || !list.slice(k + 1).some((x) => !expensive(x))) return;
    ctx.report({
      rule: "LAC401",
      path: [...path, k],
      message: `${describe(list[k]!)} needs the graph; test the cheaper conditions of this ${comb}: list first so it short-circuits before the graph is computed`,
      fix: reorderFix(path),
    });
  });
}

export const RULE_FUNCTIONS: ((ctx: RuleContext) => void)[] = [
  ruleInteractions,
  conditionLogic,
  duplicateConditions,
  impossibleComparisons,
  idEffect,
  denyWithoutReason,
  reasonLocales,
  unusedReasons,
  overBroad,
  unminimizedExport,
  presetBypass,
  untested,
  idStyle,
  canonicalFormat,
  expensiveFirst,
];
