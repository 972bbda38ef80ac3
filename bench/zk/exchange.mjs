#!/usr/bin/env node
/**
 * ZK-TX end to end (seal, re-blind with DLEQ, count, prove, verify) against OpenMined PSI
 * cardinality (@openmined/psi.js, server/client on the same sets), in the same run, with
 * per-phase timings. Hot loops (hash-to-curve + scalar multiplication, re-blinding) run on
 * worker threads, one per core.
 *
 *   node bench/zk/exchange.mjs [--sizes 1000,10000] [--overlap 0.1] [--no-prove]
 *
 * Needs the built SDK (pnpm run build). Proving needs the circuit artifacts; sets larger than the
 * compiled circuits (4096 padded points per side) are reported as not provable.
 */
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker } from "node:worker_threads";

const SDK = new URL("../../sdk-ts/dist/index.js", import.meta.url).href;

if (!isMainThread) {
  const { zk } = await import(SDK);
  parentPort.on("message", (m) => {
    const k = BigInt(m.k);
    let out;
    if (m.kind === "seal") {
      const dst = Uint8Array.from(m.dst);
      out = m.items.map((s) =>
        zk.encodePoint(zk.hashSelector(zk.selectorBytes("email", s), dst).multiply(k)),
      );
    } else {
      out = m.items.map((p) => zk.encodePoint(zk.decodePointB64(p).multiply(k)));
    }
    parentPort.postMessage({ id: m.id, out });
  });
} else {
  await main();
}

function pool(n) {
  const workers = Array.from({ length: n }, () => new Worker(fileURLToPath(import.meta.url)));
  let seq = 0;
  const pending = new Map();
  for (const w of workers)
    w.on("message", (m) => {
      pending.get(m.id)(m.out);
      pending.delete(m.id);
    });
  return {
    async map(kind, items, k, extra = {}) {
      const chunk = Math.ceil(items.length / workers.length);
      const parts = await Promise.all(
        workers.map(
          (w, i) =>
            new Promise((resolve) => {
              const id = seq++;
              pending.set(id, resolve);
              w.postMessage({
                id,
                kind,
                k: String(k),
                items: items.slice(i * chunk, (i + 1) * chunk),
                ...extra,
              });
            }),
        ),
      );
      return parts.flat();
    },
    close: () => Promise.all(workers.map((w) => w.terminate())),
  };
}

async function time(label, phases, fn) {
  const t = performance.now();
  const r = await fn();
  phases[label] = (performance.now() - t) / 1000;
  return r;
}

function lists(n, overlap) {
  const shared = Math.round(n * overlap);
  const a = Array.from({ length: n }, (_, i) => `user${i}@a.example.com`);
  const b = Array.from({ length: n }, (_, i) =>
    i < shared ? `user${i}@a.example.com` : `other${i}@b.example.com`,
  );
  return { a, b, shared };
}

async function zktx(sdk, p, a, b, prove) {
  const { zk } = sdk;
  const zkProofs = zk;
  const phases = {};
  const epoch = { dst: zk.selectorDst("e1-00000000", new Uint8Array(32).fill(7)) };
  const ka = zk.randomScalar();
  const kb = zk.randomScalar();
  const pad = (pts) => {
    const size = zk.bucketSize(pts.length);
    const out = [...pts];
    for (let j = 0; out.length < size; j++)
      out.push(zk.encodePoint(zk.dummyPoint(new Uint8Array(32), new Uint8Array(16), j)));
    return out.sort();
  };
  const sealed = await time("seal (hash-to-curve, blind, pad), both", phases, async () => ({
    a: pad(await p.map("seal", a, ka, { dst: [...epoch.dst] })),
    b: pad(await p.map("seal", b, kb, { dst: [...epoch.dst] })),
  }));
  const ra = zk.randomScalar();
  const rb = zk.randomScalar();
  const relays = await time("mask (exchange), both", phases, async () => ({
    a: await p.map("mul", sealed.a, ra),
    b: await p.map("mul", sealed.b, rb),
  }));
  const outs = await time("re-blind, both", phases, async () => ({
    a: await p.map("mul", relays.a, kb),
    b: await p.map("mul", relays.b, ka),
  }));
  const dec = (xs) => xs.map((x) => zk.decodePointB64(x));
  const proofs = await time("DLEQ prove, both", phases, async () => ({
    a: zk.generateDleqProof(kb, dec(relays.a), dec(outs.a)),
    b: zk.generateDleqProof(ka, dec(relays.b), dec(outs.b)),
  }));
  await time("DLEQ verify, both", phases, async () => {
    zk.verifyDleqProof(
      zk.decodePointB64(zk.encodePoint(zk.Point.BASE.multiply(kb))),
      dec(relays.a),
      dec(outs.a),
      proofs.a,
    );
    zk.verifyDleqProof(
      zk.decodePointB64(zk.encodePoint(zk.Point.BASE.multiply(ka))),
      dec(relays.b),
      dec(outs.b),
      proofs.b,
    );
  });
  const sets = await time("unmask + count", phases, async () => {
    const ea = (await p.map("mul", outs.a, zk.invertScalar(ra))).map((x) =>
      zkProofs.toField(Buffer.from(x, "base64")),
    );
    const eb = (await p.map("mul", outs.b, zk.invertScalar(rb))).map((x) =>
      zkProofs.toField(Buffer.from(x, "base64")),
    );
    const sb = new Set(eb);
    return { ea, eb, count: ea.filter((x) => sb.has(x)).length };
  });
  let proved = "skipped";
  if (prove) {
    try {
      const layout = zkProofs.chooseLayout(sets.ea.length, sets.eb.length);
      const proof = await time(`prove (Groth16, ${layout.buckets}x${layout.bucketSize})`, phases, () =>
        zkProofs.proveOverlap({
          a: sets.ea,
          b: sets.eb,
          saltA: zkProofs.randomSalt(),
          saltB: zkProofs.randomSalt(),
          statement: { op: "eq", c: sets.count },
          layout,
        }),
      );
      await time("verify (Groth16)", phases, () => zkProofs.verifyOverlap(proof));
      proved = "yes";
    } catch (e) {
      proved = `not provable: ${e.code ?? e.message}`;
    }
  }
  return { phases, count: sets.count, proved };
}

async function openmined(a, b) {
  const PSI = await (await import("@openmined/psi.js")).default();
  const phases = {};
  const server = PSI.server.createWithNewKey(false);
  const client = PSI.client.createWithNewKey(false);
  const setup = await time("server setup", phases, () => server.createSetupMessage(1e-9, b.length, a));
  const req = await time("client request", phases, () => client.createRequest(b));
  const resp = await time("server response", phases, () => server.processRequest(req));
  const count = await time("client count", phases, () => client.getIntersectionSize(setup, resp));
  server.delete?.();
  client.delete?.();
  return { phases, count };
}

async function main() {
  const arg = (name, d) => {
    const i = process.argv.indexOf(`--${name}`);
    return i < 0 ? d : process.argv[i + 1];
  };
  const sizes = arg("sizes", "1000,10000").split(",").map(Number);
  const overlap = Number(arg("overlap", "0.1"));
  const prove = !process.argv.includes("--no-prove");
  const sdk = await import(SDK);
  const threads = Math.max(1, availableParallelism());
  const p = pool(threads);
  const sum = (o) => Object.values(o).reduce((x, y) => x + y, 0);
  console.log(`ZK-TX vs OpenMined PSI cardinality — ${threads} worker threads, overlap ${overlap * 100}%`);
  try {
    for (const n of sizes) {
      const { a, b, shared } = lists(n, overlap);
      const z = await zktx(sdk, p, a, b, prove);
      const o = await openmined(a, b);
      console.log(`\n## ${n} x ${n} selectors (shared: ${shared})`);
      for (const [k, v] of Object.entries(z.phases))
        console.log(`  zk-tx    ${k.padEnd(40)} ${v.toFixed(3)} s`);
      console.log(`  zk-tx    count ${z.count}, proved: ${z.proved}, total ${sum(z.phases).toFixed(3)} s`);
      for (const [k, v] of Object.entries(o.phases))
        console.log(`  openmined ${k.padEnd(39)} ${v.toFixed(3)} s`);
      console.log(`  openmined count ${o.count}, total ${sum(o.phases).toFixed(3)} s`);
      const ratio = sum(z.phases) / sum(o.phases);
      console.log(
        `  ratio zk-tx / openmined: ${ratio.toFixed(2)}x — aim (faster than OpenMined) ${ratio < 1 ? "MET" : "NOT met"}`,
      );
    }
  } finally {
    await p.close();
  }
}
