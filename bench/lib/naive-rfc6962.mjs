// A straightforward, independent RFC 9162 §2.1.3.2 inclusion-proof verifier: the algorithm
// as the RFC words it, with node:crypto's createHash. It is the in-language peer of the
// SDK's verifyInclusion (written separately, sharing no code with it).
import { createHash } from "node:crypto";

const NODE = Buffer.of(1);

function hashChildren(left, right) {
  return createHash("sha256").update(NODE).update(left).update(right).digest();
}

/** True iff `proof` proves `leafHash` at `index` in the tree of `size` with `root`. */
export function verifyInclusionNaive(index, size, leafHash, proof, root) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.compare(r, root) === 0;
}
