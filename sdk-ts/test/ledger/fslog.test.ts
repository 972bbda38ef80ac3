/**
 * The embedded tiled log: growth across tile boundaries (levels 0, 1 and 2), reads, proofs
 * at every checkpoint it ever signed, group commit, input limits and reopening.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toBase64, utf8 } from "../../src/core/encoding.js";
import { noteSignerFromSeed, parseVerifierKey } from "../../src/core/note.js";
import { openCheckpoint, type SignedCheckpoint } from "../../src/ledger/checkpoint.js";
import { formatConsistencyProof, parseConsistencyProof } from "../../src/ledger/consistency.js";
import { FsLog, readLogConfig } from "../../src/ledger/fslog.js";
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  MemoryTree,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from "../../src/ledger/merkle.js";
import { formatTlogProof, parseTlogProof, verifyTlogProof } from "../../src/ledger/proof.js";
import { bundlePath, MAX_ENTRY_SIZE, TILE_WIDTH, tilePath } from "../../src/ledger/tiles.js";
import { TileReader } from "../../src/ledger/tilestore.js";
import { verifyLog } from "../../src/ledger/verify.js";
import {
  expectCode,
  expectCodeAsync,
  fixedSeed,
  listFiles,
  prng,
  randInt,
  readVectorJson,
  tempDir,
} from "./helpers.js";

const ORIGIN = "example.com/tf/fslog-test";
const signer = noteSignerFromSeed(ORIGIN, fixedSeed(1));

/** Entry i: self-describing, 8..90 bytes. */
function entry(i: number): Uint8Array {
  return utf8(`entry ${i} ${"x".repeat((i * 7) % 83)}`);
}

function range(from: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, k) => entry(from + k));
}

const hex = toBase64;

describe("FsLog", () => {
  const tmp = tempDir("fslog");
  const dir = join(tmp.dir, "log");
  const memory = new MemoryTree();
  /** Every checkpoint the log signed, in order. */
  const history: SignedCheckpoint[] = [];
  let log: FsLog;

  afterAll(() => tmp.cleanup());

  /** Appends through `log`, checking the result against the in-memory model. */
  async function appendChecked(entries: Uint8Array[], via: FsLog = log): Promise<void> {
    const before = memory.size;
    const res = await via.append(entries);
    for (const e of entries) memory.appendData(e);
    expect(res.index).toBe(before);
    expect(res.count).toBe(entries.length);
    expect(res.checkpoint.size).toBe(memory.size);
    expect(hex(res.checkpoint.root)).toBe(hex(memory.root()));
    expect(openCheckpoint(res.checkpoint.note, via.verifier, ORIGIN).size).toBe(memory.size);
    expect(readFileSync(join(dir, "checkpoint"), "utf8")).toBe(res.checkpoint.note);
    // A client still holding the previous checkpoint can read its tree from the tiles.
    const prev = history.at(-1);
    if (prev) {
      expect(hex(rootOf(new TileReader(dir, prev.size), prev.size)), `previous size ${prev.size}`).toBe(
        hex(prev.root),
      );
      if (prev.size > 0) {
        const proof = consistencyProof(
          new TileReader(dir, res.checkpoint.size),
          prev.size,
          res.checkpoint.size,
        );
        verifyConsistency(prev.size, res.checkpoint.size, proof, prev.root, res.checkpoint.root);
      }
    }
    history.push(res.checkpoint);
  }

  it("init creates an empty, signed log and refuses to run twice", () => {
    log = FsLog.init(dir, ORIGIN, signer, "log");
    const cp = log.checkpoint();
    expect(cp.size).toBe(0);
    expect(hex(cp.root)).toBe(hex(EMPTY_ROOT));
    expect(readLogConfig(dir)).toEqual({
      schema: "tf.log/v1",
      origin: ORIGIN,
      vkey: signer.vkey,
      key: "log",
    });
    expect(verifyLog(dir, log.verifier, ORIGIN)).toMatchObject({ size: 0, entriesChecked: 0 });
    history.push(cp);

    expectCode(() => FsLog.init(dir, ORIGIN, signer, "log"), "TF_LOG_EXISTS");
    expectCode(
      () => FsLog.init(dir, ORIGIN, noteSignerFromSeed(ORIGIN, fixedSeed(2)), "other"),
      "TF_LOG_EXISTS",
    );
    expect(readLogConfig(dir).vkey).toBe(signer.vkey);
    expectCode(
      () => FsLog.init(join(tmp.dir, "bad"), "has space", noteSignerFromSeed("x", fixedSeed(1)), "k"),
      "TF_LOG_ORIGIN_INVALID",
    );
    expectCode(
      () => FsLog.init(join(tmp.dir, "bad"), ORIGIN, noteSignerFromSeed("other.example", fixedSeed(1)), "k"),
      "TF_INPUT_INVALID",
    );
    expect(existsSync(join(tmp.dir, "bad", "log.json"))).toBe(false);
    expectCode(() => FsLog.open(join(tmp.dir, "nothing")), "TF_LOG_NOT_INITIALIZED");
  });

  it("grows across tile boundaries: 1, 255, 1, 775 entries", async () => {
    for (const n of [1, 255, 1, 256 * 3 + 7]) await appendChecked(range(memory.size, n));
    expect(memory.size).toBe(1032);
    expect(existsSync(join(dir, tilePath(0, 3, TILE_WIDTH)))).toBe(true);
    expect(existsSync(join(dir, tilePath(0, 4, 8)))).toBe(true);
    expect(existsSync(join(dir, tilePath(1, 0, 4)))).toBe(true);
    expect(existsSync(join(dir, bundlePath(4, 8)))).toBe(true);
  });

  it("grows past 2^16 entries in a few batches, so level-1 and level-2 tiles appear", async () => {
    for (const n of [4000, 30000, 255, 1, 20000, 15744]) await appendChecked(range(memory.size, n));
    const size = memory.size;
    expect(size).toBe(71032);
    // 277 full level-0 tiles + 120 hashes; 1 full level-1 tile + 21; 1 level-2 hash.
    expect(existsSync(join(dir, tilePath(0, 276, TILE_WIDTH)))).toBe(true);
    expect(existsSync(join(dir, tilePath(0, 277, size % 256)))).toBe(true);
    expect(existsSync(join(dir, tilePath(1, 0, TILE_WIDTH)))).toBe(true);
    expect(existsSync(join(dir, tilePath(1, 1, 21)))).toBe(true);
    expect(existsSync(join(dir, tilePath(2, 0, 1)))).toBe(true);
    expect(new TileReader(dir, size).tileLevels).toBe(3);
  });

  it("every entry is readable and every leaf hash matches", () => {
    const size = memory.size;
    const reader = log.reader();
    expect(reader.size).toBe(size);
    const bad: number[] = [];
    let read = 0;
    for (let t = 0; t * TILE_WIDTH < size; t++) {
      const bundle = reader.bundle(t);
      const hashes = reader.tile(0, t);
      expect(bundle.length).toBe(Math.min(TILE_WIDTH, size - t * TILE_WIDTH));
      bundle.forEach((e, j) => {
        const i = t * TILE_WIDTH + j;
        const ok = Buffer.from(e).equals(entry(i)) && Buffer.from(hashes[j]!).equals(memory.node(0, i));
        if (!ok) bad.push(i);
        read++;
      });
    }
    expect(bad).toEqual([]);
    expect(read).toBe(size);
    const rand = prng(7);
    for (let k = 0; k < 300; k++) {
      const i = randInt(rand, 0, size - 1);
      expect(Buffer.from(reader.entry(i)).toString()).toBe(Buffer.from(entry(i)).toString());
    }
    expectCode(() => reader.entry(size), "TF_LOG_INDEX_OUT_OF_RANGE");
  });

  it("the tiles serve every checkpoint the log ever signed (partial tiles stay until full)", () => {
    for (const cp of history) {
      const reader = new TileReader(dir, cp.size);
      expect(hex(rootOf(reader, cp.size)), `size ${cp.size}`).toBe(hex(cp.root));
      if (cp.size > 0) {
        const i = cp.size - 1;
        verifyInclusion(i, cp.size, leafHash(reader.entry(i)), inclusionProof(reader, i, cp.size), cp.root);
      }
    }
    // Consistency between consecutive checkpoints, and from each to the latest, from the tiles.
    const last = history.at(-1)!;
    const reader = new TileReader(dir, last.size);
    for (let k = 1; k + 1 < history.length; k++) {
      const [a, b] = [history[k]!, history[k + 1]!];
      verifyConsistency(
        a.size,
        b.size,
        consistencyProof(new TileReader(dir, b.size), a.size, b.size),
        a.root,
        b.root,
      );
      verifyConsistency(a.size, last.size, consistencyProof(reader, a.size, last.size), a.root, last.root);
    }
  });

  it("inclusion proofs from the tiles equal the in-memory ones and verify; tlog-proof round trip", () => {
    const cp = log.checkpoint();
    const reader = log.reader(cp);
    const rand = prng(11);
    const picks = [
      0,
      1,
      255,
      256,
      65535,
      65536,
      cp.size - 1,
      ...Array.from({ length: 200 }, () => randInt(rand, 0, cp.size - 1)),
    ];
    for (const i of picks) {
      const proof = inclusionProof(reader, i, cp.size);
      expect(proof.map(hex)).toEqual(inclusionProof(memory, i, cp.size).map(hex));
      verifyInclusion(i, cp.size, leafHash(entry(i)), proof, cp.root);

      const text = formatTlogProof({ index: i, proof, checkpoint: cp.note });
      expect(parseTlogProof(text)).toMatchObject({ index: i, checkpoint: cp.note });
      const ok = verifyTlogProof(text, entry(i), log.verifier);
      expect(ok.index).toBe(i);
      expect(ok.checkpoint.size).toBe(cp.size);
    }
    const text = formatTlogProof({
      index: 5,
      proof: inclusionProof(reader, 5, cp.size),
      checkpoint: cp.note,
      extra: utf8("x"),
    });
    expect(verifyTlogProof(text, entry(5), log.verifier).index).toBe(5);
    expectCode(() => verifyTlogProof(text, entry(6), log.verifier), "TF_LOG_INCLUSION_MISMATCH");
    expectCode(
      () => verifyTlogProof(text.replace("index 5", "index 6"), entry(5), log.verifier),
      "TF_LOG_INCLUSION_MISMATCH",
    );
    const stranger = parseVerifierKey(noteSignerFromSeed(ORIGIN, fixedSeed(3)).vkey);
    expectCode(() => verifyTlogProof(text, entry(5), stranger), "TF_LOG_CHECKPOINT_SIGNATURE");
    expectCode(
      () => verifyTlogProof(text.replace("c2sp.org/tlog-proof@v1", "tlog-proof"), entry(5), log.verifier),
      "TF_LOG_PROOF_MALFORMED",
    );
  });

  it("parses the C2SP tlog-proof example framing", () => {
    const ex = readVectorJson<{ parseOnlyExamples: { tlogProofExampleHeader: string } }>(
      "c2sp-spec-examples/examples.json",
    );
    const p = parseTlogProof(ex.parseOnlyExamples.tlogProofExampleHeader);
    expect(p.index).toBe(73894);
    expect(p.proof).toHaveLength(5);
    expect(p.extra).toBeDefined();
    expect(p.checkpoint.startsWith("example.com/fancylog\n109482\n")).toBe(true);
  });

  it("consistency proof files round-trip, and parse the C2SP add-checkpoint example", () => {
    const ex = readVectorJson<{ parseOnlyExamples: { witnessAddCheckpointRequestBody: string } }>(
      "c2sp-spec-examples/examples.json",
    );
    const body = ex.parseOnlyExamples.witnessAddCheckpointRequestBody;
    const parsed = parseConsistencyProof(body);
    expect(parsed.oldSize).toBe(20852014);
    expect(parsed.proof).toHaveLength(4);
    expect(parsed.checkpoint.startsWith("example.com/behind-the-sofa\n20852163\n")).toBe(true);
    expect(formatConsistencyProof(parsed)).toBe(body);

    const cp = log.checkpoint();
    const old = history[3]!;
    const text = formatConsistencyProof({
      oldSize: old.size,
      proof: consistencyProof(log.reader(cp), old.size, cp.size),
      checkpoint: cp.note,
    });
    const back = parseConsistencyProof(text);
    const newer = openCheckpoint(back.checkpoint, log.verifier, ORIGIN);
    verifyConsistency(back.oldSize, newer.size, back.proof, old.root, newer.root);
    expectCode(() => parseConsistencyProof(text.replace(/^old /, "old -")), "TF_LOG_PROOF_MALFORMED");
    expectCode(() => parseConsistencyProof(text.replace("\n\n", "\n")), "TF_LOG_PROOF_MALFORMED");
  });

  it("verifyLog passes over the whole log and over a range", () => {
    const cp = log.checkpoint();
    const report = verifyLog(dir, log.verifier, ORIGIN);
    expect(report).toMatchObject({
      origin: ORIGIN,
      size: cp.size,
      entriesChecked: cp.size,
      bundlesChecked: 278,
    });
    expect(report.root).toBe(hex(cp.root));
    const part = verifyLog(dir, log.verifier, ORIGIN, { from: 300, to: 1000 });
    expect(part).toMatchObject({ entriesChecked: 700, bundlesChecked: 3 });
    expectCode(() => verifyLog(dir, log.verifier, ORIGIN, { from: 10, to: 5 }), "TF_LOG_SIZE_INVALID");
  });

  it("removes partial tiles and bundles once the full one exists, and keeps the right edge", () => {
    const files = listFiles(dir);
    const partialDirs = new Set(
      files.filter((f) => f.includes(".p/")).map((f) => f.slice(0, f.indexOf(".p/"))),
    );
    for (const base of partialDirs) {
      expect(files.includes(base), `${base}.p/ remains beside the full ${base}`).toBe(false);
    }
    const size = memory.size;
    expect(files).toContain(tilePath(0, 277, size % 256));
    expect(files).toContain(bundlePath(277, size % 256));
    expect(files).toContain(tilePath(1, 1, 21));
    // Nothing but the config, the checkpoint and tiles.
    expect(files.filter((f) => !f.startsWith("tile/"))).toEqual(["checkpoint", "log.json"]);
  });

  it("commits concurrent appends together, with consecutive indexes in call order", async () => {
    const start = memory.size;
    const counts = Array.from({ length: 40 }, (_, k) => 1 + (k % 5));
    let next = start;
    const batches = counts.map((n) => {
      const b = range(next, n);
      next += n;
      return b;
    });
    const results = await Promise.all(batches.map((b) => log.append(b)));
    for (const b of batches) for (const e of b) memory.appendData(e);
    let expectIndex = start;
    results.forEach((r, k) => {
      expect(r.index).toBe(expectIndex);
      expect(r.count).toBe(counts[k]);
      expect(r.checkpoint.size).toBeGreaterThanOrEqual(r.index + r.count);
      expectIndex += r.count;
    });
    expect(new Set(results.map((r) => r.checkpoint.size)).size).toBe(1); // one group commit
    expect(hex(log.checkpoint().root)).toBe(hex(memory.root()));
    history.push(log.checkpoint());

    // With a small maxBatch the calls are split into several commits, still in order.
    const small = FsLog.open(dir, signer, { maxBatch: 10 });
    const start2 = memory.size;
    const more = Array.from({ length: 12 }, (_, k) => range(start2 + k * 3, 3));
    const res2 = await Promise.all(more.map((b) => small.append(b)));
    for (const b of more) for (const e of b) memory.appendData(e);
    res2.forEach((r, k) => {
      expect(r.index).toBe(start2 + k * 3);
      expect(r.checkpoint.size).toBeGreaterThanOrEqual(r.index + 3);
      expect(hex(r.checkpoint.root)).toBe(hex(memory.root(r.checkpoint.size)));
    });
    expect(new Set(res2.map((r) => r.checkpoint.size)).size).toBeGreaterThan(1);
    history.push(small.checkpoint());
  });

  it("refuses oversized and empty appends without writing anything", async () => {
    const before = listFiles(dir);
    const cpBefore = readFileSync(join(dir, "checkpoint"), "utf8");
    const huge = new Uint8Array(MAX_ENTRY_SIZE + 1);
    const err = await expectCodeAsync(log.append([huge]), "TF_LOG_ENTRY_TOO_LARGE");
    expect(err.details).toMatchObject({ length: MAX_ENTRY_SIZE + 1, max: MAX_ENTRY_SIZE });
    await expectCodeAsync(log.append([entry(1), huge, entry(2)]), "TF_LOG_ENTRY_TOO_LARGE");
    await expectCodeAsync(log.append([]), "TF_LOG_ENTRY_EMPTY");
    expect(listFiles(dir)).toEqual(before);
    expect(readFileSync(join(dir, "checkpoint"), "utf8")).toBe(cpBefore);

    // The limits themselves are fine: exactly 65535 bytes, and a zero-length entry.
    const max = new Uint8Array(MAX_ENTRY_SIZE).fill(0xab);
    const empty = new Uint8Array(0);
    const start = memory.size;
    await appendChecked([max, empty]);
    const reader = log.reader();
    expect(Buffer.from(reader.entry(start)).equals(Buffer.from(max))).toBe(true);
    expect(reader.entry(start + 1)).toHaveLength(0);
  });

  it("refuses a signer that is not the log's, and writes from a read-only handle", async () => {
    expectCode(() => FsLog.open(dir, noteSignerFromSeed(ORIGIN, fixedSeed(4))), "TF_LOG_KEY_MISMATCH");
    expectCode(
      () => FsLog.open(dir, noteSignerFromSeed("other.example/log", fixedSeed(1))),
      "TF_LOG_KEY_MISMATCH",
    );
    await expectCodeAsync(FsLog.open(dir).append([entry(0)]), "TF_USAGE");
  });

  it("reopening preserves the state; two handles on one directory interleave correctly", async () => {
    const cp = log.checkpoint();
    const again = FsLog.open(dir, signer);
    expect(again.checkpoint().note).toBe(cp.note);
    expect(FsLog.open(dir).reader().size).toBe(cp.size);
    // `log` holds a cached edge; `again` moves the log on; `log` must notice and reload.
    await appendChecked(range(memory.size, 300), again);
    await appendChecked(range(memory.size, 17), log);
    await appendChecked(range(memory.size, 1), again);
    await appendChecked(range(memory.size, 600), log);
    expect(verifyLog(dir, again.verifier, ORIGIN).size).toBe(memory.size);
  });
});

describe("FsLog input checks", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir("fslog-input");
  });
  afterAll(() => tmp.cleanup());

  it("lists no partial bundle for a tile-aligned size", async () => {
    const dir = join(tmp.dir, "aligned");
    const log = FsLog.init(dir, ORIGIN, signer, "log");
    await log.append(range(0, 256));
    const files = listFiles(dir);
    expect(files).toContain("tile/0/000");
    expect(files).toContain("tile/entries/000");
    expect(files).toContain("tile/1/000.p/1");
    expect(files.filter((f) => f.startsWith("tile/0/000.p") || f.startsWith("tile/entries/000.p"))).toEqual(
      [],
    );
    expect(readdirSync(join(dir, "tile"))).toEqual(expect.arrayContaining(["0", "1", "entries"]));
    expect(verifyLog(dir, log.verifier, ORIGIN).size).toBe(256);
  });
});

describe("recovery after a killed writer", () => {
  const tmp = tempDir("fslog-recover");
  afterAll(() => tmp.cleanup());

  it("the next writer removes checkpoint temp files left behind", async () => {
    const dir = join(tmp.dir, "log");
    FsLog.init(dir, ORIGIN, signer, "log");
    writeFileSync(join(dir, "checkpoint.tmp-99999-0"), "half a checkpoint");
    const res = await FsLog.open(dir, signer).append([entry(0)]);
    expect(res.index).toBe(0);
    expect(readdirSync(dir).filter((f) => f.startsWith("checkpoint.tmp-"))).toEqual([]);
  });
});
