/**
 * Batch evaluation: one request per line (JSON Lines) in, one result per line out, in order.
 * A bad line yields an error result for that line and the run goes on. `runBatch` streams: it
 * holds one chunk of lines at a time, so a file of any length runs in bounded memory, and each
 * chunk can be decided in-process or sent to a server (bounded request size).
 */
import { isTfError, TfError } from "../core/errors.js";
import type { CompiledPolicy, DecideOptions, Decision } from "./compile.js";

export interface BatchLineResult<D extends { decision: "allow" | "deny" } = Decision> {
  /** 1-based line number in the input. */
  line: number;
  decision?: D;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

/** Longest accepted request line. */
export const MAX_BATCH_LINE_BYTES = 256 * 1024;

/** Decides every non-blank line of `text`; line numbers start at `firstLine`. */
export function decideLines(
  compiled: CompiledPolicy,
  text: string,
  options: DecideOptions & { firstLine?: number } = {},
): BatchLineResult[] {
  const first = options.firstLine ?? 1;
  const out: BatchLineResult[] = [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === "") continue;
    const line = first + i;
    try {
      let request: unknown;
      try {
        request = JSON.parse(raw);
      } catch (e) {
        throw new TfError("TF_JSON_MALFORMED", `line ${line} is not valid JSON: ${(e as Error).message}`);
      }
      if (request === null || typeof request !== "object" || Array.isArray(request))
        throw new TfError(
          "TF_LAC_REQUEST_INVALID",
          `line ${line} must be one JSON object {subject, resource, action, context}`,
        );
      out.push({ line, decision: compiled.decide(request as never, options) });
    } catch (e) {
      if (!isTfError(e)) throw e;
      out.push({ line, error: errorOf(e) });
    }
  }
  return out;
}

const errorOf = (e: TfError) => ({
  code: e.code,
  message: e.message,
  ...(Object.keys(e.details).length ? { details: e.details } : {}),
});

export interface BatchChunk {
  /** Lines joined by "\n"; oversized or non-UTF-8 lines are blanked (their errors come from runBatch). */
  requests: string;
  firstLine: number;
}

export interface BatchSummary {
  lines: number;
  decided: number;
  failed: number;
  allowed: number;
  denied: number;
}

export interface RunBatchOptions {
  /** Lines per chunk (default 1000). */
  maxLines?: number;
  /** Bytes per chunk (default 256 KiB: with JSON escaping and the policy, a request stays under the server's 1 MiB body limit). */
  maxBytes?: number;
}

/**
 * Streams `source` (bytes or text, e.g. a file read stream) through `decideChunk` and emits one
 * result per non-blank line, in input order.
 */
export async function runBatch<D extends { decision: "allow" | "deny" } = Decision>(
  source: AsyncIterable<Uint8Array | string>,
  decideChunk: (chunk: BatchChunk) => Promise<BatchLineResult<D>[]> | BatchLineResult<D>[],
  emit: (result: BatchLineResult<D>) => void | Promise<void>,
  options: RunBatchOptions = {},
): Promise<BatchSummary> {
  const maxLines = options.maxLines ?? 1000;
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const summary: BatchSummary = { lines: 0, decided: 0, failed: 0, allowed: 0, denied: 0 };
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let lines: string[] = [];
  let local: BatchLineResult<D>[] = []; // errors found here (too long, not UTF-8)
  let bytes = 0;
  let firstLine = 1;
  let lineNo = 0;
  let partial: Buffer[] = [];
  let partialLen = 0;
  let overlong = false;

  const record = async (r: BatchLineResult<D>) => {
    if (r.error) summary.failed++;
    else {
      summary.decided++;
      if (r.decision!.decision === "allow") summary.allowed++;
      else summary.denied++;
    }
    await emit(r);
  };
  const flush = async () => {
    if (lines.length === 0) return;
    const results = lines.some((l) => l.trim() !== "")
      ? await decideChunk({ requests: lines.join("\n"), firstLine })
      : [];
    const merged = [...results, ...local].sort((a, b) => a.line - b.line);
    for (const r of merged) await record(r);
    firstLine += lines.length;
    lines = [];
    local = [];
    bytes = 0;
  };
  const endLine = async () => {
    lineNo++;
    summary.lines++;
    let text = "";
    if (overlong) {
      local.push({
        line: lineNo,
        error: {
          code: "TF_LAC_REQUEST_INVALID",
          message: `line ${lineNo} is longer than ${MAX_BATCH_LINE_BYTES} bytes`,
        },
      });
    } else {
      const buf = Buffer.concat(partial, partialLen);
      try {
        text = decoder.decode(buf);
      } catch {
        local.push({
          line: lineNo,
          error: { code: "TF_LAC_REQUEST_INVALID", message: `line ${lineNo} is not valid UTF-8` },
        });
      }
    }
    if (text.endsWith("\r")) text = text.slice(0, -1);
    lines.push(text);
    bytes += text.length + 1;
    partial = [];
    partialLen = 0;
    overlong = false;
    if (lines.length >= maxLines || bytes >= maxBytes) await flush();
  };
  const take = (b: Buffer) => {
    if (overlong) return;
    if (partialLen + b.length > MAX_BATCH_LINE_BYTES) {
      overlong = true;
      partial = [];
      partialLen = 0;
      return;
    }
    partial.push(b);
    partialLen += b.length;
  };

  for await (const chunk of source) {
    let buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
    for (;;) {
      const nl = buf.indexOf(0x0a);
      if (nl < 0) {
        take(buf);
        break;
      }
      take(buf.subarray(0, nl));
      await endLine();
      buf = buf.subarray(nl + 1);
    }
  }
  if (partialLen > 0 || overlong) await endLine();
  await flush();
  return summary;
}

/** Decides a chunk in-process with an already compiled policy (what `lac.evalBatch` does). */
export const localChunkDecider =
  (compiled: CompiledPolicy, options: DecideOptions = {}) =>
  (chunk: BatchChunk): BatchLineResult[] =>
    decideLines(compiled, chunk.requests, { ...options, firstLine: chunk.firstLine });
