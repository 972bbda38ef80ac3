/**
 * Reading LAC sources: byte and nesting caps, strict UTF-8, YAML with positions (yaml's
 * LineCounter), alias cycles, and zod validation whose issues point at the offending node.
 */
import { isAlias, isCollection, LineCounter, type Node, parseDocument, visit } from "yaml";
import type { z } from "zod";
import type { Diagnostic, Locator, Position } from "./diagnostics.js";
import { suggest, typeName } from "./diagnostics.js";

/** Largest accepted policy or schema file. */
export const MAX_SOURCE_BYTES = 1024 * 1024;
/** Deepest accepted nesting of YAML collections. */
export const MAX_DEPTH = 64;

export type SourceInput = string | Uint8Array;

export interface LoadedYaml {
  value?: unknown;
  locate: Locator;
  diagnostics: Diagnostic[];
}

const err = (
  file: string,
  pos: Position,
  code: Diagnostic["code"],
  message: string,
  extra: Partial<Diagnostic> = {},
): Diagnostic => ({ file, ...pos, severity: "error", code, message, ...extra });

/** Line and column (1-based) of a byte offset's character in UTF-8 bytes. */
function bytePosition(bytes: Uint8Array, offset: number): Position {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++)
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  const col = new TextDecoder().decode(bytes.subarray(start, offset)).length + 1;
  return { line, col };
}

/** First offset at which `bytes` stops being valid UTF-8 (RFC 3629), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [n, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [n, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** Decodes and size-checks a source; returns text or one diagnostic. */
export function decodeSource(input: SourceInput, file: string): { text?: string; diagnostic?: Diagnostic } {
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.length;
  if (size > MAX_SOURCE_BYTES)
    return {
      diagnostic: err(file, { line: 1, col: 1 }, "TF_LAC_TOO_LARGE", `${file} is ${size} bytes`, {
        expected: `at most ${MAX_SOURCE_BYTES} bytes`,
        found: `${size} bytes`,
      }),
    };
  if (typeof input === "string") {
    // A lone surrogate cannot have come from UTF-8 text.
    const bad = input.search(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    if (bad >= 0) {
      const before = input.slice(0, bad).split("\n");
      return {
        diagnostic: err(
          file,
          { line: before.length, col: before[before.length - 1]!.length + 1 },
          "TF_LAC_ENCODING",
          "Text contains an unpaired surrogate, which is not valid UTF-8",
        ),
      };
    }
    return { text: input };
  }
  const off = firstInvalidUtf8(input);
  if (off < 0) return { text: new TextDecoder("utf-8").decode(input) };
  return {
    diagnostic: err(
      file,
      bytePosition(input, off),
      "TF_LAC_ENCODING",
      `Byte 0x${input[off]!.toString(16).padStart(2, "0")} at offset ${off} is not valid UTF-8`,
    ),
  };
}

/** Parses one YAML document with positions; never throws. */
export function loadYaml(input: SourceInput, file: string): LoadedYaml {
  const decoded = decodeSource(input, file);
  const lc = new LineCounter();
  const noPos: Locator = () => ({ line: 1, col: 1 });
  if (decoded.diagnostic) return { locate: noPos, diagnostics: [decoded.diagnostic] };
  const text = decoded.text!;
  const at = (offset: number): Position => {
    const p = lc.linePos(offset);
    return { line: p.line, col: p.col };
  };
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (e) {
    if (e instanceof RangeError)
      return {
        locate: noPos,
        diagnostics: [
          err(file, { line: 1, col: 1 }, "TF_LAC_TOO_LARGE", "The document is nested too deeply"),
        ],
      };
    throw e;
  }
  const locate: Locator = (path) => {
    for (let i = path.length; i >= 0; i--) {
      let node: unknown;
      try {
        node = i === 0 ? doc.contents : doc.getIn(path.slice(0, i), true);
      } catch {
        node = undefined;
      }
      const range = (node as Node | undefined)?.range;
      if (range) return at(range[0]);
    }
    return { line: 1, col: 1 };
  };
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    diagnostics.push(err(file, at(e.pos[0]), "TF_LAC_PARSE", oneLine(e.message)));
  }
  if (diagnostics.length) return { locate, diagnostics };
  // Depth and alias cycles, on the syntax tree (before anything recursive runs on the data).
  let problem: Diagnostic | undefined;
  visit(doc, (_key, node, path) => {
    if (isCollection(node) && path.filter((n) => isCollection(n)).length >= MAX_DEPTH) {
      problem = err(
        file,
        at(node.range?.[0] ?? 0),
        "TF_LAC_TOO_LARGE",
        `The document is nested deeper than ${MAX_DEPTH} levels`,
      );
      return visit.BREAK;
    }
    if (isAlias(node)) {
      const target = node.resolve(doc);
      const [s, , e] = target?.range ?? [0, 0, 0];
      const pos = node.range?.[0] ?? 0;
      if (!target || (pos >= s && pos < e)) {
        problem = err(
          file,
          at(pos),
          target ? "TF_LAC_CYCLE" : "TF_LAC_PARSE",
          target
            ? `Alias *${node.source} refers to a node that contains it`
            : `Unknown alias *${node.source}`,
        );
        return visit.BREAK;
      }
    }
    return undefined;
  });
  if (problem) return { locate, diagnostics: [problem] };
  try {
    return { value: doc.toJS({ maxAliasCount: 1000 }), locate, diagnostics };
  } catch (e) {
    const tooBig = e instanceof RangeError || /alias/i.test(String((e as Error)?.message));
    return {
      locate,
      diagnostics: [
        err(
          file,
          { line: 1, col: 1 },
          tooBig ? "TF_LAC_TOO_LARGE" : "TF_LAC_PARSE",
          oneLine(String((e as Error)?.message ?? e)),
        ),
      ],
    };
  }
}

function oneLine(s: string): string {
  return s.split("\n")[0]!.trim();
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** Validates with zod; every issue becomes a positioned TF_LAC_DOCUMENT_INVALID diagnostic. */
export function validateShape<S extends z.ZodType>(
  schema: S,
  value: unknown,
  file: string,
  locate: Locator,
  prefix: readonly (string | number)[] = [],
): { data?: z.output<S>; diagnostics: Diagnostic[] } {
  const r = schema.safeParse(value);
  if (r.success) return { data: r.data, diagnostics: [] };
  const diagnostics = r.error.issues.map((issue): Diagnostic => {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    const found = valueAt(value, path);
    const full = [...prefix, ...path];
    const extra: Partial<Diagnostic> = { path: full.join(".") || "(document)" };
    let message = issue.message;
    if (issue.code === "invalid_type") {
      extra.expected = issue.expected;
      extra.found = found === undefined ? "nothing" : typeName(found);
      message = found === undefined ? `Missing field ${extra.path}` : `Wrong type for ${extra.path}`;
    } else if (issue.code === "invalid_value") {
      extra.expected = issue.values.map((v) => JSON.stringify(v)).join(" | ");
      extra.found = JSON.stringify(found) ?? "nothing";
      message = found === undefined ? `Missing field ${extra.path}` : `Invalid value for ${extra.path}`;
      if (typeof found === "string") {
        const s = suggest(
          found,
          issue.values.filter((v): v is string => typeof v === "string"),
        );
        if (s !== undefined) extra.suggestion = s;
      }
    } else if (issue.code === "unrecognized_keys") {
      const keys = issue.keys;
      message = `Unknown field${keys.length > 1 ? "s" : ""} ${keys.join(", ")}${extra.path === "(document)" ? "" : ` in ${extra.path}`}`;
      const known = Object.keys(shapeAt(schema, path) ?? {});
      const s = keys[0] === undefined ? undefined : suggest(keys[0], known);
      if (s !== undefined) extra.suggestion = s;
      return {
        file,
        ...locate([...full, keys[0] ?? ""]),
        severity: "error",
        code: "TF_LAC_DOCUMENT_INVALID",
        message,
        ...extra,
      };
    }
    return { file, ...locate(full), severity: "error", code: "TF_LAC_DOCUMENT_INVALID", message, ...extra };
  });
  return { diagnostics };
}

/** The object shape of a (nested) zod object schema at a path, for "did you mean" on field names. */
function shapeAt(schema: z.ZodType, path: readonly (string | number)[]): Record<string, unknown> | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: walking zod internals defensively
  let s: any = schema;
  const unwrap = () => {
    for (let i = 0; i < 8 && s; i++) {
      const def = s._zod?.def;
      if (!def) return;
      if (
        def.type === "optional" ||
        def.type === "default" ||
        def.type === "nullable" ||
        def.type === "prefault"
      )
        s = def.innerType;
      else if (def.type === "pipe") s = def.in;
      else return;
    }
  };
  unwrap();
  for (const key of path) {
    const def = s?._zod?.def;
    if (!def) return undefined;
    if (def.type === "object") s = def.shape?.[key];
    else if (def.type === "array") s = def.element;
    else if (def.type === "record") s = def.valueType;
    else return undefined;
    unwrap();
  }
  const def = s?._zod?.def;
  return def?.type === "object" ? def.shape : undefined;
}
