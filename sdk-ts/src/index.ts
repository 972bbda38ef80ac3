/** @trustfabric/sdk — the engine behind `tf`, usable directly from TypeScript. */

export * as backfill from "./backfill/index.js";
export * from "./client/local.js";
export * from "./client/remote.js";
export * from "./client/types.js";
export * from "./core/canonical.js";
export * from "./core/dsse.js";
export * from "./core/encoding.js";
export * from "./core/errors.js";
export * from "./core/fsutil.js";
export * from "./core/keys.js";
export * from "./core/note.js";
export * from "./engine/envelope.js";
export * from "./engine/index.js";
export * from "./engine/schemas.js";
export * as lac from "./lac/index.js";
export {
  type CheckResult as LacCheckResult,
  type CompiledPolicy,
  compilePolicy,
  type Decision as LacDecision,
  type Diagnostic as LacDiagnostic,
  formatDiagnostic as formatLacDiagnostic,
  lacCheck,
  parseLacRequest,
} from "./lac/index.js";
export * from "./ledger/checkpoint.js";
export * from "./ledger/consistency.js";
export * from "./ledger/fslog.js";
export * from "./ledger/lock.js";
export * from "./ledger/merkle.js";
export * from "./ledger/proof.js";
export * from "./ledger/tiles.js";
export * from "./ledger/tilestore.js";
export * from "./ledger/verify.js";
export * as pcq from "./pcq/index.js";
export * from "./server/openapi.js";
export * from "./server/server.js";
export * from "./server/tenants.js";
export { ENGINE_VERSION } from "./version.js";
export * as zk from "./zk/index.js";
