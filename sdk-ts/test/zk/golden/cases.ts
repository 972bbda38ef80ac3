/**
 * Fixed inputs of the golden overlap proofs (sdk-ts/test/zk/golden/*.json). Everything is derived
 * from the case name, so the expected public signals can be recomputed from these inputs alone.
 * Regenerate the proofs (they are randomized; the public signals are not) with
 *   TF_ZK_GOLDEN=write pnpm exec vitest run sdk-ts/test/zk/golden.test.ts
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIELD_R, type Layout, toField } from "../../../src/zk/commit.js";
import type { OverlapProof, Statement } from "../../../src/zk/groth16-types.js";

export interface GoldenCase {
  name: string;
  layout: Layout;
  nA: number;
  nB: number;
  overlap: number;
  statement: Statement;
}

export const GOLDEN_CASES: GoldenCase[] = [
  {
    name: "overlap-1x64-eq7",
    layout: { buckets: 1, bucketSize: 64 },
    nA: 50,
    nB: 64,
    overlap: 7,
    statement: { op: "eq", c: 7 },
  },
  {
    name: "overlap-4x32-le0",
    layout: { buckets: 4, bucketSize: 32 },
    nA: 60,
    nB: 70,
    overlap: 0,
    statement: { op: "le", k: 0 },
  },
  {
    name: "overlap-64x8-le25",
    layout: { buckets: 64, bucketSize: 8 },
    nA: 150,
    nB: 140,
    overlap: 20,
    statement: { op: "le", k: 25 },
  },
];

export const GOLDEN_DIR = join(import.meta.dirname, ".");

const h = (s: string) => createHash("sha256").update(s).digest();

export function goldenInputs(c: GoldenCase): { a: bigint[]; b: bigint[]; saltA: bigint; saltB: bigint } {
  const a = Array.from({ length: c.nA }, (_, i) => toField(h(`golden/${c.name}/a/${i}`)));
  const b = [
    ...a.slice(0, c.overlap),
    ...Array.from({ length: c.nB - c.overlap }, (_, i) => toField(h(`golden/${c.name}/b/${i}`))),
  ];
  const salt = (side: string) =>
    (BigInt(`0x${h(`golden/${c.name}/salt/${side}`).toString("hex")}`) % (FIELD_R - 1n)) + 1n;
  return { a, b, saltA: salt("a"), saltB: salt("b") };
}

export function goldenProof(c: GoldenCase): OverlapProof {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, `${c.name}.json`), "utf8")) as OverlapProof;
}

/** Every Groth16 proof of every golden case, in order (72 proofs). */
export function goldenGroth16() {
  return GOLDEN_CASES.flatMap((c) => {
    const p = goldenProof(c);
    return [...p.bucketProofs, p.aggregateProof];
  });
}
