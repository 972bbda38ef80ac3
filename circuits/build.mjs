#!/usr/bin/env node
/**
 * Reproducible build of the ZK-TX circuits: circom → r1cs + wasm, a DEVELOPMENT-ONLY powers of
 * tau made deterministically with a public beacon, Groth16 setup with a deterministic phase-2
 * beacon, verification keys, and circuits/checksums.json. Running it twice yields the same bytes.
 *
 *   node circuits/build.mjs            rebuild everything (a few minutes on 2 cores)
 *   node circuits/build.mjs --check    rebuild into a temp dir and compare with checksums.json
 *   node circuits/build.mjs --ptau     only (re)make the powers of tau files
 *
 * See circuits/README.md for why this setup is not fit for production and what a ceremony needs.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const require = createRequire(join(ROOT, "sdk-ts", "package.json"));

/** Bucket circuits (elements per side) and aggregation circuits (bucket slots). */
export const CIRCUITS = [
  { name: "bucket_8", main: "main/bucket_8.circom", ptauPower: 11 },
  { name: "bucket_32", main: "main/bucket_32.circom", ptauPower: 13 },
  { name: "bucket_64", main: "main/bucket_64.circom", ptauPower: 14 },
  { name: "aggregate_4", main: "main/aggregate_4.circom", ptauPower: 11 },
  { name: "aggregate_64", main: "main/aggregate_64.circom", ptauPower: 14 },
];

/** Phase 1: the largest power needed; smaller ones are truncations of the same ceremony. */
const PTAU_POWER = 14;
/** Public, fixed beacons: anyone can recompute every contribution, which is why this is dev-only. */
const PTAU_BEACON = sha256hex("trustfabric/zk/v1/dev-ptau-beacon");
const ZKEY_BEACON = sha256hex("trustfabric/zk/v1/dev-phase2-beacon");
const BEACON_ITERATIONS_EXP = 10;
/** The truncated phase-1 file committed for `snarkjs zkey verify` of the small circuits (tests). */
const COMMITTED_PTAU_POWER = 11;

function sha256hex(data) {
  return createHash("sha256").update(data).digest("hex");
}

const fileSha = (p) => sha256hex(readFileSync(p));

function log(msg) {
  process.stderr.write(`[circuits] ${msg}\n`);
}

async function loadSnarkjs() {
  return import(require.resolve("snarkjs"));
}

function compile(c, outDir) {
  // circom2 (WASI) resolves includes only below its working directory: run it from the repo root.
  const circom = join(ROOT, "node_modules", ".bin", "circom2");
  const tmp = mkdtempSync(join(outDir, ".circom-"));
  execFileSync(
    circom,
    [
      relative(ROOT, join(HERE, c.main)),
      "--r1cs",
      "--wasm",
      "--O2",
      "-l",
      "node_modules",
      "-o",
      relative(ROOT, tmp),
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  renameSync(join(tmp, `${c.name}.r1cs`), join(outDir, `${c.name}.r1cs`));
  renameSync(join(tmp, `${c.name}_js`, `${c.name}.wasm`), join(outDir, `${c.name}.wasm`));
  rmSync(tmp, { recursive: true, force: true });
}

async function makePtau(snarkjs, dir) {
  const p0 = join(dir, `dev_${PTAU_POWER}_0000.ptau`);
  const pb = join(dir, `dev_${PTAU_POWER}_beacon.ptau`);
  const pf = join(dir, `dev_${PTAU_POWER}.ptau`);
  log(`powers of tau: new accumulator 2^${PTAU_POWER}`);
  const curve = await snarkjs.curves.getCurveFromName("bn128");
  await snarkjs.powersOfTau.newAccumulator(curve, PTAU_POWER, p0);
  log("powers of tau: beacon contribution");
  await snarkjs.powersOfTau.beacon(p0, pb, "trustfabric dev beacon", PTAU_BEACON, BEACON_ITERATIONS_EXP);
  log("powers of tau: prepare phase 2");
  await snarkjs.powersOfTau.preparePhase2(pb, pf);
  log("powers of tau: truncate to smaller powers");
  await snarkjs.powersOfTau.truncate(pf, join(dir, "dev_"));
  rmSync(p0);
  rmSync(pb);
  return pf;
}

const ptauPath = (dir, power) =>
  power === PTAU_POWER
    ? join(dir, `dev_${PTAU_POWER}.ptau`)
    : join(dir, `dev_${String(power).padStart(2, "0")}.ptau`);

async function circuitMeta(snarkjs, c, outDir) {
  const r1cs = await snarkjs.r1cs.info(join(outDir, `${c.name}.r1cs`));
  return {
    constraints: r1cs.nConstraints,
    publicInputs: r1cs.nPubInputs,
    publicOutputs: r1cs.nOutputs,
    privateInputs: r1cs.nPrvInputs,
    ptauPower: c.ptauPower,
  };
}

async function build(outDir, ptauDir) {
  const snarkjs = await loadSnarkjs();
  mkdirSync(outDir, { recursive: true });
  mkdirSync(ptauDir, { recursive: true });
  if (!existsSync(ptauPath(ptauDir, PTAU_POWER))) await makePtau(snarkjs, ptauDir);
  const meta = {};
  for (const c of CIRCUITS) {
    log(`${c.name}: compile`);
    compile(c, outDir);
    const r1cs = await snarkjs.r1cs.info(join(outDir, `${c.name}.r1cs`));
    const z0 = join(outDir, `${c.name}_0000.zkey`);
    const zf = join(outDir, `${c.name}.zkey`);
    log(`${c.name}: groth16 setup (${r1cs.nConstraints} constraints)`);
    await snarkjs.zKey.newZKey(join(outDir, `${c.name}.r1cs`), ptauPath(ptauDir, c.ptauPower), z0);
    await snarkjs.zKey.beacon(z0, zf, "trustfabric dev phase 2 beacon", ZKEY_BEACON, BEACON_ITERATIONS_EXP);
    rmSync(z0);
    const vkey = await snarkjs.zKey.exportVerificationKey(zf);
    writeFileSync(join(outDir, `${c.name}.vkey.json`), `${JSON.stringify(vkey, null, 1)}\n`);
    meta[c.name] = await circuitMeta(snarkjs, c, outDir);
  }
  const curve = await snarkjs.curves.getCurveFromName("bn128");
  await curve.terminate();
  return meta;
}

function checksums(outDir, ptauDir, meta) {
  const files = {};
  for (const c of CIRCUITS) {
    // r1cs is not needed at run time; it is kept (and committed) only for the circuits the
    // committed ptau covers, so the tests can run `snarkjs zkey verify` on them.
    const exts = ["wasm", "zkey", "vkey.json"];
    if (c.ptauPower <= COMMITTED_PTAU_POWER) exts.push("r1cs");
    for (const ext of exts) files[`artifacts/${c.name}.${ext}`] = fileSha(join(outDir, `${c.name}.${ext}`));
  }
  files[`ptau/dev_${COMMITTED_PTAU_POWER}.ptau`] = fileSha(ptauPath(ptauDir, COMMITTED_PTAU_POWER));
  const ptau = {
    power: PTAU_POWER,
    sha256: fileSha(ptauPath(ptauDir, PTAU_POWER)),
    beacon: PTAU_BEACON,
    committed: false,
  };
  return {
    schema: "trustfabric.dev/zk/circuit-checksums/v1",
    note: "DEVELOPMENT-ONLY trusted setup (deterministic public beacons); see circuits/README.md",
    circom: "2.2.3 (npm circom2 WASM build), --O2",
    snarkjs: JSON.parse(readFileSync(join(dirname(require.resolve("snarkjs")), "..", "package.json"), "utf8"))
      .version,
    ptau,
    zkeyBeacon: ZKEY_BEACON,
    beaconIterationsExp: BEACON_ITERATIONS_EXP,
    circuits: meta,
    files,
  };
}

async function main() {
  const args = process.argv.slice(2);
  const ptauDir = join(HERE, "ptau");
  if (args.includes("--ptau")) {
    rmSync(ptauPath(ptauDir, PTAU_POWER), { force: true });
    mkdirSync(ptauDir, { recursive: true });
    await makePtau(await loadSnarkjs(), ptauDir);
    return;
  }
  if (args.includes("--checksums")) {
    // Rewrites checksums.json from the artifacts on disk (after a build interrupted at the end).
    const snarkjs = await loadSnarkjs();
    const meta = {};
    for (const c of CIRCUITS) meta[c.name] = await circuitMeta(snarkjs, c, join(HERE, "artifacts"));
    writeFileSync(
      join(HERE, "checksums.json"),
      `${JSON.stringify(checksums(join(HERE, "artifacts"), ptauDir, meta), null, 2)}\n`,
    );
    return;
  }
  if (args.includes("--check")) {
    const tmp = mkdtempSync(join(tmpdir(), "tf-circuits-"));
    const meta = await build(
      join(tmp, "artifacts"),
      existsSync(ptauPath(ptauDir, PTAU_POWER)) ? ptauDir : join(tmp, "ptau"),
    );
    const fresh = checksums(
      join(tmp, "artifacts"),
      existsSync(ptauPath(ptauDir, PTAU_POWER)) ? ptauDir : join(tmp, "ptau"),
      meta,
    );
    const committed = JSON.parse(readFileSync(join(HERE, "checksums.json"), "utf8"));
    const diffs = Object.keys({ ...committed.files, ...fresh.files }).filter(
      (f) => committed.files[f] !== fresh.files[f],
    );
    if (committed.ptau.sha256 !== fresh.ptau.sha256) diffs.push("ptau (regenerated)");
    rmSync(tmp, { recursive: true, force: true });
    if (diffs.length) {
      log(`NOT reproducible: ${diffs.join(", ")}`);
      process.exit(3);
    }
    log(`reproducible: ${Object.keys(fresh.files).length} files match checksums.json`);
    return;
  }
  const outDir = join(HERE, "artifacts");
  const meta = await build(outDir, ptauDir);
  writeFileSync(
    join(HERE, "checksums.json"),
    `${JSON.stringify(checksums(outDir, ptauDir, meta), null, 2)}\n`,
  );
  log("wrote circuits/checksums.json");
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
