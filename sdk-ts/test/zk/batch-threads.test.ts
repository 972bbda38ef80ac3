/**
 * Batch verification on the pairing threads. They exist only in the built SDK (their worker entry
 * is dist/zk-pairing-worker.*), so this file runs the build (`pnpm run build` precedes the tests);
 * the other batch tests run from source, on the main thread.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bn128 } from "../../src/zk/circuits.js";
import { withCurve } from "../../src/zk/curve.js";
import { goldenGroth16 } from "./golden/cases.js";
import { type TwistCurve, twistPointsOutsideG2 } from "./twist.js";

const DIST = fileURLToPath(new URL("../../dist/index.js", import.meta.url));
type Sdk = typeof import("../../src/index.js");
const built = existsSync(DIST);
const sdk = async (): Promise<Sdk> => (await import(DIST)) as Sdk;

/** Runs fn with the built SDK's curve held (the threads live while it is). */
async function held(fn: (zk: Sdk["zk"]) => Promise<void>): Promise<void> {
  const { zk } = await sdk();
  const release = await zk.acquireCurve();
  try {
    await fn(zk);
  } finally {
    release();
  }
}

/** 40 proofs (the golden suite repeated): more than a batch needs to start the threads. */
function forty() {
  const pool = goldenGroth16();
  return Array.from({ length: 40 }, (_, i) => structuredClone(pool[i % pool.length]!));
}

describe.skipIf(!built)("batch verification on the pairing threads (built SDK)", () => {
  afterAll(async () => (await sdk()).zk.releaseCurve());

  it("a large batch starts the threads (a small one does not) and they stay for the next", async () => {
    const { zk } = await sdk();
    await zk.releaseCurve();
    expect(await zk.verifyGroth16Batch(forty().slice(0, 8))).toEqual({ ok: true, invalid: [] });
    expect(zk.pairingThreads()).toBe(0);
    await held(async (zk) => {
      expect(await zk.verifyGroth16Batch(forty())).toEqual({ ok: true, invalid: [] });
      expect(zk.pairingThreads()).toBeGreaterThanOrEqual(2);
      expect(await zk.verifyGroth16Batch(forty())).toEqual({ ok: true, invalid: [] });
      expect(zk.pairingThreads()).toBeGreaterThanOrEqual(2);
    });
  });

  it("threads that die mid-batch leave its chunks to the calling thread, with the same verdicts", async () => {
    // a copy of the built SDK whose pairing threads start, then die at their first chunk
    const dir = mkdtempSync(join(fileURLToPath(new URL("../..", import.meta.url)), ".dist-broken-"));
    try {
      cpSync(fileURLToPath(new URL("../../dist", import.meta.url)), dir, { recursive: true });
      writeFileSync(
        join(dir, "zk-pairing-worker.js"),
        'import { parentPort } from "node:worker_threads";\n' +
          "parentPort.postMessage({ ready: true });\n" +
          "parentPort.on('message', () => process.exit(3));\n",
      );
      const { zk } = (await import(pathToFileURL(join(dir, "index.js")).href)) as Sdk;
      const release = await zk.acquireCurve();
      try {
        expect(await zk.startPairingThreads()).toBe(true);
        expect(await zk.verifyGroth16Batch(forty())).toEqual({ ok: true, invalid: [] });
        // the pool stopped and batches do not start another
        expect(zk.pairingThreads()).toBe(0);
        const items = forty();
        items[12]!.publicSignals[1] = String(BigInt(items[12]!.publicSignals[1]!) + 1n);
        expect(await zk.verifyGroth16Batch(items)).toEqual({ ok: false, invalid: [12] });
        expect(zk.pairingThreads()).toBe(0);
        // asked explicitly, it starts them again; they die again, the verdict is the same
        expect(await zk.startPairingThreads()).toBe(true);
        expect(await zk.verifyGroth16Batch(items)).toEqual({ ok: false, invalid: [12] });
      } finally {
        release();
        await zk.releaseCurve();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("verifies a large batch on the threads and names the invalid proofs as the main thread does", () =>
    held(async (zk) => {
      expect(await zk.startPairingThreads()).toBe(true);
      expect(zk.pairingThreads()).toBeGreaterThanOrEqual(2);
      expect(await zk.verifyGroth16Batch(forty())).toEqual({ ok: true, invalid: [] });
      // proof 5 gets proof 6's A, proof 31 a public signal off by one: both on the curve, both wrong
      const items = forty();
      items[5]!.proof.pi_a = items[6]!.proof.pi_a;
      items[31]!.publicSignals[0] = String(BigInt(items[31]!.publicSignals[0]!) + 1n);
      expect(await zk.verifyGroth16Batch(items)).toEqual({ ok: false, invalid: [5, 31] });
      // without the threads (from source: this thread only) the same
      const { verifyGroth16Batch } = await import("../../src/zk/batch.js");
      expect(await verifyGroth16Batch(items)).toEqual({ ok: false, invalid: [5, 31] });
    }));

  it("refuses a B outside G2 found by a thread, naming its proof", () =>
    held(async (zk) => {
      expect(await zk.startPairingThreads()).toBe(true);
      const bad = await withCurve(async () => {
        const curve = (await bn128()) as TwistCurve;
        const p = twistPointsOutsideG2(curve).next().value!;
        const [x, y] = (curve.G2.toObject(p) as bigint[][]).map((c) => c.map(String) as [string, string]);
        return [x!, y!, ["1", "0"]] as [[string, string], [string, string], [string, string]];
      });
      const items = forty();
      items[33]!.proof.pi_b = bad;
      await expect(zk.verifyGroth16Batch(items)).rejects.toMatchObject({
        // the built SDK's TfError (another class than the source's)
        code: "TF_ZK_PROOF_MALFORMED",
        message: expect.stringMatching(/Proof 33: .*order-r subgroup/),
      });
    }));

  it("keeps the threads past the curve's idle stop; releaseCurve stops them", async () => {
    const { zk } = await sdk();
    expect(zk.pairingThreads()).toBeGreaterThanOrEqual(2);
    // nobody holds the curve: it stops after 150 ms, the threads stay (a server between batches)
    await new Promise((r) => setTimeout(r, 400));
    expect(zk.pairingThreads()).toBeGreaterThanOrEqual(2);
    expect(await zk.verifyGroth16Batch(forty())).toEqual({ ok: true, invalid: [] });
    await zk.releaseCurve();
    expect(zk.pairingThreads()).toBe(0);
  });
});
