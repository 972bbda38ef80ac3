import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { homeWitnessLog } from "../../src/backfill/fslog-witness.js";
import { readJournal } from "../../src/backfill/journal.js";
import {
  type Artifact,
  type BackfillProcessor,
  jobDir,
  pauseJob,
  runBackfill,
} from "../../src/backfill/runner.js";
import { digestBytes } from "../../src/core/canonical.js";
import { TfError } from "../../src/core/errors.js";
import { runOperation } from "../../src/engine/index.js";
import { FsLog } from "../../src/ledger/fslog.js";
import { homeLogDir } from "../../src/ledger/writer.js";

/** A processor over `<source>/<name>/data.txt`; "bad" content fails; outputs `witness.json`. */
function textProcessor(): BackfillProcessor & { prepared: string[] } {
  const prepared: string[] = [];
  return {
    prepared,
    discover: (source) => {
      return readdirSync(source)
        .sort()
        .filter((n) => existsSync(join(source, n, "data.txt")))
        .map((n): Artifact => ({ id: n, dir: join(source, n) }));
    },
    digest: (a) => digestBytes(readFileSync(join(a.dir, "data.txt"))),
    prepare: async (a, digest) => {
      prepared.push(a.id);
      const text = readFileSync(join(a.dir, "data.txt"), "utf8");
      if (text.startsWith("bad"))
        throw new TfError("TF_BACKFILL_ARTIFACT_INVALID", `${a.id}: content is bad`);
      return { digest, entry: Buffer.from(`witness ${a.id} ${digest} ${Date.now()}`) };
    },
    completed: (a) => existsSync(join(a.dir, "witness.json")),
    complete: async (a, _p, entry, index) => {
      writeFileSync(
        join(a.dir, "witness.json"),
        JSON.stringify({ index, entry: Buffer.from(entry).toString() }),
      );
    },
  };
}

async function setup(n: number, bad: number[] = []) {
  const root = mkdtempSync(join(tmpdir(), "tf-backfill-"));
  const home = join(root, "home");
  const source = join(root, "legacy");
  for (let i = 0; i < n; i++) {
    mkdirSync(join(source, `a${String(i).padStart(3, "0")}`), { recursive: true });
    writeFileSync(
      join(source, `a${String(i).padStart(3, "0")}`, "data.txt"),
      bad.includes(i) ? "bad\n" : `row ${i}\n`,
    );
  }
  await runOperation("log.init", { origin: "test.example/backfill" }, { home });
  return { root, home, source };
}

function logEntries(home: string): string[] {
  const log = FsLog.open(homeLogDir(home));
  const size = log.checkpoint().size;
  const r = log.reader();
  return Array.from({ length: size }, (_, i) => Buffer.from(r.entry(i)).toString());
}

describe("backfill runner", () => {
  it("backfills every artifact once, groups failures, and a second run does nothing new", async () => {
    const { home, source } = await setup(12, [3, 7]);
    const p = textProcessor();
    const r1 = await runBackfill({ home, source, processor: p, log: homeWitnessLog(home) });
    expect(r1).toMatchObject({
      state: "finished",
      eligible: 12,
      backfilled: 10,
      newlyBackfilled: 10,
      failed: 2,
    });
    expect(r1.failures).toEqual([
      {
        code: "TF_BACKFILL_ARTIFACT_INVALID",
        count: 2,
        examples: [
          { id: "a003", message: "a003: content is bad" },
          { id: "a007", message: "a007: content is bad" },
        ],
      },
    ]);
    expect(r1.coverage).toBeCloseTo(10 / 12);
    expect(logEntries(home)).toHaveLength(10);
    const md = readFileSync(join(jobDir(home, source), "report.md"), "utf8");
    expect(md).toContain("| TF_BACKFILL_ARTIFACT_INVALID | 2 |");

    p.prepared.length = 0;
    const r2 = await runBackfill({ home, source, processor: p, log: homeWitnessLog(home) });
    expect(r2).toMatchObject({ newlyBackfilled: 0, previouslyBackfilled: 10, backfilled: 10, failed: 2 });
    expect(p.prepared).toEqual([]); // nothing replayed: done ones skipped, failed ones unchanged
    expect(logEntries(home)).toHaveLength(10);

    // A fixed artifact is new work; a changed one is re-witnessed.
    writeFileSync(join(source, "a003", "data.txt"), "row 3 fixed\n");
    const r3 = await runBackfill({ home, source, processor: p, log: homeWitnessLog(home) });
    expect(r3).toMatchObject({ newlyBackfilled: 1, backfilled: 11, failed: 1 });
    expect(logEntries(home)).toHaveLength(11);
  });

  it.each([
    ["prepared", 1],
    ["intent", 1],
    ["appended", 1],
    ["completed", 1],
    ["intent", 4],
    ["appended", 4],
    ["completed", 4],
  ] as const)(
    "resumes after a crash at step %s (batch %i) without appending twice or losing work",
    async (step, batch) => {
      const { home, source } = await setup(6);
      const p = textProcessor();
      let calls = 0;
      await expect(
        runBackfill({
          home,
          source,
          processor: p,
          log: homeWitnessLog(home),
          batch,
          onStep: (s) => {
            if (s === step && ++calls === 3) throw new Error("killed");
          },
        }),
      ).rejects.toThrow("killed");
      const r = await runBackfill({ home, source, processor: p, log: homeWitnessLog(home) });
      expect(r).toMatchObject({ state: "finished", backfilled: 6, failed: 0 });
      const entries = logEntries(home);
      expect(entries).toHaveLength(6);
      expect(new Set(entries.map((e) => e.split(" ")[1]))).toEqual(
        new Set(["a000", "a001", "a002", "a003", "a004", "a005"]),
      );
      for (let i = 0; i < 6; i++) {
        const w = JSON.parse(readFileSync(join(source, `a00${i}`, "witness.json"), "utf8"));
        expect(entries[w.index]).toBe(w.entry);
      }
      // Crashed after the log commit: the chunk's entries are found in the log, not appended again.
      if (step === "appended" || step === "completed") expect(r.resumedIntents).toBe(batch === 1 ? 1 : 4);
    },
  );

  it("drops a torn journal line and keeps every record before it", async () => {
    const { home, source } = await setup(3);
    const p = textProcessor();
    await runBackfill({ home, source, processor: p, log: homeWitnessLog(home) });
    const path = join(jobDir(home, source), "journal.jsonl");
    const before = readJournal(path).records.length;
    appendFileSync(path, '{"t":"done","id":"a0');
    expect(readJournal(path)).toMatchObject({ tornBytes: 20 });
    expect(readJournal(path).records).toHaveLength(before);
    const r = await runBackfill({ home, source, processor: p, log: homeWitnessLog(home) });
    expect(r).toMatchObject({ backfilled: 3, newlyBackfilled: 0 });
    expect(readJournal(path).tornBytes).toBe(0);
  });

  it("pauses between artifacts and resumes on the next run", async () => {
    const { home, source } = await setup(5);
    const p = textProcessor();
    const r1 = await runBackfill({
      home,
      source,
      processor: p,
      log: homeWitnessLog(home),
      batch: 1,
      onProgress: (ev) => {
        if (ev.done === 2) pauseJob(home, source);
      },
    });
    expect(r1).toMatchObject({ state: "paused", backfilled: 2, pending: 3 });
    const r2 = await runBackfill({ home, source, processor: p, log: homeWitnessLog(home) });
    expect(r2).toMatchObject({ state: "finished", backfilled: 5, newlyBackfilled: 3 });
  });

  it("throttles to --rate using the injected sleep", async () => {
    const { home, source } = await setup(4);
    const waits: number[] = [];
    const r = await runBackfill({
      home,
      source,
      processor: textProcessor(),
      log: homeWitnessLog(home),
      rate: 2,
      sleep: async (ms) => {
        waits.push(ms);
        await new Promise((res) => setTimeout(res, ms));
      },
    });
    expect(r.backfilled).toBe(4);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
  });

  it("stops on abort with state interrupted, and refuses a second runner on the same source", async () => {
    const { home, source } = await setup(3);
    const ac = new AbortController();
    ac.abort();
    const r = await runBackfill({
      home,
      source,
      processor: textProcessor(),
      log: homeWitnessLog(home),
      signal: ac.signal,
    });
    expect(r).toMatchObject({ state: "interrupted", backfilled: 0, pending: 3 });
    let inner: Promise<unknown> | null = null;
    await runBackfill({
      home,
      source,
      processor: textProcessor(),
      log: homeWitnessLog(home),
      onStep: () => {
        inner ??= runBackfill({ home, source, processor: textProcessor(), log: homeWitnessLog(home) }).catch(
          (e: unknown) => e,
        );
      },
    });
    expect(await inner).toMatchObject({ code: "TF_BACKFILL_BUSY" });
    expect(() => pauseJob(home, join(source, "nope"))).toThrow(
      expect.objectContaining({ code: "TF_BACKFILL_NO_JOB" }),
    );
    rmSync(source, { recursive: true });
    await expect(
      runBackfill({ home, source, processor: textProcessor(), log: homeWitnessLog(home) }),
    ).rejects.toMatchObject({ code: "TF_FILE_NOT_FOUND" });
  });
});
