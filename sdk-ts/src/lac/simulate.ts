/**
 * The policy simulator: replays historical queries under two versions of a policy and reports
 * what the change would do — newly blocked, newly allowed, changed obligations — grouped by the
 * deciding rule, the team and the dataset. Both policies are compiled once; the history is read
 * line by line (a file is streamed in chunks), so memory stays bounded by the number of distinct
 * groups, not the number of queries.
 */
import { open } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";
import { z } from "zod";
import { TfError } from "../core/errors.js";
import type { CompiledPolicy, Decision, LacRequest } from "./compile.js";

export const SIMULATION_SCHEMA = "trustfabric.dev/lac/simulation/v1";
export const CHANGE_KINDS = ["newly-blocked", "newly-allowed", "obligations-changed"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Longest accepted history line; a longer one is reported invalid and skipped. */
export const MAX_HISTORY_LINE = 64 * 1024 * 1024;
const NO_EXPLAIN = { explain: false } as const;
const NO_EXPLAIN_NO_VALIDATE = { explain: false, validate: false } as const;

/** Label of the rule "group" when no rule applied and the default (deny) decided. */
export const DEFAULT_RULE = "(default)";
/** Label of team/dataset values past the distinct-value cap, and of a missing one. */
export const OTHER = "(other)";
export const NONE = "(none)";

const Group = z.object({
  kind: z.enum(CHANGE_KINDS),
  key: z.string().describe("the rule(s), team or dataset"),
  count: z.number().int(),
  examples: z.array(z.string()).describe("ids of the first queries in this group (bounded)"),
});
const RuleGroup = Group.extend({
  previous: z
    .array(z.object({ rules: z.string(), count: z.number().int() }))
    .describe("what decided these queries under the old version, most frequent first (at most 5)"),
});

export const SimulationReport = z.object({
  schema: z.literal(SIMULATION_SCHEMA),
  from: z.object({ name: z.string(), version: z.string(), mode: z.enum(["audit", "enforce"]) }),
  to: z.object({ name: z.string(), version: z.string(), mode: z.enum(["audit", "enforce"]) }),
  compare: z
    .enum(["effective", "policy"])
    .describe("effective: the decision enforced (audit mode allows); policy: what the policy decided"),
  totals: z.object({
    lines: z.number().int().describe("non-blank lines read"),
    queries: z.number().int().describe("queries decided under both versions"),
    invalid: z.number().int().describe("lines that failed to parse or whose request the schema rejects"),
    unchanged: z.number().int(),
    changed: z.number().int(),
    newlyBlocked: z.number().int(),
    newlyAllowed: z.number().int(),
    obligationsChanged: z.number().int(),
    allowedBefore: z.number().int(),
    allowedAfter: z.number().int(),
  }),
  timeRange: z
    .object({ first: z.string(), last: z.string() })
    .nullable()
    .describe("earliest and latest `time` of the queries (as written), null when none has one"),
  byRule: z.array(RuleGroup).describe("key: the new version's deciding rules joined with +, or (default)"),
  byTeam: z.array(Group),
  byDataset: z.array(Group),
  groups: z
    .array(
      z.object({
        kind: z.enum(CHANGE_KINDS),
        rule: z.string(),
        team: z.string(),
        dataset: z.string(),
        count: z.number().int(),
        examples: z.array(z.string()),
      }),
    )
    .describe("one entry per (change kind, rule, team, dataset)"),
  invalid: z.array(z.object({ line: z.number().int(), code: z.string(), message: z.string() })),
  invalidListed: z.boolean().describe("false when more invalid lines were found than listed"),
  examplesPerGroup: z.number().int(),
  foldedValues: z
    .boolean()
    .describe(`true when teams or datasets past the distinct-value cap were counted as ${OTHER}`),
  durationMs: z.number(),
  queriesPerSecond: z.number(),
});
export type SimulationReport = z.output<typeof SimulationReport>;

export interface SimulateOptions {
  /** Example query ids kept per group (default 5). */
  examplesPerGroup?: number;
  /** Invalid lines listed (all are counted; default 100). */
  maxInvalidListed?: number;
  /** Distinct teams / datasets tracked before the rest count as "(other)" (default 1000). */
  maxDistinct?: number;
  /** Longest line accepted, in characters (default MAX_HISTORY_LINE); longer ones are invalid. */
  maxLine?: number;
  /** Compare the effective decision (default) or what the policy decided (matters in audit mode). */
  compare?: "effective" | "policy";
  /** Progress through the history: bytes of a file (per 1 MiB chunk), characters of a text. */
  onProgress?: (done: number, total: number) => void;
  now?: () => number;
}

/** An example query: its id, or (a number) the line it was read from when it has none. */
type Example = string | number;

interface GroupAcc {
  kind: ChangeKind;
  key: string;
  count: number;
  examples: Example[];
  previous?: Map<string, number>;
}
interface CrossAcc {
  kind: ChangeKind;
  rule: string;
  team: string;
  dataset: string;
  count: number;
  examples: Example[];
}

/**
 * What a simulator has accumulated, as plain data (what a worker thread posts back). Line
 * numbers in it (invalid lines, examples without an id) count from the start of the part.
 */
export interface SimulatorState {
  lines: number;
  queries: number;
  invalidCount: number;
  invalid: { line: number; code: string; message: string }[];
  unchanged: number;
  kinds: Record<ChangeKind, number>;
  allowedBefore: number;
  allowedAfter: number;
  first: string | undefined;
  last: string | undefined;
  byRule: GroupAcc[];
  byTeam: GroupAcc[];
  byDataset: GroupAcc[];
  cross: CrossAcc[];
  teams: string[];
  datasets: string[];
  folded: boolean;
}

const exampleId = (e: Example): string => (typeof e === "number" ? `line:${e}` : e);

const obligationKeys = new WeakMap<object, string>();
/** A stable key of an obligation's effect on the data (its rule is not part of it). */
function obligationKey(o: Decision["obligations"][number]): string {
  let k = obligationKeys.get(o);
  if (k === undefined) {
    const { rule: _rule, ...rest } = o;
    const r = rest as Record<string, unknown>;
    k = JSON.stringify(
      Object.keys(r)
        .sort()
        .map((x) => [x, r[x]]),
    );
    obligationKeys.set(o, k);
  }
  return k;
}

/** What a decision's obligations do to the data, as one string (duplicates and order ignored). */
function obligationsKey(obligations: Decision["obligations"]): string {
  if (obligations.length === 0) return "";
  return [...new Set(obligations.map(obligationKey))].sort().join("\n");
}

const ruleLabel = (d: Decision): string => (d.defaulted ? DEFAULT_RULE : d.decidingRules.join("+"));

const label = (v: unknown): string | undefined =>
  typeof v === "string" ? (v === "" ? undefined : v) : typeof v === "number" ? String(v) : undefined;

/** Accumulates a simulation. Feed lines (or parsed queries) in order, then take the report. */
export class PolicySimulator {
  /** Longest line accepted (characters). */
  readonly maxLine: number;
  private readonly examplesPerGroup: number;
  private readonly maxInvalid: number;
  private readonly maxDistinct: number;
  private readonly compare: "effective" | "policy";
  private readonly now: () => number;
  private readonly started: number;
  private lines = 0;
  private queries = 0;
  private invalidCount = 0;
  private readonly invalid: { line: number; code: string; message: string }[] = [];
  private unchanged = 0;
  private readonly kinds: Record<ChangeKind, number> = {
    "newly-blocked": 0,
    "newly-allowed": 0,
    "obligations-changed": 0,
  };
  private allowedBefore = 0;
  private allowedAfter = 0;
  private first: string | undefined;
  private last: string | undefined;
  private readonly byRule = new Map<string, GroupAcc>();
  private readonly byTeam = new Map<string, GroupAcc>();
  private readonly byDataset = new Map<string, GroupAcc>();
  private readonly cross = new Map<string, CrossAcc>();
  private readonly teams = new Set<string>();
  private readonly datasets = new Set<string>();
  private folded = false;
  private readonly fromKeys = new Map<string, string>();
  private readonly toKeys = new Map<string, string>();

  constructor(
    private readonly from: CompiledPolicy,
    private readonly to: CompiledPolicy,
    options: SimulateOptions = {},
  ) {
    this.maxLine = options.maxLine ?? MAX_HISTORY_LINE;
    this.examplesPerGroup = options.examplesPerGroup ?? 5;
    this.maxInvalid = options.maxInvalidListed ?? 100;
    this.maxDistinct = options.maxDistinct ?? 1000;
    this.compare = options.compare ?? "effective";
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
  }

  /** One line of history (JSONL); blank lines are skipped. `lineNo` is 1-based. */
  line(text: string, lineNo: number): void {
    let s = text;
    if (s.length > 0 && s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
    if (s.length === 0 || s.trim() === "") return;
    this.lines++;
    let q: unknown;
    try {
      q = JSON.parse(s);
    } catch (e) {
      this.reject(lineNo, "TF_JSON_MALFORMED", `not valid JSON: ${(e as Error).message}`);
      return;
    }
    this.query(q, lineNo);
  }

  /** A line too long to hold: counted and listed, never parsed. */
  tooLong(lineNo: number): void {
    this.lines++;
    this.reject(lineNo, "TF_LAC_TOO_LARGE", `line is longer than ${this.maxLine} characters`);
  }

  /** One parsed history entry {id?, time?, team?, dataset?, request}. */
  query(q: unknown, lineNo: number): void {
    if (q === null || typeof q !== "object" || Array.isArray(q)) {
      this.reject(
        lineNo,
        "TF_LAC_REQUEST_INVALID",
        "a history line must be an object {id, time, team, dataset, request}",
      );
      return;
    }
    const entry = q as { id?: unknown; time?: unknown; team?: unknown; dataset?: unknown; request?: unknown };
    const request = entry.request as LacRequest | undefined;
    if (request === null || typeof request !== "object" || Array.isArray(request)) {
      this.reject(lineNo, "TF_LAC_REQUEST_INVALID", "the line has no request object");
      return;
    }
    let a: Decision;
    let b: Decision;
    try {
      // reason texts are never read here
      a = this.from.decide(request, NO_EXPLAIN);
      b = this.to.decide(request, NO_EXPLAIN_NO_VALIDATE);
    } catch (e) {
      if (e instanceof TfError) {
        this.reject(lineNo, e.code, e.message);
        return;
      }
      throw e;
    }
    this.queries++;
    if (typeof entry.time === "string") {
      if (this.first === undefined || entry.time < this.first) this.first = entry.time;
      if (this.last === undefined || entry.time > this.last) this.last = entry.time;
    }
    const before = this.compare === "policy" ? a.policyDecision : a.decision;
    const after = this.compare === "policy" ? b.policyDecision : b.decision;
    if (before === "allow") this.allowedBefore++;
    if (after === "allow") this.allowedAfter++;
    let kind: ChangeKind;
    if (before !== after) kind = after === "deny" ? "newly-blocked" : "newly-allowed";
    else if (after === "allow" && this.obligations(this.fromKeys, a) !== this.obligations(this.toKeys, b))
      kind = "obligations-changed";
    else {
      this.unchanged++;
      return;
    }
    this.kinds[kind]++;
    const id: Example = label(entry.id) ?? lineNo;
    const team = this.fold(label(entry.team) ?? label(request.subject?.team) ?? NONE, this.teams);
    const dataset = this.fold(
      label(entry.dataset) ?? label(request.resource?.dataset) ?? NONE,
      this.datasets,
    );
    const rule = ruleLabel(b);
    const ruleGroup = this.add(this.byRule, kind, rule, id);
    ruleGroup.previous ??= new Map();
    const prev = ruleLabel(a);
    ruleGroup.previous.set(prev, (ruleGroup.previous.get(prev) ?? 0) + 1);
    this.add(this.byTeam, kind, team, id);
    this.add(this.byDataset, kind, dataset, id);
    this.tally(this.cell(kind, rule, team, dataset), id);
  }

  /** Obligations follow from the deciding rules, so their key is cached per rule set. */
  private obligations(cache: Map<string, string>, d: Decision): string {
    if (d.obligations.length === 0) return "";
    const rules = d.decidingRules.join("\u0000");
    let k = cache.get(rules);
    if (k === undefined) {
      k = obligationsKey(d.obligations);
      cache.set(rules, k);
    }
    return k;
  }

  private fold(v: string, seen: Set<string>): string {
    if (seen.has(v)) return v;
    if (seen.size >= this.maxDistinct) {
      this.folded = true;
      return OTHER;
    }
    seen.add(v);
    return v;
  }

  private add(map: Map<string, GroupAcc>, kind: ChangeKind, key: string, id: Example): GroupAcc {
    const g = this.group(map, kind, key);
    this.tally(g, id);
    return g;
  }

  /** The group of (kind, key) in a grouping, created empty on first use. */
  private group(map: Map<string, GroupAcc>, kind: ChangeKind, key: string): GroupAcc {
    const k = `${kind}\u0000${key}`;
    let g = map.get(k);
    if (!g) {
      g = { kind, key, count: 0, examples: [] };
      map.set(k, g);
    }
    return g;
  }

  /** The cross-grouping cell of (kind, rule, team, dataset), created empty on first use. */
  private cell(kind: ChangeKind, rule: string, team: string, dataset: string): CrossAcc {
    const k = `${kind}\u0000${rule}\u0000${team}\u0000${dataset}`;
    let c = this.cross.get(k);
    if (!c) {
      c = { kind, rule, team, dataset, count: 0, examples: [] };
      this.cross.set(k, c);
    }
    return c;
  }

  /** Counts one more query in a group, kept as an example while there is room. */
  private tally(acc: { count: number; examples: Example[] }, id: Example): void {
    acc.count++;
    if (acc.examples.length < this.examplesPerGroup) acc.examples.push(id);
  }

  private reject(line: number, code: string, message: string): void {
    this.invalidCount++;
    if (this.invalid.length < this.maxInvalid)
      this.invalid.push({
        line,
        code,
        message: message.length > 300 ? `${message.slice(0, 297)}...` : message,
      });
  }

  /** Everything accumulated so far, as plain (structured-cloneable) data. */
  state(): SimulatorState {
    return {
      lines: this.lines,
      queries: this.queries,
      invalidCount: this.invalidCount,
      invalid: this.invalid,
      unchanged: this.unchanged,
      kinds: this.kinds,
      allowedBefore: this.allowedBefore,
      allowedAfter: this.allowedAfter,
      first: this.first,
      last: this.last,
      byRule: [...this.byRule.values()],
      byTeam: [...this.byTeam.values()],
      byDataset: [...this.byDataset.values()],
      cross: [...this.cross.values()],
      teams: [...this.teams],
      datasets: [...this.datasets],
      folded: this.folded,
    };
  }

  /**
   * Adds what another simulator accumulated over the part of the history that FOLLOWS what this
   * one has read, `lineOffset` lines further on. The result equals reading both parts in order,
   * as long as neither part nor their union has more distinct teams or datasets than the cap
   * (then `absorb` returns false and the caller reads the history in one piece).
   */
  absorb(part: SimulatorState, lineOffset: number): boolean {
    if (this.folded || part.folded) return false;
    const union = (seen: Set<string>, more: string[]) => seen.size + more.filter((v) => !seen.has(v)).length;
    if (
      union(this.teams, part.teams) > this.maxDistinct ||
      union(this.datasets, part.datasets) > this.maxDistinct
    )
      return false;
    for (const v of part.teams) this.teams.add(v);
    for (const v of part.datasets) this.datasets.add(v);
    const shift = (e: Example): Example => (typeof e === "number" ? e + lineOffset : e);
    this.lines += part.lines;
    this.queries += part.queries;
    this.unchanged += part.unchanged;
    for (const k of CHANGE_KINDS) this.kinds[k] += part.kinds[k];
    this.allowedBefore += part.allowedBefore;
    this.allowedAfter += part.allowedAfter;
    if (part.first !== undefined && (this.first === undefined || part.first < this.first))
      this.first = part.first;
    if (part.last !== undefined && (this.last === undefined || part.last > this.last)) this.last = part.last;
    this.invalidCount += part.invalidCount;
    for (const x of part.invalid)
      if (this.invalid.length < this.maxInvalid) this.invalid.push({ ...x, line: x.line + lineOffset });
    const merge = (
      into: { count: number; examples: Example[] },
      from: { count: number; examples: Example[] },
    ) => {
      into.count += from.count;
      for (const e of from.examples)
        if (into.examples.length < this.examplesPerGroup) into.examples.push(shift(e));
    };
    for (const [map, list] of [
      [this.byRule, part.byRule],
      [this.byTeam, part.byTeam],
      [this.byDataset, part.byDataset],
    ] as const)
      for (const g of list) {
        const into = this.group(map, g.kind, g.key);
        merge(into, g);
        if (g.previous) {
          into.previous ??= new Map();
          for (const [rules, n] of g.previous) into.previous.set(rules, (into.previous.get(rules) ?? 0) + n);
        }
      }
    for (const c of part.cross) merge(this.cell(c.kind, c.rule, c.team, c.dataset), c);
    return true;
  }

  report(): SimulationReport {
    const byCount =
      <T extends { kind: ChangeKind; count: number }>(key: (t: T) => string) =>
      (x: T, y: T) =>
        CHANGE_KINDS.indexOf(x.kind) - CHANGE_KINDS.indexOf(y.kind) ||
        y.count - x.count ||
        (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0);
    const plain = (m: Map<string, GroupAcc>) =>
      [...m.values()]
        .map(({ kind, key, count, examples }) => ({ kind, key, count, examples: examples.map(exampleId) }))
        .sort(byCount((g) => g.key));
    const durationMs = Math.max(0, this.now() - this.started);
    const info = (p: CompiledPolicy) => ({ name: p.name, version: p.version, mode: p.mode });
    const changed =
      this.kinds["newly-blocked"] + this.kinds["newly-allowed"] + this.kinds["obligations-changed"];
    return {
      schema: SIMULATION_SCHEMA,
      from: info(this.from),
      to: info(this.to),
      compare: this.compare,
      totals: {
        lines: this.lines,
        queries: this.queries,
        invalid: this.invalidCount,
        unchanged: this.unchanged,
        changed,
        newlyBlocked: this.kinds["newly-blocked"],
        newlyAllowed: this.kinds["newly-allowed"],
        obligationsChanged: this.kinds["obligations-changed"],
        allowedBefore: this.allowedBefore,
        allowedAfter: this.allowedAfter,
      },
      timeRange:
        this.first !== undefined && this.last !== undefined ? { first: this.first, last: this.last } : null,
      byRule: [...this.byRule.values()]
        .map(({ kind, key, count, examples, previous }) => ({
          kind,
          key,
          count,
          examples: examples.map(exampleId),
          previous: [...(previous ?? new Map<string, number>())]
            .map(([rules, n]) => ({ rules, count: n }))
            .sort((x, y) => y.count - x.count || (x.rules < y.rules ? -1 : 1))
            .slice(0, 5),
        }))
        .sort(byCount((g) => g.key)),
      byTeam: plain(this.byTeam),
      byDataset: plain(this.byDataset),
      groups: [...this.cross.values()]
        .map((g) => ({ ...g, examples: g.examples.map(exampleId) }))
        .sort(byCount((g) => `${g.rule}\u0000${g.team}\u0000${g.dataset}`)),
      invalid: this.invalid,
      invalidListed: this.invalid.length === this.invalidCount,
      examplesPerGroup: this.examplesPerGroup,
      foldedValues: this.folded,
      durationMs: Math.round(durationMs * 1000) / 1000,
      queriesPerSecond: durationMs > 0 ? Math.round((this.queries / durationMs) * 1000) : 0,
    };
  }
}

/** Feeds every line of a JSONL text to the simulator. */
export function feedText(
  sim: PolicySimulator,
  text: string,
  onProgress?: (done: number, total: number) => void,
): void {
  let start = 0;
  let lineNo = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    lineNo++;
    if (end - start > sim.maxLine) sim.tooLong(lineNo);
    else sim.line(text.slice(start, end), lineNo);
    if (onProgress && (lineNo & 0xffff) === 0) onProgress(end, text.length);
    start = end + 1;
  }
  onProgress?.(text.length, text.length);
}

/** A byte range of a history file; `start` is 0 or just after a newline. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Opens a history file, mapping a missing file to TF_FILE_NOT_FOUND. */
export async function openHistory(path: string): Promise<Awaited<ReturnType<typeof open>>> {
  try {
    return await open(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR")
      throw new TfError("TF_FILE_NOT_FOUND", `No history file at ${path}`, { details: { path }, cause: e });
    throw e;
  }
}

/**
 * Streams a JSONL file (or the byte range of it) through the simulator in 1 MiB chunks (never
 * whole in memory). Returns the number of lines read (line numbers restart at 1 for a range).
 */
export async function feedFile(
  sim: PolicySimulator,
  path: string,
  onProgress?: (done: number, total: number) => void,
  range?: ByteRange,
): Promise<number> {
  const fh = await openHistory(path);
  try {
    const decoder = new StringDecoder("utf8");
    const buf = Buffer.allocUnsafe(1 << 20);
    let tail = "";
    let skipping = false; // inside a line longer than MAX_HISTORY_LINE
    let lineNo = 0;
    let done = 0;
    const total = range ? range.end - range.start : onProgress ? (await fh.stat()).size : 0;
    for (;;) {
      const want = range ? Math.min(buf.length, total - done) : buf.length;
      if (want <= 0) break;
      const { bytesRead } = await fh.read(buf, 0, want, range ? range.start + done : null);
      if (bytesRead === 0) break;
      done += bytesRead;
      const chunk = decoder.write(buf.subarray(0, bytesRead));
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf("\n", start);
        if (nl < 0) break;
        lineNo++;
        if (skipping) {
          skipping = false;
          sim.tooLong(lineNo);
        } else {
          const line = tail.length ? tail + chunk.slice(start, nl) : chunk.slice(start, nl);
          tail = "";
          if (line.length > sim.maxLine) sim.tooLong(lineNo);
          else sim.line(line, lineNo);
        }
        start = nl + 1;
      }
      onProgress?.(done, Math.max(done, total));
      if (!skipping) {
        tail = tail.length ? tail + chunk.slice(start) : chunk.slice(start);
        if (tail.length > sim.maxLine) {
          skipping = true;
          tail = "";
        }
      }
    }
    tail += decoder.end();
    if (skipping) sim.tooLong(++lineNo);
    else if (tail.length) sim.line(tail, ++lineNo);
    return lineNo;
  } finally {
    await fh.close();
  }
}

/** Simulates a change over a JSONL history given as text. */
export function simulateText(
  from: CompiledPolicy,
  to: CompiledPolicy,
  history: string,
  options: SimulateOptions = {},
): SimulationReport {
  const sim = new PolicySimulator(from, to, options);
  feedText(sim, history, options.onProgress);
  return sim.report();
}
