/**
 * `lacLint`: the policy linter. It type-checks first (check errors come back as findings with
 * their TF_LAC_* codes), then runs the catalogue in lint/catalogue.ts on the checked policy.
 * Fixes edit yaml's Document (comments survive) and are applied only on request, until no
 * fixable finding is left.
 */
import { TfError } from "../core/errors.js";
import { lacCheck } from "./checker.js";
import type { Diagnostic, Position } from "./diagnostics.js";
import { canonicalize, lacFormat, parseForEdit, render } from "./fmt.js";
import {
  findRule,
  helpUri,
  LINT_DOCS_URL,
  LINT_RULES,
  type LintCategory,
  type LintRuleInfo,
  type LintSeverity,
  RULES_BY_ID,
  SEVERITY_RANK,
} from "./lint/catalogue.js";
import { type Types, toNode } from "./lint/logic.js";
import { type Fix, type Path, type Report, RULE_FUNCTIONS, type RuleContext } from "./lint/rules.js";
import { NAMESPACES } from "./model.js";
import type { Replacement, ReportResult, ReportRule, ReportTool } from "./report-formats.js";
import { decodeSource, loadYaml, type SourceInput } from "./source.js";
import { lacTest } from "./testing.js";

export * from "./lint/catalogue.js";

export interface LintOptions {
  policyFile?: string;
  schemaFile?: string;
  /** A PolicyTest document: enables LAC207 (untested-rule). */
  tests?: SourceInput;
  testsFile?: string;
  /** Run only these rules (ids or names); default all. */
  rules?: string[];
  /** Skip these rules (ids or names). */
  disable?: string[];
  /** Apply the safe fixes and return the rewritten policy in `fixed`. */
  fix?: boolean;
}

export interface LintFinding {
  /** LAC101… for lint rules; the TF_LAC_* code for a finding of the type checker. */
  rule: string;
  name: string;
  category: LintCategory;
  severity: LintSeverity;
  file: string;
  line: number;
  col: number;
  path?: string;
  message: string;
  /** The fix --fix would apply, as text replacements of the original file. */
  fix?: { description: string; replacements: Replacement[] };
  related?: { line: number; col: number; message: string }[];
}

export interface AppliedFix {
  rule: string;
  line: number;
  description: string;
}

export interface LintResult {
  /** False when the policy does not type-check: the findings are the checker's. */
  checked: boolean;
  findings: LintFinding[];
  counts: Record<LintSeverity, number>;
  /** The rules that ran. */
  rules: LintRuleInfo[];
  /** With `fix`: the rewritten policy text, when any fix applied. */
  fixed?: string;
  applied: AppliedFix[];
}

const MAX_FIX_PASSES = 5;

/** Resolves --rule / --disable to the rules that run; unknown names are TF_LAC_LINT_RULE_UNKNOWN. */
export function selectRules(only?: string[], disable?: string[]): LintRuleInfo[] {
  const resolve = (names: string[]) =>
    names
      .flatMap((n) => n.split(","))
      .filter((n) => n.trim() !== "")
      .map((n) => {
        const r = findRule(n);
        if (!r)
          throw new TfError("TF_LAC_LINT_RULE_UNKNOWN", `Unknown lint rule ${JSON.stringify(n.trim())}`, {
            details: { rule: n.trim(), rules: LINT_RULES.map((x) => `${x.id} ${x.name}`) },
          });
        return r;
      });
  const on = only?.length ? new Set(resolve(only)) : new Set(LINT_RULES);
  for (const r of resolve(disable ?? [])) on.delete(r);
  return LINT_RULES.filter((r) => on.has(r));
}

/** Lints a policy against its schema. Throws only for bad options or an unloadable tests file. */
export function lacLint(policy: SourceInput, schema: SourceInput, options: LintOptions = {}): LintResult {
  const selected = selectRules(options.rules, options.disable);
  const file = options.policyFile ?? "policy";
  const covered = coverage(policy, schema, options, selected);
  const first = lintOnce(policy, schema, options, selected, covered);
  if (!options.fix || !first.checked) return { ...first.result, applied: [] };

  let text = decodeSource(policy, file).text!;
  const applied: AppliedFix[] = [];
  let pass = first;
  for (let n = 0; n < MAX_FIX_PASSES; n++) {
    const fixable = pass.reports.filter((r) => r.report.fix && r.report.rule !== "LAC302");
    if (!fixable.length) break;
    const doc = parseForEdit(text);
    for (const { report, finding } of fixable) {
      report.fix!.apply(doc);
      applied.push({ rule: report.rule, line: finding.line, description: report.fix!.description });
    }
    text = render(doc);
    pass = lintOnce(text, schema, options, selected, covered);
    if (!pass.checked) break;
  }
  if (selected.some((r) => r.id === "LAC302")) {
    const f = lacFormat(text, file);
    if (f.formatted !== undefined && f.changed) {
      applied.push({ rule: "LAC302", line: 1, description: "rewrite in the canonical layout (tf lac fmt)" });
      text = f.formatted;
    }
  }
  const original = decodeSource(policy, file).text!;
  const final = text === original ? pass : lintOnce(text, schema, options, selected, covered);
  return { ...final.result, applied, ...(text === original ? {} : { fixed: text }) };
}

/** Rule coverage from the tests, when given and LAC207 runs. */
function coverage(
  policy: SourceInput,
  schema: SourceInput,
  options: LintOptions,
  selected: LintRuleInfo[],
): Set<string> | undefined {
  if (options.tests === undefined || !selected.some((r) => r.needsTests)) return undefined;
  const check = lacCheck(policy, schema, options);
  if (!check.ok) return undefined;
  const run = lacTest(policy, schema, options.tests, options);
  return new Set(run.coverage.rules.filter((r) => r.covered).map((r) => r.id));
}

interface Pass {
  checked: boolean;
  result: Omit<LintResult, "applied">;
  reports: { report: Report; finding: LintFinding }[];
}

function checkFinding(d: Diagnostic): LintFinding {
  return {
    rule: d.code,
    name: d.code
      .toLowerCase()
      .replace(/^tf_lac_/, "")
      .replace(/_/g, "-"),
    category: "bugs",
    severity: d.severity,
    file: d.file,
    line: d.line,
    col: d.col,
    ...(d.path === undefined ? {} : { path: d.path }),
    message:
      d.message +
      (d.expected !== undefined || d.found !== undefined
        ? ` (expected ${d.expected ?? "?"}, found ${d.found ?? "?"})`
        : "") +
      (d.suggestion === undefined ? "" : ` — did you mean ${JSON.stringify(d.suggestion)}?`),
  };
}

function counts(findings: LintFinding[]): Record<LintSeverity, number> {
  const c = { error: 0, warning: 0, info: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

function lintOnce(
  policy: SourceInput,
  schema: SourceInput,
  options: LintOptions,
  selected: LintRuleInfo[],
  covered: Set<string> | undefined,
): Pass {
  const file = options.policyFile ?? "policy";
  const check = lacCheck(policy, schema, options);
  // LAC202 reports missing non-default locales itself, with a fix-it message.
  const diagnostics = check.diagnostics.filter(
    (d) => !(d.code === "TF_LAC_REASON_LOCALE" && d.severity === "warning"),
  );
  const checkFindings = diagnostics.map(checkFinding);
  if (!check.ok) {
    return {
      checked: false,
      result: { checked: false, findings: checkFindings, counts: counts(checkFindings), rules: selected },
      reports: [],
    };
  }
  const p = check.policy!;
  const s = check.schema!;
  const text = decodeSource(policy, file).text!;
  const { locate } = loadYaml(text, file);
  const typeMap = new Map<string, ReturnType<Types>>();
  for (const ns of NAMESPACES)
    for (const [k, t] of Object.entries(s.attributes[ns])) typeMap.set(`${ns}.${k}`, t);
  const types: Types = (a) => typeMap.get(a) ?? (a.startsWith("graph.") ? { type: "number" } : undefined);

  const on = new Set(selected.map((r) => r.id));
  const reports: Report[] = [];
  let canonical: RuleContext["canonical"];
  if (on.has("LAC302")) {
    const f = lacFormat(text, file);
    if (f.changed && f.formatted !== undefined)
      canonical = { firstDifference: firstDifference(text, f.formatted), fix: formatFix };
  }
  const ctx: RuleContext = {
    policy: p,
    schema: s,
    nodes: p.rules.map((r) => toNode(r.when, types)),
    types,
    ...(covered ? { covered } : {}),
    ...(canonical ? { canonical } : {}),
    report: (r) => {
      if (on.has(r.rule)) reports.push(r);
    },
  };
  for (const f of RULE_FUNCTIONS) f(ctx);

  const at = (path: Path): Position => (path.length ? locate(path) : { line: 1, col: 1 });
  const pairs = reports.map((report) => {
    const info = RULES_BY_ID.get(report.rule)!;
    const pos = report.rule === "LAC302" && canonical ? canonical.firstDifference : at(report.path);
    const finding: LintFinding = {
      rule: info.id,
      name: info.name,
      category: info.category,
      severity: report.severity ?? info.severity,
      file,
      line: pos.line,
      col: pos.col,
      ...(report.path.length ? { path: report.path.join(".") } : {}),
      message: report.message,
      ...(report.fix
        ? { fix: { description: report.fix.description, replacements: replacements(text, report.fix) } }
        : {}),
      ...(report.related?.length
        ? { related: report.related.map((x) => ({ ...at(x.path), message: x.message })) }
        : {}),
    };
    return { report, finding };
  });
  pairs.sort((a, b) => a.finding.line - b.finding.line || a.finding.col - b.finding.col);
  const findings = [...checkFindings, ...pairs.map((x) => x.finding)];
  return {
    checked: true,
    result: { checked: true, findings, counts: counts(findings), rules: selected },
    reports: pairs,
  };
}

const formatFix: Fix = { description: "rewrite in the canonical layout (tf lac fmt)", apply: canonicalize };

function firstDifference(a: string, b: string): Position {
  const la = a.split("\n");
  const lb = b.split("\n");
  let i = 0;
  while (i < la.length && la[i] === lb[i]) i++;
  return { line: Math.min(i + 1, la.length), col: 1 };
}

/** Line starts of a text, for offset ↔ line/column. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function position(starts: number[], offset: number): { line: number; col: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - starts[lo]! + 1 };
}

/** The fix as one replacement of whole lines: the span between the common prefix and suffix. */
function replacements(text: string, fix: Fix): Replacement[] {
  const doc = parseForEdit(text);
  fix.apply(doc);
  const after = render(doc);
  if (after === text) return [];
  const a = text.split(/(?<=\n)/);
  const b = after.split(/(?<=\n)/);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf])
    suf++;
  const start = a.slice(0, pre).join("").length;
  const deleted = a.slice(pre, a.length - suf).join("");
  const starts = lineStarts(text);
  const s = position(starts, start);
  const e = position(starts, start + deleted.length);
  return [
    {
      startLine: s.line,
      startCol: s.col,
      endLine: e.line,
      endCol: e.col,
      charOffset: start,
      charLength: deleted.length,
      text: b.slice(pre, b.length - suf).join(""),
    },
  ];
}

/** The rule catalogue (and any checker codes that occurred) in report-formats' terms. */
export function lintTool(version: string, findings: LintFinding[] = []): ReportTool {
  const rules: ReportRule[] = LINT_RULES.map((r) => ({
    id: r.id,
    name: r.name,
    summary: r.summary,
    helpUri: helpUri(r),
    level: r.severity,
    tags: [r.category],
  }));
  for (const f of findings)
    if (!RULES_BY_ID.has(f.rule) && !rules.some((r) => r.id === f.rule))
      rules.push({
        id: f.rule,
        name: f.name,
        summary: `Type check: ${f.name.replace(/-/g, " ")} (tf lac check)`,
        helpUri: `${LINT_DOCS_URL}#type-check-findings`,
        level: "error",
        tags: ["bugs", "check"],
      });
  return { name: "tf lac lint", version, informationUri: LINT_DOCS_URL, rules };
}

export function lintResults(findings: LintFinding[]): ReportResult[] {
  return findings.map((f) => ({
    ruleId: f.rule,
    level: f.severity,
    message: f.message,
    file: f.file,
    line: f.line,
    col: f.col,
    ...(f.fix?.replacements.length ? { fix: f.fix } : {}),
  }));
}

/** True when a finding is at or above the level (`never` fails nothing). */
export function failsAt(findings: LintFinding[], level: LintSeverity | "never"): boolean {
  if (level === "never") return false;
  return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[level]);
}
