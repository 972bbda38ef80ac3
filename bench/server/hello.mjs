#!/usr/bin/env node
// The HTTP ceiling for bench/server/throughput.mjs: a bare node:http server on loopback with
// `tf serve`'s timeouts, which reads the request body and answers a fixed JSON body of the
// size given (what log.verifyProof answers). No routing, auth, validation, metrics or logs.
//
//   node bench/server/hello.mjs [RESPONSE_BYTES]     prints its URL on stdout, stops on SIGTERM
import { createServer } from "node:http";

const size = Number(process.argv[2] ?? 160);
const prefix = '{"ok":true,"data":{"pad":"';
const body = `${prefix}${"x".repeat(Math.max(0, size - prefix.length - 3))}"}}`;

const server = createServer({ requestTimeout: 0, keepAliveTimeout: 5_000 }, (req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    res.writeHead(200, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(body),
      "Cache-Control": "no-store",
    });
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
