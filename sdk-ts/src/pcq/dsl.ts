/**
 * The provenance DSL: a small language that says where a result comes from and compiles to a
 * manifest.
 *
 *   prov karate {
 *     source edges = csv("edges.csv", directed: false, weighted: false)
 *     transform g = graph(edges)
 *     metric pagerank(g, alpha: 0.85)
 *     seed 42
 *   }
 *
 * Hand-written lexer and recursive-descent parser; every error names file:line:col
 * (TF_PCQ_DSL_PARSE). The grammar is in docs/pcq.md.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { TfError, toTfError } from "../core/errors.js";
import {
  buildManifest,
  type CreatedManifest,
  formatPath,
  type PlanMetric,
  type PlanSource,
  type PlanTransform,
  type ProvenancePlan,
  withSeed,
} from "./manifest.js";
import { METRIC_NAMES, MetricSpec } from "./metrics.js";

type TokKind = "ident" | "string" | "number" | "punct" | "eof";
interface Token {
  kind: TokKind;
  text: string;
  value?: string | number;
  line: number;
  col: number;
}

const KEYWORDS = new Set([
  "prov",
  "source",
  "transform",
  "metric",
  "seed",
  "param",
  "hyperparam",
  "model_card",
  "description",
  "chunk_rows",
]);
/** Largest program accepted (bytes of UTF-16 text). */
export const MAX_DSL_SIZE = 256 * 1024;

function fail(
  file: string,
  line: number,
  col: number,
  message: string,
  extra: Record<string, unknown> = {},
): never {
  throw new TfError("TF_PCQ_DSL_PARSE", `${file}:${line}:${col}: ${message}`, {
    details: { file, line, col, ...extra },
  });
}

export function tokenize(src: string, file = "program.prov"): Token[] {
  if (src.length > MAX_DSL_SIZE) fail(file, 1, 1, `the program is larger than ${MAX_DSL_SIZE} characters`);
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  const adv = (n: number) => {
    for (let k = 0; k < n; k++) {
      if (src[i] === "\n") {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\uFEFF") {
      adv(1);
      continue;
    }
    if (c === "#" || (c === "/" && src[i + 1] === "/")) {
      while (i < src.length && src[i] !== "\n") adv(1);
      continue;
    }
    const start = { line, col };
    if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j]!)) j++;
      const text = src.slice(i, j);
      out.push({ kind: "ident", text, ...start });
      adv(j - i);
      continue;
    }
    if (/[0-9]/.test(c) || ((c === "-" || c === "+") && /[0-9.]/.test(src[i + 1] ?? ""))) {
      const m = /^[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/.exec(src.slice(i));
      if (!m || /[A-Za-z0-9_.]/.test(src[i + m[0].length] ?? ""))
        fail(file, line, col, "malformed number", { found: src.slice(i, i + 12).split("\n")[0] });
      const value = Number(m[0]);
      if (!Number.isFinite(value)) fail(file, line, col, `number ${m[0]} is not finite`);
      out.push({ kind: "number", text: m[0], value, ...start });
      adv(m[0].length);
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let value = "";
      for (;;) {
        if (j >= src.length || src[j] === "\n") fail(file, start.line, start.col, "unterminated string");
        const d = src[j]!;
        if (d === '"') break;
        if (d === "\\") {
          const e = src[j + 1];
          const map: Record<string, string> = { '"': '"', "\\": "\\", n: "\n", t: "\t" };
          if (e === undefined || !(e in map)) fail(file, line, col + (j - i), `unknown escape \\${e ?? ""}`);
          value += map[e]!;
          j += 2;
          continue;
        }
        value += d;
        j++;
      }
      out.push({ kind: "string", text: src.slice(i, j + 1), value, ...start });
      adv(j + 1 - i);
      continue;
    }
    if ("{}()=,:;".includes(c)) {
      out.push({ kind: "punct", text: c, ...start });
      adv(1);
      continue;
    }
    fail(file, line, col, `unexpected character ${JSON.stringify(c)}`, { found: c });
  }
  out.push({ kind: "eof", text: "end of file", line, col });
  return out;
}

/** A value in the program: a literal, or a reference to a param / hyperparam. */
type Value =
  | { kind: "literal"; value: string | number | boolean; tok: Token }
  | { kind: "ref"; name: string; tok: Token };

export interface DslProgram {
  name: string;
  nameTok: Token;
  description?: string;
  sources: (PlanSource & { tok: Token })[];
  transforms: (PlanTransform & { tok: Token })[];
  metrics: { id: string | null; metric: string; graph: string; args: Map<string, Value>; tok: Token }[];
  seed: number | null;
  params: Map<string, { value: Value; hyper: boolean; tok: Token }>;
  modelCard?: { digest: string; uri?: string; tok: Token };
  chunkRows?: number;
}

class Parser {
  private p = 0;
  constructor(
    private readonly toks: Token[],
    readonly file: string,
  ) {}

  peek(): Token {
    return this.toks[this.p]!;
  }
  next(): Token {
    const t = this.toks[this.p]!;
    if (t.kind !== "eof") this.p++;
    return t;
  }
  err(t: Token, message: string, expected?: string): never {
    fail(this.file, t.line, t.col, message, { ...(expected ? { expected } : {}), found: t.text });
  }
  expectPunct(ch: string): Token {
    const t = this.next();
    if (t.kind !== "punct" || t.text !== ch) this.err(t, `expected "${ch}", found ${describe(t)}`, ch);
    return t;
  }
  expectIdent(what: string): Token {
    const t = this.next();
    if (t.kind !== "ident") this.err(t, `expected ${what}, found ${describe(t)}`, what);
    return t;
  }
  expectKeyword(kw: string): Token {
    const t = this.next();
    if (t.kind !== "ident" || t.text !== kw) this.err(t, `expected "${kw}", found ${describe(t)}`, kw);
    return t;
  }
  isPunct(ch: string): boolean {
    const t = this.peek();
    return t.kind === "punct" && t.text === ch;
  }

  value(): Value {
    const t = this.next();
    if (t.kind === "number") return { kind: "literal", value: t.value as number, tok: t };
    if (t.kind === "string") return { kind: "literal", value: t.value as string, tok: t };
    if (t.kind === "ident") {
      if (t.text === "true" || t.text === "false")
        return { kind: "literal", value: t.text === "true", tok: t };
      return { kind: "ref", name: t.text, tok: t };
    }
    return this.err(
      t,
      `expected a value (number, string, true, false or a param name), found ${describe(t)}`,
      "value",
    );
  }

  /** `, name: value` pairs up to the closing parenthesis. */
  namedArgs(): Map<string, Value> {
    const args = new Map<string, Value>();
    while (this.isPunct(",")) {
      this.next();
      const name = this.expectIdent("an argument name");
      this.expectPunct(":");
      if (args.has(name.text)) this.err(name, `argument ${name.text} is given twice`);
      args.set(name.text, this.value());
    }
    this.expectPunct(")");
    return args;
  }

  program(): DslProgram {
    this.expectKeyword("prov");
    const nameTok = this.expectIdent("the program's name");
    this.expectPunct("{");
    const prog: DslProgram = {
      name: nameTok.text,
      nameTok,
      sources: [],
      transforms: [],
      metrics: [],
      seed: null,
      params: new Map(),
    };
    let seedTok: Token | null = null;
    const ids = new Set<string>();
    const declare = (t: Token) => {
      if (ids.has(t.text)) this.err(t, `${t.text} is already defined`);
      if (KEYWORDS.has(t.text)) this.err(t, `${t.text} is a keyword`);
      ids.add(t.text);
    };
    while (!this.isPunct("}")) {
      if (this.peek().kind === "eof")
        this.err(
          this.peek(),
          `expected "}" to close prov ${nameTok.text} (line ${nameTok.line}), found the end of the file`,
          "}",
        );
      const t = this.next();
      if (t.kind === "punct" && t.text === ";") continue;
      if (t.kind !== "ident")
        this.err(
          t,
          `expected a statement (source, transform, metric, seed, param, …), found ${describe(t)}`,
          "statement",
        );
      switch (t.text) {
        case "source": {
          const id = this.expectIdent("a source name");
          declare(id);
          this.expectPunct("=");
          const fn = this.expectIdent("a source format");
          if (fn.text !== "csv") this.err(fn, `unknown source format ${fn.text} (supported: csv)`, "csv");
          this.expectPunct("(");
          const path = this.next();
          if (path.kind !== "string")
            this.err(path, `expected the dataset path as a string, found ${describe(path)}`, "string");
          const args = this.namedArgs();
          const flag = (name: string): boolean => {
            const v = args.get(name);
            args.delete(name);
            if (!v) return false;
            if (v.kind !== "literal" || typeof v.value !== "boolean")
              this.err(v.tok, `${name} must be true or false`);
            return v.value as boolean;
          };
          const directed = flag("directed");
          const weighted = flag("weighted");
          for (const [k, v] of args)
            this.err(v.tok, `csv() has no argument ${k} (it takes directed and weighted)`);
          const p = path.value as string;
          if (p === "" || p.startsWith("/") || p.split("/").includes("..") || p.includes("\\"))
            this.err(
              path,
              "the dataset path must be relative and stay beside the program (no .., no leading /)",
            );
          prog.sources.push({ id: id.text, path: p, directed, weighted, tok: id });
          break;
        }
        case "transform": {
          const id = this.expectIdent("a transform name");
          declare(id);
          this.expectPunct("=");
          const fn = this.expectIdent("a transform");
          if (fn.text !== "graph") this.err(fn, `unknown transform ${fn.text} (supported: graph)`, "graph");
          this.expectPunct("(");
          const input = this.expectIdent("a source name");
          if (!prog.sources.some((s) => s.id === input.text))
            this.err(input, `${input.text} is not a source defined above`);
          this.expectPunct(")");
          prog.transforms.push({ id: id.text, op: "graph", input: input.text, tok: id });
          break;
        }
        case "metric": {
          let nameTok = this.expectIdent("a metric");
          let id: string | null = null;
          if (this.isPunct("=")) {
            this.next();
            declare(nameTok);
            id = nameTok.text;
            nameTok = this.expectIdent("a metric");
          }
          if (!(METRIC_NAMES as readonly string[]).includes(nameTok.text))
            this.err(nameTok, `unknown metric ${nameTok.text} (one of ${METRIC_NAMES.join(", ")})`, "metric");
          this.expectPunct("(");
          const g = this.expectIdent("a graph name");
          if (!prog.transforms.some((x) => x.id === g.text))
            this.err(g, `${g.text} is not a graph transform defined above`);
          const args = this.namedArgs();
          prog.metrics.push({ id, metric: nameTok.text, graph: g.text, args, tok: nameTok });
          break;
        }
        case "seed": {
          const v = this.next();
          if (seedTok) this.err(t, "seed is given twice");
          if (
            v.kind !== "number" ||
            !Number.isSafeInteger(v.value) ||
            (v.value as number) < 0 ||
            (v.value as number) > 0x7fffffff
          )
            this.err(v, "the seed must be a whole number from 0 to 2147483647", "integer");
          seedTok = t;
          prog.seed = v.value as number;
          break;
        }
        case "param":
        case "hyperparam": {
          const id = this.expectIdent("a parameter name");
          declare(id);
          this.expectPunct("=");
          const v = this.value();
          if (v.kind === "ref") this.err(v.tok, "a parameter's value must be a literal");
          prog.params.set(id.text, { value: v, hyper: t.text === "hyperparam", tok: id });
          break;
        }
        case "model_card": {
          const d = this.next();
          if (d.kind !== "string" || !/^sha256:[0-9a-f]{64}$/.test(d.value as string))
            this.err(d, 'model_card takes the card\'s digest as "sha256:<64 hex digits>"', "digest");
          let uri: string | undefined;
          if (this.peek().kind === "string") uri = this.next().value as string;
          prog.modelCard = { digest: d.value as string, ...(uri !== undefined ? { uri } : {}), tok: t };
          break;
        }
        case "description": {
          const d = this.next();
          if (d.kind !== "string") this.err(d, "description takes a string", "string");
          prog.description = d.value as string;
          break;
        }
        case "chunk_rows": {
          const v = this.next();
          if (
            v.kind !== "number" ||
            !Number.isSafeInteger(v.value) ||
            (v.value as number) < 1 ||
            (v.value as number) > 1 << 20
          )
            this.err(v, "chunk_rows must be a whole number from 1 to 1048576", "integer");
          prog.chunkRows = v.value as number;
          break;
        }
        default:
          this.err(
            t,
            `unknown statement ${t.text} (source, transform, metric, seed, param, hyperparam, model_card, description, chunk_rows)`,
            "statement",
          );
      }
    }
    this.expectPunct("}");
    const end = this.next();
    if (end.kind !== "eof")
      this.err(end, `expected the end of the file after "}", found ${describe(end)}`, "end of file");
    if (prog.sources.length === 0) this.err(end, "the program has no source");
    if (prog.metrics.length === 0) this.err(end, "the program has no metric");
    return prog;
  }
}

function describe(t: Token): string {
  if (t.kind === "eof") return "the end of the file";
  if (t.kind === "string") return `string ${t.text}`;
  return `"${t.text}"`;
}

export function parseDsl(src: string, file = "program.prov"): DslProgram {
  return new Parser(tokenize(src, file), file).program();
}

/** Resolves a parsed program into a plan: param references, step ids, metric specs (validated). */
export function planFromProgram(prog: DslProgram, file = "program.prov"): ProvenancePlan {
  const parameters: Record<string, unknown> = {};
  const hyperparameters: Record<string, unknown> = {};
  for (const [name, p] of prog.params)
    (p.hyper ? hyperparameters : parameters)[name] = (p.value as { value: unknown }).value;
  const used = new Map<string, number>();
  const ids = new Set([
    ...prog.sources.map((s) => s.id),
    ...prog.transforms.map((t) => t.id),
    ...prog.params.keys(),
  ]);
  const metrics: PlanMetric[] = prog.metrics.map((m) => {
    const params: Record<string, unknown> = {};
    for (const [k, v] of m.args) {
      if (v.kind === "literal") params[k] = v.value;
      else {
        const p = prog.params.get(v.name);
        if (!p)
          fail(file, v.tok.line, v.tok.col, `${v.name} is not a param or hyperparam defined above`, {
            found: v.name,
          });
        params[k] = (p.value as { value: unknown }).value;
      }
    }
    const parsed = MetricSpec.safeParse(withSeed({ metric: m.metric, params }, prog.seed));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = formatPath(issue.path.filter((x) => x !== "params"));
      const hint = m.metric === "louvain" && path === "seed" ? " (add `seed N` to the program)" : "";
      fail(file, m.tok.line, m.tok.col, `${m.metric}: ${path}: ${issue.message}${hint}`, { path });
    }
    let id = m.id;
    if (id === null) {
      const n = (used.get(m.metric) ?? 0) + 1;
      used.set(m.metric, n);
      id = n === 1 ? m.metric : `${m.metric}_${n}`;
      if (ids.has(id))
        fail(
          file,
          m.tok.line,
          m.tok.col,
          `step ${id} clashes with a name defined above; name the metric (metric NAME = ${m.metric}(…))`,
        );
    }
    ids.add(id);
    return { id, graph: m.graph, spec: parsed.data };
  });
  return {
    name: prog.name,
    ...(prog.description !== undefined ? { description: prog.description } : {}),
    sources: prog.sources.map(({ id, path, directed, weighted }) => ({ id, path, directed, weighted })),
    transforms: prog.transforms.map(({ id, op, input }) => ({ id, op, input })),
    metrics,
    seed: prog.seed,
    parameters,
    hyperparameters,
    ...(prog.modelCard
      ? {
          modelCard: {
            digest: prog.modelCard.digest,
            ...(prog.modelCard.uri ? { uri: prog.modelCard.uri } : {}),
          },
        }
      : {}),
    ...(prog.chunkRows !== undefined ? { chunkRows: prog.chunkRows } : {}),
  };
}

/** Parses and plans a program without touching any data. */
export function compileDslPlan(src: string, file = "program.prov"): ProvenancePlan {
  return planFromProgram(parseDsl(src, file), file);
}

/** Compiles a program to a manifest, running it on the datasets given (path → bytes, as the program names them). */
export function compileDsl(
  src: string,
  files: ReadonlyMap<string, Uint8Array>,
  file = "program.prov",
): CreatedManifest & { plan: ProvenancePlan } {
  const prog = parseDsl(src, file);
  const plan = planFromProgram(prog, file);
  for (const s of prog.sources)
    if (!files.has(s.path))
      throw new TfError(
        "TF_PCQ_FILE_MISSING",
        `${file}:${s.tok.line}:${s.tok.col}: the dataset ${s.path} of source ${s.id} was not found`,
        {
          details: { file: s.path, line: s.tok.line, col: s.tok.col },
        },
      );
  return { ...buildManifest(plan, files), plan };
}

/** Reads a program and the datasets it names (relative to the program's directory). */
export function readDslFiles(programPath: string): { source: string; files: Map<string, Uint8Array> } {
  let source: string;
  try {
    source = readFileSync(programPath, "utf8");
  } catch (e) {
    throw toTfError(e);
  }
  const plan = compileDslPlan(source, programPath);
  const files = new Map<string, Uint8Array>();
  for (const s of plan.sources) {
    const abs = join(dirname(programPath), ...s.path.split("/"));
    if (existsSync(abs)) {
      try {
        files.set(s.path, readFileSync(abs));
      } catch (e) {
        throw toTfError(e);
      }
    }
  }
  return { source, files };
}
