import { z } from "zod";
import { fromBase64, toBase64, utf8 } from "../../core/encoding.js";
import { TfError } from "../../core/errors.js";
import { KeyStore } from "../../core/keys.js";
import { noteSignerFromSeed, parseVerifierKey } from "../../core/note.js";
import { openCheckpoint } from "../../ledger/checkpoint.js";
import { formatConsistencyProof, parseConsistencyProof } from "../../ledger/consistency.js";
import { FsLog } from "../../ledger/fslog.js";
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
} from "../../ledger/merkle.js";
import { formatTlogProof, verifyTlogProof } from "../../ledger/proof.js";
import { TileReader } from "../../ledger/tilestore.js";
import { verifyLog } from "../../ledger/verify.js";
import { homeLogDir, openLogWriter } from "../../ledger/writer.js";
import { defineOperation, type OperationContext } from "../operation.js";

export const logDir = (ctx: OperationContext): string => homeLogDir(ctx.home);

const Encoding = z
  .enum(["utf8", "base64"])
  .default("utf8")
  .describe("How entry data is written in this document");
const Index = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const B64 = z.string().describe("standard base64");

const CheckpointOut = z.object({
  origin: z.string(),
  size: Index,
  root: B64.describe("base64 root hash"),
  note: z.string().describe("the signed checkpoint note, verbatim (C2SP tlog-checkpoint)"),
});

function decodeEntry(data: string, encoding: "utf8" | "base64"): Uint8Array {
  return encoding === "utf8" ? utf8(data) : fromBase64(data, "entry");
}

const openWritable = (ctx: OperationContext): FsLog => openLogWriter(ctx.home);

function cpOut(cp: {
  origin: string;
  size: number;
  root: Uint8Array;
  note: string;
}): z.input<typeof CheckpointOut> {
  return { origin: cp.origin, size: cp.size, root: toBase64(cp.root), note: cp.note };
}

export const logInit = defineOperation({
  name: "log.init",
  summary: "Create the transparency log in the data directory, signed by a key from the key store.",
  idempotent: false,
  input: z.object({
    origin: z.string().min(1).describe("The log's origin line, e.g. example.com/log"),
    key: z.string().min(1).default("log").describe("Key store name of the signing key; created if missing"),
  }),
  output: z.object({
    dir: z.string(),
    origin: z.string(),
    vkey: z.string(),
    key: z.string(),
    checkpoint: CheckpointOut,
  }),
  handler: ({ origin, key }, ctx) => {
    const store = new KeyStore(ctx.home);
    let seed: Uint8Array;
    try {
      seed = store.load(key).seed;
    } catch (e) {
      if (!(e instanceof TfError && e.code === "TF_KEY_NOT_FOUND")) throw e;
      store.generate(key, { now: ctx.now?.() });
      seed = store.load(key).seed;
    }
    const log = FsLog.init(logDir(ctx), origin, noteSignerFromSeed(origin, seed), key);
    return { dir: log.dir, origin, vkey: log.config.vkey, key, checkpoint: cpOut(log.checkpoint()) };
  },
});

export const logAppend = defineOperation({
  name: "log.append",
  summary: "Append entries; returns once they are durable and covered by a new signed checkpoint.",
  idempotent: false,
  input: z.object({ entries: z.array(z.string()).min(1), encoding: Encoding }),
  output: z.object({
    index: Index.describe("index of the first entry"),
    count: z.number().int(),
    leafHashes: z.array(B64),
    checkpoint: CheckpointOut,
  }),
  handler: async ({ entries, encoding }, ctx) => {
    const data = entries.map((e) => decodeEntry(e, encoding));
    const res = await openWritable(ctx).append(data);
    return {
      index: res.index,
      count: res.count,
      leafHashes: data.map((d) => toBase64(leafHash(d))),
      checkpoint: cpOut(res.checkpoint),
    };
  },
});

export const logGet = defineOperation({
  name: "log.get",
  summary: "Read the entry at an index.",
  idempotent: true,
  input: z.object({ index: Index }),
  output: z.object({
    index: Index,
    data: B64,
    text: z.string().nullable().describe("the entry as UTF-8, when it is valid UTF-8"),
    leafHash: B64,
  }),
  handler: ({ index }, ctx) => {
    const entry = FsLog.open(logDir(ctx)).reader().entry(index);
    let text: string | null = null;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(entry);
    } catch {
      text = null;
    }
    return { index, data: toBase64(entry), text, leafHash: toBase64(leafHash(entry)) };
  },
});

export const logCheckpoint = defineOperation({
  name: "log.checkpoint",
  summary: "The log's current signed checkpoint, verified against its key.",
  idempotent: true,
  input: z.object({}),
  output: CheckpointOut.extend({ vkey: z.string() }),
  handler: (_input, ctx) => {
    const log = FsLog.open(logDir(ctx));
    return { ...cpOut(log.checkpoint()), vkey: log.config.vkey };
  },
});

export const logProve = defineOperation({
  name: "log.prove",
  summary: "An inclusion proof for an entry, as a C2SP tlog-proof that verifies offline.",
  idempotent: true,
  input: z.object({ index: Index }),
  output: z.object({
    index: Index,
    treeSize: Index,
    leafHash: B64,
    proof: z.string().describe("c2sp.org/tlog-proof@v1 text"),
    vkey: z.string(),
  }),
  handler: ({ index }, ctx) => {
    const log = FsLog.open(logDir(ctx));
    const cp = log.checkpoint();
    const reader = new TileReader(log.dir, cp.size);
    const entry = reader.entry(index);
    const proof = formatTlogProof({
      index,
      proof: inclusionProof(reader, index, cp.size),
      checkpoint: cp.note,
    });
    return { index, treeSize: cp.size, leafHash: toBase64(leafHash(entry)), proof, vkey: log.config.vkey };
  },
});

export const logVerifyProof = defineOperation({
  name: "log.verifyProof",
  summary: "Verify a tlog-proof offline: only the proof, the entry and the log's verifier key are needed.",
  idempotent: true,
  input: z.object({
    proof: z.string().describe("c2sp.org/tlog-proof@v1 text"),
    entry: z.string().describe("the entry's data"),
    encoding: Encoding,
    vkey: z.string().describe("the log's signed-note verifier key"),
    origin: z.string().optional().describe("expected origin (default: the key's name)"),
    checkpoint: z
      .string()
      .optional()
      .describe("a checkpoint the auditor already trusts; the proof must be for that tree"),
  }),
  output: z.object({ ok: z.literal(true), index: Index, treeSize: Index, root: B64, origin: z.string() }),
  handler: ({ proof, entry, encoding, vkey, origin, checkpoint }, _ctx) => {
    const verifier = parseVerifierKey(vkey);
    const res = verifyTlogProof(proof, decodeEntry(entry, encoding), verifier, origin ?? verifier.name);
    if (checkpoint !== undefined) {
      const pinned = openCheckpoint(checkpoint, verifier, origin ?? verifier.name);
      if (pinned.size !== res.checkpoint.size || toBase64(pinned.root) !== toBase64(res.checkpoint.root)) {
        throw new TfError(
          "TF_LOG_INCLUSION_MISMATCH",
          `The proof is for tree size ${res.checkpoint.size}, the trusted checkpoint has size ${pinned.size}`,
          {
            remedy:
              "Ask the log for a proof at your checkpoint's size, or check consistency between the two checkpoints.",
            details: { proofSize: res.checkpoint.size, checkpointSize: pinned.size },
          },
        );
      }
    }
    return {
      ok: true as const,
      index: res.index,
      treeSize: res.checkpoint.size,
      root: toBase64(res.checkpoint.root),
      origin: res.checkpoint.origin,
    };
  },
});

export const logConsistency = defineOperation({
  name: "log.consistency",
  summary:
    "A consistency proof between an older tree size and the current checkpoint (tlog-witness framing).",
  idempotent: true,
  input: z.object({ from: Index.describe("the older tree size") }),
  output: z.object({
    from: Index,
    to: Index,
    proof: z.string().describe("`old N`, proof hashes, blank line, new checkpoint"),
    fromRoot: B64,
    toRoot: B64,
  }),
  handler: ({ from }, ctx) => {
    const log = FsLog.open(logDir(ctx));
    const cp = log.checkpoint();
    if (from > cp.size || from < 1) {
      throw new TfError("TF_LOG_SIZE_INVALID", `The older size must be between 1 and ${cp.size}`, {
        details: { from, size: cp.size },
      });
    }
    const reader = new TileReader(log.dir, cp.size);
    const hashes = consistencyProof(reader, from, cp.size);
    return {
      from,
      to: cp.size,
      proof: formatConsistencyProof({ oldSize: from, proof: hashes, checkpoint: cp.note }),
      fromRoot: toBase64(rootOf(new TileReader(log.dir, from), from)),
      toRoot: toBase64(cp.root),
    };
  },
});

export const logVerifyConsistency = defineOperation({
  name: "log.verifyConsistency",
  summary: "Verify offline that a newer checkpoint extends an older one.",
  idempotent: true,
  input: z.object({
    proof: z.string().describe("consistency proof text from log.consistency"),
    oldCheckpoint: z.string().describe("the older signed checkpoint note"),
    vkey: z.string(),
    origin: z.string().optional(),
  }),
  output: z.object({ ok: z.literal(true), from: Index, to: Index }),
  handler: ({ proof, oldCheckpoint, vkey, origin }, _ctx) => {
    const verifier = parseVerifierKey(vkey);
    const o = origin ?? verifier.name;
    const p = parseConsistencyProof(proof);
    const oldCp = openCheckpoint(oldCheckpoint, verifier, o);
    const newCp = openCheckpoint(p.checkpoint, verifier, o);
    if (oldCp.size !== p.oldSize) {
      throw new TfError(
        "TF_LOG_CONSISTENCY_MISMATCH",
        `The proof starts at size ${p.oldSize}, the old checkpoint has size ${oldCp.size}`,
      );
    }
    verifyConsistency(oldCp.size, newCp.size, p.proof, oldCp.root, newCp.root);
    return { ok: true as const, from: oldCp.size, to: newCp.size };
  },
});

export const logVerify = defineOperation({
  name: "log.verify",
  summary:
    "Walk the log (or an entry range) and report the first inconsistency in tiles, bundles or checkpoint.",
  idempotent: true,
  pathInputs: ["dir"],
  input: z.object({
    from: Index.optional(),
    to: Index.optional(),
    dir: z.string().optional().describe("a tiled log directory other than the embedded one"),
    vkey: z.string().optional().describe("verifier key (required with dir)"),
    origin: z.string().optional(),
  }),
  output: z.object({
    ok: z.literal(true),
    origin: z.string(),
    size: Index,
    root: B64,
    entriesChecked: z.number(),
    tilesChecked: z.number(),
    bundlesChecked: z.number(),
  }),
  handler: ({ from, to, dir, vkey, origin }, ctx) => {
    let d = dir;
    let key = vkey;
    if (!d) {
      d = logDir(ctx);
      key = key ?? FsLog.open(d).config.vkey;
    }
    if (!key)
      throw new TfError("TF_USAGE", "Pass the log's verifier key (--vkey) to verify a foreign log directory");
    const verifier = parseVerifierKey(key);
    const report = verifyLog(d, verifier, origin ?? verifier.name, {
      from,
      to,
      onProgress: (done, total) => ctx.onProgress?.({ operation: "log.verify", done, total }),
    });
    return { ok: true as const, ...report };
  },
});
