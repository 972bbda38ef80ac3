/**
 * The red-team corpus runner: labelled requests (attacks and benign look-alikes) are decided by
 * the policy they target, and every disagreement with the label is reported — a false negative
 * (expected deny, got allow: a leak) or a false positive (expected allow, got deny: friction) —
 * per category, with a gate on the false-negative count and the false-positive rate.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { TfError } from "../core/errors.js";
import type { CompiledPolicy, Decision, LacRequest } from "./compile.js";

export const REDTEAM_SCHEMA = "trustfabric.dev/lac/redteam/v1";

export const RedTeamCase = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, "Case ids are letters, digits, '.', '_', ':' and '-'"),
  category: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "Categories are lower-case kebab-case"),
  description: z.string().min(1),
  policy: z.string().min(1).describe("name of the policy the case targets (a key of the corpus's policies)"),
  request: z.record(z.string(), z.unknown()).describe("{subject, resource, action, context, graph?}"),
  expect: z.strictObject({
    decision: z
      .enum(["allow", "deny"])
      .describe("what the policy should decide (audit mode: what it would enforce)"),
    rules: z.array(z.string()).optional().describe("rules that should be among the deciding rules"),
    reasons: z
      .array(z.string())
      .optional()
      .describe("reason keys that should be among the decision's reasons"),
    error: z.string().optional().describe("the request should be refused with this error code (a denial)"),
  }),
});
export type RedTeamCase = z.output<typeof RedTeamCase>;

export const RedTeamManifest = z.strictObject({
  apiVersion: z.literal("trustfabric.dev/lac/v1"),
  kind: z.literal("RedTeamCorpus"),
  metadata: z.strictObject({ name: z.string().min(1), description: z.string().optional() }),
  schema: z.string().min(1).describe("path of the schema, relative to the corpus directory"),
  policies: z.record(z.string(), z.string()).describe("policy name → path, relative to the corpus directory"),
  cases: z.string().default("cases").describe("directory of *.jsonl / *.yaml case files"),
});

const Failure = z.object({
  id: z.string(),
  category: z.string(),
  policy: z.string(),
  kind: z.enum(["false-negative", "false-positive", "rule-mismatch"]),
  expected: z.string().describe("the label: allow or deny, with expected rules/reasons/error when given"),
  got: z.enum(["allow", "deny"]),
  decidingRules: z.array(z.string()),
  reasons: z.array(z.string()).describe("reason keys of the decision"),
  error: z.string().nullable().describe("the error code when the request was refused before any rule"),
  description: z.string(),
});

export const RedTeamReport = z.object({
  schema: z.literal(REDTEAM_SCHEMA),
  summary: z.object({
    cases: z.number().int(),
    expectedDeny: z.number().int(),
    expectedAllow: z.number().int(),
    falseNegatives: z.number().int().describe("expected deny, got allow"),
    falsePositives: z.number().int().describe("expected allow, got deny"),
    fnRate: z.number().describe("false negatives / expected-deny cases"),
    fpRate: z.number().describe("false positives / expected-allow cases"),
    ruleMismatches: z.number().int().describe("right decision, but not by the expected rules or reasons"),
  }),
  categories: z.array(
    z.object({
      category: z.string(),
      cases: z.number().int(),
      expectedDeny: z.number().int(),
      expectedAllow: z.number().int(),
      falseNegatives: z.array(z.string()).describe("case ids"),
      falsePositives: z.array(z.string()).describe("case ids"),
      ruleMismatches: z.array(z.string()).describe("case ids"),
    }),
  ),
  policies: z.array(z.object({ name: z.string(), version: z.string(), cases: z.number().int() })),
  failures: z.array(Failure),
  gate: z.object({
    maxFn: z.number().int().nullable(),
    maxFpRate: z.number().nullable(),
    ok: z.boolean().describe("true when no limit given is exceeded"),
    violations: z.array(z.string()),
  }),
});
export type RedTeamReport = z.output<typeof RedTeamReport>;

const corpusError = (message: string, details: Record<string, unknown>, cause?: unknown) =>
  new TfError("TF_LAC_REDTEAM_CORPUS_INVALID", message, { details, cause });

/** Parses and validates cases: JSON objects (one per line) or a YAML list. */
export function parseCases(text: string, file: string): RedTeamCase[] {
  const out: RedTeamCase[] = [];
  const check = (raw: unknown, where: string) => {
    const r = RedTeamCase.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw corpusError(`${where}: ${issue.path.join(".") || "(case)"}: ${issue.message}`, {
        file,
        where,
        path: issue.path.join("."),
      });
    }
    out.push(r.data);
  };
  if (/\.ya?ml$/i.test(file)) {
    let doc: unknown;
    try {
      doc = parseYaml(text, { maxAliasCount: 100 });
    } catch (e) {
      throw corpusError(`${file} is not valid YAML: ${(e as Error).message}`, { file }, e);
    }
    if (!Array.isArray(doc)) throw corpusError(`${file} must hold a YAML list of cases`, { file });
    for (const [i, c] of doc.entries()) check(c, `${file}[${i}]`);
    return out;
  }
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw corpusError(
        `${file}:${i + 1} is not valid JSON: ${(e as Error).message}`,
        { file, line: i + 1 },
        e,
      );
    }
    check(raw, `${file}:${i + 1}`);
  });
  return out;
}

export interface LoadedCorpus {
  name: string;
  /** The schema's text. */
  schema: string;
  schemaFile: string;
  /** Policy name → {text, file}. */
  policies: Record<string, { text: string; file: string }>;
  cases: RedTeamCase[];
}

const readText = (path: string, what: string): string => {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new TfError("TF_FILE_NOT_FOUND", `Cannot read ${what} ${path}`, { details: { path }, cause: e });
  }
};

/** Loads a corpus directory: corpus.yaml, the schema and policies it names, and its case files. */
export function loadRedTeamCorpus(dir: string): LoadedCorpus {
  const root = resolve(dir);
  const manifestPath = join(root, "corpus.yaml");
  let manifest: z.output<typeof RedTeamManifest>;
  try {
    manifest = RedTeamManifest.parse(parseYaml(readText(manifestPath, "the corpus manifest")));
  } catch (e) {
    if (e instanceof TfError) throw e;
    throw corpusError(
      `${manifestPath} is not a RedTeamCorpus manifest: ${(e as Error).message.split("\n")[0]}`,
      {
        file: manifestPath,
      },
    );
  }
  const schemaFile = resolve(root, manifest.schema);
  const policies: LoadedCorpus["policies"] = {};
  for (const [name, p] of Object.entries(manifest.policies)) {
    const file = resolve(root, p);
    policies[name] = { text: readText(file, `policy ${name}`), file };
  }
  const casesDir = resolve(root, manifest.cases);
  let names: string[];
  try {
    names = readdirSync(casesDir)
      .filter((n) => /\.(jsonl|ya?ml)$/i.test(n) && statSync(join(casesDir, n)).isFile())
      .sort();
  } catch (e) {
    throw new TfError("TF_FILE_NOT_FOUND", `No case directory at ${casesDir}`, {
      details: { path: casesDir },
      cause: e,
    });
  }
  const cases = names.flatMap((n) =>
    parseCases(readText(join(casesDir, n), "case file"), join(dirname(casesDir), manifest.cases, n)),
  );
  return {
    name: manifest.metadata.name,
    schema: readText(schemaFile, "the schema"),
    schemaFile,
    policies,
    cases,
  };
}

export interface RedTeamOptions {
  /** Gate: most false negatives allowed (none by default: no gate). */
  maxFn?: number;
  /** Gate: highest false-positive rate allowed, 0..1. */
  maxFpRate?: number;
  /** Only run these categories. */
  categories?: readonly string[];
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1e6) / 1e6);

/** Runs every case against its (compiled) policy and compares with the labels. */
export function runRedTeam(
  cases: readonly RedTeamCase[],
  policies: ReadonlyMap<string, CompiledPolicy>,
  options: RedTeamOptions = {},
): RedTeamReport {
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.id)) throw corpusError(`Two cases have the id ${c.id}`, { id: c.id });
    seen.add(c.id);
    if (!policies.has(c.policy))
      throw corpusError(
        `Case ${c.id} targets policy ${JSON.stringify(c.policy)}, which the corpus does not name`,
        {
          id: c.id,
          policy: c.policy,
          known: [...policies.keys()],
        },
      );
  }
  const wanted = options.categories?.length ? new Set(options.categories) : undefined;
  type Cat = RedTeamReport["categories"][number];
  const cats = new Map<string, Cat>();
  const perPolicy = new Map<string, number>();
  const failures: RedTeamReport["failures"] = [];
  let expectedDeny = 0;
  let fn = 0;
  let fp = 0;
  let mismatches = 0;
  let total = 0;
  for (const c of cases) {
    if (wanted && !wanted.has(c.category)) continue;
    total++;
    perPolicy.set(c.policy, (perPolicy.get(c.policy) ?? 0) + 1);
    let cat = cats.get(c.category);
    if (!cat) {
      cat = {
        category: c.category,
        cases: 0,
        expectedDeny: 0,
        expectedAllow: 0,
        falseNegatives: [],
        falsePositives: [],
        ruleMismatches: [],
      };
      cats.set(c.category, cat);
    }
    cat.cases++;
    if (c.expect.decision === "deny") {
      expectedDeny++;
      cat.expectedDeny++;
    } else cat.expectedAllow++;
    let got: "allow" | "deny";
    let rules: string[] = [];
    let reasons: string[] = [];
    let error: string | null = null;
    try {
      // The policy's own decision: a policy in audit mode is judged by what it would enforce.
      const d: Decision = policies.get(c.policy)!.decide(c.request as LacRequest);
      got = d.policyDecision;
      rules = d.decidingRules;
      reasons = d.reasons.map((r) => r.key);
    } catch (e) {
      if (!(e instanceof TfError)) throw e;
      // A request the schema refuses is never evaluated: it is denied (fail closed).
      got = "deny";
      error = e.code;
    }
    const e = c.expect;
    const expected = [
      e.decision,
      e.rules?.length ? `by ${e.rules.join(", ")}` : "",
      e.reasons?.length ? `reasons ${e.reasons.join(", ")}` : "",
      e.error ? `error ${e.error}` : "",
    ]
      .filter(Boolean)
      .join(" ");
    const fail = (kind: RedTeamReport["failures"][number]["kind"]) =>
      failures.push({
        id: c.id,
        category: c.category,
        policy: c.policy,
        kind,
        expected,
        got,
        decidingRules: rules,
        reasons,
        error,
        description: c.description,
      });
    if (e.decision === "deny" && got === "allow") {
      fn++;
      cat.falseNegatives.push(c.id);
      fail("false-negative");
    } else if (e.decision === "allow" && got === "deny") {
      fp++;
      cat.falsePositives.push(c.id);
      fail("false-positive");
    } else if (
      (e.rules && !e.rules.every((r) => rules.includes(r))) ||
      (e.reasons && !e.reasons.every((r) => reasons.includes(r))) ||
      (e.error !== undefined && e.error !== error)
    ) {
      mismatches++;
      cat.ruleMismatches.push(c.id);
      fail("rule-mismatch");
    }
  }
  const expectedAllow = total - expectedDeny;
  const fpRate = ratio(fp, expectedAllow);
  const violations: string[] = [];
  if (options.maxFn !== undefined && fn > options.maxFn)
    violations.push(`${fn} false negative${fn === 1 ? "" : "s"} (at most ${options.maxFn} allowed)`);
  if (options.maxFpRate !== undefined && fpRate > options.maxFpRate)
    violations.push(
      `false-positive rate ${(fpRate * 100).toFixed(2)}% (at most ${(options.maxFpRate * 100).toFixed(2)}% allowed)`,
    );
  const order = { "false-negative": 0, "false-positive": 1, "rule-mismatch": 2 } as const;
  return {
    schema: REDTEAM_SCHEMA,
    summary: {
      cases: total,
      expectedDeny,
      expectedAllow,
      falseNegatives: fn,
      falsePositives: fp,
      fnRate: ratio(fn, expectedDeny),
      fpRate,
      ruleMismatches: mismatches,
    },
    categories: [...cats.values()].sort((a, b) => (a.category < b.category ? -1 : 1)),
    policies: [...perPolicy].map(([name, n]) => {
      const p = policies.get(name)!;
      return { name, version: p.version, cases: n };
    }),
    failures: failures.sort((a, b) => order[a.kind] - order[b.kind] || (a.id < b.id ? -1 : 1)),
    gate: {
      maxFn: options.maxFn ?? null,
      maxFpRate: options.maxFpRate ?? null,
      ok: violations.length === 0,
      violations,
    },
  };
}
