/**
 * Epochs and keys. The exchange opens epochs: a sequence number, a random pepper (the
 * domain separation of hash-to-curve) and its Ed25519 key, signed. Each tenant holds, per epoch,
 * a secret ristretto255 blinding scalar and a dummy seed, and publishes a signed tenant document
 * with the scalar's public key. Rotating the epoch changes pepper and keys: envelopes of an old
 * epoch cannot be linked to a new one.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { sha256 } from "../core/canonical.js";
import type { DsseEnvelope } from "../core/dsse.js";
import { fromBase64, toBase64, toHex } from "../core/encoding.js";
import { TfError, toTfError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fsutil.js";
import { KeyStore, type LoadedKey } from "../core/keys.js";
import { publicKeyOf, randomScalar, scalarFromBase64, scalarToBase64, selectorDst } from "./blind.js";
import { openDoc, signDoc, verifyDoc } from "./docs.js";

export const EPOCH_SCHEMA = "trustfabric.dev/zk/epoch/v1";
export const EPOCH_FILE_SCHEMA = "trustfabric.dev/zk/epoch-file/v1";
export const TENANT_SCHEMA = "trustfabric.dev/zk/tenant/v1";
export const EXCHANGE_KEY = "zk-exchange";

const B64_32 = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "base64 of 32 bytes");
const NAME = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "a tenant name: a-z, 0-9, '.', '_', '-'");
export const TenantName = NAME;

export const EpochBodyZ = z.object({
  schema: z.literal(EPOCH_SCHEMA),
  epoch: z.number().int().min(1),
  id: z.string().regex(/^e[0-9]+-[0-9a-f]{8}$/),
  pepperSha256: z.string().regex(/^[0-9a-f]{64}$/),
  exchangeKey: B64_32,
  createdAt: z.string(),
});
export type EpochBody = z.infer<typeof EpochBodyZ>;

export const TenantBodyZ = z.object({
  schema: z.literal(TENANT_SCHEMA),
  tenant: NAME,
  epoch: z.string(),
  blindingKey: B64_32.describe("ristretto255 public key of the tenant's blinding scalar in this epoch"),
  signingKey: B64_32.describe("Ed25519 public key that signs the tenant's documents"),
  generation: z.number().int().min(1).describe("1, then +1 at each key rotation within the epoch"),
  createdAt: z.string(),
});
export type TenantBody = z.infer<typeof TenantBodyZ>;

/** The epoch as a tenant holds it: the signed document and the pepper it commits to. */
export interface Epoch {
  signed: DsseEnvelope;
  body: EpochBody;
  pepper: Uint8Array;
  dst: Uint8Array;
}

const zkDir = (home: string) => join(home, "zk");
const epochsDir = (home: string) => join(zkDir(home), "exchange", "epochs");

function writeSecret(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw toTfError(e);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TfError("TF_ZK_ENVELOPE_INVALID", `${what} at ${path} is not JSON`, {
      cause: e,
      details: { path },
    });
  }
}

/** The exchange's signing key, created on first use. */
export function exchangeKey(home: string, now?: Date): LoadedKey {
  const store = new KeyStore(home);
  try {
    return store.load(EXCHANGE_KEY);
  } catch (e) {
    if (!(e instanceof TfError && e.code === "TF_KEY_NOT_FOUND")) throw e;
    store.generate(EXCHANGE_KEY, { now });
    return store.load(EXCHANGE_KEY);
  }
}

export const EpochFileZ = z.object({
  schema: z.literal(EPOCH_FILE_SCHEMA),
  signed: z.unknown(),
  pepper: B64_32,
});

function openEpochFile(value: unknown, exchangePublicKey?: Uint8Array): Epoch {
  const f = EpochFileZ.safeParse(value);
  if (!f.success)
    throw new TfError(
      "TF_ZK_ENVELOPE_INVALID",
      "The epoch file is not a trustfabric.dev/zk/epoch-file/v1 document",
    );
  const { env, body } = openDoc("epoch", f.data.signed, EpochBodyZ);
  const key = fromBase64(body.exchangeKey, "exchangeKey");
  if (exchangePublicKey && toBase64(exchangePublicKey) !== body.exchangeKey)
    throw new TfError(
      "TF_ZK_TENANT_MISMATCH",
      "The epoch is signed by another exchange key than the pinned one",
      {
        details: { epoch: body.id },
      },
    );
  verifyDoc("epoch", env, EpochBodyZ, key, "the exchange");
  const pepper = fromBase64(f.data.pepper, "pepper");
  if (toHex(sha256(pepper)) !== body.pepperSha256)
    throw new TfError("TF_ZK_ENVELOPE_INVALID", "The epoch file's pepper does not match its signed digest", {
      details: { epoch: body.id },
    });
  return { signed: env, body, pepper, dst: selectorDst(body.id, pepper) };
}

/** Parses and verifies an epoch file (JSON text or value) as given to tenants. */
export function parseEpochFile(input: string | unknown, exchangePublicKey?: Uint8Array): Epoch {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new TfError("TF_ZK_ENVELOPE_INVALID", "The epoch file is not JSON", { cause: e });
    }
  }
  return openEpochFile(value, exchangePublicKey);
}

export function epochFileOf(e: Epoch): z.infer<typeof EpochFileZ> {
  return { schema: EPOCH_FILE_SCHEMA, signed: e.signed, pepper: toBase64(e.pepper) };
}

/** Epochs the exchange has opened, oldest first. */
export function listEpochs(home: string): Epoch[] {
  const dir = epochsDir(home);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^[0-9]+\.json$/.test(f))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
    .map((f) => openEpochFile(readJson(join(dir, f), "epoch")));
}

export function currentEpoch(home: string): Epoch {
  const all = listEpochs(home);
  const last = all[all.length - 1];
  if (!last)
    throw new TfError("TF_ZK_EPOCH_MISMATCH", "The exchange has no epoch yet", {
      remedy: "Open one with `tf zk epoch rotate`.",
    });
  return last;
}

/** Opens the next epoch: a fresh pepper, signed by the exchange key. Older epochs stop being current. */
export function rotateEpoch(home: string, now: Date = new Date()): Epoch {
  const key = exchangeKey(home, now);
  const prev = listEpochs(home);
  const n = (prev[prev.length - 1]?.body.epoch ?? 0) + 1;
  const pepper = new Uint8Array(randomBytes(32));
  const body: EpochBody = {
    schema: EPOCH_SCHEMA,
    epoch: n,
    id: `e${n}-${toHex(randomBytes(4))}`,
    pepperSha256: toHex(sha256(pepper)),
    exchangeKey: toBase64(key.signer.publicKey),
    createdAt: now.toISOString(),
  };
  const signed = signDoc("epoch", body, key.signer);
  const epoch: Epoch = { signed, body, pepper, dst: selectorDst(body.id, pepper) };
  writeSecret(join(epochsDir(home), `${n}.json`), epochFileOf(epoch));
  return epoch;
}

/** The exchange's epoch with this id; TF_ZK_EPOCH_MISMATCH when it is unknown or not current. */
export function exchangeEpoch(home: string, id: string, options: { current?: boolean } = {}): Epoch {
  const all = listEpochs(home);
  const e = all.find((x) => x.body.id === id);
  if (!e)
    throw new TfError("TF_ZK_EPOCH_MISMATCH", `The exchange has no epoch ${id}`, { details: { epoch: id } });
  if (options.current && e !== all[all.length - 1])
    throw new TfError(
      "TF_ZK_EPOCH_MISMATCH",
      `Epoch ${id} has been rotated out; the current one is ${all[all.length - 1]!.body.id}`,
      {
        details: { epoch: id, current: all[all.length - 1]!.body.id },
      },
    );
  return e;
}

// ---- tenants ----

const TenantSecretZ = z.object({
  schema: z.literal("trustfabric.dev/zk/tenant-secret/v1"),
  tenant: NAME,
  epoch: z.string(),
  generation: z.number().int().min(1),
  blindingScalar: B64_32,
  dummySeed: B64_32,
  doc: z.unknown(),
});

/** What a tenant holds for one epoch (never leaves its TF_HOME). */
export interface TenantEpochKey {
  tenant: string;
  epoch: string;
  generation: number;
  scalar: bigint;
  publicKey: Uint8Array;
  dummySeed: Uint8Array;
  doc: DsseEnvelope;
  body: TenantBody;
  signer: LoadedKey;
}

const tenantKeyPath = (home: string, tenant: string, epoch: string) =>
  join(zkDir(home), "tenants", tenant, "epochs", `${epoch}.json`);

export function tenantSigningKey(home: string, tenant: string, now?: Date): LoadedKey {
  const store = new KeyStore(home);
  const name = `zk-tenant-${tenant}`;
  try {
    return store.load(name);
  } catch (e) {
    if (!(e instanceof TfError && e.code === "TF_KEY_NOT_FOUND")) throw e;
    store.generate(name, { now });
    return store.load(name);
  }
}

function checkTenant(tenant: string): void {
  if (!NAME.safeParse(tenant).success)
    throw new TfError("TF_INPUT_INVALID", `Invalid tenant name ${JSON.stringify(tenant)}`, {
      remedy:
        "Tenant names are 1-63 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit.",
    });
}

/**
 * Creates the tenant's blinding key for an epoch (or, with rotate, replaces it: envelopes sealed
 * under the old key are then refused). Returns the signed tenant document to publish.
 */
export function initTenant(
  home: string,
  tenant: string,
  epoch: Epoch,
  options: { rotate?: boolean; now?: Date } = {},
): TenantEpochKey {
  checkTenant(tenant);
  const now = options.now ?? new Date();
  const path = tenantKeyPath(home, tenant, epoch.body.id);
  if (existsSync(path) && !options.rotate) return loadTenantKey(home, tenant, epoch.body.id);
  const generation = existsSync(path) ? loadTenantKey(home, tenant, epoch.body.id).generation + 1 : 1;
  const signer = tenantSigningKey(home, tenant, now);
  const scalar = randomScalar();
  const body: TenantBody = {
    schema: TENANT_SCHEMA,
    tenant,
    epoch: epoch.body.id,
    blindingKey: toBase64(publicKeyOf(scalar)),
    signingKey: toBase64(signer.signer.publicKey),
    generation,
    createdAt: now.toISOString(),
  };
  const doc = signDoc("tenant", body, signer.signer);
  writeSecret(path, {
    schema: "trustfabric.dev/zk/tenant-secret/v1",
    tenant,
    epoch: epoch.body.id,
    generation,
    blindingScalar: scalarToBase64(scalar),
    dummySeed: toBase64(randomBytes(32)),
    doc,
  });
  return loadTenantKey(home, tenant, epoch.body.id);
}

export function loadTenantKey(home: string, tenant: string, epochId: string): TenantEpochKey {
  checkTenant(tenant);
  const path = tenantKeyPath(home, tenant, epochId);
  if (!existsSync(path))
    throw new TfError("TF_ZK_EPOCH_MISMATCH", `Tenant ${tenant} has no blinding key for epoch ${epochId}`, {
      remedy: "Run `tf zk tenant init` with the current epoch file first.",
      details: { tenant, epoch: epochId },
    });
  const parsed = TenantSecretZ.safeParse(readJson(path, "tenant key"));
  if (!parsed.success)
    throw new TfError("TF_KEY_MALFORMED", `The tenant key file ${path} is malformed`, { details: { path } });
  const s = parsed.data;
  const scalar = scalarFromBase64(s.blindingScalar, "blindingScalar");
  const signer = tenantSigningKey(home, tenant);
  const { env, body } = verifyDoc("tenant", s.doc, TenantBodyZ, signer.signer.publicKey, `tenant ${tenant}`);
  return {
    tenant,
    epoch: epochId,
    generation: s.generation,
    scalar,
    publicKey: publicKeyOf(scalar),
    dummySeed: fromBase64(s.dummySeed, "dummySeed"),
    doc: env,
    body,
    signer,
  };
}

/** A published tenant document, verified against its own signing key (pin that key out of band). */
export function parseTenantDoc(
  input: unknown,
  pinnedSigningKey?: string,
): { env: DsseEnvelope; body: TenantBody } {
  const { env, body } = openDoc("tenant", input, TenantBodyZ);
  if (pinnedSigningKey !== undefined && pinnedSigningKey !== body.signingKey)
    throw new TfError(
      "TF_ZK_TENANT_MISMATCH",
      `Tenant ${body.tenant}'s document is signed by another key than the pinned one`,
      {
        details: { tenant: body.tenant },
      },
    );
  verifyDoc("tenant", env, TenantBodyZ, fromBase64(body.signingKey, "signingKey"), `tenant ${body.tenant}`);
  return { env, body };
}
