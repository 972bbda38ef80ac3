import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tf, tmp } from "./helpers.js";

const STACK = /^\s+at .+:\d+:\d+\)?$/m;
const GOLDEN = fileURLToPath(new URL("../../sdk-ts/test/zk/golden/", import.meta.url));
const g = (f: string) => join(GOLDEN, f);
const P64 = g("overlap-1x64-eq7.json");
const P32 = g("overlap-4x32-le0.json");

describe("tf zk verify (end to end, built CLI)", () => {
  const home = tmp("tf-zk-");
  const bad = join(home, "bad.json");
  const doc = JSON.parse(readFileSync(P32, "utf8"));
  doc.bucketProofs[2].proof.pi_c = doc.bucketProofs[1].proof.pi_c;
  writeFileSync(bad, JSON.stringify(doc));

  it("verifies an overlap proof and pins its statement", () => {
    const r = tf(home, ["zk", "verify", P64, "--statement", "eq:7"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("overlap proof, overlap = 7");
    const m = tf(home, ["zk", "verify", P64, "--statement", "le:7", "--json"]);
    expect(m.code).toBe(3);
    expect(m.json?.error?.code).toBe("TF_ZK_STATEMENT_MISMATCH");
  });

  it("--batch: one multi-pairing over all files, names the bad one, exit 3", () => {
    const r = tf(home, ["zk", "verify", "--batch", P64, bad, P32, "--json"]);
    expect(r.code).toBe(3);
    const data = r.json!.data as {
      ok: boolean;
      batch: boolean;
      results: { file: string; ok: boolean; code?: string }[];
    };
    expect(data.ok).toBe(false);
    expect(data.batch).toBe(true);
    expect(data.results.map((x) => [x.file, x.ok])).toEqual([
      [P64, true],
      [bad, false],
      [P32, true],
    ]);
    expect(data.results[1]!.code).toBe("TF_ZK_PROOF_INVALID");
    const ok = tf(home, ["zk", "verify", "--batch", P64, P32]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("all verify (7 Groth16 proofs, one batch)");
    // Pinning flags are about one proof: with --batch they are refused, not silently ignored.
    const pinned = tf(home, ["zk", "verify", "--batch", P64, "--statement", "eq:7", "--json"]);
    expect(pinned.code).toBe(2);
    expect(pinned.json?.error?.code).toBe("TF_USAGE");
  });

  it("reports a truncated proof as TF_ZK_PROOF_MALFORMED without a stack trace", () => {
    writeFileSync(join(home, "cut.json"), readFileSync(P64, "utf8").slice(0, 300));
    const r = tf(home, ["zk", "verify", "cut.json"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("TF_ZK_PROOF_MALFORMED");
    expect(r.stderr).not.toMatch(STACK);
    const several = tf(home, ["zk", "verify", P32, bad]);
    expect(several.code).toBe(3);
    expect(several.stdout).toContain("1 of 2 do not verify");
  });
});
