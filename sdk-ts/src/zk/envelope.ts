/**
 * Sealed envelopes. A tenant normalizes its selectors, hashes them to ristretto255 under the
 * epoch's DST, multiplies by its blinding scalar, pads to a size bucket with seed-derived dummy
 * points, sorts the points (order says nothing about the input) and signs a header that commits
 * to them. Raw selectors never leave this function.
 *
 * File: { schema, header: DSSE(header body), points: [...] }. The header alone (no points) is
 * what evidence bundles carry: the points must reach nobody but the exchange.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { DsseEnvelope } from "../core/dsse.js";
import { fromBase64, toBase64 } from "../core/encoding.js";
import { TfError } from "../core/errors.js";
import {
  blindSelectors,
  bucketSize,
  decodePointB64,
  dummyPoint,
  encodePoint,
  pointsDigest,
  type RistrettoPoint,
} from "./blind.js";
import { docDigest, openDoc, signDoc, verifyDoc } from "./docs.js";
import type { Epoch, TenantBody, TenantEpochKey } from "./epoch.js";
import { type NormalizeOptions, parseSelectorList, type SelectorType, selectorBytes } from "./normalize.js";

export const ENVELOPE_SCHEMA = "trustfabric.dev/zk/envelope/v1";
export const SEALED_SCHEMA = "trustfabric.dev/zk/sealed/v1";
const B64_32 = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "base64 of 32 bytes");

export const EnvelopeHeaderZ = z.object({
  schema: z.literal(ENVELOPE_SCHEMA),
  tenant: z.string(),
  epoch: z.string(),
  generation: z.number().int().min(1),
  selectorType: z.enum(["email", "phone", "id"]),
  blindingKey: B64_32,
  size: z
    .number()
    .int()
    .min(64)
    .max(1 << 21)
    .describe("padded point count: a power of two >= 64"),
  nonce: z.string().regex(/^[A-Za-z0-9+/]{22}==$/, "base64 of 16 bytes"),
  pointsSha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
});
export type EnvelopeHeader = z.infer<typeof EnvelopeHeaderZ>;

export const SealedZ = z.object({
  schema: z.literal(SEALED_SCHEMA),
  header: z.unknown(),
  points: z.array(z.string()).max(1 << 21),
});
export type Sealed = { schema: typeof SEALED_SCHEMA; header: DsseEnvelope; points: string[] };

export interface SealResult {
  sealed: Sealed;
  header: EnvelopeHeader;
  digest: string;
  /** Selectors sealed (after normalization and de-duplication) and dummies added. */
  selectors: number;
  dummies: number;
  duplicates: number;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Seals a selector list (file content) for one epoch. The only place raw selectors are read. */
export function seal(
  key: TenantEpochKey,
  epoch: Epoch,
  content: string | Uint8Array,
  type: SelectorType,
  options: NormalizeOptions & { file?: string; now?: Date } = {},
): SealResult {
  if (key.epoch !== epoch.body.id)
    throw new TfError(
      "TF_ZK_EPOCH_MISMATCH",
      `The tenant key is for epoch ${key.epoch}, not ${epoch.body.id}`,
      {
        details: { key: key.epoch, epoch: epoch.body.id },
      },
    );
  const list = parseSelectorList(content, type, options);
  const real = blindSelectors(
    key.scalar,
    list.selectors.map((s) => selectorBytes(type, s)),
    epoch.dst,
  );
  const size = bucketSize(real.length);
  const nonce = new Uint8Array(randomBytes(16));
  const dummies: RistrettoPoint[] = [];
  for (let j = 0; dummies.length < size - real.length; j++) dummies.push(dummyPoint(key.dummySeed, nonce, j));
  const points = [...real, ...dummies].map(encodePoint).sort(cmp);
  if (new Set(points).size !== points.length)
    throw new TfError("TF_INTERNAL", "Two blinded points collided; this has negligible probability");
  const header: EnvelopeHeader = {
    schema: ENVELOPE_SCHEMA,
    tenant: key.tenant,
    epoch: epoch.body.id,
    generation: key.generation,
    selectorType: type,
    blindingKey: toBase64(key.publicKey),
    size,
    nonce: toBase64(nonce),
    pointsSha256: pointsDigest(points),
    createdAt: (options.now ?? new Date()).toISOString(),
  };
  const signed = signDoc("envelope", header, key.signer.signer);
  return {
    sealed: { schema: SEALED_SCHEMA, header: signed, points },
    header,
    digest: docDigest(signed),
    selectors: real.length,
    dummies: dummies.length,
    duplicates: list.duplicates,
  };
}

/** The dummy points of an envelope, recomputed by its owner from the seed. */
export function ownDummies(key: TenantEpochKey, header: EnvelopeHeader, realCount: number): Set<string> {
  const nonce = fromBase64(header.nonce, "nonce");
  const out = new Set<string>();
  for (let j = 0; j < header.size - realCount; j++) out.add(encodePoint(dummyPoint(key.dummySeed, nonce, j)));
  return out;
}

export interface OpenedEnvelope {
  header: EnvelopeHeader;
  signed: DsseEnvelope;
  digest: string;
  points: RistrettoPoint[];
  encoded: string[];
}

/**
 * Verifies a sealed envelope against the tenant's published document and the expected epoch:
 * signature, epoch, tenant key, size bucket, the header's digest of the points, every point.
 */
export function openEnvelope(input: unknown, tenant: TenantBody, epochId: string): OpenedEnvelope {
  const f = SealedZ.safeParse(input);
  if (!f.success)
    throw new TfError(
      "TF_ZK_ENVELOPE_INVALID",
      "The envelope is not a trustfabric.dev/zk/sealed/v1 document",
    );
  const { body: unsigned } = openDoc("envelope", f.data.header, EnvelopeHeaderZ);
  if (unsigned.tenant !== tenant.tenant)
    throw new TfError(
      "TF_ZK_TENANT_MISMATCH",
      `The envelope is from tenant ${unsigned.tenant}, not ${tenant.tenant}`,
      {
        details: { envelope: unsigned.tenant, expected: tenant.tenant },
      },
    );
  const { env, body: header } = verifyDoc(
    "envelope",
    f.data.header,
    EnvelopeHeaderZ,
    fromBase64(tenant.signingKey, "signingKey"),
    `tenant ${tenant.tenant}`,
  );
  checkHeader(header, tenant, epochId);
  const encoded = f.data.points;
  if (encoded.length !== header.size)
    throw new TfError(
      "TF_ZK_ENVELOPE_INVALID",
      `The envelope holds ${encoded.length} points, its header says ${header.size}`,
    );
  if (pointsDigest(encoded) !== header.pointsSha256)
    throw new TfError("TF_ZK_ENVELOPE_INVALID", "The envelope's points do not match its signed header");
  for (let i = 1; i < encoded.length; i++)
    if (!(encoded[i - 1]! < encoded[i]!))
      throw new TfError("TF_ZK_ENVELOPE_INVALID", "The envelope's points are not sorted and distinct");
  const points = encoded.map((p, i) => decodePointB64(p, `envelope point ${i}`));
  return { header, signed: env, digest: docDigest(env), points, encoded };
}

/** Checks a verified header against the tenant document and epoch (shared with bundle verification). */
export function checkHeader(header: EnvelopeHeader, tenant: TenantBody, epochId: string): void {
  if (header.epoch !== epochId || tenant.epoch !== epochId)
    throw new TfError(
      "TF_ZK_EPOCH_MISMATCH",
      `The envelope is sealed for epoch ${header.epoch}; the exchange runs epoch ${epochId}`,
      { details: { envelope: header.epoch, tenantDoc: tenant.epoch, expected: epochId } },
    );
  if (header.blindingKey !== tenant.blindingKey || header.generation !== tenant.generation)
    throw new TfError(
      "TF_ZK_TENANT_MISMATCH",
      `The envelope was sealed with blinding key generation ${header.generation}; tenant ${tenant.tenant} published generation ${tenant.generation}`,
      { details: { tenant: tenant.tenant } },
    );
  if (header.size < 64 || (header.size & (header.size - 1)) !== 0)
    throw new TfError(
      "TF_ZK_ENVELOPE_INVALID",
      `The envelope size ${header.size} is not a power of two >= 64`,
    );
}
