/**
 * The compiler: a checked policy becomes a decision function. Conditions become closures,
 * reasons become pre-split templates, and rules are indexed by the attribute most of them
 * test for equality, so a request walks no YAML and no syntax tree.
 */
import { TfError } from "../core/errors.js";
import { checkDocuments, lacCheck, typeLabel } from "./checker.js";
import { type Diagnostic, formatDiagnostic, suggest } from "./diagnostics.js";
import {
  type AttributeType,
  type Condition,
  NAMESPACES,
  type Obligation,
  type Policy,
  type SchemaDoc,
} from "./model.js";
import type { SourceInput } from "./source.js";

export type LacRequest = Partial<Record<(typeof NAMESPACES)[number], Record<string, unknown>>>;

export interface DecideOptions {
  /** Locale of the reasons (falls back to the policy's defaultLocale). */
  locale?: string;
  /** Check the request's attributes against the schema first (default true). */
  validate?: boolean;
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
type Test = (r: LacRequest) => boolean | undefined;
type Getter = (r: LacRequest) => unknown;

interface CompiledRule {
  index: number;
  id: string;
  allow: boolean;
  test: Test;
  reasonKey: string;
  obligations: (Obligation & { rule: string })[];
}

export interface CompiledPolicy {
  readonly name: string;
  readonly version: string;
  readonly mode: Policy["mode"];
  /** The attribute rules are indexed on, if any, and how many rules the index covers. */
  readonly index: { attribute: string; rules: number } | null;
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

const getter = (attr: string): Getter => {
  const dot = attr.indexOf(".");
  const ns = attr.slice(0, dot) as keyof LacRequest;
  const key = attr.slice(dot + 1);
  return (r) => {
    const o = r[ns];
    return o === undefined || o === null ? undefined : o[key];
  };
};

const BUILTIN_DEFAULT: Record<string, string> = {
  en: "No rule of policy {policy} allows this request, so it is denied by default.",
  de: "Keine Regel der Richtlinie {policy} erlaubt diese Anfrage; sie wird daher standardmäßig abgelehnt.",
};

type Template = (r: LacRequest) => string;

class Compiler {
  private readonly types = new Map<string, AttributeType>();

  constructor(
    private readonly policy: Policy,
    schema: SchemaDoc,
  ) {
    for (const ns of NAMESPACES)
      for (const [k, t] of Object.entries(schema.attributes[ns])) this.types.set(`${ns}.${k}`, t);
  }

  compile(): CompiledPolicy {
    const p = this.policy;
    const rules: CompiledRule[] = p.rules.map((r, index) => ({
      index,
      id: r.id,
      allow: r.effect === "allow",
      test: r.when ? this.condition(r.when) : () => true,
      reasonKey: r.reason,
      obligations: r.obligations.map((o) => ({ ...o, rule: r.id })),
    }));
    const templates = this.templates();
    const { index, lookup } = buildIndex(p, rules, this.types);
    const combining = p.combining;
    const policyInfo = { name: p.metadata.name, version: p.metadata.version };
    const validate = requestValidator(this.types);

    const decide = (request: LacRequest, options: DecideOptions = {}): Decision => {
      if (options.validate !== false) validate(request);
      const candidates = lookup(request);
      const allow: CompiledRule[] = [];
      const deny: CompiledRule[] = [];
      const notEvaluable: string[] = [];
      for (const rule of candidates) {
        const t = rule.test(request);
        if (t === undefined) notEvaluable.push(rule.id);
        if (t !== true) continue;
        (rule.allow ? allow : deny).push(rule);
        if (combining === "first-applicable") break;
      }
      let deciding: CompiledRule[];
      let verdict: "allow" | "deny";
      if (combining === "permit-overrides")
        [verdict, deciding] = allow.length ? ["allow", allow] : ["deny", deny];
      else if (combining === "deny-overrides")
        [verdict, deciding] = deny.length ? ["deny", deny] : ["allow", allow];
      else [verdict, deciding] = [allow.length ? "allow" : "deny", allow.length ? allow : deny];
      const defaulted = deciding.length === 0;
      if (defaulted) verdict = "deny";
      const locale = pickLocale(options.locale, p);
      const reasons: Reason[] = defaulted
        ? [
            {
              rule: null,
              key: p.defaultReason ?? "default-deny",
              text: templates.render(p.defaultReason, locale, request),
            },
          ]
        : deciding.map((r) => ({
            rule: r.id,
            key: r.reasonKey,
            text: templates.render(r.reasonKey, locale, request),
          }));
      return {
        decision: p.mode === "audit" ? "allow" : verdict,
        policyDecision: verdict,
        mode: p.mode,
        combining,
        decidingRules: deciding.map((r) => r.id),
        defaulted,
        reasons,
        locale,
        obligations: verdict === "allow" ? deciding.flatMap((r) => r.obligations) : [],
        policy: policyInfo,
        policyVersion: policyInfo.version,
        notEvaluable,
      };
    };
    return { name: policyInfo.name, version: policyInfo.version, mode: p.mode, index, decide };
  }

  private operand(v: unknown): Getter {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) return getter((v as { attr: string }).attr);
    return () => v;
  }

  private condition(c: Condition): Test {
    if ("all" in c) {
      const parts = c.all.map((x) => this.condition(x));
      return (r) => {
        let unknown = false;
        for (const t of parts) {
          const v = t(r);
          if (v === false) return false;
          if (v === undefined) unknown = true;
        }
        return unknown ? undefined : true;
      };
    }
    if ("any" in c) {
      const parts = c.any.map((x) => this.condition(x));
      return (r) => {
        let unknown = false;
        for (const t of parts) {
          const v = t(r);
          if (v === true) return true;
          if (v === undefined) unknown = true;
        }
        return unknown ? undefined : false;
      };
    }
    if ("not" in c) {
      const inner = this.condition(c.not);
      return (r) => {
        const v = inner(r);
        return v === undefined ? undefined : !v;
      };
    }
    const get = getter(c.attr);
    if (c.op === "exists") return (r) => get(r) !== undefined && get(r) !== null;
    const isRef = c.value !== null && typeof c.value === "object" && !Array.isArray(c.value);
    const rhs = this.operand(c.value);
    const missing = (x: unknown) => x === undefined || x === null;
    switch (c.op) {
      case "eq":
      case "ne": {
        const want = c.op === "eq";
        if (!isRef) {
          const lit = c.value;
          return (r) => {
            const x = get(r);
            return missing(x) ? undefined : (x === lit) === want;
          };
        }
        return (r) => {
          const x = get(r);
          const y = rhs(r);
          return missing(x) || missing(y) ? undefined : (x === y) === want;
        };
      }
      case "in":
      case "not_in": {
        const want = c.op === "in";
        if (!isRef) {
          const set = new Set(c.value as unknown[]);
          return (r) => {
            const x = get(r);
            return missing(x) ? undefined : set.has(x) === want;
          };
        }
        return (r) => {
          const x = get(r);
          const y = rhs(r);
          return missing(x) || !Array.isArray(y) ? undefined : y.includes(x) === want;
        };
      }
      case "contains":
        return (r) => {
          const x = get(r);
          const y = rhs(r);
          return !Array.isArray(x) || missing(y) ? undefined : x.includes(y);
        };
      default: {
        const cmp =
          c.op === "lt"
            ? (a: number, b: number) => a < b
            : c.op === "le"
              ? (a: number, b: number) => a <= b
              : c.op === "gt"
                ? (a: number, b: number) => a > b
                : (a: number, b: number) => a >= b;
        return (r) => {
          const x = get(r);
          const y = rhs(r);
          return typeof x !== "number" || typeof y !== "number" ? undefined : cmp(x, y);
        };
      }
    }
  }

  /** Reason texts split once into literal and attribute parts. */
  private templates() {
    const p = this.policy;
    const compiled = new Map<string, Template>();
    const compileText = (text: string): Template => {
      const parts: (string | Getter)[] = [];
      let last = 0;
      for (const m of text.matchAll(/\{([^{}]*)\}/g)) {
        parts.push(text.slice(last, m.index));
        const name = m[1]!;
        parts.push(
          name === "policy"
            ? () => p.metadata.name
            : name === "policyVersion"
              ? () => p.metadata.version
              : getter(name),
        );
        last = m.index! + m[0].length;
      }
      parts.push(text.slice(last));
      return (r) => {
        let s = "";
        for (const part of parts) {
          if (typeof part === "string") s += part;
          else {
            const v = part(r);
            s += v === undefined || v === null ? "(unknown)" : Array.isArray(v) ? v.join(", ") : String(v);
          }
        }
        return s;
      };
    };
    return {
      render: (key: string | undefined, locale: string, r: LacRequest): string => {
        const texts = key === undefined ? BUILTIN_DEFAULT : (p.reasons[key] ?? BUILTIN_DEFAULT);
        const text =
          texts[locale] ?? texts[p.defaultLocale] ?? texts.en ?? Object.values(texts)[0] ?? key ?? "";
        const id = `${key ?? ""}\0${text}`;
        let t = compiled.get(id);
        if (!t) {
          t = compileText(text);
          compiled.set(id, t);
        }
        return t(r);
      },
    };
  }
}

function pickLocale(wanted: string | undefined, p: Policy): string {
  if (wanted === undefined) return p.defaultLocale;
  const available = new Set(Object.values(p.reasons).flatMap((t) => Object.keys(t)));
  if (available.size === 0) available.add("en").add("de");
  if (available.has(wanted)) return wanted;
  const base = wanted.split("-")[0]!;
  return available.has(base) ? base : p.defaultLocale;
}

/** The equality tests a rule requires of `attr` (top level, or inside a top-level all:). */
function requiredValues(c: Condition | undefined, attr: string): unknown[] | undefined {
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

/**
 * Picks the scalar attribute that the most rules require to equal a literal, and maps each
 * value to the rules that can apply (indexed ones for that value plus every unindexed rule,
 * in policy order, so first-applicable keeps its meaning).
 */
function buildIndex(p: Policy, rules: CompiledRule[], types: Map<string, AttributeType>) {
  const counts = new Map<string, number>();
  for (const [name, t] of types) {
    if (t.type === "set") continue;
    const n = p.rules.filter((r) => requiredValues(r.when, name)).length;
    if (n >= 2) counts.set(name, n);
  }
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  if (!best) return { index: null, lookup: (_r: LacRequest) => rules };
  const [attr] = best;
  const get = getter(attr);
  const unindexed: CompiledRule[] = [];
  const byValue = new Map<unknown, CompiledRule[]>();
  const required = p.rules.map((r) => requiredValues(r.when, attr));
  rules.forEach((rule, i) => {
    if (!required[i]) unindexed.push(rule);
  });
  for (const vals of required) for (const v of vals ?? []) byValue.set(v, []);
  for (const [v, list] of byValue)
    rules.forEach((rule, i) => {
      const req = required[i];
      if (!req || req.includes(v)) list.push(rule);
    });
  return {
    index: { attribute: attr, rules: rules.length - unindexed.length },
    lookup: (r: LacRequest) => byValue.get(get(r)) ?? unindexed,
  };
}

/** Validates a request's shape and attribute types against the schema. */
function requestValidator(types: Map<string, AttributeType>) {
  const names = [...types.keys()];
  const fail = (message: string, details: Record<string, unknown>) => {
    throw new TfError("TF_LAC_REQUEST_INVALID", message, { details });
  };
  return (request: LacRequest): void => {
    if (request === null || typeof request !== "object" || Array.isArray(request))
      fail("The request must be an object with subject, resource, action and context", {});
    for (const [ns, attrs] of Object.entries(request)) {
      if (!(NAMESPACES as readonly string[]).includes(ns)) {
        const s = suggest(ns, NAMESPACES);
        fail(
          `Unknown request section ${JSON.stringify(ns)}${s ? ` (did you mean ${JSON.stringify(s)}?)` : ""}`,
          { attribute: ns, suggestion: s },
        );
      }
      if (attrs === undefined || attrs === null) continue;
      if (typeof attrs !== "object" || Array.isArray(attrs))
        fail(`request.${ns} must be an object`, { attribute: ns });
      for (const [k, v] of Object.entries(attrs)) {
        const name = `${ns}.${k}`;
        const t = types.get(name);
        if (!t) {
          const s = suggest(name, names);
          fail(
            `Unknown attribute ${name} in the request${s ? ` (did you mean ${JSON.stringify(s)}?)` : ""}`,
            { attribute: name, suggestion: s },
          );
          continue;
        }
        if (v === null) continue;
        const ok =
          t.type === "set"
            ? Array.isArray(v) && v.every((x) => typeof x === "string")
            : t.type === "enum"
              ? typeof v === "string" && t.values.includes(v)
              : typeof v === t.type;
        if (!ok)
          fail(`request ${name} is ${JSON.stringify(v)}, but the schema declares ${typeLabel(t)}`, {
            attribute: name,
            expected: typeLabel(t),
            found: JSON.stringify(v),
          });
      }
    }
  };
}

/** Parses a request document (JSON text) for `decide`; malformed JSON is TF_JSON_MALFORMED. */
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
