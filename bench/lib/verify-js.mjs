// Inclusion-proof verification in JavaScript, µs per proof, over the proofs proofs.mjs wrote:
//
//   node bench/lib/verify-js.mjs --vectors FILE --impl trustfabric|naive --reps 20
//
// - trustfabric: the SDK's verifyInclusion(index, size, leafHash, proof, root).
// - naive: the straightforward RFC 9162 verifier in naive-rfc6962.mjs (createHash).
// Each runs in a process of its own, as the Go peer does, so neither pays for the other's
// garbage. The proofs are loaded as a verifier holds them (compact arrays, like
// parseTlogProof's). Every proof must verify once, untimed; then one warm-up pass and --reps
// timed passes; the median and the fastest pass are reported.
//
// --sdk FILE loads another build of the SDK than sdk-ts/dist/index.js (to compare two versions).
//
// stdout gets exactly one JSON line; errors go to stderr.
import { readFileSync } from "node:fs";
import { importSdk, info, median, parseFlags, positiveInt } from "./common.mjs";
import { verifyInclusionNaive } from "./naive-rfc6962.mjs";

const flags = parseFlags(process.argv.slice(2), { vectors: "", impl: "trustfabric", reps: 20, sdk: "" });

/** Parses proofs.mjs's vector file into fresh arrays per hash. */
function load(path) {
  const data = readFileSync(path);
  const out = [];
  for (let o = 0; o < data.length; ) {
    const index = Number(data.readBigUInt64BE(o));
    const size = Number(data.readBigUInt64BE(o + 8));
    const leaf = Uint8Array.from(data.subarray(o + 16, o + 48));
    const root = Uint8Array.from(data.subarray(o + 48, o + 80));
    const n = data[o + 80];
    o += 81;
    const proof = [];
    for (let i = 0; i < n; i++, o += 32) proof.push(Uint8Array.from(data.subarray(o, o + 32)));
    out.push({ index, size, leaf, root, proof });
  }
  return out;
}

async function main() {
  if (!flags.vectors) throw new Error("--vectors is required");
  const reps = positiveInt(flags, "reps");
  const vs = load(flags.vectors);
  if (vs.length === 0) throw new Error(`no proofs in ${flags.vectors}`);
  let verify;
  if (flags.impl === "trustfabric") {
    const sdk = await importSdk(flags.sdk);
    verify = (v) => sdk.verifyInclusion(v.index, v.size, v.leaf, v.proof, v.root); // throws on mismatch
  } else if (flags.impl === "naive") {
    verify = (v) => {
      if (!verifyInclusionNaive(v.index, v.size, v.leaf, v.proof, v.root)) throw new Error("proof rejected");
    };
  } else throw new Error(`--impl must be trustfabric or naive, got ${flags.impl}`);

  for (const v of vs) verify(v); // correctness first, untimed
  const pass = () => {
    const t = performance.now();
    for (let k = 0; k < vs.length; k++) verify(vs[k]);
    return ((performance.now() - t) * 1000) / vs.length;
  };
  pass();
  const passes = Array.from({ length: reps }, pass);
  process.stdout.write(
    `${JSON.stringify({ impl: flags.impl, proofs: vs.length, reps, usPerOp: median(passes), usMin: Math.min(...passes) })}\n`,
  );
}

main().catch((e) => {
  info(`verify-js: ${e?.code ? `${e.code}: ` : ""}${e?.message ?? e}`);
  process.exit(1);
});
