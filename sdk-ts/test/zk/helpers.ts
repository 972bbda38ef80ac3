import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seal } from "../../src/zk/envelope.js";
import { type Epoch, initTenant, rotateEpoch, type TenantEpochKey } from "../../src/zk/epoch.js";

export const tmpHome = (p = "tf-zk-") => mkdtempSync(join(tmpdir(), p));

export const LIST_A = ["alice@example.com", "bob@example.org", "carol@example.net", "dave@example.com"].join(
  "\n",
);
export const LIST_B = ["ALICE@Example.com ", "dave@EXAMPLE.com", "erin@example.com"].join("\n");

export interface World {
  exchangeHome: string;
  homeA: string;
  homeB: string;
  epoch: Epoch;
  keyA: TenantEpochKey;
  keyB: TenantEpochKey;
}

export function world(): World {
  const exchangeHome = tmpHome("tf-zk-x-");
  const homeA = tmpHome("tf-zk-a-");
  const homeB = tmpHome("tf-zk-b-");
  const epoch = rotateEpoch(exchangeHome);
  return {
    exchangeHome,
    homeA,
    homeB,
    epoch,
    keyA: initTenant(homeA, "acme", epoch),
    keyB: initTenant(homeB, "globex", epoch),
  };
}

export function sealBoth(w: World, a = LIST_A, b = LIST_B) {
  return { a: seal(w.keyA, w.epoch, a, "email"), b: seal(w.keyB, w.epoch, b, "email") };
}

import { readFileSync as _read } from "node:fs";
import { runOperation } from "../../src/engine/index.js";

const EX = new URL("../../../examples/zk/", import.meta.url);
export const exampleA = () => _read(new URL("tenant-a-emails.txt", EX), "utf8");
export const exampleB = () => _read(new URL("tenant-b-emails.txt", EX), "utf8");

export interface Flow {
  homes: { x: string; a: string; b: string };
  outputs: unknown[];
  epochFile: string;
  open: Awaited<ReturnType<typeof runOperation<"zk.exchangeOpen">>>;
  envelopes: { a: string; b: string };
  tenantDocs: { a: string; b: string };
  exported: Awaited<ReturnType<typeof runOperation<"zk.bundleExport">>>;
  bundle: Uint8Array;
}

/** A whole exchange through the operation table, on the example lists (3 shared selectors). */
export async function fullFlow(
  statement: { op: "eq"; c: number } | { op: "le"; k: number } = { op: "eq", c: 3 },
): Promise<Flow> {
  const homes = { x: tmpHome("tf-zk-x-"), a: tmpHome("tf-zk-a-"), b: tmpHome("tf-zk-b-") };
  const outputs: unknown[] = [];
  const rec = <T>(v: T): T => {
    outputs.push(v);
    return v;
  };
  const ep = rec(await runOperation("zk.epochRotate", {}, { home: homes.x }));
  const ta = rec(
    await runOperation("zk.tenantInit", { tenant: "acme", epochFile: ep.epochFile }, { home: homes.a }),
  );
  const tb = rec(
    await runOperation("zk.tenantInit", { tenant: "globex", epochFile: ep.epochFile }, { home: homes.b }),
  );
  const sa = rec(
    await runOperation(
      "zk.seal",
      { tenant: "acme", epochFile: ep.epochFile, type: "email", selectors: exampleA() },
      { home: homes.a },
    ),
  );
  const sb = rec(
    await runOperation(
      "zk.seal",
      { tenant: "globex", epochFile: ep.epochFile, type: "email", selectors: exampleB() },
      { home: homes.b },
    ),
  );
  const open = rec(
    await runOperation(
      "zk.exchangeOpen",
      {
        tenantDocA: ta.tenantDoc,
        tenantDocB: tb.tenantDoc,
        envelopeA: sa.envelope,
        envelopeB: sb.envelope,
        statement,
      },
      { home: homes.x },
    ),
  );
  const rb = rec(
    await runOperation(
      "zk.reblind",
      { tenant: "globex", epochFile: ep.epochFile, relay: open.relayA },
      { home: homes.b },
    ),
  );
  const ra = rec(
    await runOperation(
      "zk.reblind",
      { tenant: "acme", epochFile: ep.epochFile, relay: open.relayB },
      { home: homes.a },
    ),
  );
  rec(
    await runOperation("zk.prove", { id: open.id, responses: [rb.response, ra.response] }, { home: homes.x }),
  );
  const exported = rec(await runOperation("zk.bundleExport", { id: open.id }, { home: homes.x }));
  return {
    homes,
    outputs,
    epochFile: ep.epochFile,
    open,
    envelopes: { a: sa.envelope, b: sb.envelope },
    tenantDocs: { a: ta.tenantDoc, b: tb.tenantDoc },
    exported,
    bundle: new Uint8Array(Buffer.from(exported.bundle!, "base64")),
  };
}
