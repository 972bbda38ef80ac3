import type { Bn128Curve } from "../../src/zk/circuits.js";

/** The part of ffjavascript's F2 (the twist's base field) the subgroup tests use. */
export interface F2 {
  n8: number;
  fromObject(o: bigint[]): Uint8Array;
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  mul(a: Uint8Array, b: Uint8Array): Uint8Array;
  square(a: Uint8Array): Uint8Array;
  isSquare(a: Uint8Array): boolean;
  sqrt(a: Uint8Array): Uint8Array;
}

export type TwistCurve = Bn128Curve & { G2: { F: F2; b: Uint8Array } };

/**
 * Points on the twist y² = x³ + b outside the order-r subgroup, for x = k, k = 1, 2, … where a
 * point exists (almost every twist point is outside G2: the cofactor is about r).
 */
export function* twistPointsOutsideG2(curve: TwistCurve): Generator<Uint8Array> {
  const F = curve.G2.F;
  for (let k = 1n; ; k++) {
    const x = F.fromObject([k, 0n]);
    const rhs = F.add(F.mul(F.square(x), x), curve.G2.b);
    if (!F.isSquare(rhs)) continue;
    const p = new Uint8Array(F.n8 * 2);
    p.set(x);
    p.set(F.sqrt(rhs), F.n8);
    if (!curve.G2.isZero(curve.G2.timesScalar(p, curve.r))) yield p;
  }
}
