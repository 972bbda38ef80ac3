/**
 * Selector normalization: the same identity written differently (case, spaces, Unicode forms,
 * phone punctuation, national vs international phone numbers) becomes the same bytes before it
 * is hashed to the curve. docs/zk-tx-protocol.md §Normalization states every rule.
 *
 * Error messages name line numbers only: a selector value is never echoed (it may be personal data).
 */
import { domainToASCII } from "node:url";
import { TfError } from "../core/errors.js";

export type SelectorType = "email" | "phone" | "id";
export const SELECTOR_TYPES: readonly SelectorType[] = ["email", "phone", "id"];

/** Most selectors one list may hold (one exchange's padded size is the next power of two). */
export const MAX_SELECTORS = 1 << 20;
/** Largest selector file, in bytes. */
export const MAX_SELECTOR_BYTES = 64 * 1024 * 1024;
/** Longest selector after normalization, in UTF-8 bytes. */
export const MAX_SELECTOR_LENGTH = 320;

/**
 * Country calling code and national trunk prefix per default region (--region). A national
 * number (no + or 00) is read as belonging to this region, its trunk prefix dropped.
 */
export const PHONE_REGIONS: Readonly<Record<string, { cc: string; trunk: string }>> = {
  US: { cc: "1", trunk: "1" },
  CA: { cc: "1", trunk: "1" },
  GB: { cc: "44", trunk: "0" },
  DE: { cc: "49", trunk: "0" },
  FR: { cc: "33", trunk: "0" },
  NL: { cc: "31", trunk: "0" },
  CH: { cc: "41", trunk: "0" },
  AT: { cc: "43", trunk: "0" },
  BE: { cc: "32", trunk: "0" },
  ES: { cc: "34", trunk: "" },
  IT: { cc: "39", trunk: "" },
  IE: { cc: "353", trunk: "0" },
  SE: { cc: "46", trunk: "0" },
  AU: { cc: "61", trunk: "0" },
  IN: { cc: "91", trunk: "0" },
  JP: { cc: "81", trunk: "0" },
  BR: { cc: "55", trunk: "0" },
};

export interface NormalizeOptions {
  /** Default region of national phone numbers (ISO 3166 alpha-2). Without it they are refused. */
  region?: string;
}

class Invalid extends Error {}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff]/u;
const WS = /\s/u;

function base(raw: string): string {
  // NFC so composed and decomposed accents match; trim Unicode whitespace at both ends.
  const s = raw.normalize("NFC").trim();
  if (s.length === 0) throw new Invalid("empty");
  if (CONTROL.test(s)) throw new Invalid("contains control or invisible characters");
  return s;
}

const LOCAL = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]+$/u;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Email: NFC, trimmed, whole address lower-cased (the local part too: every large provider
 * treats it case-insensitively), domain converted to its IDNA ASCII form. Dots and +tags are
 * kept (gmail's dot folding is provider-specific and would merge distinct mailboxes elsewhere).
 */
export function normalizeEmail(raw: string): string {
  const s = base(raw);
  if (WS.test(s)) throw new Invalid("contains whitespace");
  const at = s.lastIndexOf("@");
  if (at <= 0 || at === s.length - 1 || s.indexOf("@") !== at) throw new Invalid("is not one local@domain");
  const local = s.slice(0, at).toLowerCase();
  if (!LOCAL.test(local) || local.startsWith(".") || local.endsWith(".") || local.includes(".."))
    throw new Invalid("has an invalid local part");
  const domain = domainToASCII(s.slice(at + 1).replace(/\.$/, "")).toLowerCase();
  const labels = domain.split(".");
  if (!domain || labels.length < 2 || !labels.every((l) => LABEL.test(l)))
    throw new Invalid("has an invalid domain");
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) throw new Invalid("has a numeric top-level domain");
  return `${local}@${domain}`;
}

/**
 * Phone: E.164 (+ then 8-15 digits). Spaces, dots, dashes, slashes and parentheses are dropped;
 * "00" is read as "+"; a national number takes the default region's code, its trunk prefix removed.
 * Extensions and letters are refused.
 */
export function normalizePhone(raw: string, options: NormalizeOptions = {}): string {
  const s = base(raw)
    .replace(/[\s.\-/()\u00a0\u2010-\u2015]/gu, "")
    .replace(/[\uff10-\uff19]/gu, (d) => String(d.charCodeAt(0) - 0xff10));
  let digits: string;
  if (s.startsWith("+")) digits = s.slice(1);
  else if (s.startsWith("00")) digits = s.slice(2);
  else {
    const region = options.region?.toUpperCase();
    const r = region ? PHONE_REGIONS[region] : undefined;
    if (!r) throw new Invalid("is a national number and no default region was given");
    let national = s;
    if (r.trunk && national.startsWith(r.trunk)) national = national.slice(r.trunk.length);
    digits = r.cc + national;
  }
  if (!/^[0-9]+$/.test(digits)) throw new Invalid("has characters other than digits");
  if (digits.startsWith("0")) throw new Invalid("has a country code starting with 0");
  if (digits.length < 8 || digits.length > 15) throw new Invalid("does not have 8-15 digits");
  return `+${digits}`;
}

/** Opaque id: NFC, trimmed, case kept, no whitespace or control characters inside. */
export function normalizeId(raw: string): string {
  const s = base(raw);
  if (WS.test(s)) throw new Invalid("contains whitespace");
  return s;
}

/** What a line looks like, for mixed-list detection. */
function looksLike(s: string): SelectorType {
  const t = s.trim();
  if (t.includes("@")) return "email";
  if (/^(\+|00)?[0-9\s.\-/()]{7,}$/.test(t) && /[0-9]{3}/.test(t)) return "phone";
  return "id";
}

export function normalizeSelector(type: SelectorType, raw: string, options: NormalizeOptions = {}): string {
  let out: string;
  if (type === "email") out = normalizeEmail(raw);
  else if (type === "phone") out = normalizePhone(raw, options);
  else out = normalizeId(raw);
  if (Buffer.byteLength(out, "utf8") > MAX_SELECTOR_LENGTH)
    throw new Invalid(`is longer than ${MAX_SELECTOR_LENGTH} bytes`);
  return out;
}

/** The bytes hashed to the curve: type-separated so an id can never collide with an email. */
export function selectorBytes(type: SelectorType, normalized: string): Uint8Array {
  return new TextEncoder().encode(`${type}\u0000${normalized}`);
}

function validAs(type: SelectorType, raw: string, options: NormalizeOptions): boolean {
  try {
    normalizeSelector(type, raw, options);
    return true;
  } catch {
    return false;
  }
}

function mixed(file: string, line: number, expected: SelectorType, found: SelectorType): TfError {
  return new TfError(
    "TF_ZK_SELECTOR_MIXED",
    `${file} line ${line} is a ${found}, in a list of ${expected} selectors`,
    {
      details: { file, line, expected, found },
    },
  );
}

export interface SelectorList {
  type: SelectorType;
  /** Normalized, de-duplicated, in first-seen order. */
  selectors: string[];
  /** Selector lines read (after skipping blanks and comments). */
  lines: number;
  duplicates: number;
}

/**
 * Reads a selector file: one selector per line, blank lines and lines starting with # skipped.
 * TF_ZK_SELECTOR_INVALID (with the line number), TF_ZK_SELECTOR_MIXED when a line is another
 * type than the list's, TF_ZK_SELECTORS_TOO_LARGE.
 */
export function parseSelectorList(
  content: string | Uint8Array,
  type: SelectorType,
  options: NormalizeOptions & { file?: string } = {},
): SelectorList {
  const file = options.file ?? "selectors";
  const size = typeof content === "string" ? Buffer.byteLength(content, "utf8") : content.length;
  if (size > MAX_SELECTOR_BYTES)
    throw new TfError(
      "TF_ZK_SELECTORS_TOO_LARGE",
      `${file} is ${size} bytes; the limit is ${MAX_SELECTOR_BYTES}`,
      {
        details: { file, bytes: size, limit: MAX_SELECTOR_BYTES },
      },
    );
  let text: string;
  if (typeof content === "string") text = content;
  else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(content);
    } catch {
      throw new TfError("TF_ZK_SELECTOR_INVALID", `${file} is not UTF-8 text`, { details: { file } });
    }
  }
  if (options.region !== undefined && !PHONE_REGIONS[options.region.toUpperCase()])
    throw new TfError("TF_INPUT_INVALID", `Unknown phone region ${JSON.stringify(options.region)}`, {
      remedy: `Use one of ${Object.keys(PHONE_REGIONS).join(", ")}, or write numbers in +E.164 form.`,
      details: { region: options.region },
    });
  const seen = new Set<string>();
  const selectors: string[] = [];
  let lines = 0;
  let duplicates = 0;
  const rows = text.split(/\r?\n/);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const trimmed = row.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    lines++;
    if (lines > MAX_SELECTORS)
      throw new TfError("TF_ZK_SELECTORS_TOO_LARGE", `${file} has more than ${MAX_SELECTORS} selectors`, {
        details: { file, limit: MAX_SELECTORS },
      });
    let norm: string;
    try {
      norm = normalizeSelector(type, row, options);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      const other = looksLike(row);
      if (other !== type && other !== "id" && validAs(other, row, options))
        throw mixed(file, i + 1, type, other);
      throw new TfError("TF_ZK_SELECTOR_INVALID", `${file} line ${i + 1}: the ${type} ${e.message}`, {
        details: { file, line: i + 1, type },
      });
    }
    // Account ids may be numeric, so only an email stands out in a list of ids.
    if (type === "id" && looksLike(row) === "email" && validAs("email", row, options))
      throw mixed(file, i + 1, type, "email");
    if (seen.has(norm)) {
      duplicates++;
      continue;
    }
    seen.add(norm);
    selectors.push(norm);
  }
  return { type, selectors, lines, duplicates };
}
