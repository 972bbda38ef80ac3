/**
 * The data directory's transparency log, opened for appending with its configured key.
 * One writer per log directory and configuration per process, so concurrent appends (a
 * server, a batch job, witnesses) share its group commit instead of queuing on the lock.
 */
import { join } from "node:path";
import { KeyStore } from "../core/keys.js";
import { noteSignerFromSeed } from "../core/note.js";
import { FsLog, readLogConfig } from "./fslog.js";

/** Where a data directory (TF_HOME) keeps its log. */
export const homeLogDir = (home: string): string => join(home, "log");

const writers = new Map<string, FsLog>();

export function openLogWriter(home: string): FsLog {
  const dir = homeLogDir(home);
  const config = readLogConfig(dir);
  const id = `${dir}\n${config.vkey}\n${config.key}`;
  const cached = writers.get(id);
  if (cached) return cached;
  const key = new KeyStore(home).load(config.key);
  const log = FsLog.open(dir, noteSignerFromSeed(config.origin, key.seed));
  if (writers.size > 256) writers.clear();
  writers.set(id, log);
  return log;
}
