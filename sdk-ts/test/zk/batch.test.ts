import { beforeAll, describe, expect, it } from "vitest";
import { isTfError } from "../../src/core/errors.js";
import { inG2, verifyGroth16, verifyGroth16Batch } from "../../src/zk/batch.js";
import { bn128 } from "../../src/zk/circuits.js";
import { withCurve } from "../../src/zk/curve.js";
import type { Groth16ProofFile } from "../../src/zk/groth16-types.js";
import { goldenGroth16 } from "./golden/cases.js";
import { type TwistCurve, twistPointsOutsideG2 } from "./twist.js";

const clone = <T>(x: T): T => structuredClone(x);

/** A seeded xorshift: reproducible batches and tamper positions. */
function seeded(seed: bigint) {
  let s = seed;
  return () => {
    s ^= (s << 13n) & ((1n << 128n) - 1n);
    s ^= s >> 7n;
    s ^= (s << 17n) & ((1n << 128n) - 1n);
    return s;
  };
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return isTfError(e) ? e.code : `non-TfError: ${(e as Error).message}`;
  }
  return undefined;
}

describe("verifyGroth16Batch", () => {
  let all: Groth16ProofFile[] = [];
  beforeAll(() => {
    all = goldenGroth16();
  });

  it("accepts every golden proof in one batch", async () => {
    expect(all.length).toBeGreaterThanOrEqual(70);
    expect(await verifyGroth16Batch(all)).toEqual({ ok: true, invalid: [] });
  });

  it("detects one tampered proof at a random position and locates it by bisection", async () => {
    const rng = seeded(BigInt(Date.now()) | 1n);
    const pos = Number(rng() % BigInt(all.length));
    const items = clone(all);
    // A valid-looking proof that does not verify: another public signal.
    const sig = items[pos]!.publicSignals;
    sig[sig.length - 1] = String(BigInt(sig[sig.length - 1]!) + 1n);
    const r = await verifyGroth16Batch(items, { rng });
    expect(r, `tampered position ${pos}`).toEqual({ ok: false, invalid: [pos] });
  });

  it("locates several bad proofs, including a swapped proof point", async () => {
    const items = clone(all.slice(0, 20));
    [items[3]!.proof.pi_c, items[4]!.proof.pi_c] = [items[4]!.proof.pi_c, items[3]!.proof.pi_c];
    items[17]!.proof.pi_a = clone(items[16]!.proof.pi_a);
    const r = await verifyGroth16Batch(items);
    expect(r.ok).toBe(false);
    expect(r.invalid).toEqual(expect.arrayContaining([3, 17]));
    expect(r.invalid.every((i) => [3, 4, 16, 17].includes(i))).toBe(true);
  });

  it("marks a proof for another circuit or another setup invalid", async () => {
    const a = clone(all[0]!);
    const other = all.find((p) => p.circuit !== a.circuit)!;
    const wrongCircuit = { ...clone(a), circuit: other.circuit, circuitSha256: other.circuitSha256 };
    const wrongSetup = { ...clone(a), circuitSha256: "0".repeat(64) };
    const unknown = { ...clone(a), circuit: "bucket_999" };
    const r = await verifyGroth16Batch([all[1]!, wrongCircuit, wrongSetup, unknown]);
    expect(r).toEqual({ ok: false, invalid: [1, 2, 3] });
    expect(await code(verifyGroth16(wrongCircuit))).toBe("TF_ZK_PROOF_INVALID");
  });

  it("refuses malformed proofs with TF_ZK_PROOF_MALFORMED", async () => {
    const p = all[0]!;
    const bad: unknown[] = [
      JSON.stringify(p).slice(0, 200),
      { ...p, proof: { ...p.proof, pi_a: p.proof.pi_a.slice(0, 2) } },
      {
        ...p,
        publicSignals: [
          ...p.publicSignals.slice(0, 2),
          "21888242871839275222246405745257275088548364400416034343698204186575808495617",
        ],
      },
      { ...p, proof: { ...p.proof, pi_a: ["1", "3", "1"] } },
      {
        ...p,
        proof: {
          ...p.proof,
          pi_b: [
            ["1", "2"],
            ["3", "4"],
            ["1", "0"],
          ],
        },
      },
      { ...p, proof: { ...p.proof, pi_a: [p.proof.pi_a[0], p.proof.pi_a[1], "2"] } },
      { ...p, schema: "other" },
      null,
    ];
    for (const [i, item] of bad.entries())
      expect(await code(verifyGroth16Batch([all[1]!, item])), `case ${i}`).toBe("TF_ZK_PROOF_MALFORMED");
  });

  it("verifies a single proof, and throws TF_ZK_PROOF_INVALID when it does not", async () => {
    await expect(verifyGroth16(all[5]!)).resolves.toMatchObject({ circuit: all[5]!.circuit });
    const t: Groth16ProofFile = clone(all[5]!);
    t.publicSignals[0] = "5";
    expect(await code(verifyGroth16(t))).toBe("TF_ZK_PROOF_INVALID");
  });
});

describe("G2 subgroup check", () => {
  it("refuses a G2 point on the twist but outside the order-r subgroup (the psi test)", async () => {
    await withCurve(async () => {
      const curve = (await bn128()) as TwistCurve;
      // ffjavascript's points have the module's layout: its Jacobian form is ours
      const jac = (p: Uint8Array) =>
        (curve.G2 as unknown as { toJacobian(p: Uint8Array): Uint8Array }).toJacobian(p);
      // Subgroup points pass: the generator and a multiple of it.
      for (const p of [curve.G2.g, curve.G2.timesScalar(curve.G2.g, 987654321n)])
        expect(await inG2(jac(p))).toBe(true);
      let found = 0;
      for (const p of twistPointsOutsideG2(curve)) {
        expect(curve.G2.isValid(p)).toBe(true);
        expect(await inG2(jac(p))).toBe(false);
        if (++found === 3) break;
      }
    });
  });
});
