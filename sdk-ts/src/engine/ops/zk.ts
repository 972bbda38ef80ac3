/**
 * ZK-TX protocol operations: epochs, tenant keys, sealing, the exchange, evidence bundles.
 * zk.seal reads raw selectors and is local-only: both of its selector inputs are listed in
 * pathInputs, so the server refuses every call (tenants seal on their own machines).
 */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { fromBase64, toBase64, utf8 } from "../../core/encoding.js";
import { TfError, toTfError } from "../../core/errors.js";
import { writeFileAtomic } from "../../core/fsutil.js";
import { KeyStore } from "../../core/keys.js";
import { noteSignerFromSeed } from "../../core/note.js";
import { FsLog } from "../../ledger/fslog.js";
import { inclusionProof } from "../../ledger/merkle.js";
import { formatTlogProof } from "../../ledger/proof.js";
import { TileReader } from "../../ledger/tilestore.js";
import { homeLogDir, openLogWriter } from "../../ledger/writer.js";
import { parseJsonText as parse } from "../../zk/docs.js";
import { defineOperation, type OperationContext } from "../operation.js";

const Statement = z.discriminatedUnion("op", [
  z.object({ op: z.literal("eq"), c: z.number().int().min(0).max(0xffff_ffff) }),
  z.object({ op: z.literal("le"), k: z.number().int().min(0).max(0xffff_ffff) }),
]);
const Doc = z
  .string()
  .max(512 * 1024 * 1024)
  .describe("a JSON document, as text");
const Tenant = z.string().describe("tenant name: a-z, 0-9, '.', '_', '-'");

const pretty = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

export const zkEpochRotateOp = defineOperation({
  name: "zk.epochRotate",
  summary:
    "At the exchange: open the next epoch (new pepper; tenants then need new keys). Returns the epoch file for tenants.",
  idempotent: false,
  input: z.object({}),
  output: z.object({
    epoch: z.number().int(),
    id: z.string(),
    exchangeKey: z
      .string()
      .describe("base64 Ed25519 public key of the exchange: tenants and auditors pin it"),
    epochFile: z.string().describe("the epoch file (JSON) to give tenants; it holds the pepper"),
  }),
  handler: async (_input, ctx) => {
    const { rotateEpoch, epochFileOf } = await import("../../zk/epoch.js");
    const e = rotateEpoch(ctx.home, ctx.now?.());
    return {
      epoch: e.body.epoch,
      id: e.body.id,
      exchangeKey: e.body.exchangeKey,
      epochFile: pretty(epochFileOf(e)),
    };
  },
});

export const zkTenantInitOp = defineOperation({
  name: "zk.tenantInit",
  summary:
    "At a tenant: create (or rotate) its secret blinding key for an epoch; returns the signed tenant document to publish.",
  idempotent: false,
  input: z.object({
    tenant: Tenant,
    epochFile: Doc.describe("the epoch file from the exchange"),
    rotate: z
      .boolean()
      .default(false)
      .describe("replace an existing key of this epoch (old envelopes stop being accepted)"),
  }),
  output: z.object({
    tenant: z.string(),
    epoch: z.string(),
    generation: z.number().int(),
    blindingKey: z.string(),
    signingKey: z
      .string()
      .describe("base64 Ed25519 key that signs the tenant's documents: pin it out of band"),
    tenantDoc: z.string().describe("the signed tenant document (JSON) to give the exchange"),
  }),
  handler: async ({ tenant, epochFile, rotate }, ctx) => {
    const { initTenant, parseEpochFile } = await import("../../zk/epoch.js");
    const k = initTenant(ctx.home, tenant, parseEpochFile(epochFile), { rotate, now: ctx.now?.() });
    return {
      tenant,
      epoch: k.epoch,
      generation: k.generation,
      blindingKey: k.body.blindingKey,
      signingKey: k.body.signingKey,
      tenantDoc: pretty(k.doc),
    };
  },
});

export const zkSealOp = defineOperation({
  name: "zk.seal",
  summary: "At a tenant, locally only: normalize, blind and pad a selector list into a signed envelope.",
  idempotent: false,
  pathInputs: ["selectorsPath", "selectors"],
  input: z.object({
    tenant: Tenant,
    epochFile: Doc,
    type: z.enum(["email", "phone", "id"]),
    selectorsPath: z.string().optional().describe("path of the selector file (one per line)"),
    selectors: z.string().optional().describe("or the selector file's content"),
    region: z.string().optional().describe("default region of national phone numbers, e.g. GB"),
  }),
  output: z.object({
    tenant: z.string(),
    epoch: z.string(),
    selectors: z.number().int(),
    duplicates: z.number().int(),
    dummies: z.number().int(),
    size: z.number().int(),
    digest: z.string(),
    envelope: z.string().describe("the sealed envelope (JSON): send it to the exchange, keep a copy"),
  }),
  handler: async (input, ctx) => {
    if ((input.selectorsPath === undefined) === (input.selectors === undefined))
      throw new TfError("TF_INPUT_INVALID", "Pass exactly one of selectorsPath and selectors");
    const { parseEpochFile, loadTenantKey } = await import("../../zk/epoch.js");
    const { seal } = await import("../../zk/envelope.js");
    const { MAX_SELECTOR_BYTES } = await import("../../zk/normalize.js");
    const epoch = parseEpochFile(input.epochFile);
    const key = loadTenantKey(ctx.home, input.tenant, epoch.body.id);
    let content: string | Uint8Array;
    const file = input.selectorsPath ?? "selectors";
    if (input.selectorsPath !== undefined) {
      try {
        content = readFileSync(input.selectorsPath);
      } catch (e) {
        throw toTfError(e);
      }
      if (content.length > MAX_SELECTOR_BYTES)
        throw new TfError("TF_ZK_SELECTORS_TOO_LARGE", `${file} is larger than ${MAX_SELECTOR_BYTES} bytes`);
    } else content = input.selectors!;
    const r = seal(key, epoch, content, input.type, { region: input.region, file, now: ctx.now?.() });
    return {
      tenant: input.tenant,
      epoch: epoch.body.id,
      selectors: r.selectors,
      duplicates: r.duplicates,
      dummies: r.dummies,
      size: r.header.size,
      digest: r.digest,
      envelope: `${JSON.stringify(r.sealed)}\n`,
    };
  },
});

export const zkExchangeOpenOp = defineOperation({
  name: "zk.exchangeOpen",
  summary:
    "At the exchange: verify two envelopes, charge quotas, mask and relay each side's points; tickets go to their owners.",
  idempotent: false,
  input: z.object({
    tenantDocA: Doc,
    tenantDocB: Doc,
    envelopeA: Doc,
    envelopeB: Doc,
    statement: Statement,
    quota: z.number().int().min(1).optional().describe("exchanges per tenant per epoch (default 20)"),
  }),
  output: z.object({
    id: z.string(),
    epoch: z.string(),
    tenants: z.object({ a: z.string(), b: z.string() }),
    sizes: z.object({ a: z.number().int(), b: z.number().int() }),
    relayA: z.string().describe("A's masked points: give to tenant B to re-blind"),
    relayB: z.string().describe("B's masked points: give to tenant A to re-blind"),
    ticketA: z.string().describe("private to tenant A"),
    ticketB: z.string().describe("private to tenant B"),
  }),
  handler: async (i, ctx) => {
    const { openExchange } = await import("../../zk/exchange.js");
    const r = openExchange(ctx.home, {
      tenantDocs: {
        a: parse(i.tenantDocA, "tenant document A"),
        b: parse(i.tenantDocB, "tenant document B"),
      },
      envelopes: { a: parse(i.envelopeA, "envelope A"), b: parse(i.envelopeB, "envelope B") },
      statement: i.statement,
      quota: i.quota,
      now: ctx.now?.(),
    });
    return {
      id: r.id,
      epoch: r.epoch,
      tenants: r.tenants,
      sizes: r.sizes,
      relayA: pretty(r.relays.a),
      relayB: pretty(r.relays.b),
      ticketA: pretty(r.tickets.a),
      ticketB: pretty(r.tickets.b),
    };
  },
});

export const zkReblindOp = defineOperation({
  name: "zk.reblind",
  summary:
    "At a tenant: re-blind the other side's masked points with its epoch key and prove it (batched DLEQ).",
  idempotent: false,
  input: z.object({ tenant: Tenant, epochFile: Doc, relay: Doc }),
  output: z.object({
    exchangeId: z.string(),
    side: z.enum(["a", "b"]),
    points: z.number().int(),
    response: z.string(),
  }),
  handler: async ({ tenant, epochFile, relay }, ctx) => {
    const { parseEpochFile, loadTenantKey } = await import("../../zk/epoch.js");
    const { reblind } = await import("../../zk/exchange.js");
    const epoch = parseEpochFile(epochFile);
    const r = reblind(loadTenantKey(ctx.home, tenant, epoch.body.id), epoch, parse(relay, "relay request"));
    return {
      exchangeId: r.body.exchangeId,
      side: r.body.side,
      points: r.body.outputs.length,
      response: pretty(r.response),
    };
  },
});

const LOG_ORIGIN = "trustfabric.local/zk-exchange";

async function appendToLog(ctx: OperationContext, entry: string): Promise<number> {
  if (!existsSync(homeLogDir(ctx.home))) {
    const store = new KeyStore(ctx.home);
    let seed: Uint8Array;
    try {
      seed = store.load("log").seed;
    } catch (e) {
      if (!(e instanceof TfError && e.code === "TF_KEY_NOT_FOUND")) throw e;
      store.generate("log", { now: ctx.now?.() });
      seed = store.load("log").seed;
    }
    FsLog.init(homeLogDir(ctx.home), LOG_ORIGIN, noteSignerFromSeed(LOG_ORIGIN, seed), "log");
  }
  const r = await openLogWriter(ctx.home).append([utf8(entry)]);
  return r.index;
}

export const zkProveOp = defineOperation({
  name: "zk.prove",
  summary:
    "At the exchange: verify both re-blinding proofs, commit to both double-blinded sets and prove the statement (Groth16); log the result.",
  idempotent: false,
  input: z.object({ id: z.string(), responses: z.array(Doc).length(2) }),
  output: z.object({
    id: z.string(),
    statement: Statement,
    holds: z.literal(true),
    rootA: z.string(),
    rootB: z.string(),
    logIndex: z.number().int(),
    result: z.string().describe("the signed result (JSON)"),
    proof: z.string().describe("the overlap proof (JSON)"),
  }),
  handler: async ({ id, responses }, ctx) => {
    const { proveExchange } = await import("../../zk/exchange.js");
    const r = await proveExchange(
      ctx.home,
      {
        id,
        responses: responses.map((t, i) => parse(t, `response ${i + 1}`)),
        now: ctx.now?.(),
        onProgress: (done, total) => ctx.onProgress?.({ operation: "zk.prove", done, total }),
      },
      (entry) => appendToLog(ctx, entry),
    );
    return {
      id: r.id,
      statement: r.statement,
      holds: true as const,
      rootA: r.commitA.root,
      rootB: r.commitB.root,
      logIndex: r.log.index,
      result: pretty(r.result),
      proof: pretty(r.proof),
    };
  },
});

export const zkBundleExportOp = defineOperation({
  name: "zk.bundleExport",
  summary:
    "At the exchange: the signed evidence bundle (deterministic tar) of a proved exchange, with a fresh log inclusion proof.",
  idempotent: true,
  pathInputs: ["out"],
  input: z.object({
    id: z.string(),
    out: z.string().optional().describe("write the bundle to this path (atomically) instead of returning it"),
  }),
  output: z.object({
    id: z.string(),
    bytes: z.number().int(),
    sha256: z.string(),
    bundle: z.string().optional().describe("base64 of the tar, when no path was given"),
    exchangeKey: z.string(),
    logKey: z.string(),
  }),
  handler: async ({ id, out }, ctx) => {
    const { loadRecord } = await import("../../zk/exchange.js");
    const { buildBundle } = await import("../../zk/bundle.js");
    const { exchangeKey, exchangeEpoch } = await import("../../zk/epoch.js");
    const { sha256 } = await import("../../core/canonical.js");
    const { toHex } = await import("../../core/encoding.js");
    const rec = loadRecord(ctx.home, id);
    if (!rec.result || !rec.log || !rec.responses)
      throw new TfError("TF_USAGE", `Exchange ${id} is not proved yet`, {
        remedy: "Run `tf zk prove` first.",
      });
    const log = FsLog.open(homeLogDir(ctx.home));
    const cp = log.checkpoint();
    const reader = new TileReader(log.dir, cp.size);
    const proofText = formatTlogProof({
      index: rec.log.index,
      proof: inclusionProof(reader, rec.log.index, cp.size),
      checkpoint: cp.note,
    });
    const header = (s: "a" | "b") => (rec.envelopes[s] as { header: never }).header;
    const key = exchangeKey(ctx.home);
    const bytes = await buildBundle(
      {
        exchangeId: id,
        config: {
          schema: "trustfabric.dev/zk/bundle-config/v1",
          exchangeId: id,
          epoch: rec.epoch,
          statement: rec.statement,
          layout: (rec.proof as { layout: unknown }).layout,
          pointEncoding: "ristretto255",
          dleq: "RFC 9497 batched DLEQ, contextString TrustFabric-ZKTX-V1-ristretto255-SHA512",
        },
        epoch: exchangeEpoch(ctx.home, rec.epoch).signed,
        tenants: { a: rec.tenantDocs.a as never, b: rec.tenantDocs.b as never },
        headers: { a: header("a"), b: header("b") },
        relays: { a: rec.relays.a as never, b: rec.relays.b as never },
        responses: { a: rec.responses.a as never, b: rec.responses.b as never },
        proof: rec.proof,
        result: rec.result as never,
        logEntry: rec.log.entry,
        logProof: proofText,
      },
      key.signer,
    );
    if (out) writeFileAtomic(out, bytes);
    return {
      id,
      bytes: bytes.length,
      sha256: toHex(sha256(bytes)),
      bundle: out ? undefined : toBase64(bytes),
      exchangeKey: toBase64(key.signer.publicKey),
      logKey: log.config.vkey,
    };
  },
});

export const zkBundleVerifyOp = defineOperation({
  name: "zk.bundleVerify",
  summary:
    "Verify an evidence bundle offline against pinned keys; with a tenant's ticket and envelope, also its own side.",
  idempotent: true,
  input: z.object({
    bundle: z.string().describe("base64 of the bundle (tar)"),
    exchangeKey: z.string().describe("pinned base64 Ed25519 key of the exchange"),
    logKey: z.string().describe("pinned signed-note verifier key of the log"),
    tenantKeys: z
      .record(z.string(), z.string())
      .optional()
      .describe("pinned base64 Ed25519 signing keys by tenant name"),
    tenant: z
      .object({ ticket: Doc, envelope: Doc, epochFile: Doc })
      .optional()
      .describe("a tenant's own check: its private ticket, its sealed envelope and the epoch file"),
  }),
  output: z.object({
    ok: z.literal(true),
    exchangeId: z.string(),
    epoch: z.string(),
    statement: Statement,
    tenants: z.object({ a: z.string(), b: z.string() }),
    rootA: z.string(),
    rootB: z.string(),
    logIndex: z.number().int(),
    logTreeSize: z.number().int(),
    entries: z.number().int(),
    groth16Proofs: z.number().int(),
    ownSide: z
      .object({ side: z.enum(["a", "b"]), tenant: z.string(), root: z.string(), points: z.number().int() })
      .optional(),
  }),
  handler: async (i) => {
    const { verifyBundle, unpackTar } = await import("../../zk/bundle.js");
    const bytes = fromBase64(i.bundle, "bundle");
    const v = await verifyBundle(bytes, {
      exchangeKey: i.exchangeKey,
      logKey: i.logKey,
      tenantKeys: i.tenantKeys,
    });
    let ownSide: { side: "a" | "b"; tenant: string; root: string; points: number } | undefined;
    if (i.tenant) {
      const { tenantCheck } = await import("../../zk/exchange.js");
      const { parseEpochFile } = await import("../../zk/epoch.js");
      const { TicketBodyZ } = await import("../../zk/exchange.js");
      const { openDoc } = await import("../../zk/docs.js");
      const entries = await unpackTar(bytes);
      const get = (n: string) => JSON.parse(new TextDecoder().decode(entries.get(n)!));
      const ticket = parse(i.tenant.ticket, "ticket");
      const side = openDoc("ticket", ticket, TicketBodyZ).body.side;
      const otherSide = side === "a" ? "b" : "a";
      const proof = get("proof/overlap.json");
      const r = tenantCheck(parseEpochFile(i.tenant.epochFile, fromBase64(i.exchangeKey, "exchangeKey")), {
        ticket,
        envelope: parse(i.tenant.envelope, "envelope"),
        relay: get(`relays/${side}.dsse.json`),
        response: get(`responses/${side}.dsse.json`),
        otherTenantDoc: get(`tenants/${otherSide}.dsse.json`),
        commitment: side === "a" ? proof.commitA : proof.commitB,
      });
      ownSide = { side: r.side, tenant: r.tenant, root: r.root, points: r.points };
    }
    return { ok: true as const, ...v, statement: v.statement as z.infer<typeof Statement>, ownSide };
  },
});
