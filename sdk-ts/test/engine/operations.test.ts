import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTfError } from "../../src/core/errors.js";
import { operationNames, operations, runOperation } from "../../src/engine/index.js";
import { type AnyClient, clientKinds, tmp } from "../support/clients.js";

const home = () => tmp("tf-ops-");

describe("operation table", () => {
  it("names are namespace.method and every entry's name matches its key", () => {
    for (const name of operationNames) {
      expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
      expect(operations[name].name).toBe(name);
      expect(operations[name].summary.length).toBeGreaterThan(10);
    }
  });

  it("rejects invalid input with TF_INPUT_INVALID naming the field", async () => {
    const err = await runOperation("log.get", { index: -1 } as never, { home: home() }).catch((e) => e);
    expect(isTfError(err, "TF_INPUT_INVALID")).toBe(true);
    expect(err.details.path).toBe("index");
  });
});

let kinds: Awaited<ReturnType<typeof clientKinds>>;
beforeAll(async () => {
  kinds = await clientKinds();
});
afterAll(async () => {
  await kinds?.close();
});

describe.each(["local", "remote"] as const)("%s client", (kind) => {
  const make = (): AnyClient => kinds.make[kind]();

  it("exposes every operation as a typed method and round-trips a log", async () => {
    const client = make();
    for (const name of operationNames) {
      const [ns, m] = name.split(".") as [string, string];
      expect(typeof (client as unknown as Record<string, Record<string, unknown>>)[ns]![m]).toBe("function");
    }
    const init = await client.log.init({ origin: "example.com/ops" });
    expect(init.vkey).toMatch(/^example\.com\/ops\+[0-9a-f]{8}\+/);
    const app = await client.log.append({ entries: ["a", "b", "c"] });
    expect(app).toMatchObject({ index: 0, count: 3, checkpoint: { size: 3 } });
    const got = await client.log.get({ index: 2 });
    expect(got.text).toBe("c");
    const proof = await client.log.prove({ index: 1 });
    const ok = await client.log.verifyProof({ proof: proof.proof, entry: "b", vkey: init.vkey });
    expect(ok).toMatchObject({ ok: true, index: 1, treeSize: 3 });
    const bad = await client.log
      .verifyProof({ proof: proof.proof, entry: "x", vkey: init.vkey })
      .catch((e) => e);
    expect(isTfError(bad, "TF_LOG_INCLUSION_MISMATCH")).toBe(true);
    const old = (await client.log.checkpoint({})).note;
    await client.log.append({ entries: ["d", "e"] });
    const cons = await client.log.consistency({ from: 3 });
    const v = await client.log.verifyConsistency({ proof: cons.proof, oldCheckpoint: old, vkey: init.vkey });
    expect(v).toEqual({ ok: true, from: 3, to: 5 });
    const report = await client.log.verify({});
    expect(report).toMatchObject({ ok: true, size: 5, entriesChecked: 5 });
  });

  it("a pinned checkpoint for another tree size is refused", async () => {
    const client = make();
    const init = await client.log.init({ origin: "example.com/pin" });
    await client.log.append({ entries: ["a", "b"] });
    const pinned = (await client.log.checkpoint({})).note;
    await client.log.append({ entries: ["c"] });
    const p = await client.log.prove({ index: 0 });
    const err = await client.log
      .verifyProof({ proof: p.proof, entry: "a", vkey: init.vkey, checkpoint: pinned })
      .catch((e) => e);
    expect(isTfError(err, "TF_LOG_INCLUSION_MISMATCH")).toBe(true);
  });

  it("a checkpoint of another log is refused with TF_LOG_ORIGIN_MISMATCH", async () => {
    const a = make();
    const b = make();
    const ia = await a.log.init({ origin: "example.com/a" });
    await b.log.init({ origin: "example.com/b" });
    await b.log.append({ entries: ["x"] });
    const p = await b.log.prove({ index: 0 });
    const err = await a.log
      .verifyProof({ proof: p.proof, entry: "x", vkey: ia.vkey, origin: "example.com/a" })
      .catch((e) => e);
    expect(isTfError(err, "TF_LOG_ORIGIN_MISMATCH")).toBe(true);
  });
});
