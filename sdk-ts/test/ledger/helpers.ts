/**
 * Shared helpers for the ledger tests: the shared conformance vectors (read unchanged,
 * resolved from this file), typed-error assertions, temp directories and a seeded PRNG.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { type ErrorCode, TfError } from "../../src/core/errors.js";

export const VECTORS = new URL("../../../../shared/vectors/", import.meta.url);

export function vectorPath(rel: string): string {
  return fileURLToPath(new URL(rel, VECTORS));
}

export function readVectorJson<T>(rel: string): T {
  return JSON.parse(readFileSync(vectorPath(rel), "utf8")) as T;
}

/** Lenient base64 for vector fields that are deliberately not 32-byte hashes (or empty). */
export function b64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64"));
}

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "hex"));
}

export function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** Asserts that `fn` throws a TfError with `code` (never another exception) and returns it. */
export function expectCode(fn: () => unknown, code: ErrorCode): TfError {
  const e = caught(fn);
  expect(e, `expected ${code}, nothing was thrown`).toBeInstanceOf(TfError);
  expect((e as TfError).code, (e as Error).message).toBe(code);
  return e as TfError;
}

export async function expectCodeAsync(p: Promise<unknown>, code: ErrorCode): Promise<TfError> {
  let e: unknown;
  try {
    await p;
  } catch (err) {
    e = err;
  }
  expect(e, `expected ${code}, nothing was thrown`).toBeInstanceOf(TfError);
  expect((e as TfError).code, (e as Error).message).toBe(code);
  return e as TfError;
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `tf-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every regular file under `root`, as sorted relative paths with '/' separators. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p).split("\\").join("/"));
    }
  };
  walk(root);
  return out.sort();
}

/** A 32-byte seed that is the same on every run. */
export function fixedSeed(n: number): Uint8Array {
  return new Uint8Array(32).fill(n);
}

/** mulberry32: small, fast and deterministic; tests need reproducibility, not quality. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

export function flipBit(bytes: Uint8Array, byte: number, bit = 0): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[byte] = out[byte]! ^ (1 << bit);
  return out;
}
