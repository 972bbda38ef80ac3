/**
 * An inter-process lock on a data directory: a lock file created with O_EXCL that names its
 * holder (pid and process start time). A holder killed with -9 leaves the file behind; the
 * next writer sees the holder is gone and breaks the lock, so recovery needs no timeout.
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fstatSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { TfError } from "../core/errors.js";

function processStartTime(pid: number): string {
  try {
    // Field 22 of /proc/<pid>/stat; the command name (field 2) may contain spaces, so split after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
  } catch {
    return "";
  }
}

const ownStart = processStartTime(process.pid);

function holderAlive(content: string): boolean {
  const [pidText, start] = content.split(" ");
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  // A reused pid has another start time; without /proc we trust the pid alone.
  const now = processStartTime(pid);
  return !(now && start && now !== start);
}

/**
 * Whether a lock file a breaker moved aside (`<lock>.stale-<pid>-<hex>`) can be removed: its
 * breaker is the only process that may still link it back, so it is garbage once that process is
 * gone — or, whatever the pid says (pids are reused), once it is older than 10 s.
 */
export function isAbandonedStaleLock(name: string, mtimeMs: number, now = Date.now()): boolean {
  const m = /\.stale-(\d+)-[0-9a-f]+$/.exec(name);
  if (!m) return false;
  if (now - mtimeMs > 10_000) return true;
  try {
    process.kill(Number(m[1]), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** How long an empty lock file may be a holder between create and write. */
const EMPTY_LOCK_GRACE_MS = 500;

const sleepBuffer = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms: number): void {
  Atomics.wait(sleepBuffer, 0, 0, ms);
}

export interface LockOptions {
  timeoutMs?: number;
}

export class DirLock {
  private token: string | null = null;

  constructor(private readonly path: string) {}

  get held(): boolean {
    return this.token !== null;
  }

  /** Blocks (polling with backoff) until the lock is ours or the timeout passes. */
  acquire(options: LockOptions = {}): void {
    const deadline = this.deadline(options);
    let wait = 1;
    while (!this.tryAcquire()) {
      this.checkDeadline(deadline, options);
      sleepMs(wait);
      wait = Math.min(wait * 2, 20);
    }
  }

  /** Like acquire() but yields to the event loop while waiting. */
  async acquireAsync(options: LockOptions = {}): Promise<void> {
    const deadline = this.deadline(options);
    let wait = 1;
    while (!this.tryAcquire()) {
      this.checkDeadline(deadline, options);
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 20);
    }
  }

  /**
   * Takes the lock if it is free or its holder is gone (a lock left by a killed holder is broken
   * and taken in the same call); false only while a live holder has it.
   */
  tryAcquire(): boolean {
    if (this.token) return true;
    const token = `${process.pid} ${ownStart} ${randomBytes(8).toString("hex")}\n`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.path, "wx", 0o644);
        try {
          writeSync(fd, token);
        } finally {
          closeSync(fd);
        }
        this.token = token;
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      if (!this.breakIfStale()) return false;
    }
    return false;
  }

  private deadline(options: LockOptions): number {
    return Date.now() + (options.timeoutMs ?? 30_000);
  }

  private checkDeadline(deadline: number, options: LockOptions): void {
    if (Date.now() >= deadline) {
      const timeoutMs = options.timeoutMs ?? 30_000;
      throw new TfError("TF_LOG_LOCK_TIMEOUT", `Could not lock ${this.path} within ${timeoutMs} ms`, {
        details: { path: this.path, timeoutMs },
      });
    }
  }

  /** True while the lock file still carries our token (checked before committing). */
  stillHeld(): boolean {
    if (!this.token) return false;
    try {
      return readFileSync(this.path, "utf8") === this.token;
    } catch {
      return false;
    }
  }

  release(): void {
    if (!this.token) return;
    if (this.stillHeld()) {
      try {
        unlinkSync(this.path);
      } catch {
        // Already gone: nothing to release.
      }
    }
    this.token = null;
  }

  /** Removes the lock file if its holder is gone; true when a stale file was removed. */
  private breakIfStale(): boolean {
    let content: string;
    let judged: Stats;
    try {
      // Content and identity (inode) of the same file, so a newer lock file is never mistaken for it.
      const fd = openSync(this.path, "r");
      try {
        judged = fstatSync(fd);
        content = readFileSync(fd, "utf8");
      } finally {
        closeSync(fd);
      }
    } catch {
      return true; // released meanwhile: free to try again
    }
    // An empty file is a holder between create and write, or one killed there: stale only once
    // the file itself is old (not once we have watched for a while: that was another file).
    if (content !== "" && holderAlive(content)) return false;
    if (content === "" && Date.now() - judged.mtimeMs <= EMPTY_LOCK_GRACE_MS) return false;
    // Move the stale file aside atomically: of several breakers only one moves it. If what we
    // moved is not what we judged stale, a new holder got in between; put its file back.
    const aside = `${this.path}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
    try {
      renameSync(this.path, aside);
    } catch {
      return true; // another breaker moved it first
    }
    let moved = "";
    let movedIno = -1;
    try {
      moved = readFileSync(aside, "utf8");
      movedIno = statSync(aside).ino;
    } catch {
      // ignore
    }
    const displaced = moved !== content || movedIno !== judged.ino;
    if (displaced) {
      try {
        linkSync(aside, this.path);
      } catch {
        // Someone else holds it now; the displaced holder sees stillHeld() fail before committing.
      }
    }
    try {
      unlinkSync(aside);
    } catch {
      // ignore
    }
    return !displaced;
  }
}
