/**
 * The pairing module at run time: wasmcurves' bn128 module plus our NAF preparation of G2 points
 * (built by pairing-build.ts; the SDK build writes its bytes as PAIRING_WASM beside the code).
 * Batch verification runs on it: an instance in this thread (mainPairingModule) and one per
 * pairing thread. No dependency on ffjavascript's curve: verifying starts no curve workers.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { moduleDir } from "../core/module-dir.js";
import { NAF_WALK, type WasmEnv, wasmApi } from "./pairing-job.js";

/** Initial memory in 64 KiB pages, as ffjavascript gives its instances (1.6 MB); grows on demand. */
export const PAGES = 25;

/** A module instance; `top` and `setTop` read and reset the bump allocator (to free a job's memory). */
export interface PairingModule extends WasmEnv {
  top(): number;
  setTop(p: number): void;
}

/** The file holding the module's bytes, beside the pairing worker entry. */
export const PAIRING_WASM = "zk-pairing.wasm";

/** Instantiates the module's bytes; its memory grows as the bump allocator needs. */
export function instantiatePairingModule(bytes: Uint8Array): PairingModule {
  const memory = new wasmApi.Memory({ initial: PAGES });
  const instance = new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } });
  const x = instance.exports as Record<string, (...args: number[]) => number>;
  // bytes of another build would lack our function or lay prepared points out differently
  if (typeof x[NAF_WALK.prepare] !== "function" || typeof x.bn128_prepareG2 !== "function")
    throw new Error(`${PAIRING_WASM} is not the pairing module this code expects`);
  // The module keeps its free-memory pointer in the first word (set by its data segment), as
  // ffjavascript's allocator does.
  const word0 = () => new Uint32Array(memory.buffer, 0, 1);
  return {
    x,
    u8: () => new Uint8Array(memory.buffer),
    alloc(length) {
      const p = (word0()[0]! + 3) & ~3;
      const end = p + length;
      if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
      word0()[0] = end;
      return p;
    },
    top: () => word0()[0]!,
    setTop(p) {
      word0()[0] = p;
    },
  };
}

/**
 * Loads the module from PAIRING_WASM in `dir` (compiling it takes ~1 ms), or builds it where the
 * file is missing (running from source: ~0.3 s).
 */
export async function loadPairingModule(dir: string): Promise<PairingModule> {
  const file = join(dir, PAIRING_WASM);
  if (existsSync(file)) return instantiatePairingModule(readFileSync(file));
  return (await import("./pairing-build.js")).buildPairingModule();
}

let main: Promise<PairingModule> | undefined;
/** This thread's instance, loaded once. */
export function mainPairingModule(): Promise<PairingModule> {
  main ??= loadPairingModule(moduleDir());
  main.catch(() => {
    main = undefined;
  });
  return main;
}
