/**
 * The thin HTTP server: the operation table over HTTP/JSON. Routes, OpenAPI document and
 * validation all come from the table; this file only does transport, auth, limits and logs.
 *
 *   POST /v1/ops/<operation>   body: the operation's input → {ok, data} | {ok: false, error}
 *   GET  /openapi.json         the OpenAPI 3.1 document
 *   GET  /healthz              liveness
 *   GET  /metrics              Prometheus text format
 */
import { randomUUID } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { canonicalJson, sha256 } from "../core/canonical.js";
import { toHex, utf8 } from "../core/encoding.js";
import { type ErrorBody, TfError, toTfError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fsutil.js";
import { getOperation, type OperationName, runOperation } from "../engine/index.js";
import { ENGINE_VERSION } from "../version.js";
import { keepCurveWarm } from "../zk/curve.js";
import { openApiDocument } from "./openapi.js";
import { TenantRegistry, type TenantsFile } from "./tenants.js";

export interface ServerOptions {
  /** Server data directory: tenants.json and one data directory per tenant. */
  home: string;
  host?: string;
  port?: number;
  maxBodyBytes?: number;
  /** Time allowed to receive a request body after its headers. */
  bodyTimeoutMs?: number;
  /** Time allowed to receive the request headers (slow clients). */
  headersTimeoutMs?: number;
  /** Structured access log sink (one object per request); default: JSON lines on stderr. */
  accessLog?: (entry: AccessLogEntry) => void;
  /**
   * Keep the ZK curve built between requests (30 s after the last one instead of 150 ms; it takes
   * ~0.25 s to build). Default true; close() lets it go.
   */
  keepCurveWarm?: boolean;
}

export interface AccessLogEntry {
  time: string;
  requestId: string;
  method: string;
  path: string;
  operation?: string;
  tenant?: string;
  status: number;
  code?: string;
  durationMs: number;
  bytesIn: number;
  bytesOut: number;
  replayed?: boolean;
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const OPS_PREFIX = "/v1/ops/";

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const handler = createHandler(options);
  await handler.ready;
  const server = createServer(
    { headersTimeout: options.headersTimeoutMs ?? 10_000, requestTimeout: 0, keepAliveTimeout: 5_000 },
    handler.handle,
  );
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const timeout = err.code === "ERR_HTTP_REQUEST_TIMEOUT" || err.code === "ERR_HTTP_HEADERS_TIMEOUT";
    const e = timeout
      ? new TfError("TF_REQUEST_TIMEOUT", "The request headers were not received in time")
      : new TfError("TF_USAGE", "Malformed HTTP request");
    const body = JSON.stringify({ ok: false, error: e.toJSON() });
    socket.end(
      `HTTP/1.1 ${e.httpStatus} ${timeout ? "Request Timeout" : "Bad Request"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) => reject(toTfError(e)));
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const cool = options.keepCurveWarm === false ? () => {} : keepCurveWarm();
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          cool();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** The request handler, separate from listening so it can be tested and embedded. */
export function createHandler(options: ServerOptions) {
  const registry = new TenantRegistry(options.home);
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const bodyTimeout = options.bodyTimeoutMs ?? 10_000;
  const accessLog =
    options.accessLog ?? ((e: AccessLogEntry) => process.stderr.write(`${JSON.stringify(e)}\n`));
  const openapi = JSON.stringify(openApiDocument());
  const inflightIdem = new Map<string, Promise<StoredResponse>>();

  // Tenants are re-read when the file changes, so `tf serve tenants add` needs no restart.
  let tenants: { mtimeMs: number; file: TenantsFile } | null = null;
  const currentTenants = (): TenantsFile => {
    const path = registry.path;
    const mtimeMs = statMtime(path); // one stat per request; 0 when the file is missing
    if (!tenants || tenants.mtimeMs !== mtimeMs) tenants = { mtimeMs, file: registry.load() };
    return tenants.file;
  };

  // prom-client (with OpenTelemetry) takes ~50 ms to load: only a server loads it, not every
  // process that imports the SDK. startServer waits for it before listening.
  const ready = import("prom-client").then(({ Counter, Gauge, Histogram, Registry }) => {
    const metrics = new Registry();
    return {
      metrics,
      requests: new Counter({
        name: "tf_http_requests_total",
        help: "HTTP requests by operation and status",
        labelNames: ["operation", "status"],
        registers: [metrics],
      }),
      duration: new Histogram({
        name: "tf_http_request_duration_seconds",
        help: "HTTP request duration by operation",
        labelNames: ["operation"],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [metrics],
      }),
      inflight: new Gauge({
        name: "tf_http_requests_in_flight",
        help: "Requests being served",
        registers: [metrics],
      }),
    };
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { requests, duration, inflight } = await ready;
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    const url = new URL(req.url ?? "/", "http://localhost");
    const entry: AccessLogEntry = {
      time: new Date().toISOString(),
      requestId,
      method: req.method ?? "?",
      path: url.pathname,
      status: 0,
      durationMs: 0,
      bytesIn: 0,
      bytesOut: 0,
    };
    inflight.inc();
    res.setHeader("X-Request-Id", requestId);
    try {
      const out = await route(req, url, entry);
      send(res, out.status, out.body, out.contentType, out.headers);
      entry.status = out.status;
      entry.bytesOut = Buffer.byteLength(out.body);
    } catch (e) {
      const err = toTfError(e);
      const body = JSON.stringify({ ok: false, error: err.toJSON() });
      send(res, err.httpStatus, body);
      entry.status = err.httpStatus;
      entry.code = err.code;
      entry.bytesOut = Buffer.byteLength(body);
      if (err.code === "TF_REQUEST_TIMEOUT" || err.code === "TF_REQUEST_TOO_LARGE") req.destroy();
    } finally {
      inflight.dec();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      entry.durationMs = Math.round(seconds * 1e6) / 1e3;
      const label = entry.operation ?? "-";
      requests.inc({ operation: label, status: String(entry.status) });
      duration.observe({ operation: label }, seconds);
      accessLog(entry);
    }
  }

  interface Routed {
    status: number;
    body: string;
    contentType?: string;
    headers?: Record<string, string>;
  }

  async function route(req: IncomingMessage, url: URL, entry: AccessLogEntry): Promise<Routed> {
    if (req.method === "GET" && url.pathname === "/healthz") {
      return {
        status: 200,
        body: JSON.stringify({ ok: true, data: { status: "ok", engineVersion: ENGINE_VERSION } }),
      };
    }
    if (req.method === "GET" && url.pathname === "/openapi.json") return { status: 200, body: openapi };
    if (req.method === "GET" && url.pathname === "/metrics") {
      const { metrics } = await ready;
      return { status: 200, body: await metrics.metrics(), contentType: metrics.contentType };
    }
    if (req.method !== "POST" || !url.pathname.startsWith(OPS_PREFIX)) {
      throw new TfError("TF_UNKNOWN_OPERATION", `No route ${req.method} ${url.pathname}`, {
        details: { path: url.pathname },
      });
    }
    const name = decodeURIComponent(url.pathname.slice(OPS_PREFIX.length));
    let op: ReturnType<typeof getOperation>;
    try {
      op = getOperation(name);
    } catch {
      throw new TfError("TF_UNKNOWN_OPERATION", `Unknown operation ${JSON.stringify(name)}`, {
        details: { operation: name },
      });
    }
    entry.operation = name;
    const tenant = registry.authenticate(currentTenants(), bearer(req));
    entry.tenant = tenant;
    const raw = await readBody(req, maxBody, bodyTimeout);
    entry.bytesIn = raw.length;
    let input: unknown;
    try {
      input = raw.length === 0 ? {} : JSON.parse(raw.toString("utf8"));
    } catch (e) {
      throw new TfError("TF_JSON_MALFORMED", "The request body is not valid JSON", { cause: e });
    }
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
      throw new TfError("TF_INPUT_INVALID", "The request body must be a JSON object");
    }
    for (const field of op.pathInputs ?? []) {
      if ((input as Record<string, unknown>)[field] !== undefined) {
        throw new TfError(
          "TF_FORBIDDEN",
          `${name}: \`${field}\` names a server path and is not accepted over HTTP`,
          {
            details: { operation: name, field },
          },
        );
      }
    }
    const home = registry.tenantHome(tenant);
    const run = async (): Promise<StoredResponse> => {
      try {
        const data = await runOperation(name as OperationName, input as never, { home });
        return { status: 200, body: JSON.stringify({ ok: true, data }) };
      } catch (e) {
        const err = toTfError(e);
        entry.code = err.code;
        return {
          status: err.httpStatus,
          body: JSON.stringify({ ok: false, error: err.toJSON() satisfies ErrorBody }),
        };
      }
    };
    const idemKey = header(req, "idempotency-key");
    if (op.idempotent || !idemKey) return run();

    // Non-idempotent operation with a key: the first completed answer is stored and replayed.
    const digest = toHex(sha256(utf8(`${name}\n${canonicalJsonSafe(input)}`)));
    const keyHash = toHex(sha256(utf8(idemKey)));
    const path = join(home, "idempotency", `${keyHash}.json`);
    const inflightKey = `${tenant}/${keyHash}`;
    const stored = readStored(path);
    if (stored) return replay(stored, digest, entry);
    const pending = inflightIdem.get(inflightKey);
    if (pending) return replay({ ...(await pending), digest }, digest, entry);
    const p = run().then((r) => {
      // Server faults are not stored: a retry should run again.
      if (r.status < 500) writeFileAtomic(path, JSON.stringify({ ...r, digest }), { mode: 0o600 });
      return r;
    });
    inflightIdem.set(inflightKey, p);
    try {
      return await p;
    } finally {
      inflightIdem.delete(inflightKey);
    }
  }

  return { handle, ready: ready.then(() => undefined) };
}

interface StoredResponse {
  status: number;
  body: string;
  digest?: string;
}

function replay(stored: StoredResponse, digest: string, entry: AccessLogEntry) {
  if (stored.digest !== digest) {
    throw new TfError(
      "TF_IDEMPOTENCY_CONFLICT",
      "This Idempotency-Key was already used for a different request",
    );
  }
  entry.replayed = true;
  return { status: stored.status, body: stored.body, headers: { "Idempotent-Replayed": "true" } };
}

function readStored(path: string): StoredResponse | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as StoredResponse;
  } catch {
    return null;
  }
}

function canonicalJsonSafe(v: unknown): string {
  try {
    return canonicalJson(v);
  } catch {
    return JSON.stringify(v);
  }
}

function statMtime(path: string): number {
  try {
    return statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  } catch {
    return 0;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function bearer(req: IncomingMessage): string | undefined {
  const auth = header(req, "authorization");
  if (!auth) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  return m ? m[1] : undefined;
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = "application/json",
  headers: Record<string, string> = {},
) {
  if (res.headersSent) return;
  res.writeHead(status, {
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(body);
}

/** Reads the body with a size limit (checked early from Content-Length) and a time limit. */
function readBody(req: IncomingMessage, max: number, timeoutMs: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > max) {
    return Promise.reject(
      new TfError("TF_REQUEST_TOO_LARGE", `The request body is ${declared} bytes; the limit is ${max}`, {
        details: { max },
      }),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new TfError("TF_REQUEST_TIMEOUT", `The request body was not received within ${timeoutMs} ms`, {
          details: { timeoutMs },
        }),
      );
    }, timeoutMs);
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > max) {
        cleanup();
        reject(
          new TfError("TF_REQUEST_TOO_LARGE", `The request body exceeds ${max} bytes`, { details: { max } }),
        );
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(toTfError(e));
    };
    const cleanup = () => {
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}
