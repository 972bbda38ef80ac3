/**
 * Several typed arrays carved from one ArrayBuffer. Each `new Float64Array(n)` of more than a
 * few elements allocates its own off-heap buffer (~1 µs); the metric kernels need 5–15 arrays
 * a call, which on a 1k-edge graph was a tenth of a metric's time. One buffer per kernel call
 * instead; like any new ArrayBuffer it starts zeroed. Take the Float64 arrays first, then the
 * Int32 ones, then the Uint8 ones (alignment; a misordered take throws a RangeError).
 */
export class Carver {
  private readonly buf: ArrayBuffer;
  private off = 0;

  /** A fresh buffer sized for f64/i32/u8 elements, or views over an existing one. */
  constructor(f64: number | ArrayBuffer, i32 = 0, u8 = 0) {
    this.buf = typeof f64 === "number" ? new ArrayBuffer(8 * f64 + 4 * i32 + u8) : f64;
  }

  f64(length: number): Float64Array {
    const a = new Float64Array(this.buf, this.off, length);
    this.off += 8 * length;
    return a;
  }

  i32(length: number): Int32Array {
    const a = new Int32Array(this.buf, this.off, length);
    this.off += 4 * length;
    return a;
  }

  u8(length: number): Uint8Array {
    const a = new Uint8Array(this.buf, this.off, length);
    this.off += length;
    return a;
  }
}

const SCRATCH_KEEP = 1 << 24; // bytes of scratch kept between calls at most (16 MiB)
let pool: ArrayBuffer | null = null;
let poolBusy = false;

/**
 * Runs `fn` with a Carver over one reused, zeroed scratch buffer: for arrays that do not
 * outlive `fn` (nothing `fn` returns may be a view of them). Saves the ArrayBuffer allocation,
 * which costs more than zeroing a few kilobytes. Nested calls get a fresh buffer.
 */
export function withScratch<T>(f64: number, i32: number, u8: number, fn: (c: Carver) => T): T {
  const bytes = 8 * f64 + 4 * i32 + u8;
  if (poolBusy) return fn(new Carver(f64, i32, u8));
  if (!pool || pool.byteLength < bytes) pool = new ArrayBuffer(Math.max(bytes, 1 << 16));
  else new Uint8Array(pool, 0, bytes).fill(0);
  poolBusy = true;
  try {
    return fn(new Carver(pool));
  } finally {
    poolBusy = false;
    if (pool.byteLength > SCRATCH_KEEP) pool = null;
  }
}
