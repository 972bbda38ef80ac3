/**
 * Audit records of decisions (trustfabric.dev/lac/audit/v1), appended to
 * <home>/lac/audit/YYYY-MM-DD.jsonl (UTC day of the decision). Each append is one write of whole
 * lines followed by fsync, under a lock: an acknowledged record is durable. Records are chained
 * per file (each carries the digest of the one before), so `verify` finds edits, deletions and
 * reordering. A crash mid-append leaves a torn last line: readers skip it with a warning, and the
 * next append starts on a fresh line, so it never corrupts a complete record.
 */
import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { digestBytes, digestJson } from "../core/canonical.js";
import { TfError } from "../core/errors.js";
import { fsyncDir } from "../core/fsutil.js";
import { DirLock } from "../ledger/lock.js";
import type { Decision, LacRequest } from "./compile.js";

export const AUDIT_SCHEMA = "trustfabric.dev/lac/audit/v1";
/** The context attribute an access must state its reason in. */
export const REASON_ATTRIBUTE = "context.reasonForAccess";

export interface AuditRecord {
  schema: typeof AUDIT_SCHEMA;
  /** ISO 8601 UTC time of the decision. */
  time: string;
  decision: "allow" | "deny";
  policyDecision: "allow" | "deny";
  mode: "audit" | "enforce";
  decidingRules: string[];
  defaulted: boolean;
  /** Reason keys (texts are localized renderings of them, not evidence). */
  reasons: string[];
  obligations: Decision["obligations"];
  policy: { name: string; version: string; digest: string };
  request: { digest: string };
  /** The request's context.reasonForAccess, bound into the record. */
  reasonForAccess: { required: boolean; present: boolean; value?: string };
  /** Findings a reviewer should look at, e.g. "reason-for-access-missing". */
  flags: string[];
  /** Digest of the previous record of the same file; null for the first. */
  prev: string | null;
  /** sha256 of the canonical JSON (RFC 8785) of this record without `digest`. */
  digest: string;
}

export type AuditDraft = Omit<AuditRecord, "prev" | "digest">;

export interface AuditInput {
  decision: Decision;
  request: LacRequest;
  /** The policy's bytes (or text) as given: their digest identifies the exact policy. */
  policySource: string | Uint8Array;
  /** Attribute names the schema declares: reasonForAccess is required when it is one of them. */
  schemaAttributes: readonly string[];
  time: Date;
}

/** The record of one decision (not yet chained). */
export function auditRecord(input: AuditInput): AuditDraft {
  const { decision: d, request } = input;
  const raw = request.context?.reasonForAccess;
  const value = typeof raw === "string" && raw.trim() !== "" ? raw : undefined;
  const required = input.schemaAttributes.includes(REASON_ATTRIBUTE);
  const flags: string[] = [];
  if (required && value === undefined) flags.push("reason-for-access-missing");
  if (d.mode === "audit" && d.policyDecision === "deny") flags.push("would-deny");
  const bytes =
    typeof input.policySource === "string" ? Buffer.from(input.policySource, "utf8") : input.policySource;
  return {
    schema: AUDIT_SCHEMA,
    time: input.time.toISOString(),
    decision: d.decision,
    policyDecision: d.policyDecision,
    mode: d.mode,
    decidingRules: d.decidingRules,
    defaulted: d.defaulted,
    reasons: d.reasons.map((r) => r.key),
    obligations: d.obligations,
    policy: { name: d.policy.name, version: d.policy.version, digest: digestBytes(bytes) },
    request: { digest: digestJson(request) },
    reasonForAccess: { required, present: value !== undefined, ...(value === undefined ? {} : { value }) },
    flags,
  };
}

export const auditDir = (home: string): string => join(home, "lac", "audit");
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const fileOf = (time: string) => `${time.slice(0, 10)}.jsonl`;

/** The last complete line of an open file (read backwards in chunks) and whether a torn fragment follows it. */
function tail(fd: number): { last?: string; torn: boolean; size: number } {
  const size = fstatSync(fd).size;
  if (size === 0) return { torn: false, size };
  let buf = Buffer.alloc(0);
  let pos = size;
  for (;;) {
    const n = Math.min(65536, pos);
    pos -= n;
    const chunk = Buffer.alloc(n);
    readSync(fd, chunk, 0, n, pos);
    buf = Buffer.concat([chunk, buf]);
    const torn = buf[buf.length - 1] !== 0x0a;
    const end = buf.lastIndexOf(0x0a); // closes the last complete line
    const start = end > 0 ? buf.lastIndexOf(0x0a, end - 1) : -1;
    if (end >= 0 && (start >= 0 || pos === 0))
      return { last: buf.subarray(start + 1, end).toString("utf8"), torn, size };
    if (pos === 0) return { torn, size };
  }
}

function lastDigest(line: string | undefined): string | null {
  if (line === undefined) return null;
  try {
    const r = JSON.parse(line) as { digest?: unknown };
    return typeof r.digest === "string" ? r.digest : null;
  } catch {
    return null;
  }
}

function scanLastDigest(path: string): string | null {
  const lines = readFileSync(path, "utf8").split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const d = lastDigest(lines[i]);
    if (d !== null) return d;
  }
  return null;
}

/**
 * Appends records (chained, one write, fsync) to the day files of their times. Returns where
 * they went; when it returns, every record is on disk.
 */
export function appendAuditRecords(
  home: string,
  drafts: readonly AuditDraft[],
): { file: string; records: AuditRecord[] }[] {
  if (drafts.length === 0) return [];
  const dir = auditDir(home);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new TfError("TF_HOME_UNWRITABLE", `Cannot create ${dir}: ${(e as Error).message}`, { cause: e });
  }
  const byFile = new Map<string, AuditDraft[]>();
  for (const d of drafts) {
    const f = fileOf(d.time);
    byFile.set(f, [...(byFile.get(f) ?? []), d]);
  }
  const lock = new DirLock(join(dir, ".lock"));
  lock.acquire();
  try {
    const out: { file: string; records: AuditRecord[] }[] = [];
    for (const [name, list] of byFile) {
      const path = join(dir, name);
      const fd = openSync(path, "a+", 0o644);
      try {
        const t = tail(fd);
        // The line before a closed-off fragment may itself be one: then look further back.
        let prev = lastDigest(t.last) ?? (t.last === undefined ? null : scanLastDigest(path));
        const records = list.map((draft) => {
          const body = { ...draft, prev };
          const rec = { ...body, digest: digestJson(body) } as AuditRecord;
          prev = rec.digest;
          return rec;
        });
        // A torn fragment (crash mid-append) is closed off so the new records start on their own line.
        const text = (t.torn ? "\n" : "") + records.map((r) => `${JSON.stringify(r)}\n`).join("");
        const bytes = Buffer.from(text, "utf8");
        let off = 0;
        while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
        fsyncSync(fd);
        if (t.size === 0) fsyncDir(dir);
        out.push({ file: join("lac", "audit", name), records });
      } finally {
        closeSync(fd);
      }
    }
    return out;
  } finally {
    lock.release();
  }
}

export interface AuditWarning {
  file: string;
  line: number;
  message: string;
}

export interface AuditFileRead {
  file: string;
  records: { line: number; record: AuditRecord }[];
  warnings: AuditWarning[];
  /** Lines that are not JSON records (torn fragments or damage), with their text's start. */
  unreadable: { line: number; last: boolean }[];
}

/** Reads one audit file; unreadable lines are skipped with a warning, never fatal. */
export function readAuditFile(home: string, name: string): AuditFileRead {
  const text = readFileSync(join(auditDir(home), name), "utf8");
  const lines = text.split("\n");
  const endsClean = text.endsWith("\n") || text === "";
  if (endsClean) lines.pop();
  const file = join("lac", "audit", name);
  const out: AuditFileRead = { file, records: [], warnings: [], unreadable: [] };
  lines.forEach((l, i) => {
    if (l.trim() === "") return;
    const last = i === lines.length - 1 && !endsClean;
    let r: unknown;
    try {
      r = JSON.parse(l);
    } catch {
      r = undefined;
    }
    if (r === null || typeof r !== "object" || (r as { schema?: unknown }).schema !== AUDIT_SCHEMA) {
      out.unreadable.push({ line: i + 1, last });
      out.warnings.push({
        file,
        line: i + 1,
        message: last
          ? "torn last line (an append was interrupted before it was acknowledged): skipped"
          : "not an audit record: skipped",
      });
      return;
    }
    out.records.push({ line: i + 1, record: r as AuditRecord });
  });
  return out;
}

function auditFiles(home: string, date?: string): string[] {
  if (date !== undefined && !DAY.test(date))
    throw new TfError("TF_USAGE", `--date must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
  let names: string[];
  try {
    names = readdirSync(auditDir(home));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  return names
    .filter((n) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(n) && (date === undefined || n === `${date}.jsonl`))
    .sort();
}

export interface AuditListOptions {
  date?: string;
  decision?: "allow" | "deny";
  /** Only records carrying this flag (e.g. reason-for-access-missing). */
  flag?: string;
  /** The last `limit` matching records (default 100). */
  limit?: number;
}

/** Matching records, oldest first, with the warnings met on the way. */
export function listAudit(
  home: string,
  options: AuditListOptions = {},
): { total: number; records: (AuditRecord & { file: string; line: number })[]; warnings: AuditWarning[] } {
  const limit = options.limit ?? 100;
  const records: (AuditRecord & { file: string; line: number })[] = [];
  const warnings: AuditWarning[] = [];
  let total = 0;
  for (const name of auditFiles(home, options.date)) {
    const f = readAuditFile(home, name);
    warnings.push(...f.warnings);
    for (const { line, record } of f.records) {
      if (options.decision && record.decision !== options.decision) continue;
      if (options.flag && !record.flags?.includes(options.flag)) continue;
      total++;
      records.push({ ...record, file: f.file, line });
      if (records.length > limit) records.shift();
    }
  }
  return { total, records, warnings };
}

export interface AuditProblem {
  file: string;
  line: number;
  problem: "digest-mismatch" | "chain-broken" | "unreadable" | "wrong-day";
  message: string;
}

/**
 * Recomputes every record's digest and follows each file's chain. A torn fragment that the chain
 * steps over (the crash case) is a warning; a record altered, removed or reordered is a problem.
 */
export function verifyAudit(
  home: string,
  options: { date?: string } = {},
): { ok: boolean; files: number; records: number; problems: AuditProblem[]; warnings: AuditWarning[] } {
  const problems: AuditProblem[] = [];
  const warnings: AuditWarning[] = [];
  let records = 0;
  const files = auditFiles(home, options.date);
  for (const name of files) {
    const f = readAuditFile(home, name);
    let prev: string | null = null;
    let pendingGap: number | undefined;
    for (const u of f.unreadable) if (!u.last) pendingGap ??= u.line;
    warnings.push(...f.warnings);
    for (const { line, record } of f.records) {
      records++;
      const { digest, ...body } = record;
      if (digestJson(body) !== digest)
        problems.push({
          file: f.file,
          line,
          problem: "digest-mismatch",
          message: "the record was changed after it was written",
        });
      if (record.prev !== prev)
        problems.push({
          file: f.file,
          line,
          problem: "chain-broken",
          message:
            "the record does not follow the one before it: a record was removed, inserted or reordered",
        });
      if (record.time?.slice(0, 10) !== name.slice(0, 10))
        problems.push({
          file: f.file,
          line,
          problem: "wrong-day",
          message: `the record's time ${record.time} is not on ${name.slice(0, 10)}`,
        });
      prev = digest;
    }
    // An unreadable line in the middle is a crash artifact only if the chain stepped over it.
    if (pendingGap !== undefined && !problems.some((p) => p.file === f.file))
      warnings.push({
        file: f.file,
        line: pendingGap,
        message: "an interrupted append left a fragment; the chain is intact",
      });
    else if (pendingGap !== undefined)
      problems.push({
        file: f.file,
        line: pendingGap,
        problem: "unreadable",
        message: "a line is not an audit record",
      });
  }
  return { ok: problems.length === 0, files: files.length, records, problems, warnings };
}
