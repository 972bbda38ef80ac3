/**
 * Reading a tlog-tiles log from a directory: hash tiles, entry bundles and the tree nodes
 * derived from them. Works on any conformant log (ours or Tessera's POSIX layout).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TfError } from "../core/errors.js";
import type { NodeReader } from "./merkle.js";
import {
  bundlePath,
  decodeBundle,
  decodeHashTile,
  nodesAtTileLevel,
  perfectRoot,
  TILE_HEIGHT,
  TILE_WIDTH,
  tilePath,
  tileWidth,
} from "./tiles.js";

function readIfExists(path: string): Uint8Array | null {
  try {
    return readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/**
 * A NodeReader over the tiles of one tree size. A partial tile removed because the log grew
 * is read from the full tile instead (its first hashes are the same).
 */
export class TileReader implements NodeReader {
  private readonly tiles = new Map<string, Uint8Array[]>();

  constructor(
    readonly root: string,
    readonly size: number,
    private readonly maxCachedTiles = 4096,
  ) {}

  /** The hashes of tile `index` at `level`, as many as this tree size covers. */
  tile(level: number, index: number): Uint8Array[] {
    const width = tileWidth(this.size, level, index);
    if (width === 0) {
      throw new TfError(
        "TF_LOG_INDEX_OUT_OF_RANGE",
        `Tile ${level}/${index} is beyond tree size ${this.size}`,
      );
    }
    const key = `${level}/${index}`;
    const hit = this.tiles.get(key);
    if (hit) return hit;
    const exact = tilePath(level, index, width);
    let data = readIfExists(join(this.root, exact));
    if (!data && width < TILE_WIDTH) {
      const full = readIfExists(join(this.root, tilePath(level, index, TILE_WIDTH)));
      data = full ? full.subarray(0, width * 32) : null;
    }
    if (!data) {
      throw new TfError("TF_LOG_TILE_MISSING", `Tile ${exact} is missing`, { details: { path: exact } });
    }
    const hashes = decodeHashTile(data, width, exact);
    if (this.tiles.size >= this.maxCachedTiles) this.tiles.clear();
    this.tiles.set(key, hashes);
    return hashes;
  }

  node(level: number, index: number): Uint8Array {
    const tileLevel = Math.floor(level / TILE_HEIGHT);
    const span = 2 ** (level - tileLevel * TILE_HEIGHT);
    const first = index * span;
    const t = Math.floor(first / TILE_WIDTH);
    const hashes = this.tile(tileLevel, t);
    const off = first - t * TILE_WIDTH;
    if (off + span > hashes.length) {
      throw new TfError(
        "TF_LOG_INDEX_OUT_OF_RANGE",
        `Node ${level}/${index} is not complete in tree size ${this.size}`,
      );
    }
    return perfectRoot(hashes, off, span);
  }

  /** Entries of bundle `index` covered by this tree size. */
  bundle(index: number): Uint8Array[] {
    const width = tileWidth(this.size, 0, index);
    if (width === 0)
      throw new TfError("TF_LOG_INDEX_OUT_OF_RANGE", `Bundle ${index} is beyond tree size ${this.size}`);
    const exact = bundlePath(index, width);
    let data = readIfExists(join(this.root, exact));
    let entries: Uint8Array[] | null = null;
    if (data) entries = decodeBundle(data, width, exact);
    else if (width < TILE_WIDTH) {
      data = readIfExists(join(this.root, bundlePath(index, TILE_WIDTH)));
      if (data) entries = decodeBundle(data, TILE_WIDTH, bundlePath(index, TILE_WIDTH)).slice(0, width);
    }
    if (!entries)
      throw new TfError("TF_LOG_BUNDLE_MISSING", `Entry bundle ${exact} is missing`, {
        details: { path: exact },
      });
    return entries;
  }

  entry(index: number): Uint8Array {
    if (!(Number.isSafeInteger(index) && index >= 0 && index < this.size)) {
      throw new TfError("TF_LOG_INDEX_OUT_OF_RANGE", `Index ${index} is not in a log of size ${this.size}`, {
        details: { index, size: this.size },
      });
    }
    const t = Math.floor(index / TILE_WIDTH);
    return this.bundle(t)[index - t * TILE_WIDTH]!;
  }

  /** How many tile levels hold at least one node for this size. */
  get tileLevels(): number {
    let l = 0;
    while (nodesAtTileLevel(this.size, l) > 0) l++;
    return l;
  }
}
