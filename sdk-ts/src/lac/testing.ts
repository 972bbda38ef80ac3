/**
 * Policy unit tests: a PolicyTest document lists requests and the decisions expected of them.
 * `lacTest` compiles the policy, runs every case, diffs expected against actual and measures
 * which rules the cases make decide (rule coverage).
 */
import { z } from "zod";
import { TfError } from "../core/errors.js";
import { compilePolicy, type Decision } from "./compile.js";
import { type Diagnostic, formatDiagnostic, type Locator, suggest } from "./diagnostics.js";
import { LAC_API_VERSION } from "./model.js";
import { loadYaml, type SourceInput, validateShape } from "./source.js";

const ExpectedObligation = z
  .object({ preset: z.string(), field: z.string(), rule: z.string().optional() })
  .catchall(z.unknown());

export const PolicyTestDoc = z.strictObject({
  apiVersion: z.literal(LAC_API_VERSION),
  kind: z.literal("PolicyTest"),
  metadata: z.strictObject({ name: z.string().min(1), description: z.string().optional() }).optional(),
  cases: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        description: z.string().optional(),
        locale: z.string().optional().describe("locale of the reasons (only matters for texts)"),
        request: z.record(z.string(), z.unknown()).describe("{subject, resource, action, context}"),
        expect: z.strictObject({
          decision: z.enum(["allow", "deny"]).describe("the policy's decision (what enforce mode does)"),
          rules: z
            .array(z.string())
            .optional()
            .describe("the deciding rules, in any order; [] = default deny"),
          reasons: z.array(z.string()).optional().describe("reason keys, in any order"),
          obligations: z
            .array(ExpectedObligation)
            .optional()
            .describe("each lists the fields to match; the counts must be equal"),
          notEvaluable: z.array(z.string()).optional(),
        }),
      }),
    )
    .min(1),
});
export type PolicyTestDoc = z.output<typeof PolicyTestDoc>;
type Expect = PolicyTestDoc["cases"][number]["expect"];

export interface CaseOutcome {
  decision: "allow" | "deny";
  rules: string[];
  reasons: string[];
  obligations: Decision["obligations"];
  notEvaluable: string[];
}

export interface TestCaseResult {
  name: string;
  line: number;
  col: number;
  status: "pass" | "fail" | "error";
  expected: Expect;
  actual?: CaseOutcome;
  /** `- expected` / `+ actual` lines of every field that differs. */
  diff: string[];
  error?: { code: string; message: string };
}

export interface RuleCoverage {
  id: string;
  line: number;
  /** Cases in which the rule decided. */
  decided: number;
  /** Cases in which the rule was skipped for a missing attribute. */
  notEvaluable: number;
  covered: boolean;
}

export interface TestRun {
  policy: { name: string; version: string };
  cases: TestCaseResult[];
  passed: number;
  failed: number;
  errors: number;
  coverage: {
    rules: RuleCoverage[];
    covered: number;
    total: number;
    /** covered / total × 100, rounded down to one decimal (100 for a policy without rules). */
    percent: number;
    uncovered: string[];
    /** Uncovered rules that some case skipped as not evaluable: the tests lack an attribute. */
    onlyNotEvaluable: string[];
    /** Whether some case was denied by default (no rule applied). */
    defaultDeny: boolean;
  };
}

export interface TestOptions {
  policyFile?: string;
  schemaFile?: string;
  testsFile?: string;
}

/** Parses and validates a PolicyTest document; throws the source's code or TF_LAC_TEST_INVALID. */
export function loadPolicyTests(input: SourceInput, file = "tests"): { doc: PolicyTestDoc; locate: Locator } {
  const loaded = loadYaml(input, file);
  const fail = (diagnostics: Diagnostic[], code = diagnostics[0]!.code) => {
    throw new TfError(code, `The policy tests do not load: ${formatDiagnostic(diagnostics[0]!)}`, {
      details: { diagnostics: diagnostics.slice(0, 50) },
      remedy:
        code === "TF_LAC_TEST_INVALID"
          ? undefined
          : "Fix the test file at the reported position (UTF-8 YAML, kind: PolicyTest).",
    });
  };
  if (loaded.diagnostics.length) fail(loaded.diagnostics);
  const r = validateShape(PolicyTestDoc, loaded.value, file, loaded.locate);
  if (!r.data) fail(r.diagnostics, "TF_LAC_TEST_INVALID");
  const names = new Map<string, number>();
  const dup: Diagnostic[] = [];
  r.data!.cases.forEach((c, i) => {
    const j = names.get(c.name);
    if (j !== undefined)
      dup.push({
        file,
        ...loaded.locate(["cases", i, "name"]),
        severity: "error",
        code: "TF_LAC_TEST_INVALID",
        message: `Case name ${JSON.stringify(c.name)} is already used by cases[${j}]`,
        path: `cases.${i}.name`,
      });
    else names.set(c.name, i);
  });
  if (dup.length) fail(dup, "TF_LAC_TEST_INVALID");
  return { doc: r.data!, locate: loaded.locate };
}

/** Runs policy tests. Throws TF_LAC_POLICY_INVALID when the policy does not check. */
export function lacTest(
  policy: SourceInput,
  schema: SourceInput,
  tests: SourceInput,
  options: TestOptions = {},
): TestRun {
  const compiled = compilePolicy(policy, schema, options);
  const policyLoaded = loadYaml(policy, options.policyFile ?? "policy");
  const ruleIds: string[] = (
    ((policyLoaded.value as { rules?: { id: string }[] }).rules ?? []) as { id: string }[]
  ).map((r) => r.id);
  const testsFile = options.testsFile ?? "tests";
  const { doc, locate } = loadPolicyTests(tests, testsFile);
  unknownRules(doc, ruleIds, testsFile, locate);

  const coverage = new Map<string, { decided: number; notEvaluable: number }>(
    ruleIds.map((id) => [id, { decided: 0, notEvaluable: 0 }]),
  );
  let defaultDeny = false;
  const cases = doc.cases.map((c, i): TestCaseResult => {
    const at = locate(["cases", i]);
    const base = { name: c.name, line: at.line, col: at.col, expected: c.expect };
    let d: Decision;
    try {
      d = compiled.decide(c.request, c.locale === undefined ? {} : { locale: c.locale });
    } catch (e) {
      if (!(e instanceof TfError)) throw e;
      return {
        ...base,
        status: "error",
        diff: [],
        error: { code: e.code, message: e.message },
      };
    }
    for (const id of d.decidingRules) coverage.get(id)!.decided++;
    for (const id of d.notEvaluable) coverage.get(id)!.notEvaluable++;
    if (d.defaulted) defaultDeny = true;
    const actual: CaseOutcome = {
      decision: d.policyDecision,
      rules: d.decidingRules,
      reasons: d.reasons.map((r) => r.key),
      obligations: d.obligations,
      notEvaluable: d.notEvaluable,
    };
    const diff = compare(c.expect, actual);
    return { ...base, status: diff.length ? "fail" : "pass", actual, diff };
  });

  const rules: RuleCoverage[] = ruleIds.map((id, i) => {
    const c = coverage.get(id)!;
    return { id, line: policyLoaded.locate(["rules", i]).line, ...c, covered: c.decided > 0 };
  });
  const covered = rules.filter((r) => r.covered).length;
  const uncovered = rules.filter((r) => !r.covered);
  return {
    policy: { name: compiled.name, version: compiled.version },
    cases,
    passed: cases.filter((c) => c.status === "pass").length,
    failed: cases.filter((c) => c.status === "fail").length,
    errors: cases.filter((c) => c.status === "error").length,
    coverage: {
      rules,
      covered,
      total: rules.length,
      percent: rules.length ? Math.floor((covered / rules.length) * 1000) / 10 : 100,
      uncovered: uncovered.map((r) => r.id),
      onlyNotEvaluable: uncovered.filter((r) => r.notEvaluable > 0).map((r) => r.id),
      defaultDeny,
    },
  };
}

/** Rule ids named in expectations must exist (a typo would make a case fail for the wrong reason). */
function unknownRules(doc: PolicyTestDoc, ids: string[], file: string, locate: Locator): void {
  const bad: Diagnostic[] = [];
  doc.cases.forEach((c, i) => {
    for (const field of ["rules", "notEvaluable"] as const)
      (c.expect[field] ?? []).forEach((id, k) => {
        if (ids.includes(id)) return;
        const s = suggest(id, ids);
        bad.push({
          file,
          ...locate(["cases", i, "expect", field, k]),
          severity: "error",
          code: "TF_LAC_TEST_INVALID",
          message: `Case ${JSON.stringify(c.name)} names rule ${JSON.stringify(id)}, which the policy does not have`,
          path: `cases.${i}.expect.${field}.${k}`,
          ...(s === undefined ? {} : { suggestion: s }),
        });
      });
  });
  if (bad.length)
    throw new TfError("TF_LAC_TEST_INVALID", `The policy tests do not load: ${formatDiagnostic(bad[0]!)}`, {
      details: { diagnostics: bad.slice(0, 50) },
    });
}

const sorted = (xs: readonly string[]) => [...xs].sort();
const show = (v: unknown) => JSON.stringify(v);

function obligationsMatch(expected: NonNullable<Expect["obligations"]>, actual: CaseOutcome["obligations"]) {
  if (expected.length !== actual.length) return false;
  const left = [...actual] as Record<string, unknown>[];
  return expected.every((e) => {
    const k = left.findIndex((a) => Object.entries(e).every(([key, v]) => show(a[key]) === show(v)));
    if (k < 0) return false;
    left.splice(k, 1);
    return true;
  });
}

function compare(e: Expect, a: CaseOutcome): string[] {
  const diff: string[] = [];
  const line = (field: string, want: unknown, got: unknown) =>
    diff.push(`- ${field}: ${show(want)}`, `+ ${field}: ${show(got)}`);
  if (e.decision !== a.decision) line("decision", e.decision, a.decision);
  for (const field of ["rules", "reasons", "notEvaluable"] as const) {
    const want = e[field];
    if (want !== undefined && show(sorted(want)) !== show(sorted(a[field])))
      line(field, sorted(want), sorted(a[field]));
  }
  if (e.obligations !== undefined && !obligationsMatch(e.obligations, a.obligations))
    line("obligations", e.obligations, a.obligations);
  return diff;
}
