/**
 * The committed circuit artifacts (circuits/artifacts/*) and their SHA-256 checksums
 * (circuits/checksums.json). Every artifact is hashed each time it is read from disk and
 * refused with TF_ZK_ARTIFACT_CHECKSUM when it differs; the bytes that were hashed are the bytes used.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { TfError } from "../core/errors.js";
import { moduleDir } from "../core/module-dir.js";

export type ArtifactKind = "wasm" | "zkey" | "vkey.json" | "r1cs";

export interface CircuitInfo {
  constraints: number;
  publicInputs: number;
  publicOutputs: number;
  privateInputs: number;
  ptauPower: number;
}

export interface Checksums {
  schema: "trustfabric.dev/zk/circuit-checksums/v1";
  circuits: Record<string, CircuitInfo>;
  files: Record<string, string>;
  ptau: { power: number; sha256: string; beacon: string; committed: boolean };
}

/** The snarkjs verification key JSON (decimal strings). */
export interface VerificationKey {
  protocol: "groth16";
  curve: "bn128";
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
}

let override: string | undefined;

/** Points the loader at another circuits directory (tests; undefined restores the default). */
export function useCircuitsDir(dir: string | undefined): void {
  override = dir === undefined ? undefined : resolve(dir);
  checksumCache = undefined;
  vkeyCache.clear();
  artifactCache.clear();
}

/** The default circuits directory, once found (the walk up from this module is file-system I/O). */
let found: string | undefined;

/** circuits/: $TF_CIRCUITS_DIR, else the nearest `circuits/checksums.json` above this module. */
export function circuitsDir(): string {
  if (override) return override;
  if (process.env.TF_CIRCUITS_DIR) return resolve(process.env.TF_CIRCUITS_DIR);
  if (found) return found;
  let dir = moduleDir();
  for (;;) {
    if (existsSync(join(dir, "circuits", "checksums.json"))) {
      found = join(dir, "circuits");
      return found;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new TfError(
    "TF_ZK_ARTIFACT_CHECKSUM",
    "The circuit artifacts (circuits/checksums.json) were not found",
    {
      remedy: "Set TF_CIRCUITS_DIR to the circuits directory of a Trust Fabric checkout or release.",
    },
  );
}

let checksumCache: { dir: string; value: Checksums } | undefined;

export function checksums(): Checksums {
  const dir = circuitsDir();
  if (checksumCache?.dir === dir) return checksumCache.value;
  let value: Checksums;
  try {
    value = JSON.parse(readFileSync(join(dir, "checksums.json"), "utf8")) as Checksums;
  } catch (e) {
    throw new TfError("TF_ZK_ARTIFACT_CHECKSUM", `Cannot read ${join(dir, "checksums.json")}`, { cause: e });
  }
  checksumCache = { dir, value };
  return value;
}

export function circuitNames(): string[] {
  return Object.keys(checksums().circuits);
}

export function circuitInfo(circuit: string): CircuitInfo {
  const info = checksums().circuits[circuit];
  if (!info)
    throw new TfError("TF_ZK_PROOF_INVALID", `Unknown circuit ${JSON.stringify(circuit)}`, {
      details: { circuit, known: circuitNames() },
    });
  return info;
}

/** SHA-256 of the circuit's proving key: what a proof's circuitSha256 must say. */
export function circuitSha256(circuit: string): string {
  circuitInfo(circuit);
  return checksums().files[`artifacts/${circuit}.zkey`]!;
}

/** Verified proving artifacts (wasm, zkey) kept for the next proof: reading and hashing them cost ~40 ms. */
const artifactCache = new Map<string, Uint8Array>();
const CACHED_KINDS: ReadonlySet<ArtifactKind> = new Set(["wasm", "zkey"]);

/**
 * Reads one artifact and checks its SHA-256 against checksums.json. The proving artifacts are
 * read and checked once per process, then served from memory.
 */
export function loadArtifact(circuit: string, kind: ArtifactKind): Uint8Array {
  circuitInfo(circuit);
  const rel = `artifacts/${circuit}.${kind}`;
  if (!CACHED_KINDS.has(kind)) return loadFile(rel);
  const key = `${circuitsDir()}\0${rel}`;
  let data = artifactCache.get(key);
  if (data === undefined) {
    data = loadFile(rel);
    artifactCache.set(key, data);
  }
  return data;
}

/** Reads a file listed in checksums.json (path relative to circuits/) and checks its SHA-256. */
export function loadFile(rel: string): Uint8Array {
  const dir = circuitsDir();
  const expected = checksums().files[rel];
  if (!expected)
    throw new TfError("TF_ZK_ARTIFACT_CHECKSUM", `${rel} is not listed in circuits/checksums.json`, {
      details: { file: rel },
    });
  let data: Buffer;
  try {
    data = readFileSync(join(dir, rel));
  } catch (e) {
    throw new TfError("TF_ZK_ARTIFACT_CHECKSUM", `Cannot read the circuit artifact ${rel}`, {
      cause: e,
      details: { file: rel },
    });
  }
  const found = createHash("sha256").update(data).digest("hex");
  if (found !== expected)
    throw new TfError("TF_ZK_ARTIFACT_CHECKSUM", `The circuit artifact ${rel} does not match its checksum`, {
      details: { file: join(dir, rel), expected, found },
    });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

const vkeyCache = new Map<string, VerificationKey>();

/** The circuit's verification key (checked once per process, then kept in memory). */
export function verificationKey(circuit: string): VerificationKey {
  const hit = vkeyCache.get(`${circuitsDir()}\0${circuit}`);
  if (hit) return hit;
  const vk = JSON.parse(Buffer.from(loadArtifact(circuit, "vkey.json")).toString("utf8")) as VerificationKey;
  vkeyCache.set(`${circuitsDir()}\0${circuit}`, vk);
  return vk;
}

/** snarkjs, loaded on first use (it is heavy). */
export async function snarkjs(): Promise<typeof import("snarkjs")> {
  return import("snarkjs");
}

/**
 * ffjavascript's bn128 curve (shared with snarkjs via globalThis.curve_bn128). Its worker
 * threads keep a process alive: call releaseCurve() when done.
 */
export async function bn128(): Promise<Bn128Curve> {
  const s = (await snarkjs()) as unknown as { curves: { getCurveFromName(n: string): Promise<Bn128Curve> } };
  return s.curves.getCurveFromName("bn128");
}

/** The part of ffjavascript's curve API this module uses. */
export interface Bn128Curve {
  r: bigint;
  q: bigint;
  G1: CurveGroup;
  G2: CurveGroup;
  Fr: { n8: number };
  pairingEq(...args: Uint8Array[]): Promise<boolean>;
  terminate(): Promise<void>;
}

export interface CurveGroup {
  F: { n8: number };
  zero: Uint8Array;
  g: Uint8Array;
  fromObject(o: unknown): Uint8Array;
  toObject(p: Uint8Array): unknown;
  toAffine(p: Uint8Array): Uint8Array;
  isValid(p: Uint8Array): boolean;
  isZero(p: Uint8Array): boolean;
  eq(a: Uint8Array, b: Uint8Array): boolean;
  neg(p: Uint8Array): Uint8Array;
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  timesScalar(p: Uint8Array, s: bigint | Uint8Array): Uint8Array;
  multiExpAffine(
    points: Uint8Array,
    scalars: Uint8Array,
    logger?: unknown,
    name?: string,
  ): Promise<Uint8Array>;
}
