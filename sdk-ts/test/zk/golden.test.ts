import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { circuitSha256 } from "../../src/zk/circuits.js";
import {
  bucketize,
  commitSet,
  countCommit,
  countRandomness,
  EMPTY_SLOT_COMMIT,
} from "../../src/zk/commit.js";
import { aggregateCircuit, bucketCircuit, proveOverlap, statementSignals } from "../../src/zk/prove.js";
import { verifyOverlap } from "../../src/zk/verify.js";
import { GOLDEN_CASES, GOLDEN_DIR, goldenInputs, goldenProof } from "./golden/cases.js";

const WRITE = process.env.TF_ZK_GOLDEN === "write";

describe.runIf(WRITE)("golden proofs: regenerate", () => {
  for (const c of GOLDEN_CASES)
    it(`writes ${c.name}`, async () => {
      const proof = await proveOverlap({ ...goldenInputs(c), statement: c.statement, layout: c.layout });
      writeFileSync(join(GOLDEN_DIR, `${c.name}.json`), `${JSON.stringify(proof, null, 1)}\n`);
    }, 300_000);
});

describe.skipIf(WRITE)("golden proofs", () => {
  for (const c of GOLDEN_CASES) {
    it(`${c.name}: public signals are the ones recomputed from the fixed inputs`, () => {
      const { a, b, saltA, saltB } = goldenInputs(c);
      const p = goldenProof(c);
      expect(p.statement).toEqual(c.statement);
      expect(p.layout).toEqual(c.layout);
      expect(p.commitA).toEqual(commitSet(a, "a", saltA, c.layout));
      expect(p.commitB).toEqual(commitSet(b, "b", saltB, c.layout));
      const ba = bucketize(a, "a", c.layout);
      const bb = bucketize(b, "b", c.layout);
      let total = 0;
      const ccs = ba.map((bucket, i) => {
        const count = bucket.filter((e) => bb[i]!.includes(e)).length;
        total += count;
        return String(countCommit(count, countRandomness(saltA, saltB, i)));
      });
      expect(total).toBe(c.overlap);
      p.bucketProofs.forEach((bp, i) => {
        expect(bp.circuit).toBe(bucketCircuit(c.layout.bucketSize));
        expect(bp.circuitSha256).toBe(circuitSha256(bp.circuit));
        expect(bp.publicSignals).toEqual([
          p.commitA.bucketCommitments[i],
          p.commitB.bucketCommitments[i],
          ccs[i],
        ]);
      });
      const agg = aggregateCircuit(c.layout.buckets);
      const empty = Array.from({ length: agg.slots - c.layout.buckets }, () => String(EMPTY_SLOT_COMMIT));
      expect(p.aggregateProof.circuit).toBe(agg.name);
      expect(p.aggregateProof.publicSignals).toEqual([...ccs, ...empty, ...statementSignals(c.statement)]);
    });

    it(`${c.name}: verifies against the commitments and statement recomputed from the inputs`, async () => {
      const { a, b, saltA, saltB } = goldenInputs(c);
      const r = await verifyOverlap(goldenProof(c), {
        commitA: commitSet(a, "a", saltA, c.layout),
        commitB: commitSet(b, "b", saltB, c.layout),
        statement: c.statement,
      });
      expect(r.proofs).toBe(c.layout.buckets + 1);
    });
  }
});
