/**
 * `lacCheck`: parses a policy and its schema and type-checks the policy against the schema.
 * Returns diagnostics (never throws on any input) and, when there are no errors, the checked
 * policy ready for `compilePolicy`.
 */
import {
  type Diagnostic,
  type Locator,
  NO_POSITION,
  type Severity,
  suggest,
  typeName,
} from "./diagnostics.js";
import { GRAPH_ATTRIBUTES } from "./graph.js";
import {
  type AttributeType,
  type Condition,
  NAMESPACES,
  Obligation,
  OPERATORS,
  type Operand,
  type Operator,
  type Policy,
  PolicyDoc,
  PRESETS,
  SchemaDoc,
} from "./model.js";
import { loadYaml, MAX_DEPTH, type SourceInput, validateShape } from "./source.js";

export interface CheckOptions {
  /** Names shown in diagnostics (default "policy" and "schema"). */
  policyFile?: string;
  schemaFile?: string;
}

export interface CheckResult {
  ok: boolean;
  errors: number;
  warnings: number;
  diagnostics: Diagnostic[];
  /** Present when ok: the checked policy and schema. */
  policy?: Policy;
  schema?: SchemaDoc;
}

type Path = (string | number)[];

/** Placeholders reasons may use besides attributes. */
export const BUILTIN_PLACEHOLDERS: readonly string[] = ["policy", "policyVersion"];

/** Type-checks a policy (YAML text or bytes) against a schema (YAML text or bytes). Never throws. */
export function lacCheck(
  policyText: SourceInput,
  schemaText: SourceInput,
  options: CheckOptions = {},
): CheckResult {
  const schemaFile = options.schemaFile ?? "schema";
  const policyFile = options.policyFile ?? "policy";
  const s = loadYaml(schemaText, schemaFile);
  const p = loadYaml(policyText, policyFile);
  return checkLoaded(
    p.diagnostics.length ? undefined : p,
    s.diagnostics.length ? undefined : s,
    [...s.diagnostics, ...p.diagnostics],
    policyFile,
    schemaFile,
  );
}

/** The same checks on already-parsed documents (positions are 0:0). */
export function checkDocuments(policy: unknown, schema: unknown, options: CheckOptions = {}): CheckResult {
  return checkLoaded(
    { value: policy, locate: NO_POSITION },
    { value: schema, locate: NO_POSITION },
    [],
    options.policyFile ?? "policy",
    options.schemaFile ?? "schema",
  );
}

function checkLoaded(
  p: { value?: unknown; locate: Locator } | undefined,
  s: { value?: unknown; locate: Locator } | undefined,
  diagnostics: Diagnostic[],
  policyFile: string,
  schemaFile: string,
): CheckResult {
  let schema: SchemaDoc | undefined;
  if (s) {
    const r = validateShape(SchemaDoc, s.value, schemaFile, s.locate);
    diagnostics.push(...r.diagnostics);
    schema = r.data;
  }
  let policy: Policy | undefined;
  if (p) {
    const r = validateShape(PolicyDoc, p.value, policyFile, p.locate);
    diagnostics.push(...r.diagnostics);
    if (r.data && schema) {
      const checker = new PolicyChecker(schema, policyFile, p.locate, diagnostics);
      policy = checker.check(r.data as never);
    }
  }
  diagnostics.sort((a, b) =>
    a.file === b.file ? a.line - b.line || a.col - b.col : a.file === schemaFile ? -1 : 1,
  );
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const ok = errors === 0 && policy !== undefined && schema !== undefined;
  return {
    ok,
    errors,
    warnings: diagnostics.length - errors,
    diagnostics,
    ...(ok ? { policy, schema } : {}),
  };
}

export function typeLabel(t: AttributeType): string {
  if (t.type === "enum") return `enum(${t.values.join("|")})`;
  if (t.type === "set") return t.values ? `set<${t.values.join("|")}>` : "set<string>";
  return t.type;
}

const isStringy = (t: AttributeType) => t.type === "string" || t.type === "enum";
const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

class PolicyChecker {
  private readonly attrs = new Map<string, AttributeType>();

  constructor(
    schema: SchemaDoc,
    private readonly file: string,
    private readonly locate: Locator,
    private readonly out: Diagnostic[],
  ) {
    for (const ns of NAMESPACES)
      for (const [name, t] of Object.entries(schema.attributes[ns])) this.attrs.set(`${ns}.${name}`, t);
    // Built-in metrics of the request's planned subgraph (graph.ts).
    for (const [name, description] of Object.entries(GRAPH_ATTRIBUTES))
      this.attrs.set(name, { type: "number", description });
  }

  private report(
    path: Path,
    code: Diagnostic["code"],
    message: string,
    extra: Partial<Diagnostic> = {},
    severity: Severity = "error",
  ): void {
    this.out.push({
      file: this.file,
      ...this.locate(path),
      severity,
      code,
      message,
      path: path.join("."),
      ...extra,
    });
  }

  check(
    doc: Omit<Policy, "rules"> & {
      rules: (Omit<Policy["rules"][number], "when" | "obligations"> & {
        when?: unknown;
        obligations: unknown[];
      })[];
    },
  ): Policy | undefined {
    const before = this.out.filter((d) => d.severity === "error").length;
    const reasonKeys = Object.keys(doc.reasons);
    const seen = new Map<string, number>();
    const rules: Policy["rules"] = [];
    doc.rules.forEach((rule, i) => {
      const first = seen.get(rule.id);
      if (first !== undefined) {
        const at = this.locate(["rules", first, "id"]);
        this.report(
          ["rules", i, "id"],
          "TF_LAC_DUPLICATE_ID",
          `Rule id ${JSON.stringify(rule.id)} is already used by rules[${first}] (line ${at.line})`,
        );
      } else seen.set(rule.id, i);
      if (!(rule.reason in doc.reasons)) this.unknownReason(rule.reason, ["rules", i, "reason"], reasonKeys);
      const when = rule.when === undefined ? undefined : this.condition(rule.when, ["rules", i, "when"], 0);
      const obligations: Obligation[] = [];
      rule.obligations.forEach((o, j) => {
        const ob = this.obligation(o, ["rules", i, "obligations", j]);
        if (ob) obligations.push(ob);
      });
      if (rule.effect === "deny" && obligations.length)
        this.report(
          ["rules", i, "obligations"],
          "TF_LAC_DOCUMENT_INVALID",
          "Obligations belong on allow rules; a deny returns no data",
          {},
          "warning",
        );
      rules.push({ ...rule, when, obligations } as Policy["rules"][number]);
    });
    if (doc.defaultReason !== undefined && !(doc.defaultReason in doc.reasons))
      this.unknownReason(doc.defaultReason, ["defaultReason"], reasonKeys);
    this.reasons(doc.reasons, doc.defaultLocale);
    const after = this.out.filter((d) => d.severity === "error").length;
    return after === before ? ({ ...doc, rules } as Policy) : undefined;
  }

  private unknownReason(key: string, path: Path, keys: string[]): void {
    const s = suggest(key, keys);
    this.report(
      path,
      "TF_LAC_UNKNOWN_REASON",
      `Reason key ${JSON.stringify(key)} is not in the policy's reasons`,
      s === undefined ? {} : { suggestion: s },
    );
  }

  private reasons(reasons: Record<string, Record<string, string>>, defaultLocale: string): void {
    const locales = new Set([defaultLocale]);
    for (const texts of Object.values(reasons)) for (const l of Object.keys(texts)) locales.add(l);
    for (const [key, texts] of Object.entries(reasons)) {
      const missing = [...locales].filter((l) => !(l in texts));
      if (missing.length)
        this.report(
          ["reasons", key],
          "TF_LAC_REASON_LOCALE",
          `Reason ${JSON.stringify(key)} has no text in ${missing.join(", ")}`,
          { expected: [...locales].join(", "), found: Object.keys(texts).join(", ") || "none" },
          missing.includes(defaultLocale) ? "error" : "warning",
        );
      for (const [locale, text] of Object.entries(texts))
        for (const m of text.matchAll(/\{([^{}]*)\}/g))
          if (!BUILTIN_PLACEHOLDERS.includes(m[1]!))
            this.attribute(m[1]!, ["reasons", key, locale], "in a reason");
    }
  }

  /** Resolves an attribute name; reports unknown names with a suggestion. */
  private attribute(name: unknown, path: Path, where = ""): AttributeType | undefined {
    if (typeof name !== "string") {
      this.report(path, "TF_LAC_TYPE", "An attribute name must be a string such as subject.role", {
        expected: "string",
        found: typeName(name),
      });
      return undefined;
    }
    const t = this.attrs.get(name);
    if (t) return t;
    const s = suggest(name, this.attrs.keys());
    const ns = name.split(".")[0]!;
    const hint =
      (NAMESPACES as readonly string[]).includes(ns) || ns === "graph"
        ? ""
        : ` (attributes start with ${NAMESPACES.join(", ")} or graph)`;
    this.report(
      path,
      "TF_LAC_UNKNOWN_ATTRIBUTE",
      `Unknown attribute ${JSON.stringify(name)}${where ? ` ${where}` : ""}${hint}`,
      s === undefined ? {} : { suggestion: s },
    );
    return undefined;
  }

  private condition(node: unknown, path: Path, depth: number): Condition | undefined {
    if (depth > MAX_DEPTH) {
      this.report(path, "TF_LAC_TOO_LARGE", `Conditions are nested deeper than ${MAX_DEPTH} levels`);
      return undefined;
    }
    if (!isObj(node)) {
      this.report(
        path,
        "TF_LAC_DOCUMENT_INVALID",
        "A condition is a map: {attr, op, value} or all:/any:/not:",
        { expected: "map", found: typeName(node) },
      );
      return undefined;
    }
    const keys = Object.keys(node);
    const combinator = keys.find((k) => k === "all" || k === "any" || k === "not");
    if (combinator) {
      if (keys.length !== 1) {
        this.report(
          path,
          "TF_LAC_DOCUMENT_INVALID",
          `A ${combinator}: condition has no other fields (found ${keys.join(", ")})`,
        );
        return undefined;
      }
      const inner = node[combinator];
      if (combinator === "not") {
        const c = this.condition(inner, [...path, "not"], depth + 1);
        return c && { not: c };
      }
      if (!Array.isArray(inner) || inner.length === 0) {
        this.report(
          [...path, combinator],
          "TF_LAC_DOCUMENT_INVALID",
          `${combinator}: takes a non-empty list of conditions`,
          { expected: "list", found: typeName(inner) },
        );
        return undefined;
      }
      const parts = inner.map((c, i) => this.condition(c, [...path, combinator, i], depth + 1));
      if (parts.some((c) => c === undefined)) return undefined;
      return combinator === "all" ? { all: parts as Condition[] } : { any: parts as Condition[] };
    }
    const extra = keys.filter((k) => k !== "attr" && k !== "op" && k !== "value");
    if (extra.length || !("attr" in node) || !("op" in node)) {
      const bad = extra[0];
      const s = bad === undefined ? undefined : suggest(bad, ["attr", "op", "value", "all", "any", "not"]);
      this.report(
        bad === undefined ? path : [...path, bad],
        "TF_LAC_DOCUMENT_INVALID",
        bad === undefined
          ? "A condition needs attr: and op: (or is all:/any:/not:)"
          : `Unknown field ${JSON.stringify(bad)} in a condition`,
        s === undefined ? {} : { suggestion: s },
      );
      return undefined;
    }
    const op = node.op;
    if (typeof op !== "string" || !(OPERATORS as readonly string[]).includes(op)) {
      const s = typeof op === "string" ? suggest(op, OPERATORS) : undefined;
      this.report([...path, "op"], "TF_LAC_DOCUMENT_INVALID", `Unknown operator ${JSON.stringify(op)}`, {
        expected: OPERATORS.join(" | "),
        found: JSON.stringify(op) ?? typeName(op),
        ...(s === undefined ? {} : { suggestion: s }),
      });
      return undefined;
    }
    const t = this.attribute(node.attr, [...path, "attr"]);
    if (!t) return undefined;
    const value = node.value;
    const ok = this.operand(
      t,
      op as Operator,
      value,
      "value" in node,
      [...path, "value"],
      node.attr as string,
    );
    return ok
      ? {
          attr: node.attr as string,
          op: op as Operator,
          ...("value" in node ? { value: value as Operand } : {}),
        }
      : undefined;
  }

  private typeError(
    path: Path,
    message: string,
    expected: string,
    found: string,
    suggestion?: string,
  ): false {
    this.report(path, "TF_LAC_TYPE", message, {
      expected,
      found,
      ...(suggestion === undefined ? {} : { suggestion }),
    });
    return false;
  }

  /** Checks a literal against a scalar type (strings against an enum's values). */
  private literal(t: AttributeType, v: unknown, path: Path, attr: string): boolean {
    const want = t.type === "enum" || t.type === "set" ? "string" : t.type;
    if (typeof v !== want)
      return this.typeError(
        path,
        `${attr} is ${typeLabel(t)}; ${JSON.stringify(v) ?? "nothing"} is a ${typeName(v)}`,
        typeLabel(t),
        typeName(v),
      );
    const allowed = t.type === "enum" || t.type === "set" ? t.values : undefined;
    if (allowed && !allowed.includes(v as string))
      return this.typeError(
        path,
        `${JSON.stringify(v)} is not a value of ${attr}`,
        typeLabel(t),
        JSON.stringify(v),
        suggest(v as string, allowed),
      );
    return true;
  }

  private reference(v: { attr?: unknown }, path: Path): AttributeType | undefined {
    if (Object.keys(v).length !== 1 || !("attr" in v)) {
      this.report(path, "TF_LAC_DOCUMENT_INVALID", "An attribute reference is {attr: namespace.name}");
      return undefined;
    }
    return this.attribute(v.attr, [...path, "attr"]);
  }

  private operand(
    t: AttributeType,
    op: Operator,
    v: unknown,
    present: boolean,
    path: Path,
    attr: string,
  ): boolean {
    const label = typeLabel(t);
    if (op === "exists") {
      if (present) this.report(path, "TF_LAC_DOCUMENT_INVALID", "exists takes no value");
      return !present;
    }
    if (!present) {
      this.report(path.slice(0, -1), "TF_LAC_DOCUMENT_INVALID", `Operator ${op} needs a value`);
      return false;
    }
    const ref = isObj(v) ? this.reference(v, path) : undefined;
    if (isObj(v) && !ref) return false;
    const refLabel = ref && typeLabel(ref);
    switch (op) {
      case "eq":
      case "ne":
        if (t.type === "set")
          return this.typeError(
            path,
            `${op} does not apply to the set ${attr}; use contains`,
            "string, number, boolean or enum attribute",
            label,
          );
        if (ref)
          return isStringy(t)
            ? isStringy(ref) ||
                this.typeError(
                  path,
                  `${attr} is ${label}, the referenced attribute is ${refLabel}`,
                  label,
                  refLabel!,
                )
            : ref.type === t.type ||
                this.typeError(
                  path,
                  `${attr} is ${label}, the referenced attribute is ${refLabel}`,
                  label,
                  refLabel!,
                );
        return this.literal(t, v, path, attr);
      case "in":
      case "not_in":
        if (t.type === "set")
          return this.typeError(
            path,
            `${op} does not apply to the set ${attr}; use contains`,
            "scalar attribute",
            label,
          );
        if (ref)
          return (
            (ref.type === "set" && isStringy(t)) ||
            this.typeError(
              path,
              `${op} needs a set of strings to look ${attr} up in`,
              "set<string>",
              refLabel!,
            )
          );
        if (!Array.isArray(v))
          return this.typeError(
            path,
            `${op} takes a list of ${label} values`,
            `list of ${label}`,
            typeName(v),
          );
        return v.map((x, i) => this.literal(t, x, [...path, i], attr)).every(Boolean);
      case "lt":
      case "le":
      case "gt":
      case "ge":
        if (t.type !== "number")
          return this.typeError(
            path.slice(0, -1),
            `${op} compares numbers; ${attr} is ${label}`,
            "number",
            label,
          );
        if (ref)
          return (
            ref.type === "number" ||
            this.typeError(
              path,
              `${op} compares numbers; the referenced attribute is ${refLabel}`,
              "number",
              refLabel!,
            )
          );
        return (
          typeof v === "number" ||
          this.typeError(
            path,
            `${op} compares numbers; ${JSON.stringify(v)} is a ${typeName(v)}`,
            "number",
            typeName(v),
          )
        );
      case "contains":
        if (t.type !== "set")
          return this.typeError(
            path.slice(0, -1),
            `contains applies to sets; ${attr} is ${label}`,
            "set",
            label,
          );
        if (ref)
          return (
            isStringy(ref) ||
            this.typeError(
              path,
              `contains looks up a string; the referenced attribute is ${refLabel}`,
              "string",
              refLabel!,
            )
          );
        return this.literal(t, v, path, attr);
    }
  }

  private obligation(o: unknown, path: Path): Obligation | undefined {
    const preset = isObj(o) ? o.preset : undefined;
    if (typeof preset !== "string" || !(PRESETS as readonly string[]).includes(preset)) {
      const s = typeof preset === "string" ? suggest(preset, PRESETS) : undefined;
      this.report(
        isObj(o) && "preset" in o ? [...path, "preset"] : path,
        "TF_LAC_UNKNOWN_PRESET",
        `Unknown minimization preset ${JSON.stringify(preset) ?? "(none)"}`,
        {
          expected: PRESETS.join(" | "),
          found: JSON.stringify(preset) ?? typeName(o),
          ...(s === undefined ? {} : { suggestion: s }),
        },
      );
      return undefined;
    }
    const r = validateShape(Obligation, o, this.file, this.locate, path);
    this.out.push(...r.diagnostics);
    return r.data;
  }
}
