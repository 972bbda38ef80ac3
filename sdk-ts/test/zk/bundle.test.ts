import { describe, expect, it } from "vitest";
import { isTfError } from "../../src/core/errors.js";
import { runOperation } from "../../src/engine/index.js";
import { packTar, unpackTar, verifyBundle } from "../../src/zk/bundle.js";
import { fullFlow } from "./helpers.js";

/** Offsets of each entry's header and data in a ustar archive. */
function tarLayout(bytes: Uint8Array): { name: string; header: number; data: number; size: number }[] {
  const out = [];
  let off = 0;
  while (off + 512 <= bytes.length && bytes[off] !== 0) {
    const h = Buffer.from(bytes.subarray(off, off + 512));
    const name = h.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    const size = Number.parseInt(h.subarray(124, 136).toString("utf8").replace(/\0.*$/s, "").trim(), 8);
    out.push({ name, header: off, data: off + 512, size });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

describe("evidence bundles", async () => {
  const flow = await fullFlow();
  const pinned = {
    exchangeKey: flow.exported.exchangeKey,
    logKey: flow.exported.logKey,
    tenantKeys: {
      acme: JSON.parse(Buffer.from(JSON.parse(flow.tenantDocs.a).payload, "base64").toString()).signingKey,
      globex: JSON.parse(Buffer.from(JSON.parse(flow.tenantDocs.b).payload, "base64").toString()).signingKey,
    },
  };

  it("verifies offline with the pinned keys, and each tenant checks its own side", async () => {
    const v = await verifyBundle(flow.bundle, pinned);
    expect(v).toMatchObject({
      exchangeId: flow.open.id,
      statement: { op: "eq", c: 3 },
      tenants: { a: "acme", b: "globex" },
    });
    for (const [side, ticket] of [
      ["a", flow.open.ticketA],
      ["b", flow.open.ticketB],
    ] as const) {
      const r = await runOperation(
        "zk.bundleVerify",
        {
          bundle: Buffer.from(flow.bundle).toString("base64"),
          ...pinned,
          tenant: { ticket, envelope: flow.envelopes[side], epochFile: flow.epochFile },
        },
        { home: flow.homes.x },
      );
      expect(r.ownSide?.side).toBe(side);
    }
    // A ticket used with the other tenant's envelope is refused.
    await expect(
      runOperation(
        "zk.bundleVerify",
        {
          bundle: Buffer.from(flow.bundle).toString("base64"),
          ...pinned,
          tenant: { ticket: flow.open.ticketA, envelope: flow.envelopes.b, epochFile: flow.epochFile },
        },
        { home: flow.homes.x },
      ),
    ).rejects.toMatchObject({ code: "TF_ZK_ENVELOPE_INVALID" });
  });

  it("is deterministic: entries sorted, fixed headers, same bytes when re-packed", async () => {
    const entries = await unpackTar(flow.bundle);
    expect([...entries.keys()]).toEqual([...entries.keys()].sort());
    expect(Buffer.compare(Buffer.from(await packTar(entries)), Buffer.from(flow.bundle))).toBe(0);
    expect([...entries.keys()].some((n) => n.includes("points"))).toBe(false);
  });

  it("refuses a flipped byte in every entry and in the tar headers with a TF_ZK_BUNDLE_* code", async () => {
    const layout = tarLayout(flow.bundle);
    expect(layout.length).toBe(15);
    const cases: { what: string; at: number }[] = [];
    for (const e of layout) {
      cases.push({ what: `${e.name} data`, at: e.data + Math.floor(e.size / 2) });
      cases.push({ what: `${e.name} name`, at: e.header + 1 });
      cases.push({ what: `${e.name} mtime`, at: e.header + 140 });
      cases.push({ what: `${e.name} checksum`, at: e.header + 150 });
      if (e.size % 512 !== 0) cases.push({ what: `${e.name} padding`, at: e.data + e.size });
    }
    cases.push({ what: "end of archive", at: flow.bundle.length - 100 });
    const seen = new Map<string, number>();
    for (const c of cases) {
      const bad = flow.bundle.slice();
      bad[c.at] = bad[c.at]! ^ 0x01;
      let code = "accepted";
      try {
        await verifyBundle(bad, pinned);
      } catch (e) {
        if (!isTfError(e)) throw new Error(`${c.what}: crashed with ${String(e)}`);
        code = e.code;
      }
      expect(code, c.what).toMatch(/^TF_ZK_BUNDLE_/);
      if (c.what.endsWith(" data") && c.what !== "manifest.dsse.json data")
        expect(code, c.what).toBe("TF_ZK_BUNDLE_CHECKSUM_MISMATCH");
      seen.set(code, (seen.get(code) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(
      expect.arrayContaining([
        "TF_ZK_BUNDLE_CHECKSUM_MISMATCH",
        "TF_ZK_BUNDLE_MALFORMED",
        "TF_ZK_BUNDLE_SIGNATURE_INVALID",
      ]),
    );
  });

  it("refuses truncation, missing and extra entries, and other pinned keys", async () => {
    await expect(verifyBundle(flow.bundle.subarray(0, 1024), pinned)).rejects.toMatchObject({
      code: expect.stringMatching(/^TF_ZK_BUNDLE_/),
    });
    await expect(verifyBundle(new Uint8Array(0), pinned)).rejects.toMatchObject({
      code: "TF_ZK_BUNDLE_MALFORMED",
    });
    const entries = await unpackTar(flow.bundle);
    const missing = new Map(entries);
    missing.delete("responses/a.dsse.json");
    await expect(verifyBundle(await packTar(missing), pinned)).rejects.toMatchObject({
      code: "TF_ZK_BUNDLE_ENTRY_MISSING",
    });
    const extra = new Map(entries);
    extra.set("zz-extra.txt", new Uint8Array([1]));
    await expect(verifyBundle(await packTar(extra), pinned)).rejects.toMatchObject({
      code: "TF_ZK_BUNDLE_TAMPERED",
    });
    const otherKey = { ...pinned, exchangeKey: pinned.tenantKeys.acme };
    await expect(verifyBundle(flow.bundle, otherKey)).rejects.toMatchObject({
      code: "TF_ZK_BUNDLE_SIGNATURE_INVALID",
    });
    const noPin = {
      ...pinned,
      tenantKeys: { acme: pinned.tenantKeys.globex, globex: pinned.tenantKeys.acme },
    };
    await expect(verifyBundle(flow.bundle, noPin)).rejects.toMatchObject({ code: "TF_ZK_TENANT_MISMATCH" });
  });
});
