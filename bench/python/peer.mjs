#!/usr/bin/env node
// The Node side of bench/python/overhead.py. Two modes, both driven over stdin/stdout by
// the Python process, one JSON line per line:
//
//   engine: the TypeScript baseline. Each request line {"op", "input", "calls", "warmup"?}
//           runs the operation in-process through createLocalClient (no pipe, no JSON per
//           call) and answers {"ok": true, "samplesNs": [...]}: one timing per call. With
//           {"op", "input", "paced": true} it runs one call and answers {"ok": true, "ns"}.
//   echo:   the pipe floor. Each request line {id, op, input} is answered at once with
//           {id, ok: true, data} (the data given by --reply-file), without the engine: what
//           any Python ↔ Node JSON-lines round trip costs on this machine.
//
//   node bench/python/peer.mjs engine --sdk sdk-ts/dist/index.js --home DIR
//   node bench/python/peer.mjs echo --reply-file FILE
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const [mode, ...rest] = process.argv.slice(2);
const opts = {};
for (let i = 0; i < rest.length; i += 2) opts[rest[i].replace(/^--/, "")] = rest[i + 1];

if (mode === "engine") {
  const sdk = await import(pathToFileURL(opts.sdk).href);
  const client = sdk.createLocalClient({ home: opts.home });
  const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    if (line.trim() === "") continue;
    const { op, input = {}, calls, warmup = 0, paced = false } = JSON.parse(line);
    if (paced) {
      // One call per request line, timed inside Node: the operation as the driver runs it,
      // between pipe round trips (caches and branch predictors no longer warm from a loop).
      const t0 = process.hrtime.bigint();
      await client.call(op, input);
      process.stdout.write(`{"ok":true,"ns":${Number(process.hrtime.bigint() - t0)}}\n`);
      continue;
    }
    try {
      for (let i = 0; i < warmup; i++) await client.call(op, input);
      const samplesNs = new Array(calls);
      for (let i = 0; i < calls; i++) {
        const t0 = process.hrtime.bigint();
        await client.call(op, input);
        samplesNs[i] = Number(process.hrtime.bigint() - t0);
      }
      process.stdout.write(`${JSON.stringify({ ok: true, samplesNs })}\n`);
    } catch (e) {
      process.stdout.write(`${JSON.stringify({ ok: false, error: String(e?.message ?? e) })}\n`);
    }
  }
} else if (mode === "echo") {
  // The thinnest JSON-lines loop: a raw 'data' handler, parse, answer.
  const data = JSON.parse(readFileSync(opts["reply-file"], "utf8"));
  let buf = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => {
    buf += chunk;
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const req = JSON.parse(line);
      process.stdout.write(`${JSON.stringify({ id: req.id, ok: true, data })}\n`);
    }
  });
  process.stdout.write(`${JSON.stringify({ id: 0, ok: true, data: { ready: true } })}\n`);
} else {
  process.stderr.write("usage: peer.mjs engine --sdk FILE --home DIR | echo --reply-file FILE\n");
  process.exit(2);
}
