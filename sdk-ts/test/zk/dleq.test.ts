import { ristretto255_oprf } from "@noble/curves/ed25519.js";
import { describe, expect, it } from "vitest";
import { decodePoint, Point, publicKeyOf, type RistrettoPoint, randomScalar } from "../../src/zk/blind.js";
import { generateDleqProof, VOPRF_CONTEXT, verifyDleqProof } from "../../src/zk/dleq.js";

const rand = (n: number): RistrettoPoint[] =>
  Array.from({ length: n }, () => Point.BASE.multiply(randomScalar()) as RistrettoPoint);

describe("batched DLEQ (RFC 9497)", () => {
  it("proves and verifies a batch", () => {
    const k = randomScalar();
    const C = rand(5);
    const D = C.map((p) => p.multiply(k));
    const proof = generateDleqProof(k, C, D);
    expect(proof.length).toBe(64);
    verifyDleqProof(decodePoint(publicKeyOf(k)), C, D, proof);
  });

  it("refuses another key, a changed point, a swapped order and a flipped proof byte", () => {
    const k = randomScalar();
    const C = rand(4);
    const D = C.map((p) => p.multiply(k));
    const proof = generateDleqProof(k, C, D);
    const pk = decodePoint(publicKeyOf(k));
    const other = decodePoint(publicKeyOf(randomScalar()));
    expect(() => verifyDleqProof(other, C, D, proof)).toThrow(
      expect.objectContaining({ code: "TF_ZK_DLEQ_INVALID" }),
    );
    const D2 = [...D];
    D2[2] = D2[2]!.add(Point.BASE);
    expect(() => verifyDleqProof(pk, C, D2, proof)).toThrow(
      expect.objectContaining({ code: "TF_ZK_DLEQ_INVALID" }),
    );
    expect(() => verifyDleqProof(pk, C, [D[1]!, D[0]!, D[2]!, D[3]!], proof)).toThrow(
      expect.objectContaining({ code: "TF_ZK_DLEQ_INVALID" }),
    );
    const bad = proof.slice();
    bad[5] = bad[5]! ^ 1;
    expect(() => verifyDleqProof(pk, C, D, bad)).toThrow(
      expect.objectContaining({ code: "TF_ZK_DLEQ_INVALID" }),
    );
    expect(() => verifyDleqProof(pk, C, D, proof.slice(0, 40))).toThrow(
      expect.objectContaining({ code: "TF_ZK_DLEQ_INVALID" }),
    );
  });

  it("is RFC 9497's construction: interoperates with noble's VOPRF both ways", () => {
    const { voprf } = ristretto255_oprf;
    const keys = voprf.generateKeyPair();
    const blinded = rand(3).map((p) => p.toBytes());
    const ev = voprf.blindEvaluateBatch(keys.secretKey, keys.publicKey, blinded);
    // noble's proof verifies here
    verifyDleqProof(
      decodePoint(keys.publicKey),
      blinded.map((b) => decodePoint(b)),
      ev.evaluated.map((e) => decodePoint(e)),
      ev.proof,
      VOPRF_CONTEXT,
    );
    // and ours verifies in noble's finalizeBatch (blind = 1 keeps the points as they are)
    const k = Point.Fn.fromBytes(keys.secretKey);
    const C = blinded.map((b) => decodePoint(b));
    const D = C.map((p) => p.multiply(k));
    const proof = generateDleqProof(k, C, D, VOPRF_CONTEXT);
    const one = Point.Fn.toBytes(1n);
    const items = C.map((c, i) => ({
      input: new Uint8Array([i]),
      blind: one,
      evaluated: D[i]!.toBytes(),
      blinded: c.toBytes(),
    }));
    expect(voprf.finalizeBatch(items, keys.publicKey, proof)).toHaveLength(3);
    const bad = proof.slice();
    bad[40] = bad[40]! ^ 1;
    expect(() => voprf.finalizeBatch(items, keys.publicKey, bad)).toThrow();
  });
});
