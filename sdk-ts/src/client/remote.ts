/**
 * RemoteClient: the same interface as LocalClient, over HTTP to `tf serve` (undici).
 * Timeouts on every call; retries with exponential backoff and jitter for idempotent
 * operations, and for the others only with an Idempotency-Key the server replays.
 */
import { randomUUID } from "node:crypto";
import type { Dispatcher } from "undici";
import { fromErrorBody, TfError } from "../core/errors.js";
import {
  getOperation,
  type OperationInput,
  type OperationName,
  type OperationOutput,
  operations,
  parseOperationInput,
} from "../engine/index.js";
import { withMethods } from "./local.js";
import type { TrustFabricClient, TypedOperations } from "./types.js";

export interface RemoteClientOptions {
  /** Base URL of `tf serve`, e.g. http://127.0.0.1:8787 */
  url: string;
  apiKey?: string;
  timeoutMs?: number;
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** First backoff delay; doubles each retry, with jitter (default 100 ms). */
  backoffMs?: number;
  dispatcher?: Dispatcher;
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);

export class RemoteClient implements TrustFabricClient {
  private readonly base: string;
  /** Created at the first call: undici takes ~0.1 s to load, which local-only CLI calls skip. */
  private dispatcher: Promise<Dispatcher> | undefined;

  constructor(private readonly options: RemoteClientOptions) {
    let u: URL;
    try {
      u = new URL(options.url);
    } catch {
      throw new TfError("TF_USAGE", `Not a URL: ${JSON.stringify(options.url)}`, {
        remedy: "Use a URL such as http://127.0.0.1:8787.",
      });
    }
    if (u.protocol !== "http:" && u.protocol !== "https:")
      throw new TfError("TF_USAGE", `Unsupported URL scheme ${u.protocol}`);
    this.base = u.toString().replace(/\/$/, "");
  }

  private agent(): Promise<Dispatcher> {
    this.dispatcher ??= this.options.dispatcher
      ? Promise.resolve(this.options.dispatcher)
      : import("undici").then(({ Agent }) => new Agent({ keepAliveTimeout: 4_000, connections: 64 }));
    return this.dispatcher;
  }

  async call<K extends OperationName>(name: K, input?: OperationInput<K>): Promise<OperationOutput<K>> {
    const op = getOperation(name);
    // Validate locally first: bad input never costs a round trip and fails the same way as locally.
    parseOperationInput(name, input);
    const body = JSON.stringify(input ?? {});
    const idempotencyKey = op.idempotent ? undefined : randomUUID();
    const retries = this.options.retries ?? 3;
    let last: TfError | null = null;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(backoff(this.options.backoffMs ?? 100, attempt));
      try {
        return (await this.once(name, body, idempotencyKey)) as OperationOutput<K>;
      } catch (e) {
        if (!(e instanceof Retryable)) throw e;
        last = e.error;
      }
    }
    throw last!;
  }

  private async once(name: string, body: string, idempotencyKey?: string): Promise<unknown> {
    const timeout = this.options.timeoutMs ?? 30_000;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "trustfabric-sdk-ts",
    };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
    const [{ request }, dispatcher] = await Promise.all([import("undici"), this.agent()]);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(`${this.base}/v1/ops/${encodeURIComponent(name)}`, {
        method: "POST",
        body,
        headers,
        dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    } catch (e) {
      throw new Retryable(
        new TfError("TF_SERVER_UNAVAILABLE", `Cannot reach ${this.base}: ${(e as Error).message}`, {
          cause: e,
          details: { url: this.base },
        }),
      );
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (e) {
      throw new Retryable(
        new TfError("TF_SERVER_UNAVAILABLE", `The response from ${this.base} was cut off`, { cause: e }),
      );
    }
    let env: {
      ok?: boolean;
      data?: unknown;
      error?: { code?: string; message?: string; remedy?: string; details?: Record<string, unknown> };
    };
    try {
      env = JSON.parse(text);
    } catch {
      const err = new TfError(
        "TF_SERVER_PROTOCOL",
        `HTTP ${res.statusCode} from ${this.base} without a JSON envelope`,
        {
          details: { status: res.statusCode },
        },
      );
      if (RETRY_STATUS.has(res.statusCode)) throw new Retryable(err);
      throw err;
    }
    if (env.ok === true)
      return (operations as Record<string, { output: { parse(v: unknown): unknown } }>)[name]!.output.parse(
        env.data,
      );
    const err = fromErrorBody(
      { ...env.error, message: env.error?.message ?? `HTTP ${res.statusCode}` },
      "TF_SERVER_PROTOCOL",
      { status: res.statusCode },
    );
    if (RETRY_STATUS.has(res.statusCode)) throw new Retryable(err);
    throw err;
  }

  async close(): Promise<void> {
    if (!this.options.dispatcher && this.dispatcher) await (await this.dispatcher).close();
  }
}

class Retryable extends Error {
  constructor(readonly error: TfError) {
    super(error.message);
  }
}

function backoff(base: number, attempt: number): number {
  const d = base * 2 ** (attempt - 1);
  return d / 2 + Math.random() * (d / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function createRemoteClient(options: RemoteClientOptions): RemoteClient & TypedOperations {
  return withMethods(new RemoteClient(options));
}
