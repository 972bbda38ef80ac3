/**
 * kill -9: several writer processes append to one log directory while the test kills them
 * with SIGKILL at random moments and restarts them. Afterwards every acknowledged entry must
 * be in the log with its exact bytes, at the index it was acknowledged with, and every
 * checkpoint a writer acknowledged must be consistent with every other and with the last.
 *
 * The writers run the built SDK (sdk-ts/dist): build before running the tests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromBase64, toBase64 } from "../../src/core/encoding.js";
import { noteSignerFromSeed, parseVerifierKey } from "../../src/core/note.js";
import { openCheckpoint, type SignedCheckpoint } from "../../src/ledger/checkpoint.js";
import { FsLog } from "../../src/ledger/fslog.js";
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  MemoryTree,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from "../../src/ledger/merkle.js";
import { TILE_WIDTH } from "../../src/ledger/tiles.js";
import { TileReader } from "../../src/ledger/tilestore.js";
import { verifyLog } from "../../src/ledger/verify.js";
import { fixedSeed, prng, randInt, tempDir } from "./helpers.js";

const WRITER = fileURLToPath(new URL("./fixtures/writer.mjs", import.meta.url));
const SDK_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DIST = join(SDK_ROOT, "dist", "index.js");
const ORIGIN = "example.com/tf/crash-test";
const SEED = fixedSeed(42);
const SEED_HEX = Buffer.from(SEED).toString("hex");
const signer = noteSignerFromSeed(ORIGIN, SEED);
const verifier = parseVerifierKey(signer.vkey);

const WRITERS = 3;
const ROUNDS = 36;
const MIN_ACKS = 60;
const CHAOS_BUDGET_MS = 35_000;
const CALM_BUDGET_MS = 15_000;

/** The bytes writer.mjs puts in entry j of the append tagged `tag` (kept in step with it). */
function expectedEntry(tag: string, j: number, count: number, length: number): Buffer {
  const header = Buffer.from(`${tag} ${j} ${count} ${length}\n`);
  const out = Buffer.alloc(Math.max(length, header.length));
  header.copy(out);
  let off = header.length;
  for (let block = 0; off < out.length; block++) {
    const h = createHash("sha256").update(header).update(String(block)).digest();
    off += h.copy(out, off, 0, Math.min(h.length, out.length - off));
  }
  return out;
}

interface Ack {
  index: number;
  count: number;
  size: number;
  root: string;
  note: string;
  tag: string;
}

class Writer {
  proc: ChildProcess | null = null;
  closed: Promise<void> = Promise.resolve();
  run = 0;
  readonly lines: string[] = [];
  stderr = "";
  /** The current process has opened the log (killing it earlier only tests Node's startup). */
  ready = false;

  constructor(
    readonly id: number,
    readonly dir: string,
  ) {}

  start(): void {
    this.run++;
    this.ready = false;
    const proc = spawn(
      process.execPath,
      [WRITER, this.dir, String(this.id), String(this.run), SEED_HEX, ORIGIN],
      { stdio: ["ignore", "pipe", "pipe"], env: writerEnv() },
    );
    let partial = "";
    proc.stdout!.setEncoding("utf8");
    proc.stdout!.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop()!;
      for (const line of parts) {
        if (line === "ready") this.ready = true;
        else this.lines.push(line);
      }
    });
    proc.stderr!.setEncoding("utf8");
    proc.stderr!.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    // "close" comes after the pipes are drained, so no acknowledged line is lost.
    this.closed = new Promise((resolve) => proc.on("close", () => resolve()));
    this.proc = proc;
  }

  async kill(): Promise<void> {
    this.proc?.kill("SIGKILL");
    await this.closed;
    this.proc = null;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let distSnapshot = "";

/** Writers import a snapshot of the build, so another build (tsup cleans dist) cannot break them. */
function writerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, TF_SDK_DIST: distSnapshot };
}

describe("kill -9 during appends", () => {
  const tmp = tempDir("crash");
  beforeAll(() => {
    expect(existsSync(DIST), `${DIST} is missing: build the SDK before running this test`).toBe(true);
    const root = join(tmp.dir, "sdk");
    mkdirSync(root);
    cpSync(join(SDK_ROOT, "dist"), join(root, "dist"), { recursive: true });
    writeFileSync(join(root, "package.json"), '{ "type": "module" }\n');
    symlinkSync(join(SDK_ROOT, "node_modules"), join(root, "node_modules"), "dir");
    distSnapshot = join(root, "dist", "index.js");
    expect(existsSync(distSnapshot)).toBe(true);
  });
  afterAll(() => tmp.cleanup());

  it("loses no acknowledged entry and never forks", async () => {
    const dir = join(tmp.dir, "log");
    FsLog.init(dir, ORIGIN, signer, "log");

    const rand = prng(20240917);
    const writers = Array.from({ length: WRITERS }, (_, i) => new Writer(i + 1, dir));
    for (const w of writers) w.start();
    const started = Date.now();
    const acked = (): number =>
      writers.reduce((n, w) => n + w.lines.filter((l) => l.startsWith("ack ")).length, 0);
    let kills = 0;
    let readerChecks = 0;
    // ROUNDS kills within the time budget.
    for (let round = 0; round < ROUNDS && Date.now() - started < CHAOS_BUDGET_MS; round++) {
      // Mostly quick kills; now and then a longer pause so batches reach the disk.
      await sleep(round % 6 === 5 ? randInt(rand, 400, 900) : randInt(rand, 20, 300));
      while (!writers.some((x) => x.ready)) await sleep(5);
      const live = writers.filter((x) => x.ready);
      const w = live[randInt(rand, 0, live.length - 1)]!;
      await w.kill();
      kills++;
      w.start();
      // A reader without the lock, racing the writers, always finds the tree of the checkpoint
      // it read (partial tiles stay until their full tile is committed).
      const cp = openCheckpoint(readFileSync(join(dir, "checkpoint")), verifier, ORIGIN);
      expect(toBase64(rootOf(new TileReader(dir, cp.size), cp.size))).toBe(toBase64(cp.root));
      readerChecks++;
    }
    // On a loaded machine the kills may have left few acknowledgements: let the writers run on.
    const calm = Date.now();
    while (acked() < MIN_ACKS && Date.now() - calm < CALM_BUDGET_MS) await sleep(50);
    await sleep(300);
    await Promise.all(writers.map((w) => w.kill()));
    const leftovers = readdirSync(dir).filter((f) => f.startsWith("checkpoint.tmp-") || f === ".lock").length;

    // The log is still writable after all that: the stale lock is broken, the edge reloaded.
    const log = FsLog.open(dir, signer);
    const tail = await log.append([new TextEncoder().encode("after the storm")]);
    FsLog.cleanTemp(dir);

    const acks: Ack[] = [];
    const errors: string[] = [];
    for (const w of writers) {
      for (const line of w.lines) {
        const f = line.split(" ");
        if (f[0] === "ack") {
          acks.push({
            index: Number(f[1]),
            count: Number(f[2]),
            size: Number(f[3]),
            root: f[4]!,
            note: f[5]!,
            tag: f[6]!,
          });
        } else if (f[0] === "err") errors.push(`writer ${w.id}: ${line}`);
      }
    }
    const stderr = writers.map((w) => w.stderr).join("");
    expect(errors, stderr).toEqual([]);
    expect(stderr).toBe("");
    expect(acks.length, "the writers made progress").toBeGreaterThan(20);
    expect(kills).toBeGreaterThanOrEqual(20);

    const final = openCheckpoint(readFileSync(join(dir, "checkpoint")), verifier, ORIGIN);
    expect(final.size).toBe(tail.index + 1);
    expect(final.note).toBe(tail.checkpoint.note);

    // No two acknowledgements claim the same index; tags are unique.
    expect(new Set(acks.map((a) => a.tag)).size).toBe(acks.length);
    const byIndex = [...acks].sort((a, b) => a.index - b.index);
    for (let k = 1; k < byIndex.length; k++) {
      const [a, b] = [byIndex[k - 1]!, byIndex[k]!];
      expect(a.index + a.count, `${a.tag} overlaps ${b.tag}`).toBeLessThanOrEqual(b.index);
    }

    // Every acknowledged entry is present, byte for byte, at its index.
    const reader = new TileReader(dir, final.size);
    const bundles = new Map<number, Uint8Array[]>();
    const entryAt = (i: number): Uint8Array => {
      const t = Math.floor(i / TILE_WIDTH);
      let b = bundles.get(t);
      if (!b) {
        b = reader.bundle(t);
        bundles.set(t, b);
      }
      return b[i - t * TILE_WIDTH]!;
    };
    let checkedEntries = 0;
    const wrong: string[] = [];
    for (const a of acks) {
      expect(a.index + a.count).toBeLessThanOrEqual(a.size);
      expect(a.size).toBeLessThanOrEqual(final.size);
      for (let j = 0; j < a.count; j++) {
        const e = Buffer.from(entryAt(a.index + j));
        const header = e.subarray(0, e.indexOf(10)).toString().split(" ");
        const ok =
          header[0] === a.tag &&
          Number(header[1]) === j &&
          Number(header[2]) === a.count &&
          e.equals(expectedEntry(a.tag, j, a.count, Number(header[3])));
        if (!ok) wrong.push(`${a.tag}[${j}] at ${a.index + j}`);
        checkedEntries++;
      }
    }
    expect(wrong).toEqual([]);

    // The whole log verifies, and the in-memory tree of its leaves has the final root.
    const report = verifyLog(dir, verifier, ORIGIN);
    expect(report.size).toBe(final.size);
    const memory = new MemoryTree();
    for (let t = 0; t * TILE_WIDTH < final.size; t++)
      for (const h of reader.tile(0, t)) memory.appendLeafHash(h);
    expect(toBase64(memory.root())).toBe(toBase64(final.root));

    // Every acknowledged checkpoint verifies and states what the ack said; one root per size.
    const bySize = new Map<number, SignedCheckpoint>();
    for (const a of acks) {
      const cp = openCheckpoint(Buffer.from(a.note, "base64").toString("utf8"), verifier, ORIGIN);
      expect(cp.size).toBe(a.size);
      expect(toBase64(cp.root)).toBe(a.root);
      const seen = bySize.get(cp.size);
      if (seen) expect(toBase64(seen.root), `two roots for size ${cp.size}: a fork`).toBe(a.root);
      else bySize.set(cp.size, cp);
    }
    bySize.set(final.size, final);
    const cps = [...bySize.values()].sort((a, b) => a.size - b.size);

    // Each checkpoint's tree is still served by the tiles at its own size, and is a prefix of
    // the final tree: consistency to the final checkpoint and between neighbours, from the tiles.
    for (const cp of cps) {
      expect(toBase64(rootOf(new TileReader(dir, cp.size), cp.size)), `size ${cp.size}`).toBe(
        toBase64(cp.root),
      );
      if (cp.size < final.size) {
        verifyConsistency(
          cp.size,
          final.size,
          consistencyProof(reader, cp.size, final.size),
          cp.root,
          final.root,
        );
      }
    }
    for (let k = 1; k < cps.length; k++) {
      const [a, b] = [cps[k - 1]!, cps[k]!];
      verifyConsistency(
        a.size,
        b.size,
        consistencyProof(new TileReader(dir, b.size), a.size, b.size),
        a.root,
        b.root,
      );
    }
    // Every pair (from the in-memory tree; capped, sampled deterministically when huge).
    let pairs = 0;
    const allPairs = (cps.length * (cps.length - 1)) / 2;
    const keep = Math.min(1, 20_000 / Math.max(1, allPairs));
    for (let i = 0; i < cps.length; i++) {
      for (let j = i + 1; j < cps.length; j++) {
        if (keep < 1 && rand() > keep) continue;
        const [a, b] = [cps[i]!, cps[j]!];
        verifyConsistency(a.size, b.size, consistencyProof(memory, a.size, b.size), a.root, b.root);
        pairs++;
      }
    }
    expect(pairs).toBeGreaterThan(0);

    // An acknowledged entry is provably included in the checkpoint it was acknowledged with,
    // with a proof computed from the tiles of that (older) size.
    for (const a of acks.filter((_, k) => k % Math.ceil(acks.length / 300) === 0)) {
      const cp = bySize.get(a.size)!;
      const r = new TileReader(dir, a.size);
      verifyInclusion(
        a.index,
        a.size,
        leafHash(entryAt(a.index)),
        inclusionProof(r, a.index, a.size),
        cp.root,
      );
    }
    expect(fromBase64(report.root)).toEqual(final.root);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-") || f.includes(".stale-"))).toEqual([]);

    console.info(
      `crash test: ${kills} kills, ${readerChecks} racing reads, ${leftovers} leftovers, ${acks.length} acks, ` +
        `${checkedEntries} entries checked, ` +
        `${cps.length} distinct checkpoints, ${pairs}/${allPairs} pairs, final size ${final.size}`,
    );
  }, 120_000);

  it("a writer killed during init leaves either no log or a valid empty one", async () => {
    const rand = prng(7);
    const outcomes = { none: 0, valid: 0 };
    for (let round = 0; round < 6; round++) {
      const dir = join(tmp.dir, `init-${round}`);
      const proc = spawn(process.execPath, [WRITER, "--init", dir, SEED_HEX, ORIGIN], {
        stdio: "ignore",
        env: writerEnv(),
      });
      const closed = new Promise((r) => proc.on("close", r));
      await sleep(randInt(rand, 20, 250));
      proc.kill("SIGKILL");
      await closed;
      if (existsSync(join(dir, "log.json"))) {
        outcomes.valid++;
        const log = FsLog.open(dir, signer);
        expect(log.checkpoint().size).toBe(0);
        expect(verifyLog(dir, verifier, ORIGIN).size).toBe(0);
        expect((await log.append([new Uint8Array([1])])).index).toBe(0);
      } else {
        outcomes.none++;
        // Whatever a killed init left behind, a new init succeeds.
        const log = FsLog.init(dir, ORIGIN, signer, "log");
        expect((await log.append([new Uint8Array([1])])).index).toBe(0);
      }
      expect(verifyLog(dir, verifier, ORIGIN).size).toBe(1);
    }
    expect(outcomes.none + outcomes.valid).toBe(6);
  }, 60_000);

  it("racing inits with different keys: one wins, the others get TF_LOG_EXISTS", async () => {
    for (let round = 0; round < 3; round++) {
      const dir = join(tmp.dir, `race-${round}`);
      const seeds = [61, 62, 63].map((n) => Buffer.from(fixedSeed(n + round * 3)).toString("hex"));
      const results = await Promise.all(
        seeds.map(
          (seed) =>
            new Promise<{ seed: string; out: string; err: string; code: number | null }>((resolve) => {
              const proc = spawn(process.execPath, [WRITER, "--init", dir, seed, ORIGIN], {
                stdio: ["ignore", "pipe", "pipe"],
                env: writerEnv(),
              });
              let out = "";
              let err = "";
              proc.stdout!.on("data", (c: Buffer) => {
                out += c.toString();
              });
              proc.stderr!.on("data", (c: Buffer) => {
                err += c.toString();
              });
              proc.on("close", (code) => resolve({ seed, out, err, code }));
            }),
        ),
      );
      const why = JSON.stringify(results, null, 1);
      const winners = results.filter((r) => r.out === "init ok\n");
      expect(winners, why).toHaveLength(1);
      for (const r of results) if (r !== winners[0]) expect(r.out, why).toMatch(/^err TF_LOG_EXISTS /);
      // The config and the checkpoint come from the same init.
      const key = parseVerifierKey(noteSignerFromSeed(ORIGIN, Buffer.from(winners[0]!.seed, "hex")).vkey);
      expect(FsLog.open(dir).config.vkey, why).toBe(key.vkey);
      expect(verifyLog(dir, key, ORIGIN).size).toBe(0);
    }
  }, 60_000);
});
