import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRemoteClient } from "../../src/client/remote.js";
import { isTfError } from "../../src/core/errors.js";
import { type AccessLogEntry, startServer } from "../../src/server/server.js";
import { TenantRegistry } from "../../src/server/tenants.js";
import { tmp } from "../support/clients.js";

const logs: AccessLogEntry[] = [];
let url = "";
let close: () => Promise<void>;
let keyA = "";
let keyB = "";
let home = "";

beforeAll(async () => {
  home = tmp("tf-srv-");
  const reg = new TenantRegistry(home);
  keyA = reg.issueKey("alpha").apiKey;
  keyB = reg.issueKey("beta").apiKey;
  const s = await startServer({
    home,
    accessLog: (e) => logs.push(e),
    maxBodyBytes: 64 * 1024,
    bodyTimeoutMs: 500,
  });
  url = s.url;
  close = s.close;
  const a = createRemoteClient({ url, apiKey: keyA });
  await a.log.init({ origin: "example.com/alpha" });
  await a.log.append({ entries: ["alpha secret entry"] });
  await a.close();
});
afterAll(async () => close?.());

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const r = await request(`${url}${path}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });
  const text = await r.body.text();
  return { status: r.statusCode, headers: r.headers, json: JSON.parse(text) };
}

describe("tf serve: bad input and security", () => {
  it("only hashes of API keys are stored", () => {
    const file = readFileSync(`${home}/server/tenants.json`, "utf8");
    expect(file).not.toContain(keyA);
    expect(file).not.toContain(keyA.slice(4, 20));
  });

  it("a missing API key is 401 TF_AUTH_MISSING; a wrong one 401 TF_AUTH_INVALID", async () => {
    const none = await post("/v1/ops/log.checkpoint", "{}");
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe("TF_AUTH_MISSING");
    const wrong = await post("/v1/ops/log.checkpoint", "{}", { authorization: "Bearer tfk_wrong" });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe("TF_AUTH_INVALID");
  });

  it("tenants are isolated: beta cannot see alpha's log or its entries", async () => {
    const b = createRemoteClient({ url, apiKey: keyB, retries: 0 });
    const err = await b.log.get({ index: 0 }).catch((e) => e);
    expect(isTfError(err, "TF_LOG_NOT_INITIALIZED")).toBe(true);
    await b.log.init({ origin: "example.com/beta" });
    const err2 = await b.log.get({ index: 0 }).catch((e) => e);
    expect(isTfError(err2, "TF_LOG_INDEX_OUT_OF_RANGE")).toBe(true);
    await b.close();
  });

  it("inputs naming server paths are refused with 403 TF_FORBIDDEN", async () => {
    const r = await post("/v1/ops/log.verify", JSON.stringify({ dir: "/etc", vkey: "x+00000000+AQ==" }), {
      authorization: `Bearer ${keyA}`,
    });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe("TF_FORBIDDEN");
  });

  it("oversized bodies are 413, malformed JSON 400, unknown operations 404, invalid input 400", async () => {
    const auth = { authorization: `Bearer ${keyA}` };
    const big = await post("/v1/ops/log.append", JSON.stringify({ entries: ["x".repeat(100_000)] }), auth);
    expect([big.status, big.json.error.code]).toEqual([413, "TF_REQUEST_TOO_LARGE"]);
    const bad = await post("/v1/ops/log.append", "{not json", auth);
    expect([bad.status, bad.json.error.code]).toEqual([400, "TF_JSON_MALFORMED"]);
    const arr = await post("/v1/ops/log.append", "[1,2]", auth);
    expect([arr.status, arr.json.error.code]).toEqual([400, "TF_INPUT_INVALID"]);
    const unknown = await post("/v1/ops/log.explode", "{}", auth);
    expect([unknown.status, unknown.json.error.code]).toEqual([404, "TF_UNKNOWN_OPERATION"]);
    const invalid = await post("/v1/ops/log.get", JSON.stringify({ index: "zero" }), auth);
    expect([invalid.status, invalid.json.error.code]).toEqual([400, "TF_INPUT_INVALID"]);
    const get = await request(`${url}/v1/ops/log.get`);
    expect(get.statusCode).toBe(404);
    await get.body.text();
  });

  it("a slow client that stops sending its body gets 408 TF_REQUEST_TIMEOUT", async () => {
    const port = Number(new URL(url).port);
    const answer = await new Promise<string>((resolve, reject) => {
      const sock = connect(port, "127.0.0.1", () => {
        sock.write(
          `POST /v1/ops/log.checkpoint HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${keyA}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`,
        );
      });
      let data = "";
      sock.on("data", (d) => {
        data += d.toString();
      });
      sock.on("close", () => resolve(data));
      sock.on("error", reject);
      setTimeout(() => sock.destroy(), 5_000);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain("TF_REQUEST_TIMEOUT");
  });

  it("idempotency keys replay the first answer and refuse reuse with another body", async () => {
    const auth = { authorization: `Bearer ${keyA}`, "idempotency-key": "k-123" };
    const first = await post("/v1/ops/log.append", JSON.stringify({ entries: ["once"] }), auth);
    const again = await post("/v1/ops/log.append", JSON.stringify({ entries: ["once"] }), auth);
    expect(first.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    const other = await post("/v1/ops/log.append", JSON.stringify({ entries: ["twice"] }), auth);
    expect([other.status, other.json.error.code]).toEqual([409, "TF_IDEMPOTENCY_CONFLICT"]);
    const cp = await post("/v1/ops/log.checkpoint", "{}", { authorization: `Bearer ${keyA}` });
    expect(cp.json.data.size).toBe(2); // "once" was appended exactly once
  });

  it("health, metrics and the OpenAPI document (the checked-in one)", async () => {
    const h = await request(`${url}/healthz`);
    expect(JSON.parse(await h.body.text())).toMatchObject({ ok: true, data: { status: "ok" } });
    const m = await request(`${url}/metrics`);
    const text = await m.body.text();
    expect(text).toContain("tf_http_requests_total");
    expect(text).toMatch(/tf_http_request_duration_seconds_bucket\{le="0.1",operation="log.append"\}/);
    const o = await request(`${url}/openapi.json`);
    const served = JSON.parse(await o.body.text());
    expect(served.openapi).toBe("3.1.0");
    expect(served).toEqual(
      JSON.parse(readFileSync(new URL("../../schemas/openapi.json", import.meta.url), "utf8")),
    );
  });

  it("access logs are structured and carry no API key and no entry data", () => {
    expect(logs.length).toBeGreaterThan(5);
    const all = JSON.stringify(logs);
    expect(all).not.toContain(keyA);
    expect(all).not.toContain("alpha secret entry");
    expect(logs.some((l) => l.tenant === "alpha" && l.operation === "log.append" && l.status === 200)).toBe(
      true,
    );
  });

  it("an unreachable server is TF_SERVER_UNAVAILABLE after bounded retries", async () => {
    const c = createRemoteClient({
      url: "http://127.0.0.1:1",
      apiKey: keyA,
      retries: 2,
      backoffMs: 5,
      timeoutMs: 1000,
    });
    const err = await c.log.checkpoint({}).catch((e) => e);
    expect(isTfError(err, "TF_SERVER_UNAVAILABLE")).toBe(true);
    expect(err.exitCode).toBe(5);
    await c.close();
  });
});

describe("tf serve: the ZK curve between requests", () => {
  it("stays built between ZK requests, and is let go when the server closes", async () => {
    // proving builds ffjavascript's curve (verifying does not need it)
    const { CURVE_IDLE_MS, withCurve } = await import("../../src/zk/curve.js");
    const s = await startServer({ home, accessLog: () => {} });
    const built = () => Boolean((globalThis as { curve_bn128?: unknown }).curve_bn128);
    const use = () => withCurve(async () => undefined);
    try {
      await use();
      // well past the idle time of a curve nobody keeps warm: still built
      await new Promise((r) => setTimeout(r, 4 * CURVE_IDLE_MS));
      expect(built()).toBe(true);
      await use();
    } finally {
      await s.close();
    }
    // the outer server of this file keeps it warm too: after both close, it goes
    await close();
    close = async () => {};
    await new Promise((r) => setTimeout(r, 4 * CURVE_IDLE_MS));
    expect(built()).toBe(false);
  });
});
