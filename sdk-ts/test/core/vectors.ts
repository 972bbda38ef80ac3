/**
 * Reads the shared conformance vectors (/work/shared/vectors, i.e. `../shared/vectors`
 * beside the repository) unchanged. Resolved from this file, never from the cwd.
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { type ErrorCode, TfError } from "../../src/core/errors.js";

export const VECTORS_DIR = new URL("../../../../shared/vectors/", import.meta.url);

export function vectorUrl(rel: string): URL {
  return new URL(rel, VECTORS_DIR);
}

export function readVectorJson<T>(rel: string): T {
  return JSON.parse(readFileSync(vectorUrl(rel), "utf8")) as T;
}

export function readVectorBytes(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(vectorUrl(rel)));
}

/** Asserts that `fn` throws a TfError with `code` (and never any other exception). */
export function expectTfError(fn: () => unknown, code: ErrorCode): TfError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected ${code} to be thrown`).toBeInstanceOf(TfError);
  expect((thrown as TfError).code).toBe(code);
  return thrown as TfError;
}
