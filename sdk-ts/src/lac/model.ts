/** The LAC documents (policy and schema) as zod schemas: the one definition of their shape. */
import { z } from "zod";

export const LAC_API_VERSION = "trustfabric.dev/lac/v1";
export const NAMESPACES = ["subject", "resource", "action", "context"] as const;
export type Namespace = (typeof NAMESPACES)[number];

const Name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "Names are letters, digits and '_'");
const Description = z.string().optional();
/** YAML reads `version: 1.2` as a number; versions are strings. */
const Version = z.union([z.string().min(1), z.number()]).transform(String);

export const AttributeType = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("string"), description: Description }),
  z.strictObject({ type: z.literal("number"), description: Description }),
  z.strictObject({ type: z.literal("boolean"), description: Description }),
  z.strictObject({ type: z.literal("enum"), values: z.array(z.string()).min(1), description: Description }),
  z.strictObject({
    type: z.literal("set"),
    values: z.array(z.string()).min(1).optional().describe("allowed elements; any string when absent"),
    description: Description,
  }),
]);
export type AttributeType = z.output<typeof AttributeType>;

/** `role: string` is shorthand for `role: { type: string }`. */
const AttributeDecl = z.preprocess((v) => (typeof v === "string" ? { type: v } : v), AttributeType);

const Attributes = z.record(Name, AttributeDecl);

export const SchemaDoc = z.strictObject({
  apiVersion: z.literal(LAC_API_VERSION),
  kind: z.literal("Schema"),
  metadata: z.strictObject({
    name: z.string().min(1),
    version: Version.optional(),
    description: Description,
  }),
  attributes: z.strictObject({
    subject: Attributes.default({}),
    resource: Attributes.default({}),
    action: Attributes.default({}),
    context: Attributes.default({}),
  }),
});
export type SchemaDoc = z.output<typeof SchemaDoc>;

export const OPERATORS = ["eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "contains", "exists"] as const;
export type Operator = (typeof OPERATORS)[number];

/** Conditions are checked by hand (checker.ts) for precise positions; this is their shape. */
export type Operand = string | number | boolean | (string | number)[] | { attr: string };
export type Condition =
  | { attr: string; op: Operator; value?: Operand }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const PRESETS = ["mask", "bucket", "top-k", "generalize", "drop"] as const;
const Field = z.string().min(1).describe("the result column the transform applies to");
export const Obligation = z.discriminatedUnion("preset", [
  z.strictObject({
    preset: z.literal("mask"),
    field: Field,
    keepLast: z.number().int().min(0).max(64).default(0),
    char: z.string().length(1).default("*"),
  }),
  z.strictObject({
    preset: z.literal("bucket"),
    field: Field,
    size: z.number().positive().finite(),
    as: z
      .enum(["lower", "range"])
      .optional()
      .describe("lower: the bucket's lower bound (a number, default); range: a label like [20, 30)"),
  }),
  z.strictObject({ preset: z.literal("top-k"), field: Field, k: z.number().int().min(1) }),
  z.strictObject({ preset: z.literal("generalize"), field: Field, level: z.number().int().min(1).max(16) }),
  z.strictObject({ preset: z.literal("drop"), field: Field }),
]);
export type Obligation = z.output<typeof Obligation>;

const ReasonKey = z.string().regex(/^[A-Za-z0-9_.-]+$/, "Reason keys are letters, digits, '.', '_' and '-'");
const Locale = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "Locales look like en, de or pt-BR");

export const Rule = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "Rule ids are letters, digits, '.', '_' and '-'"),
  description: Description,
  effect: z.enum(["allow", "deny"]),
  when: z.unknown().optional().describe("a condition; absent: the rule applies to every request"),
  reason: ReasonKey,
  obligations: z.array(z.unknown()).default([]),
});

export const PolicyDoc = z.strictObject({
  apiVersion: z.literal(LAC_API_VERSION),
  kind: z.literal("Policy"),
  metadata: z.strictObject({ name: z.string().min(1), version: Version, description: Description }),
  mode: z.enum(["audit", "enforce"]).default("enforce"),
  combining: z.enum(["deny-overrides", "permit-overrides", "first-applicable"]).default("deny-overrides"),
  defaultLocale: Locale.default("en"),
  defaultReason: ReasonKey.optional().describe("reason when no rule applies (default deny)"),
  rules: z.array(Rule),
  reasons: z.record(ReasonKey, z.record(Locale, z.string())).default({}),
});
export type PolicyDocInput = z.input<typeof PolicyDoc>;

/** A policy whose conditions and obligations have been checked. */
export interface Policy {
  apiVersion: typeof LAC_API_VERSION;
  kind: "Policy";
  metadata: { name: string; version: string; description?: string };
  mode: "audit" | "enforce";
  combining: "deny-overrides" | "permit-overrides" | "first-applicable";
  defaultLocale: string;
  defaultReason?: string;
  rules: {
    id: string;
    description?: string;
    effect: "allow" | "deny";
    when?: Condition;
    reason: string;
    obligations: Obligation[];
  }[];
  reasons: Record<string, Record<string, string>>;
}
