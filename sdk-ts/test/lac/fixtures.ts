import { readFileSync } from "node:fs";

const examples = new URL("../../../examples/lac/", import.meta.url);
export const example = (name: string): string => readFileSync(new URL(name, examples), "utf8");
export const exampleRequest = (name: string): Record<string, Record<string, unknown>> =>
  JSON.parse(example(`requests/${name}`));

/** A small schema used by the unit tests. */
export const SCHEMA = `apiVersion: trustfabric.dev/lac/v1
kind: Schema
metadata: { name: test }
attributes:
  subject:
    role: { type: enum, values: [analyst, admin, contractor] }
    onCall: boolean
    clearance: number
    geo: string
    groups: { type: set }
  resource:
    dataset: string
    residency: string
    tags: { type: set, values: [pii, finance, public] }
  action:
    type: { type: enum, values: [query, export] }
  context:
    purpose: string
`;

/** A policy around the given rules (YAML lines, indented by 2) with en/de reasons r1..r3. */
export function policy(rules: string, header = ""): string {
  return `apiVersion: trustfabric.dev/lac/v1
kind: Policy
metadata: { name: test-policy, version: "7" }
${header}rules:
${rules}
reasons:
  r1: { en: "Rule one for {subject.role}", de: "Regel eins für {subject.role}" }
  r2: { en: "Rule two on {resource.dataset}", de: "Regel zwei für {resource.dataset}" }
  r3: { en: "Rule three", de: "Regel drei" }
`;
}

export const rule = (id: string, effect: string, when: string, reason = "r1", extra = ""): string =>
  `  - id: ${id}\n    effect: ${effect}\n${when ? `    when: ${when}\n` : ""}    reason: ${reason}\n${extra}`;
