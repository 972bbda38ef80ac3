import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isTfError } from "../../src/core/errors.js";
import { commitSet, toField } from "../../src/zk/commit.js";
import { proveOverlap } from "../../src/zk/prove.js";
import { verifyOverlap } from "../../src/zk/verify.js";

const el = (s: string) => toField(createHash("sha256").update(s).digest());
const a = Array.from({ length: 10 }, (_, i) => el(`prove-test a ${i}`));
const b = [a[3]!, a[7]!, ...Array.from({ length: 7 }, (_, i) => el(`prove-test b ${i}`))];
const layout = { buckets: 2, bucketSize: 8 };

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return isTfError(e) ? e.code : `non-TfError: ${(e as Error).message}`;
  }
  return undefined;
}

describe("proveOverlap", () => {
  it("proves overlap <= k against both commitments; the proof verifies", async () => {
    const progress: [number, number][] = [];
    const p = await proveOverlap(
      { a, b, saltA: 11n, saltB: 22n, statement: { op: "le", k: 2 }, layout },
      { onProgress: (d, t) => progress.push([d, t]) },
    );
    expect(p.schema).toBe("trustfabric.dev/zk/overlap-proof/v1");
    expect(p.commitA).toEqual(commitSet(a, "a", 11n, layout));
    expect(p.commitB).toEqual(commitSet(b, "b", 22n, layout));
    expect(p.bucketProofs.map((x) => x.circuit)).toEqual(["bucket_8", "bucket_8"]);
    expect(p.aggregateProof.circuit).toBe("aggregate_4");
    expect(progress.at(-1)).toEqual([3, 3]);
    await expect(verifyOverlap(p, { statement: { op: "le", k: 2 } })).resolves.toMatchObject({ proofs: 3 });
  }, 60_000);

  it("proofs in flight at once share the circuit's witness calculator and each one verifies", async () => {
    // Two bucket proofs with two lanes plus a second overlap proof at the same time: three
    // witnesses of bucket_8 requested concurrently from one (non-re-entrant) calculator.
    const input = { a, b, saltA: 5n, saltB: 6n, statement: { op: "eq", c: 2 } as const, layout };
    const other = { ...input, b: [a[1]!, ...b.slice(2)], statement: { op: "eq", c: 1 } as const };
    const [p, q] = await Promise.all([
      proveOverlap(input, { concurrency: 2 }),
      proveOverlap(other, { concurrency: 2 }),
    ]);
    await expect(verifyOverlap(p, { statement: input.statement })).resolves.toMatchObject({ proofs: 3 });
    await expect(verifyOverlap(q, { statement: other.statement })).resolves.toMatchObject({ proofs: 3 });
    expect(q.commitB).toEqual(commitSet(other.b, "b", 6n, layout));
  }, 120_000);

  it("refuses a false statement before proving anything", async () => {
    const input = { a, b, saltA: 11n, saltB: 22n, layout };
    expect(await code(proveOverlap({ ...input, statement: { op: "le", k: 1 } }))).toBe(
      "TF_ZK_STATEMENT_FALSE",
    );
    expect(await code(proveOverlap({ ...input, statement: { op: "eq", c: 3 } }))).toBe(
      "TF_ZK_STATEMENT_FALSE",
    );
    expect(await code(proveOverlap({ ...input, statement: { op: "le", k: -1 } }))).toBe("TF_INPUT_INVALID");
    expect(await code(proveOverlap({ ...input, saltA: 0n, statement: { op: "le", k: 5 } }))).toBe(
      "TF_INPUT_INVALID",
    );
  });

  it("chooses the layout from the set sizes by default", async () => {
    // 10 and 9 elements: one bucket of 32 is the cheapest safe layout.
    expect(await code(proveOverlap({ a, b, saltA: 1n, saltB: 2n, statement: { op: "eq", c: 99 } }))).toBe(
      "TF_ZK_STATEMENT_FALSE",
    );
  });
});
