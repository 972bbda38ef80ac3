import { describe, expect, it } from "vitest";
import { levenshtein, suggest } from "../../src/lac/diagnostics.js";
import { decodeSource, firstInvalidUtf8, loadYaml, MAX_SOURCE_BYTES } from "../../src/lac/source.js";

describe("loadYaml: positions and bad input", () => {
  it("locates nodes by path with 1-based line:col", () => {
    const y = loadYaml("a: 1\nrules:\n  - id: x\n    when: { attr: subject.role }\n", "p.yaml");
    expect(y.diagnostics).toEqual([]);
    expect(y.locate(["rules", 0, "id"])).toEqual({ line: 3, col: 9 });
    expect(y.locate(["rules", 0, "when", "attr"])).toEqual({ line: 4, col: 19 });
    // a missing leaf falls back to its closest existing parent
    expect(y.locate(["rules", 0, "effect"])).toEqual({ line: 3, col: 5 });
  });

  it("malformed YAML is TF_LAC_PARSE at the error's position", () => {
    const y = loadYaml("a: 1\nb: [1, 2\nc: 3\n", "p.yaml");
    expect(y.value).toBeUndefined();
    expect(y.diagnostics[0]).toMatchObject({ file: "p.yaml", code: "TF_LAC_PARSE", severity: "error" });
    expect(y.diagnostics[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it("duplicate map keys are a parse error", () => {
    const y = loadYaml("a: 1\na: 2\n", "p.yaml");
    expect(y.diagnostics[0]).toMatchObject({ code: "TF_LAC_PARSE", line: 2, col: 1 });
  });

  it("alias cycles and unknown aliases are reported, not expanded", () => {
    expect(loadYaml("a: &x [1, *x]\n", "p").diagnostics[0]).toMatchObject({
      code: "TF_LAC_CYCLE",
      line: 1,
      col: 11,
    });
    expect(loadYaml("a: *nope\n", "p").diagnostics[0]).toMatchObject({ code: "TF_LAC_PARSE" });
  });

  it("a billion-laughs alias bomb is refused", () => {
    let text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (let i = 1; i < 12; i++)
      text += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(", ")}]\n`;
    const y = loadYaml(text, "p");
    expect(y.value).toBeUndefined();
    expect(y.diagnostics[0]!.code).toMatch(/TF_LAC_(TOO_LARGE|PARSE)/);
  });

  it("deep nesting is TF_LAC_TOO_LARGE, never a stack overflow", () => {
    for (const text of [`${"[".repeat(200_000)}`, `a: ${"[".repeat(100)}1${"]".repeat(100)}`]) {
      const y = loadYaml(text, "p");
      expect(y.diagnostics.length).toBeGreaterThan(0);
      expect(y.diagnostics[0]!.code).toMatch(/TF_LAC_(TOO_LARGE|PARSE)/);
    }
  });

  it("inputs over the size cap are TF_LAC_TOO_LARGE with expected and found sizes", () => {
    const y = loadYaml(`# ${"x".repeat(MAX_SOURCE_BYTES)}\n`, "big.yaml");
    expect(y.diagnostics[0]).toMatchObject({
      code: "TF_LAC_TOO_LARGE",
      file: "big.yaml",
      expected: `at most ${MAX_SOURCE_BYTES} bytes`,
    });
  });

  it("non-UTF-8 bytes are TF_LAC_ENCODING at the first bad byte", () => {
    const bytes = Buffer.concat([Buffer.from("a: 1\nb: é"), Buffer.from([0xc3, 0x28]), Buffer.from("\n")]);
    expect(firstInvalidUtf8(bytes)).toBe(10);
    const d = decodeSource(bytes, "p.yaml").diagnostic!;
    expect(d).toMatchObject({ code: "TF_LAC_ENCODING", line: 2, col: 5 });
    expect(d.message).toContain("0xc3");
    // overlong encodings, surrogates and truncated sequences are refused too
    for (const bad of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
      [0xf5, 0x80, 0x80, 0x80],
    ])
      expect(firstInvalidUtf8(Uint8Array.from(bad))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from("ok ✓ 𝄞"))).toBe(-1);
    expect(decodeSource("a: \uD800", "p").diagnostic).toMatchObject({
      code: "TF_LAC_ENCODING",
      line: 1,
      col: 4,
    });
  });
});

describe("suggestions", () => {
  it("levenshtein", () => {
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("", "abc")).toBe(3);
    expect(levenshtein("role", "role")).toBe(0);
    expect(levenshtein("abcdef", "uvwxyz", 2)).toBe(3);
  });
  it("suggests within distance 2 only", () => {
    expect(suggest("subject.rol", ["subject.role", "subject.geo"])).toBe("subject.role");
    expect(suggest("Subject.Role", ["subject.role"])).toBe("subject.role");
    expect(suggest("subject.xyzzy", ["subject.role"])).toBeUndefined();
  });
});
