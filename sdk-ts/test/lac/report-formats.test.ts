import { describe, expect, it } from "vitest";
import { lacLint, lintResults, lintTool } from "../../src/lac/lint.js";
import { lintJUnit, toGithubAnnotations, toJUnit, toSarif, xmlEscape } from "../../src/lac/report-formats.js";
import { policy, rule, SCHEMA } from "./fixtures.js";

const P = policy(
  rule("allow-all", "allow", "") +
    rule(
      "deny-a",
      "deny",
      "{ any: [{ attr: subject.role, op: eq, value: analyst }, { attr: subject.role, op: eq, value: analyst }] }",
      "r2",
    ),
);
const lint = lacLint(P, SCHEMA, { policyFile: "policies/p.yaml" });
const tool = lintTool("0.1.0", lint.findings);
const results = lintResults(lint.findings);

describe("SARIF 2.1.0", () => {
  const sarif = toSarif(tool, results) as {
    version: string;
    $schema: string;
    runs: {
      tool: { driver: { name: string; rules: Record<string, unknown>[] } };
      results: Record<string, unknown>[];
    }[];
  };
  it("has the shape GitHub code scanning accepts", () => {
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    const rules = sarif.runs[0]!.tool.driver.rules;
    const ruleIds = rules.map((r) => r.id);
    expect(new Set(ruleIds).size).toBe(ruleIds.length);
    for (const r of rules) {
      expect(r).toMatchObject({
        id: expect.any(String),
        shortDescription: { text: expect.any(String) },
        helpUri: expect.stringMatching(/^https:\/\/.+#lac\d{3}-[a-z-]+$|#type-check-findings$/),
        defaultConfiguration: { level: expect.stringMatching(/^(error|warning|note)$/) },
      });
    }
    expect(sarif.runs[0]!.results.length).toBe(lint.findings.length);
    for (const r of sarif.runs[0]!.results) {
      expect(ruleIds).toContain(r.ruleId);
      expect(rules[r.ruleIndex as number]!.id).toBe(r.ruleId);
      expect(r.level).toMatch(/^(error|warning|note)$/);
      expect(r).toMatchObject({
        message: { text: expect.any(String) },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: "policies/p.yaml" },
              region: { startLine: expect.any(Number), startColumn: expect.any(Number) },
            },
          },
        ],
      });
    }
  });
  it("carries fixes as replacements that reproduce the fixed file", () => {
    const withFix = sarif.runs[0]!.results.find((r) => r.ruleId === "LAC106") as {
      fixes: {
        artifactChanges: {
          replacements: {
            deletedRegion: { charOffset: number; charLength: number };
            insertedContent: { text: string };
          }[];
        }[];
      }[];
    };
    const rep = withFix.fixes[0]!.artifactChanges[0]!.replacements[0]!;
    const fixedText =
      P.slice(0, rep.deletedRegion.charOffset) +
      rep.insertedContent.text +
      P.slice(rep.deletedRegion.charOffset + rep.deletedRegion.charLength);
    const again = lacLint(fixedText, SCHEMA, { rules: ["LAC106"] });
    expect(again.findings).toEqual([]);
    expect(again.checked).toBe(true);
  });
  it("type-check findings get a rule entry too", () => {
    const bad = lacLint(P.replace("subject.role", "subject.rol"), SCHEMA);
    const s = toSarif(lintTool("0.1.0", bad.findings), lintResults(bad.findings)) as typeof sarif;
    expect(s.runs[0]!.tool.driver.rules.map((r) => r.id)).toContain("TF_LAC_UNKNOWN_ATTRIBUTE");
  });
});

describe("JUnit XML", () => {
  it("one failing case per finding at or above the level; passing file otherwise", () => {
    const xml = lintJUnit(tool, results, ["policies/p.yaml", "clean.yaml"], "warning");
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const failures = (xml.match(/<failure /g) ?? []).length;
    expect(failures).toBe(lint.findings.filter((f) => f.severity !== "info").length);
    expect(xml).toContain('<testcase name="tf lac lint clean.yaml" classname="clean.yaml" time="0.000"/>');
    expect(xml).toMatch(/<testsuites name="tf lac lint" tests="\d+" failures="\d+" errors="0">/);
  });
  it("escapes markup and drops characters XML forbids", () => {
    expect(xmlEscape(`<a & "b" 'c'>\u0001`)).toBe("&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;\uFFFD");
    const xml = toJUnit([
      {
        name: "s<",
        cases: [{ name: "c&", classname: "x", failure: { type: "t", message: 'm"', body: "b]]>" } }],
      },
    ]);
    expect(xml).toContain('name="s&lt;"');
    expect(xml).toContain("b]]&gt;</failure>");
  });
});

describe("GitHub annotations", () => {
  it("one workflow command per finding, escaped", () => {
    const out = toGithubAnnotations(
      [
        { ruleId: "LAC101", level: "warning", message: "a\nb 100%", file: "p,1.yaml", line: 3, col: 5 },
        { ruleId: "LAC301", level: "info", message: "x", file: "p.yaml", line: 0, col: 0 },
      ],
      new Map([["LAC101", "unreachable-rule"]]),
    );
    expect(out).toBe(
      "::warning file=p%2C1.yaml,line=3,col=5,title=LAC101 unreachable-rule::a%0Ab 100%25\n" +
        "::notice file=p.yaml,line=1,col=1,title=LAC301::x\n",
    );
  });
});
