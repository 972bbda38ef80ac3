// The workload of bench/lac/compare.mjs and its agreement check, which must pass on every
// request before any timing counts. The check is untimed, so it runs split across worker
// threads (this file is also the worker's entry): Cedar's ~1 ms per call makes it the longest
// part of a run.
import { createRequire } from "node:module";
import { join } from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { BENCH_DIR, importSdk } from "../lib/common.mjs";
import { cedarCall, prepareCedar } from "./peers/cedar.mjs";

const hr = process.hrtime.bigint;

/** A disagreement between engines: `message` is the full report (request, decisions, rules). */
export class Disagreement extends Error {}

/** The generated workload, rules in the neutral form of abac-gen.mjs whichever generator made them. */
export async function loadWorkload({ gen, seed, rules, requests }) {
  const file = gen === "policygen" ? "./policygen.mjs" : gen === "abac-gen" ? "./abac-gen.mjs" : null;
  if (!file) throw new Error(`--gen must be abac-gen or policygen, got ${gen}`);
  const g = await import(file);
  const generated = g.generatePolicy(seed, rules);
  // policygen.mjs describes a rule as a flat list of `conditions` (a conjunction) and names the
  // schema `schemaYaml`; abac-gen.mjs uses LAC's condition tree (`when`) and `schema`.
  const schemaYaml = generated.schema ?? generated.schemaYaml;
  const ruleList = generated.rules.map((r) => ({
    id: r.id,
    effect: r.effect,
    when: r.when ?? (r.conditions ? { all: r.conditions } : undefined),
  }));
  const ref = await import("./abac-gen.mjs");
  const { parse } = await importYaml();
  const schema = parse(schemaYaml).attributes;
  for (const ns of ["subject", "resource", "action", "context"]) {
    schema[ns] ??= {};
    for (const [k, t] of Object.entries(schema[ns])) if (typeof t === "string") schema[ns][k] = { type: t };
  }
  return {
    yaml: generated.yaml,
    schemaYaml,
    schema,
    rules: ruleList,
    requests: g.generateRequests(seed, requests),
    reference: ref.referenceDecision,
  };
}

/** The `yaml` package the SDK depends on (not hoisted to the repository root by pnpm). */
async function importYaml() {
  const require = createRequire(join(BENCH_DIR, "..", "sdk-ts", "package.json"));
  return import(require.resolve("yaml"));
}

/**
 * Requests [from, to) through every engine and the reference evaluator of the neutral rules.
 * Cedar must also report no policy errors (an erroring policy is silently skipped, which would
 * hide a mistranslation) and the same deciding rules as LAC (Cedar's `reason` lists the
 * satisfied policies that decided; LAC's `decidingRules` the applicable rules that did).
 * Returns the decision mix, each engine's time in ns and a 0/1 allow flag per request.
 */
export function agreement(w, { lac, cedar, cedarSetup, opa }, from = 0, to = w.requests.length) {
  const mix = { allow: 0, denyByRule: 0, denyByDefault: 0 };
  const ns = { lac: 0, cedar: 0, opa: 0 };
  const allowed = new Uint8Array(to - from);
  const byId = new Map(w.rules.map((r) => [r.id, r]));
  for (let i = from; i < to; i++) {
    const req = w.requests[i];
    let t = hr();
    const d = lac.decide(req);
    ns.lac += Number(hr() - t);
    const verdicts = { lac: d.policyDecision, reference: w.reference(w.rules, req) };
    let cedarReasons = null;
    if (cedar) {
      t = hr();
      const a = cedar.statefulIsAuthorized(cedarCall(req, cedarSetup.policySetId, cedarSetup.schemaName));
      ns.cedar += Number(hr() - t);
      if (a.type !== "success")
        disagree(i, req, d, { cedar: "failure" }, `Cedar failed: ${JSON.stringify(a.errors)}`);
      const errs = a.response.diagnostics.errors;
      if (errs.length)
        disagree(i, req, d, verdicts, `Cedar policy errors: ${JSON.stringify(errs.slice(0, 3))}`);
      verdicts.cedar = a.response.decision;
      cedarReasons = [...a.response.diagnostics.reason].sort();
    }
    if (opa) {
      t = hr();
      const rs = opa.evaluate(req);
      ns.opa += Number(hr() - t);
      if (!Array.isArray(rs) || rs.length !== 1 || typeof rs[0].result !== "boolean")
        disagree(i, req, d, verdicts, `OPA returned ${JSON.stringify(rs)}`);
      verdicts.opa = rs[0].result ? "allow" : "deny";
    }
    if (new Set(Object.values(verdicts)).size !== 1) disagree(i, req, d, verdicts, "decisions differ", byId);
    if (cedarReasons) {
      const lacRules = [...d.decidingRules].sort();
      if (lacRules.join() !== cedarReasons.join())
        disagree(
          i,
          req,
          d,
          verdicts,
          `deciding rules differ: LAC ${lacRules.join(", ") || "(none)"}, Cedar ${cedarReasons.join(", ") || "(none)"}`,
          byId,
        );
    }
    if (d.policyDecision === "allow") {
      mix.allow++;
      allowed[i - from] = 1;
    } else if (d.defaulted) mix.denyByDefault++;
    else mix.denyByRule++;
  }
  return { mix, ns, allowed };
}

function disagree(i, req, d, verdicts, what, byId) {
  const lines = [`DISAGREEMENT on request ${i}: ${what}`, `decisions: ${JSON.stringify(verdicts)}`];
  lines.push(`request: ${JSON.stringify(req)}`);
  lines.push(
    `LAC deciding rules: ${JSON.stringify(d.decidingRules)}, not evaluable: ${JSON.stringify(d.notEvaluable)}`,
  );
  if (byId)
    for (const id of d.decidingRules.slice(0, 3)) lines.push(`rule ${id}: ${JSON.stringify(byId.get(id))}`);
  lines.push("Rerun with --write-policies DIR to read the three translations of the policy.");
  throw new Disagreement(lines.join("\n"));
}

/** LAC, and Cedar and OPA if asked for, set up for a workload (in this thread). */
export async function engines(w, { sdk = "", cedar = false, opaWasm = null } = {}) {
  const mod = await importSdk(sdk);
  const compilePolicy = mod.compilePolicy ?? mod.lac?.compilePolicy;
  if (!compilePolicy) throw new Error("the SDK build has no compilePolicy: run `pnpm run build` first");
  const out = { lac: compilePolicy(w.yaml, w.schemaYaml) };
  if (cedar) {
    out.cedar = await import("@cedar-policy/cedar-wasm/nodejs");
    out.cedarSetup = prepareCedar(out.cedar, w.rules, w.schema);
  }
  if (opaWasm) {
    const { loadPolicy } = await import("@open-policy-agent/opa-wasm");
    out.opa = await loadPolicy(opaWasm);
  }
  return out;
}

/**
 * The agreement check over all requests, split across `workers` threads (1: this thread, with
 * the engines given). Throws Disagreement with the first one a worker finds.
 */
export async function agreementParallel(w, local, options, workers, onProgress = () => {}) {
  const n = w.requests.length;
  if (workers <= 1) return agreement(w, local);
  const size = Math.ceil(n / workers);
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, k) => {
      const from = k * size;
      const to = Math.min(n, from + size);
      return new Promise((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: { ...options, from, to } });
        worker.once("message", (m) => {
          if (m.disagreement) reject(new Disagreement(m.disagreement));
          else if (m.error) reject(new Error(m.error));
          else {
            onProgress(k, to - from);
            resolve({ ...m, from });
          }
        });
        worker.once("error", reject);
        worker.once(
          "exit",
          (code) => code !== 0 && reject(new Error(`agreement worker ${k} exited with ${code}`)),
        );
      });
    }),
  );
  const mix = { allow: 0, denyByRule: 0, denyByDefault: 0 };
  const ns = { lac: 0, cedar: 0, opa: 0 };
  const allowed = new Uint8Array(n);
  for (const p of parts) {
    for (const k of Object.keys(mix)) mix[k] += p.mix[k];
    for (const k of Object.keys(ns)) ns[k] += p.ns[k];
    allowed.set(p.allowed, p.from);
  }
  return { mix, ns, allowed };
}

if (!isMainThread && workerData?.from !== undefined) {
  const o = workerData;
  try {
    const w = await loadWorkload(o);
    const e = await engines(w, { sdk: o.sdk, cedar: o.cedar, opaWasm: o.opaWasm });
    const r = agreement(w, e, o.from, o.to);
    parentPort.postMessage(r, [r.allowed.buffer]);
  } catch (err) {
    parentPort.postMessage(
      err instanceof Disagreement ? { disagreement: err.message } : { error: err.stack ?? String(err) },
    );
  }
}
