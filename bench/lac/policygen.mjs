// A seeded generator of ABAC policies and requests, shared by the LAC benchmarks and their
// peers (Cedar, OPA): the same rules are described once, neutrally, and rendered per engine.
import { prng } from "../lib/common.mjs";

/** The attributes every generated policy and request uses (namespace.name → type). */
export const ATTRIBUTES = {
  "subject.role": {
    type: "enum",
    values: ["analyst", "engineer", "manager", "auditor", "contractor", "admin", "support", "intern"],
  },
  "subject.dept": { type: "enum", values: ["d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9"] },
  "subject.clearance": { type: "number", min: 0, max: 5 },
  "subject.tenure": { type: "number", min: 0, max: 20 },
  "resource.type": {
    type: "enum",
    values: [
      "table",
      "view",
      "report",
      "model",
      "dashboard",
      "export",
      "log",
      "secret",
      "notebook",
      "bucket",
      "topic",
      "queue",
    ],
  },
  "resource.owner": { type: "enum", values: ["d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9"] },
  "resource.sensitivity": { type: "number", min: 0, max: 5 },
  "action.type": { type: "enum", values: ["read", "write", "delete", "export", "share", "admin"] },
  "context.purpose": {
    type: "enum",
    values: ["analytics", "ops", "audit", "research", "marketing", "billing"],
  },
  "context.region": { type: "enum", values: ["EU", "US", "APAC", "LATAM"] },
  "context.hour": { type: "number", min: 0, max: 23 },
};

const NAMES = Object.keys(ATTRIBUTES);
const pick = (rnd, a) => a[Math.floor(rnd() * a.length)];
const int = (rnd, lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));

function condition(rnd, attr) {
  const t = ATTRIBUTES[attr];
  if (t.type === "enum") {
    const r = rnd();
    if (r < 0.5) return { attr, op: "eq", value: pick(rnd, t.values) };
    if (r < 0.85) {
      const n = int(rnd, 2, 3);
      const vals = [...new Set(Array.from({ length: n }, () => pick(rnd, t.values)))];
      return { attr, op: "in", value: vals };
    }
    return { attr, op: "ne", value: pick(rnd, t.values) };
  }
  return { attr, op: pick(rnd, ["lt", "le", "gt", "ge"]), value: int(rnd, t.min, t.max) };
}

/**
 * `rules` rules from `seed`. Each rule is a conjunction of 2–4 conditions; the first tests
 * action.type or resource.type (as real policies scope rules), the rest random attributes.
 * Semantics, as every engine must render them: deny overrides allow; no applicable rule → deny.
 * Returns { yaml, schemaYaml, rules: [{ id, effect, conditions: [{ attr, op, value }] }], attributes }.
 */
export function generatePolicy(seed, rules = 100) {
  const rnd = prng(seed);
  const out = [];
  for (let i = 0; i < rules; i++) {
    const effect = rnd() < 0.2 ? "deny" : "allow";
    const head = condition(rnd, rnd() < 0.6 ? "action.type" : "resource.type");
    const used = new Set([head.attr]);
    const conditions = [head];
    const more = int(rnd, 1, 3);
    while (conditions.length < more + 1) {
      const attr = pick(rnd, NAMES);
      if (used.has(attr)) continue;
      used.add(attr);
      conditions.push(condition(rnd, attr));
    }
    out.push({ id: `r${String(i).padStart(3, "0")}`, effect, conditions });
  }
  return { yaml: toLacYaml(seed, out), schemaYaml: toLacSchema(), rules: out, attributes: ATTRIBUTES };
}

const lit = (v) => (Array.isArray(v) ? `[${v.map(lit).join(", ")}]` : typeof v === "string" ? v : String(v));

function toLacYaml(seed, rules) {
  const lines = [
    "apiVersion: trustfabric.dev/lac/v1",
    "kind: Policy",
    `metadata: { name: generated-${seed}, version: "1" }`,
    "combining: deny-overrides",
    "rules:",
  ];
  for (const r of rules) {
    lines.push(`  - id: ${r.id}`, `    effect: ${r.effect}`, "    when:", "      all:");
    for (const c of r.conditions)
      lines.push(`        - { attr: ${c.attr}, op: ${c.op}, value: ${lit(c.value)} }`);
    lines.push(`    reason: ${r.effect}`);
  }
  lines.push(
    "reasons:",
    '  allow: { en: "Allowed by policy {policy}." }',
    '  deny: { en: "Denied by policy {policy}." }',
  );
  return `${lines.join("\n")}\n`;
}

function toLacSchema() {
  const byNs = {};
  for (const [name, t] of Object.entries(ATTRIBUTES)) {
    const [ns, key] = name.split(".");
    byNs[ns] ??= [];
    byNs[ns].push(
      t.type === "enum"
        ? `    ${key}: { type: enum, values: [${t.values.join(", ")}] }`
        : `    ${key}: number`,
    );
  }
  const lines = [
    "apiVersion: trustfabric.dev/lac/v1",
    "kind: Schema",
    "metadata: { name: generated }",
    "attributes:",
  ];
  for (const [ns, attrs] of Object.entries(byNs)) lines.push(`  ${ns}:`, ...attrs);
  return `${lines.join("\n")}\n`;
}

/** `n` requests from `seed`, every attribute present: { subject, resource, action, context }. */
export function generateRequests(seed, n) {
  const rnd = prng(seed ^ 0x5eed);
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = { subject: {}, resource: {}, action: {}, context: {} };
    for (const [name, t] of Object.entries(ATTRIBUTES)) {
      const [ns, key] = name.split(".");
      r[ns][key] = t.type === "enum" ? pick(rnd, t.values) : int(rnd, t.min, t.max);
    }
    out[i] = r;
  }
  return out;
}
