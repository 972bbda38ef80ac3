/**
 * Damage to a log directory is reported by verifyLog with a precise code and the path of the
 * file at fault. Each case copies a pristine log and damages the copy.
 *
 * Where a hash tile can be checked against the tiles below it, a changed hash is a
 * TILE_MISMATCH naming both the tile (`path`) and its parent; the right-edge level-0 tile has
 * no parent and feeds only the signed root, so damage there is a ROOT_MISMATCH naming it.
 */
import { cpSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromBase64, toBase64, utf8 } from "../../src/core/encoding.js";
import type { ErrorCode, TfError } from "../../src/core/errors.js";
import { noteSignerFromSeed, parseVerifierKey } from "../../src/core/note.js";
import { signCheckpoint } from "../../src/ledger/checkpoint.js";
import { FsLog } from "../../src/ledger/fslog.js";
import { bundlePath, tilePath } from "../../src/ledger/tiles.js";
import { type VerifyLogOptions, verifyLog } from "../../src/ledger/verify.js";
import { expectCode, fixedSeed, tempDir } from "./helpers.js";

const ORIGIN = "example.com/tf/tamper";
const signer = noteSignerFromSeed(ORIGIN, fixedSeed(21));
const verifier = parseVerifierKey(signer.vkey);
const forger = noteSignerFromSeed(ORIGIN, fixedSeed(99)); // same name, another key

function entry(i: number): Uint8Array {
  return utf8(`tamper entry ${i} ${"y".repeat(i % 37)}`);
}

async function build(dir: string, sizes: number[]): Promise<void> {
  const log = FsLog.init(dir, ORIGIN, signer, "log");
  let n = 0;
  for (const s of sizes) {
    await log.append(Array.from({ length: s - n }, (_, k) => entry(n + k)));
    n = s;
  }
}

const tmp = tempDir("tamper");
const SMALL = join(tmp.dir, "small"); // 3000 entries: 11 full level-0 tiles + 184, level-1 partial of 11
const BIG = join(tmp.dir, "big"); // 66000 entries: level-1 tile 0 full, level-2 tile of 1
let copies = 0;

beforeAll(async () => {
  await build(SMALL, [1000, 2000, 3000]);
  await build(BIG, [30000, 66000]);
}, 60_000);
afterAll(() => tmp.cleanup());

/** A fresh copy of `base` with `damage` applied to it. */
function damaged(base: string, damage: (dir: string) => void): string {
  const dir = join(tmp.dir, `copy-${copies++}`);
  cpSync(base, dir, { recursive: true });
  damage(dir);
  return dir;
}

function flipByte(dir: string, rel: string, offset: number, mask = 0x01): void {
  const path = join(dir, rel);
  const data = readFileSync(path);
  data[offset] = data[offset]! ^ mask;
  writeFileSync(path, data);
}

function expectBroken(dir: string, code: ErrorCode, options: VerifyLogOptions = {}): TfError {
  return expectCode(() => verifyLog(dir, verifier, ORIGIN, options), code);
}

function editCheckpoint(dir: string, edit: (note: string) => string): void {
  const path = join(dir, "checkpoint");
  writeFileSync(path, edit(readFileSync(path, "utf8")));
}

/** Replaces character `i` of `s` with a different character of the same class. */
function swapChar(s: string, i: number, alphabet: string): string {
  const c = s[i]!;
  const other = alphabet[(alphabet.indexOf(c) + 1) % alphabet.length]!;
  return s.slice(0, i) + other + s.slice(i + 1);
}
const B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

describe("pristine logs", () => {
  it("verify", () => {
    expect(verifyLog(SMALL, verifier, ORIGIN)).toMatchObject({
      size: 3000,
      entriesChecked: 3000,
      bundlesChecked: 12,
    });
    expect(verifyLog(BIG, verifier, ORIGIN)).toMatchObject({
      size: 66000,
      entriesChecked: 66000,
      bundlesChecked: 258,
    });
  });
});

describe("damaged hash tiles", () => {
  it("a byte flipped in a full level-0 tile: TILE_MISMATCH naming the tile", () => {
    const dir = damaged(SMALL, (d) => flipByte(d, tilePath(0, 5, 256), 32 * 17 + 3));
    const e = expectBroken(dir, "TF_LOG_TILE_MISMATCH");
    expect(e.details).toMatchObject({ path: "tile/0/005", parent: "tile/1/000.p/11" });
  });

  it("a byte flipped in the level-1 tile (the partial top tile of a small log): TILE_MISMATCH naming it as parent", () => {
    const dir = damaged(SMALL, (d) => flipByte(d, tilePath(1, 0, 11), 32 * 4 + 30, 0x80));
    const e = expectBroken(dir, "TF_LOG_TILE_MISMATCH");
    expect(e.details).toMatchObject({ path: "tile/0/004", parent: "tile/1/000.p/11" });
  });

  it("a byte flipped in a full level-1 tile: TILE_MISMATCH, found from below and, in a range check, from above", () => {
    const dir = damaged(BIG, (d) => flipByte(d, tilePath(1, 0, 256), 32 * 9));
    expect(expectBroken(dir, "TF_LOG_TILE_MISMATCH").details).toMatchObject({
      path: "tile/0/009",
      parent: "tile/1/000",
    });
    // A range check skips level-0 tile 9, but the level-2 tile still covers the level-1 tile.
    const e = expectBroken(dir, "TF_LOG_TILE_MISMATCH", { from: 0, to: 256 });
    expect(e.details).toMatchObject({ path: "tile/1/000", parent: "tile/2/000.p/1" });
  });

  it("a byte flipped in the partial top tile of a big log (level 2): TILE_MISMATCH naming it as parent", () => {
    const dir = damaged(BIG, (d) => flipByte(d, tilePath(2, 0, 1), 7));
    expect(expectBroken(dir, "TF_LOG_TILE_MISMATCH").details).toMatchObject({
      path: "tile/1/000",
      parent: "tile/2/000.p/1",
    });
  });

  it("a byte flipped in a partial level-1 tile: TILE_MISMATCH naming it as parent", () => {
    const dir = damaged(BIG, (d) => flipByte(d, tilePath(1, 1, 1), 0));
    expect(expectBroken(dir, "TF_LOG_TILE_MISMATCH").details).toMatchObject({
      path: "tile/0/256",
      parent: "tile/1/001.p/1",
    });
  });

  it("a byte flipped in the right-edge level-0 tile: ROOT_MISMATCH naming it", () => {
    for (const [base, rel] of [
      [SMALL, tilePath(0, 11, 184)],
      [BIG, tilePath(0, 257, 208)],
    ] as const) {
      const dir = damaged(base, (d) => flipByte(d, rel, 32 * 100 + 1));
      const e = expectBroken(dir, "TF_LOG_ROOT_MISMATCH");
      expect(e.details.path).toBe(rel);
      expect(e.details.edgeTiles).toContain(rel);
    }
  });

  it("a truncated tile: TILE_TRUNCATED naming it", () => {
    for (const rel of [tilePath(0, 2, 256), tilePath(0, 11, 184), tilePath(1, 0, 11)]) {
      for (const length of [0, 31, 32 * 5]) {
        const dir = damaged(SMALL, (d) => truncateSync(join(d, rel), length));
        expect(expectBroken(dir, "TF_LOG_TILE_TRUNCATED").details.path).toBe(rel);
      }
    }
  });

  it("a tile with bytes appended: TILE_MISMATCH naming it", () => {
    const rel = tilePath(0, 7, 256);
    const dir = damaged(SMALL, (d) =>
      writeFileSync(join(d, rel), Buffer.concat([readFileSync(join(d, rel)), Buffer.alloc(1)])),
    );
    expect(expectBroken(dir, "TF_LOG_TILE_MISMATCH").details.path).toBe(rel);
  });

  it("a deleted tile: TILE_MISSING naming it", () => {
    for (const [base, rel] of [
      [SMALL, tilePath(0, 3, 256)],
      [SMALL, tilePath(0, 11, 184)],
      [SMALL, tilePath(1, 0, 11)],
      [BIG, tilePath(1, 0, 256)],
      [BIG, tilePath(2, 0, 1)],
    ] as const) {
      const dir = damaged(base, (d) => rmSync(join(d, rel)));
      expect(expectBroken(dir, "TF_LOG_TILE_MISSING").details.path, rel).toBe(rel);
    }
  });
});

describe("damaged entry bundles", () => {
  it("a byte flipped in an entry: BUNDLE_MISMATCH naming the bundle and the entry", () => {
    // Entry 768 starts the bundle: 2 length bytes, then its data.
    const dir = damaged(SMALL, (d) => flipByte(d, bundlePath(3, 256), 2 + 4, 0x20));
    const e = expectBroken(dir, "TF_LOG_BUNDLE_MISMATCH");
    expect(e.details).toMatchObject({ path: "tile/entries/003", index: 768, tile: "tile/0/003" });
  });

  it("a byte flipped in the partial bundle: BUNDLE_MISMATCH", () => {
    const rel = bundlePath(11, 184);
    const data = readFileSync(join(SMALL, rel));
    const dir = damaged(SMALL, (d) => flipByte(d, rel, data.length - 1));
    expect(expectBroken(dir, "TF_LOG_BUNDLE_MISMATCH").details).toMatchObject({ path: rel, index: 2999 });
  });

  it("a corrupted length prefix: BUNDLE_MALFORMED naming the bundle", () => {
    const dir = damaged(SMALL, (d) => flipByte(d, bundlePath(5, 256), 0, 0xff));
    expect(expectBroken(dir, "TF_LOG_BUNDLE_MALFORMED").details.path).toBe("tile/entries/005");
  });

  it("a truncated bundle (mid-entry or at an entry boundary): BUNDLE_MALFORMED", () => {
    const rel = bundlePath(1, 256);
    const full = readFileSync(join(SMALL, rel));
    const lastLen = entry(511).length;
    for (const length of [0, 1, full.length - 1, full.length - 2 - lastLen]) {
      const dir = damaged(SMALL, (d) => truncateSync(join(d, rel), length));
      expect(expectBroken(dir, "TF_LOG_BUNDLE_MALFORMED").details.path).toBe(rel);
    }
  });

  it("an extra entry appended to a bundle: BUNDLE_MALFORMED", () => {
    const rel = bundlePath(0, 256);
    const dir = damaged(SMALL, (d) =>
      writeFileSync(join(d, rel), Buffer.concat([readFileSync(join(d, rel)), Buffer.from([0, 1, 65])])),
    );
    expect(expectBroken(dir, "TF_LOG_BUNDLE_MALFORMED").details.path).toBe(rel);
  });

  it("a deleted bundle: BUNDLE_MISSING naming it", () => {
    for (const rel of [bundlePath(4, 256), bundlePath(11, 184)]) {
      const dir = damaged(SMALL, (d) => rmSync(join(d, rel)));
      expect(expectBroken(dir, "TF_LOG_BUNDLE_MISSING").details.path).toBe(rel);
    }
  });
});

describe("damaged checkpoints", () => {
  it("a byte flipped in the origin: ORIGIN_MISMATCH", () => {
    const dir = damaged(SMALL, (d) => editCheckpoint(d, (n) => `f${n.slice(1)}`));
    expect(expectBroken(dir, "TF_LOG_ORIGIN_MISMATCH").details).toMatchObject({ expected: ORIGIN });
  });

  it("a digit changed in the size: CHECKPOINT_SIGNATURE; a non-digit: CHECKPOINT_MALFORMED", () => {
    const line = ORIGIN.length + 1; // first character of the size line
    expectBroken(
      damaged(SMALL, (d) => editCheckpoint(d, (n) => swapChar(n, line + 3, "0123456789"))),
      "TF_LOG_CHECKPOINT_SIGNATURE",
    );
    expectBroken(
      damaged(SMALL, (d) => editCheckpoint(d, (n) => `${n.slice(0, line)}#${n.slice(line + 1)}`)),
      "TF_LOG_CHECKPOINT_MALFORMED",
    );
  });

  it("a character changed in the root: CHECKPOINT_SIGNATURE, or MALFORMED when it is no longer base64", () => {
    const at = ORIGIN.length + 1 + "3000\n".length + 10;
    expectBroken(
      damaged(SMALL, (d) => editCheckpoint(d, (n) => swapChar(n, at, B64_ALPHABET))),
      "TF_LOG_CHECKPOINT_SIGNATURE",
    );
    expectBroken(
      damaged(SMALL, (d) => editCheckpoint(d, (n) => `${n.slice(0, at)}!${n.slice(at + 1)}`)),
      "TF_LOG_CHECKPOINT_MALFORMED",
    );
  });

  it("a character changed in the signature (key hash or signature bytes): CHECKPOINT_SIGNATURE", () => {
    for (const k of [1, 8, 40, 80]) {
      const dir = damaged(SMALL, (d) =>
        editCheckpoint(d, (n) => {
          const at = n.lastIndexOf(" ") + 1 + k;
          return swapChar(n, at, B64_ALPHABET);
        }),
      );
      expectBroken(dir, "TF_LOG_CHECKPOINT_SIGNATURE");
    }
  });

  it("a signature forged with another key of the same name: CHECKPOINT_SIGNATURE", () => {
    const cp = verifyLog(SMALL, verifier, ORIGIN);
    const body = { origin: ORIGIN, size: cp.size, root: fromBase64(cp.root), extensions: [] };
    const forged = signCheckpoint(body, forger).note;
    expectBroken(
      damaged(SMALL, (d) => writeFileSync(join(d, "checkpoint"), forged)),
      "TF_LOG_CHECKPOINT_SIGNATURE",
    );
    // The forger's signature under the real key's hash: the key is found, the signature fails.
    const real = readFileSync(join(SMALL, "checkpoint"), "utf8");
    const realSig = fromBase64(real.slice(real.lastIndexOf(" ") + 1, -1));
    const forgedSig = fromBase64(forged.slice(forged.lastIndexOf(" ") + 1, -1));
    const spliced = Uint8Array.from([...realSig.subarray(0, 4), ...forgedSig.subarray(4)]);
    const note = `${forged.slice(0, forged.lastIndexOf(" ") + 1)}${toBase64(spliced)}\n`;
    const e = expectBroken(
      damaged(SMALL, (d) => writeFileSync(join(d, "checkpoint"), note)),
      "TF_LOG_CHECKPOINT_SIGNATURE",
    );
    expect((e.cause as TfError).code).toBe("TF_NOTE_SIGNATURE_INVALID");
  });

  it("a removed signature line, or the whole signature block: CHECKPOINT_SIGNATURE", () => {
    const withoutLine = (n: string): string => n.slice(0, n.indexOf("\u2014"));
    expectBroken(
      damaged(SMALL, (d) => editCheckpoint(d, withoutLine)),
      "TF_LOG_CHECKPOINT_SIGNATURE",
    );
    expectBroken(
      damaged(SMALL, (d) => editCheckpoint(d, (n) => withoutLine(n).slice(0, -1))),
      "TF_LOG_CHECKPOINT_SIGNATURE",
    );
  });

  it("only a signature by another log's key: CHECKPOINT_SIGNATURE; an extra cosignature is fine", () => {
    const stranger = noteSignerFromSeed("example.com/other-log", fixedSeed(5));
    const cp = verifyLog(SMALL, verifier, ORIGIN);
    const body = { origin: ORIGIN, size: cp.size, root: fromBase64(cp.root), extensions: [] };
    const foreign = signCheckpoint(body, stranger).note;
    expectBroken(
      damaged(SMALL, (d) => writeFileSync(join(d, "checkpoint"), foreign)),
      "TF_LOG_CHECKPOINT_SIGNATURE",
    );
    const cosigned =
      readFileSync(join(SMALL, "checkpoint"), "utf8") + foreign.slice(foreign.indexOf("\u2014"));
    const dir = damaged(SMALL, (d) => writeFileSync(join(d, "checkpoint"), cosigned));
    expect(verifyLog(dir, verifier, ORIGIN).size).toBe(3000);
  });

  it("a missing or truncated checkpoint: CHECKPOINT_MALFORMED", () => {
    expectBroken(
      damaged(SMALL, (d) => rmSync(join(d, "checkpoint"))),
      "TF_LOG_CHECKPOINT_MALFORMED",
    );
    expectBroken(
      damaged(SMALL, (d) => editCheckpoint(d, (n) => n.slice(0, -1))),
      "TF_LOG_CHECKPOINT_MALFORMED",
    );
    expectBroken(
      damaged(SMALL, (d) => editCheckpoint(d, (n) => n.slice(0, 20))),
      "TF_LOG_CHECKPOINT_MALFORMED",
    );
  });

  it("a validly signed checkpoint that the tiles do not match: ROOT_MISMATCH or TILE_MISSING", () => {
    const cp = verifyLog(SMALL, verifier, ORIGIN);
    const wrongRoot = signCheckpoint(
      { origin: ORIGIN, size: 3000, root: new Uint8Array(32).fill(7), extensions: [] },
      signer,
    );
    expectBroken(
      damaged(SMALL, (d) => writeFileSync(join(d, "checkpoint"), wrongRoot.note)),
      "TF_LOG_ROOT_MISMATCH",
    );
    const tooBig = signCheckpoint(
      { origin: ORIGIN, size: 3100, root: fromBase64(cp.root), extensions: [] },
      signer,
    );
    const e = expectBroken(
      damaged(SMALL, (d) => writeFileSync(join(d, "checkpoint"), tooBig.note)),
      "TF_LOG_TILE_MISSING",
    );
    expect(e.details.path).toBe("tile/1/000.p/12");
  });
});

describe("range verification", () => {
  let badBundle = "";
  let badTile = "";
  beforeAll(() => {
    badBundle = damaged(SMALL, (d) => flipByte(d, bundlePath(3, 256), 100)); // entries 768..1023
    badTile = damaged(SMALL, (d) => flipByte(d, tilePath(0, 6, 256), 64)); // entries 1536..1791
  });

  it("checks only the requested entries", () => {
    expect(verifyLog(badBundle, verifier, ORIGIN, { from: 0, to: 768 })).toMatchObject({
      entriesChecked: 768,
      bundlesChecked: 3,
    });
    expect(verifyLog(badBundle, verifier, ORIGIN, { from: 1024, to: 3000 }).entriesChecked).toBe(1976);
    expectBroken(badBundle, "TF_LOG_BUNDLE_MISMATCH", { from: 1000, to: 1001 });
    expectBroken(badBundle, "TF_LOG_BUNDLE_MISMATCH", { from: 700, to: 800 });

    expect(verifyLog(badTile, verifier, ORIGIN, { from: 0, to: 1536 }).entriesChecked).toBe(1536);
    expect(verifyLog(badTile, verifier, ORIGIN, { from: 1792 }).entriesChecked).toBe(3000 - 1792);
    expect(expectBroken(badTile, "TF_LOG_TILE_MISMATCH", { from: 1700, to: 1701 }).details.path).toBe(
      "tile/0/006",
    );
  });

  it("still checks the checkpoint and the signed root whatever the range", () => {
    const badEdge = damaged(SMALL, (d) => flipByte(d, tilePath(0, 11, 184), 5));
    expectBroken(badEdge, "TF_LOG_ROOT_MISMATCH", { from: 0, to: 10 });
    const badCp = damaged(SMALL, (d) => editCheckpoint(d, (n) => `x${n}`));
    expectBroken(badCp, "TF_LOG_ORIGIN_MISMATCH", { from: 0, to: 0 });
  });

  it("rejects bad ranges", () => {
    expectBroken(SMALL, "TF_LOG_SIZE_INVALID", { from: 5, to: 4 });
    expectBroken(SMALL, "TF_LOG_SIZE_INVALID", { from: -1 });
    expectBroken(SMALL, "TF_LOG_SIZE_INVALID", { from: 3001 });
  });
});
