/**
 * DSSE v1 envelopes (https://github.com/secure-systems-lab/dsse): signatures over the
 * pre-authentication encoding PAE(type, body), never over the raw payload.
 */
import { p256 } from "@noble/curves/nist.js";
import { z } from "zod";
import { concatBytes, fromBase64Lenient, toBase64, utf8 } from "./encoding.js";
import { TfError } from "./errors.js";
import type { Signer, Verifier } from "./keys.js";

export const DsseEnvelopeSchema = z.object({
  payload: z.string(),
  payloadType: z.string(),
  signatures: z.array(z.object({ keyid: z.string().optional(), sig: z.string() })),
});
export type DsseEnvelope = z.infer<typeof DsseEnvelopeSchema>;

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8(payloadType);
  return concatBytes(utf8(`DSSEv1 ${type.length} `), type, utf8(` ${payload.length} `), payload);
}

export function dsseSign(payloadType: string, payload: Uint8Array, signers: readonly Signer[]): DsseEnvelope {
  const message = pae(payloadType, payload);
  return {
    payload: toBase64(payload),
    payloadType,
    signatures: signers.map((s) => ({ keyid: s.keyId, sig: toBase64(s.sign(message)) })),
  };
}

export interface DsseVerified {
  payloadType: string;
  payload: Uint8Array;
  /** Key ids of the verifiers whose signature verified. */
  keyIds: string[];
}

/** Parses untrusted JSON (text or value) into an envelope, or TF_DSSE_MALFORMED. */
export function parseDsseEnvelope(input: unknown): DsseEnvelope {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new TfError("TF_DSSE_MALFORMED", "The envelope is not JSON", { cause: e });
    }
  }
  const parsed = DsseEnvelopeSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TfError(
      "TF_DSSE_MALFORMED",
      `The envelope is not DSSE v1: ${issue?.path.join(".") || "root"} ${issue?.message ?? ""}`.trim(),
    );
  }
  return parsed.data;
}

/**
 * Verifies an envelope: at least `threshold` distinct verifiers must each accept a signature.
 * A signature's keyid is only a hint; every verifier is tried against signatures without one.
 */
export function dsseVerify(input: unknown, verifiers: readonly Verifier[], threshold = 1): DsseVerified {
  // `size < NaN` is false: an unchecked NaN threshold would accept an envelope nobody signed.
  if (!(Number.isSafeInteger(threshold) && threshold >= 1)) {
    throw new TfError(
      "TF_INPUT_INVALID",
      `The signature threshold must be a whole number >= 1, not ${threshold}`,
      {
        details: { threshold: String(threshold) },
      },
    );
  }
  const env = parseDsseEnvelope(input);
  let payload: Uint8Array;
  try {
    payload = fromBase64Lenient(env.payload, "payload");
  } catch (e) {
    throw new TfError("TF_DSSE_MALFORMED", "The envelope payload is not base64", { cause: e });
  }
  if (env.signatures.length === 0)
    throw new TfError("TF_DSSE_SIGNATURE_INVALID", "The envelope has no signatures");
  const message = pae(env.payloadType, payload);
  const accepted = new Set<string>();
  for (const s of env.signatures) {
    let sig: Uint8Array;
    try {
      sig = fromBase64Lenient(s.sig, "signature");
    } catch {
      continue;
    }
    for (const v of verifiers) {
      if (accepted.has(v.keyId)) continue;
      if (s.keyid && s.keyid !== v.keyId) continue;
      if (v.verify(message, sig)) {
        accepted.add(v.keyId);
        break;
      }
    }
  }
  if (accepted.size < threshold) {
    throw new TfError(
      "TF_DSSE_SIGNATURE_INVALID",
      `Envelope verified by ${accepted.size} of the ${threshold} keys required`,
      {
        details: { verified: [...accepted], required: threshold },
      },
    );
  }
  return { payloadType: env.payloadType, payload, keyIds: [...accepted] };
}

/** ECDSA P-256 / SHA-256 verifier over raw r||s signatures (used by the DSSE spec's vector). */
export function p256Verifier(publicKey: Uint8Array, keyId: string): Verifier {
  return {
    keyId,
    verify(message, signature) {
      try {
        return p256.verify(signature, message, publicKey, { lowS: false });
      } catch {
        return false;
      }
    },
  };
}
