/**
 * THE OPERATION TABLE. Every operation is defined once here; the clients, the CLI, the
 * server routes, the JSON Schemas and the Python bindings are derived from this table.
 */
import { z } from "zod";
import { TfError } from "../core/errors.js";
import type { Operation, OperationContext } from "./operation.js";
import * as backfill from "./ops/backfill.js";
import * as keys from "./ops/keys.js";
import * as lac from "./ops/lac.js";
import * as lacAuthoring from "./ops/lac-authoring.js";
import * as lacSim from "./ops/lac-sim.js";
import * as log from "./ops/log.js";
import * as pcq from "./ops/pcq.js";
import * as pcqFixtures from "./ops/pcq-fixtures.js";
import * as zk from "./ops/zk.js";
import * as zkProofs from "./ops/zk-proofs.js";

export const operations = {
  "keys.generate": keys.keysGenerate,
  "keys.list": keys.keysList,
  "keys.show": keys.keysShow,
  "log.init": log.logInit,
  "log.append": log.logAppend,
  "log.get": log.logGet,
  "log.checkpoint": log.logCheckpoint,
  "log.prove": log.logProve,
  "log.verifyProof": log.logVerifyProof,
  "log.consistency": log.logConsistency,
  "log.verifyConsistency": log.logVerifyConsistency,
  "log.verify": log.logVerify,
  "lac.check": lac.lacCheckOp,
  "lac.eval": lac.lacEvalOp,
  "lac.lint": lacAuthoring.lacLintOp,
  "lac.fmt": lacAuthoring.lacFmtOp,
  "lac.test": lacAuthoring.lacTestOp,
  "lac.simulate": lacSim.lacSimulateOp,
  "lac.redteam": lacSim.lacRedteamOp,
  "lac.evalBatch": lac.lacEvalBatchOp,
  "lac.minimize": lac.lacMinimizeOp,
  "lac.auditList": lac.lacAuditListOp,
  "lac.auditVerify": lac.lacAuditVerifyOp,
  "pcq.fixtureGen": pcqFixtures.pcqFixtureGen,
  "pcq.replay": pcq.pcqReplayOp,
  "pcq.verifyReceipt": pcq.pcqVerifyReceiptOp,
  "pcq.manifestCreate": pcq.pcqManifestCreateOp,
  "pcq.manifestValidate": pcq.pcqManifestValidateOp,
  "pcq.dslCompile": pcq.pcqDslCompileOp,
  "backfill.run": backfill.backfillRun,
  "backfill.pause": backfill.backfillPause,
  "backfill.status": backfill.backfillStatus,
  "zk.epochRotate": zk.zkEpochRotateOp,
  "zk.tenantInit": zk.zkTenantInitOp,
  "zk.seal": zk.zkSealOp,
  "zk.exchangeOpen": zk.zkExchangeOpenOp,
  "zk.reblind": zk.zkReblindOp,
  "zk.prove": zk.zkProveOp,
  "zk.bundleExport": zk.zkBundleExportOp,
  "zk.bundleVerify": zk.zkBundleVerifyOp,
  "zk.verify": zkProofs.zkVerifyOp,
  "zk.verifyBatch": zkProofs.zkVerifyBatchOp,
} as const;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type OperationInput<K extends OperationName> = z.input<Operations[K]["input"]>;
export type OperationOutput<K extends OperationName> = z.output<Operations[K]["output"]>;

export const operationNames = Object.keys(operations) as OperationName[];

export function getOperation(name: string): Operation {
  const op = (operations as Record<string, Operation>)[name];
  if (!op)
    throw new TfError("TF_USAGE", `Unknown operation ${JSON.stringify(name)}`, {
      details: { operation: name },
    });
  return op;
}

/** Validates an operation's input against its schema; TF_INPUT_INVALID names the first bad field. */
export function parseOperationInput(name: string, input: unknown): unknown {
  const op = getOperation(name);
  const parsed = op.input.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join(".") || "(input)";
    throw new TfError("TF_INPUT_INVALID", `Invalid input for ${name}: ${path}: ${issue.message}`, {
      details: {
        operation: name,
        path,
        issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      },
    });
  }
  return parsed.data;
}

/** Validates input, runs the handler, validates output. The single entry point every surface uses. */
export async function runOperation<K extends OperationName>(
  name: K,
  input: OperationInput<K>,
  ctx: OperationContext,
): Promise<OperationOutput<K>> {
  const op = getOperation(name);
  const data = parseOperationInput(name, input);
  const out = await op.handler(data, ctx);
  return op.output.parse(out) as OperationOutput<K>;
}

/** JSON Schemas (draft 2020-12) of every operation's input and output, keyed by name. */
export function operationJsonSchemas(): Record<
  string,
  { summary: string; idempotent: boolean; input: unknown; output: unknown }
> {
  const out: Record<string, { summary: string; idempotent: boolean; input: unknown; output: unknown }> = {};
  for (const name of operationNames) {
    const op = operations[name] as Operation;
    out[name] = {
      summary: op.summary,
      idempotent: op.idempotent,
      input: z.toJSONSchema(op.input, { io: "input" }),
      output: z.toJSONSchema(op.output, { io: "output" }),
    };
  }
  return out;
}

export type { Operation, OperationContext } from "./operation.js";
