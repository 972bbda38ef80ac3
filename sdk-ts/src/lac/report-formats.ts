/**
 * CI report formats for lint-like results: SARIF 2.1.0 (GitHub code scanning), JUnit XML and
 * GitHub workflow commands. Generic over the tool: any checker that produces positioned
 * results with rule ids can render through here.
 */

export type ReportLevel = "error" | "warning" | "info";

export interface ReportRule {
  id: string;
  /** A readable name, e.g. unreachable-rule. */
  name?: string;
  summary: string;
  helpUri?: string;
  level: ReportLevel;
  /** Tags such as the category (bugs, safety, …). */
  tags?: string[];
}

export interface Replacement {
  /** 1-based lines and columns; the end is exclusive. */
  startLine: number;
  startCol: number;
  endLine: number;
  endCol: number;
  /** The same region as character offsets into the file. */
  charOffset: number;
  charLength: number;
  text: string;
}

export interface ReportResult {
  ruleId: string;
  level: ReportLevel;
  message: string;
  file: string;
  line: number;
  col: number;
  fix?: { description: string; replacements: Replacement[] };
}

export interface ReportTool {
  name: string;
  version: string;
  informationUri: string;
  rules: ReportRule[];
}

const SARIF_LEVEL: Record<ReportLevel, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  info: "note",
};

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** File names as SARIF artifact URIs: relative paths stay relative (to %SRCROOT%), with / separators. */
export function artifactUri(file: string): string {
  const p = file.replace(/\\/g, "/").replace(/^\.\//, "");
  return p
    .split("/")
    .map((seg) => encodeURIComponent(seg).replace(/%3A/gi, ":"))
    .join("/");
}

/** A SARIF 2.1.0 log with one run. Positions of 0 (no source text) are reported as 1. */
export function toSarif(tool: ReportTool, results: ReportResult[]): Record<string, unknown> {
  const index = new Map(tool.rules.map((r, i) => [r.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            semanticVersion: tool.version,
            informationUri: tool.informationUri,
            rules: tool.rules.map((r) => ({
              id: r.id,
              ...(r.name ? { name: r.name } : {}),
              shortDescription: { text: r.summary },
              fullDescription: { text: r.summary },
              ...(r.helpUri ? { helpUri: r.helpUri, help: { text: `${r.summary} See ${r.helpUri}` } } : {}),
              defaultConfiguration: { level: SARIF_LEVEL[r.level] },
              properties: { tags: r.tags ?? [] },
            })),
          },
        },
        columnKind: "utf16CodeUnits",
        results: results.map((x) => {
          const uri = artifactUri(x.file);
          const ruleIndex = index.get(x.ruleId);
          return {
            ruleId: x.ruleId,
            ...(ruleIndex === undefined ? {} : { ruleIndex }),
            level: SARIF_LEVEL[x.level],
            message: { text: x.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri, uriBaseId: "%SRCROOT%" },
                  region: { startLine: Math.max(1, x.line), startColumn: Math.max(1, x.col) },
                },
              },
            ],
            ...(x.fix
              ? {
                  fixes: [
                    {
                      description: { text: x.fix.description },
                      artifactChanges: [
                        {
                          artifactLocation: { uri, uriBaseId: "%SRCROOT%" },
                          replacements: x.fix.replacements.map((r) => ({
                            deletedRegion: {
                              startLine: r.startLine,
                              startColumn: r.startCol,
                              endLine: r.endLine,
                              endColumn: r.endCol,
                              charOffset: r.charOffset,
                              charLength: r.charLength,
                            },
                            insertedContent: { text: r.text },
                          })),
                        },
                      ],
                    },
                  ],
                }
              : {}),
          };
        }),
      },
    ],
  };
}

/** Escapes text for XML content and attribute values (also drops characters XML 1.0 forbids). */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export interface JUnitCase {
  name: string;
  classname: string;
  /** Seconds. */
  time?: number;
  failure?: { type: string; message: string; body?: string };
  error?: { type: string; message: string; body?: string };
  systemOut?: string;
}

export interface JUnitSuite {
  name: string;
  cases: JUnitCase[];
  /** Free key/value pairs shown as <properties>. */
  properties?: Record<string, string>;
}

/** JUnit XML as Jenkins, GitLab and the common GitHub test reporters read it. */
export function toJUnit(suites: JUnitSuite[], name = "trustfabric"): string {
  const count = (s: JUnitSuite[], f: (c: JUnitCase) => boolean) =>
    s.reduce((n, x) => n + x.cases.filter(f).length, 0);
  const time = (c: JUnitCase) => (c.time ?? 0).toFixed(3);
  const a = xmlEscape;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${a(name)}" tests="${count(suites, () => true)}" failures="${count(suites, (c) => !!c.failure)}" errors="${count(suites, (c) => !!c.error)}">`,
  ];
  for (const s of suites) {
    lines.push(
      `  <testsuite name="${a(s.name)}" tests="${s.cases.length}" failures="${count([s], (c) => !!c.failure)}" errors="${count([s], (c) => !!c.error)}" skipped="0" time="${s.cases.reduce((t, c) => t + (c.time ?? 0), 0).toFixed(3)}">`,
    );
    if (s.properties && Object.keys(s.properties).length) {
      lines.push("    <properties>");
      for (const [k, v] of Object.entries(s.properties))
        lines.push(`      <property name="${a(k)}" value="${a(v)}"/>`);
      lines.push("    </properties>");
    }
    for (const c of s.cases) {
      const open = `    <testcase name="${a(c.name)}" classname="${a(c.classname)}" time="${time(c)}"`;
      const inner: string[] = [];
      for (const tag of ["failure", "error"] as const) {
        const f = c[tag];
        if (f)
          inner.push(
            `      <${tag} type="${a(f.type)}" message="${a(f.message)}">${a(f.body ?? f.message)}</${tag}>`,
          );
      }
      if (c.systemOut) inner.push(`      <system-out>${a(c.systemOut)}</system-out>`);
      lines.push(inner.length ? `${open}>\n${inner.join("\n")}\n    </testcase>` : `${open}/>`);
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
}

/**
 * Lint results as JUnit: one suite per file, one failing case per finding at or above
 * `failLevel` (findings below it pass, with the finding as system-out), and a passing case for
 * a file without findings.
 */
export function lintJUnit(
  tool: ReportTool,
  results: ReportResult[],
  files: string[],
  failLevel: ReportLevel | "never" = "error",
): string {
  const rank = { info: 1, warning: 2, error: 3, never: 4 } as const;
  const suites: JUnitSuite[] = files.map((file) => {
    const mine = results.filter((r) => r.file === file);
    const cases: JUnitCase[] = mine.map((r) => {
      const name = `${r.ruleId} ${file}:${r.line}:${r.col}`;
      const text = `${file}:${r.line}:${r.col} ${r.level} ${r.ruleId} ${r.message}`;
      return rank[r.level] >= rank[failLevel]
        ? { name, classname: file, failure: { type: r.ruleId, message: r.message, body: text } }
        : { name, classname: file, systemOut: text };
    });
    if (!cases.length) cases.push({ name: `${tool.name} ${file}`, classname: file });
    return { name: `${tool.name} ${file}`, cases };
  });
  return toJUnit(suites, tool.name);
}

const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`, one per line. */
export function toGithubAnnotations(
  results: ReportResult[],
  titles: Map<string, string> = new Map(),
): string {
  const cmd: Record<ReportLevel, string> = { error: "error", warning: "warning", info: "notice" };
  return results
    .map((r) => {
      const title = titles.get(r.ruleId) ? `${r.ruleId} ${titles.get(r.ruleId)}` : r.ruleId;
      const props = [
        `file=${escapeProperty(r.file)}`,
        `line=${Math.max(1, r.line)}`,
        `col=${Math.max(1, r.col)}`,
        `title=${escapeProperty(title)}`,
      ];
      return `::${cmd[r.level]} ${props.join(",")}::${escapeData(r.message)}\n`;
    })
    .join("");
}
