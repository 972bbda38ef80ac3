/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): a signed note whose text is
 * origin, decimal tree size and base64 root hash, then optional extension lines.
 */
import { decodeUtf8, fromBase64, toBase64 } from "../core/encoding.js";
import { TfError } from "../core/errors.js";
import { type NoteSigner, type NoteVerifier, openNote, parseNote, signNote } from "../core/note.js";
import { HASH_SIZE } from "./merkle.js";

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
}

export interface SignedCheckpoint extends Checkpoint {
  /** The whole signed note, exactly as stored. */
  note: string;
}

function malformed(reason: string): TfError {
  return new TfError("TF_LOG_CHECKPOINT_MALFORMED", `Malformed checkpoint: ${reason}`, {
    details: { reason },
  });
}

export function formatCheckpointBody(cp: Checkpoint): string {
  if (!isValidOrigin(cp.origin))
    throw new TfError("TF_LOG_ORIGIN_INVALID", `Invalid origin ${JSON.stringify(cp.origin)}`);
  return [cp.origin, String(cp.size), toBase64(cp.root), ...cp.extensions].join("\n") + "\n";
}

export function isValidOrigin(origin: string): boolean {
  return origin.length > 0 && origin.length <= 256 && !/[\s\u2014]/u.test(origin) && !origin.includes("+");
}

export function parseCheckpointBody(text: string): Checkpoint {
  if (!text.endsWith("\n")) throw malformed("text must end with a newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) throw malformed("needs origin, size and root lines");
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === "") throw malformed("empty origin");
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw malformed("size is not a decimal number");
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw malformed("size is beyond 2^53");
  let root: Uint8Array;
  try {
    root = fromBase64(rootText, "root hash");
  } catch {
    throw malformed("root hash is not base64");
  }
  if (root.length !== HASH_SIZE) throw malformed("root hash is not 32 bytes");
  if (extensions.some((l) => l === "")) throw malformed("empty extension line");
  return { origin, size, root, extensions };
}

export function signCheckpoint(cp: Checkpoint, signer: NoteSigner): SignedCheckpoint {
  const note = signNote(formatCheckpointBody(cp), [signer]);
  return { ...cp, note };
}

/**
 * Verifies a checkpoint note against the log's key and origin. The origin is checked
 * before anything is trusted: a checkpoint of another log never verifies.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifier: NoteVerifier,
  expectedOrigin: string = verifier.name,
): SignedCheckpoint {
  let parsed: ReturnType<typeof parseNote>;
  try {
    parsed = parseNote(note);
  } catch (e) {
    if (isUnsignedCheckpoint(note)) {
      throw new TfError("TF_LOG_CHECKPOINT_SIGNATURE", "Checkpoint has no signature", {
        cause: e,
        details: { reason: "unsigned" },
      });
    }
    throw new TfError("TF_LOG_CHECKPOINT_MALFORMED", `Malformed checkpoint: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const cp = parseCheckpointBody(parsed.text);
  if (cp.origin !== expectedOrigin) {
    throw new TfError(
      "TF_LOG_ORIGIN_MISMATCH",
      `Checkpoint is for ${JSON.stringify(cp.origin)}, expected ${JSON.stringify(expectedOrigin)}`,
      {
        details: { origin: cp.origin, expected: expectedOrigin },
      },
    );
  }
  try {
    openNote(parsed.raw, [verifier]);
  } catch (e) {
    const code = (e as TfError).code;
    const why =
      code === "TF_NOTE_UNVERIFIED" ? "has no signature from the log's key" : "has an invalid signature";
    throw new TfError("TF_LOG_CHECKPOINT_SIGNATURE", `Checkpoint ${why}`, {
      cause: e,
      details: { origin: cp.origin },
    });
  }
  return { ...cp, note: parsed.raw };
}

/** A well-formed checkpoint body whose signature lines were removed: missing signature, not bad framing. */
function isUnsignedCheckpoint(note: string | Uint8Array): boolean {
  let text: string;
  try {
    text = typeof note === "string" ? note : decodeUtf8(note, "checkpoint");
  } catch {
    return false;
  }
  try {
    parseCheckpointBody(text.endsWith("\n\n") ? text.slice(0, -1) : text);
    return true;
  } catch {
    return false;
  }
}
