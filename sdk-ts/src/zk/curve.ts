/**
 * Lifetime of snarkjs/ffjavascript's shared bn128 curve (globalThis.curve_bn128). Its worker
 * threads keep a process alive, so users hold it while working and it is terminated once
 * nobody has used it for a moment (a CLI exits promptly; a server keeps it warm under load).
 */
import { type Bn128Curve, bn128 } from "./circuits.js";
import { releasePairingPool } from "./pairing-pool.js";

let holders = 0;
let warm = 0;
let idleTimer: NodeJS.Timeout | undefined;

/** How long an unused curve stays warm before its workers are terminated. */
export const CURVE_IDLE_MS = 150;
/** The same while a server keeps it warm (keepCurveWarm): rebuilding it costs ~0.25 s a request. */
export const WARM_CURVE_IDLE_MS = 30_000;

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
    if (holders === 0) armIdle();
  };
}

/**
 * Keeps the curve (once built) for WARM_CURVE_IDLE_MS after its last use instead of CURVE_IDLE_MS,
 * until the returned function is called: a server answering ZK requests every few seconds should
 * not rebuild the curve for each. Idle, a warm curve's workers still keep the process alive, so
 * the caller must cool it when it stops (the curve then stops CURVE_IDLE_MS later, if unused).
 */
export function keepCurveWarm(): () => void {
  warm++;
  let cooled = false;
  return () => {
    if (cooled) return;
    cooled = true;
    warm--;
    if (warm === 0 && holders === 0) armIdle();
  };
}

function armIdle(): void {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(
    () => {
      idleTimer = undefined;
      // the pairing threads, idle, do not keep a process alive: they keep their own time
      if (holders === 0) void terminateCurve();
    },
    warm > 0 ? WARM_CURVE_IDLE_MS : CURVE_IDLE_MS,
  );
  idleTimer.unref?.();
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

/** Terminates the curve's workers and the pairing threads now (the next use starts new ones). */
export async function releaseCurve(): Promise<void> {
  await Promise.all([terminateCurve(), releasePairingPool()]);
}

async function terminateCurve(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  const c = g.curve_bn128;
  if (c) {
    g.curve_bn128 = undefined;
    await c.terminate();
  }
}
