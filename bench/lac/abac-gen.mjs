// A seeded ABAC workload for bench/lac/compare.mjs: one schema, N rules and M requests, all
// derived from a seed, so LAC, Cedar and OPA are measured on the very same policy.
//
// The rules come out in a neutral form, which bench/lac/peers/*.mjs translate for each engine:
//
//   { id, effect: "allow" | "deny", when?: Condition }
//   Condition = { attr: "ns.name", op, value } | { all: [Condition] } | { any: [Condition] } | { not: Condition }
//   value     = a literal (string, integer, boolean, or a list of them for in/not_in) | { attr: "ns.name" }
//   op        = eq | ne | in | not_in | lt | le | gt | ge | contains
//
// This is the shape LAC's own conditions have (docs/lac.md), which is why the LAC YAML is a
// straight rendering of it. Numbers are integers (Cedar has no floats) and every request
// carries every attribute (see docs/lac-bench.md, "Equivalence").

import { prng } from "../lib/common.mjs";

/** The schema every generated policy is written against (LAC's format, as an object). */
export const SCHEMA = {
  subject: {
    role: {
      type: "enum",
      values: ["analyst", "admin", "contractor", "auditor", "engineer", "scientist", "manager", "intern"],
    },
    dept: {
      type: "enum",
      values: ["finance", "sales", "hr", "legal", "ops", "research", "security", "support"],
    },
    geo: { type: "enum", values: ["EU", "US", "APAC", "LATAM", "MEA"] },
    team: { type: "string" },
    clearance: { type: "number" },
    tenure: { type: "number" },
    onCall: { type: "boolean" },
    mfa: { type: "boolean" },
    licenses: { type: "set", values: ["internal", "cc-by", "commercial", "restricted", "medical", "gov"] },
    groups: { type: "set" },
  },
  resource: {
    kind: { type: "enum", values: ["table", "view", "model", "report", "stream", "file"] },
    residency: { type: "enum", values: ["EU", "US", "APAC", "LATAM", "MEA"] },
    license: { type: "enum", values: ["internal", "cc-by", "commercial", "restricted", "medical", "gov"] },
    ownerDept: {
      type: "enum",
      values: ["finance", "sales", "hr", "legal", "ops", "research", "security", "support"],
    },
    dataset: { type: "string" },
    sensitivity: { type: "number" },
    containsPii: { type: "boolean" },
    tags: { type: "set", values: ["pii", "phi", "pci", "public", "derived", "raw", "gold", "beta"] },
  },
  action: {
    type: { type: "enum", values: ["query", "export", "share", "delete", "train", "annotate"] },
    rows: { type: "number" },
    columns: { type: "number" },
    aggregated: { type: "boolean" },
  },
  context: {
    purpose: { type: "enum", values: ["analytics", "fraud", "marketing", "incident", "research", "billing"] },
    tenantTier: { type: "enum", values: ["free", "pro", "enterprise"] },
    destinationGeo: { type: "enum", values: ["EU", "US", "APAC", "LATAM", "MEA"] },
    hour: { type: "number" },
    risk: { type: "number" },
    vpn: { type: "boolean" },
    ticket: { type: "string" },
  },
};

/** Free-form string and set values are drawn from these pools (so equality tests can hit). */
const POOLS = {
  "subject.team": Array.from({ length: 24 }, (_, i) => `team-${i}`),
  "resource.dataset": Array.from({ length: 40 }, (_, i) => `ds-${i}`),
  "context.ticket": Array.from({ length: 16 }, (_, i) => `INC-${1000 + i}`),
  "subject.groups": Array.from({ length: 12 }, (_, i) => `g${i}`),
};

/** Integer ranges of the number attributes, [min, max] inclusive. */
const RANGES = {
  "subject.clearance": [0, 5],
  "subject.tenure": [0, 40],
  "resource.sensitivity": [0, 4],
  "action.rows": [0, 1_000_000],
  "action.columns": [1, 200],
  "context.hour": [0, 23],
  "context.risk": [0, 100],
};

/** Pairs of attributes of one type that rules may compare with each other ({attr} values). */
const REFS = [
  ["context.destinationGeo", "resource.residency", "enum"],
  ["subject.geo", "resource.residency", "enum"],
  ["subject.dept", "resource.ownerDept", "enum"],
  ["resource.license", "subject.licenses", "member"], // resource.license in subject.licenses
  ["subject.clearance", "resource.sensitivity", "number"],
];

const ATTRS = Object.entries(SCHEMA).flatMap(([ns, attrs]) =>
  Object.entries(attrs).map(([name, t]) => ({ attr: `${ns}.${name}`, ns, name, ...t })),
);

function domain(a) {
  return a.values ?? POOLS[a.attr];
}

function tools(rand) {
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const sample = (xs, k) => {
    const c = [...xs];
    for (let i = c.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [c[i], c[j]] = [c[j], c[i]];
    }
    return c.slice(0, k);
  };
  return { int, pick, sample };
}

/**
 * One random test on one attribute, true for roughly 15–50% of requests, so that the decisions
 * mix: about a third each of allow, explicit deny and default deny.
 */
function test(rand, a) {
  const { int, pick, sample } = tools(rand);
  switch (a.type) {
    case "enum":
    case "string": {
      const d = domain(a);
      const r = rand();
      if (r < 0.35) return { attr: a.attr, op: "eq", value: pick(d) };
      if (r < 0.45) return { attr: a.attr, op: "ne", value: pick(d) };
      if (r < 0.9)
        return { attr: a.attr, op: "in", value: sample(d, int(2, Math.max(2, Math.ceil(d.length / 3)))) };
      return { attr: a.attr, op: "not_in", value: sample(d, d.length - 2) };
    }
    case "number": {
      const [lo, hi] = RANGES[a.attr];
      const share = 0.15 + rand() * 0.35; // fraction of the range the test accepts
      const span = hi - lo;
      return rand() < 0.5
        ? { attr: a.attr, op: pick(["lt", "le"]), value: lo + Math.max(1, Math.round(span * share)) }
        : { attr: a.attr, op: pick(["gt", "ge"]), value: hi - Math.max(1, Math.round(span * share)) };
    }
    case "boolean":
      return { attr: a.attr, op: rand() < 0.8 ? "eq" : "ne", value: rand() < 0.5 };
    case "set":
      return { attr: a.attr, op: "contains", value: pick(domain(a)) };
    default:
      throw new Error(`no test for ${a.type}`);
  }
}

function refTest(rand) {
  const [left, right, kind] = REFS[Math.floor(rand() * REFS.length)];
  if (kind === "member") return { attr: left, op: "in", value: { attr: right } };
  if (kind === "number") return { attr: left, op: rand() < 0.5 ? "ge" : "lt", value: { attr: right } };
  return { attr: left, op: rand() < 0.5 ? "eq" : "ne", value: { attr: right } };
}

/**
 * Rule i: a conjunction that usually pins action.type (the way real policies are organised),
 * plus 1–3 further tests, some of them nested in any/not, some comparing two attributes.
 */
function makeRule(rand, i) {
  const { int, pick, sample } = tools(rand);
  const effect = rand() < 0.75 ? "allow" : "deny";
  const parts = [];
  const actionType = SCHEMA.action.type.values;
  if (rand() < 0.85)
    parts.push(
      rand() < 0.6
        ? { attr: "action.type", op: "eq", value: pick(actionType) }
        : { attr: "action.type", op: "in", value: sample(actionType, 2) },
    );
  const others = ATTRS.filter((a) => a.attr !== "action.type");
  const n = effect === "deny" ? int(2, 3) : int(1, 3);
  for (let k = 0; k < n; k++) {
    const r = rand();
    if (r < 0.12) parts.push(refTest(rand));
    else if (r < 0.24) parts.push({ any: [test(rand, pick(others)), test(rand, pick(others))] });
    else if (r < 0.32) parts.push({ not: test(rand, pick(others)) });
    else if (r < 0.36)
      parts.push({
        any: [
          { all: [test(rand, pick(others)), test(rand, pick(others))] },
          { not: test(rand, pick(others)) },
        ],
      });
    else parts.push(test(rand, pick(others)));
  }
  const id = `${effect === "allow" ? "allow" : "deny"}-${String(i).padStart(3, "0")}`;
  return { id, effect, when: parts.length === 1 ? parts[0] : { all: parts } };
}

/** LAC schema YAML for SCHEMA. */
export function schemaYaml() {
  const lines = [
    "# Generated by bench/lac/abac-gen.mjs: the schema of the LAC/Cedar/OPA comparison.",
    "apiVersion: trustfabric.dev/lac/v1",
    "kind: Schema",
    'metadata: { name: abac-bench, version: "1" }',
    "attributes:",
  ];
  for (const [ns, attrs] of Object.entries(SCHEMA)) {
    lines.push(`  ${ns}:`);
    for (const [name, t] of Object.entries(attrs))
      lines.push(`    ${name}: ${JSON.stringify(t).replace(/"(type|values)":/g, "$1: ")}`);
  }
  return `${lines.join("\n")}\n`;
}

/** LAC policy YAML for neutral rules: conditions render as YAML flow mappings (JSON is YAML). */
export function policyYaml(rules, seed) {
  const lines = [
    `# Generated by bench/lac/abac-gen.mjs from seed ${seed}: ${rules.length} rules.`,
    "apiVersion: trustfabric.dev/lac/v1",
    "kind: Policy",
    `metadata: { name: abac-bench, version: "${seed}" }`,
    "combining: deny-overrides",
    "defaultReason: no-grant",
    "rules:",
  ];
  for (const r of rules) {
    lines.push(`  - id: ${r.id}`, `    effect: ${r.effect}`);
    if (r.when) lines.push(`    when: ${JSON.stringify(r.when)}`);
    lines.push(`    reason: ${r.effect === "allow" ? "granted" : "refused"}`);
  }
  lines.push(
    "reasons:",
    '  granted: { en: "Allowed for {subject.role} in {subject.dept}." }',
    '  refused: { en: "Refused: {action.type} of {resource.dataset} is not allowed here." }',
    '  no-grant: { en: "No rule grants {action.type} to {subject.role}." }',
  );
  return `${lines.join("\n")}\n`;
}

/**
 * The reference semantics of a neutral condition on a complete request (every attribute
 * present): what LAC, Cedar and Rego must all compute. Used to calibrate rules here and as a
 * fourth opinion in the agreement check.
 */
export function evalCondition(c, req) {
  if ("all" in c) return c.all.every((x) => evalCondition(x, req));
  if ("any" in c) return c.any.some((x) => evalCondition(x, req));
  if ("not" in c) return !evalCondition(c.not, req);
  const get = (attr) => {
    const dot = attr.indexOf(".");
    return req[attr.slice(0, dot)][attr.slice(dot + 1)];
  };
  const x = get(c.attr);
  const y =
    c.value !== null && typeof c.value === "object" && !Array.isArray(c.value) ? get(c.value.attr) : c.value;
  switch (c.op) {
    case "eq":
      return x === y;
    case "ne":
      return x !== y;
    case "in":
      return y.includes(x);
    case "not_in":
      return !y.includes(x);
    case "lt":
      return x < y;
    case "le":
      return x <= y;
    case "gt":
      return x > y;
    case "ge":
      return x >= y;
    case "contains":
      return x.includes(y);
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

/** Deny-overrides with default deny, on neutral rules: the decision every engine must reach. */
export function referenceDecision(rules, req) {
  let allow = false;
  for (const r of rules) {
    if (r.when && !evalCondition(r.when, req)) continue;
    if (r.effect === "deny") return "deny";
    allow = true;
  }
  return allow ? "allow" : "deny";
}

/**
 * Share of requests a rule may match: with 75 allow rules and 25 deny rules in these bands,
 * roughly 30% of requests are denied by a rule, 40% allowed and 30% denied by default.
 */
const BANDS = { allow: [0.004, 0.02], deny: [0.005, 0.025] };

/** `rules` neutral rules from `seed`, with the LAC policy and schema YAML. */
export function generatePolicy(seed, rules = 100) {
  const rand = prng(seed);
  // Rules are drawn until their match rate on a calibration sample falls in the band for their
  // effect (deterministic: the sample and the draws both come from the seed).
  const calibration = generateRequests((seed + 0x9e3779b9) >>> 0, 4000);
  const list = [];
  for (let i = 0; i < rules; i++) {
    for (let attempt = 0; ; attempt++) {
      const r = makeRule(rand, i);
      let hits = 0;
      for (const q of calibration) if (evalCondition(r.when, q)) hits++;
      const [lo, hi] = BANDS[r.effect];
      const share = hits / calibration.length;
      if ((share >= lo && share <= hi) || attempt >= 200) {
        list.push(r);
        break;
      }
    }
  }
  return { yaml: policyYaml(list, seed), schema: schemaYaml(), rules: list };
}

/** `n` requests from `seed` ({subject, resource, action, context}, every attribute present). */
export function generateRequests(seed, n) {
  // A different stream from the policy's, whatever the seed.
  const rand = prng((seed ^ 0x5eed5eed) >>> 0);
  const { int, pick, sample } = tools(rand);
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const req = { subject: {}, resource: {}, action: {}, context: {} };
    for (const a of ATTRS) {
      const { ns, name } = a;
      let v;
      if (a.type === "number") v = int(...RANGES[a.attr]);
      else if (a.type === "boolean") v = rand() < 0.5;
      else if (a.type === "set") v = sample(domain(a), int(0, 3));
      else v = pick(domain(a));
      req[ns][name] = v;
    }
    out[i] = req;
  }
  return out;
}
