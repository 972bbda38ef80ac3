// Inclusion-proof generation on an existing log, µs per proof, and the proofs written out
// for the verification benchmarks (verify-js.mjs here, bench/merkle-go for the Go peer):
//
//   node bench/lib/proofs.mjs --dir LOG --count 5000 --vectors-out FILE
//
// - generate: inclusionProof(new TileReader(dir, size), i, size) for --count random indexes
//   (fixed seed; a fresh reader per proof, so each reads its tiles from the filesystem), and
//   again with one shared TileReader whose tile cache is warm.
// - Untimed: every proof verifies with verifyInclusion and with the straightforward verifier,
//   and a tampered leaf is rejected by both.
// - --vectors-out FILE: records of index u64be, size u64be, leaf hash [32], root [32], proof
//   length u8, proof hashes [n][32].
//
// --sdk FILE loads another build of the SDK than sdk-ts/dist/index.js (to compare two versions).
//
// stdout gets exactly one JSON line; progress goes to stderr.
import { writeFileSync } from "node:fs";
import { importSdk, info, parseFlags, positiveInt, prng } from "./common.mjs";
import { verifyInclusionNaive } from "./naive-rfc6962.mjs";

const flags = parseFlags(process.argv.slice(2), {
  dir: "",
  sdk: "",
  count: 5000,
  seed: 6962,
  "vectors-out": "",
});

async function main() {
  if (!flags.dir) throw new Error("--dir is required");
  const count = positiveInt(flags, "count");
  const sdk = await importSdk(flags.sdk);
  const log = sdk.FsLog.open(flags.dir);
  const cp = log.checkpoint();
  const size = cp.size;
  if (size < 2) throw new Error(`the log in ${flags.dir} has ${size} entries; proofs need at least 2`);
  const rand = prng(flags.seed);
  const indexes = Array.from({ length: count }, () => Math.floor(rand() * size));
  info(`proofs: log size ${size}, ${count} random indexes`);

  let t = performance.now();
  const proofs = indexes.map((i) => sdk.inclusionProof(new sdk.TileReader(flags.dir, size), i, size));
  const generateFreshUs = ((performance.now() - t) * 1000) / count;
  const reader = new sdk.TileReader(flags.dir, size);
  for (const i of indexes) sdk.inclusionProof(reader, i, size);
  t = performance.now();
  for (const i of indexes) sdk.inclusionProof(reader, i, size);
  const generateSharedUs = ((performance.now() - t) * 1000) / count;
  info(
    `generate: ${generateFreshUs.toFixed(1)} µs/op (fresh reader), ${generateSharedUs.toFixed(1)} µs/op (shared reader)`,
  );

  const leaves = indexes.map((i) => sdk.leafHash(reader.entry(i)));
  const root = cp.root;
  for (let k = 0; k < count; k++) {
    sdk.verifyInclusion(indexes[k], size, leaves[k], proofs[k], root);
    if (!verifyInclusionNaive(indexes[k], size, leaves[k], proofs[k], root)) {
      throw new Error(`the straightforward verifier rejects the proof for index ${indexes[k]}`);
    }
  }
  const bad = Uint8Array.from(leaves[0]);
  bad[0] ^= 1;
  if (verifyInclusionNaive(indexes[0], size, bad, proofs[0], root)) {
    throw new Error("the straightforward verifier accepted a tampered leaf");
  }
  let rejected = false;
  try {
    sdk.verifyInclusion(indexes[0], size, bad, proofs[0], root);
  } catch (e) {
    rejected = e?.code === "TF_LOG_INCLUSION_MISMATCH";
  }
  if (!rejected) throw new Error("verifyInclusion accepted a tampered leaf");

  if (flags["vectors-out"]) {
    const chunks = [];
    for (let k = 0; k < count; k++) {
      const head = Buffer.alloc(16 + 65);
      head.writeBigUInt64BE(BigInt(indexes[k]), 0);
      head.writeBigUInt64BE(BigInt(size), 8);
      head.set(leaves[k], 16);
      head.set(root, 48);
      head[80] = proofs[k].length;
      chunks.push(head, ...proofs[k]);
    }
    writeFileSync(flags["vectors-out"], Buffer.concat(chunks));
  }
  const lengths = proofs.map((p) => p.length);
  process.stdout.write(
    `${JSON.stringify({
      size,
      count,
      proofLength: {
        min: Math.min(...lengths),
        max: Math.max(...lengths),
        mean: lengths.reduce((a, b) => a + b, 0) / count,
      },
      generateFreshUs,
      generateSharedUs,
    })}\n`,
  );
}

main().catch((e) => {
  info(`proofs: ${e?.code ? `${e.code}: ` : ""}${e?.message ?? e}`);
  process.exit(1);
});
