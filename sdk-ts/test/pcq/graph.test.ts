import { describe, expect, it } from "vitest";
import { TfError } from "../../src/core/errors.js";
import { buildGraph, formatEdgeCsv, indexGraph, parseEdgeCsv } from "../../src/pcq/graph.js";

function code(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TfError);
    return { code: (e as TfError).code, message: (e as TfError).message };
  }
  throw new Error("did not throw");
}

describe("parseEdgeCsv", () => {
  it("reads weighted and unweighted lists, CRLF, blank lines and quoted ids", () => {
    expect(parseEdgeCsv('source,target,weight\r\na,b,2.5\r\n\r\n"c,1",d,1\n')).toEqual([
      { source: "a", target: "b", weight: 2.5 },
      { source: "c,1", target: "d", weight: 1 },
    ]);
    expect(parseEdgeCsv("source,target\nx,y\n")).toEqual([{ source: "x", target: "y", weight: 1 }]);
  });

  it("round-trips through formatEdgeCsv", () => {
    const rows = [
      { source: "a b", target: 'q"x', weight: 0.1 },
      { source: " s", target: "t", weight: 1e-7 },
    ];
    expect(parseEdgeCsv(formatEdgeCsv(rows)).map((r) => r.weight)).toEqual([0.1, 1e-7]);
    expect(parseEdgeCsv(formatEdgeCsv(rows))[0]).toEqual(rows[0]);
  });

  it.each([
    ["", "empty"],
    ["source,target,weight\n", "no edges"],
    ["from,to\na,b\n", "header"],
    ["source,target,weight\na,b,NaN\n", "data.csv:2"],
    ["source,target,weight\na,b,1\nc,d,Infinity\n", "data.csv:3"],
    ["source,target,weight\na,b,\n", "not a finite number"],
    ["source,target,weight\na,b,-1\n", "greater than 0"],
    ["source,target,weight\na,b\n", "expected 3 fields"],
    ["source,target\n,b\n", "empty node id"],
    ['source,target\n"a,b\n', "quoting"],
  ])("rejects %j (%s) with TF_PCQ_DATASET_INVALID naming file:line", (text, what) => {
    const e = code(() => parseEdgeCsv(text, "data.csv"));
    expect(e.code).toBe("TF_PCQ_DATASET_INVALID");
    expect(e.message).toContain(what);
  });
});

describe("buildGraph", () => {
  const rows = parseEdgeCsv("source,target,weight\na,b,2\nb,c,3\n");
  it("builds directed/undirected, weighted/unweighted graphs in first-appearance order", () => {
    const g = buildGraph(rows, { directed: false, weighted: true });
    expect(g.type).toBe("undirected");
    expect(g.nodes()).toEqual(["a", "b", "c"]);
    expect(g.getEdgeAttribute(g.edge("c", "b")!, "weight")).toBe(3);
    const u = buildGraph(rows, { directed: true, weighted: false });
    expect(u.type).toBe("directed");
    expect(u.hasEdge("c", "b")).toBe(false);
    expect(u.getEdgeAttribute(u.edge("b", "c")!, "weight")).toBe(1);
  });

  it("rejects self-loops and duplicates (a,b then b,a when undirected)", () => {
    expect(
      code(() => buildGraph([{ source: "a", target: "a", weight: 1 }], { directed: false, weighted: false }))
        .code,
    ).toBe("TF_PCQ_DATASET_INVALID");
    const dup = parseEdgeCsv("source,target\na,b\nb,a\n");
    expect(code(() => buildGraph(dup, { directed: false, weighted: false })).message).toContain("row 2");
    expect(buildGraph(dup, { directed: true, weighted: false }).size).toBe(2);
    expect(
      code(() =>
        buildGraph([{ source: "a", target: "b", weight: Number.NaN }], { directed: false, weighted: true }),
      ).code,
    ).toBe("TF_PCQ_DATASET_INVALID");
  });

  it("indexes adjacency both ways", () => {
    const g = indexGraph(buildGraph(rows, { directed: true, weighted: true }), true);
    expect(g.out).toEqual([[1], [2], []]);
    expect(g.in).toEqual([[], [0], [1]]);
    expect(g.inW).toEqual([[], [2], [3]]);
  });
});
