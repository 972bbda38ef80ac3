/**
 * RFC 6962 / RFC 9162 Merkle tree hashing, proofs and verifiers.
 *
 * Indexes and sizes are plain numbers used only with arithmetic (never 32-bit bitwise
 * operators), so they stay exact up to 2^53 entries.
 */
import { hash as oneShotHash } from "node:crypto";
import { sha256 } from "../core/canonical.js";
import { bytesEqual } from "../core/encoding.js";
import { TfError } from "../core/errors.js";
import { sha256Node } from "./nodehash.js";

export const HASH_SIZE = 32;
const LEAF_PREFIX = Uint8Array.of(0);
const NODE_PREFIX = Uint8Array.of(1);

export const EMPTY_ROOT = sha256();

// Hot path (every append and proof): one-shot crypto.hash over a reused scratch buffer costs
// about 60% of createHash().update()…digest(). Its result owns a fresh 32-byte ArrayBuffer.
const SCRATCH_SIZE = 1 + 1024;
const scratch = new Uint8Array(SCRATCH_SIZE);

function sha256Of(input: Uint8Array): Uint8Array {
  const b = oneShotHash("sha256", input, "buffer");
  return new Uint8Array(b.buffer, b.byteOffset, HASH_SIZE);
}

export function leafHash(data: Uint8Array): Uint8Array {
  if (typeof oneShotHash !== "function" || data.length >= SCRATCH_SIZE) return sha256(LEAF_PREFIX, data);
  scratch[0] = 0;
  scratch.set(data, 1);
  return sha256Of(scratch.subarray(0, 1 + data.length));
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) return sha256(NODE_PREFIX, left, right);
  return sha256Node(left, right);
}

/**
 * Reads the hash of the complete subtree at `level` (2^level leaves) with the given index,
 * i.e. covering leaves [index * 2^level, (index + 1) * 2^level).
 */
export interface NodeReader {
  node(level: number, index: number): Uint8Array;
}

const POW2: number[] = Array.from({ length: 64 }, (_, i) => 2 ** i);

/** Largest power of two strictly less than n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPow2(n: number): boolean {
  return n > 0 && splitPoint(n + 1) === n;
}

function log2Exact(n: number): number {
  let l = 0;
  while (POW2[l]! < n) l++;
  return l;
}

/** MTH(D[lo:hi]) for a range whose left edge is aligned as RFC 6962's recursion produces. */
export function rangeHash(reader: NodeReader, lo: number, hi: number): Uint8Array {
  const n = hi - lo;
  if (n <= 0) return EMPTY_ROOT;
  if (isPow2(n) && lo % n === 0) {
    const level = log2Exact(n);
    return reader.node(level, lo / n);
  }
  const k = splitPoint(n);
  return nodeHash(rangeHash(reader, lo, lo + k), rangeHash(reader, lo + k, hi));
}

export function rootOf(reader: NodeReader, size: number): Uint8Array {
  return rangeHash(reader, 0, size);
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]). */
export function inclusionProof(reader: NodeReader, index: number, size: number): Uint8Array[] {
  checkSize(size);
  if (!(Number.isSafeInteger(index) && index >= 0 && index < size)) {
    throw new TfError("TF_LOG_INDEX_OUT_OF_RANGE", `Index ${index} is outside a tree of size ${size}`, {
      details: { index, size },
    });
  }
  const out: Uint8Array[] = [];
  let lo = 0;
  let hi = size;
  // Walk down from the root, collecting the sibling of each subtree on the path; reverse at the end.
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      out.push(rangeHash(reader, lo + k, hi));
      hi = lo + k;
    } else {
      out.push(rangeHash(reader, lo, lo + k));
      lo = lo + k;
    }
  }
  return out.reverse();
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]). */
export function consistencyProof(reader: NodeReader, size1: number, size2: number): Uint8Array[] {
  checkSize(size1);
  checkSize(size2);
  if (size1 > size2) {
    throw new TfError(
      "TF_LOG_SIZE_INVALID",
      `Cannot prove consistency from size ${size1} to the smaller ${size2}`,
      {
        details: { size1, size2 },
      },
    );
  }
  if (size1 === 0 || size1 === size2) return [];
  const out: Uint8Array[] = [];
  let m = size1;
  let lo = 0;
  let hi = size2;
  let complete = true;
  for (;;) {
    const n = hi - lo;
    if (m === n) {
      if (!complete) out.push(rangeHash(reader, lo, hi));
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      out.push(rangeHash(reader, lo + k, hi));
      hi = lo + k;
    } else {
      out.push(rangeHash(reader, lo, lo + k));
      m -= k;
      lo += k;
      complete = false;
    }
  }
  // SUBPROOF puts each level's node after the deeper levels' nodes: nodes were collected
  // outermost first (and the terminal MTH last), so the proof is the reverse.
  return out.reverse();
}

function checkSize(size: number): void {
  if (!(Number.isSafeInteger(size) && size >= 0)) {
    throw new TfError("TF_LOG_SIZE_INVALID", `Tree size ${size} is not a whole number`, {
      details: { size },
    });
  }
}

function inclusionMismatch(reason: string, details: Record<string, unknown> = {}): TfError {
  return new TfError("TF_LOG_INCLUSION_MISMATCH", `Inclusion proof does not verify: ${reason}`, { details });
}

function consistencyMismatch(reason: string, details: Record<string, unknown> = {}): TfError {
  return new TfError("TF_LOG_CONSISTENCY_MISMATCH", `Consistency proof does not verify: ${reason}`, {
    details,
  });
}

function checkHashes(proof: readonly Uint8Array[], fail: (r: string) => TfError): void {
  for (const p of proof) if (p.length !== HASH_SIZE) throw fail("proof node is not 32 bytes");
}

/** RFC 9162 §2.1.3.2: the root implied by an inclusion proof. */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) {
    throw inclusionMismatch(`index ${index} is outside a tree of size ${size}`, { index, size });
  }
  if (leaf.length !== HASH_SIZE) throw inclusionMismatch("leaf hash is not 32 bytes");
  checkHashes(proof, inclusionMismatch);
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) throw inclusionMismatch("proof has too many nodes", { index, size });
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (!(fn % 2 === 1 || fn === 0)) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw inclusionMismatch("proof has too few nodes", { index, size });
  return r;
}

export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  if (root.length !== HASH_SIZE) throw inclusionMismatch("root is not 32 bytes");
  const computed = rootFromInclusionProof(index, size, leaf, proof);
  if (!bytesEqual(computed, root))
    throw inclusionMismatch("computed root differs from the checkpoint's", { index, size });
}

/**
 * RFC 9162 §2.1.4.2. A proof from size 0 is rejected, as upstream transparency-dev does:
 * an empty tree is consistent with everything, so such a "proof" proves nothing.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  if (!(Number.isSafeInteger(size1) && Number.isSafeInteger(size2) && size1 >= 0 && size2 >= size1)) {
    throw consistencyMismatch(`sizes ${size1} → ${size2} are not increasing`, { size1, size2 });
  }
  if (size1 === 0) throw consistencyMismatch("a proof from the empty tree is meaningless", { size1, size2 });
  // Equal sizes only compare the roots as given, as upstream does (its probes pass opaque roots).
  if (size1 === size2) {
    if (proof.length !== 0) throw consistencyMismatch("equal sizes need an empty proof");
    if (!bytesEqual(root1, root2)) throw consistencyMismatch("equal sizes with different roots");
    return;
  }
  if (root1.length !== HASH_SIZE || root2.length !== HASH_SIZE)
    throw consistencyMismatch("root is not 32 bytes");
  checkHashes(proof, consistencyMismatch);
  if (proof.length === 0) throw consistencyMismatch("empty proof");
  const path = isPow2(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) throw consistencyMismatch("proof has too many nodes", { size1, size2 });
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (!(fn % 2 === 1 || fn === 0)) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw consistencyMismatch("proof has too few nodes", { size1, size2 });
  if (!bytesEqual(fr, root1)) throw consistencyMismatch("old root does not match", { size1, size2 });
  if (!bytesEqual(sr, root2)) throw consistencyMismatch("new root does not match", { size1, size2 });
}

/** A NodeReader over an in-memory list of leaf hashes (tests, small trees). */
export class MemoryTree implements NodeReader {
  private readonly levels: Uint8Array[][] = [[]];

  constructor(leaves: Iterable<Uint8Array> = []) {
    for (const l of leaves) this.appendLeafHash(l);
  }

  get size(): number {
    return this.levels[0]!.length;
  }

  appendData(data: Uint8Array): void {
    this.appendLeafHash(leafHash(data));
  }

  appendLeafHash(h: Uint8Array): void {
    let level = 0;
    let hash = h;
    for (;;) {
      const row = this.levels[level] ?? [];
      this.levels[level] = row;
      row.push(hash);
      if (row.length % 2 === 1) break;
      hash = nodeHash(row[row.length - 2]!, hash);
      level++;
    }
  }

  node(level: number, index: number): Uint8Array {
    const h = this.levels[level]?.[index];
    if (!h)
      throw new TfError("TF_LOG_INDEX_OUT_OF_RANGE", `No complete node at level ${level} index ${index}`);
    return h;
  }

  root(size = this.size): Uint8Array {
    return rootOf(this, size);
  }
}
