/**
 * C2SP tlog-tiles (https://c2sp.org/tlog-tiles): tile paths, level-0..n hash tiles and
 * entry bundles. Tiles have height 8, so a full tile holds 256 hashes or 256 entries.
 */
import { TfError } from "../core/errors.js";
import { HASH_SIZE, nodeHash } from "./merkle.js";

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const MAX_ENTRY_SIZE = 0xffff;

/** Encodes a tile index as path elements: 1234067 -> "x001/x234/067". */
export function encodeTileIndex(index: number): string {
  if (!(Number.isSafeInteger(index) && index >= 0))
    throw new TfError("TF_LOG_SIZE_INVALID", `Bad tile index ${index}`);
  const groups: string[] = [];
  let n = index;
  do {
    groups.unshift(String(n % 1000).padStart(3, "0"));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join("/");
}

function suffix(width: number): string {
  if (!(Number.isInteger(width) && width >= 1 && width <= TILE_WIDTH)) {
    throw new TfError("TF_LOG_SIZE_INVALID", `Bad tile width ${width}`);
  }
  return width === TILE_WIDTH ? "" : `.p/${width}`;
}

/** Path of the hash tile at tile `level` with `index` and `width` hashes (256 = full). */
export function tilePath(level: number, index: number, width: number): string {
  return `tile/${level}/${encodeTileIndex(index)}${suffix(width)}`;
}

export function bundlePath(index: number, width: number): string {
  return `tile/entries/${encodeTileIndex(index)}${suffix(width)}`;
}

/** Number of nodes at tree level `8 * tileLevel` in a tree of `size` leaves. */
export function nodesAtTileLevel(size: number, tileLevel: number): number {
  return Math.floor(size / TILE_WIDTH ** tileLevel);
}

/** Width of tile `index` at `tileLevel` for a tree of `size` (0 if the tree does not reach it). */
export function tileWidth(size: number, tileLevel: number, index: number): number {
  const n = nodesAtTileLevel(size, tileLevel) - index * TILE_WIDTH;
  return Math.max(0, Math.min(TILE_WIDTH, n));
}

export function encodeBundle(entries: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const e of entries) n += 2 + e.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const e of entries) {
    if (e.length > MAX_ENTRY_SIZE) throw entryTooLarge(e.length);
    out[o] = e.length >>> 8;
    out[o + 1] = e.length & 0xff;
    out.set(e, o + 2);
    o += 2 + e.length;
  }
  return out;
}

export function entryTooLarge(length: number): TfError {
  return new TfError("TF_LOG_ENTRY_TOO_LARGE", `Entry of ${length} bytes exceeds ${MAX_ENTRY_SIZE} bytes`, {
    details: { length, max: MAX_ENTRY_SIZE },
  });
}

/** Decodes an entry bundle; `expected` (if given) must match the entry count exactly. */
export function decodeBundle(data: Uint8Array, expected?: number, path = "entry bundle"): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < data.length) {
    if (o + 2 > data.length) throw bundleMalformed(path, "truncated length prefix");
    const len = (data[o]! << 8) | data[o + 1]!;
    if (o + 2 + len > data.length) throw bundleMalformed(path, `entry ${out.length} is truncated`);
    out.push(data.subarray(o + 2, o + 2 + len));
    o += 2 + len;
    if (out.length > TILE_WIDTH) throw bundleMalformed(path, "more than 256 entries");
  }
  if (expected !== undefined && out.length !== expected) {
    throw bundleMalformed(path, `holds ${out.length} entries, expected ${expected}`);
  }
  return out;
}

function bundleMalformed(path: string, reason: string): TfError {
  return new TfError("TF_LOG_BUNDLE_MALFORMED", `Entry bundle ${path} is malformed: ${reason}`, {
    details: { path, reason },
  });
}

export function encodeHashTile(hashes: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((h, i) => {
    out.set(h, i * HASH_SIZE);
  });
  return out;
}

export function decodeHashTile(data: Uint8Array, width: number, path = "tile"): Uint8Array[] {
  if (data.length < width * HASH_SIZE) {
    throw new TfError(
      "TF_LOG_TILE_TRUNCATED",
      `Tile ${path} holds ${data.length} bytes, expected ${width * HASH_SIZE}`,
      {
        details: { path, length: data.length, expected: width * HASH_SIZE },
      },
    );
  }
  if (data.length > width * HASH_SIZE) {
    throw new TfError(
      "TF_LOG_TILE_MISMATCH",
      `Tile ${path} holds ${data.length} bytes, expected ${width * HASH_SIZE}`,
      {
        details: { path, length: data.length, expected: width * HASH_SIZE },
      },
    );
  }
  const out: Uint8Array[] = [];
  for (let i = 0; i < width; i++) out.push(data.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  return out;
}

/**
 * Hash of a perfect subtree given its 2^k bottom hashes, computed pairwise.
 * Used to derive the tree levels between stored tile levels.
 */
export function perfectRoot(hashes: readonly Uint8Array[], start = 0, count = hashes.length): Uint8Array {
  if (count === 1) return hashes[start]!;
  const half = count / 2;
  return nodeHash(perfectRoot(hashes, start, half), perfectRoot(hashes, start + half, half));
}
