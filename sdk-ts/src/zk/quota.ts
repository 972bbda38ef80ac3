/**
 * Per-tenant quotas: how many exchanges a tenant may take part in per epoch. Each exchange
 * counts for both tenants, so neither can probe the other's list with many small exchanges
 * (every exchange reveals one bit or one count about the intersection).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { TfError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fsutil.js";

export const DEFAULT_QUOTA = 20;

const QuotaFileZ = z.object({
  schema: z.literal("trustfabric.dev/zk/quota/v1"),
  epochs: z.record(z.string(), z.record(z.string(), z.number().int().min(0))),
});
type QuotaFile = z.infer<typeof QuotaFileZ>;

const quotaPath = (home: string) => join(home, "zk", "exchange", "quota.json");

function read(home: string): QuotaFile {
  const path = quotaPath(home);
  if (!existsSync(path)) return { schema: "trustfabric.dev/zk/quota/v1", epochs: {} };
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new TfError("TF_INTERNAL", `The quota file ${path} is not JSON`, { cause: e });
  }
  const parsed = QuotaFileZ.safeParse(value);
  if (!parsed.success) throw new TfError("TF_INTERNAL", `The quota file ${path} is malformed`);
  return parsed.data;
}

/** Exchanges used per tenant in an epoch. */
export function quotaUsage(home: string, epoch: string): Record<string, number> {
  return { ...(read(home).epochs[epoch] ?? {}) };
}

/** Throws TF_ZK_QUOTA_EXCEEDED when a tenant has no exchange left in the epoch. */
export function checkQuota(home: string, epoch: string, tenants: string[], limit: number): void {
  const used = quotaUsage(home, epoch);
  for (const t of tenants) {
    if ((used[t] ?? 0) >= limit)
      throw new TfError(
        "TF_ZK_QUOTA_EXCEEDED",
        `Tenant ${t} has used its ${limit} exchanges in epoch ${epoch}`,
        {
          details: { tenant: t, epoch, used: used[t] ?? 0, limit },
        },
      );
  }
}

/** Counts one exchange for each tenant (call after the exchange is recorded). */
export function chargeQuota(home: string, epoch: string, tenants: string[]): void {
  const q = read(home);
  const e = q.epochs[epoch] ?? {};
  q.epochs[epoch] = e;
  for (const t of tenants) e[t] = (e[t] ?? 0) + 1;
  writeFileAtomic(quotaPath(home), `${JSON.stringify(q, null, 2)}\n`);
}
