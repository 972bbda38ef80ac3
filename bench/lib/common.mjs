// Helpers shared by the benchmark scripts: flags, payloads, disk usage, statistics.
import { lstatSync, readdirSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const SDK_DIST = join(REPO_ROOT, "sdk-ts", "dist", "index.js");

/**
 * The SDK as built (sdk-ts/dist), never its sources: the benchmark measures what ships.
 * `path` (the scripts' --sdk flag) loads another build instead, to compare two versions.
 */
export function importSdk(path = "") {
  return import(pathToFileURL(path || SDK_DIST).href);
}

/**
 * Parses `--name value`, `--name=value` and bare `--flag` (true) / `--no-flag` (false).
 * `spec` maps each accepted name to its default; the type of the default decides the parse.
 */
export function parseFlags(argv, spec) {
  const out = { ...spec };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") continue; // `pnpm run bench -- --quick` passes the separator on
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${JSON.stringify(arg)}`);
    let [name, value] = arg.slice(2).split(/=(.*)/s, 2);
    const negated = name.startsWith("no-") && !(name in spec) && name.slice(3) in spec;
    if (negated) name = name.slice(3);
    if (!(name in spec)) throw new Error(`unknown flag --${name}`);
    const kind = typeof spec[name];
    if (kind === "boolean") {
      if (value !== undefined) throw new Error(`--${name} takes no value`);
      out[name] = !negated;
      continue;
    }
    if (negated) throw new Error(`--no-${name} is not a flag`);
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
    }
    if (kind === "number") {
      const n = Number(value.replace(/_/g, ""));
      if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${JSON.stringify(value)}`);
      out[name] = n;
    } else {
      out[name] = value;
    }
  }
  return out;
}

export function positiveInt(flags, name) {
  const v = flags[name];
  if (!(Number.isSafeInteger(v) && v > 0)) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return v;
}

/**
 * Entry i of the append benchmark, byte for byte what bench/tessera generates: its 8-byte
 * big-endian index, then byte(i) ^ byte(j) for each later position j.
 */
export function entryData(i, size) {
  const b = new Uint8Array(size);
  let hi = Math.floor(i / 2 ** 32);
  let lo = i >>> 0;
  for (let k = 7; k >= 4; k--, lo = Math.floor(lo / 256)) b[k] = lo & 0xff;
  for (let k = 3; k >= 0; k--, hi = Math.floor(hi / 256)) b[k] = hi & 0xff;
  const low = i & 0xff;
  for (let j = 8; j < size; j++) b[j] = (low ^ j) & 0xff;
  return b;
}

/**
 * Sizes of all regular files under `root`, as bench/tessera's diskUsage counts them:
 * `bytes` (st_size), `allocated` (st_blocks * 512) and `partial` (bytes in `.p/` tiles).
 */
export function diskUsage(root) {
  const u = { bytes: 0, allocated: 0, partial: 0, files: 0 };
  const walk = (dir) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, d.name);
      if (d.isDirectory()) walk(path);
      else if (d.isFile()) {
        const st = lstatSync(path);
        u.files++;
        u.bytes += st.size;
        u.allocated += st.blocks * 512;
        if (path.includes(`.p${sep}`)) u.partial += st.size;
      }
    }
  };
  walk(root);
  return u;
}

/** Deterministic PRNG (mulberry32), so every run proves the same indexes. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** q-quantile (0..1) of numbers, nearest-rank on a sorted copy. */
export function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export function median(values) {
  return quantile(values, 0.5);
}

/** Prints one line of progress to stderr (stdout carries the results). */
export function info(msg) {
  process.stderr.write(`${msg}\n`);
}

/** A plain-text table: the first row is the header; align is one l/r per column (default: first left, rest right). */
export function table(rows, align = "") {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const cell = (v, c) =>
    (align[c] ?? (c === 0 ? "l" : "r")) === "l" ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]);
  const line = (r) => r.map(cell).join("  ").trimEnd();
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}
