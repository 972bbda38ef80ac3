/**
 * Walks a tiled log and reports the first inconsistency: checkpoint signature and origin,
 * every hash tile against the tiles below it and against the signed root, and every entry
 * bundle against the leaf hashes in the level-0 tiles.
 */
import { bytesEqual } from "../core/encoding.js";
import { TfError } from "../core/errors.js";
import type { NoteVerifier } from "../core/note.js";
import { readCheckpoint } from "./fslog.js";
import { leafHash, rootOf } from "./merkle.js";
import { bundlePath, nodesAtTileLevel, perfectRoot, TILE_WIDTH, tilePath, tileWidth } from "./tiles.js";
import { TileReader } from "./tilestore.js";

export interface VerifyLogOptions {
  /** First entry index whose bundle and leaf tile are checked (default 0). */
  from?: number;
  /** End (exclusive) of the entry range to check (default: the checkpoint's size). */
  to?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface VerifyLogReport {
  origin: string;
  size: number;
  root: string;
  entriesChecked: number;
  tilesChecked: number;
  bundlesChecked: number;
}

export function verifyLog(
  dir: string,
  verifier: NoteVerifier,
  origin: string,
  options: VerifyLogOptions = {},
): VerifyLogReport {
  const cp = readCheckpoint(dir, verifier, origin);
  const size = cp.size;
  const from = options.from ?? 0;
  const to = Math.min(options.to ?? size, size);
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 0 && from <= to)) {
    throw new TfError("TF_LOG_SIZE_INVALID", `Bad range ${from}..${to} for a log of size ${size}`, {
      details: { from, to, size },
    });
  }
  const reader = new TileReader(dir, size, 64);
  let tilesChecked = 0;
  let bundlesChecked = 0;

  // Upper tile levels: each hash must be the root of the 256 hashes below it.
  const levels = reader.tileLevels;
  for (let level = 1; level < levels; level++) {
    const count = nodesAtTileLevel(size, level);
    for (let t = 0; t * TILE_WIDTH < count; t++) {
      const upper = reader.tile(level, t);
      tilesChecked++;
      upper.forEach((h, j) => {
        const lowerIndex = t * TILE_WIDTH + j;
        // Below level 1 only the requested range is checked (the bundles are the expensive part).
        if (level === 1 && !overlaps(lowerIndex * TILE_WIDTH, (lowerIndex + 1) * TILE_WIDTH, from, to))
          return;
        const lower = reader.tile(level - 1, lowerIndex);
        if (level === 1) tilesChecked++;
        if (!bytesEqual(perfectRoot(lower), h)) {
          throw new TfError(
            "TF_LOG_TILE_MISMATCH",
            `Tile ${tilePath(level - 1, lowerIndex, TILE_WIDTH)} does not hash to entry ${j} of ${tilePath(level, t, upper.length)}`,
            {
              // Either file may be the altered one: `path` is the tile, `parent` the tile holding its hash.
              details: {
                path: tilePath(level - 1, lowerIndex, TILE_WIDTH),
                tile: tilePath(level - 1, lowerIndex, TILE_WIDTH),
                parent: tilePath(level, t, upper.length),
                index: j,
              },
            },
          );
        }
      });
    }
  }
  // The signed root, rebuilt from the tiles.
  if (!bytesEqual(rootOf(reader, size), cp.root)) {
    // Only the right-edge partial tiles have no parent hash to be checked against, so the root
    // is what checks them: the level-0 one (listed first) is the likeliest culprit.
    const edgeTiles: string[] = [];
    for (let level = 0; level < levels; level++) {
      const n = nodesAtTileLevel(size, level);
      if (n % TILE_WIDTH !== 0) edgeTiles.push(tilePath(level, Math.floor(n / TILE_WIDTH), n % TILE_WIDTH));
    }
    throw new TfError(
      "TF_LOG_ROOT_MISMATCH",
      `The root rebuilt from the tiles differs from the checkpoint's at size ${size}${edgeTiles[0] ? ` (check ${edgeTiles[0]})` : ""}`,
      {
        details: { size, path: edgeTiles[0] ?? null, edgeTiles },
      },
    );
  }
  // Entries: each must hash to the leaf hash its level-0 tile records.
  const firstBundle = Math.floor(from / TILE_WIDTH);
  const lastBundle = Math.ceil(to / TILE_WIDTH);
  for (let t = firstBundle; t < lastBundle; t++) {
    const width = tileWidth(size, 0, t);
    const hashes = reader.tile(0, t);
    if (width < TILE_WIDTH) tilesChecked++;
    const entries = reader.bundle(t);
    bundlesChecked++;
    entries.forEach((e, j) => {
      if (!bytesEqual(leafHash(e), hashes[j]!)) {
        throw new TfError(
          "TF_LOG_BUNDLE_MISMATCH",
          `Entry ${t * TILE_WIDTH + j} in ${bundlePath(t, width)} does not match its leaf hash`,
          {
            details: {
              path: bundlePath(t, width),
              index: t * TILE_WIDTH + j,
              bundle: bundlePath(t, width),
              tile: tilePath(0, t, width),
            },
          },
        );
      }
    });
    options.onProgress?.(t - firstBundle + 1, lastBundle - firstBundle);
  }
  return {
    origin: cp.origin,
    size,
    root: Buffer.from(cp.root).toString("base64"),
    entriesChecked: Math.max(0, to - from),
    tilesChecked,
    bundlesChecked,
  };
}

function overlaps(a0: number, a1: number, b0: number, b1: number): boolean {
  return a0 < b1 && b0 < a1;
}
