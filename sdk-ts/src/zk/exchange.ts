/**
 * The exchange between tenants A and B, as four messages:
 *
 *  1. open (exchange): verifies both envelopes, masks each side's points with a fresh secret
 *     scalar r (so the other tenant cannot compute this side's double-blinded set), writes a
 *     signed relay request for each tenant and a private ticket (r, commitment salt) for each owner.
 *  2. reblind (tenant): multiplies the other side's masked points by its blinding scalar and
 *     proves with a batched DLEQ proof (RFC 9497) that it used the key it published.
 *  3. prove (exchange): verifies both DLEQ proofs, unmasks (r^-1), maps the double-blinded
 *     points to field elements, commits to both sets (Poseidon) and proves the statement (Groth16).
 *  4. check (each tenant, alone): from its ticket, its own envelope and the public messages it
 *     recomputes the commitment to its own double-blinded set and compares it with the proof's.
 *
 * Only the exchange ever holds both double-blinded sets; docs/zk-tx-protocol.md has the analysis.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { canonicalBytes, sha256 } from "../core/canonical.js";
import type { DsseEnvelope } from "../core/dsse.js";
import { fromBase64, toBase64, toHex } from "../core/encoding.js";
import { TfError, toTfError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fsutil.js";
import {
  decodePointB64,
  encodePoint,
  invertScalar,
  multiplyAll,
  randomScalar,
  scalarFromBase64,
  scalarToBase64,
} from "./blind.js";
import { chooseLayout, commitSet, randomSalt, type SetCommitment, toField } from "./commit.js";
import { generateDleqProof, verifyDleqProof } from "./dleq.js";
import { checkSigned, docDigest, openDoc, signDoc, verifyDoc } from "./docs.js";
import { type EnvelopeHeader, type OpenedEnvelope, openEnvelope, ownDummies, SealedZ } from "./envelope.js";
import {
  type Epoch,
  exchangeEpoch,
  exchangeKey,
  parseTenantDoc,
  type TenantBody,
  type TenantEpochKey,
} from "./epoch.js";
import { type Statement, StatementZ } from "./groth16-types.js";
import { chargeQuota, checkQuota, DEFAULT_QUOTA } from "./quota.js";

export type Side = "a" | "b";
export const other = (s: Side): Side => (s === "a" ? "b" : "a");

const B64_32 = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "base64 of 32 bytes");
const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const Dec = z.string().regex(/^[1-9][0-9]{0,77}$/);
const ExchangeId = z.string().regex(/^x-[0-9a-f]{16}$/);

export const RelayBodyZ = z.object({
  schema: z.literal("trustfabric.dev/zk/relay/v1"),
  exchangeId: ExchangeId,
  epoch: z.string(),
  side: z.enum(["a", "b"]).describe("whose points these are"),
  owner: z.string(),
  to: z.string().describe("the tenant that re-blinds them"),
  statement: StatementZ,
  points: z
    .array(B64_32)
    .min(1)
    .describe("the owner's envelope points, each multiplied by the exchange's mask r"),
});
export type RelayBody = z.infer<typeof RelayBodyZ>;

export const TicketBodyZ = z.object({
  schema: z.literal("trustfabric.dev/zk/ticket/v1"),
  exchangeId: ExchangeId,
  epoch: z.string(),
  side: z.enum(["a", "b"]),
  tenant: z.string(),
  envelope: Hex64.describe("digest of the tenant's envelope header"),
  mask: B64_32.describe("the secret scalar r that masked the tenant's points (keep private)"),
  salt: Dec.describe("the Poseidon commitment salt of the tenant's set (keep private)"),
  statement: StatementZ,
});
export type TicketBody = z.infer<typeof TicketBodyZ>;

export const ReblindBodyZ = z.object({
  schema: z.literal("trustfabric.dev/zk/reblind/v1"),
  exchangeId: ExchangeId,
  epoch: z.string(),
  side: z.enum(["a", "b"]).describe("whose points were re-blinded"),
  tenant: z.string().describe("who re-blinded them"),
  relay: Hex64.describe("digest of the relay request answered"),
  blindingKey: B64_32,
  generation: z.number().int().min(1),
  outputs: z.array(B64_32).min(1),
  proof: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, "base64 of a 64-byte DLEQ proof"),
});
export type ReblindBody = z.infer<typeof ReblindBodyZ>;

export const ResultBodyZ = z.object({
  schema: z.literal("trustfabric.dev/zk/result/v1"),
  exchangeId: ExchangeId,
  epoch: z.string(),
  statement: StatementZ,
  holds: z.literal(true),
  tenants: z.object({ a: z.string(), b: z.string() }),
  tenantDocs: z.object({ a: Hex64, b: Hex64 }),
  envelopes: z.object({ a: Hex64, b: Hex64 }),
  relays: z.object({ a: Hex64, b: Hex64 }),
  responses: z.object({ a: Hex64, b: Hex64 }),
  layout: z.object({ buckets: z.number().int(), bucketSize: z.number().int() }),
  rootA: z.string(),
  rootB: z.string(),
  proofSha256: Hex64,
  provedAt: z.string(),
});
export type ResultBody = z.infer<typeof ResultBodyZ>;

const RecordZ = z.object({
  schema: z.literal("trustfabric.dev/zk/exchange-record/v1"),
  id: ExchangeId,
  epoch: z.string(),
  statement: StatementZ,
  createdAt: z.string(),
  tenantDocs: z.object({ a: z.unknown(), b: z.unknown() }),
  envelopes: z.object({ a: z.unknown(), b: z.unknown() }),
  masks: z.object({ a: B64_32, b: B64_32 }),
  salts: z.object({ a: Dec, b: Dec }),
  relays: z.object({ a: z.unknown(), b: z.unknown() }),
  responses: z.object({ a: z.unknown(), b: z.unknown() }).optional(),
  proof: z.unknown().optional(),
  result: z.unknown().optional(),
  log: z.object({ index: z.number().int(), entry: z.string() }).optional(),
});
export type ExchangeRecord = z.infer<typeof RecordZ>;

const recordPath = (home: string, id: string) => join(home, "zk", "exchange", "exchanges", `${id}.json`);

function saveRecord(home: string, rec: ExchangeRecord): void {
  const path = recordPath(home, rec.id);
  writeFileAtomic(path, `${JSON.stringify(rec)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function loadRecord(home: string, id: string): ExchangeRecord {
  if (!ExchangeId.safeParse(id).success || !existsSync(recordPath(home, id)))
    throw new TfError("TF_ZK_EXCHANGE_NOT_FOUND", `No exchange ${JSON.stringify(id)} in this TF_HOME`, {
      details: { id },
    });
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(recordPath(home, id), "utf8"));
  } catch (e) {
    throw toTfError(e);
  }
  const r = RecordZ.safeParse(value);
  if (!r.success) throw new TfError("TF_INTERNAL", `The exchange record ${id} is malformed`);
  return r.data;
}

export interface OpenInput {
  tenantDocs: { a: unknown; b: unknown };
  envelopes: { a: unknown; b: unknown };
  statement: Statement;
  /** Exchanges per tenant per epoch (default DEFAULT_QUOTA). */
  quota?: number;
  now?: Date;
}

export interface OpenResult {
  id: string;
  epoch: string;
  tenants: { a: string; b: string };
  sizes: { a: number; b: number };
  /** relays.a carries A's masked points, for B to re-blind; relays.b the reverse. */
  relays: { a: DsseEnvelope; b: DsseEnvelope };
  /** Private to each owner: tickets.a goes to tenant A only. */
  tickets: { a: DsseEnvelope; b: DsseEnvelope };
}

/** Step 1, at the exchange. Nothing is written unless every check passes. */
export function openExchange(home: string, input: OpenInput): OpenResult {
  const key = exchangeKey(home, input.now);
  const statement = StatementZ.parse(input.statement) as Statement;
  const docs = { a: parseTenantDoc(input.tenantDocs.a), b: parseTenantDoc(input.tenantDocs.b) };
  if (docs.a.body.tenant === docs.b.body.tenant)
    throw new TfError("TF_ZK_TENANT_MISMATCH", "Both sides of an exchange are the same tenant", {
      details: { tenant: docs.a.body.tenant },
    });
  const epochId = docs.a.body.epoch;
  const epoch = exchangeEpoch(home, epochId, { current: true });
  const envs: Record<Side, OpenedEnvelope> = {
    a: openEnvelope(input.envelopes.a, docs.a.body, epoch.body.id),
    b: openEnvelope(input.envelopes.b, docs.b.body, epoch.body.id),
  };
  if (envs.a.header.selectorType !== envs.b.header.selectorType)
    throw new TfError(
      "TF_ZK_SELECTOR_MIXED",
      `Envelope A holds ${envs.a.header.selectorType} selectors, envelope B ${envs.b.header.selectorType}`,
      {
        remedy: "Both tenants must seal the same selector type.",
      },
    );
  const tenants = { a: docs.a.body.tenant, b: docs.b.body.tenant };
  checkQuota(home, epoch.body.id, [tenants.a, tenants.b], input.quota ?? DEFAULT_QUOTA);

  const id = `x-${toHex(randomBytes(8))}`;
  const masks = { a: randomScalar(), b: randomScalar() };
  const salts = { a: randomSalt(), b: randomSalt() };
  const relays = {} as Record<Side, DsseEnvelope>;
  const tickets = {} as Record<Side, DsseEnvelope>;
  for (const side of ["a", "b"] as const) {
    const masked = multiplyAll(envs[side].points, masks[side]).map(encodePoint);
    relays[side] = signDoc(
      "relay",
      {
        schema: "trustfabric.dev/zk/relay/v1",
        exchangeId: id,
        epoch: epoch.body.id,
        side,
        owner: tenants[side],
        to: tenants[other(side)],
        statement,
        points: masked,
      } satisfies RelayBody,
      key.signer,
    );
    tickets[side] = signDoc(
      "ticket",
      {
        schema: "trustfabric.dev/zk/ticket/v1",
        exchangeId: id,
        epoch: epoch.body.id,
        side,
        tenant: tenants[side],
        envelope: envs[side].digest,
        mask: scalarToBase64(masks[side]),
        salt: String(salts[side]),
        statement,
      } satisfies TicketBody,
      key.signer,
    );
  }
  saveRecord(home, {
    schema: "trustfabric.dev/zk/exchange-record/v1",
    id,
    epoch: epoch.body.id,
    statement,
    createdAt: (input.now ?? new Date()).toISOString(),
    tenantDocs: { a: docs.a.env, b: docs.b.env },
    envelopes: { a: input.envelopes.a, b: input.envelopes.b },
    masks: { a: scalarToBase64(masks.a), b: scalarToBase64(masks.b) },
    salts: { a: String(salts.a), b: String(salts.b) },
    relays,
  });
  chargeQuota(home, epoch.body.id, [tenants.a, tenants.b]);
  return {
    id,
    epoch: epoch.body.id,
    tenants,
    sizes: { a: envs.a.header.size, b: envs.b.header.size },
    relays,
    tickets,
  };
}

/** Opens a relay request signed by the exchange of the epoch. */
export function openRelay(input: unknown, epoch: Epoch): { env: DsseEnvelope; body: RelayBody } {
  const r = verifyDoc(
    "relay",
    input,
    RelayBodyZ,
    fromBase64(epoch.body.exchangeKey, "exchangeKey"),
    "the exchange",
  );
  if (r.body.epoch !== epoch.body.id)
    throw new TfError(
      "TF_ZK_EPOCH_MISMATCH",
      `The relay request is for epoch ${r.body.epoch}, not ${epoch.body.id}`,
      {
        details: { relay: r.body.epoch, epoch: epoch.body.id },
      },
    );
  return r;
}

export interface ReblindResult {
  response: DsseEnvelope;
  body: ReblindBody;
}

/** Step 2, at a tenant: re-blinds the other side's masked points and proves it (DLEQ). */
export function reblind(key: TenantEpochKey, epoch: Epoch, relayInput: unknown): ReblindResult {
  const { env, body } = openRelay(relayInput, epoch);
  if (key.epoch !== epoch.body.id)
    throw new TfError(
      "TF_ZK_EPOCH_MISMATCH",
      `The tenant key is for epoch ${key.epoch}, not ${epoch.body.id}`,
    );
  if (body.to !== key.tenant)
    throw new TfError(
      "TF_ZK_TENANT_MISMATCH",
      `The relay request is addressed to ${body.to}, not ${key.tenant}`,
      {
        details: { to: body.to, tenant: key.tenant },
      },
    );
  const inputs = body.points.map((p, i) => decodePointB64(p, `relay point ${i}`));
  const outputs = multiplyAll(inputs, key.scalar);
  const proof = generateDleqProof(key.scalar, inputs, outputs);
  const rb: ReblindBody = {
    schema: "trustfabric.dev/zk/reblind/v1",
    exchangeId: body.exchangeId,
    epoch: body.epoch,
    side: body.side,
    tenant: key.tenant,
    relay: docDigest(env),
    blindingKey: toBase64(key.publicKey),
    generation: key.generation,
    outputs: outputs.map(encodePoint),
    proof: toBase64(proof),
  };
  return { response: signDoc("reblind", rb, key.signer.signer), body: rb };
}

/**
 * Verifies one re-blinding response against the relay it answers and the re-blinder's published
 * tenant document: signature, exchange, key, every point, the DLEQ proof.
 */
export function checkResponse(
  responseInput: unknown,
  relay: { env: DsseEnvelope; body: RelayBody },
  reblinder: TenantBody,
): ReblindBody {
  const { env, body: unsigned } = openDoc("reblind", responseInput, ReblindBodyZ);
  if (unsigned.tenant !== reblinder.tenant || unsigned.tenant !== relay.body.to)
    throw new TfError(
      "TF_ZK_TENANT_MISMATCH",
      `The response is from ${unsigned.tenant}; ${relay.body.to} had to re-blind`,
      {
        details: { from: unsigned.tenant, expected: relay.body.to },
      },
    );
  checkSigned("reblind", env, fromBase64(reblinder.signingKey, "signingKey"), `tenant ${reblinder.tenant}`);
  const body = unsigned;
  if (
    body.exchangeId !== relay.body.exchangeId ||
    body.side !== relay.body.side ||
    body.relay !== docDigest(relay.env)
  )
    throw new TfError("TF_ZK_ENVELOPE_INVALID", "The response answers another relay request", {
      details: { exchangeId: body.exchangeId, side: body.side },
    });
  if (body.epoch !== relay.body.epoch || reblinder.epoch !== relay.body.epoch)
    throw new TfError(
      "TF_ZK_EPOCH_MISMATCH",
      `The response is for epoch ${body.epoch}, the relay for ${relay.body.epoch}`,
    );
  if (body.blindingKey !== reblinder.blindingKey || body.generation !== reblinder.generation)
    throw new TfError(
      "TF_ZK_TENANT_MISMATCH",
      `The response was made with another blinding key than ${reblinder.tenant} published`,
      {
        details: { tenant: reblinder.tenant },
      },
    );
  if (body.outputs.length !== relay.body.points.length)
    throw new TfError(
      "TF_ZK_DLEQ_INVALID",
      `The response has ${body.outputs.length} points for ${relay.body.points.length} inputs`,
    );
  const C = relay.body.points.map((p, i) => decodePointB64(p, `relay point ${i}`));
  const D = body.outputs.map((p, i) => decodePointB64(p, `re-blinded point ${i}`));
  verifyDleqProof(
    decodePointB64(body.blindingKey, "blindingKey"),
    C,
    D,
    fromBase64(body.proof, "proof"),
    undefined,
    `DLEQ proof of ${reblinder.tenant}`,
  );
  return body;
}

/** Field elements of a side's double-blinded set: unmask the re-blinded points with r^-1. */
export function doubleBlinded(outputs: string[], mask: bigint): bigint[] {
  const inv = invertScalar(mask);
  return outputs.map((p, i) => toField(decodePointB64(p, `re-blinded point ${i}`).multiply(inv).toBytes()));
}

export interface ProveResult {
  id: string;
  statement: Statement;
  result: DsseEnvelope;
  body: ResultBody;
  proof: unknown;
  commitA: SetCommitment;
  commitB: SetCommitment;
  log: { index: number; entry: string };
}

/** The log entry of an exchange result: what auditors find in the transparency log. */
export function logEntryOf(result: DsseEnvelope, body: ResultBody): string {
  return JSON.stringify({
    schema: "trustfabric.dev/zk/log-entry/v1",
    exchangeId: body.exchangeId,
    epoch: body.epoch,
    resultSha256: docDigest(result),
  });
}

/**
 * Step 3, at the exchange: verifies both responses, builds the double-blinded sets, proves the
 * statement, signs the result and appends it to the transparency log. TF_ZK_STATEMENT_FALSE
 * (from the prover) when the statement does not hold: nothing is recorded then.
 */
export async function proveExchange(
  home: string,
  input: { id: string; responses: unknown[]; now?: Date; onProgress?: (done: number, total: number) => void },
  appendLog: (entry: string) => Promise<number>,
): Promise<ProveResult> {
  const rec = loadRecord(home, input.id);
  if (rec.result)
    throw new TfError("TF_USAGE", `Exchange ${rec.id} is already proved`, {
      remedy: "Export its bundle with `tf zk bundle export`.",
    });
  const key = exchangeKey(home);
  const epoch = exchangeEpoch(home, rec.epoch);
  const docs = { a: parseTenantDoc(rec.tenantDocs.a).body, b: parseTenantDoc(rec.tenantDocs.b).body };
  const relays = {
    a: openRelay(rec.relays.a, epoch),
    b: openRelay(rec.relays.b, epoch),
  };
  // responses[x] re-blinds side x's points: made by the other tenant. Match them by side.
  const bySide = {} as Record<Side, { env: DsseEnvelope; body: ReblindBody }>;
  for (const r of input.responses) {
    const { body } = openDoc("reblind", r, ReblindBodyZ);
    if (body.exchangeId !== rec.id)
      throw new TfError(
        "TF_ZK_ENVELOPE_INVALID",
        `A response belongs to exchange ${body.exchangeId}, not ${rec.id}`,
      );
    const checked = checkResponse(r, relays[body.side], docs[other(body.side)]);
    bySide[body.side] = { env: openDoc("reblind", r, ReblindBodyZ).env, body: checked };
  }
  for (const side of ["a", "b"] as const)
    if (!bySide[side])
      throw new TfError(
        "TF_ZK_ENVELOPE_INVALID",
        `The response re-blinding side ${side.toUpperCase()} is missing`,
        {
          remedy: `Pass the response of tenant ${docs[other(side)].tenant} (tf zk reblind).`,
        },
      );
  const masks = { a: scalarFromBase64(rec.masks.a, "mask"), b: scalarFromBase64(rec.masks.b, "mask") };
  const elems = {
    a: doubleBlinded(bySide.a.body.outputs, masks.a),
    b: doubleBlinded(bySide.b.body.outputs, masks.b),
  };
  const layout = chooseLayout(elems.a.length, elems.b.length);
  const { proveOverlap } = await import("./prove.js");
  const proof = await proveOverlap(
    {
      a: elems.a,
      b: elems.b,
      saltA: BigInt(rec.salts.a),
      saltB: BigInt(rec.salts.b),
      statement: rec.statement as Statement,
      layout,
    },
    { onProgress: input.onProgress },
  );
  const envDigest = (s: Side) =>
    docDigest(
      openDoc("envelope", (SealedZ.parse(rec.envelopes[s]) as { header: unknown }).header, z.unknown()).env,
    );
  const body: ResultBody = {
    schema: "trustfabric.dev/zk/result/v1",
    exchangeId: rec.id,
    epoch: rec.epoch,
    statement: rec.statement,
    holds: true,
    tenants: { a: docs.a.tenant, b: docs.b.tenant },
    tenantDocs: {
      a: docDigest(parseTenantDoc(rec.tenantDocs.a).env),
      b: docDigest(parseTenantDoc(rec.tenantDocs.b).env),
    },
    envelopes: { a: envDigest("a"), b: envDigest("b") },
    relays: { a: docDigest(relays.a.env), b: docDigest(relays.b.env) },
    responses: { a: docDigest(bySide.a.env), b: docDigest(bySide.b.env) },
    layout,
    rootA: proof.commitA.root,
    rootB: proof.commitB.root,
    proofSha256: toHex(sha256(canonicalBytes(proof))),
    provedAt: (input.now ?? new Date()).toISOString(),
  };
  const result = signDoc("result", body, key.signer);
  const entry = logEntryOf(result, body);
  const index = await appendLog(entry);
  saveRecord(home, {
    ...rec,
    responses: { a: bySide.a.env, b: bySide.b.env },
    proof,
    result,
    log: { index, entry },
  });
  return {
    id: rec.id,
    statement: rec.statement as Statement,
    result,
    body,
    proof,
    commitA: proof.commitA,
    commitB: proof.commitB,
    log: { index, entry },
  };
}

export interface TenantCheckInput {
  ticket: unknown;
  /** The tenant's own sealed envelope (kept since `tf zk seal`). */
  envelope: unknown;
  /** The tenant's own key for the epoch (for the dummy count). */
  key?: TenantEpochKey;
  /** The relay of the tenant's own points, the other tenant's response and tenant document. */
  relay: unknown;
  response: unknown;
  otherTenantDoc: unknown;
  /** The commitment the exchange's proof claims for this tenant's side. */
  commitment: SetCommitment;
}

export interface TenantCheckResult {
  side: Side;
  tenant: string;
  root: string;
  points: number;
  dummies?: number;
}

/**
 * Step 4, at a tenant: checks the exchange relayed exactly its envelope's points (masked by the
 * ticket's r), that the other tenant's DLEQ proof holds, and that the proof's commitment to its
 * side is the commitment to its own double-blinded set. Nothing else needs to be trusted.
 */
export function tenantCheck(epoch: Epoch, input: TenantCheckInput): TenantCheckResult {
  const exchangePk = fromBase64(epoch.body.exchangeKey, "exchangeKey");
  const { body: ticket } = verifyDoc("ticket", input.ticket, TicketBodyZ, exchangePk, "the exchange");
  const relay = openRelay(input.relay, epoch);
  if (relay.body.exchangeId !== ticket.exchangeId || relay.body.side !== ticket.side)
    throw new TfError(
      "TF_ZK_ENVELOPE_INVALID",
      "The relay request is not the one of this ticket's side and exchange",
    );
  const sealed = SealedZ.safeParse(input.envelope);
  if (!sealed.success)
    throw new TfError(
      "TF_ZK_ENVELOPE_INVALID",
      "The envelope is not a trustfabric.dev/zk/sealed/v1 document",
    );
  const { env: hdrEnv, body: header } = openDoc("envelope", sealed.data.header, z.object({}).passthrough());
  if (docDigest(hdrEnv) !== ticket.envelope)
    throw new TfError("TF_ZK_ENVELOPE_INVALID", "The ticket is for another envelope than the one given");
  const mask = scalarFromBase64(ticket.mask, "mask");
  const own = sealed.data.points;
  if (own.length !== relay.body.points.length)
    throw new TfError(
      "TF_ZK_ENVELOPE_INVALID",
      "The exchange relayed another number of points than the envelope holds",
    );
  for (let i = 0; i < own.length; i++) {
    if (encodePoint(decodePointB64(own[i]!, `envelope point ${i}`).multiply(mask)) !== relay.body.points[i])
      throw new TfError("TF_ZK_ENVELOPE_INVALID", `The exchange relayed point ${i} altered`, {
        details: { index: i },
      });
  }
  const { body: otherDoc } = parseTenantDoc(input.otherTenantDoc);
  const response = checkResponse(input.response, relay, otherDoc);
  const elements = doubleBlinded(response.outputs, mask);
  const mine = commitSet(elements, ticket.side, BigInt(ticket.salt), {
    buckets: input.commitment.buckets,
    bucketSize: input.commitment.bucketSize,
  });
  if (mine.root !== input.commitment.root)
    throw new TfError(
      "TF_ZK_COMMITMENT_MISMATCH",
      `The proof's commitment to side ${ticket.side.toUpperCase()} is not the commitment to this tenant's double-blinded set`,
      {
        details: { side: ticket.side, expected: mine.root, found: input.commitment.root },
      },
    );
  let dummies: number | undefined;
  if (input.key) {
    const h = header as unknown as EnvelopeHeader;
    const all = ownDummies(input.key, h, 0);
    dummies = own.filter((p) => all.has(p)).length;
  }
  return { side: ticket.side, tenant: ticket.tenant, root: mine.root, points: own.length, dummies };
}
