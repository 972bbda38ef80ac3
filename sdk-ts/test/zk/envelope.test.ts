import { describe, expect, it } from "vitest";
import { dsseSign } from "../../src/core/dsse.js";
import { Point, pointsDigest } from "../../src/zk/blind.js";
import { openEnvelope, ownDummies, seal } from "../../src/zk/envelope.js";
import { initTenant } from "../../src/zk/epoch.js";
import { LIST_A, world } from "./helpers.js";

describe("sealed envelopes", () => {
  it("pads to 64 sorted points, signs the header and lets only the owner find the dummies", () => {
    const w = world();
    const s = seal(w.keyA, w.epoch, LIST_A, "email");
    expect(s.sealed.points).toHaveLength(64);
    expect(s.selectors).toBe(4);
    expect(s.dummies).toBe(60);
    expect([...s.sealed.points].sort()).toEqual(s.sealed.points);
    const opened = openEnvelope(JSON.parse(JSON.stringify(s.sealed)), w.keyA.body, w.epoch.body.id);
    expect(opened.header.size).toBe(64);
    expect(s.sealed.points.filter((p) => ownDummies(w.keyA, s.header, 0).has(p))).toHaveLength(60);
    expect(s.sealed.points.filter((p) => ownDummies(w.keyB, s.header, 0).has(p))).toHaveLength(0);
  });

  it("refuses tampering, other tenants, other epochs, rotated keys and bad points with their codes", () => {
    const w = world();
    const s = seal(w.keyA, w.epoch, LIST_A, "email").sealed;
    const check = (v: unknown, code: string, tenant = w.keyA.body, epoch = w.epoch.body.id) =>
      expect(() => openEnvelope(v, tenant, epoch)).toThrow(expect.objectContaining({ code }));
    const swapped = { ...s, points: [...s.points] };
    swapped.points[3] = Point.BASE.multiply(99n).toBytes().length
      ? Buffer.from(Point.BASE.multiply(99n).toBytes()).toString("base64")
      : "";
    check(swapped, "TF_ZK_ENVELOPE_INVALID");
    check({ ...s, points: s.points.slice(1) }, "TF_ZK_ENVELOPE_INVALID");
    check({ schema: "nope" }, "TF_ZK_ENVELOPE_INVALID");
    check({ ...s, header: { ...s.header, signatures: [{ sig: "AAAA" }] } }, "TF_ZK_ENVELOPE_INVALID");
    check(s, "TF_ZK_TENANT_MISMATCH", w.keyB.body);
    check(s, "TF_ZK_EPOCH_MISMATCH", w.keyA.body, "e9-00000000");
    const rotated = initTenant(w.homeA, "acme", w.epoch, { rotate: true });
    check(s, "TF_ZK_TENANT_MISMATCH", rotated.body);
    // A header that signs a point list containing a non-canonical point.
    const off = Buffer.alloc(32, 0xff).toString("base64");
    const points = [...s.points.slice(0, 63), off].sort();
    const header = JSON.parse(Buffer.from(s.header.payload, "base64").toString());
    header.pointsSha256 = pointsDigest(points);
    header.blindingKey = rotated.body.blindingKey;
    header.generation = rotated.generation;
    const resigned = dsseSign(s.header.payloadType, new TextEncoder().encode(JSON.stringify(header)), [
      rotated.signer.signer,
    ]);
    check({ ...s, header: resigned, points }, "TF_ZK_POINT_INVALID", rotated.body);
  });
});
