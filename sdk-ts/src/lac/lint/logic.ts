/**
 * Conservative reasoning about LAC conditions for the linter: negation normal form under the
 * compiler's three-valued (strong Kleene) logic, per-attribute value domains, and proofs of
 * implication, contradiction and validity. Every answer `true` is a proof; `false` means
 * "could not prove", never "disproved". Findings built on these are therefore never false alarms
 * about the semantics, at the price of missing some.
 */
import type { AttributeType, Condition, Operand } from "../model.js";

type Scalar = string | number | boolean;

/** The values for which an atom is true (the attribute is present in all but `absent`). */
export type Dom =
  | { t: "present" }
  | { t: "absent" }
  | { t: "in"; vals: Set<Scalar> }
  | { t: "out"; vals: Set<Scalar> }
  | { t: "range"; lo: number; loInc: boolean; hi: number; hiInc: boolean; out: Set<number> }
  | { t: "has"; has: Set<string>; lacks: Set<string> };

export type Node =
  | { k: "atom"; attr: string; dom: Dom }
  /** A test against another attribute: compared only by identity with its negation. */
  | { k: "opaque"; key: string; neg: string; attrs: string[] }
  | { k: "and"; parts: Node[] }
  | { k: "or"; parts: Node[] };

export const TRUE: Node = { k: "and", parts: [] };

const NEG: Record<string, string> = {
  eq: "ne",
  ne: "eq",
  in: "not_in",
  not_in: "in",
  lt: "ge",
  ge: "lt",
  le: "gt",
  gt: "le",
  contains: "not_contains",
  not_contains: "contains",
  exists: "absent",
  absent: "exists",
};

const isRef = (v: Operand | undefined): v is { attr: string } =>
  v !== null && typeof v === "object" && !Array.isArray(v);

export type Types = (attr: string) => AttributeType | undefined;

/** The finite set of values an attribute can take, if the schema makes it finite. */
function universe(t: AttributeType | undefined): Scalar[] | undefined {
  if (t?.type === "enum") return t.values;
  if (t?.type === "boolean") return [true, false];
  return undefined;
}

function normalize(d: Dom, t: AttributeType | undefined): Dom {
  const u = universe(t);
  if (d.t === "out" && u) return { t: "in", vals: new Set(u.filter((v) => !d.vals.has(v))) };
  return d;
}

function atomDom(op: string, value: Operand | undefined): Dom {
  switch (op) {
    case "exists":
      return { t: "present" };
    case "absent":
      return { t: "absent" };
    case "eq":
      return { t: "in", vals: new Set([value as Scalar]) };
    case "ne":
      return { t: "out", vals: new Set([value as Scalar]) };
    case "in":
      return { t: "in", vals: new Set(value as Scalar[]) };
    case "not_in":
      return { t: "out", vals: new Set(value as Scalar[]) };
    case "contains":
      return { t: "has", has: new Set([value as string]), lacks: new Set() };
    case "not_contains":
      return { t: "has", has: new Set(), lacks: new Set([value as string]) };
    default: {
      const v = value as number;
      const inf = Number.POSITIVE_INFINITY;
      if (op === "lt") return { t: "range", lo: -inf, loInc: false, hi: v, hiInc: false, out: new Set() };
      if (op === "le") return { t: "range", lo: -inf, loInc: false, hi: v, hiInc: true, out: new Set() };
      if (op === "gt") return { t: "range", lo: v, loInc: false, hi: inf, hiInc: false, out: new Set() };
      return { t: "range", lo: v, loInc: true, hi: inf, hiInc: false, out: new Set() };
    }
  }
}

/** Negation normal form; De Morgan and double negation hold in strong Kleene logic. */
export function toNode(c: Condition | undefined, types: Types, negated = false): Node {
  if (c === undefined) return negated ? { k: "or", parts: [] } : TRUE;
  if ("all" in c || "any" in c) {
    const list = "all" in c ? c.all : c.any;
    const conj = "all" in c !== negated;
    return { k: conj ? "and" : "or", parts: list.map((x) => toNode(x, types, negated)) };
  }
  if ("not" in c) return toNode(c.not, types, !negated);
  const op = negated ? NEG[c.op]! : c.op;
  if (isRef(c.value)) {
    const key = JSON.stringify([c.attr, op, c.value.attr]);
    const neg = JSON.stringify([c.attr, NEG[op]!, c.value.attr]);
    return { k: "opaque", key, neg, attrs: [c.attr, c.value.attr] };
  }
  return { k: "atom", attr: c.attr, dom: normalize(atomDom(op, c.value), types(c.attr)) };
}

function inRange(d: Extract<Dom, { t: "range" }>, v: Scalar): boolean {
  if (typeof v !== "number" || d.out.has(v)) return false;
  const lo = d.loInc ? v >= d.lo : v > d.lo;
  const hi = d.hiInc ? v <= d.hi : v < d.hi;
  return lo && hi;
}

/** Is v in the true-set of d? */
function member(d: Dom, v: Scalar): boolean {
  switch (d.t) {
    case "present":
      return true;
    case "absent":
    case "has":
      return false;
    case "in":
      return d.vals.has(v);
    case "out":
      return !d.vals.has(v);
    case "range":
      return inRange(d, v);
  }
}

export function isEmpty(d: Dom | null): boolean {
  if (d === null) return false;
  if (d.t === "in") return d.vals.size === 0;
  if (d.t === "range") {
    if (d.lo > d.hi) return true;
    if (d.lo === d.hi) return !(d.loInc && d.hiInc) || d.out.has(d.lo);
    return false;
  }
  if (d.t === "has") {
    for (const v of d.has) if (d.lacks.has(v)) return true;
  }
  return false;
}

/** Intersection of two true-sets; null when the pair is not understood (never claimed empty). */
export function meet(a: Dom, b: Dom): Dom | null {
  if (a.t === "absent" || b.t === "absent") return a.t === b.t ? a : { t: "in", vals: new Set() }; // absent ∧ present-requiring: empty
  if (a.t === "present") return b;
  if (b.t === "present") return a;
  if (a.t === "in") return { t: "in", vals: new Set([...a.vals].filter((v) => member(b, v))) };
  if (b.t === "in") return meet(b, a);
  if (a.t === "out" && b.t === "out") return { t: "out", vals: new Set([...a.vals, ...b.vals]) };
  if (a.t === "range" && b.t === "out") return meet(b, a);
  if (a.t === "out" && b.t === "range") {
    const out = new Set(b.out);
    for (const v of a.vals) if (typeof v === "number") out.add(v);
    return { ...b, out };
  }
  if (a.t === "range" && b.t === "range") {
    const [lo, loInc] =
      a.lo > b.lo ? [a.lo, a.loInc] : a.lo < b.lo ? [b.lo, b.loInc] : [a.lo, a.loInc && b.loInc];
    const [hi, hiInc] =
      a.hi < b.hi ? [a.hi, a.hiInc] : a.hi > b.hi ? [b.hi, b.hiInc] : [a.hi, a.hiInc && b.hiInc];
    return { t: "range", lo, loInc, hi, hiInc, out: new Set([...a.out, ...b.out]) };
  }
  if (a.t === "has" && b.t === "has")
    return { t: "has", has: new Set([...a.has, ...b.has]), lacks: new Set([...a.lacks, ...b.lacks]) };
  return null;
}

/** a ⊆ b: whenever a is true, b is true. */
export function sub(a: Dom | null, b: Dom): boolean {
  if (a === null) return false;
  if (isEmpty(a)) return true;
  if (b.t === "present") return a.t !== "absent";
  if (a.t === "absent" || b.t === "absent") return a.t === b.t;
  if (a.t === "in") return [...a.vals].every((v) => member(b, v));
  if (a.t === "has" || b.t === "has")
    return (
      a.t === "has" &&
      b.t === "has" &&
      [...b.has].every((v) => a.has.has(v)) &&
      [...b.lacks].every((v) => a.lacks.has(v))
    );
  if (a.t === "present") return b.t === "out" && b.vals.size === 0;
  if (a.t === "out") {
    if (b.t === "out") return [...b.vals].every((v) => a.vals.has(v));
    return false;
  }
  // a is a range
  if (b.t === "in") return a.lo === a.hi && b.vals.has(a.lo);
  if (b.t === "out") return [...b.vals].every((v) => typeof v !== "number" || !inRange(a, v));
  const loOk = b.lo < a.lo || (b.lo === a.lo && (b.loInc || !a.loInc));
  const hiOk = b.hi > a.hi || (b.hi === a.hi && (b.hiInc || !a.hiInc));
  return loOk && hiOk && [...b.out].every((v) => !inRange(a, v));
}

/** The top-level conjunction of a node: its atoms merged per attribute, its opaque keys, its disjunctions. */
interface Conj {
  doms: Map<string, Dom | null>;
  opaque: Set<string>;
  ors: Node[][];
  unsat: boolean;
}

const conjCache = new WeakMap<Node, Conj>();

function conj(n: Node): Conj {
  const hit = conjCache.get(n);
  if (hit) return hit;
  const c: Conj = { doms: new Map(), opaque: new Set(), ors: [], unsat: false };
  const add = (x: Node) => {
    if (x.k === "and") for (const p of x.parts) add(p);
    else if (x.k === "or") {
      const live = x.parts.filter((p) => !unsat(p));
      if (live.length === 0) c.unsat = true;
      else if (live.length === 1) add(live[0]!);
      else c.ors.push(live);
    } else if (x.k === "opaque") {
      c.opaque.add(x.key);
      if (c.opaque.has(x.neg)) c.unsat = true;
    } else {
      const prev = c.doms.get(x.attr);
      const d = prev === undefined ? x.dom : prev === null ? null : meet(prev, x.dom);
      c.doms.set(x.attr, d);
      if (isEmpty(d)) c.unsat = true;
    }
  };
  add(n);
  conjCache.set(n, c);
  return c;
}

/** Provably never true. */
export function unsat(n: Node): boolean {
  if (n.k === "atom") return isEmpty(n.dom);
  if (n.k === "opaque") return false;
  if (n.k === "or") return n.parts.every(unsat);
  return conj(n).unsat;
}

/** Provably always true (only the `exists x or not exists x` shape, and combinations of it). */
export function valid(n: Node): boolean {
  if (n.k === "and") return n.parts.every(valid);
  if (n.k !== "or") return false;
  if (n.parts.some(valid)) return true;
  const present = new Set<string>();
  const absent = new Set<string>();
  for (const p of n.parts)
    if (p.k === "atom" && p.dom.t === "absent") absent.add(p.attr);
    else if (p.k === "atom" && p.dom.t === "present") present.add(p.attr);
  for (const a of present) if (absent.has(a)) return true;
  return false;
}

/** Provably: whenever a is true, b is true. */
export function implies(a: Node, b: Node): boolean {
  if (unsat(a) || valid(b)) return true;
  if (b.k === "and") return b.parts.every((p) => implies(a, p));
  if (a.k === "or") return a.parts.every((p) => implies(p, b));
  const ca = conj(a);
  if (b.k === "or") {
    if (b.parts.some((p) => implies(a, p))) return true;
    return ca.ors.some((branches) => branches.every((x) => implies(x, b)));
  }
  if (b.k === "opaque") {
    if (ca.opaque.has(b.key)) return true;
  } else {
    const d = ca.doms.get(b.attr);
    if (d !== undefined && sub(d, b.dom)) return true;
  }
  return ca.ors.some((branches) => branches.every((x) => implies(x, b)));
}

export const equivalent = (a: Node, b: Node): boolean => implies(a, b) && implies(b, a);

/** Provably never both true. */
export function disjoint(a: Node, b: Node): boolean {
  return unsat({ k: "and", parts: [a, b] });
}

/** Attributes a node tests (for cheap pre-filters). */
export function attributes(n: Node, out = new Set<string>()): Set<string> {
  if (n.k === "atom") out.add(n.attr);
  else if (n.k === "opaque") for (const a of n.attrs) out.add(a);
  else for (const p of n.parts) attributes(p, out);
  return out;
}

/** Attributes every true assignment of the node must have present (a necessary condition of implication). */
export function requiredAttributes(n: Node): Set<string> {
  if (n.k === "atom") return new Set(n.dom.t === "absent" ? [] : [n.attr]);
  if (n.k === "opaque") return new Set(n.attrs);
  if (n.k === "and") {
    const s = new Set<string>();
    for (const p of n.parts) for (const a of requiredAttributes(p)) s.add(a);
    return s;
  }
  const sets = n.parts.map(requiredAttributes);
  if (sets.length === 0) return new Set();
  return new Set([...sets[0]!].filter((a) => sets.every((s) => s.has(a))));
}

/** Does the node only test that attributes exist (a wildcard in disguise)? */
export function existsOnly(n: Node): boolean {
  if (n.k === "atom") return n.dom.t === "present";
  if (n.k === "opaque") return false;
  return n.parts.every(existsOnly);
}
