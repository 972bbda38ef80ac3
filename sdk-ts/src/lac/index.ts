/** LAC — the license/authority compiler: policy language, checks, compiler, decisions. */
export * from "./checker.js";
export * from "./compile.js";
export * from "./diagnostics.js";
export * from "./model.js";
export {
  decodeSource,
  firstInvalidUtf8,
  loadYaml,
  MAX_DEPTH,
  MAX_SOURCE_BYTES,
  type SourceInput,
} from "./source.js";
