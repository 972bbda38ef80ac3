/**
 * The directory lock: exclusive while held, broken when its holder is gone (dead pid, reused
 * pid, or killed between creating and writing the file), never broken while the holder lives.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FsLog } from "../../src/ledger/fslog.js";
import { DirLock, isAbandonedStaleLock } from "../../src/ledger/lock.js";
import { expectCode, tempDir } from "./helpers.js";

const tmp = tempDir("lock");
afterAll(() => tmp.cleanup());

/** A pid that is certainly not running: a child that has exited and been reaped. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(r.stdout.toString());
}

function ownStartTime(): string {
  const stat = readFileSync(`/proc/${process.pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]!;
}

describe("DirLock", () => {
  it("is exclusive, and free again after release", () => {
    const path = join(tmp.dir, "a.lock");
    const a = new DirLock(path);
    const b = new DirLock(path);
    expect(a.tryAcquire()).toBe(true);
    expect(a.stillHeld()).toBe(true);
    expect(b.tryAcquire()).toBe(false); // same live process holds it
    expectCode(() => b.acquire({ timeoutMs: 50 }), "TF_LOG_LOCK_TIMEOUT");
    a.release();
    expect(existsSync(path)).toBe(false);
    expect(b.tryAcquire()).toBe(true);
    expect(a.stillHeld()).toBe(false);
    b.release();
  });

  it("breaks the lock of a dead holder and takes it in the same attempt", () => {
    const path = join(tmp.dir, "dead.lock");
    writeFileSync(path, `${deadPid()} 12345 deadbeef\n`);
    const l = new DirLock(path);
    // One attempt: a caller that tries once (a second `tf backfill run` after kill -9) must not
    // be told the lock is busy because a dead holder's file was still there.
    expect(l.tryAcquire()).toBe(true);
    expect(l.stillHeld()).toBe(true);
    l.release();
    expect(readdirSync(tmp.dir).filter((f) => f.includes(".stale-"))).toEqual([]);
  });

  it("breaks the lock of a reused pid (another start time), not of the live holder", () => {
    const path = join(tmp.dir, "reused.lock");
    writeFileSync(path, `${process.pid} 1 cafe\n`); // our pid, but not our start time
    const l = new DirLock(path);
    l.acquire({ timeoutMs: 1000 });
    l.release();
    writeFileSync(path, `${process.pid} ${ownStartTime()} cafe\n`); // really alive
    expectCode(() => new DirLock(path).acquire({ timeoutMs: 100 }), "TF_LOG_LOCK_TIMEOUT");
    expect(readFileSync(path, "utf8")).toBe(`${process.pid} ${ownStartTime()} cafe\n`);
  });

  it("treats an empty lock file as a holder being born until the file itself is old", () => {
    const path = join(tmp.dir, "empty.lock");
    const l = new DirLock(path);
    // An old empty file: a holder killed between create and write.
    writeFileSync(path, "");
    const old = new Date(Date.now() - 5_000);
    utimesSync(path, old, old);
    expect(l.tryAcquire()).toBe(true);
    l.release();
    // A fresh empty file, seen by a lock that has watched an empty file before, is a new holder
    // in its create-then-write window and must be left alone.
    writeFileSync(path, "");
    expect(l.tryAcquire()).toBe(false);
    expect(l.tryAcquire()).toBe(false);
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, "utf8")).toBe("");
    // ... until it has been empty for longer than any create-then-write takes.
    const older = new Date(Date.now() - 1_000);
    utimesSync(path, older, older);
    l.acquire({ timeoutMs: 1000 });
    l.release();
  });
});

describe("lock files a breaker moved aside", () => {
  it("are garbage once their breaker is gone or after 10 s, never while a live breaker may link them back", () => {
    const now = Date.now();
    expect(isAbandonedStaleLock(`.lock.stale-${deadPid()}-c0bd0ab1`, now, now)).toBe(true);
    expect(isAbandonedStaleLock(`.lock.stale-${process.pid}-c0bd0ab1`, now, now)).toBe(false);
    expect(isAbandonedStaleLock(`.lock.stale-${process.pid}-c0bd0ab1`, now - 11_000, now)).toBe(true);
    expect(isAbandonedStaleLock(".lock", now - 60_000, now)).toBe(false);
    expect(isAbandonedStaleLock("checkpoint.tmp-1-2", now - 60_000, now)).toBe(false);
  });

  it("are swept by the next writer's cleanup; a live breaker's is kept", () => {
    const dir = join(tmp.dir, "sweep");
    mkdirSync(dir);
    const dead = `.lock.stale-${deadPid()}-0badc0de`;
    const live = `.lock.stale-${process.pid}-0badc0de`;
    writeFileSync(join(dir, dead), "1 2");
    writeFileSync(join(dir, live), "1 2");
    expect(FsLog.cleanTemp(dir)).toBe(1);
    expect(readdirSync(dir)).toEqual([live]);
  });
});
