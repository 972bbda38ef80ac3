/**
 * Lifetime of snarkjs/ffjavascript's shared bn128 curve (globalThis.curve_bn128). Its worker
 * threads keep a process alive, so users hold it while working and it is terminated once
 * nobody has used it for a moment (a CLI exits promptly; a server keeps it warm under load).
 */
import { type Bn128Curve, bn128 } from "./circuits.js";

let holders = 0;
let idleTimer: NodeJS.Timeout | undefined;

/** How long an unused curve stays warm before its workers are terminated. */
export const CURVE_IDLE_MS = 150;

/** Takes a hold on the curve; call the returned function when done (exactly once). */
export async function acquireCurve(): Promise<() => void> {
  holders++;
  if (idleTimer) {
    clearTimeout(idleTimer);
    idleTimer = undefined;
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holders--;
    if (holders === 0) {
      idleTimer = setTimeout(() => {
        idleTimer = undefined;
        if (holders === 0) void releaseCurve();
      }, CURVE_IDLE_MS);
      idleTimer.unref?.();
    }
  };
}

/** Runs fn with the curve held. */
export async function withCurve<T>(fn: (curve: Bn128Curve) => Promise<T>): Promise<T> {
  const release = await acquireCurve();
  try {
    return await fn(await bn128());
  } finally {
    release();
  }
}

/** Terminates the curve's workers now (the next use starts a new curve). */
export async function releaseCurve(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  const c = g.curve_bn128;
  if (c) {
    g.curve_bn128 = undefined;
    await c.terminate();
  }
}
