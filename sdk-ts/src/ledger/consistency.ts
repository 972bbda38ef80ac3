/**
 * Consistency proofs as files, in the framing of the C2SP tlog-witness add-checkpoint body:
 * `old <size>`, one base64 hash per line, a blank line, then the newer signed checkpoint.
 */
import { fromBase64, toBase64 } from "../core/encoding.js";
import { TfError } from "../core/errors.js";

export interface ConsistencyProofFile {
  oldSize: number;
  proof: Uint8Array[];
  checkpoint: string;
}

export function formatConsistencyProof(p: ConsistencyProofFile): string {
  return [`old ${p.oldSize}`, ...p.proof.map(toBase64)].join("\n") + `\n\n${p.checkpoint}`;
}

function malformed(reason: string): TfError {
  return new TfError("TF_LOG_PROOF_MALFORMED", `Malformed consistency proof: ${reason}`, {
    details: { reason },
  });
}

export function parseConsistencyProof(text: string): ConsistencyProofFile {
  const split = text.indexOf("\n\n");
  if (split < 0) throw malformed("no blank line before the checkpoint");
  const [first, ...hashLines] = text.slice(0, split).split("\n");
  if (!first || !/^old (0|[1-9][0-9]*)$/.test(first)) throw malformed("first line must be `old <size>`");
  const oldSize = Number(first.slice(4));
  if (!Number.isSafeInteger(oldSize)) throw malformed("size beyond 2^53");
  if (hashLines.length > 63) throw malformed("too many proof hashes");
  const proof = hashLines.map((line) => {
    let h: Uint8Array;
    try {
      h = fromBase64(line, "proof hash");
    } catch {
      throw malformed("proof line is not base64");
    }
    if (h.length !== 32) throw malformed("proof hash is not 32 bytes");
    return h;
  });
  const checkpoint = text.slice(split + 2);
  if (checkpoint === "") throw malformed("missing checkpoint");
  return { oldSize, proof, checkpoint };
}
