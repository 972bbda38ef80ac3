import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical.js";
import { compileDsl, compileDslPlan, parseDsl, readDslFiles, tokenize } from "../../src/pcq/dsl.js";
import { parseManifest } from "../../src/pcq/manifest.js";
import { replay } from "../../src/pcq/replay.js";

const DSL = join(import.meta.dirname, "../../../examples/pcq/dsl");
const EXAMPLES = readdirSync(DSL).sort();
const RUNTIME = "@runtime";

/**
 * The twin convention (docs/pcq.md): a twin equals the compiled manifest except where it says
 * "@runtime" — values that depend on the machine or installed versions (runtime, code.version,
 * code.digest, libraries). Returns the paths that differ.
 */
function twinDiff(twin: unknown, got: unknown, path = "$"): string[] {
  if (twin === RUNTIME) return got === undefined ? [path] : [];
  if (Array.isArray(twin)) {
    if (!Array.isArray(got) || got.length !== twin.length) return [path];
    return twin.flatMap((t, i) => twinDiff(t, got[i], `${path}[${i}]`));
  }
  if (twin && typeof twin === "object") {
    if (!got || typeof got !== "object" || Array.isArray(got)) return [path];
    const keys = new Set([...Object.keys(twin), ...Object.keys(got)]);
    return [...keys].flatMap((k) =>
      twinDiff((twin as Record<string, unknown>)[k], (got as Record<string, unknown>)[k], `${path}.${k}`),
    );
  }
  return canonicalJson(twin) === canonicalJson(got ?? null) && got !== undefined ? [] : [path];
}

const err = (src: string) => {
  try {
    compileDslPlan(src, "t.prov");
  } catch (e) {
    return e as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error("expected an error");
};

describe("DSL examples compile to their hand-checked manifest twins", () => {
  it("has at least ten documented examples", () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(10);
    for (const name of EXAMPLES) {
      const src = readFileSync(join(DSL, name, "program.prov"), "utf8");
      expect(
        src.trimStart().startsWith("#") || src.trimStart().startsWith("//"),
        `${name} starts with a comment`,
      ).toBe(true);
    }
  });

  it.each(EXAMPLES)("%s", (name) => {
    const { source, files } = readDslFiles(join(DSL, name, "program.prov"));
    const { manifest } = compileDsl(source, files, `${name}/program.prov`);
    const twin = JSON.parse(readFileSync(join(DSL, name, "manifest.twin.json"), "utf8"));
    expect(twinDiff(twin, JSON.parse(JSON.stringify(manifest)))).toEqual([]);
    // Markers stand only where the convention allows.
    const marked = JSON.stringify(twin).split(`"${RUNTIME}"`).length - 1;
    expect(marked).toBe(1 + 3 * twin.pipeline.length);
  });

  it("the twin comparison is not vacuous", () => {
    const twin = JSON.parse(readFileSync(join(DSL, "karate", "manifest.twin.json"), "utf8"));
    const { source, files } = readDslFiles(join(DSL, "karate", "program.prov"));
    const m = JSON.parse(JSON.stringify(compileDsl(source, files).manifest));
    m.pipeline[1].params.alpha = 0.9;
    m.seed = 43;
    expect(twinDiff(twin, m)).toEqual(["$.pipeline[1].params.alpha", "$.seed"]);
  });

  it("a compiled program replays to a match", () => {
    const dir = mkdtempSync(join(tmpdir(), "tf-pcq-dsl-"));
    cpSync(join(DSL, "karate-communities"), dir, { recursive: true });
    const { source, files } = readDslFiles(join(dir, "program.prov"));
    const c = compileDsl(source, files);
    writeFileSync(join(dir, "result.json"), c.resultText);
    writeFileSync(join(dir, "manifest.json"), c.manifestText);
    const r = replay(dir);
    expect(r.outcome).toBe("match");
    expect(r.metrics.map((m) => m.step)).toEqual(["communities", "components"]);
    expect(parseManifest(c.manifestText).hyperparameters).toEqual({ resolution: 1 });
  });
});

describe("DSL language", () => {
  it("resolves params, names steps, fills the seed and metric defaults", () => {
    const plan = compileDslPlan(`
      prov p {
        source e = csv("a.csv", directed: true) ; transform g = graph(e)
        param a = 0.9   // comment
        metric pagerank(g, alpha: a)
        metric pagerank(g)
        metric comm = louvain(g)
        seed 3
      }`);
    expect(plan.sources).toEqual([{ id: "e", path: "a.csv", directed: true, weighted: false }]);
    expect(plan.metrics.map((m) => m.id)).toEqual(["pagerank", "pagerank_2", "comm"]);
    expect(plan.metrics[0]!.spec).toMatchObject({ metric: "pagerank", params: { alpha: 0.9, maxIter: 100 } });
    expect(plan.metrics[2]!.spec).toMatchObject({ metric: "louvain", params: { seed: 3 } });
    expect(plan.parameters).toEqual({ a: 0.9 });
  });

  it("tokenizes strings with escapes and signed numbers with positions", () => {
    const t = tokenize('x "a\\"b" -1.5e3\n  y');
    expect(t.map((x) => [x.kind, x.value ?? x.text, x.line, x.col])).toEqual([
      ["ident", "x", 1, 1],
      ["string", 'a"b', 1, 3],
      ["number", -1500, 1, 10],
      ["ident", "y", 2, 3],
      ["eof", "end of file", 2, 4],
    ]);
  });

  it.each([
    ['prov p {\n  source e = tsv("a")\n}', 2, 14, /unknown source format tsv/],
    ['prov p {\n  source e = csv("a.csv")\n  transform g = graph(f)\n}', 3, 23, /f is not a source/],
    [
      'prov p {\n  source e = csv("a.csv")\n  transform g = graph(e)\n  metric pagerunk(g)\n}',
      4,
      10,
      /unknown metric pagerunk/,
    ],
    [
      'prov p {\n  source e = csv("a.csv")\n  transform g = graph(e)\n  metric pagerank(g, alpha: 2)\n}',
      4,
      10,
      /pagerank: alpha: too big: expected number to be <1/i,
    ],
    [
      'prov p {\n  source e = csv("a.csv")\n  transform g = graph(e)\n  metric louvain(g)\n}',
      4,
      10,
      /seed.*add `seed N`/,
    ],
    [
      'prov p {\n  source e = csv("a.csv")\n  transform g = graph(e)\n  metric degree(g, x: y)\n}',
      4,
      23,
      /y is not a param/,
    ],
    ['prov p {\n  source e = csv("a.csv")\n  source e = csv("b.csv")\n}', 3, 10, /e is already defined/],
    ['prov p {\n  source e = csv("../a.csv")\n}', 2, 18, /relative/],
    ['prov p {\n  source e = csv("a.csv", directed: 1)\n}', 2, 37, /directed must be true or false/],
    ["prov p {\n  seed -1\n}", 2, 8, /seed must be a whole number/],
    ['prov p {\n  source e = csv("a.csv\n}', 2, 18, /unterminated string/],
    ["prov p {\n  @\n}", 2, 3, /unexpected character "@"/],
    [
      'prov p {\n  source e = csv("a.csv")\n  transform g = graph(e)\n  metric degree(g)\n',
      5,
      1,
      /expected "}" to close prov p \(line 1\), found the end of the file/,
    ],
    ['prov p {\n  source e = csv("a.csv")\n}\nextra', 4, 1, /end of the file after/],
    ['prov p {\n  source e = csv("a.csv")\n}', 3, 2, /no metric/],
  ])("reports %j at its line and column", (src, line, col, message) => {
    const e = err(src);
    expect(e.code).toBe("TF_PCQ_DSL_PARSE");
    expect(e.details).toMatchObject({ file: "t.prov", line, col });
    expect(e.message).toMatch(new RegExp(`^t\\.prov:${line}:${col}: `));
    expect(e.message).toMatch(message);
  });

  it("names the program line of a missing dataset", () => {
    expect(() =>
      compileDsl(
        'prov p {\n  source e = csv("gone.csv")\n  transform g = graph(e)\n  metric degree(g)\n}',
        new Map(),
        "t.prov",
      ),
    ).toThrow(
      expect.objectContaining({
        code: "TF_PCQ_FILE_MISSING",
        message: expect.stringMatching(/^t\.prov:2:10: the dataset gone\.csv/),
      }),
    );
  });

  it("keeps the parse tree for tools", () => {
    const p = parseDsl('prov x { source e = csv("a.csv") transform g = graph(e) metric degree(g) }');
    expect(p.name).toBe("x");
    expect(p.metrics[0]!.tok).toMatchObject({ line: 1 });
  });
});
