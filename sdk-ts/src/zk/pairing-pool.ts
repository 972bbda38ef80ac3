/**
 * The pairing threads of batch verification: one per core (at most four), each with its own
 * instance of the bn128 module (pairing-worker.ts), compiled from the bytes the build wrote beside
 * it (70-90 ms to start a thread). A large batch starts them and its chunks wait for them; they stop
 * after POOL_IDLE_MS without work (the shared curve stops after 150 ms, but a server verifying a
 * batch a second should not restart them each time) or at releaseCurve(); idle threads do not keep
 * a process alive. A thread that fails stops them all: the batch's unfinished chunks run on the
 * calling thread instead, and so do later batches (until startPairingThreads()). Running from
 * source (no built worker entry beside this code) there are no threads.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { TfError } from "../core/errors.js";
import { moduleDir } from "../core/module-dir.js";
import type { PairingChunk, PairingChunkResult } from "./pairing-job.js";

const WORKER_FILES = ["zk-pairing-worker.js", "zk-pairing-worker.mjs", "zk-pairing-worker.cjs"];
/** Pairing threads at most (each holds ~2 MB of wasm memory and a compiled module). */
const MAX_THREADS = 4;
/** A batch of at least this many proofs is large: it starts the threads. */
export const LARGE_BATCH = 24;
/** Idle time after which the threads stop. */
export const POOL_IDLE_MS = 30_000;

interface Slot {
  worker: Worker;
  busy: boolean;
  ready: boolean;
}
type Reply = { ready: true } | { id: number; result: PairingChunkResult } | { id: number; error: string };

export class PairingPool {
  private readonly slots: Slot[] = [];
  private readonly queue: { id: number; chunk: PairingChunk }[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (r: PairingChunkResult) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  private dead = false;
  private idle: NodeJS.Timeout | undefined;
  private readonly waiters: (() => void)[] = [];

  constructor(script: string, size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script);
      worker.unref();
      const slot: Slot = { worker, busy: false, ready: false };
      worker.on("message", (m: Reply) => this.receive(slot, m));
      worker.on("error", (e) => this.fail(`A pairing thread failed: ${e.message}`));
      worker.on("exit", (code) => this.fail(`A pairing thread stopped (exit code ${code})`));
      this.slots.push(slot);
    }
    this.touch();
  }

  get size(): number {
    return this.slots.length;
  }

  /** True once every thread has built its module. */
  get ready(): boolean {
    return !this.dead && this.slots.every((s) => s.ready);
  }

  /** Resolves once every thread is ready or the pool has failed. */
  whenReady(): Promise<void> {
    if (this.ready || this.dead) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    if (!this.ready && !this.dead) return;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Runs one chunk on the next free thread. */
  run(chunk: PairingChunk): Promise<PairingChunkResult> {
    if (this.dead) return Promise.reject(new TfError("TF_INTERNAL", "The pairing threads have stopped"));
    const id = this.nextId++;
    const done = new Promise<PairingChunkResult>((resolve, reject) =>
      this.pending.set(id, { resolve, reject }),
    );
    this.queue.push({ id, chunk });
    this.dispatch();
    return done;
  }

  async terminate(): Promise<void> {
    this.dead = true;
    clearTimeout(this.idle);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** (Re)starts the idle timer: the pool stops when it runs out. */
  private touch(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (pool === this) pool = undefined;
      void this.terminate();
    }, POOL_IDLE_MS);
    this.idle.unref();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy || !slot.ready || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.busy = true;
      slot.worker.ref(); // a thread at work keeps the process alive until it answers
      slot.worker.postMessage(job);
    }
  }

  private receive(slot: Slot, m: Reply): void {
    if ("ready" in m) {
      slot.ready = true;
      this.wake();
      this.dispatch();
      return;
    }
    slot.busy = false;
    slot.worker.unref();
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    if ("error" in m) {
      p?.reject(new TfError("TF_INTERNAL", `A pairing thread failed: ${m.error}`));
      this.fail(`A pairing thread failed: ${m.error}`);
    } else p?.resolve(m.result);
    this.dispatch();
  }

  private fail(message: string): void {
    if (this.dead) return;
    this.dead = true;
    broken = true;
    if (pool === this) pool = undefined;
    for (const p of this.pending.values()) p.reject(new TfError("TF_INTERNAL", message));
    this.pending.clear();
    clearTimeout(this.idle);
    this.wake();
    for (const s of this.slots) void s.worker.terminate();
  }
}

let pool: PairingPool | undefined;
let script: string | null | undefined;
/** A pool failed in this process: batches no longer start one (startPairingThreads still does). */
let broken = false;

/** The built worker entry beside this code; undefined when running from source. */
function workerScript(): string | undefined {
  if (script === undefined) {
    const dir = moduleDir();
    script = WORKER_FILES.map((f) => join(dir, f)).find((f) => existsSync(f)) ?? null;
  }
  return script ?? undefined;
}

/**
 * The threads for a batch of `proofs`: the running pool (its jobs wait while its threads start),
 * started by a large batch where there is a worker entry and more than one core; undefined
 * otherwise (the batch runs in this thread).
 */
export function pairingPool(proofs: number): PairingPool | undefined {
  if (pool?.ready || (pool && proofs >= LARGE_BATCH)) return pool;
  if (proofs < LARGE_BATCH || broken) return undefined;
  return start();
}

function start(): PairingPool | undefined {
  const s = workerScript();
  const size = Math.min(MAX_THREADS, availableParallelism());
  if (!pool && s && size >= 2) pool = new PairingPool(s, size);
  return pool;
}

/**
 * Starts the pairing threads now (also after a failure), resolving once they are ready; false
 * where there can be none (no built worker entry, one core) or when they failed to start.
 */
export async function startPool(): Promise<boolean> {
  broken = false;
  const p = start();
  if (!p) return false;
  await p.whenReady();
  return p.ready;
}

/** How many pairing threads are running (0: batches run in the calling thread). */
export const pairingThreads = (): number => pool?.size ?? 0;

/** Terminates the pairing threads (a later large batch may start new ones). */
export async function releasePairingPool(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.terminate();
}
