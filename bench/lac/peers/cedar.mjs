// Neutral rules (bench/lac/abac-gen.mjs) → Cedar: a schema, one permit/forbid per rule and the
// request marshalling a Cedar user writes (principal and resource entities, context record).
//
// Mapping: subject.* → attributes of the principal (entity type Subject), resource.* → of the
// resource (Resource), context.* → the context record, action.* → context.action (Cedar
// policies cannot read attributes of the action entity). enum and string → String,
// number → Long (integers only), boolean → Bool, set → Set<String>.
// Cedar is deny by default and any satisfied forbid overrides every permit: exactly LAC's
// deny-overrides with default deny.

const RESERVED = new Set(["true", "false", "if", "then", "else", "in", "is", "like", "has", "__cedar"]);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const ENTITY = { subject: "Subject", resource: "Resource" };
export const ACTION = { type: "Action", id: "decide" };
const PRINCIPAL_UID = { type: ENTITY.subject, id: "s" };
const RESOURCE_UID = { type: ENTITY.resource, id: "r" };

const CEDAR_TYPE = { string: "String", enum: "String", number: "Long", boolean: "Bool", set: "Set<String>" };

function quote(s) {
  if (typeof s !== "string" || !/^[\x20-\x7e]*$/.test(s))
    throw new Error(`cedar: only printable ASCII strings are translated, got ${JSON.stringify(s)}`);
  return JSON.stringify(s); // for printable ASCII, JSON's escapes (\" and \\) are Cedar's
}

function literal(v) {
  if (typeof v === "string") return quote(v);
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new Error(`cedar: numbers must be integers (Cedar Long), got ${v}`);
    return String(v);
  }
  throw new Error(`cedar: cannot translate literal ${JSON.stringify(v)}`);
}

const member = (base, name) =>
  IDENT.test(name) && !RESERVED.has(name) ? `${base}.${name}` : `${base}[${quote(name)}]`;

const BASE = { subject: "principal", resource: "resource", context: "context", action: "context.action" };

function split(attr) {
  const dot = attr.indexOf(".");
  const base = BASE[attr.slice(0, dot)];
  if (!base) throw new Error(`cedar: unknown namespace in ${attr}`);
  return { base, name: attr.slice(dot + 1) };
}

/** The Cedar expression for an attribute `ns.name`. */
export function cedarAttr(attr) {
  const { base, name } = split(attr);
  return member(base, name);
}

const isRef = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** A neutral condition as a Cedar expression. */
export function cedarCondition(c) {
  if ("all" in c) return c.all.length ? `(${c.all.map(cedarCondition).join(" && ")})` : "true";
  if ("any" in c) return c.any.length ? `(${c.any.map(cedarCondition).join(" || ")})` : "false";
  if ("not" in c) return `!${cedarCondition(c.not)}`;
  if (c.op === "exists") {
    const { base, name } = split(c.attr);
    return `(${base} has ${IDENT.test(name) && !RESERVED.has(name) ? name : quote(name)})`;
  }
  const left = cedarAttr(c.attr);
  const right = isRef(c.value) ? cedarAttr(c.value.attr) : undefined;
  const list = () => `[${c.value.map(literal).join(", ")}]`;
  switch (c.op) {
    case "eq":
      return `(${left} == ${right ?? literal(c.value)})`;
    case "ne":
      return `(${left} != ${right ?? literal(c.value)})`;
    case "in":
      return `${right ?? list()}.contains(${left})`;
    case "not_in":
      return `!${right ?? list()}.contains(${left})`;
    case "lt":
    case "le":
    case "gt":
    case "ge": {
      const op = { lt: "<", le: "<=", gt: ">", ge: ">=" }[c.op];
      return `(${left} ${op} ${right ?? literal(c.value)})`;
    }
    case "contains":
      return `${left}.contains(${right ?? literal(c.value)})`;
    default:
      throw new Error(`cedar: unknown operator ${c.op}`);
  }
}

/** One Cedar policy per rule, keyed by the rule id (the ids Cedar reports as reasons). */
export function cedarPolicies(rules) {
  const policies = {};
  for (const r of rules) {
    const effect = r.effect === "allow" ? "permit" : "forbid";
    policies[r.id] =
      `${effect} (principal, action, resource)${r.when ? `\nwhen { ${cedarCondition(r.when)} }` : ""};`;
  }
  return policies;
}

/** The whole policy set as one Cedar text file (ids as @id annotations), for reading. */
export function cedarPolicyText(rules) {
  return Object.entries(cedarPolicies(rules))
    .map(([id, text]) => `@id(${quote(id)})\n${text}\n`)
    .join("\n");
}

/** The Cedar schema (human-readable syntax) for a LAC schema's attributes. */
export function cedarSchema(lacSchema) {
  const record = (attrs) =>
    `{ ${Object.entries(attrs)
      .map(([name, t]) => `${quote(name)}: ${CEDAR_TYPE[t.type]}`)
      .join(", ")} }`;
  if ("action" in (lacSchema.context ?? {}))
    throw new Error(
      "cedar: context.action is taken by the action's attributes; rename that context attribute",
    );
  const context = { ...lacSchema.context };
  const contextText = `{ ${[
    ...Object.entries(context).map(([name, t]) => `${quote(name)}: ${CEDAR_TYPE[t.type]}`),
    `"action": ${record(lacSchema.action ?? {})}`,
  ].join(", ")} }`;
  return [
    `entity ${ENTITY.subject} = ${record(lacSchema.subject ?? {})};`,
    `entity ${ENTITY.resource} = ${record(lacSchema.resource ?? {})};`,
    `action ${quote(ACTION.id)} appliesTo {`,
    `  principal: ${ENTITY.subject},`,
    `  resource: ${ENTITY.resource},`,
    `  context: ${contextText}`,
    "};",
    "",
  ].join("\n");
}

/**
 * A LAC request as the arguments of Cedar's (stateful) isAuthorized: the principal and the
 * resource become entities carrying their attributes, context and action attributes the context.
 */
export function cedarCall(req, policySetId, schemaName) {
  const call = {
    principal: PRINCIPAL_UID,
    action: ACTION,
    resource: RESOURCE_UID,
    context: { ...req.context, action: req.action },
    entities: [
      { uid: PRINCIPAL_UID, attrs: req.subject, parents: [] },
      { uid: RESOURCE_UID, attrs: req.resource, parents: [] },
    ],
    preparsedPolicySetId: policySetId,
  };
  if (schemaName) {
    call.preparsedSchemaName = schemaName;
    call.validateRequest = true;
  }
  return call;
}

/**
 * Loads the policies (and schema) into cedar-wasm's cache and validates the policies against
 * the schema in strict mode, so a mistranslation fails here rather than as a silent policy error.
 */
export function prepareCedar(
  cedar,
  rules,
  lacSchema,
  { policySetId = "lac-bench", schemaName = "lac-bench" } = {},
) {
  const policies = cedarPolicies(rules);
  const schema = cedarSchema(lacSchema);
  const fail = (what, answer) => {
    const errors = (answer.errors ?? answer.validationErrors ?? []).slice(0, 5);
    throw new Error(`cedar: ${what} failed: ${JSON.stringify(errors, null, 2)}`);
  };
  const ps = cedar.preparsePolicySet(policySetId, { staticPolicies: policies });
  if (ps.type !== "success") fail("parsing the policies", ps);
  const sc = cedar.preparseSchema(schemaName, schema);
  if (sc.type !== "success") fail("parsing the schema", sc);
  const v = cedar.validate({
    schema,
    policies: { staticPolicies: policies },
    validationSettings: { mode: "strict" },
  });
  if (v.type !== "success") fail("validating the policies", v);
  if (v.validationErrors.length) fail("validating the policies", v);
  return { policies, schema, policySetId, schemaName };
}
