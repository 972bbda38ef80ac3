/**
 * The catalogue of LAC lint rules: stable ids (LAC1xx bugs, LAC2xx safety, LAC3xx style,
 * LAC4xx performance), names, default severities and one-line summaries. docs/lac-lint.md has
 * one section per rule; its anchor is `lacNNN-name`, which helpUri points at.
 */

export type LintSeverity = "error" | "warning" | "info";
export type LintCategory = "bugs" | "safety" | "style" | "performance";

export interface LintRuleInfo {
  id: string;
  name: string;
  category: LintCategory;
  severity: LintSeverity;
  summary: string;
  /** True when the rule offers an automatic fix (applied by --fix). */
  fixable: boolean;
  /** Runs only when a policy test file is given. */
  needsTests?: boolean;
}

/** Where the catalogue is published; helpUri is this plus `#<anchor>`. */
export const LINT_DOCS_URL = "https://trustfabric.dev/docs/lac-lint";

const r = (
  id: string,
  name: string,
  category: LintCategory,
  severity: LintSeverity,
  summary: string,
  fixable = false,
  needsTests = false,
): LintRuleInfo => ({
  id,
  name,
  category,
  severity,
  summary,
  fixable,
  ...(needsTests ? { needsTests } : {}),
});

export const LINT_RULES: readonly LintRuleInfo[] = [
  r(
    "LAC101",
    "unreachable-rule",
    "bugs",
    "warning",
    "A rule that can never decide: an earlier or overriding rule always applies when it does.",
  ),
  r(
    "LAC102",
    "shadowed-rule",
    "bugs",
    "warning",
    "A rule whose condition implies an earlier rule's with the same effect: it adds nothing.",
  ),
  r(
    "LAC103",
    "conflicting-rules",
    "bugs",
    "warning",
    "An allow and a deny rule with equivalent conditions: one of them never decides.",
  ),
  r(
    "LAC104",
    "contradictory-condition",
    "bugs",
    "error",
    "A condition (or part of one) that can never be true, such as x eq a and x eq b.",
  ),
  r(
    "LAC105",
    "tautological-condition",
    "bugs",
    "warning",
    "A condition that is always true, or a test that never changes the outcome.",
  ),
  r(
    "LAC106",
    "duplicate-condition",
    "bugs",
    "warning",
    "The same test twice in one all: or any: list.",
    true,
  ),
  r(
    "LAC107",
    "impossible-comparison",
    "bugs",
    "warning",
    "A comparison between attributes whose declared values never meet.",
  ),
  r(
    "LAC108",
    "id-effect-mismatch",
    "bugs",
    "warning",
    "A rule id that names the opposite effect (allow-… on a deny rule).",
  ),
  r(
    "LAC201",
    "deny-without-reason",
    "safety",
    "error",
    "A denial with no reason text in the default locale.",
  ),
  r(
    "LAC202",
    "reason-locale-missing",
    "safety",
    "warning",
    "A reason without a text in a locale the policy uses.",
  ),
  r("LAC203", "unused-reason", "safety", "warning", "A reason key no rule and no defaultReason uses.", true),
  r(
    "LAC204",
    "over-broad-allow",
    "safety",
    "warning",
    "An allow rule with no condition, or one that only tests that attributes exist.",
  ),
  r(
    "LAC205",
    "unminimized-export",
    "safety",
    "warning",
    "An allow rule that can grant an export or share with no obligation.",
  ),
  r(
    "LAC206",
    "preset-bypass",
    "safety",
    "warning",
    "Obligation parameters that make a minimization preset (nearly) a no-op.",
    true,
  ),
  r("LAC207", "untested-rule", "safety", "warning", "A rule no policy test case makes decide.", false, true),
  r("LAC301", "rule-id-style", "style", "info", "A rule id that is not lower-case kebab-case."),
  r(
    "LAC302",
    "non-canonical-format",
    "style",
    "info",
    "The file is not in the canonical layout; run tf lac fmt.",
    true,
  ),
  r(
    "LAC401",
    "expensive-test-first",
    "performance",
    "info",
    "A graph.* test ordered before cheaper tests in an all:/any: list.",
    true,
  ),
];

export const RULES_BY_ID: ReadonlyMap<string, LintRuleInfo> = new Map(LINT_RULES.map((x) => [x.id, x]));

export function ruleAnchor(rule: { id: string; name: string }): string {
  return `${rule.id.toLowerCase()}-${rule.name}`;
}

export function helpUri(rule: { id: string; name: string }): string {
  return `${LINT_DOCS_URL}#${ruleAnchor(rule)}`;
}

/** Finds a rule by id (LAC101) or name (unreachable-rule), case-insensitively. */
export function findRule(key: string): LintRuleInfo | undefined {
  const k = key.trim().toLowerCase();
  return LINT_RULES.find((x) => x.id.toLowerCase() === k || x.name === k);
}

export const SEVERITY_RANK: Record<LintSeverity, number> = { info: 1, warning: 2, error: 3 };
