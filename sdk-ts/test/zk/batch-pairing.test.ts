import { describe, expect, it } from "vitest";
import { isTfError } from "../../src/core/errors.js";
import { inG2, verifyGroth16Batch } from "../../src/zk/batch.js";
import { type Bn128Curve, bn128 } from "../../src/zk/circuits.js";
import { withCurve } from "../../src/zk/curve.js";
import { buildPairingModule } from "../../src/zk/pairing-build.js";
import { BINARY_WALK, FP12, millerLoops, NAF_WALK, put, type Walk } from "../../src/zk/pairing-job.js";
import { pairingKit } from "../../src/zk/pairing-kit.js";
import { goldenGroth16 } from "./golden/cases.js";
import { type F2, twistPointsOutsideG2 } from "./twist.js";

interface Low {
  prepareG2(q: Uint8Array): Uint8Array;
  prepareG1(p: Uint8Array): Uint8Array;
  millerLoop(p: Uint8Array, q: Uint8Array): Uint8Array;
  pairing(p: Uint8Array, q: Uint8Array): Uint8Array;
  G2: { toJacobian(p: Uint8Array): Uint8Array; F: F2; b: Uint8Array };
  F12: {
    mul(a: Uint8Array, b: Uint8Array): Uint8Array;
    one: Uint8Array;
    eq(a: Uint8Array, b: Uint8Array): boolean;
  };
}
describe("batch pairing pieces", () => {
  it("the shared-squaring Miller product equals the product of the library's Miller loops", async () => {
    await withCurve(async () => {
      const curve = (await bn128()) as Bn128Curve & Low;
      const kit = await pairingKit();
      const ps: Uint8Array[] = [];
      const qs: Uint8Array[] = [];
      let expected = curve.F12.one;
      // 19 pairs: more than one group of the multi-Miller loop
      for (let i = 1; i <= 19; i++) {
        const p = curve.G1.toAffine(curve.G1.timesScalar(curve.G1.g, BigInt(1000 + 7 * i)));
        const q = curve.G2.toJacobian(curve.G2.timesScalar(curve.G2.g, BigInt(31 * i + 5)));
        const preQ = curve.prepareG2(q);
        ps.push(p);
        qs.push(preQ);
        expected = curve.F12.mul(
          expected,
          curve.millerLoop(curve.prepareG1((curve.G1 as unknown as Low["G2"]).toJacobian(p)), preQ),
        );
      }
      // the library prepares Q along the plain binary walk
      expect(curve.F12.eq(kit.millerProduct(ps, qs, BINARY_WALK), expected)).toBe(true);
      expect(curve.F12.eq(kit.millerProduct(ps.slice(1), qs.slice(1), BINARY_WALK), expected)).toBe(false);
    });
  });

  it("the wasm subgroup check accepts G2 points and refuses twist points outside G2", async () => {
    await withCurve(async () => {
      const curve = (await bn128()) as Bn128Curve & Low;
      for (const k of [1n, 2n, 123456789n, curve.r - 1n])
        expect(await inG2(curve.G2.toJacobian(curve.G2.timesScalar(curve.G2.g, k)))).toBe(true);
      expect(await inG2(curve.G2.toJacobian(twistPointsOutsideG2(curve).next().value!))).toBe(false);
    });
  });

  it("a batch refuses a proof whose B is outside G2, naming it (the check runs in the workers)", async () => {
    const all = goldenGroth16().slice(0, 12);
    const bad = await withCurve(async () => {
      const curve = (await bn128()) as Bn128Curve & Low;
      const p = twistPointsOutsideG2(curve).next().value!;
      const [x, y] = (curve.G2.toObject(p) as bigint[][]).map((c) => c.map(String) as [string, string]);
      return [x!, y!, ["1", "0"]] as [[string, string], [string, string], [string, string]];
    });
    const items = structuredClone(all);
    items[7]!.proof.pi_b = bad;
    try {
      await verifyGroth16Batch(items);
      expect.unreachable("the batch accepted a B outside G2");
    } catch (e) {
      expect(isTfError(e) && e.code).toBe("TF_ZK_PROOF_MALFORMED");
      expect((e as Error).message).toMatch(/Proof 7: .*order-r subgroup/);
    }
    // the same batch without it verifies
    expect(await verifyGroth16Batch(all)).toEqual({ ok: true, invalid: [] });
  });

  it("the pairing threads' NAF walk gives the library's pairings; a wrong pair does not", async () => {
    await withCurve(async () => {
      const curve = (await bn128()) as Bn128Curve & Low;
      const env = buildPairingModule();
      expect(NAF_WALK.digits.filter((d) => d !== 0).length).toBe(22);
      expect(NAF_WALK.preQSize).toBeLessThan(BINARY_WALK.preQSize);
      const ps: Uint8Array[] = [];
      const qs: Uint8Array[] = [];
      let expected = curve.F12.one;
      for (let i = 1; i <= 19; i++) {
        const p = curve.G1.toAffine(curve.G1.timesScalar(curve.G1.g, BigInt(999 + 13 * i)));
        const q = curve.G2.toJacobian(curve.G2.timesScalar(curve.G2.g, BigInt(17 * i + 3)));
        ps.push(p);
        qs.push(q);
        expected = curve.F12.mul(expected, curve.pairing(p, q));
      }
      // prepare every Q along a walk in the threads' module, one multi-Miller loop, final exponentiation
      const pairing = (w: Walk, pts: Uint8Array[]) => {
        const top = env.top();
        try {
          const pre = qs.map((q) => {
            const out = env.alloc(w.preQSize);
            env.x[w.prepare]!(put(env, q), out);
            return out;
          });
          const f = env.alloc(FP12);
          env.x.ftm_one!(f);
          millerLoops(
            env,
            pts.map((p) => put(env, p)),
            pre,
            f,
            w,
          );
          const miller = env.u8().slice(f, f + FP12);
          const r = env.alloc(FP12);
          env.x.bn128_finalExponentiation!(f, r);
          return { miller, gt: env.u8().slice(r, r + FP12) };
        } finally {
          env.setTop(top);
        }
      };
      const naf = pairing(NAF_WALK, ps);
      const binary = pairing(BINARY_WALK, ps);
      expect(curve.F12.eq(binary.gt, expected)).toBe(true);
      expect(curve.F12.eq(naf.gt, expected)).toBe(true);
      // a different Miller function, the same pairing
      expect(curve.F12.eq(naf.miller, binary.miller)).toBe(false);
      const swapped = [ps[1]!, ps[0]!, ...ps.slice(2)];
      expect(curve.F12.eq(pairing(NAF_WALK, swapped).gt, expected)).toBe(false);
    });
  });
});
