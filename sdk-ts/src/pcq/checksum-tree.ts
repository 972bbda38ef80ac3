/**
 * Checksum trees over datasets: an RFC 6962 Merkle tree (the transparency log's hashing) whose
 * leaves are fixed-size chunks of canonicalized rows. Two trees of the same row count and chunk
 * size are compared top-down, so a changed row is pinpointed to its chunk, tree path and row range.
 */
import { z } from "zod";
import { canonicalJson } from "../core/canonical.js";
import { toHex, utf8 } from "../core/encoding.js";
import { TfError } from "../core/errors.js";
import { MemoryTree, rangeHash, splitPoint } from "../ledger/merkle.js";
import type { EdgeRow } from "./graph.js";

export const CHECKSUM_ALGORITHM = "rfc6962-sha256";
/** One row is the JCS array [source, target, weight] and a newline: quoting and spacing do not matter. */
export const ROW_CANONICALIZATION = "trustfabric.dev/pcq/edge-rows/v1";
export const DEFAULT_CHUNK_ROWS = 64;
export const MAX_CHUNK_ROWS = 1 << 20;

const Hex32 = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits");

export const ChecksumTree = z.object({
  algorithm: z.literal(CHECKSUM_ALGORITHM),
  canonicalization: z.literal(ROW_CANONICALIZATION),
  chunkRows: z
    .number()
    .int()
    .min(1)
    .max(MAX_CHUNK_ROWS)
    .describe("rows per leaf chunk (the last may be short)"),
  rows: z.number().int().min(0).describe("number of data rows"),
  root: Hex32.describe("RFC 6962 Merkle tree hash over the chunk leaves (hex)"),
  leaves: z.array(Hex32).describe("leaf hash of each chunk, in order (hex): SHA-256(0x00 || chunk rows)"),
});
export type ChecksumTree = z.infer<typeof ChecksumTree>;

/** The canonical bytes of one row. */
export function canonicalRow(row: EdgeRow): string {
  return `${canonicalJson([row.source, row.target, row.weight])}\n`;
}

export function buildChecksumTree(rows: readonly EdgeRow[], chunkRows = DEFAULT_CHUNK_ROWS): ChecksumTree {
  if (!(Number.isSafeInteger(chunkRows) && chunkRows >= 1 && chunkRows <= MAX_CHUNK_ROWS)) {
    throw new TfError("TF_INPUT_INVALID", `Chunk size must be a whole number from 1 to ${MAX_CHUNK_ROWS}`, {
      details: { path: "chunkRows", chunkRows },
    });
  }
  const tree = new MemoryTree();
  for (let lo = 0; lo < rows.length; lo += chunkRows) {
    let text = "";
    for (let i = lo; i < Math.min(rows.length, lo + chunkRows); i++) text += canonicalRow(rows[i]!);
    tree.appendData(utf8(text));
  }
  const leaves: string[] = [];
  for (let i = 0; i < tree.size; i++) leaves.push(toHex(tree.node(0, i)));
  return {
    algorithm: CHECKSUM_ALGORITHM,
    canonicalization: ROW_CANONICALIZATION,
    chunkRows,
    rows: rows.length,
    root: toHex(tree.root()),
    leaves,
  };
}

/** The root recomputed from the listed leaves (a manifest's tree must be self-consistent). */
export function rootOfLeaves(leaves: readonly string[]): string {
  return toHex(new MemoryTree(leaves.map(hexBytes)).root());
}

export interface ChunkDifference {
  /** Index of the differing chunk (leaf), 0-based. */
  chunk: number;
  /** Path from the root to the leaf: one L/R per level (RFC 6962 split), "" for a one-leaf tree. */
  path: string;
  /** Data rows covered, 1-based and inclusive, as a person counts them (the header is not a row). */
  firstRow: number;
  lastRow: number;
  expected: string | null;
  actual: string | null;
}

export interface TreeComparison {
  ok: boolean;
  rootsEqual: boolean;
  rows: { expected: number; actual: number };
  /** Differing chunks in order (capped at `limit`). */
  chunks: ChunkDifference[];
  /** Number of differing chunks in all. */
  differing: number;
  /** Subtree hashes compared on the way down (the cost of pinpointing). */
  nodesCompared: number;
}

/**
 * Compares a claimed tree with one rebuilt from the data. Descends only into subtrees whose
 * hashes differ, so a single changed row costs O(log n) comparisons.
 */
export function compareChecksumTrees(
  expected: ChecksumTree,
  actual: ChecksumTree,
  limit = 20,
): TreeComparison {
  const e = expected.leaves;
  const a = actual.leaves;
  const n = Math.max(e.length, a.length);
  const chunkRows = expected.chunkRows;
  const out: ChunkDifference[] = [];
  let differing = 0;
  let nodesCompared = 0;
  const eTree = new MemoryTree(e.map(hexBytes));
  const aTree = new MemoryTree(a.map(hexBytes));
  const hashOf = (tree: MemoryTree, size: number, lo: number, hi: number): string | null => {
    if (lo >= size) return null;
    return toHex(rangeHash(tree, lo, Math.min(hi, size)));
  };
  const rowsTotal = Math.max(expected.rows, actual.rows);
  const walk = (lo: number, hi: number, path: string) => {
    nodesCompared++;
    const he = hashOf(eTree, e.length, lo, hi);
    const ha = hashOf(aTree, a.length, lo, hi);
    if (he === ha) return;
    if (hi - lo === 1) {
      differing++;
      if (out.length < limit) {
        out.push({
          chunk: lo,
          path,
          firstRow: lo * chunkRows + 1,
          lastRow: Math.min((lo + 1) * chunkRows, rowsTotal),
          expected: e[lo] ?? null,
          actual: a[lo] ?? null,
        });
      }
      return;
    }
    const k = splitPoint(hi - lo);
    walk(lo, lo + k, `${path}L`);
    walk(lo + k, hi, `${path}R`);
  };
  const rootsEqual = expected.root === actual.root && expected.rows === actual.rows;
  if (!rootsEqual && n > 0) walk(0, n, "");
  return {
    ok: rootsEqual && expected.chunkRows === actual.chunkRows,
    rootsEqual,
    rows: { expected: expected.rows, actual: actual.rows },
    chunks: out,
    differing,
    nodesCompared,
  };
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, "hex"));
}
