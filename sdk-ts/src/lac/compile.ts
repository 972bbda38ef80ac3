/**
 * The compiler: a checked policy becomes a decision function. Conditions become closures,
 * reasons become pre-split templates, and rules are indexed on the attributes they require to
 * equal a literal (a bitset of candidate rules per value, ANDed across attributes), so a request
 * walks no YAML and no syntax tree and evaluates only the rules that can apply.
 */
import { TfError } from "../core/errors.js";
import { checkDocuments, lacCheck, typeLabel } from "./checker.js";
import { type Diagnostic, formatDiagnostic, suggest } from "./diagnostics.js";
import {
  checkGraphShape,
  GRAPH_ATTRIBUTES,
  type GraphInput,
  type GraphMetric,
  type GraphMetrics,
  graphMetrics,
  isGraphAttribute,
} from "./graph.js";
import {
  type AttributeType,
  type Condition,
  NAMESPACES,
  type Obligation,
  type Policy,
  type SchemaDoc,
} from "./model.js";
import type { SourceInput } from "./source.js";

export type LacRequest = Partial<Record<(typeof NAMESPACES)[number], Record<string, unknown>>> & {
  /** The query's planned subgraph, for the built-in graph.* attributes. */
  graph?: GraphInput;
};

export interface DecideOptions {
  /** Locale of the reasons (falls back to the policy's defaultLocale). */
  locale?: string;
  /** Check the request's attributes against the schema first (default true). */
  validate?: boolean;
  /**
   * Render the reason texts (default true). With false, `reasons` is left empty (unless a reason
   * text reads a graph.* metric, whose computation can reject the request): for callers that read
   * only the decision, deciding rules and obligations, such as the simulator.
   */
  explain?: boolean;
}

export interface Reason {
  rule: string | null;
  key: string;
  text: string;
}

export interface Decision {
  /** The effective decision: in audit mode always allow. */
  decision: "allow" | "deny";
  /** What the policy decided (what enforce mode would do). */
  policyDecision: "allow" | "deny";
  mode: "audit" | "enforce";
  combining: Policy["combining"];
  /** Rules that decided; empty when no rule applied (default deny). */
  decidingRules: string[];
  /** True when no rule applied and the default (deny) decided. */
  defaulted: boolean;
  reasons: Reason[];
  locale: string;
  obligations: (Obligation & { rule: string })[];
  policy: { name: string; version: string };
  policyVersion: string;
  /** Rules skipped because the request lacks an attribute they test. */
  notEvaluable: string[];
}

/** Result of a condition: true, false, or undefined when an attribute it needs is absent. */
/** Attribute values of one request by slot (extracted once per request), and the request itself. */
type Vals = unknown[];
type Test = (a: Vals, r: LacRequest) => boolean | undefined;
type Getter = (a: Vals, r: LacRequest) => unknown;

interface CompiledRule {
  index: number;
  id: string;
  allow: boolean;
  test: Test;
  reasonKey: string;
  obligations: (Obligation & { rule: string })[];
  /** The reason template of the last locale used (most calls use one locale). */
  tplLocale: string | undefined;
  tpl: Template | undefined;
}

export interface CompiledPolicy {
  readonly name: string;
  readonly version: string;
  readonly mode: Policy["mode"];
  /** The first (most selective) attribute rules are indexed on, if any, and how many rules it covers. */
  readonly index: { attribute: string; rules: number } | null;
  /** Every indexed attribute, most rules first. */
  readonly indexes: readonly { attribute: string; rules: number }[];
  /** The graph.* metrics some rule or reason uses (computed per request only when reached). */
  readonly graphMetrics: readonly GraphMetric[];
  /** Attribute names the schema declares (namespace.name). */
  readonly schemaAttributes: readonly string[];
  /**
   * The checked policy and schema documents it was compiled from (plain data: compiling them again
   * gives the same decisions — how a worker thread gets the same policy).
   */
  readonly documents: { readonly policy: object; readonly schema: object };
  decide(request: LacRequest, options?: DecideOptions): Decision;
}

/** Compiles a policy. Accepts YAML sources, or parsed documents (checked the same way). */
export function compilePolicy(
  policy: SourceInput | object,
  schema: SourceInput | object,
  options: { policyFile?: string; schemaFile?: string } = {},
): CompiledPolicy {
  const isSource = (v: unknown) => typeof v === "string" || v instanceof Uint8Array;
  const checked =
    isSource(policy) && isSource(schema)
      ? lacCheck(policy as SourceInput, schema as SourceInput, options)
      : checkDocuments(isSource(policy) ? undefined : policy, isSource(schema) ? undefined : schema, options);
  if (!checked.ok) throw policyInvalid(checked.diagnostics);
  return new Compiler(checked.policy!, checked.schema!).compile();
}

export function policyInvalid(diagnostics: Diagnostic[]): TfError {
  const errors = diagnostics.filter((d) => d.severity === "error");
  const first = errors[0];
  return new TfError(
    "TF_LAC_POLICY_INVALID",
    first
      ? `The policy does not check: ${formatDiagnostic(first)}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}`
      : "The policy does not check",
    { details: { diagnostics: errors.slice(0, 50) } },
  );
}

const slotGetter =
  (slot: number): Getter =>
  (a) =>
    a[slot];

const BUILTIN_DEFAULT: Record<string, string> = {
  en: "No rule of policy {policy} allows this request, so it is denied by default.",
  de: "Keine Regel der Richtlinie {policy} erlaubt diese Anfrage; sie wird daher standardmäßig abgelehnt.",
};

type Template = (a: Vals, r: LacRequest) => string;

/** Graph metrics named by conditions and reason texts (the only ones ever computed). */
function graphMetricsUsed(p: Policy): GraphMetric[] {
  const used = new Set<GraphMetric>();
  const visit = (c: Condition | undefined): void => {
    if (!c) return;
    if ("all" in c) c.all.forEach(visit);
    else if ("any" in c) c.any.forEach(visit);
    else if ("not" in c) visit(c.not);
    else {
      for (const a of [c.attr, (c.value as { attr?: unknown } | undefined)?.attr])
        if (typeof a === "string" && isGraphAttribute(a)) used.add(a.slice(6) as GraphMetric);
    }
  };
  for (const r of p.rules) visit(r.when);
  for (const texts of Object.values(p.reasons))
    for (const text of Object.values(texts))
      for (const m of text.matchAll(/\{(graph\.[A-Za-z]+)\}/g))
        if (isGraphAttribute(m[1]!)) used.add(m[1]!.slice(6) as GraphMetric);
  return [...used];
}

/** Whether some reason text reads a graph.* metric (rendering it may compute, and reject, the graph). */
function reasonsReadGraph(p: Policy): boolean {
  for (const texts of Object.values(p.reasons))
    for (const text of Object.values(texts))
      for (const m of text.matchAll(/\{([^{}]*)\}/g)) if (isGraphAttribute(m[1]!)) return true;
  return false;
}

/** A literal that can be written into generated code as itself (JSON) with the same meaning. */
const inlinable = (v: unknown): boolean =>
  typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));

class Compiler {
  private readonly types = new Map<string, AttributeType>();
  private readonly graphUsed: GraphMetric[];

  private slot(attr: string): number {
    const s = this.slots.get(attr);
    if (s === undefined) throw new TfError("TF_INTERNAL", `attribute ${attr} has no slot`);
    return s;
  }
  /** Metrics per planned-subgraph object: computed once per request, on first use. */
  private readonly graphCache = new WeakMap<object, GraphMetrics>();

  constructor(
    private readonly policy: Policy,
    private readonly schema: SchemaDoc,
  ) {
    for (const ns of NAMESPACES)
      for (const [k, t] of Object.entries(schema.attributes[ns])) this.types.set(`${ns}.${k}`, t);
    this.graphUsed = graphMetricsUsed(policy);
    let i = 0;
    for (const name of this.types.keys()) this.slots.set(name, i++);
  }

  /** Slot of each schema attribute in the values array `extract` fills per request. */
  private readonly slots = new Map<string, number>();

  private getter(attr: string): Getter {
    if (!isGraphAttribute(attr)) return slotGetter(this.slot(attr));
    const metric = attr.slice(6) as GraphMetric;
    const wanted = new Set(this.graphUsed);
    const cache = this.graphCache;
    return (_a, r) => {
      const g = r.graph;
      if (g === undefined || g === null) return undefined;
      let m = cache.get(g);
      if (m === undefined) {
        m = graphMetrics(g, wanted);
        cache.set(g, m);
      }
      return m[metric];
    };
  }

  compile(): CompiledPolicy {
    const p = this.policy;
    const rules: CompiledRule[] = p.rules.map((r, index) => ({
      index,
      id: r.id,
      allow: r.effect === "allow",
      test: r.when ? this.generated(r.when) : () => true,
      reasonKey: r.reason,
      obligations: r.obligations.map((o) => ({ ...o, rule: r.id })),
      tplLocale: undefined,
      tpl: undefined,
    }));
    const templates = this.templates();
    const { indexes, select, words } = buildIndex(p, rules, this.types, this.slots);
    const reasonsUseGraph = reasonsReadGraph(p);
    const extract = extractor([...this.types.keys()]);
    const combining = p.combining;
    const firstApplicable = combining === "first-applicable";
    const policyInfo = { name: p.metadata.name, version: p.metadata.version };
    const validate = requestValidator(this.types, this.slots);
    const locales = localePicker(p);
    const defaultKey = p.defaultReason ?? "default-deny";

    const noOptions: DecideOptions = {};
    const decide = (request: LacRequest, options: DecideOptions = noOptions): Decision => {
      const validating = options.validate !== false;
      if (validating) checkRequestObject(request);
      const a = extract(request);
      if (validating) validate(request, a);
      const allow: CompiledRule[] = [];
      const deny: CompiledRule[] = [];
      const notEvaluable: string[] = [];
      // Candidate rules in policy order (the index's surviving bits), evaluated inline.
      const bits = select(a);
      outer: for (let w = 0; w < words; w++) {
        let word = bits[w]!;
        while (word !== 0) {
          const low = word & -word;
          const rule = rules[(w << 5) + 31 - Math.clz32(low)]!;
          word ^= low;
          const t = rule.test(a, request);
          if (t === true) {
            if (rule.allow) allow.push(rule);
            else deny.push(rule);
            if (firstApplicable) break outer;
          } else if (t === undefined) notEvaluable.push(rule.id);
        }
      }
      let deciding: CompiledRule[];
      let verdict: "allow" | "deny";
      if (combining === "permit-overrides") {
        verdict = allow.length ? "allow" : "deny";
        deciding = allow.length ? allow : deny;
      } else if (combining === "deny-overrides") {
        verdict = deny.length ? "deny" : "allow";
        deciding = deny.length ? deny : allow;
      } else {
        verdict = allow.length ? "allow" : "deny";
        deciding = allow.length ? allow : deny;
      }
      const defaulted = deciding.length === 0;
      if (defaulted) verdict = "deny";
      const locale = options.locale === undefined ? p.defaultLocale : locales(options.locale);
      let reasons: Reason[];
      if (options.explain === false && !reasonsUseGraph) reasons = [];
      else if (defaulted)
        reasons = [
          { rule: null, key: defaultKey, text: templates.render(p.defaultReason, locale, a, request) },
        ];
      else {
        reasons = new Array(deciding.length);
        for (let i = 0; i < deciding.length; i++) {
          const r = deciding[i]!;
          if (r.tplLocale !== locale) {
            r.tpl = templates.template(r.reasonKey, locale);
            r.tplLocale = locale;
          }
          reasons[i] = { rule: r.id, key: r.reasonKey, text: r.tpl!(a, request) };
        }
      }
      const decidingRules: string[] = new Array(deciding.length);
      for (let i = 0; i < deciding.length; i++) decidingRules[i] = deciding[i]!.id;
      const obligations: Decision["obligations"] = [];
      if (verdict === "allow") for (const r of deciding) for (const o of r.obligations) obligations.push(o);
      return {
        decision: p.mode === "audit" ? "allow" : verdict,
        policyDecision: verdict,
        mode: p.mode,
        combining,
        decidingRules,
        defaulted,
        reasons,
        locale,
        obligations,
        policy: policyInfo,
        policyVersion: policyInfo.version,
        notEvaluable,
      };
    };
    return {
      name: policyInfo.name,
      version: policyInfo.version,
      mode: p.mode,
      index: indexes[0] ?? null,
      indexes,
      graphMetrics: this.graphUsed,
      schemaAttributes: [...this.types.keys()],
      documents: { policy: this.policy, schema: this.schema },
      decide,
    };
  }

  /**
   * A rule's condition as one generated function: tests of schema attributes against literals
   * are written inline (`a[3] === "read"`, literals JSON-encoded), `all`/`any`/`not` become
   * straight-line code with the same three-valued logic as the closures of `condition`, and every
   * other test (graph metrics, attribute references, `contains`) calls its closure. Falls back to
   * the closure tree where code generation is unavailable.
   */
  private generated(c: Condition): Test {
    const leaves: unknown[] = [];
    const lines: string[] = [];
    let nextVar = 0;
    const leaf = (x: unknown): string => {
      leaves.push(x);
      return `L[${leaves.length - 1}]`;
    };
    /** Emits code that sets a fresh variable to the condition's value; returns its name. */
    const emit = (c: Condition): string => {
      const v = `v${nextVar++}`;
      if ("all" in c || "any" in c) {
        const isAll = "all" in c;
        const parts = isAll ? c.all : c.any;
        const stop = isAll ? "false" : "true";
        const label = `b${v}`;
        lines.push(`let ${v} = ${isAll ? "true" : "false"};`, `${label}: {`);
        for (const part of parts) {
          const pv = emit(part);
          lines.push(`if (${pv} === ${stop}) { ${v} = ${stop}; break ${label}; }`);
          lines.push(`if (${pv} === undefined) ${v} = undefined;`);
        }
        lines.push("}");
        return v;
      }
      if ("not" in c) {
        const inner = emit(c.not);
        lines.push(`const ${v} = ${inner} === undefined ? undefined : !${inner};`);
        return v;
      }
      const value = c.value;
      const isLiteral =
        value !== undefined && (value === null || typeof value !== "object" || Array.isArray(value));
      if (!isGraphAttribute(c.attr)) {
        const x = `a[${this.slot(c.attr)}]`;
        const missing = `(${x} === undefined || ${x} === null)`;
        if (c.op === "exists") {
          lines.push(`const ${v} = !${missing};`);
          return v;
        }
        if (isLiteral && (c.op === "eq" || c.op === "ne") && inlinable(value)) {
          const cmp = c.op === "eq" ? "===" : "!==";
          lines.push(`const ${v} = ${missing} ? undefined : ${x} ${cmp} ${JSON.stringify(value)};`);
          return v;
        }
        if (isLiteral && (c.op === "in" || c.op === "not_in") && Array.isArray(value)) {
          let test: string;
          if (value.length <= 4 && value.every(inlinable))
            test =
              value.length === 0 ? "false" : value.map((y) => `${x} === ${JSON.stringify(y)}`).join(" || ");
          else test = `${leaf(new Set(value))}.has(${x})`;
          lines.push(`const ${v} = ${missing} ? undefined : ${c.op === "in" ? "" : "!"}(${test});`);
          return v;
        }
        if (
          isLiteral &&
          (c.op === "lt" || c.op === "le" || c.op === "gt" || c.op === "ge") &&
          typeof value === "number" &&
          Number.isFinite(value)
        ) {
          const op = { lt: "<", le: "<=", gt: ">", ge: ">=" }[c.op];
          lines.push(
            `const ${v} = typeof ${x} === "number" ? ${x} ${op} ${JSON.stringify(value)} : undefined;`,
          );
          return v;
        }
      }
      lines.push(`const ${v} = ${leaf(this.condition(c))}(a, r);`);
      return v;
    };
    try {
      const result = emit(c);
      lines.push(`return ${result};`);
      const make = new Function("L", `"use strict"; return function rule(a, r) {\n${lines.join("\n")}\n};`);
      return make(leaves) as Test;
    } catch {
      // e.g. a runtime that forbids eval: the closure tree
      return this.condition(c);
    }
  }

  private operand(v: unknown): Getter {
    if (v !== null && typeof v === "object" && !Array.isArray(v))
      return this.getter((v as { attr: string }).attr);
    return () => v;
  }

  private condition(c: Condition): Test {
    if ("all" in c) {
      const parts = c.all.map((x) => this.condition(x));
      return (a, r) => {
        let unknown = false;
        for (const t of parts) {
          const v = t(a, r);
          if (v === false) return false;
          if (v === undefined) unknown = true;
        }
        return unknown ? undefined : true;
      };
    }
    if ("any" in c) {
      const parts = c.any.map((x) => this.condition(x));
      return (a, r) => {
        let unknown = false;
        for (const t of parts) {
          const v = t(a, r);
          if (v === true) return true;
          if (v === undefined) unknown = true;
        }
        return unknown ? undefined : false;
      };
    }
    if ("not" in c) {
      const inner = this.condition(c.not);
      return (a, r) => {
        const v = inner(a, r);
        return v === undefined ? undefined : !v;
      };
    }
    const fast = isGraphAttribute(c.attr) ? undefined : literalTest(c, this.slot(c.attr));
    if (fast) return fast;
    const get = this.getter(c.attr);
    if (c.op === "exists")
      return (a, r) => {
        const x = get(a, r);
        return x !== undefined && x !== null;
      };
    const isRef = c.value !== null && typeof c.value === "object" && !Array.isArray(c.value);
    const rhs = this.operand(c.value);
    const missing = (x: unknown) => x === undefined || x === null;
    switch (c.op) {
      case "eq":
      case "ne": {
        const want = c.op === "eq";
        if (!isRef) {
          const lit = c.value;
          return (a, r) => {
            const x = get(a, r);
            return missing(x) ? undefined : (x === lit) === want;
          };
        }
        return (a, r) => {
          const x = get(a, r);
          const y = rhs(a, r);
          return missing(x) || missing(y) ? undefined : (x === y) === want;
        };
      }
      case "in":
      case "not_in": {
        const want = c.op === "in";
        if (!isRef) {
          const set = new Set(c.value as unknown[]);
          return (a, r) => {
            const x = get(a, r);
            return missing(x) ? undefined : set.has(x) === want;
          };
        }
        return (a, r) => {
          const x = get(a, r);
          const y = rhs(a, r);
          return missing(x) || !Array.isArray(y) ? undefined : y.includes(x) === want;
        };
      }
      case "contains":
        return (a, r) => {
          const x = get(a, r);
          const y = rhs(a, r);
          return !Array.isArray(x) || missing(y) ? undefined : x.includes(y);
        };
      default: {
        const op = c.op;
        if (!isRef) {
          const lit = c.value as number;
          switch (op) {
            case "lt":
              return (a, r) => {
                const x = get(a, r);
                return typeof x !== "number" ? undefined : x < lit;
              };
            case "le":
              return (a, r) => {
                const x = get(a, r);
                return typeof x !== "number" ? undefined : x <= lit;
              };
            case "gt":
              return (a, r) => {
                const x = get(a, r);
                return typeof x !== "number" ? undefined : x > lit;
              };
            default:
              return (a, r) => {
                const x = get(a, r);
                return typeof x !== "number" ? undefined : x >= lit;
              };
          }
        }
        const cmp =
          op === "lt"
            ? (a: number, b: number) => a < b
            : op === "le"
              ? (a: number, b: number) => a <= b
              : op === "gt"
                ? (a: number, b: number) => a > b
                : (a: number, b: number) => a >= b;
        return (a, r) => {
          const x = get(a, r);
          const y = rhs(a, r);
          return typeof x !== "number" || typeof y !== "number" ? undefined : cmp(x, y);
        };
      }
    }
  }

  /** Reason texts split once into literal and attribute parts, per key and locale on first use. */
  private templates() {
    const p = this.policy;
    const compiled = new Map<string | undefined, Map<string, Template>>();
    const compileText = (text: string): Template => {
      // Literal text and the policy's own name/version fold into constant strings.
      const parts: (string | Getter)[] = [];
      const lit = (t: string) => {
        if (typeof parts[parts.length - 1] === "string") parts[parts.length - 1] += t;
        else parts.push(t);
      };
      let last = 0;
      for (const m of text.matchAll(/\{([^{}]*)\}/g)) {
        lit(text.slice(last, m.index));
        const name = m[1]!;
        if (name === "policy") lit(p.metadata.name);
        else if (name === "policyVersion") lit(p.metadata.version);
        else parts.push(this.getter(name));
        last = m.index! + m[0].length;
      }
      lit(text.slice(last));
      if (parts.length === 1) {
        const constant = parts[0] as string;
        return () => constant;
      }
      return (a, r) => {
        let s = "";
        for (const part of parts) {
          if (typeof part === "string") s += part;
          else {
            const v = part(a, r);
            s += v === undefined || v === null ? "(unknown)" : Array.isArray(v) ? v.join(", ") : String(v);
          }
        }
        return s;
      };
    };
    const template = (key: string | undefined, locale: string): Template => {
      let byLocale = compiled.get(key);
      if (!byLocale) {
        byLocale = new Map();
        compiled.set(key, byLocale);
      }
      let t = byLocale.get(locale);
      if (!t) {
        const texts = key === undefined ? BUILTIN_DEFAULT : (p.reasons[key] ?? BUILTIN_DEFAULT);
        const text =
          texts[locale] ?? texts[p.defaultLocale] ?? texts.en ?? Object.values(texts)[0] ?? key ?? "";
        t = compileText(text);
        byLocale.set(locale, t);
      }
      return t;
    };
    return {
      template,
      render: (key: string | undefined, locale: string, a: Vals, r: LacRequest): string =>
        template(key, locale)(a, r),
    };
  }
}

/**
 * The hot path: a request attribute against a literal, reading request[ns][key] inline (no getter
 * call). Semantics are those of the general closures below.
 */
function literalTest(c: { attr: string; op: string; value?: unknown }, slot: number): Test | undefined {
  const v = c.value;
  if (v === undefined || (v !== null && typeof v === "object" && !Array.isArray(v))) return undefined;
  switch (c.op) {
    case "eq":
      return (a) => {
        const x = a[slot];
        return x === undefined || x === null ? undefined : x === v;
      };
    case "ne":
      return (a) => {
        const x = a[slot];
        return x === undefined || x === null ? undefined : x !== v;
      };
    case "in":
    case "not_in": {
      const set = new Set(v as unknown[]);
      const want = c.op === "in";
      return (a) => {
        const x = a[slot];
        return x === undefined || x === null ? undefined : set.has(x) === want;
      };
    }
    case "lt":
    case "le":
    case "gt":
    case "ge": {
      const n = v as number;
      const op = c.op;
      return op === "lt"
        ? (a) => {
            const x = a[slot];
            return typeof x === "number" ? x < n : undefined;
          }
        : op === "le"
          ? (a) => {
              const x = a[slot];
              return typeof x === "number" ? x <= n : undefined;
            }
          : op === "gt"
            ? (a) => {
                const x = a[slot];
                return typeof x === "number" ? x > n : undefined;
              }
            : (a) => {
                const x = a[slot];
                return typeof x === "number" ? x >= n : undefined;
              };
    }
    default:
      return undefined;
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The per-request extraction of attribute values into slots. Generated as straight-line code
 * (`r.subject.role`, …) so each property load has its own inline cache; names are checked
 * identifiers. Falls back to a loop where code generation is unavailable.
 */
function extractor(names: string[]): (r: LacRequest) => Vals {
  const parts = names.map((n) => {
    const dot = n.indexOf(".");
    return [n.slice(0, dot), n.slice(dot + 1)] as const;
  });
  if (parts.every(([ns, k]) => IDENT.test(ns) && IDENT.test(k))) {
    const lines = [`const a = new Array(${names.length});`, "let o;"];
    let current = "";
    parts.forEach(([ns, k], i) => {
      if (ns !== current) {
        lines.push(`o = r.${ns}; if (o === null || typeof o !== "object") o = undefined;`);
        current = ns;
      }
      // Inherited members (toString, constructor, …) are not request attributes.
      const load = k in Object.prototype ? `(Object.hasOwn(o, "${k}") ? o.${k} : undefined)` : `o.${k}`;
      lines.push(`a[${i}] = o === undefined ? undefined : ${load};`);
    });
    lines.push("return a;");
    try {
      return new Function("r", lines.join("\n")) as (r: LacRequest) => Vals;
    } catch {
      // e.g. a runtime that forbids eval: use the loop below
    }
  }
  return (r) => {
    const a = new Array(parts.length);
    for (let i = 0; i < parts.length; i++) {
      const [ns, k] = parts[i]!;
      const o = (r as Record<string, unknown>)[ns];
      a[i] =
        o !== null && typeof o === "object" && Object.hasOwn(o, k)
          ? (o as Record<string, unknown>)[k]
          : undefined;
    }
    return a;
  };
}

/** The locale a decision uses: the wanted one, its base language, else the policy's default. */
function localePicker(p: Policy): (wanted: string | undefined) => string {
  const available = new Set(Object.values(p.reasons).flatMap((t) => Object.keys(t)));
  if (available.size === 0) available.add("en").add("de");
  const cache = new Map<string, string>();
  return (wanted) => {
    if (wanted === undefined) return p.defaultLocale;
    let got = cache.get(wanted);
    if (got === undefined) {
      const base = wanted.split("-")[0]!;
      got = available.has(wanted) ? wanted : available.has(base) ? base : p.defaultLocale;
      if (cache.size < 256) cache.set(wanted, got);
    }
    return got;
  };
}

/** The equality tests a rule requires of `attr` (top level, or inside top-level all:s). */
export function requiredValues(c: Condition | undefined, attr: string): unknown[] | undefined {
  if (!c) return undefined;
  if ("attr" in c) {
    const literal =
      c.value === undefined || (typeof c.value === "object" && !Array.isArray(c.value)) ? undefined : c.value;
    if (c.attr !== attr || literal === undefined) return undefined;
    if (c.op === "eq") return [literal];
    if (c.op === "in") return literal as unknown[];
    return undefined;
  }
  if ("all" in c) {
    for (const part of c.all) {
      const v = requiredValues(part, attr);
      if (v) return v;
    }
  }
  return undefined;
}

/** At most this many attributes are indexed: each costs one lookup and a few word ANDs per request. */
const MAX_INDEXED = 12;

/**
 * Indexes rules on every scalar attribute that at least two rules require to equal a literal
 * (`eq`, or `in` a list, at the top of the condition or inside top-level `all:`s). For each such
 * attribute and each value, a bitset holds the rules that can still apply: those requiring that
 * value and those not testing the attribute. A request ANDs the bitsets of its values and
 * evaluates the surviving rules in policy order (so first-applicable keeps its meaning).
 *
 * Soundness: a rule is dropped only when a required conjunct is definitely false (the attribute
 * is present with another value), which makes the whole rule false — never "not evaluable". An
 * absent attribute drops nothing, so `notEvaluable` is exactly what a linear scan reports.
 */
function buildIndex(
  p: Policy,
  rules: CompiledRule[],
  types: Map<string, AttributeType>,
  slots: Map<string, number>,
) {
  const n = rules.length;
  const words = Math.max(1, Math.ceil(n / 32));
  const full = new Uint32Array(words);
  for (let i = 0; i < n; i++) full[i >>> 5]! |= 1 << (i & 31);
  const chosen: { attribute: string; rules: number; required: (unknown[] | undefined)[] }[] = [];
  for (const [name, t] of types) {
    if (t.type === "set") continue;
    const required = p.rules.map((r) => requiredValues(r.when, name));
    const count = required.filter(Boolean).length;
    if (count >= 2) chosen.push({ attribute: name, rules: count, required });
  }
  chosen.sort((a, b) => b.rules - a.rules || (a.attribute < b.attribute ? -1 : 1));
  chosen.length = Math.min(chosen.length, MAX_INDEXED);

  const gets: number[] = [];
  const maps: Map<unknown, Uint32Array>[] = [];
  const others: Uint32Array[] = [];
  for (const { attribute, required } of chosen) {
    const other = new Uint32Array(words);
    required.forEach((req, i) => {
      if (!req) other[i >>> 5]! |= 1 << (i & 31);
    });
    const byValue = new Map<unknown, Uint32Array>();
    required.forEach((req, i) => {
      for (const v of req ?? []) {
        let m = byValue.get(v);
        if (!m) {
          m = other.slice();
          byValue.set(v, m);
        }
        m[i >>> 5]! |= 1 << (i & 31);
      }
    });
    gets.push(slots.get(attribute)!);
    maps.push(byValue);
    others.push(other);
  }
  const k = gets.length;
  const scratch = new Uint32Array(words);
  /**
   * The candidate rules of a request as a bitset (bit i = rule i may apply), walked in policy
   * order by the caller. Decisions are synchronous and rule tests never re-enter decide, so one
   * scratch suffices.
   */
  const select = (vals: Vals): Uint32Array => {
    if (k === 0) return full;
    scratch.set(full);
    for (let a = 0; a < k; a++) {
      const v = vals[gets[a]!];
      if (v === undefined || v === null) continue;
      const m = maps[a]!.get(v) ?? others[a]!;
      for (let w = 0; w < words; w++) scratch[w]! &= m[w]!;
    }
    return scratch;
  };
  return { indexes: chosen.map(({ attribute, rules }) => ({ attribute, rules })), select, words };
}

/** Validates a request's shape and attribute types against the schema. */
/** The exact checks, with messages; run only when the fast check below finds something. */
function slowValidator(types: Map<string, AttributeType>) {
  const names = [...types.keys()];
  const byNs = new Map<string, Map<string, AttributeType>>();
  for (const ns of NAMESPACES) byNs.set(ns, new Map());
  for (const [name, t] of types) {
    const dot = name.indexOf(".");
    byNs.get(name.slice(0, dot))!.set(name.slice(dot + 1), t);
  }
  const sections = [...NAMESPACES, "graph"];
  const fail = (message: string, details: Record<string, unknown>) => {
    throw new TfError("TF_LAC_REQUEST_INVALID", message, { details });
  };
  return (request: LacRequest): void => {
    for (const ns in request) {
      const attrs = (request as Record<string, unknown>)[ns];
      const declared = byNs.get(ns);
      if (declared === undefined) {
        if (ns === "graph") {
          if (attrs !== undefined && attrs !== null) checkGraphShape(attrs);
          continue;
        }
        const s = suggest(ns, sections);
        fail(
          `Unknown request section ${JSON.stringify(ns)}${s ? ` (did you mean ${JSON.stringify(s)}?)` : ""}`,
          { attribute: ns, suggestion: s },
        );
        continue;
      }
      if (attrs === undefined || attrs === null) continue;
      if (typeof attrs !== "object" || Array.isArray(attrs))
        fail(`request.${ns} must be an object`, { attribute: ns });
      for (const k in attrs as Record<string, unknown>) {
        const v = (attrs as Record<string, unknown>)[k];
        const t = declared.get(k);
        if (!t) {
          const name = `${ns}.${k}`;
          const s = suggest(name, names);
          fail(
            `Unknown attribute ${name} in the request${s ? ` (did you mean ${JSON.stringify(s)}?)` : ""}`,
            { attribute: name, suggestion: s },
          );
          continue;
        }
        if (v === null || v === undefined) continue;
        const ok =
          t.type === "set"
            ? Array.isArray(v) && v.every((x) => typeof x === "string")
            : t.type === "enum"
              ? typeof v === "string" && t.values.includes(v)
              : typeof v === t.type;
        if (!ok) {
          const name = `${ns}.${k}`;
          fail(`request ${name} is ${JSON.stringify(v)}, but the schema declares ${typeLabel(t)}`, {
            attribute: name,
            expected: typeLabel(t),
            found: JSON.stringify(v),
          });
        }
      }
    }
  };
}

const typeCheck = (t: AttributeType): ((x: unknown) => boolean) => {
  if (t.type === "set") return (x) => Array.isArray(x) && x.every((e) => typeof e === "string");
  if (t.type === "enum") {
    const values = new Set(t.values);
    return (x) => typeof x === "string" && values.has(x);
  }
  const want = t.type;
  return (x) => typeof x === want;
};

/** The request object itself (checked before attribute values are extracted). */
export function checkRequestObject(request: unknown): void {
  if (request === null || typeof request !== "object" || Array.isArray(request))
    throw new TfError(
      "TF_LAC_REQUEST_INVALID",
      "The request must be an object with subject, resource, action and context",
      { details: {} },
    );
}

/**
 * Validates a request's shape and attribute types against the schema. The fast path counts keys
 * and type-checks the extracted values; anything unexpected reruns the exact checks, which throw
 * TF_LAC_REQUEST_INVALID with the attribute and a suggestion.
 */
function requestValidator(types: Map<string, AttributeType>, slots: Map<string, number>) {
  const slow = slowValidator(types);
  const nsSlots = new Map<string, number[]>();
  for (const ns of NAMESPACES) nsSlots.set(ns, []);
  const checks: ((x: unknown) => boolean)[] = [];
  for (const [name, t] of types) {
    nsSlots.get(name.slice(0, name.indexOf(".")))!.push(slots.get(name)!);
    checks[slots.get(name)!] = typeCheck(t);
  }
  const generated = generatedValidator(types, slots, nsSlots);
  if (generated)
    return (request: LacRequest, a: Vals): void => {
      if (!generated(request, a)) slow(request);
    };
  return (request: LacRequest, a: Vals): void => {
    let ok = true;
    for (const ns in request) {
      const attrs = (request as Record<string, unknown>)[ns];
      const own = nsSlots.get(ns);
      if (own === undefined) {
        if (ns === "graph") {
          if (attrs !== undefined && attrs !== null) checkGraphShape(attrs);
          continue;
        }
        ok = false;
        break;
      }
      if (attrs === undefined || attrs === null) continue;
      if (typeof attrs !== "object" || Array.isArray(attrs)) {
        ok = false;
        break;
      }
      let keys = 0;
      for (const _ in attrs) keys++;
      let present = 0;
      for (let i = 0; i < own.length; i++) if (a[own[i]!] !== undefined) present++;
      if (keys !== present) {
        ok = false;
        break;
      }
    }
    if (ok)
      for (let i = 0; i < checks.length; i++) {
        const x = a[i];
        if (x !== undefined && x !== null && !checks[i]!(x)) {
          ok = false;
          break;
        }
      }
    if (!ok) slow(request);
  };
}

/**
 * The fast check of requestValidator as one generated function: a switch over the request's
 * sections (unknown ones fail), a key count per section against the attributes found, and an
 * inline type check per slot (`typeof`, enum values as comparisons or a Set). True when the
 * request certainly passes the exact checks; false sends it to them.
 */
function generatedValidator(
  types: Map<string, AttributeType>,
  slots: Map<string, number>,
  nsSlots: Map<string, number[]>,
): ((request: LacRequest, a: Vals) => boolean) | undefined {
  const leaves: unknown[] = [checkGraphShape];
  const leaf = (x: unknown): string => {
    leaves.push(x);
    return `L[${leaves.length - 1}]`;
  };
  const lines = ["for (const ns in request) {", "const o = request[ns];", "switch (ns) {"];
  for (const [ns, own] of nsSlots) {
    const present = own.length === 0 ? "0" : own.map((i) => `(a[${i}] !== undefined)`).join(" + ");
    lines.push(
      `case ${JSON.stringify(ns)}: {`,
      "if (o === undefined || o === null) break;",
      'if (typeof o !== "object" || Array.isArray(o)) return false;',
      "let k = 0;",
      "for (const _ in o) k++;",
      `if (k !== ${present}) return false;`,
      "break;",
      "}",
    );
  }
  lines.push(
    'case "graph":',
    "if (o !== undefined && o !== null) L[0](o);",
    "break;",
    "default:",
    "return false;",
    "}",
    "}",
    "let x;",
  );
  for (const [name, t] of types) {
    const i = slots.get(name)!;
    let ok: string;
    if (t.type === "enum") {
      ok =
        t.values.length <= 4
          ? `(${t.values.map((v) => `x === ${JSON.stringify(v)}`).join(" || ")})`
          : `(typeof x === "string" && ${leaf(new Set(t.values))}.has(x))`;
    } else if (t.type === "set") ok = `${leaf(typeCheck(t))}(x)`;
    else ok = `typeof x === ${JSON.stringify(t.type)}`;
    lines.push(`x = a[${i}];`, `if (x !== undefined && x !== null && !(${ok})) return false;`);
  }
  lines.push("return true;");
  try {
    return new Function("L", `"use strict"; return function valid(request, a) {\n${lines.join("\n")}\n};`)(
      leaves,
    ) as (request: LacRequest, a: Vals) => boolean;
  } catch {
    return undefined;
  }
}

/** Names of the built-in graph attributes, for documentation and tooling. */
export const BUILTIN_ATTRIBUTES: readonly string[] = Object.keys(GRAPH_ATTRIBUTES);

export function parseLacRequest(text: string, file = "request"): LacRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new TfError("TF_JSON_MALFORMED", `${file} is not valid JSON: ${(e as Error).message}`, {
      details: { file },
    });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new TfError(
      "TF_LAC_REQUEST_INVALID",
      `${file} must hold one JSON object {subject, resource, action, context}`,
      {
        details: { file },
      },
    );
  return value as LacRequest;
}
