import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createLocalClient } from "../../src/client/local.js";
import { canonicalBytes } from "../../src/core/canonical.js";
import { dsseSign } from "../../src/core/dsse.js";
import { fromBase64, toBase64 } from "../../src/core/encoding.js";
import { KeyStore } from "../../src/core/keys.js";
import { createManifest } from "../../src/pcq/manifest.js";
import { replay } from "../../src/pcq/replay.js";
import {
  IN_TOTO_PAYLOAD_TYPE,
  parseReceipt,
  type Receipt,
  receiptFor,
  signVerdict,
  VerdictStatement,
  VSA_PREDICATE_TYPE,
  verifyReceipt,
  witnessReport,
} from "../../src/pcq/witness.js";

const tmp = (p = "tf-pcq-witness-") => mkdtempSync(join(tmpdir(), p));
const KARATE = join(import.meta.dirname, "../../../examples/pcq/dsl/karate/edges.csv");

async function initLog(origin: string) {
  const home = tmp("tf-pcq-home-");
  const client = createLocalClient({ home });
  const { vkey } = await client.log.init({ origin });
  return { home, vkey };
}

let home: string;
let vkey: string;
let dir: string;
let receipt: Receipt;
let manifestText: string;
let resultBytes: Buffer;

beforeAll(async () => {
  ({ home, vkey } = await initLog("example.com/pcq-log"));
  dir = tmp();
  cpSync(KARATE, join(dir, "edges.csv"));
  createManifest({
    dataset: join(dir, "edges.csv"),
    metrics: [{ metric: "degree" }, { metric: "pagerank" }],
    name: "karate",
  });
  // Two receipts, so the inclusion proof of the second is not trivial.
  await witnessReport(replay(dir), { home });
  receipt = await witnessReport(replay(dir), { home, now: new Date("2026-01-02T03:04:05Z") });
  manifestText = readFileSync(join(dir, "manifest.json"), "utf8");
  resultBytes = readFileSync(join(dir, "result.json"));
});

const clone = (): Receipt => structuredClone(receipt);
const opts = () => ({ logKey: vkey, manifest: manifestText, result: resultBytes });

describe("witness receipts", () => {
  it("sign an in-toto VSA statement about the manifest and log it", () => {
    expect(receipt.log).toMatchObject({ origin: "example.com/pcq-log", index: 1, treeSize: 2 });
    expect(receipt.envelope.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
    const st = VerdictStatement.parse(JSON.parse(Buffer.from(receipt.envelope.payload, "base64").toString()));
    expect(st.predicateType).toBe(VSA_PREDICATE_TYPE);
    expect(st.predicate.verificationResult).toBe("PASSED");
    expect(st.predicate.timeVerified).toBe("2026-01-02T03:04:05.000Z");
    expect(st.predicate.trustfabric.metrics.map((m) => m.metric)).toEqual(["degree", "pagerank"]);
    expect(st.predicate.trustfabric.tolerances.pagerank).toEqual({ rel: 1e-4, abs: 1e-6 });
  });

  it("verify offline against the log key, the manifest and the result", async () => {
    const v = verifyReceipt(JSON.stringify(receipt), opts());
    expect(v).toMatchObject({
      ok: true,
      verdict: "PASSED",
      outcome: "match",
      index: 1,
      treeSize: 2,
      signer: { pinnedBy: "log-key" },
    });
    expect(v.checks).toEqual([
      "log identity",
      "checkpoint signature",
      "envelope signature",
      "statement",
      "manifest digest",
      "result digest",
      "leaf hash",
      "inclusion proof",
    ]);
    // The logged entry is the envelope's canonical JSON.
    const got = await createLocalClient({ home }).log.get({ index: 1 });
    expect(Buffer.from(got.data, "base64").equals(Buffer.from(canonicalBytes(receipt.envelope)))).toBe(true);
  });

  it("a FAILED verdict is witnessed and verifies as FAILED", async () => {
    const d2 = tmp();
    cpSync(dir, d2, { recursive: true });
    const rp = join(d2, "result.json");
    writeFileSync(rp, readFileSync(rp, "utf8").replace(/"0": 16/, '"0": 17'));
    const report = replay(d2);
    expect(report.outcome).toBe("mismatch");
    const r = await witnessReport(report, { home });
    const v = verifyReceipt(r, { logKey: vkey });
    expect(v.verdict).toBe("FAILED");
  });

  it("each kind of tampering has its own code", () => {
    const text = (r: Receipt) => JSON.stringify(r);
    // The manifest or the result changed after the verdict.
    expect(() =>
      verifyReceipt(text(receipt), { ...opts(), manifest: manifestText.replace('"karate"', '"karate2"') }),
    ).toThrow(expect.objectContaining({ code: "TF_PCQ_RECEIPT_MANIFEST_MISMATCH" }));
    expect(() =>
      verifyReceipt(text(receipt), { ...opts(), result: Buffer.concat([resultBytes, Buffer.from(" ")]) }),
    ).toThrow(expect.objectContaining({ code: "TF_PCQ_RECEIPT_RESULT_MISMATCH" }));
    // The envelope's statement was edited.
    const e = clone();
    const st = JSON.parse(Buffer.from(e.envelope.payload, "base64").toString());
    st.predicate.verificationResult = "FAILED";
    e.envelope.payload = Buffer.from(JSON.stringify(st)).toString("base64");
    expect(() => verifyReceipt(text(e), opts())).toThrow(
      expect.objectContaining({ code: "TF_DSSE_SIGNATURE_INVALID" }),
    );
    // The leaf hash, the proof, the checkpoint.
    const l = clone();
    l.log.leafHash = toBase64(new Uint8Array(32));
    expect(() => verifyReceipt(text(l), opts())).toThrow(
      expect.objectContaining({ code: "TF_PCQ_RECEIPT_LEAF_MISMATCH" }),
    );
    const p = clone();
    const h = fromBase64(p.log.inclusionProof[0]!);
    h[0]! ^= 1;
    p.log.inclusionProof[0] = toBase64(h);
    expect(() => verifyReceipt(text(p), opts())).toThrow(
      expect.objectContaining({ code: "TF_LOG_INCLUSION_MISMATCH" }),
    );
    const i = clone();
    i.log.index = 0;
    expect(() => verifyReceipt(text(i), opts())).toThrow(
      expect.objectContaining({ code: "TF_LOG_INCLUSION_MISMATCH" }),
    );
    const c = clone();
    c.log.checkpoint = c.log.checkpoint.replace("\n2\n", "\n3\n");
    expect(() => verifyReceipt(text(c), opts())).toThrow(
      expect.objectContaining({ code: "TF_LOG_CHECKPOINT_SIGNATURE" }),
    );
    // Not a receipt at all, or a newer one.
    expect(() => verifyReceipt("{}", opts())).toThrow(
      expect.objectContaining({ code: "TF_PCQ_RECEIPT_MALFORMED" }),
    );
    expect(() =>
      verifyReceipt(text({ ...clone(), schema: "trustfabric.dev/pcq/receipt/v2" } as never), opts()),
    ).toThrow(expect.objectContaining({ code: "TF_PCQ_SCHEMA_VERSION" }));
  });

  it("a validly signed envelope that is not a verdict statement is refused", () => {
    const key = new KeyStore(home).load("log");
    const forged = clone();
    forged.envelope = dsseSign(
      IN_TOTO_PAYLOAD_TYPE,
      canonicalBytes({ _type: "https://in-toto.io/Statement/v1", hello: 1 }),
      [key.signer],
    );
    expect(() => verifyReceipt(forged, { logKey: vkey })).toThrow(
      expect.objectContaining({ code: "TF_PCQ_RECEIPT_STATEMENT_INVALID" }),
    );
  });

  it("a receipt checked against another log's key says so", async () => {
    const other = await initLog("example.com/other-log");
    expect(() => verifyReceipt(receipt, { logKey: other.vkey })).toThrow(
      expect.objectContaining({ code: "TF_PCQ_RECEIPT_WRONG_LOG" }),
    );
    // Same origin, different key: also another log.
    const twin = await initLog("example.com/pcq-log");
    expect(() => verifyReceipt(receipt, { logKey: twin.vkey })).toThrow(
      expect.objectContaining({ code: "TF_PCQ_RECEIPT_WRONG_LOG" }),
    );
  });

  it("a separate witness key must be pinned with --public-key", async () => {
    const store = new KeyStore(home);
    const info = store.list().find((k) => k.name === "auditor") ?? store.generate("auditor");
    const r = await witnessReport(replay(dir), { home, key: "auditor" });
    expect(verifyReceipt(r, { logKey: vkey }).signer.pinnedBy).toBe("receipt");
    expect(verifyReceipt(r, { logKey: vkey, publicKey: info.publicKey }).signer.pinnedBy).toBe("public-key");
    const stranger = new KeyStore(tmp()).generate("x");
    expect(() => verifyReceipt(r, { logKey: vkey, publicKey: stranger.publicKey })).toThrow(
      expect.objectContaining({ code: "TF_DSSE_SIGNATURE_INVALID" }),
    );
  });

  it("a verdict signed now and logged later gets its receipt against the latest checkpoint", async () => {
    const signed = signVerdict(replay(dir), { home });
    const { openLogWriter } = await import("../../src/ledger/writer.js");
    const { index } = await openLogWriter(home).append([signed.entry]);
    await witnessReport(replay(dir), { home }); // the log grows past it
    const r = receiptFor(home, signed.entry, signed.signer, index);
    expect(r.log.treeSize).toBe(index + 2);
    expect(verifyReceipt(r, { logKey: vkey, manifest: manifestText })).toMatchObject({
      index,
      verdict: "PASSED",
    });
    expect(() => receiptFor(home, signed.entry, signed.signer, index + 1)).toThrow(
      expect.objectContaining({ code: "TF_LOG_INCLUSION_MISMATCH" }),
    );
  });

  it("witnessing without a log writes nothing and names the fix", async () => {
    const empty = tmp();
    await expect(witnessReport(replay(dir), { home: empty })).rejects.toMatchObject({
      code: "TF_LOG_NOT_INITIALIZED",
    });
    expect(parseReceipt(JSON.stringify(receipt)).schema).toBe("trustfabric.dev/pcq/receipt/v1");
  });
});
