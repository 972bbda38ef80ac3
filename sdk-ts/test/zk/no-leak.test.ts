import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unpackTar } from "../../src/zk/bundle.js";
import { parseSelectorList } from "../../src/zk/normalize.js";
import { exampleA, exampleB, fullFlow } from "./helpers.js";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** Every spelling of a selector that would betray it: raw, normalized, cased, hex, base64. */
function needles(text: string, type: "email"): string[] {
  const raw = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const norm = parseSelectorList(text, type).selectors;
  const out = new Set<string>();
  for (const s of [...raw, ...norm]) {
    for (const v of [s, s.toLowerCase(), s.toUpperCase()]) {
      out.add(v);
      out.add(Buffer.from(v).toString("hex"));
      out.add(Buffer.from(v).toString("base64").replace(/=+$/, ""));
    }
  }
  return [...out];
}

describe("no raw selector leaves a tenant", () => {
  it("is in no output, no file of any TF_HOME and no bundle entry of a full exchange", async () => {
    const flow = await fullFlow();
    const haystacks: { where: string; text: string }[] = flow.outputs.map((o, i) => ({
      where: `output ${i}`,
      text: JSON.stringify(o),
    }));
    for (const home of Object.values(flow.homes))
      for (const f of files(home)) haystacks.push({ where: f, text: readFileSync(f).toString("latin1") });
    for (const [name, data] of await unpackTar(flow.bundle))
      haystacks.push({ where: `bundle:${name}`, text: Buffer.from(data).toString("latin1") });
    const ns = [...needles(exampleA(), "email"), ...needles(exampleB(), "email")];
    expect(haystacks.length).toBeGreaterThan(20);
    for (const h of haystacks) {
      const lower = h.text.toLowerCase();
      for (const n of ns) expect(lower.includes(n.toLowerCase()), `${n} found in ${h.where}`).toBe(false);
    }
  });
});
