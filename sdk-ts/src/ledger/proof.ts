/**
 * C2SP tlog-proof (https://c2sp.org/tlog-proof): a self-contained, offline-verifiable proof
 * that an entry is in a log — index, inclusion proof and the signed checkpoint it leads to.
 */
import { fromBase64, toBase64 } from "../core/encoding.js";
import { TfError } from "../core/errors.js";
import type { NoteVerifier } from "../core/note.js";
import { openCheckpoint, type SignedCheckpoint } from "./checkpoint.js";
import { leafHash, verifyInclusion } from "./merkle.js";

export const TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1";

export interface TlogProof {
  index: number;
  proof: Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  checkpoint: string;
  extra?: Uint8Array;
}

export function formatTlogProof(p: TlogProof): string {
  const lines = [TLOG_PROOF_HEADER];
  if (p.extra) lines.push(`extra ${toBase64(p.extra)}`);
  lines.push(`index ${p.index}`);
  for (const h of p.proof) lines.push(toBase64(h));
  return `${lines.join("\n")}\n\n${p.checkpoint}`;
}

function malformed(reason: string): TfError {
  return new TfError("TF_LOG_PROOF_MALFORMED", `Malformed proof: ${reason}`, { details: { reason } });
}

export function parseTlogProof(text: string): TlogProof {
  const split = text.indexOf("\n\n");
  if (split < 0) throw malformed("no blank line before the checkpoint");
  const lines = text.slice(0, split).split("\n");
  const checkpoint = text.slice(split + 2);
  if (lines[0] !== TLOG_PROOF_HEADER) throw malformed(`first line must be ${TLOG_PROOF_HEADER}`);
  let i = 1;
  let extra: Uint8Array | undefined;
  if (lines[i]?.startsWith("extra ")) {
    try {
      extra = fromBase64(lines[i]!.slice(6), "extra");
    } catch {
      throw malformed("extra is not base64");
    }
    i++;
  }
  const indexLine = lines[i] ?? "";
  if (!/^index (0|[1-9][0-9]*)$/.test(indexLine)) throw malformed("missing or bad index line");
  const index = Number(indexLine.slice(6));
  if (!Number.isSafeInteger(index)) throw malformed("index beyond 2^53");
  const proof: Uint8Array[] = [];
  for (const line of lines.slice(i + 1)) {
    let h: Uint8Array;
    try {
      h = fromBase64(line, "proof hash");
    } catch {
      throw malformed("proof line is not base64");
    }
    if (h.length !== 32) throw malformed("proof hash is not 32 bytes");
    proof.push(h);
    if (proof.length > 63) throw malformed("too many proof hashes");
  }
  if (checkpoint === "") throw malformed("missing checkpoint");
  return { index, proof, checkpoint, ...(extra ? { extra } : {}) };
}

export interface VerifiedInclusion {
  index: number;
  checkpoint: SignedCheckpoint;
}

/** Checks, offline, that `entry` is at the proof's index in the log state its checkpoint signs. */
export function verifyTlogProof(
  text: string,
  entry: Uint8Array,
  verifier: NoteVerifier,
  origin: string = verifier.name,
): VerifiedInclusion {
  const p = parseTlogProof(text);
  const checkpoint = openCheckpoint(p.checkpoint, verifier, origin);
  verifyInclusion(p.index, checkpoint.size, leafHash(entry), p.proof, checkpoint.root);
  return { index: p.index, checkpoint };
}
