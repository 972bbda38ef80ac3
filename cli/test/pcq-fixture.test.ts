import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tf, tmp } from "./helpers.js";

describe("tf pcq fixture gen", () => {
  it("prints the edge list on stdout, byte-identical across runs", () => {
    const home = tmp();
    const a = tf(home, ["pcq", "fixture", "gen", "--shape", "power-law", "--nodes", "50", "--seed", "7"]);
    expect(a.code).toBe(0);
    expect(a.stdout.startsWith("source,target,weight\n")).toBe(true);
    expect(a.stdout.trim().split("\n")).toHaveLength(1 + 2 + 47 * 2);
    const b = tf(home, ["pcq", "fixture", "gen", "--shape", "power-law", "--nodes", "50", "--seed", "7"]);
    expect(b.stdout).toBe(a.stdout);
    const c = tf(home, ["pcq", "fixture", "gen", "--shape", "power-law", "--nodes", "50", "--seed", "8"]);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it("writes a fixture directory with --out (and --json reports it)", () => {
    const home = tmp();
    const out = join(home, "fx");
    const r = tf(home, [
      "pcq",
      "fixture",
      "gen",
      "--shape",
      "grid",
      "--nodes",
      "16",
      "--seed",
      "1",
      "--weighted",
      "--metrics",
      "degree,betweenness",
      "--out",
      out,
      "--json",
    ]);
    expect(r.code).toBe(0);
    expect(r.json?.ok).toBe(true);
    expect(r.json?.data).toMatchObject({ name: "grid-16-s1", nodes: 16, edges: 24, weighted: true });
    const fixture = JSON.parse(readFileSync(join(out, "fixture.json"), "utf8"));
    expect(fixture.schema).toBe("trustfabric.dev/pcq/fixture/v1");
    expect(fixture.metrics).toEqual([
      { metric: "degree", params: {} },
      { metric: "betweenness", params: { normalized: true, weighted: true } },
    ]);
    expect(readFileSync(join(out, "edges.csv"), "utf8").split("\n")[0]).toBe("source,target,weight");
  });

  it("rejects bad input with stable codes and writes nothing", () => {
    const home = tmp();
    const out = join(home, "fx");
    const bad = tf(home, [
      "pcq",
      "fixture",
      "gen",
      "--shape",
      "hexagon",
      "--nodes",
      "5",
      "--seed",
      "1",
      "--json",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.json?.error?.code).toBe("TF_USAGE");
    const ring = tf(home, [
      "pcq",
      "fixture",
      "gen",
      "--shape",
      "ring",
      "--nodes",
      "2",
      "--seed",
      "1",
      "--out",
      out,
      "--json",
    ]);
    expect(ring.code).toBe(2);
    expect(ring.json?.error?.code).toBe("TF_INPUT_INVALID");
    const metric = tf(home, [
      "pcq",
      "fixture",
      "gen",
      "--shape",
      "ring",
      "--nodes",
      "5",
      "--seed",
      "1",
      "--metrics",
      "k_shortest_paths",
      "--out",
      out,
      "--json",
    ]);
    expect(metric.json?.error?.code).toBe("TF_PCQ_METRIC_INVALID");
    expect(existsSync(out)).toBe(false);
  });
});
