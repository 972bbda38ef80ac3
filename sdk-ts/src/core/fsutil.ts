import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/** fsync a directory so a rename or create inside it is durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

let tmpCounter = 0;

/**
 * Crash-safe file replacement: write a temp file beside the target, fsync it, rename it
 * over the target and fsync the directory. Readers see the old or the new content, never a mix.
 */
export function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: { mode?: number; syncDir?: boolean } = {},
): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${tmpCounter++}`;
  const fd = openSync(tmp, "w", options.mode ?? 0o644);
  try {
    const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  if (options.syncDir !== false) fsyncDir(dir);
}
