import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodePoint, hashSelector } from "../../src/zk/blind.js";
import { seal } from "../../src/zk/envelope.js";
import {
  currentEpoch,
  epochFileOf,
  exchangeEpoch,
  initTenant,
  listEpochs,
  parseEpochFile,
  parseTenantDoc,
  rotateEpoch,
} from "../../src/zk/epoch.js";
import { openExchange } from "../../src/zk/exchange.js";
import { selectorBytes } from "../../src/zk/normalize.js";
import { LIST_A, LIST_B, tmpHome } from "./helpers.js";

describe("epochs and tenant keys", () => {
  it("rotates: a new id, a new pepper, the old epoch is no longer current", () => {
    const home = tmpHome();
    const e1 = rotateEpoch(home);
    const e2 = rotateEpoch(home);
    expect(e2.body.epoch).toBe(e1.body.epoch + 1);
    expect(Buffer.from(e1.pepper).equals(Buffer.from(e2.pepper))).toBe(false);
    expect(currentEpoch(home).body.id).toBe(e2.body.id);
    expect(listEpochs(home)).toHaveLength(2);
    expect(() => exchangeEpoch(home, e1.body.id, { current: true })).toThrow(
      expect.objectContaining({ code: "TF_ZK_EPOCH_MISMATCH" }),
    );
    expect(statSync(join(home, "zk/exchange/epochs/1.json")).mode & 0o077).toBe(0);
  });

  it("round-trips the epoch file and refuses a pepper that does not match the signed digest", () => {
    const home = tmpHome();
    const e = rotateEpoch(home);
    const file = epochFileOf(e);
    expect(parseEpochFile(JSON.stringify(file)).body.id).toBe(e.body.id);
    const bad = { ...file, pepper: Buffer.alloc(32, 9).toString("base64") };
    expect(() => parseEpochFile(bad)).toThrow(expect.objectContaining({ code: "TF_ZK_ENVELOPE_INVALID" }));
    expect(() => parseEpochFile("{")).toThrow(expect.objectContaining({ code: "TF_ZK_ENVELOPE_INVALID" }));
  });

  it("gives tenants a signed document with their public blinding key; rotation bumps the generation", () => {
    const x = tmpHome();
    const home = tmpHome();
    const e = rotateEpoch(x);
    const k1 = initTenant(home, "acme", e);
    expect(parseTenantDoc(k1.doc, k1.body.signingKey).body.blindingKey).toBe(k1.body.blindingKey);
    expect(initTenant(home, "acme", e).body.blindingKey).toBe(k1.body.blindingKey);
    const k2 = initTenant(home, "acme", e, { rotate: true });
    expect(k2.generation).toBe(2);
    expect(k2.body.blindingKey).not.toBe(k1.body.blindingKey);
    const secret = readFileSync(join(home, `zk/tenants/acme/epochs/${e.body.id}.json`), "utf8");
    expect(secret).toContain("blindingScalar");
    expect(existsSync(join(home, "keys/zk-tenant-acme.key"))).toBe(true);
    expect(() => parseTenantDoc(k1.doc, Buffer.alloc(32).toString("base64"))).toThrow(
      expect.objectContaining({ code: "TF_ZK_TENANT_MISMATCH" }),
    );
  });

  it("envelopes of an old epoch do not link to a new one", () => {
    const x = tmpHome();
    const home = tmpHome();
    const e1 = rotateEpoch(x);
    const s1 = seal(initTenant(home, "acme", e1), e1, LIST_A, "email");
    const e2 = rotateEpoch(x);
    const k2 = initTenant(home, "acme", e2);
    const s2 = seal(k2, e2, LIST_A, "email");
    // Same selectors, no common point, and not even the unblinded hashes agree across epochs.
    const p1 = new Set(s1.sealed.points);
    expect(s2.sealed.points.filter((p) => p1.has(p))).toHaveLength(0);
    const x1 = hashSelector(selectorBytes("email", "alice@example.com"), e1.dst);
    const x2 = hashSelector(selectorBytes("email", "alice@example.com"), e2.dst);
    expect(encodePoint(x1)).not.toBe(encodePoint(x2));
    // And the exchange refuses an envelope of the rotated-out epoch.
    const b = initTenant(tmpHome(), "globex", e1);
    expect(() =>
      openExchange(x, {
        tenantDocs: { a: initTenant(home, "acme", e1).doc, b: b.doc },
        envelopes: { a: s1.sealed, b: seal(b, e1, LIST_B, "email").sealed },
        statement: { op: "le", k: 0 },
      }),
    ).toThrow(expect.objectContaining({ code: "TF_ZK_EPOCH_MISMATCH" }));
  });
});
