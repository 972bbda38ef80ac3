import { describe, expect, it } from "vitest";
import { toBase64 } from "../../src/core/encoding.js";
import { scalarFromBase64 } from "../../src/zk/blind.js";
import { chooseLayout, commitSet, toField } from "../../src/zk/commit.js";
import { openDoc, signDoc } from "../../src/zk/docs.js";
import { epochFileOf, initTenant, parseEpochFile } from "../../src/zk/epoch.js";
import {
  checkResponse,
  doubleBlinded,
  loadRecord,
  openExchange,
  openRelay,
  reblind,
  TicketBodyZ,
  tenantCheck,
} from "../../src/zk/exchange.js";
import { quotaUsage } from "../../src/zk/quota.js";
import { sealBoth, world } from "./helpers.js";

function run() {
  const w = world();
  const s = sealBoth(w);
  const opened = openExchange(w.exchangeHome, {
    tenantDocs: { a: w.keyA.doc, b: w.keyB.doc },
    envelopes: { a: s.a.sealed, b: s.b.sealed },
    statement: { op: "eq", c: 2 },
  });
  // Tenants only have the epoch *file*, as distributed.
  const epoch = parseEpochFile(JSON.stringify(epochFileOf(w.epoch)));
  const respB = reblind(w.keyB, epoch, opened.relays.a); // B re-blinds A's points
  const respA = reblind(w.keyA, epoch, opened.relays.b);
  return { w, s, opened, epoch, respA, respB };
}

describe("exchange up to the commitments", () => {
  it("re-blinds with DLEQ proofs, and the exchange's double-blinded sets intersect exactly on the shared selectors", () => {
    const { w, opened, epoch, respA, respB } = run();
    const rec = loadRecord(w.exchangeHome, opened.id);
    const a = checkResponse(respB.response, openRelay(opened.relays.a, epoch), w.keyB.body);
    const b = checkResponse(respA.response, openRelay(opened.relays.b, epoch), w.keyA.body);
    const ea = doubleBlinded(a.outputs, scalarFromBase64(rec.masks.a, "m"));
    const eb = new Set(doubleBlinded(b.outputs, scalarFromBase64(rec.masks.b, "m")));
    expect(ea.filter((x) => eb.has(x))).toHaveLength(2); // alice and dave
    expect(quotaUsage(w.exchangeHome, w.epoch.body.id)).toEqual({ acme: 1, globex: 1 });
  });

  it("masks relays: neither tenant can match the other's points against its own double-blinded set", () => {
    const { w, opened, epoch, respA, respB } = run();
    // A learns its own double-blinded set (from its ticket), and holds what it computed on B's side.
    const ticketA = openDoc("ticket", opened.tickets.a, TicketBodyZ).body;
    const ownA = new Set(doubleBlinded(respB.body.outputs, scalarFromBase64(ticketA.mask, "m")));
    const seenByA = respA.body.outputs.map((p) => toField(Buffer.from(p, "base64")));
    expect(seenByA.filter((x) => ownA.has(x))).toHaveLength(0);
    expect(epoch.body.id).toBe(w.epoch.body.id);
  });

  it("lets each tenant recompute the commitment to its own double-blinded set from its ticket", () => {
    const { w, s, opened, epoch, respA, respB } = run();
    const rec = loadRecord(w.exchangeHome, opened.id);
    const layout = chooseLayout(64, 64);
    const ea = doubleBlinded(respB.body.outputs, scalarFromBase64(rec.masks.a, "m"));
    const commitA = commitSet(ea, "a", BigInt(rec.salts.a), layout);
    const r = tenantCheck(epoch, {
      ticket: opened.tickets.a,
      envelope: JSON.parse(JSON.stringify(s.a.sealed)),
      key: w.keyA,
      relay: opened.relays.a,
      response: respB.response,
      otherTenantDoc: w.keyB.doc,
      commitment: commitA,
    });
    expect(r).toMatchObject({ side: "a", tenant: "acme", root: commitA.root, points: 64, dummies: 60 });
    // Swapped commitments are refused.
    const eb = doubleBlinded(respA.body.outputs, scalarFromBase64(rec.masks.b, "m"));
    const commitB = commitSet(eb, "b", BigInt(rec.salts.b), layout);
    expect(() =>
      tenantCheck(epoch, {
        ticket: opened.tickets.a,
        envelope: s.a.sealed,
        relay: opened.relays.a,
        response: respB.response,
        otherTenantDoc: w.keyB.doc,
        commitment: commitB,
      }),
    ).toThrow(expect.objectContaining({ code: "TF_ZK_COMMITMENT_MISMATCH" }));
  });

  it("refuses a response whose DLEQ proof fails, a wrong addressee and a relay of another epoch", () => {
    const { w, opened, epoch, respB } = run();
    const relay = openRelay(opened.relays.a, epoch);
    // B re-blinds with a key other than the published one: same signer, rotated scalar.
    const rotated = initTenant(w.homeB, "globex", w.epoch, { rotate: true });
    const cheat = reblind(rotated, epoch, opened.relays.a);
    const forged = { ...cheat.body, blindingKey: w.keyB.body.blindingKey, generation: w.keyB.generation };
    const env = signDoc("reblind", forged, rotated.signer.signer);
    expect(() => checkResponse(env, relay, w.keyB.body)).toThrow(
      expect.objectContaining({ code: "TF_ZK_DLEQ_INVALID" }),
    );
    expect(() => checkResponse(cheat.response, relay, w.keyB.body)).toThrow(
      expect.objectContaining({ code: "TF_ZK_TENANT_MISMATCH" }),
    );
    expect(() => reblind(w.keyA, epoch, opened.relays.a)).toThrow(
      expect.objectContaining({ code: "TF_ZK_TENANT_MISMATCH" }),
    );
    const tampered = { ...respB.response, payload: toBase64(Buffer.from("{}")) };
    expect(() => checkResponse(tampered, relay, w.keyB.body)).toThrow(
      expect.objectContaining({ code: "TF_ZK_ENVELOPE_INVALID" }),
    );
  });

  it("enforces the per-epoch quota before writing anything", () => {
    const w = world();
    const s = sealBoth(w);
    const input = {
      tenantDocs: { a: w.keyA.doc, b: w.keyB.doc },
      envelopes: { a: s.a.sealed, b: s.b.sealed },
      statement: { op: "le", k: 0 } as const,
      quota: 1,
    };
    openExchange(w.exchangeHome, input);
    expect(() => openExchange(w.exchangeHome, input)).toThrow(
      expect.objectContaining({ code: "TF_ZK_QUOTA_EXCEEDED" }),
    );
    expect(quotaUsage(w.exchangeHome, w.epoch.body.id)).toEqual({ acme: 1, globex: 1 });
    expect(() =>
      openExchange(w.exchangeHome, { ...input, envelopes: { a: s.b.sealed, b: s.a.sealed }, quota: 5 }),
    ).toThrow(expect.objectContaining({ code: "TF_ZK_TENANT_MISMATCH" }));
  });
});
