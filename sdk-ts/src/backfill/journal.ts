/**
 * A backfill job's journal: an append-only JSON-lines file, fsynced per record. It is the
 * job's only source of truth, so a run killed at any point resumes exactly where the last
 * durable record left it. A torn last line (a crash mid-write) is dropped on open.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { fsyncDir } from "../core/fsutil.js";

export type JournalRecord =
  | { t: "start"; at: string; source: string; eligible: number }
  /**
   * Written before an artifact's witness entry is appended to the log: the exact entry
   * and the log size then. On resume, an intent without a `done` is settled by looking
   * for that entry in the log from that size on — found, it is reused; absent, appended.
   */
  | { t: "intent"; id: string; digest: string; logSize: number; entry: string }
  | { t: "done"; id: string; digest: string; logIndex: number; at: string }
  | { t: "failed"; id: string; digest: string; code: string; message: string; at: string }
  | { t: "paused"; at: string; done: number; eligible: number }
  | { t: "finished"; at: string };

export interface JournalState {
  records: JournalRecord[];
  /** Bytes dropped from the end: a torn record from a crash. */
  tornBytes: number;
}

export function readJournal(path: string): JournalState {
  if (!existsSync(path)) return { records: [], tornBytes: 0 };
  const buf = readFileSync(path);
  const records: JournalRecord[] = [];
  let start = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) break; // no newline: torn
    const line = buf.subarray(start, nl).toString("utf8");
    let rec: JournalRecord;
    try {
      rec = JSON.parse(line) as JournalRecord;
    } catch {
      break; // a garbled record can only be the last one written; nothing after it was acknowledged
    }
    records.push(rec);
    start = nl + 1;
  }
  return { records, tornBytes: buf.length - start };
}

export class Journal {
  private fd: number;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Opens for appending after dropping a torn tail. Callers hold the job lock. */
  static open(path: string): { journal: Journal; state: JournalState } {
    const state = readJournal(path);
    const fresh = !existsSync(path);
    const fd = openSync(path, "a+");
    if (state.tornBytes > 0) {
      const size = readFileSync(path).length - state.tornBytes;
      ftruncateSync(fd, size);
      fsyncSync(fd);
    }
    if (fresh) fsyncDir(dirname(path));
    return { journal: new Journal(path, fd), state };
  }

  /** Durable when it returns. */
  append(rec: JournalRecord): void {
    this.appendMany([rec]);
  }

  /** Several records, one write and one fsync; durable when it returns. */
  appendMany(recs: readonly JournalRecord[]): void {
    if (recs.length === 0) return;
    const buf = Buffer.from(recs.map((r) => `${JSON.stringify(r)}\n`).join(""), "utf8");
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
