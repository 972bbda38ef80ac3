/**
 * The embedded transparency log: C2SP tlog-tiles on a filesystem directory.
 *
 * Durability protocol for one batch, all under the directory lock:
 *   1. read the signed checkpoint (the commit point); reload the right edge if another process moved it;
 *   2. write every new tile and entry bundle (paths beyond the checkpoint, so no reader looks at them) and fsync them;
 *   3. fsync the directories that gained entries;
 *   4. write the new signed checkpoint to a temp file, fsync, rename over `checkpoint`, fsync the directory;
 *   5. only then acknowledge the batch's indexes.
 * A kill at any point leaves the old checkpoint, whose tiles are untouched, or the new one, whose tiles are durable.
 */
import {
  existsSync,
  constants as fsConstants,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { TfError, toTfError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fsutil.js";
import { type NoteSigner, type NoteVerifier, parseVerifierKey } from "../core/note.js";
import { isValidOrigin, openCheckpoint, type SignedCheckpoint, signCheckpoint } from "./checkpoint.js";
import { DirLock, isAbandonedStaleLock } from "./lock.js";
import { EMPTY_ROOT, leafHash, type NodeReader, rootOf } from "./merkle.js";
import {
  bundlePath,
  encodeBundle,
  encodeHashTile,
  entryTooLarge,
  MAX_ENTRY_SIZE,
  nodesAtTileLevel,
  perfectRoot,
  TILE_HEIGHT,
  TILE_WIDTH,
  tilePath,
} from "./tiles.js";
import { TileReader } from "./tilestore.js";

export const LogConfigSchema = z.object({
  schema: z.literal("tf.log/v1"),
  origin: z.string(),
  vkey: z.string().describe("C2SP signed-note verifier key of the log"),
  key: z.string().describe("Name of the signing key in the key store"),
});
export type LogConfig = z.infer<typeof LogConfigSchema>;

export interface AppendResult {
  /** Index of the first entry of this call; the others follow in order. */
  index: number;
  count: number;
  /** The checkpoint that covers the entries (size > index + count - 1). */
  checkpoint: SignedCheckpoint;
}

export interface LogOptions {
  /** Largest number of entries committed as one batch. */
  maxBatch?: number;
  lockTimeoutMs?: number;
}

/** The right edge of the tree: the last, partial tile of each level and the partial bundle. */
interface Edge {
  size: number;
  note: string;
  levels: Uint8Array[][];
  bundle: Uint8Array[];
}

export function readLogConfig(dir: string): LogConfig {
  const path = join(dir, "log.json");
  if (!existsSync(path)) {
    throw new TfError("TF_LOG_NOT_INITIALIZED", `No log in ${dir}`, { details: { dir } });
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new TfError("TF_JSON_MALFORMED", `${path} is not valid JSON`, { cause: e, details: { path } });
  }
  const parsed = LogConfigSchema.safeParse(json);
  if (!parsed.success)
    throw new TfError("TF_INPUT_INVALID", `${path} is not a tf.log/v1 config`, { details: { path } });
  return parsed.data;
}

/** Reads and verifies the current checkpoint of a log directory. */
export function readCheckpoint(dir: string, verifier: NoteVerifier, origin: string): SignedCheckpoint {
  let note: Uint8Array;
  try {
    note = readFileSync(join(dir, "checkpoint"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      throw new TfError("TF_LOG_CHECKPOINT_MALFORMED", `The log in ${dir} has no checkpoint file`, {
        details: { dir },
      });
    }
    throw toTfError(e);
  }
  return openCheckpoint(note, verifier, origin);
}

export class FsLog {
  private edge: Edge | null = null;
  private readonly lock: DirLock;
  private readonly pending: {
    entries: Uint8Array[];
    resolve: (r: AppendResult) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private flushing = false;
  readonly verifier: NoteVerifier;

  private constructor(
    readonly dir: string,
    readonly config: LogConfig,
    private readonly signer: NoteSigner | null,
    private readonly options: LogOptions,
  ) {
    this.verifier = parseVerifierKey(config.vkey);
    this.lock = new DirLock(join(dir, ".lock"));
  }

  /** Creates an empty log signed by `signer`, whose name must be the origin. */
  static init(dir: string, origin: string, signer: NoteSigner, keyName: string): FsLog {
    if (!isValidOrigin(origin)) {
      throw new TfError("TF_LOG_ORIGIN_INVALID", `Invalid origin ${JSON.stringify(origin)}`, {
        details: { origin },
      });
    }
    if (signer.name !== origin)
      throw new TfError("TF_INPUT_INVALID", "The note signer's name must be the log origin");
    if (existsSync(join(dir, "log.json")))
      throw new TfError("TF_LOG_EXISTS", `A log already exists in ${dir}`, { details: { dir } });
    mkdirSync(dir, { recursive: true });
    const config: LogConfig = { schema: "tf.log/v1", origin, vkey: signer.vkey, key: keyName };
    // Under the lock: two racing inits must not pair one's checkpoint with the other's config.
    const lock = new DirLock(join(dir, ".lock"));
    lock.acquire();
    try {
      if (existsSync(join(dir, "log.json")))
        throw new TfError("TF_LOG_EXISTS", `A log already exists in ${dir}`, { details: { dir } });
      // Checkpoint first, config last: a directory with log.json always has a valid checkpoint.
      const cp = signCheckpoint({ origin, size: 0, root: EMPTY_ROOT, extensions: [] }, signer);
      writeFileAtomic(join(dir, "checkpoint"), cp.note);
      writeFileAtomic(join(dir, "log.json"), `${JSON.stringify(config, null, 2)}\n`);
    } finally {
      lock.release();
    }
    return new FsLog(dir, config, signer, {});
  }

  /** Opens a log; without a signer it is read-only. */
  static open(dir: string, signer: NoteSigner | null = null, options: LogOptions = {}): FsLog {
    const config = readLogConfig(dir);
    if (signer && signer.vkey !== config.vkey) {
      throw new TfError("TF_LOG_KEY_MISMATCH", "The signing key does not match the log's verifier key", {
        details: { dir },
      });
    }
    return new FsLog(dir, config, signer, options);
  }

  get origin(): string {
    return this.config.origin;
  }

  checkpoint(): SignedCheckpoint {
    return readCheckpoint(this.dir, this.verifier, this.origin);
  }

  /** A reader over the tiles of the current (or given) checkpoint. */
  reader(cp: SignedCheckpoint = this.checkpoint()): TileReader {
    return new TileReader(this.dir, cp.size);
  }

  /**
   * Appends entries; resolves once they are durable and covered by a signed checkpoint.
   * Concurrent calls in one process are committed together (group commit); processes
   * sharing the directory take turns through the lock.
   */
  append(entries: readonly Uint8Array[]): Promise<AppendResult> {
    if (!this.signer) return Promise.reject(new TfError("TF_USAGE", "This log was opened read-only"));
    if (entries.length === 0) return Promise.reject(new TfError("TF_LOG_ENTRY_EMPTY", "Nothing to append"));
    for (const e of entries) if (e.length > MAX_ENTRY_SIZE) return Promise.reject(entryTooLarge(e.length));
    return new Promise((resolve, reject) => {
      this.pending.push({ entries: [...entries], resolve, reject });
      if (!this.flushing) void this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    this.flushing = true;
    const maxBatch = this.options.maxBatch ?? 4096;
    try {
      // Group commit: let callers woken by the previous batch's acks (microtasks) queue up
      // first, or the next batch would hold only the first of them.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.pending.length > 0) {
        const batch: typeof this.pending = [];
        let n = 0;
        while (
          this.pending.length > 0 &&
          (batch.length === 0 || n + this.pending[0]!.entries.length <= maxBatch)
        ) {
          const next = this.pending.shift()!;
          batch.push(next);
          n += next.entries.length;
        }
        try {
          const { first, checkpoint } = await this.commit(batch.flatMap((b) => b.entries));
          let index = first;
          for (const b of batch) {
            b.resolve({ index, count: b.entries.length, checkpoint });
            index += b.entries.length;
          }
        } catch (e) {
          const err = toTfError(e);
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async commit(entries: Uint8Array[]): Promise<{ first: number; checkpoint: SignedCheckpoint }> {
    await this.lock.acquireAsync({ timeoutMs: this.options.lockTimeoutMs ?? 30_000 });
    try {
      const edge = this.currentEdge();
      const first = edge.size;
      const writes = new Map<string, Uint8Array>();
      const obsolete = new Set<string>();
      const next = extendEdge(edge, entries, writes, obsolete);
      const root = rootOf(edgeReader(next), next.size);
      const checkpoint = signCheckpoint(
        { origin: this.origin, size: next.size, root, extensions: [] },
        this.signer!,
      );
      await writeDurably(this.dir, writes);
      if (!this.lock.stillHeld()) {
        throw new TfError(
          "TF_LOG_LOCK_TIMEOUT",
          "Lost the log lock before committing; the batch was not acknowledged",
        );
      }
      writeFileAtomic(join(this.dir, "checkpoint"), checkpoint.note);
      this.edge = { ...next, note: checkpoint.note };
      // Partial tiles whose full tile is now committed are garbage (C2SP tlog-tiles allows deleting them then).
      await Promise.all(
        [...obsolete].map((p) => rm(join(this.dir, p), { recursive: true, force: true }).catch(() => {})),
      );
      return { first, checkpoint };
    } catch (e) {
      this.edge = null; // unknown state: reload from disk next time
      throw e;
    } finally {
      this.lock.release();
    }
  }

  /** The edge for the checkpoint on disk; reloaded when another process appended. */
  private currentEdge(): Edge {
    const note = readFileSync(join(this.dir, "checkpoint"), "utf8");
    if (this.edge && this.edge.note === note) return this.edge;
    // First batch of this writer, or another process moved the log: recover under the lock.
    FsLog.cleanTemp(this.dir);
    const cp = openCheckpoint(note, this.verifier, this.origin);
    const reader = new TileReader(this.dir, cp.size);
    const levels: Uint8Array[][] = [];
    for (let level = 0; nodesAtTileLevel(cp.size, level) > 0; level++) {
      const count = nodesAtTileLevel(cp.size, level);
      levels.push(count % TILE_WIDTH === 0 ? [] : [...reader.tile(level, Math.floor(count / TILE_WIDTH))]);
    }
    const bundle = cp.size % TILE_WIDTH === 0 ? [] : [...reader.bundle(Math.floor(cp.size / TILE_WIDTH))];
    const edge: Edge = { size: cp.size, note, levels, bundle };
    const root = rootOf(edgeReader(edge), cp.size);
    if (Buffer.compare(root, cp.root) !== 0) {
      throw new TfError(
        "TF_LOG_ROOT_MISMATCH",
        "The log's tiles do not match its checkpoint; run `tf log verify`",
        {
          details: { size: cp.size },
        },
      );
    }
    this.edge = edge;
    return edge;
  }

  /**
   * Removes what killed writers left behind: checkpoint temp files (only a lock holder writes
   * those, so call this under the lock) and lock files a breaker moved aside and abandoned (its
   * process is gone, or it is older than 10 s).
   */
  static cleanTemp(dir: string): number {
    let n = 0;
    if (!existsSync(dir)) return 0;
    const now = Date.now();
    for (const f of readdirSync(dir)) {
      const path = join(dir, f);
      const stale =
        f.startsWith("checkpoint.tmp-") ||
        (f.startsWith(".lock.stale-") &&
          isAbandonedStaleLock(f, statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? now, now));
      if (stale) {
        rmSync(path, { force: true });
        n++;
      }
    }
    return n;
  }
}

/**
 * Applies entries to a copy of the edge, recording the files to write and the partial-tile
 * directories (`<full>.p/`) that become garbage once this batch's full tiles are committed.
 * A partial tile must stay while no full tile replaces it: clients holding an older
 * checkpoint still read it (C2SP tlog-tiles).
 */
function extendEdge(
  edge: Edge,
  entries: readonly Uint8Array[],
  writes: Map<string, Uint8Array>,
  obsolete: Set<string>,
): Edge {
  const levels = edge.levels.map((l) => [...l]);
  let bundle = [...edge.bundle];
  let size = edge.size;
  const dirtyLevels = new Set<number>();

  const push = (level: number, hash: Uint8Array): void => {
    const row = levels[level] ?? [];
    levels[level] = row;
    row.push(hash);
    dirtyLevels.add(level);
    if (row.length === TILE_WIDTH) {
      const index = Math.floor((nodesAtTileLevel(size, level) - 1) / TILE_WIDTH);
      writes.set(tilePath(level, index, TILE_WIDTH), encodeHashTile(row));
      obsolete.add(`${tilePath(level, index, TILE_WIDTH)}.p`);
      levels[level] = [];
      push(level + 1, perfectRoot(row));
    }
  };
  for (const e of entries) {
    bundle.push(e);
    size++;
    push(0, leafHash(e));
    if (bundle.length === TILE_WIDTH) {
      writes.set(bundlePath(Math.floor((size - 1) / TILE_WIDTH), TILE_WIDTH), encodeBundle(bundle));
      obsolete.add(`${bundlePath(Math.floor((size - 1) / TILE_WIDTH), TILE_WIDTH)}.p`);
      bundle = [];
    }
  }
  for (const level of dirtyLevels) {
    const row = levels[level]!;
    if (row.length > 0)
      writes.set(
        tilePath(level, Math.floor(nodesAtTileLevel(size, level) / TILE_WIDTH), row.length),
        encodeHashTile(row),
      );
  }
  if (bundle.length > 0)
    writes.set(bundlePath(Math.floor(size / TILE_WIDTH), bundle.length), encodeBundle(bundle));
  return { size, note: edge.note, levels, bundle };
}

/** Serves the nodes of the tree's right edge, which are all a root computation needs. */
function edgeReader(edge: Edge): NodeReader {
  return {
    node(level, index) {
      const tileLevel = Math.floor(level / TILE_HEIGHT);
      const span = 2 ** (level - tileLevel * TILE_HEIGHT);
      const off = index * span - Math.floor(nodesAtTileLevel(edge.size, tileLevel) / TILE_WIDTH) * TILE_WIDTH;
      const row = edge.levels[tileLevel];
      if (!row || off < 0 || off + span > row.length) {
        throw new TfError("TF_INTERNAL", `Edge has no node ${level}/${index} at size ${edge.size}`);
      }
      return perfectRoot(row, off, span);
    },
  };
}

/** Writes files (in parallel), fsyncs each, then fsyncs every directory that gained an entry. */
async function writeDurably(root: string, writes: Map<string, Uint8Array>): Promise<void> {
  const dirs = new Set<string>();
  // A batch writes several files into the same few directories: one mkdir per directory.
  const byDir = new Map<string, [string, Uint8Array][]>();
  for (const [rel, data] of writes) {
    const path = join(root, rel);
    const files = byDir.get(dirname(path));
    if (files) files.push([path, data]);
    else byDir.set(dirname(path), [[path, data]]);
  }
  await Promise.all(
    [...byDir].map(async ([dir, files]) => {
      const created = await mkdir(dir, { recursive: true });
      if (created) {
        // Every newly created directory and the one holding it must reach the disk too.
        for (let d = dir; d.length >= created.length; d = dirname(d)) dirs.add(d);
        dirs.add(dirname(created));
      }
      dirs.add(dir);
      await Promise.all(files.map(([path, data]) => writeFileSynced(path, data)));
    }),
  );
  // Directories in parallel too: concurrent fsyncs share the filesystem's journal commits.
  await Promise.all(
    [...dirs].map(async (d) => {
      const fh = await open(d, "r");
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }),
  );
}

// O_DSYNC makes each write return only once its data (and the size) is on disk, which is
// write + fdatasync in one call; where the flag does not exist, fdatasync explicitly.
const O_DSYNC = fsConstants.O_DSYNC ?? 0;

async function writeFileSynced(path: string, data: Uint8Array): Promise<void> {
  const fh = await open(
    path,
    fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | O_DSYNC,
    0o666,
  );
  try {
    await fh.writeFile(data);
    if (O_DSYNC === 0) await fh.datasync();
  } finally {
    await fh.close();
  }
}
