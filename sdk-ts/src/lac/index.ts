/** LAC — the license/authority compiler: policy language, checks, compiler, decisions. */
export * from "./audit.js";
export * from "./batch.js";
export * from "./checker.js";
export * from "./compile.js";
export * from "./diagnostics.js";
export * from "./fmt.js";
export * from "./graph.js";
export * from "./lint.js";
export * from "./model.js";
export * from "./redteam.js";
export * from "./report-formats.js";
export * from "./simulate.js";
export * from "./simulate-parallel.js";
export * from "./simulate-report.js";
export {
  decodeSource,
  firstInvalidUtf8,
  loadYaml,
  MAX_DEPTH,
  MAX_SOURCE_BYTES,
  type SourceInput,
} from "./source.js";
export * from "./testing.js";
export * from "./transforms.js";
