/**
 * Tenants and their API keys. Only SHA-256 hashes of keys are stored; each tenant gets its
 * own data directory, so one tenant's operations can never name another's state.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { sha256 } from "../core/canonical.js";
import { bytesEqual, toHex, utf8 } from "../core/encoding.js";
import { TfError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fsutil.js";

const TenantId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);

export const TenantsFileSchema = z.object({
  schema: z.literal("tf.tenants/v1"),
  tenants: z.array(
    z.object({ id: TenantId, keyHashes: z.array(z.string().regex(/^[0-9a-f]{64}$/)), createdAt: z.string() }),
  ),
});
export type TenantsFile = z.infer<typeof TenantsFileSchema>;

export const API_KEY_PREFIX = "tfk_";

export function hashApiKey(key: string): string {
  return toHex(sha256(utf8(key)));
}

export class TenantRegistry {
  constructor(private readonly home: string) {}

  get path(): string {
    return join(this.home, "server", "tenants.json");
  }

  load(): TenantsFile {
    if (!existsSync(this.path)) return { schema: "tf.tenants/v1", tenants: [] };
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(this.path, "utf8"));
    } catch (e) {
      throw new TfError("TF_JSON_MALFORMED", `${this.path} is not valid JSON`, {
        cause: e,
        details: { path: this.path },
      });
    }
    const parsed = TenantsFileSchema.safeParse(json);
    if (!parsed.success)
      throw new TfError("TF_INPUT_INVALID", `${this.path} is not a tf.tenants/v1 file`, {
        details: { path: this.path },
      });
    return parsed.data;
  }

  /** Adds a tenant (or a new key for an existing one) and returns the key: shown once, never stored. */
  issueKey(id: string, now = new Date()): { tenant: string; apiKey: string } {
    if (!TenantId.safeParse(id).success) {
      throw new TfError("TF_INPUT_INVALID", `Invalid tenant id ${JSON.stringify(id)}`, {
        remedy: "Tenant ids are 1-63 lowercase letters, digits and '-'.",
      });
    }
    const file = this.load();
    const apiKey = `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
    const existing = file.tenants.find((t) => t.id === id);
    if (existing) existing.keyHashes.push(hashApiKey(apiKey));
    else file.tenants.push({ id, keyHashes: [hashApiKey(apiKey)], createdAt: now.toISOString() });
    writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    return { tenant: id, apiKey };
  }

  /** Resolves a presented key to its tenant, comparing hashes in constant time. */
  authenticate(file: TenantsFile, presented: string | undefined): string {
    if (!presented) throw new TfError("TF_AUTH_MISSING", "No API key was sent");
    const h = sha256(utf8(presented));
    for (const t of file.tenants) {
      for (const k of t.keyHashes) if (bytesEqual(Buffer.from(k, "hex"), h)) return t.id;
    }
    throw new TfError("TF_AUTH_INVALID", "The API key is not valid");
  }

  tenantHome(id: string): string {
    return join(this.home, "tenants", id);
  }
}
