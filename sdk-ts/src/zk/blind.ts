/**
 * ristretto255 blinding: selectors hashed to the group (RFC 9380 hash_to_ristretto255 with a
 * DST that carries the epoch and its pepper), multiplied by a tenant's secret per-epoch scalar,
 * re-blinded by the other tenant, masked and unmasked by the exchange.
 */
import { randomBytes } from "node:crypto";
import type { IField } from "@noble/curves/abstract/modular.js";
import { ristretto255, ristretto255_hasher } from "@noble/curves/ed25519.js";
import { sha256 } from "../core/canonical.js";
import { fromBase64, toBase64, toHex } from "../core/encoding.js";
import { TfError } from "../core/errors.js";

/** A ristretto255 group element (the methods of noble's RistrettoPoint that ZK-TX uses). */
export interface RistrettoPoint {
  add(other: RistrettoPoint): RistrettoPoint;
  multiply(k: bigint): RistrettoPoint;
  /** Variable-time: only for public scalars. */
  multiplyUnsafe(k: bigint): RistrettoPoint;
  equals(other: RistrettoPoint): boolean;
  toBytes(): Uint8Array;
}

interface PointStatic {
  BASE: RistrettoPoint;
  ZERO: RistrettoPoint;
  fromBytes(bytes: Uint8Array): RistrettoPoint;
  Fn: IField<bigint>;
}

export const Point: PointStatic = ristretto255.Point as unknown as PointStatic;
export const ORDER: bigint = Point.Fn.ORDER;

/** Domain-separation tag of selector hashing in one epoch: the pepper makes epochs unlinkable. */
export function selectorDst(epochId: string, pepper: Uint8Array): Uint8Array {
  return new TextEncoder().encode(
    `TF-ZKTX-V1-ristretto255_XMD:SHA-512_R255MAP_RO_-epoch:${epochId}-pepper:${toHex(pepper)}`,
  );
}

/** Dummy points come from a tenant-secret seed under their own DST, so only the owner can tell them apart. */
const DUMMY_DST = new TextEncoder().encode("TF-ZKTX-V1-ristretto255_XMD:SHA-512_R255MAP_RO_-dummy");

export function hashSelector(bytes: Uint8Array, dst: Uint8Array): RistrettoPoint {
  return ristretto255_hasher.hashToCurve(bytes, { DST: dst }) as unknown as RistrettoPoint;
}

/** A random non-zero scalar (wide reduction of 64 random bytes). */
export function randomScalar(): bigint {
  for (;;) {
    const v = BigInt(`0x${randomBytes(64).toString("hex")}`) % ORDER;
    if (v !== 0n) return v;
  }
}

export function scalarToBytes(k: bigint): Uint8Array {
  return Point.Fn.toBytes(k);
}

export function scalarFromBase64(text: string, what: string): bigint {
  let k: bigint;
  try {
    k = Point.Fn.fromBytes(fromBase64(text, what));
  } catch (e) {
    throw new TfError("TF_ZK_ENVELOPE_INVALID", `${what} is not a canonical ristretto255 scalar`, {
      cause: e,
    });
  }
  if (k === 0n) throw new TfError("TF_ZK_ENVELOPE_INVALID", `${what} is zero`);
  return k;
}

export const scalarToBase64 = (k: bigint): string => toBase64(scalarToBytes(k));

export function invertScalar(k: bigint): bigint {
  return Point.Fn.inv(k);
}

export function publicKeyOf(k: bigint): Uint8Array {
  return Point.BASE.multiply(k).toBytes();
}

/**
 * Decodes a point: canonical ristretto255 encoding of a non-identity element, else
 * TF_ZK_POINT_INVALID (the identity would make any DLEQ statement about it trivial).
 */
export function decodePoint(bytes: Uint8Array, what = "point"): RistrettoPoint {
  let p: RistrettoPoint;
  try {
    if (bytes.length !== 32) throw new Error("length");
    p = Point.fromBytes(bytes);
  } catch (e) {
    throw new TfError("TF_ZK_POINT_INVALID", `${what} is not a canonical ristretto255 encoding`, {
      cause: e,
      details: { what },
    });
  }
  if (p.equals(Point.ZERO))
    throw new TfError("TF_ZK_POINT_INVALID", `${what} is the identity element`, { details: { what } });
  return p;
}

export function decodePointB64(text: string, what = "point"): RistrettoPoint {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(text, what);
  } catch (e) {
    throw new TfError("TF_ZK_POINT_INVALID", `${what} is not base64`, { cause: e, details: { what } });
  }
  return decodePoint(bytes, what);
}

export const encodePoint = (p: RistrettoPoint): string => toBase64(p.toBytes());

/** k * H_epoch(selector) for each selector. */
export function blindSelectors(k: bigint, selectors: Uint8Array[], dst: Uint8Array): RistrettoPoint[] {
  return selectors.map((s) => hashSelector(s, dst).multiply(k));
}

/** Dummy j of an envelope: indistinguishable from a blinded selector without the seed. */
export function dummyPoint(seed: Uint8Array, nonce: Uint8Array, j: number): RistrettoPoint {
  const msg = new Uint8Array(seed.length + nonce.length + 4);
  msg.set(seed, 0);
  msg.set(nonce, seed.length);
  new DataView(msg.buffer).setUint32(seed.length + nonce.length, j);
  return hashSelector(msg, DUMMY_DST);
}

/** Padded size of a list: the next power of two, at least 64, so the exact size stays hidden. */
export function bucketSize(n: number): number {
  let size = 64;
  while (size < n) size *= 2;
  return size;
}

/** Multiplies every point by k (re-blinding, masking, unmasking). */
export function multiplyAll(points: RistrettoPoint[], k: bigint): RistrettoPoint[] {
  return points.map((p) => p.multiply(k));
}

/** SHA-256 over the concatenated encodings: what signed headers commit to. */
export function pointsDigest(points: readonly string[]): string {
  const parts = points.map((p) => Buffer.from(p, "base64"));
  return toHex(sha256(Buffer.concat(parts)));
}
