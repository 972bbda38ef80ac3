import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalClient } from "../../src/client/local.js";
import { createRemoteClient } from "../../src/client/remote.js";
import type { TrustFabricClient, TypedOperations } from "../../src/client/types.js";
import { startServer } from "../../src/server/server.js";
import { TenantRegistry } from "../../src/server/tenants.js";

export type AnyClient = TrustFabricClient & TypedOperations;

export const tmp = (prefix = "tf-test-") => mkdtempSync(join(tmpdir(), prefix));

/**
 * Client factories for running one suite against both surfaces: "local" gives each call a fresh
 * data directory; "remote" gives each a fresh tenant of one real server on 127.0.0.1.
 */
export async function clientKinds() {
  const serverHome = tmp("tf-server-");
  const server = await startServer({ home: serverHome, accessLog: () => {} });
  const registry = new TenantRegistry(serverHome);
  let n = 0;
  const remotes: { close(): Promise<void> }[] = [];
  return {
    server,
    serverHome,
    registry,
    make: {
      local: (): AnyClient => createLocalClient({ home: tmp() }),
      remote: (): AnyClient => {
        const { apiKey } = registry.issueKey(`tenant-${++n}`);
        const c = createRemoteClient({ url: server.url, apiKey, retries: 1, backoffMs: 10 });
        remotes.push(c);
        return c;
      },
    },
    async close() {
      await Promise.all(remotes.map((r) => r.close()));
      await server.close();
    },
  };
}
